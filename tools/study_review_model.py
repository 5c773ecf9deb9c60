"""Issue #20 study: does the learned clause model (scanner/text/clause_model.py) add first-seen recall to the
engine on reviews and Q&A?

    python -m tools.study_review_model [--precision 0.99 0.97 0.95] [--smoothing 0.1] [--min-count 2]

The listing study (tools/study_clause_model.py, docs/accuracy-study.md) found +3 points at a 1-point clean
cost. Reviews are shorter and more alike from writer to writer, and the fixtures hold many review writers, so
the question is asked again with the model the engine runs (naive Bayes per category over the distinct
character 1-4-grams of the clauses of the engine's normalised text), through the engine itself:

* Leave one writer out over the development sets (tools.train_clause_model.DEVELOPMENT_SETS, which the
  engine's rules were written from): for each set H a model is trained by the shipped model's trainer on the
  other sets only (thresholds from out-of-fold scores there), put in the engine (clause_model.use), and H is
  scanned and scored like tools.evaluation. The engine alone (no model) is scored beside it. The engine's own
  figures are not first-seen (its rules were written from these sets); the gain of engine + model is.
* The newest writers (reviews24, reviews25), which no rule and no model saw, are measured with the shipped
  model by `python -m tools.evaluation`, once, after the operating point was chosen here.
"""
from __future__ import annotations

import argparse
import sys
import time

from tools.evaluation import Report, evaluate
from tools.study_clause_model import _add, _report_row
from tools.train_clause_model import DEVELOPMENT_SETS, MIN_COUNT, SMOOTHING, Corpus, load_set, model_dict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", type=float, nargs="+", default=[0.99, 0.97, 0.95])
    parser.add_argument("--smoothing", type=float, default=SMOOTHING)
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--quiet", action="store_true", help="pooled lines only")
    args = parser.parse_args(argv)
    began = time.monotonic()
    from scanner.engine import Scanner
    from scanner.text import clause_model

    sets = {name: load_set(name) for name in DEVELOPMENT_SETS}
    corpus = Corpus.build(sets)
    print(f"{corpus.n_clauses} clauses, {len(corpus.vocab)} distinct grams, categories {', '.join(corpus.categories)}")
    scanner = Scanner.from_defaults(with_images=False)
    runs = ["engine"] + [f"engine+model@{p}" for p in args.precision]
    totals = {run: Report() for run in runs}
    per_set: dict[str, list[tuple[str, Report]]] = {run: [] for run in runs}
    per_category = {c: {run: [0, 0] for run in runs} for c in corpus.categories}
    for h, held_name in enumerate(DEVELOPMENT_SETS):
        rows = sets[held_name]
        items = [{k: v for k, v in r.items() if k != "expected"} for r in rows]
        others = [i for i in range(len(DEVELOPMENT_SETS)) if i != h]
        for run in runs:
            if run == "engine":
                clause_model.use(None)
            else:
                p = float(run.rsplit("@", 1)[1])
                clause_model.use(clause_model.ClauseModel.from_dict(
                    model_dict(corpus, others, p, args.smoothing, args.min_count)))
            results = [scanner.scan(item).to_dict() for item in items]
            report = evaluate(rows, results)
            per_set[run].append((held_name, report))
            _add(totals[run], report)
            for category in corpus.categories:
                only_c = [{**r, "expected": {**r["expected"], "findings": [
                    x for x in r["expected"].get("findings", []) if x["category"] == category]}} for r in rows]
                rc = evaluate(only_c, results)
                per_category[category][run][0] += rc.found_findings
                per_category[category][run][1] += rc.expected_findings
    clause_model._shipped.clear()
    print("\nleave one writer out through the engine; @P: each category's threshold keeps clause precision >= P "
          "out of fold on the training sets")
    for run in runs:
        if not args.quiet:
            print(f"\n{run}: set      found/expected recall   clean passed       decisions")
            for name, report in per_set[run]:
                print("  " + _report_row(name, report))
        print(f"  {run:<20}" + _report_row("pooled", totals[run]))
    if not args.quiet:
        print("\nper category, pooled (expected findings found):")
        print(f"  {'category':<22}" + "".join(f"{run:>22}" for run in runs))
        for category in corpus.categories:
            cells = "".join(f"{f'{f}/{n} {f / n:.0%}' if n else '-':>22}" for f, n in
                            (per_category[category][run] for run in runs))
            print(f"  {category:<22}{cells}")
    print(f"\n{time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
