"""Gallery index: our exact MIH HashIndex beside today's numpy scan and faiss, in the same run.

    python bench/bench_index.py                 # 10 k and 100 k entries (about a minute)
    python bench/bench_index.py --full          # + 1 M entries and a 1 M gallery loaded from SQLite
    python bench/bench_index.py --sim10m        # + 10 M entries (simulated: ~8 GB RAM, a few minutes)

For every size, the same synthetic gallery (random 64/256-bit hashes and colour cells for all
17 gallery views, uniformly random: the worst case for any index) and the same queries
(random ones, and "planted" ones whose views are near-duplicates of a random entry's views,
a few bits flipped, so there are hits) go to:

* ours: `HashIndex` (multi-index hashing on phash64, verify records in a mapped file);
* scan: today's index before this change -- per (query view, gallery view) pair a numpy
  `bitwise_count` over the whole phash64 column, candidates verified on in-RAM 256-bit
  columns (the code is kept below as `ScanIndex`, verbatim in behaviour);
* faiss `IndexBinaryFlat` (one per gallery view, 64-bit codes, `range_search` at radius
  threshold + 1, all of a gallery view's query views in one batch, one thread): the
  prefilter stage only, so it is compared with our prefilter (`prefilter_ms`); skipped with a
  message when faiss is not installed (`pip install faiss-cpu`, the `bench` extra).

Agreement is checked, not assumed: ours == scan on every query (same hits) and ours'
prefilter == faiss' range results (same (entry, pair) set). Timing: wall ms per query
(the machine is shared: the load average is recorded) and CPU ms of this thread
(time.thread_time), the steadier figure when other jobs run; each method is timed in
alternating rounds over the same queries and its fastest round kept.

Memory: bytes per entry in RAM (ours: MIH tables; scan: all columns) and in the mapped file.
Load: seconds to build the index from columns, and (--full) to open a 1 M-entry SQLite gallery
(`GallerySnapshot.from_store`, the service's path): from SQLite (the path before the index
file), the first start writing the index file, and a restart reading it (checked identical).
`--load-only --load-db /tmp/g1m.sqlite3` reuses a gallery made once by
bench_memory.synthetic_gallery (3 GB, never in git). Writes bench/results/index.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scanner.images import hashing  # noqa: E402
from scanner.images import index as _index  # noqa: E402
from scanner.images.hashing import COMPARE, GALLERY_VARIANTS, HASH_BITS, QUERY_VARIANTS, colour_cells  # noqa: E402
from scanner.images.index import DEFAULT_THRESHOLDS, PREFILTER, HashIndex, Hit, _better  # noqa: E402

OUT = ROOT / "bench" / "results" / "index.json"
try:
    import faiss  # noqa: E402
except ImportError:  # optional: the bench extra
    faiss = None


# --- data -----------------------------------------------------------------------------

def synthetic(n: int, seed: int) -> dict[str, dict[str, np.ndarray]]:
    """Per-view columns, uniformly random (as bench_images._synthetic, all 64 bits random)."""
    g = np.random.default_rng(seed)
    return {gv: {"phash64": g.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True),
                 "phash": g.integers(0, 2**64 - 1, (n, 4), dtype=np.uint64, endpoint=True),
                 "dhash": g.integers(0, 2**64 - 1, (n, 4), dtype=np.uint64, endpoint=True),
                 "colour": g.integers(-20, 21, (n, 16, 2), dtype=np.int8),
                 "present": np.ones(n, bool)} for gv in GALLERY_VARIANTS}


def _int(words: np.ndarray) -> int:
    return int.from_bytes(words.astype(">u8").tobytes(), "big")


def _colour_int(cells: np.ndarray) -> int:
    return int.from_bytes(cells.astype(np.int8).tobytes(), "big")


def _flip(v: int, bits: int, k: int, rng: random.Random) -> int:
    for b in rng.sample(range(bits), k):
        v ^= 1 << b
    return v


def queries(cols: dict, n: int, count: int, rng: random.Random) -> list[dict[str, dict[str, int]]]:
    """Half random, half planted: each query view near the gallery view it is compared with first
    (orig -> orig, top -> top, ...), phash64 within 0-14 bits, phash 0-40, dhash 0-60."""
    out = []
    for k in range(count):
        q = {qv: {h: rng.getrandbits(HASH_BITS[h]) for h in hashing.ALL_HASHES} for qv in QUERY_VARIANTS}
        if k % 2:
            e = rng.randrange(n)
            for qv in QUERY_VARIANTS:
                gv = next(g for qq, g in COMPARE if qq == qv)
                c = cols[gv]
                q[qv] = {"phash64": _flip(int(c["phash64"][e]), 64, rng.randint(0, 14), rng),
                         "phash": _flip(_int(c["phash"][e]), 256, rng.randint(0, 40), rng),
                         "dhash": _flip(_int(c["dhash"][e]), 256, rng.randint(0, 60), rng),
                         "colour": _colour_int(c["colour"][e])}
        out.append(q)
    return out


# --- today's index (before MIH), for comparison ----------------------------------------

class ScanIndex:
    """The previous HashIndex.search: a numpy scan of every phash64 column per compared pair."""

    def __init__(self, cols: dict, thresholds: dict[str, int] = DEFAULT_THRESHOLDS) -> None:
        self.thresholds, self._cols = dict(thresholds), cols

    def nbytes(self) -> int:
        return sum(a.nbytes for c in self._cols.values() for a in c.values())

    def search(self, query: dict[str, dict[str, int]]) -> list[Hit]:
        th = self.thresholds
        best: dict[int, Hit] = {}
        qwords = {qv: {h: colour_cells(hs[h]).astype(np.int16) if h == "colour" else _index._words(hs[h], HASH_BITS[h])
                       for h in th} for qv, hs in query.items()}
        for qv, gv in COMPARE:
            if qv not in qwords:
                continue
            cols, q = self._cols[gv], qwords[qv]
            pre = np.bitwise_count(cols[PREFILTER] ^ q[PREFILTER][0])
            cand = np.nonzero((pre <= th[PREFILTER]) & cols["present"])[0]
            if cand.size == 0:
                continue
            dist = {PREFILTER: pre[cand].astype(np.int64)}
            keep = np.ones(cand.size, dtype=bool)
            for h in th:
                if h == PREFILTER:
                    continue
                if h == "colour":
                    d = _index._colour_distances(cols[h][cand], q[h])
                else:
                    d = np.bitwise_count(cols[h][cand] ^ q[h]).sum(axis=1, dtype=np.int64)
                dist[h] = d
                keep &= d <= th[h]
            for k in np.nonzero(keep)[0]:
                i = int(cand[k])
                hit = Hit(i, {h: int(dist[h][k]) for h in th}, qv, gv)
                if _better(best.get(i), hit, th):
                    best[i] = hit
        return [best[i] for i in sorted(best)]


class FaissPrefilter:
    """faiss IndexBinaryFlat per gallery view over phash64: the prefilter stage (range search)."""

    def __init__(self, cols: dict, radius: int) -> None:
        faiss.omp_set_num_threads(1)
        self.radius = radius
        self.indexes = {}
        for gv in GALLERY_VARIANTS:
            ix = faiss.IndexBinaryFlat(64)
            ix.add(np.ascontiguousarray(cols[gv]["phash64"]).view(np.uint8).reshape(-1, 8))
            self.indexes[gv] = ix
        self.qviews = {gv: [qv for qv, g in COMPARE if g == gv] for gv in GALLERY_VARIANTS}

    def prefilter(self, query: dict[str, dict[str, int]]) -> set[tuple[int, int]]:
        out = set()
        for gv, ix in self.indexes.items():
            qvs = [qv for qv in self.qviews[gv] if qv in query]
            if not qvs:
                continue
            codes = np.array([query[qv][PREFILTER] for qv in qvs], dtype=np.uint64).view(np.uint8).reshape(-1, 8)
            lims, _, labels = ix.range_search(codes, self.radius + 1)  # distances < radius + 1
            for j, qv in enumerate(qvs):
                p = _index._PAIR[(qv, gv)]
                out.update((int(e), p) for e in labels[lims[j]:lims[j + 1]])
        return out


def our_prefilter(idx: HashIndex, query: dict) -> set[tuple[int, int]]:
    e, p, _ = idx._pairs(query, {PREFILTER: idx.thresholds[PREFILTER]})
    return set(zip(e.tolist(), p.tolist()))


# --- timing -----------------------------------------------------------------------------

def timed_rounds(fns: dict, qs: list, rounds: int) -> dict[str, dict[str, float]]:
    """Each fn over all queries, in alternating rounds; the fastest round per fn (ms/query)."""
    best = {k: {"wall_ms": float("inf"), "cpu_ms": float("inf")} for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t, c = time.perf_counter(), time.thread_time()
            for q in qs:
                fn(q)
            wall, cpu = (time.perf_counter() - t) * 1000 / len(qs), (time.thread_time() - c) * 1000 / len(qs)
            best[name]["wall_ms"] = min(best[name]["wall_ms"], wall)
            best[name]["cpu_ms"] = min(best[name]["cpu_ms"], cpu)
    return best


def bench_size(n: int, count: int, rounds: int, with_scan: bool = True) -> dict:
    rng = random.Random(n)
    cols = synthetic(n, seed=n)
    qs = queries(cols, n, count, rng)
    t = time.perf_counter()
    idx = HashIndex.from_arrays(cols, n, DEFAULT_THRESHOLDS)
    build_s = time.perf_counter() - t
    row = {"entries": n, "queries": count, "build_s": round(build_s, 2),
           "ram_bytes_per_entry": idx.nbytes() / n, "mapped_bytes_per_entry": idx.spilled_bytes() / n,
           "parts": {t.gviews[0]: int(t.codes.shape[0]) for t in idx._tables}}
    fns = {"ours": idx.search, "ours_prefilter": lambda q: our_prefilter(idx, q)}
    hits = [idx.search(q) for q in qs]
    row["hits"] = sum(map(len, hits))
    if with_scan:
        scan = ScanIndex(cols)
        row["scan_bytes_per_entry"] = scan.nbytes() / n
        for q, h in zip(qs, hits):  # exactness first
            if [x.key() for x in scan.search(q)] != [x.key() for x in h]:
                raise SystemExit(f"ours and the numpy scan disagree at {n:,} entries")
        row["agree_scan"] = True
        fns["scan"] = scan.search
    if faiss is not None:
        fp = FaissPrefilter(cols, DEFAULT_THRESHOLDS[PREFILTER])
        for q in qs:
            if fp.prefilter(q) != our_prefilter(idx, q):
                raise SystemExit(f"ours and faiss disagree on the prefilter at {n:,} entries")
        row["agree_faiss"] = True
        fns["faiss_prefilter"] = fp.prefilter
    else:
        row["faiss"] = "skipped: faiss is not installed (pip install faiss-cpu, the bench extra)"
    del cols
    row["times"] = timed_rounds(fns, qs, rounds)
    tm = row["times"]
    for other, mine in (("scan", "ours"), ("faiss_prefilter", "ours_prefilter")):
        if other in tm:
            row[f"ratio_{other}"] = {k: tm[other][k] / tm[mine][k] for k in ("wall_ms", "cpu_ms")}
    return row


def bench_10m(count: int, rounds: int, n: int = 10_000_000) -> dict:
    """10 M entries, simulated: random phash64 for all 17 views (the tables are built in full),
    verify records only for the planted entries (a 16 GB file otherwise): the random prefilter
    candidates of other entries read as zeros without touching the file, so the verify step is
    cheaper than on a real 10 M gallery. Ours only: the numpy scan would need 18 GB of RAM."""
    g = np.random.default_rng(10)
    rng = random.Random(10)
    b = _index.IndexBuilder(n, DEFAULT_THRESHOLDS, spill=True)
    b.codes[:] = g.integers(0, 2**64 - 1, b.codes.shape, dtype=np.uint64, endpoint=True)
    b.present[:] = True
    planted = sorted(rng.sample(range(n), count))
    small = {gv: {"phash64": b.codes[_index._VIEW[gv], planted],
                  "phash": g.integers(0, 2**64 - 1, (count, 4), dtype=np.uint64, endpoint=True),
                  "dhash": g.integers(0, 2**64 - 1, (count, 4), dtype=np.uint64, endpoint=True),
                  "colour": g.integers(-20, 21, (count, 16, 2), dtype=np.int8)} for gv in GALLERY_VARIANTS}
    views = len(GALLERY_VARIANTS)
    rec = np.zeros((count, views), dtype=_index.VERIFY_DTYPE)
    for gv in GALLERY_VARIANTS:
        for h in _index.VERIFY_HASHES:
            rec[h][:, _index._VIEW[gv]] = small[gv][h]
    b.verify.put(np.repeat(planted, views), np.tile(np.arange(views), count), rec.reshape(-1))
    qs = queries(small, count, count, rng)
    t = time.perf_counter()
    idx = b.build()
    build_s = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = 0
    for k, q in enumerate(qs):
        found += len(idx.search(q))
    times = timed_rounds({"ours": idx.search}, qs, rounds)
    return {"entries": n, "queries": count, "build_s": round(build_s, 1), "hits": found,
            "ram_bytes_per_entry": idx.nbytes() / n, "mapped_bytes_per_entry": idx.spilled_bytes() / n,
            "parts": {t.gviews[0]: int(t.codes.shape[0]) for t in idx._tables},
            "peak_rss_mb": round(rss), "times": times}


def _load(store, **kw) -> tuple[object, dict]:
    from scanner.images.snapshot import GallerySnapshot

    t, c = time.perf_counter(), time.process_time()
    snap = GallerySnapshot.from_store(store, DEFAULT_THRESHOLDS, 10**8, 10**8, **kw)
    return snap, {"wall_s": round(time.perf_counter() - t, 2), "cpu_s": round(time.process_time() - c, 2),
                  "load_average": [round(x, 1) for x in os.getloadavg()]}


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def bench_load(entries: int, db: str | None = None) -> dict:
    """Open a synthetic SQLite gallery the way the service does (GallerySnapshot.from_store):
    `sqlite` = the bulk read from the database (the path before the index file, and the path of
    a first start or after an edit), `cold` = the same + writing the index file, `warm` = a
    restart that reads the index file (best of 3). The warm snapshot must hold exactly the cold
    one's arrays. `db`: an existing synthetic gallery (bench_memory.synthetic_gallery) to reuse."""
    from bench_memory import synthetic_gallery

    from scanner.images.gallery import GalleryStore

    with tempfile.TemporaryDirectory(dir=os.path.dirname(db) if db else None) as d:
        if db:
            path, made = Path(db), {"db_mb": round(Path(db).stat().st_size / 2**20, 1), "build_s": None}
        else:
            path = Path(d) / "g.sqlite3"
            made = synthetic_gallery(path, entries)
        index_path = Path(d) / "g.index"
        store = GalleryStore(path)
        out = {"entries": None, "db_mb": made["db_mb"], "write_s": made["build_s"]}
        snap, out["sqlite"] = _load(store, index_file=None)
        n = out["entries"] = len(snap)
        out["ram_bytes_per_entry"] = snap._index.nbytes() / n
        del snap
        cold, out["cold"] = _load(store, index_file=index_path, index_file_min_entries=0)
        out["index_file_mb"] = round(index_path.stat().st_size / 2**20, 1)
        runs = []
        for _ in range(3):
            rss = _rss_mb()
            warm, r = _load(store, index_file=index_path)
            r["rss_added_mb"] = round(_rss_mb() - rss, 1)
            runs.append(r)
            if len(runs) < 3:
                del warm
        out["warm_runs"] = runs
        out["warm"] = min(runs, key=lambda r: r["wall_s"])
        out["warm_ram_bytes_per_entry"] = warm._index.nbytes() / n
        out["warm_mapped_bytes_per_entry"] = warm._index.spilled_bytes() / n
        (ci, ca), (wi, wa) = cold._index.state(), warm._index.state()
        (cm, cma), (wm, wma) = cold._meta.state(), warm._meta.state()
        if ci != wi or cm != wm or ca.keys() != wa.keys() or any(
                not np.array_equal(ca[k], wa[k]) for k in ca) or any(not np.array_equal(cma[k], wma[k]) for k in cma):
            raise SystemExit("the index read from the index file differs from the one built from SQLite")
        out["warm_equals_cold"] = True
        out["speedup_wall"] = round(out["sqlite"]["wall_s"] / out["warm"]["wall_s"], 1)
        out["speedup_cpu"] = round(out["sqlite"]["cpu_s"] / out["warm"]["cpu_s"], 1)
        store.close()
        del cold, warm
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default=None, help="comma-separated entry counts (default 10000,100000; --full adds 1M)")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="1 M entries and a 1 M SQLite gallery load")
    ap.add_argument("--sim10m", action="store_true", help="10 M simulated entries (about 8 GB of RAM)")
    ap.add_argument("--load-entries", type=int, default=None)
    ap.add_argument("--load-db", default=None, help="reuse this synthetic gallery for the load bench")
    ap.add_argument("--load-only", action="store_true", help="only the gallery load bench")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else \
        [10_000, 100_000] + ([1_000_000] if args.full else [])
    if args.load_only:
        sizes = []
    load_entries = args.load_entries or (1_000_000 if args.full else 20_000)
    out = {"compiled_probe": _index.COMPILED, "faiss": getattr(faiss, "__version__", None),
           "load_average_start": os.getloadavg(), "thresholds": DEFAULT_THRESHOLDS, "search": []}
    if faiss is None:
        print("faiss not installed: skipping the faiss IndexBinaryFlat comparison (pip install faiss-cpu)")
    for n in sizes:
        r = bench_size(n, args.queries, args.rounds)
        out["search"].append(r)
        print(json.dumps(r), flush=True)
    if args.sim10m:
        out["sim10m"] = bench_10m(args.queries, args.rounds)
        print(json.dumps(out["sim10m"]), flush=True)
    out["load"] = bench_load(load_entries, args.load_db)
    print(json.dumps(out["load"]), flush=True)
    out["load_average_end"] = os.getloadavg()
    print("\n| entries | ours ms (cpu) | numpy scan ms (cpu) | ratio | ours prefilter ms (cpu) | faiss prefilter ms (cpu) "
          "| ratio | RAM B/entry ours / scan |\n|---|---|---|---|---|---|---|---|")
    for r in out["search"] + ([out["sim10m"]] if "sim10m" in out else []):
        tm = r["times"]

        def f(k: str) -> str:
            return f"{tm[k]['wall_ms']:.2f} ({tm[k]['cpu_ms']:.2f})" if k in tm else "—"

        def ratio(k: str) -> str:
            return f"{r[k]['cpu_ms']:.1f}×" if k in r else "—"

        print(f"| {r['entries']:,} | {f('ours')} | {f('scan')} | {ratio('ratio_scan')} | {f('ours_prefilter')} "
              f"| {f('faiss_prefilter')} | {ratio('ratio_faiss_prefilter')} | {r['ram_bytes_per_entry']:.0f} / "
              f"{r.get('scan_bytes_per_entry', float('nan')):.0f} |")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    (OUT.with_name("index_load.json") if args.load_only else OUT).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
