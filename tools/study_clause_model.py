"""Issue #15 study: does a learned clause model add first-seen recall to the engine?

    python -m tools.study_clause_model [--precision 0.9 0.8 0.6] [--no-engine]

Leave one writer out: for each held-out set H in holdout5..holdout11, a model is trained on every other
labelled set (those six plus labelled.jsonl and holdout..holdout4, which are training only) and predicts on H,
so no string of H is seen in training. H is scored exactly like tools.evaluation (a finding of the same
category overlapping the expected text in the same field; clean listings must pass) for (1) the engine alone,
(2) the model alone, (3) engine ∪ model, the model's findings added as `review`-level findings on their clause.

The engine's word lists were tuned on these very sets, so its numbers here are not first-seen; the gain of
the union over the engine is, because the model never saw H.

Model: one binarised multinomial naive Bayes per category (one-vs-rest, since a clause often carries two
categories, e.g. brand + counterfeit) over hashed character 1-3-grams of the engine's normalised, lowercased
clause text. Naive Bayes trains in closed form in milliseconds, which makes it cheap to choose each category's
threshold by an inner leave-one-set-out over the TRAINING sets only: the threshold is the lowest score whose
out-of-fold clause precision on the training sets is still >= --precision.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scanner.text.clause_model import spans_between
from tools.evaluation import Report, _field_text, _occurrences, evaluate

LISTINGS = Path(__file__).resolve().parent.parent / "fixtures" / "listings"
HELD_OUT_SETS = [f"holdout{i}" for i in range(5, 12)]
TRAINING_ONLY_SETS = ["labelled", "holdout", "holdout2", "holdout3", "holdout4"]
HASH_BITS = 18
NGRAM_SIZES = (1, 2, 3)
SMOOTHING = 0.5

# A clause ends at Chinese/English sentence and clause punctuation, line breaks and bullet marks. A full stop
# or comma between digits (99.9 %, 1,000) and the enumeration comma 、 (a list inside one clause) do not end one.
_CLAUSE_BREAK = re.compile(r"[，。！？；!?;\n\r\t|｜•●▪◆■]|\.(?!\d)|,(?!\d)")


def split_clauses(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the clauses of `text`, trimmed of surrounding whitespace, empty ones dropped."""
    return spans_between(text, _CLAUSE_BREAK)


def listing_fields(row: dict) -> list[str]:
    """Names of the row's text fields in tools.evaluation's spelling (title, bullets[i], attributes.k)."""
    names = [name for name in ("title", "description") if row.get(name)]
    names += [f"bullets[{i}]" for i, _ in enumerate(row.get("bullets") or [])]
    names += [f"attributes.{k}" for k in (row.get("attributes") or {})]
    return names


def clause_labels(row: dict, field_name: str, spans: list[tuple[int, int]]) -> list[set[str]]:
    """For each clause span, the categories of the expected findings in that field that overlap it."""
    text = _field_text(row, field_name)
    labels: list[set[str]] = [set() for _ in spans]
    for exp in row.get("expected", {}).get("findings", []):
        if exp.get("field", "title") != field_name:
            continue
        for s, e in _occurrences(text, exp["text"]):
            for i, (cs, ce) in enumerate(spans):
                if cs < e and s < ce:
                    labels[i].add(exp["category"])
    return labels


def _features(text: str) -> np.ndarray:
    """Distinct hashed character n-grams of the normalised clause (binarised: presence, not counts)."""
    from scanner.text.normalize import normalise

    t = "\x02" + normalise(text).text.lower() + "\x03"
    grams = {t[i : i + n] for n in NGRAM_SIZES for i in range(len(t) - n + 1)}
    mask = (1 << HASH_BITS) - 1
    return np.unique(np.fromiter((zlib.crc32(g.encode("utf-8")) & mask for g in grams), dtype=np.int64))


