"""The index must return exactly what the brute-force oracle returns."""
import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from scanner.images import hashing
from scanner.images import index as index_module
from scanner.images.index import DEFAULT_THRESHOLDS, HashIndex, brute_force, brute_force_candidates


def _flip(v, bits, n, rng):
    for b in rng.sample(range(bits), n):
        v ^= 1 << b
    return v


def _random_entries(rng, n, base=None, noise=(0, 40)):
    out = []
    for _ in range(n):
        root = base if base is not None and rng.random() < 0.5 else {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
        views = {}
        for v in hashing.GALLERY_VARIANTS:
            views[v] = {h: _flip(root[h], hashing.HASH_BITS[h], rng.randint(*noise) * hashing.HASH_BITS[h] // 256, rng)
                        for h in hashing.ALL_HASHES}
        out.append(views)
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("thresholds", [
    {"phash64": 12, "phash": 34, "dhash": 128},
    {"phash64": 4, "phash": 10, "dhash": 20},
    {"phash64": 20, "phash": 60, "dhash": 60},
    {"phash64": 0, "phash": 0, "dhash": 0},
    {"phash64": 12, "phash": 34, "dhash": 128, "colour": 60},
    {"phash64": 14, "phash": 56, "dhash": 128, "colour": 600},
    {"phash64": 20, "phash": 60, "dhash": 60, "colour": 2000},
])
def test_index_equals_brute_force(seed, thresholds):
    rng = random.Random(seed)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries = _random_entries(rng, 300, base)
    query = {qv: {h: _flip(base[h], hashing.HASH_BITS[h], rng.randint(0, 12), rng) for h in hashing.ALL_HASHES}
             for qv in hashing.QUERY_VARIANTS}
    got = HashIndex(entries, thresholds).search(query)
    want = brute_force(query, entries, thresholds)
    assert [h.key() for h in got] == [h.key() for h in want]
    if thresholds["phash"] >= 34:
        assert want  # the test must exercise real hits


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 30), st.integers(0, 80))
def test_index_equals_brute_force_hypothesis(seed, t64, t256):
    rng = random.Random(seed)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries = _random_entries(rng, 40, base, noise=(0, 20))
    query = {qv: dict(base) for qv in hashing.QUERY_VARIANTS}
    th = {"phash64": t64, "phash": t256, "dhash": t256}
    if seed % 2:
        th["colour"] = seed % 3000
    assert [h.key() for h in HashIndex(entries, th).search(query)] == \
           [h.key() for h in brute_force(query, entries, th)]


def test_empty_index():
    assert HashIndex([]).search({"orig": {"phash64": 0, "phash": 0, "dhash": 0}}) == []


# --- exactness of the multi-index hashing prefilter ------------------------------------------
# The index cuts phash64 into parts (bits 0-15, 16-31, 32-47, 48-63 with 4 parts; 0-21, 22-42,
# 43-63 with 3) and, at threshold 14, looks in each part only within 3,3,3,2 bits (4 parts) or
# 4,4,4 bits (3 parts) of the query: a code 14 bits away must still be found when its flipped
# bits are spread so that only one part is within its radius. These codes are written here
# from that layout, by hand; the oracle decides what matches.
PART_BITS = {4: [(0, 16), (16, 32), (32, 48), (48, 64)], 3: [(0, 22), (22, 43), (43, 64)]}
SPREADS = {  # flipped bits per part; (sum <= 14) = a hit at phash64 <= 14
    4: [(4, 4, 4, 2), (4, 4, 3, 3), (3, 4, 4, 3), (4, 3, 4, 3), (2, 4, 4, 4), (4, 4, 4, 3), (5, 5, 4, 0),
        (0, 0, 0, 14), (14, 0, 0, 0), (0, 0, 0, 15), (4, 4, 4, 4), (3, 3, 3, 3), (0, 0, 0, 0), (16, 16, 16, 16)],
    3: [(5, 5, 4), (5, 4, 5), (4, 5, 5), (5, 5, 5), (14, 0, 0), (0, 0, 14), (0, 15, 0), (6, 6, 2), (0, 0, 0)],
}


