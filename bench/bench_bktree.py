"""Gallery search: our HashIndex beside a BK-tree (the classic metric-tree answer) and brute force.

    python bench/bench_bktree.py [--sizes 10000,100000,1000000] [--queries 20]

bench_images.py times HashIndex against brute force in Python; this adds the BK-tree that
imagededup and many dedup tools use (handlers/search/bktree.py there), with the same match
rule so the three return the same hits:

* per gallery view, one BK-tree over the 64-bit prefilter hash (phash64), queried with
  radius = the phash64 threshold for every (query view, gallery view) pair in COMPARE,
  candidates verified on the 256-bit phash/dhash, best pair per entry kept (index._better);
* at the smallest size the BK-tree answers are checked against HashIndex and the brute-force
  oracle on planted near-duplicate queries (a benchmark that returns wrong answers is no
  benchmark);
* sizes above --full-tree-max (default 100k) build ONE tree (the 'orig' view) and run all
  16 pair queries against it: the same number of tree searches over trees of the same size
  and distribution, without 8 million Python nodes in memory. Marked `"emulated": true`.

Data: uniformly random hashes, as bench_images.py (the worst case for a BK-tree: little
structure to prune on; real galleries cluster a little, which helps it somewhat).
Writes bench/results/bktree.json. Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.images import hashing  # noqa: E402
from scanner.images import index as _index  # noqa: E402
from scanner.images.index import DEFAULT_THRESHOLDS, PREFILTER, HashIndex, Hit, _better, brute_force  # noqa: E402

OUT = ROOT / "bench" / "results" / "bktree.json"
# The match rule's per-hash distance (Hamming for hashes; the index may add non-Hamming signatures).
distance = getattr(_index, "distance", lambda h, a, b: (a ^ b).bit_count())


class BKTree:
    """A BK-tree over ints with Hamming distance. Node = [value, [payload...], {dist: child}]."""

    def __init__(self) -> None:
        self.root: list | None = None
        self.nodes = 0

    def add(self, value: int, payload: int) -> None:
        if self.root is None:
            self.root = [value, [payload], {}]
            self.nodes = 1
            return
        node = self.root
        while True:
            d = (value ^ node[0]).bit_count()
            if d == 0:
                node[1].append(payload)
                return
            child = node[2].get(d)
            if child is None:
                node[2][d] = [value, [payload], {}]
                self.nodes += 1
                return
            node = child

    def search(self, value: int, radius: int) -> list[tuple[int, int]]:
        """[(payload, distance)] of every stored value within `radius`."""
        out: list[tuple[int, int]] = []
        if self.root is None:
            return out
        stack = [self.root]
        while stack:
            node = stack.pop()
            d = (value ^ node[0]).bit_count()
            if d <= radius:
                out.extend((p, d) for p in node[1])
            children = node[2]
            for k in range(max(1, d - radius), d + radius + 1):
                c = children.get(k)
                if c is not None:
                    stack.append(c)
        return out


def synthetic(n: int, seed: int = 0) -> list[dict[str, dict[str, int]]]:
    """n entries x 8 views x 3 hashes, uniformly random (Python ints, what the gallery stores)."""
    rng = random.Random(seed)
    bits = hashing.HASH_BITS
    return [{gv: {h: rng.getrandbits(bits[h]) for h in hashing.ALL_HASHES} for gv in hashing.GALLERY_VARIANTS}
            for _ in range(n)]


def synthetic_columns(n: int, seed: int = 0) -> tuple[dict, list[int]]:
    """The same kind of data as numpy columns for HashIndex at 1M (and the 'orig' phash64 as ints),
    from bench_images' generator, so both benchmarks time the same columns."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_images import _synthetic

    cols = _synthetic(n, np.random.default_rng(seed))
    return cols, [int(x) for x in cols["orig"]["phash64"]]


def random_query(rng: random.Random) -> dict[str, dict[str, int]]:
    return {qv: {h: rng.getrandbits(hashing.HASH_BITS[h]) for h in hashing.ALL_HASHES} for qv in hashing.QUERY_VARIANTS}


def planted_query(entry: dict[str, dict[str, int]], rng: random.Random) -> dict[str, dict[str, int]]:
    """A query whose 'orig' view is the entry's 'orig' with a few bits flipped (a near-duplicate)."""
    q = random_query(rng)
    flips = {"phash64": 4, "phash": 12, "dhash": 30}  # other signatures (if any) are kept identical
    near = {}
    for h, value in entry["orig"].items():
        for b in rng.sample(range(hashing.HASH_BITS[h]), flips.get(h, 0)):
            value ^= 1 << b
        near[h] = value
    q["orig"] = near
    return q


class BKGallery:
    """The gallery match rule (index.py) answered with one BK-tree per gallery view."""

    def __init__(self, entries: list[dict[str, dict[str, int]]], thresholds=DEFAULT_THRESHOLDS) -> None:
        self.entries = entries
        self.th = dict(thresholds)
        self.trees = {}
        for gv in hashing.GALLERY_VARIANTS:
            t = BKTree()
            for i, views in enumerate(entries):
                if gv in views:
                    t.add(views[gv][PREFILTER], i)
            self.trees[gv] = t

    def search(self, query: dict[str, dict[str, int]]) -> list[Hit]:
        th = self.th
        best: dict[int, Hit] = {}
        for qv, gv in hashing.COMPARE:
            if qv not in query:
                continue
            q = query[qv]
            for i, d64 in self.trees[gv].search(q[PREFILTER], th[PREFILTER]):
                g = self.entries[i][gv]
                d = {PREFILTER: d64}
                ok = True
                for h in th:
                    if h != PREFILTER:
                        d[h] = distance(h, q[h], g[h])
                        ok = ok and d[h] <= th[h]
                if ok:
                    hit = Hit(i, {h: d[h] for h in th}, qv, gv)
                    if _better(best.get(i), hit, th):
                        best[i] = hit
        return [best[i] for i in sorted(best)]