@dataclass
class Clauses:
    """Every clause of every set, as a CSR-like table of hashed features."""

    set_of: np.ndarray  # set index per clause
    row_of: list[int]  # row index within its set
    field_of: list[str]
    span_of: list[tuple[int, int]]
    labels: list[set[str]]
    indptr: np.ndarray
    indices: np.ndarray
    _clause_of_gram: np.ndarray | None = None

    def scores(self, weights: np.ndarray, bias: float, mask: np.ndarray) -> np.ndarray:
        """Naive Bayes log-odds of the selected clauses (every clause has at least the two boundary grams)."""
        return (np.add.reduceat(weights[self.indices], self.indptr[:-1]) + bias)[mask]

    @property
    def clause_of_gram(self) -> np.ndarray:
        if self._clause_of_gram is None:
            self._clause_of_gram = np.repeat(np.arange(len(self.labels)), np.diff(self.indptr))
        return self._clause_of_gram


def build_clauses(sets: dict[str, list[dict]]) -> Clauses:
    set_of, row_of, field_of, span_of, labels, feats = [], [], [], [], [], []
    cache: dict[str, np.ndarray] = {}
    for si, rows in enumerate(sets.values()):
        for ri, row in enumerate(rows):
            for name in listing_fields(row):
                text = _field_text(row, name)
                spans = split_clauses(text)
                for span, lab in zip(spans, clause_labels(row, name, spans)):
                    clause = text[span[0] : span[1]]
                    if clause not in cache:
                        cache[clause] = _features(clause)
                    set_of.append(si); row_of.append(ri); field_of.append(name); span_of.append(span)
                    labels.append(lab); feats.append(cache[clause])
    indptr = np.concatenate([[0], np.cumsum([len(f) for f in feats])])
    return Clauses(np.array(set_of), row_of, field_of, span_of, labels, indptr, np.concatenate(feats))


def train(clauses: Clauses, positive: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, float]:
    """Binarised multinomial NB for one category on the masked clauses: (per-bucket log-odds, prior log-odds)."""
    size = 1 << HASH_BITS
    clause_of_gram = clauses.clause_of_gram
    pos_grams = np.bincount(clauses.indices[(mask & positive)[clause_of_gram]], minlength=size).astype(float)
    neg_grams = np.bincount(clauses.indices[(mask & ~positive)[clause_of_gram]], minlength=size).astype(float)
    log_pos = np.log(pos_grams + SMOOTHING) - np.log(pos_grams.sum() + SMOOTHING * size)
    log_neg = np.log(neg_grams + SMOOTHING) - np.log(neg_grams.sum() + SMOOTHING * size)
    n_pos, n_neg = (mask & positive).sum(), (mask & ~positive).sum()
    return log_pos - log_neg, float(np.log((n_pos + 1) / (n_neg + 1)))


def pick_threshold(scores: np.ndarray, positive: np.ndarray, precision: float) -> float:
    """Lowest score whose clause precision (among clauses scoring at least it) is >= precision; inf if none."""
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(positive[order])
    ok = np.flatnonzero(tp / np.arange(1, len(order) + 1) >= precision)
    ok = ok[tp[ok] > 0]
    return float(scores[order[ok[-1]]]) if len(ok) else float("inf")


def fit_category(clauses: Clauses, category: str, train_sets: list[int], precisions: list[float]):
    """(weights, bias, {precision: threshold}) for one category, trained and thresholded on train_sets only."""
    positive = np.array([category in lab for lab in clauses.labels])
    in_train = np.isin(clauses.set_of, train_sets)
    # out-of-fold scores on the training clauses: each training set scored by a model of the other training sets
    oof = np.empty(len(positive))
    for s in train_sets:
        weights, bias = train(clauses, positive, in_train & (clauses.set_of != s))
        held = clauses.set_of == s
        oof[held] = clauses.scores(weights, bias, held)
    thresholds = {p: pick_threshold(oof[in_train], positive[in_train], p) for p in precisions}
    weights, bias = train(clauses, positive, in_train)
    return weights, bias, thresholds


def _report_row(name: str, r: Report) -> str:
    return (f"{name:<10} {r.found_findings:>4}/{r.expected_findings:<4} {r.recall:6.1%}   "
            f"{r.clean_passed:>3}/{r.clean_listings:<3} {r.clean_pass_rate:6.1%}   {r.decision_agreement:6.1%}")


