"""The batch report's listing table at catalogue scale (issue #18: usable at 1 M rows).

    python bench/bench_report.py --sizes 10000,100000,1000000 [--json bench/results/report.json]

For each size: a synthetic results file (30 % review, 10 % block, 1 % error rows, scores with many ties),
then, in the same process and run, `listings_table.collect_file` (one streaming pass, a bounded heap per
decision) beside the naive way (read every row into a list, sort, slice). Reports seconds, peak RSS growth,
rows/s and the ratio; the rendered HTML's size stays bounded by --per-decision whatever the run's size.
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.batch.listings_table import collect_file, render  # noqa: E402


def write_results(path: Path, n: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            u = rng.random()
            if u < 0.01:
                row = {"id": f"sku-{i}", "line": i + 1, "error": {"code": "invalid_json", "message": "bad line"}}
            else:
                decision = "block" if u < 0.11 else "review" if u < 0.41 else "pass"
                score = {"block": rng.randint(70, 100), "review": rng.randint(30, 69), "pass": 0}[decision]
                findings = [] if decision == "pass" else [
                    {"category": rng.choice(["counterfeit", "brand", "diversion", "absolute_term"]), "text": "高仿",
                     "field": "title", "effect": decision, "brand": rng.choice([None, "Nike", "Gucci"])}]
                row = {"id": f"sku-{i}", "line": i + 1, "decision": decision, "score": score, "findings": findings}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def naive(path: Path, per_decision: int) -> dict[str, list[str]]:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    out = {}
    for d in ("block", "review", "error"):
        mine = [r for r in rows if ("error" if r.get("error") else r.get("decision")) == d]
        mine.sort(key=lambda r: (-(r.get("score") or 0), r["line"]))
        out[d] = [r["id"] for r in mine[:per_decision]]
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--per-decision", type=int, default=1000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"results-{n}.jsonl"
            write_results(path, n)
            gc.collect()
            before = peak_mb()
            t = time.perf_counter()
            table = collect_file(path, args.per_decision)
            ours_s = time.perf_counter() - t
            ours_peak = peak_mb() - before
            html = render(table)
            gc.collect()
            before = peak_mb()
            t = time.perf_counter()
            expected = naive(path, args.per_decision)
            naive_s = time.perf_counter() - t
            naive_peak = peak_mb() - before
            assert {d: [r.id for r in table.rows[d]] for d in table.rows} == expected  # same sample as the oracle
            row = {"rows": n, "ours_s": round(ours_s, 3), "naive_s": round(naive_s, 3),
                   "ratio": round(naive_s / ours_s, 2) if ours_s else None, "rows_per_s": round(n / ours_s),
                   "ours_peak_rss_growth_mb": round(ours_peak, 1), "naive_peak_rss_growth_mb": round(naive_peak, 1),
                   "html_kb": round(len(html.encode()) / 1024)}
            out.append(row)
            print(json.dumps(row), flush=True)
            path.unlink()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"sizes": out, "per_decision": args.per_decision}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