def check_agreement(n: int, queries: int) -> dict:
    """BK-tree == HashIndex == brute force on planted and random queries."""
    rng = random.Random(5)
    entries = synthetic(n, seed=1)
    bk, idx = BKGallery(entries), HashIndex(entries)
    qs = [planted_query(entries[rng.randrange(n)], rng) for _ in range(queries)] + [random_query(rng) for _ in range(5)]
    hits = 0
    for q in qs:
        a = [h.key() for h in bk.search(q)]
        b = [h.key() for h in idx.search(q)]
        c = [h.key() for h in brute_force(q, entries)]
        if not (a == b == c):
            raise SystemExit(f"BK-tree/HashIndex/brute force disagree on a query: {a} / {b} / {c}")
        hits += len(a)
    return {"entries": n, "queries": len(qs), "hits": hits, "agree": True}


def bench_size(n: int, queries: int, full_tree_max: int, brute_per_entry_ms: float, budget_s: float) -> dict:
    rng = random.Random(n)
    qs = [random_query(rng) for _ in range(queries)]
    if n <= full_tree_max:
        entries = synthetic(n, seed=2)
        t = time.perf_counter()
        idx = HashIndex(entries)
        t = time.perf_counter()
        bk = BKGallery(entries)
        build_s = time.perf_counter() - t
        nodes = sum(tr.nodes for tr in bk.trees.values())
        bk.search(qs[0])
        t, done = time.perf_counter(), 0
        for q in qs:
            bk.search(q)
            done += 1
            if time.perf_counter() - t > budget_s and done >= 2:
                break
        bk_ms = (time.perf_counter() - t) * 1000 / done
        emulated = False
        del bk, entries
    else:
        cols, orig64 = synthetic_columns(n, seed=2)
        idx = HashIndex.from_arrays(cols, n, DEFAULT_THRESHOLDS)
        tree = BKTree()
        t = time.perf_counter()
        for i, v in enumerate(orig64):
            tree.add(v, i)
        build_s = (time.perf_counter() - t) * len(hashing.GALLERY_VARIANTS)  # 8 such trees
        nodes = tree.nodes * len(hashing.GALLERY_VARIANTS)
        radius = DEFAULT_THRESHOLDS[PREFILTER]
        tree.search(qs[0]["orig"][PREFILTER], radius)
        t, done = time.perf_counter(), 0
        for q in qs:
            for qv, _gv in hashing.COMPARE:  # one tree search per pair, as BKGallery does
                tree.search(q[qv][PREFILTER], radius)
            done += 1
            if time.perf_counter() - t > budget_s and done >= 2:
                break
        bk_ms = (time.perf_counter() - t) * 1000 / done
        emulated = True
        del tree, orig64
    idx.search(qs[0])
    t = time.perf_counter()
    for q in qs:
        idx.search(q)
    idx_ms = (time.perf_counter() - t) * 1000 / len(qs)
    return {"entries": n, "index_ms": idx_ms, "bktree_ms": bk_ms, "bktree_build_s": build_s,
            "bktree_nodes": nodes, "python_brute_force_ms": brute_per_entry_ms * n,
            "ratio_vs_bktree": bk_ms / idx_ms, "ratio_vs_brute_force": brute_per_entry_ms * n / idx_ms,
            "emulated": emulated, "queries": len(qs), "bktree_queries": done}


def brute_force_per_entry_ms(sample: int = 2000) -> float:
    entries = synthetic(sample, seed=3)
    q = random_query(random.Random(3))
    t = time.perf_counter()
    brute_force(q, entries)
    return (time.perf_counter() - t) * 1000 / sample


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--full-tree-max", type=int, default=100_000,
                    help="largest size built as 8 real trees; above it one tree is built and queried 16x")
    ap.add_argument("--bktree-seconds", type=float, default=20.0,
                    help="time budget for BK-tree queries per size (at least 2 queries are timed)")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]

    agreement = check_agreement(min(2000, min(sizes)), 20)
    brute = brute_force_per_entry_ms()
    rows = [bench_size(n, args.queries, args.full_tree_max, brute, args.bktree_seconds) for n in sizes]
    result = {"agreement": agreement, "search": rows, "thresholds": DEFAULT_THRESHOLDS,
              "pairs_per_query": len(hashing.COMPARE)}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))

    print(f"agreement check: {agreement}")
    print("| entries | HashIndex ms/query | BK-tree ms/query | Python brute force ms/query (scaled) "
          "| index ÷ BK-tree | BK-tree build s | nodes |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['entries']:,} | {r['index_ms']:.2f} | {r['bktree_ms']:.1f}{' (1 tree x%d)' % len(hashing.COMPARE) if r['emulated'] else ''} "
              f"| {r['python_brute_force_ms']:.0f} | {r['ratio_vs_bktree']:.0f}× | {r['bktree_build_s']:.1f} "
              f"| {r['bktree_nodes']:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
