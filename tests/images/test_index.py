"""The index must return exactly what the brute-force oracle returns."""
import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from scanner.images import hashing
from scanner.images.index import HashIndex, brute_force


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
