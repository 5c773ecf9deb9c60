"""Reviewers' numbers (issue #19 item 6), read from the verdict tables.

* precision of the scanner as reviewers judged it, per category and per rule (the term, or the
  gallery entry): correct / (correct + false_positive) over judged findings;
* missed: spans reviewers marked that no finding covered, per category, and the missed rate =
  missed spans / (missed spans + findings judged correct) — the share of real problems the
  scanner did not flag, among those reviewers saw;
* queue depth by status (an expired lease counts as open: it is put back first); time from enqueue to verdict (p50, p90, max) over the verdicts kept.
"""
from __future__ import annotations

from typing import Any

from scanner.review.queue import depth as queue_depth
from scanner.review.store import Store


def _precision(correct: int, wrong: int) -> float | None:
    return round(correct / (correct + wrong), 4) if correct + wrong else None


def _quantile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def compute(store: Store, now: float | None = None) -> dict[str, Any]:
    by_cat: dict[str, dict[str, int]] = {}
    by_rule: dict[tuple[str, str], dict[str, int]] = {}
    for category, rule, verdict, n in store.read(
            "SELECT category, rule, verdict, COUNT(*) FROM review_judged GROUP BY category, rule, verdict"):
        by_cat.setdefault(category, {"correct": 0, "false_positive": 0})[verdict] += n
        by_rule.setdefault((category, rule), {"correct": 0, "false_positive": 0})[verdict] += n
    missed = {c: n for c, n in store.read("SELECT category, COUNT(*) FROM review_missed GROUP BY category")}
    correct_total = sum(v["correct"] for v in by_cat.values())
    missed_total = sum(missed.values())
    depth = queue_depth(store, now)  # an expired lease is counted open, not claimed
    seconds = sorted(r[0] for r in store.read("SELECT seconds_to_verdict FROM review_verdicts"))
    verdicts = {d: n for d, n in store.read("SELECT decision, COUNT(*) FROM review_verdicts GROUP BY decision")}
    return {
        "queue": depth,
        "verdicts": {"approve": verdicts.get("approve", 0), "reject": verdicts.get("reject", 0)},
        "precision": {
            "by_category": {c: {**v, "precision": _precision(v["correct"], v["false_positive"])}
                            for c, v in sorted(by_cat.items())},
            "by_rule": [{"category": c, "rule": r, **v, "precision": _precision(v["correct"], v["false_positive"])}
                        for (c, r), v in sorted(by_rule.items())],
        },
        "missed": {"by_category": dict(sorted(missed.items())), "total": missed_total,
                   "rate": round(missed_total / (missed_total + correct_total), 4) if missed_total + correct_total else None},
        "time_to_verdict_s": {"count": len(seconds), "p50": _quantile(seconds, 0.5), "p90": _quantile(seconds, 0.9),
                              "max": seconds[-1] if seconds else None},
    }
