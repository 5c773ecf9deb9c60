"""Bulk snapshot load (GalleryStore.load_packed -> HashIndex.builder) == the entry-by-entry path.

A gallery of a few thousand synthetic entries (random hashes clustered around a few roots,
some entries without the crop views or with an extra unknown view, shuffled `added_at`),
written through GalleryStore.upsert. The bulk-loaded snapshot must hold the same columns,
the same metadata per position and give the same hits as HashIndex(load()) and the
brute-force oracle; a snapshot taken before an edit keeps its version.
"""
import json
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


# --- the index file beside the gallery (index_file.py): a cache, never trusted when stale ------

def _counting(store, monkeypatch):
    """Count the SQLite bulk reads (a snapshot from the index file does none)."""
    calls = []
    real = store.load_packed

    def load_packed(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(store, "load_packed", load_packed)
    return calls


def _same_snapshot(a, b, roots, n_queries=12, oracle=True):
    """Two snapshots hold the same index and metadata, and search like the oracle."""
    assert a.version == b.version and len(a) == len(b)
    ca, cb = a._index.columns(), b._index.columns()
    assert ca.keys() == cb.keys()
    for gv in ca:
        for h in ca[gv]:
            assert ca[gv][h].dtype == cb[gv][h].dtype and np.array_equal(ca[gv][h], cb[gv][h]), (gv, h)
    assert [a._meta[i] for i in range(len(a))] == [b._meta[i] for i in range(len(b))]
    rng = random.Random(5)
    total = 0
    for k, q in enumerate(_queries(rng, roots, n_queries)):
        got = _keys(b._index.search(q))
        assert got == _keys(a._index.search(q))
        assert _keys(b._index.candidates(q, b._proposal, 8)) == _keys(a._index.candidates(q, a._proposal, 8))
        total += len(got)
    assert total > 0


def test_the_index_file_is_written_then_read_instead_of_sqlite(gallery, tmp_path, monkeypatch):
    store, roots = gallery
    path = tmp_path / "g.index"
    calls = _counting(store, monkeypatch)
    built = GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path, index_file_min_entries=0)
    assert calls == [1] and path.exists()
    mapped = GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path, index_file_min_entries=0)
    assert calls == [1]  # no second SQLite read
    _same_snapshot(built, mapped, roots)
    version, entries = store.load()  # and both equal the entry-by-entry path and the oracle
    old = HashIndex([e["hashes"] for e in entries], mapped._index.thresholds)
    q = _queries(random.Random(8), roots, 1)[0]
    assert _keys(mapped._index.search(q)) == _keys(old.search(q)) == \
        _keys(brute_force(q, [e["hashes"] for e in entries], mapped._index.thresholds)) != []


def test_small_galleries_write_no_index_file_by_default(gallery, tmp_path):
    store, _ = gallery
    path = tmp_path / "g.index"
    GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path)  # N < INDEX_FILE_MIN_ENTRIES
    assert not path.exists()


def _corrupt(path, how):
    data = bytearray(path.read_bytes())
    at, length = int.from_bytes(data[8:16], "little"), int.from_bytes(data[16:24], "little")
    arrays = json.loads(bytes(data[at:at + length]))["arrays"] if data else []
    if how.startswith("flip a byte of "):  # the layout documented in index_file.py, read here by hand
        off = next(a[3] for a in arrays if a[0] == how[len("flip a byte of "):])
        data[off + 1] ^= 0x01  # the second byte of the array (all three hold more than 2 bytes)
    elif how == "flip the last array byte":
        at = int.from_bytes(data[8:16], "little")
        k = at - 1
        while data[k] == 0:  # the last non-padding byte
            k -= 1
        data[k] ^= 0x80
    elif how == "truncated":
        data = data[:len(data) // 2]
    elif how == "extended":
        data += b"\0" * 10
    elif how == "header edited":
        at = int.from_bytes(data[8:16], "little")
        data[at + 5] ^= 0x20
    elif how == "not an index file":
        data[:8] = b"SQLite f"
    elif how == "empty":
        data = b""
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["flip a byte of t0.codes", "flip a byte of verify.records", "flip a byte of meta.ids",
                                 "flip the last array byte", "truncated", "extended",
                                 "header edited", "not an index file", "empty"])
def test_a_corrupt_index_file_is_detected_and_rebuilt(gallery, tmp_path, monkeypatch, how):
    store, roots = gallery
    path = tmp_path / "g.index"
    good = GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path, index_file_min_entries=0)
    _corrupt(path, how)
    calls = _counting(store, monkeypatch)
    rebuilt = GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path, index_file_min_entries=0)
    assert calls == [1]  # not trusted: read from SQLite again ...
    _same_snapshot(good, rebuilt, roots, n_queries=4)
    again = GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path, index_file_min_entries=0)
    assert calls == [1]  # ... and the file was rewritten whole
    _same_snapshot(good, again, roots, n_queries=4)


def test_a_stale_index_file_is_rebuilt_after_edits_and_other_limits(tmp_path, monkeypatch):
    rng = random.Random(21)
    roots = _roots(rng, 3)
    store = GalleryStore(tmp_path / "g.sqlite3")
    other = GalleryStore(tmp_path / "g.sqlite3")  # the fresh loads: not counted
    entries = _entries(rng, roots, 400)
    store.upsert(entries)
    path = tmp_path / "g.index"
    calls = _counting(store, monkeypatch)

    def snap(**kw):
        return GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path, index_file_min_entries=0, **kw)

    def fresh(**kw):
        return GallerySnapshot.from_store(other, TH, 10**7, 10**7, index_file=None, **kw)

    first = snap()
    assert calls == [1]
    store.upsert(_entries(rng, roots, 50, start=400))  # content edit: new version
    second = snap()
    assert calls == [1, 1] and second.version != first.version and len(second) == 450
    _same_snapshot(fresh(), second, roots)
    # the same content in another order (an entry re-added later): same version, new generation
    moved = dict(entries[0], added_at=2_000_000_000.0)
    store.upsert([moved])
    third = snap()
    assert third.version == second.version and calls == [1, 1, 1]
    assert third._meta[len(third) - 1]["id"] == moved["id"]
    _same_snapshot(fresh(), third, roots)
    # other proposal limits: another index
    wide = {"phash64": 22, "phash": 90, "dhash": 140, "colour": 240}
    fourth = snap(proposal=wide)
    assert calls == [1, 1, 1, 1] and fourth._index.thresholds["phash64"] == 22
    _same_snapshot(fresh(proposal=wide), snap(proposal=wide), roots)
    assert calls == [1, 1, 1, 1]  # the second snap(proposal=wide) came from the file
    store.close(), other.close()


def test_an_unwritable_index_file_is_logged_not_fatal(gallery, tmp_path, caplog):
    store, roots = gallery
    path = tmp_path / "is-a-directory"
    path.mkdir()
    snap = GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=path, index_file_min_entries=0)
    assert len(snap) == N and "not written" in caplog.text
    _same_snapshot(GallerySnapshot.from_store(store, TH, 10**7, 10**7, index_file=None), snap, roots, n_queries=3)
