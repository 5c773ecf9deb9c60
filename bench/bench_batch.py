"""Throughput and memory of `scanner batch` beside naive approaches, measured in one run.

    python bench/bench_batch.py                     # 200k listings
    python bench/bench_batch.py --rows 1000000      # the issue's target: 1M text-only listings in <= 5 min

Each configuration runs in its own process so peak RSS is its own:

* batch       -- scanner.batch.run_batch, real engine (text only), --workers cores
* naive       -- the same engine in one process: read, parse, scan, dump, write
* per-row     -- a fresh engine per listing (what a careless job does), on a small sample
* plumbing    -- run_batch with a trivial engine: the cost of reading, IPC, ordering, writing
* batch @ 1/4 -- the batch path on a quarter of the rows: memory must not grow with the input

Reports rows/s, the batch/naive ratio, plumbing overhead per row and peak RSS of the
parent and of the largest worker.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]


class _Null:
    versions = {"wordlists": "null", "gallery": "none", "scanner": "null"}

    class _R:
        def __init__(self, d):
            self._d = d

        def to_dict(self):
            return dict(self._d)

    def scan(self, raw):
        return self._R({"id": raw.get("id") if isinstance(raw, dict) else None, "decision": "pass", "score": 0,
                        "findings": [], "versions": self.versions, "took_ms": 0.0})


def build_null(spec):
    return _Null()


def _rss_mb() -> tuple[float, float]:
    kb_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kb_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(kb_self / 1024, 1), round(kb_children / 1024, 1)


def child(config: str, catalogue: str, workers: int, sample: int) -> dict:
    from scanner.batch import BatchOptions, EngineSpec, build_engine, run_batch

    out = Path(tempfile.mkdtemp(prefix="bench-batch-")) / "out.jsonl"
    real = EngineSpec(with_images=False)
    started = time.perf_counter()
    rows = 0
    if config in ("batch", "plumbing"):
        spec = real if config == "batch" else EngineSpec(factory="bench_batch:build_null", with_images=False)
        summary = run_batch(catalogue, out, spec, BatchOptions(workers=workers, progress="none"))
        rows = summary["rows"]
    elif config == "naive":
        engine = build_engine(real)  # built once, counted in the time like the batch workers' builds
        with open(catalogue, "rb") as fh, open(out, "w", encoding="utf-8") as w:
            for rows, line in enumerate(fh, 1):
                try:
                    d = engine.scan(json.loads(line)).to_dict()
                except ValueError:
                    d = {"error": "invalid_json"}
                w.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
    elif config == "per-row":
        with open(catalogue, "rb") as fh, open(out, "w", encoding="utf-8") as w:
            for rows, line in enumerate(fh, 1):
                engine = build_engine(real)
                w.write(json.dumps(engine.scan(json.loads(line)).to_dict(), ensure_ascii=False) + "\n")
                if rows >= sample:
                    break
    elapsed = time.perf_counter() - started
    parent_mb, workers_mb = _rss_mb()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    out.unlink(missing_ok=True)
    return {"config": config, "rows": rows, "seconds": round(elapsed, 3), "rows_per_s": round(rows / elapsed, 1),
            "peak_rss_parent_mb": parent_mb, "peak_rss_worker_mb": workers_mb,
            "cpu_parent_s": round(me.ru_utime + me.ru_stime, 2), "cpu_workers_s": round(kids.ru_utime + kids.ru_stime, 2)}


def run_child(config: str, catalogue: Path, workers: int, sample: int = 20) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, __file__, "--child", config, "--catalogue", str(catalogue),
                           "--workers", str(workers), "--sample", str(sample)],
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{config} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--catalogue", help=argparse.SUPPRESS)
    p.add_argument("--sample", type=int, default=20, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.catalogue, args.workers, args.sample)))
        return 0

    from catalogue import write_catalogue

    tmp = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    full, quarter = tmp / "full.jsonl", tmp / "quarter.jsonl"
    t = time.perf_counter()
    write_catalogue(str(full), args.rows, seed=args.seed)
    write_catalogue(str(quarter), max(args.rows // 4, 1), seed=args.seed)
    print(f"catalogue: {args.rows:,} listings, {full.stat().st_size / 1e6:,.0f} MB "
          f"(generated in {time.perf_counter() - t:.1f}s); {args.workers} workers on {os.cpu_count()} cores")

    results = {
        "batch": run_child("batch", full, args.workers),
        "naive": run_child("naive", full, 1),
        "per-row": run_child("per-row", full, 1, sample=20),
        "plumbing": run_child("plumbing", full, args.workers),
        "batch@1/4": run_child("batch", quarter, args.workers),
    }
    for name, r in results.items():
        print(f"  {name:<10} {r['rows']:>9,} rows {r['seconds']:>8.1f}s {r['rows_per_s']:>10,.0f} rows/s   "
              f"peak RSS parent {r['peak_rss_parent_mb']:>6.0f} MB, worker {r['peak_rss_worker_mb']:>6.0f} MB; "
              f"CPU parent {r['cpu_parent_s']:.1f}s, workers {r['cpu_workers_s']:.1f}s")
    b, n, pl = results["batch"], results["naive"], results["plumbing"]
    ratio = b["rows_per_s"] / n["rows_per_s"]
    overhead_us = 1e6 / pl["rows_per_s"] * args.workers
    print(f"batch / naive one-process: {ratio:.2f}x; batch / per-row engine: "
          f"{b['rows_per_s'] / results['per-row']['rows_per_s']:,.0f}x")
    print(f"plumbing alone: {pl['rows_per_s']:,.0f} rows/s (~{overhead_us:.0f} µs of wall per row per worker); "
          f"parent CPU in the real run: {1e6 * b['cpu_parent_s'] / b['rows']:.1f} µs/row, "
          f"workers {1e6 * b['cpu_workers_s'] / b['rows']:.0f} µs/row vs naive {1e6 * n['cpu_parent_s'] / n['rows']:.0f} µs/row")
    print(f"1,000,000 listings at the batch rate: {1e6 / b['rows_per_s'] / 60:.1f} min (target ≤ 5 min, ≥ 3,300 rows/s)")
    q = results["batch@1/4"]
    print(f"memory vs input size: parent {q['peak_rss_parent_mb']:.0f} -> {b['peak_rss_parent_mb']:.0f} MB, "
          f"worker {q['peak_rss_worker_mb']:.0f} -> {b['peak_rss_worker_mb']:.0f} MB for 4x the rows")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": args.rows, "workers": args.workers, "results": results,
                                               "batch_over_naive": round(ratio, 2)}, indent=2))
    for f in (full, quarter):
        f.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
