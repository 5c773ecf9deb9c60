"""Same-run pairs for the review queue's share of a batch row (issue #19): the review modules of a git revision
(scanner/review/{queue,masking,batch,store}.py, loaded from `git show REV:…` as a package of their own beside
this checkout's) against this checkout's, alternating in one process on the same scanned rows.

    python bench/bench_review_against.py main            # 3 rounds, SQLite and PostgreSQL (throwaway cluster)
    python bench/bench_review_against.py 2a79f50 --rounds 5 --no-postgres

Per round: the batch's worker row (scan_item + output line) once, then for each version prepare_row on every
row, the records' pickle round trip in chunks of 500, and ReviewQueue.write into a fresh store (first pass,
then again: a rescan), CPU time per listing; best of the rounds. Ratio = 1 + (prepare + pickle + write) /
worker row, as bench_review.py --parts-only's first measure. The revision's modules run as Python source
(they are not compiled); this checkout's run as they are imported here (compiled if built).
"""
from __future__ import annotations

import argparse
import importlib
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

MODULES = ("store", "masking", "queue", "batch")


def load_revision(rev: str, into: Path):
    """scanner/review modules of `rev` as the package `review_at_rev` (their imports of each other rewritten)."""
    pkg = into / "review_at_rev"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name in MODULES:
        text = subprocess.run(["git", "show", f"{rev}:scanner/review/{name}.py"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
        for other in MODULES:
            text = text.replace(f"from scanner.review.{other} import", f"from review_at_rev.{other} import")
        (pkg / f"{name}.py").write_text(text)
    sys.path.insert(0, str(into))
    return {name: importlib.import_module(f"review_at_rev.{name}") for name in MODULES}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="the git revision to compare against (e.g. main)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=6000)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()

    from bench_review import listings

    from scanner import jsonio
    from scanner.batch.rows import RAW, scan_item
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner
    from scanner.review import batch as nb, queue as nq, store as ns
    from scanner.text.engine import TextEngine

    tmp = Path(tempfile.mkdtemp(prefix="bench-review-against-"))
    old = load_revision(args.rev, tmp)
    versions = {args.rev: (old["batch"], old["queue"], old["store"]), "this checkout": (nb, nq, ns)}
    scanner = Scanner(TextEngine.load(BUNDLED_WORDLISTS))
    n = args.rows
    payloads = [json.dumps(r, ensure_ascii=False).encode() for r in listings(n)]
    res: dict[str, dict[str, list[float]]] = {name: {} for name in versions}

    def run(pg):
        for rnd in range(args.rounds):
            t = time.process_time()
            scanned = [scan_item(scanner, i, RAW, p) for i, p in enumerate(payloads, 1)]
            datas = [jsonio.dumps(r) for r, _ in scanned]
            row_us = (time.process_time() - t) / n * 1e6
            for name, (b, q, s) in versions.items():
                got = res[name]
                got.setdefault("worker_row", []).append(row_us)
                policy = q.QueuePolicy()
                t = time.process_time()
                recs = [b.prepare_row(policy, RAW, p, r, d, listing) for p, (r, listing), d in zip(payloads, scanned, datas)]
                got.setdefault("prepare", []).append((time.process_time() - t) / n * 1e6)
                t = time.process_time()
                chunks = [pickle.loads(pickle.dumps(recs[k:k + 500])) for k in range(0, n, 500)]
                got.setdefault("pickle", []).append((time.process_time() - t) / n * 1e6)
                urls = {"sqlite": f"sqlite:///{tmp}/{abs(hash(name))}-{rnd}.sqlite3"}
                if pg is not None:
                    urls["postgresql"] = pg(f"against_{abs(hash(name))}_{rnd}")
                for db, url in urls.items():
                    store = s.Store(url)
                    queue = q.ReviewQueue(store)
                    for label in ("write", "rescan"):
                        t = time.process_time()
                        for c in chunks:
                            queue.write([r for r in c if r is not None])
                        got.setdefault(f"{db}_{label}", []).append((time.process_time() - t) / n * 1e6)
                    store.close()

    if args.no_postgres:
        run(None)
    else:
        from tests.review.pgcluster import throwaway_postgres

        with throwaway_postgres() as base:
            import psycopg

            def pg(name: str) -> str:
                with psycopg.connect(base, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {name}")
                return base.rsplit("/", 1)[0] + "/" + name

            run(pg)
    out = {}
    for name, got in res.items():
        best = {k: min(v) for k, v in got.items()}
        o = {k: round(v, 2) for k, v in best.items()}
        for db in ("sqlite", "postgresql"):
            for label in ("write", "rescan"):
                if f"{db}_{label}" in best:
                    added = best["prepare"] + best["pickle"] + best[f"{db}_{label}"]
                    o[f"{db}_{label}_added_us"] = round(added, 2)
                    o[f"{db}_{label}_ratio"] = round(1 + added / best["worker_row"], 3)
        out[name] = o
    print(json.dumps(out))


if __name__ == "__main__":
    main()
