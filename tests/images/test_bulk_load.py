"""Bulk snapshot load (GalleryStore.load_packed -> HashIndex.builder) == the entry-by-entry path.

A gallery of a few thousand synthetic entries (random hashes clustered around a few roots,
some entries without the crop views or with an extra unknown view, shuffled `added_at`),
written through GalleryStore.upsert. The bulk-loaded snapshot must hold the same columns,
the same metadata per position and give the same hits as HashIndex(load()) and the
brute-force oracle; a snapshot taken before an edit keeps its version.
"""
import random
import sqlite3

import numpy as np
import pytest

from scanner.images import GallerySnapshot, ImageScanner, hashing
from scanner.images.gallery import GalleryError, GalleryStore
from scanner.images.index import DEFAULT_THRESHOLDS, HashIndex, brute_force

N = 3000
TH = DEFAULT_THRESHOLDS


def _flip(v, bits, n, rng):
    for b in rng.sample(range(bits), n):
        v ^= 1 << b
    return v


def _near(root, rng, noise):
    return {h: _flip(root[h], hashing.HASH_BITS[h], rng.randint(0, noise) * hashing.HASH_BITS[h] // 256, rng)
            for h in hashing.ALL_HASHES}


def _roots(rng, k=8):
    return [{h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES} for _ in range(k)]


def _entries(rng, roots, n, start=0):
    out = []
    for i in range(start, start + n):
        root = rng.choice(roots) if rng.random() < 0.3 else _roots(rng, 1)[0]
        views = hashing.BASE_GALLERY_VARIANTS if i % 7 == 0 else hashing.GALLERY_VARIANTS  # v1 entries
        hashes = {v: _near(root, rng, 30) for v in views}
        if i % 11 == 0:
            hashes["legacy"] = _near(root, rng, 0)  # a view the index does not know: ignored by both paths
        out.append({"id": f"e{rng.getrandbits(40):010x}_{i}", "brand": f"Brand{i % 13}",
                    "label": None if i % 3 else f"label {i % 5}", "source": None if i % 2 else "src",
                    "added_at": 1_700_000_000 + rng.random() * 1e6, "hashes": hashes})
    return out


def _queries(rng, roots, k):
    return [{qv: _near(rng.choice(roots), rng, 12) for qv in hashing.QUERY_VARIANTS} for _ in range(k)]


def _keys(hits):
    return [h.key() for h in hits]


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    rng = random.Random(1234)
    roots = _roots(rng)
    store = GalleryStore(tmp_path_factory.mktemp("bulk") / "g.sqlite3")
    store.upsert(_entries(rng, roots, N))
    yield store, roots
    store.close()


def test_bulk_index_has_the_same_columns_and_metadata(gallery):
    store, _ = gallery
    bulk = GallerySnapshot.from_store(store, TH, 10**7, 10**7)
    version, entries = store.load()
    old = HashIndex([e["hashes"] for e in entries], TH)
    assert bulk.version == version and len(bulk) == len(entries) == N
    bulk_cols, old_cols = bulk._index.columns(), old.columns()
    assert bulk_cols.keys() == old_cols.keys() == set(hashing.GALLERY_VARIANTS)
    for gv in hashing.GALLERY_VARIANTS:
        assert bulk_cols[gv].keys() == old_cols[gv].keys()
        for h, a in old_cols[gv].items():
            b = bulk_cols[gv][h]
            assert (b.dtype, b.shape) == (a.dtype, a.shape) and np.array_equal(a, b), (gv, h)
    assert bulk._index.nbytes() == old.nbytes()
    for i in range(0, N, 37):
        assert bulk._meta[i] == {k: entries[i].get(k) for k in ("id", "brand", "label", "source")}


def test_bulk_snapshot_matches_like_the_old_path_and_the_oracle(gallery):
    store, roots = gallery
    rng = random.Random(99)
    bulk = GallerySnapshot.from_store(store, TH, 10**7, 10**7)
    version, entries = store.load()
    old = GallerySnapshot(version, entries, TH, 10**7, 10**7)
    views = [e["hashes"] for e in entries]
    queries = _queries(rng, roots, 40)
    total = 0
    for n, q in enumerate(queries):
        got = bulk._index.search(q)
        assert _keys(got) == _keys(old._index.search(q))
        if n < 3:  # the oracle is slow (colour distances in Python): a few queries
            assert _keys(got) == _keys(brute_force(q, views, bulk._index.thresholds))  # the proposal limits
        assert [bulk._finding(h, None, "images[0]") for h in got] == [old._finding(h, None, "images[0]") for h in got]
        total += len(got)
    assert total > 0  # the queries must exercise real hits


def test_snapshot_still_isolates_versions(tmp_path):
    rng = random.Random(7)
    roots = _roots(rng, 2)
    path = tmp_path / "g.sqlite3"
    sc = ImageScanner(GalleryStore(path), reload_interval_s=0)
    writer = GalleryStore(path)  # another connection, as another process would
    first = _entries(rng, roots[:1], 500)
    writer.upsert(first)
    before = sc.snapshot()
    assert len(before) == 500
    q = {qv: dict(roots[1]) for qv in hashing.QUERY_VARIANTS}
    old_hits = _keys(before._index.search(q))
    writer.upsert(_entries(rng, roots[1:], 500, start=500))
    writer.remove(first[0]["id"])
    after = sc.snapshot()
    assert after is not before and after.version != before.version and len(after) == 999
    assert len(before) == 500 and _keys(before._index.search(q)) == old_hits  # the old version, unchanged
    version, entries = writer.load()
    assert after.version == version
    assert _keys(after._index.search(q)) == _keys(HashIndex([e["hashes"] for e in entries], after._index.thresholds).search(q))
    assert after._index.search(q)  # the new entries near roots[1] are found in the new snapshot only
    sc.close(), writer.close()


def test_empty_gallery_bulk_loads(tmp_path):
    store = GalleryStore(tmp_path / "g.sqlite3")
    snap = GallerySnapshot.from_store(store, TH, 10**7, 10**7)
    assert len(snap) == 0 and snap._index.search({"orig": dict(_roots(random.Random(1), 1)[0])}) == []
    store.close()


def test_a_hash_blob_of_the_wrong_length_is_refused(tmp_path):
    path = tmp_path / "g.sqlite3"
    store = GalleryStore(path)
    store.upsert(_entries(random.Random(3), _roots(random.Random(3), 1), 3))
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("UPDATE hashes SET phash = x'00' WHERE rowid = (SELECT min(rowid) FROM hashes)")
    db.close()
    with pytest.raises(GalleryError, match="wrong length"):
        GallerySnapshot.from_store(store, TH, 10**7, 10**7)
    store.close()


def test_a_utf16_database_loads_through_the_python_packing(tmp_path):
    path = tmp_path / "g16.sqlite3"
    db = sqlite3.connect(str(path))
    db.execute("PRAGMA encoding = 'UTF-16le'")
    db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")  # as GalleryStore creates it
    db.close()
    rng = random.Random(16)
    roots = _roots(rng, 2)
    store = GalleryStore(path)
    store.upsert(_entries(rng, roots, 200))
    assert store._db.execute("PRAGMA encoding").fetchone()[0] == "UTF-16le"
    bulk = GallerySnapshot.from_store(store, TH, 10**7, 10**7)
    version, entries = store.load()
    old = HashIndex([e["hashes"] for e in entries], bulk._index.thresholds)  # the proposal limits
    bulk_cols = bulk._index.columns()
    for gv, cols in old.columns().items():
        for h, a in cols.items():
            assert np.array_equal(a, bulk_cols[gv][h]), (gv, h)
    q = {qv: dict(roots[0]) for qv in hashing.QUERY_VARIANTS}
    assert _keys(bulk._index.search(q)) == _keys(old.search(q)) != []
    store.close()