def load(name: str) -> list[dict]:
    lines = (LISTINGS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _add(total: Report, report: Report) -> None:
    for attr in ("expected_findings", "found_findings", "clean_listings", "clean_passed", "listings",
                 "decisions_agreed"):
        setattr(total, attr, getattr(total, attr) + getattr(report, attr))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", type=float, nargs="+", default=[0.9, 0.8, 0.6],
                        help="clause precision each category's threshold must keep on the training sets (out-of-fold)")
    parser.add_argument("--no-engine", action="store_true", help="score the model alone (faster)")
    args = parser.parse_args(argv)
    began = time.monotonic()
    names = TRAINING_ONLY_SETS + HELD_OUT_SETS
    sets = {name: load(name) for name in names}
    clauses = build_clauses(sets)
    categories = sorted({c for lab in clauses.labels for c in lab})
    print(f"{len(clauses.labels)} clauses, {len(categories)} categories, features in {time.monotonic() - began:.0f} s")
    scanner = None
    if not args.no_engine:
        from scanner.engine import Scanner

        scanner = Scanner.from_defaults(with_images=False)

    runs = [("engine", None)] if scanner else []
    for p in args.precision:
        runs += [(f"model@{p}", p)] + ([(f"union@{p}", p)] if scanner else [])
    totals = {run: Report() for run, _ in runs}
    lines: dict[str, list[str]] = {run: [] for run, _ in runs}
    per_set: dict[str, list[Report]] = {run: [] for run, _ in runs}
    per_category = {c: {run: [0, 0] for run, _ in runs} for c in categories}  # found, expected
    for held_name in HELD_OUT_SETS:
        h = names.index(held_name)
        train_sets = [i for i in range(len(names)) if i != h]
        in_held = clauses.set_of == h
        rows = sets[held_name]
        model_findings = {p: [[] for _ in rows] for p in args.precision}
        for category in categories:
            weights, bias, thresholds = fit_category(clauses, category, train_sets, args.precision)
            for i, score in zip(np.flatnonzero(in_held), clauses.scores(weights, bias, in_held)):
                s, e = clauses.span_of[i]
                for p, threshold in thresholds.items():
                    if score >= threshold:
                        model_findings[p][clauses.row_of[i]].append(
                            {"category": category, "field": clauses.field_of[i], "start": s, "end": e})
        engine = [scanner.scan({k: v for k, v in r.items() if k != "expected"}).to_dict() for r in rows] \
            if scanner else []
        for run, p in runs:
            if p is None:
                results = engine
            elif run.startswith("model"):
                results = [{"decision": "review" if m else "pass", "findings": m} for m in model_findings[p]]
            else:  # the union: model findings join the engine's at review level
                results = [{"decision": "review" if e["decision"] == "pass" and m else e["decision"],
                            "findings": e["findings"] + m} for e, m in zip(engine, model_findings[p])]
            report = evaluate(rows, results)
            lines[run].append(_report_row(held_name, report))
            _add(totals[run], report)
            per_set[run].append(report)
            for category in categories:
                only_c = [{**r, "expected": {"findings": [x for x in r["expected"].get("findings", [])
                                                          if x["category"] == category]}} for r in rows]
                rc = evaluate(only_c, results)
                per_category[category][run][0] += rc.found_findings
                per_category[category][run][1] += rc.expected_findings
        print(f"  {held_name} done at {time.monotonic() - began:.0f} s", file=sys.stderr)

    print("\nleave-one-writer-out; model@P: each category's threshold keeps clause precision >= P on the training "
          "sets (out-of-fold)")
    for run, _ in runs:
        print(f"\n{run}: set      found/expected recall   clean passed       decisions")
        for line in lines[run]:
            print("  " + line)
        print("  " + _report_row("pooled", totals[run]))
        recall, clean, decisions = (np.mean([getattr(r, a) for r in per_set[run]])
                                    for a in ("recall", "clean_pass_rate", "decision_agreement"))
        print(f"  {'mean':<10} {'':>9} {recall:6.1%}   {'':>7} {clean:6.1%}   {decisions:6.1%}")
    print("\nper category, pooled over the held-out sets (expected findings found):")
    print(f"  {'category':<20}" + "".join(f"{run:>16}" for run, _ in runs))
    for category in categories:
        cells = "".join(f"{f'{f}/{n} {f / n:.0%}' if n else '-':>16}" for f, n in
                        (per_category[category][run] for run, _ in runs))
        print(f"  {category:<20}{cells}")
    print(f"\n{time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