def _spread(code, parts, counts, rng):
    for (lo, hi), k in zip(PART_BITS[parts], counts):
        for b in rng.sample(range(lo, hi), k):
            code ^= 1 << b
    return code


def _same(views):
    return {v: dict(views) for v in hashing.GALLERY_VARIANTS}


@pytest.mark.parametrize("parts", [3, 4])
def test_codes_spread_to_the_edge_of_every_part_are_found(parts):
    rng = random.Random(parts)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries = []
    for counts in SPREADS[parts]:
        for _ in range(3):
            entries.append(_same({**base, "phash64": _spread(base["phash64"], parts, counts, rng)}))
    query = {"orig": dict(base)}
    th = dict(DEFAULT_THRESHOLDS)
    got = HashIndex(entries, th, parts=parts).search(query)
    assert [h.key() for h in got] == [h.key() for h in brute_force(query, entries, th)]
    want = [i for i, counts in enumerate(c for c in SPREADS[parts] for _ in range(3)) if sum(counts) <= 14]
    assert [h.entry for h in got] == want
    assert all(h.distance["phash64"] == sum(SPREADS[parts][h.entry // 3]) for h in got)


EDGE_CASES = [
    # (name, entries builder, query builder)
    ("empty gallery", lambda b, r: [], lambda b, r: {qv: dict(b) for qv in hashing.QUERY_VARIANTS}),
    ("one entry, identical", lambda b, r: [_same(b)], lambda b, r: {qv: dict(b) for qv in hashing.QUERY_VARIANTS}),
    ("one entry, one bit past every threshold", lambda b, r: [_same(b)], lambda b, r: {"orig": {
        "phash64": _flip(b["phash64"], 64, 15, r), "phash": b["phash"], "dhash": b["dhash"], "colour": b["colour"]}}),
    ("one entry, phash64 exactly at the threshold", lambda b, r: [_same(b)], lambda b, r: {"orig": {
        **b, "phash64": _flip(b["phash64"], 64, 14, r)}}),
    ("one entry, phash exactly at the threshold", lambda b, r: [_same(b)], lambda b, r: {"mirror": {
        **b, "phash": _flip(b["phash"], 256, 56, r)}}),
    ("one entry, phash one past the threshold", lambda b, r: [_same(b)], lambda b, r: {"mirror": {
        **b, "phash": _flip(b["phash"], 256, 57, r)}}),
    ("500 identical entries", lambda b, r: [_same(b) for _ in range(500)],
     lambda b, r: {qv: dict(b) for qv in hashing.QUERY_VARIANTS}),
    ("500 entries, 10 distinct codes, all views alike", lambda b, r: [
        _same({**b, "phash64": _flip(b["phash64"], 64, i % 10 * 2, random.Random(i % 10))}) for i in range(500)],
     lambda b, r: {qv: dict(b) for qv in hashing.QUERY_VARIANTS}),
    ("entries missing views, query with only top and bottom", lambda b, r: [
        {v: dict(b) for v in hashing.GALLERY_VARIANTS[: 1 + i % len(hashing.GALLERY_VARIANTS)]} for i in range(40)],
     lambda b, r: {"top": dict(b), "bottom": dict(b)}),
    ("query view the index does not know", lambda b, r: [_same(b)], lambda b, r: {"sideways": dict(b)}),
    ("all-zero and all-one codes", lambda b, r: [_same({**b, "phash64": 0}), _same({**b, "phash64": 2**64 - 1}),
                                                 _same({**b, "phash64": 2**14 - 1})],
     lambda b, r: {"orig": {**b, "phash64": 0}}),
]


@pytest.mark.parametrize("name,make_entries,make_query", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
@pytest.mark.parametrize("spill", [False, True])
def test_edge_cases_equal_brute_force(name, make_entries, make_query, spill):
    rng = random.Random(name)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries, query = make_entries(base, rng), make_query(base, rng)
    idx = HashIndex(entries, DEFAULT_THRESHOLDS, spill=spill)
    assert [h.key() for h in idx.search(query)] == [h.key() for h in brute_force(query, entries)]


def test_edge_case_expectations_written_by_hand():
    rng = random.Random(7)
    b = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    one = HashIndex([_same(b)])
    assert [(h.entry, h.query_view, h.gallery_view) for h in one.search({"orig": dict(b)})] == [(0, "orig", "orig")]
    assert one.search({"orig": {**b, "phash64": _flip(b["phash64"], 64, 15, rng)}}) == []
    at = one.search({"orig": {**b, "phash64": _flip(b["phash64"], 64, 14, rng)}})
    assert [h.distance["phash64"] for h in at] == [14]
    assert len(HashIndex([_same(b)] * 500).search({"orig": dict(b)})) == 500


def test_both_prefilter_plans_are_exercised():
    """At the shipped threshold the tables are probed by MIH; a wide prefilter limit (30)
    makes the plan a scan of one part. Both must agree with the oracle (the tests above and
    test_candidates_equal_brute_force use both)."""
    from scanner.images.index import _plan
    assert _plan((16, 16, 16, 16), 14, 1_000_000) == [3, 3, 3, 2]
    assert _plan((16, 16, 16, 16), 40, 1_000_000) == [16, -1, -1, -1]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("limits,k", [
    ({"phash64": 14, "phash": 56, "dhash": 128, "colour": 70}, None),
    ({"phash64": 20, "phash": 80, "dhash": 128, "colour": 200}, 5),
    ({"phash64": 24, "phash": 96}, 20),
    ({"phash64": 40, "phash": 128, "dhash": 128, "colour": 6000}, 50),
    ({"phash64": 64, "phash": 256, "dhash": 256}, 3),
    ({"phash64": 0, "phash": 0, "dhash": 0}, None),
    ({"phash64": 20, "phash": 80, "dhash": 128, "colour": 200}, 0),
])
def test_candidates_equal_brute_force(seed, limits, k):
    rng = random.Random(100 + seed)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries = _random_entries(rng, 200, base)
    query = {qv: {h: _flip(base[h], hashing.HASH_BITS[h], rng.randint(0, 12), rng) for h in hashing.ALL_HASHES}
             for qv in hashing.QUERY_VARIANTS}
    got = HashIndex(entries, DEFAULT_THRESHOLDS).candidates(query, limits, k)
    want = brute_force_candidates(query, entries, limits, k)
    assert [h.key() for h in got] == [h.key() for h in want]
    if limits["phash64"] >= 20 and k:
        assert want  # real candidates


def test_candidates_refuse_limits_without_the_prefilter():
    with pytest.raises(ValueError, match="phash64"):
        HashIndex([]).candidates({}, {"phash": 10}, 3)


@pytest.mark.parametrize("parts", [3, 4])
def test_spilled_index_equals_the_in_memory_one(parts, tmp_path):
    rng = random.Random(parts)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries = _random_entries(rng, 150, base)
    ram = HashIndex(entries, DEFAULT_THRESHOLDS, parts=parts, spill=False)
    disk = HashIndex(entries, DEFAULT_THRESHOLDS, parts=parts, spill=str(tmp_path))
    assert disk.spilled_bytes() > 0 == ram.spilled_bytes() and disk.nbytes() < ram.nbytes()
    for gv, cols in ram.columns().items():
        for h, a in cols.items():
            assert np.array_equal(a, disk.columns()[gv][h]), (gv, h)
    q = {qv: dict(base) for qv in hashing.QUERY_VARIANTS}
    assert [h.key() for h in disk.search(q)] == [h.key() for h in ram.search(q)] == \
           [h.key() for h in brute_force(q, entries)] != []
    assert list(tmp_path.iterdir()) == []  # the mapped file has no name: nothing left behind


@pytest.mark.skipif(not index_module.COMPILED, reason="the C twin is not built")
@pytest.mark.parametrize("seed", range(3))
def test_c_probe_equals_its_numpy_definition(seed):
    rng = random.Random(seed)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries = _random_entries(rng, 400, base)
    for parts in (3, 4):
        idx = HashIndex(entries, DEFAULT_THRESHOLDS, parts=parts)
        for table in idx._tables:
            for radius in (0, 6, 14, 22, 40):
                t, masks, start = table._plan_arrays(radius)
                args = (table.codes, table.rows, table.offsets, table.shifts, table.widths, t, masks, start,
                        _flip(base["phash64"], 64, rng.randint(0, 10), rng), radius)
                c_rows, c_d = index_module._c.probe(*args)
                n_rows, n_d = index_module._probe_numpy(*args)
                assert sorted(zip(c_rows.tolist(), c_d.tolist())) == sorted(zip(n_rows.tolist(), n_d.tolist()))
                assert len(set(c_rows.tolist())) == len(c_rows)  # each row once


@pytest.mark.skipif(not index_module.COMPILED, reason="the C twin is not built")
def test_c_bucket_sort_equals_its_numpy_definition():
    gen = np.random.default_rng(3)
    codes = np.concatenate([gen.integers(0, 2**63, 5000, dtype=np.uint64), np.zeros(50, np.uint64)])
    rows = np.arange(codes.size, dtype=np.uint32)
    for shift, width in ((0, 16), (43, 21), (22, 21), (48, 16)):
        outs = []
        for fn in (index_module._c.bucket_sort, index_module._bucket_sort_numpy):
            c, r, o = np.empty_like(codes), np.empty_like(rows), np.zeros(2**22 + 1, np.uint32)
            fn(codes, rows, shift, width, c, r, o)
            outs.append((c, r, o))
        for a, b in zip(*outs):
            assert np.array_equal(a, b)


@pytest.mark.parametrize("parts", [3, 4])
def test_probe_finds_each_row_within_the_radius_once(parts):
    """The numpy probe (the definition; the C twin is checked against it above) against a plain
    scan of the table's rows: the same rows, none twice."""
    rng = random.Random(parts)
    base = {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES}
    entries = _random_entries(rng, 300, base)
    table = HashIndex(entries, DEFAULT_THRESHOLDS, parts=parts)._tables[0]
    codes, rows = table.codes[0].tolist(), table.rows[0].tolist()
    for radius in (0, 3, 14, 20, 33):
        q = _flip(base["phash64"], 64, rng.randint(0, 8), rng)
        t, masks, start = table._plan_arrays(radius)
        got_rows, got_d = index_module._probe_numpy(table.codes, table.rows, table.offsets, table.shifts,
                                                    table.widths, t, masks, start, q, radius)
        want = sorted((r, (c ^ q).bit_count()) for c, r in zip(codes, rows) if (c ^ q).bit_count() <= radius)
        assert sorted(zip(got_rows.tolist(), got_d.tolist())) == want
        assert radius < 14 or want


def test_spilled_verify_store_keeps_records_put_in_any_order(tmp_path):
    """Chunks that split an entry's views (the UTF-16 loader sends one view per row), puts that
    overwrite, entries never put: the mapped file answers as an in-RAM array would."""
    gen = np.random.default_rng(5)
    n, views = 60, len(hashing.GALLERY_VARIANTS)
    ram, disk = index_module._VerifyStore(n, False), index_module._VerifyStore(n, str(tmp_path))
    pos = gen.integers(0, n - 10, 400)  # the last 10 entries are never put
    view = gen.integers(0, views, 400)
    rec = np.zeros(400, dtype=index_module.VERIFY_DTYPE)
    rec["phash"] = gen.integers(0, 2**63, (400, 4), dtype=np.uint64)
    rec["colour"] = gen.integers(-127, 128, (400, 16, 2), dtype=np.int8)
    for lo in range(0, 400, 37):
        for store in (ram, disk):
            store.put(pos[lo:lo + 37], view[lo:lo + 37], rec[lo:lo + 37])
    disk.finish()
    e, v = np.repeat(np.arange(n), views), np.tile(np.arange(views), n)
    got, want = disk.get(e, v), ram.get(e, v)
    assert got.tobytes() == want.tobytes()
    assert not want[e >= n - 10]["phash"].any()
    assert disk.file_bytes() == (n - 10) * views * index_module.VERIFY_DTYPE.itemsize
