"""Score the scanner against hand-labelled listings.

    python -m tools.evaluation fixtures/listings/labelled.jsonl [--results results.jsonl]

Each labelled row is a contract listing plus `expected: {decision, findings: [{category, text, field}]}`.
An expected finding is found when a finding of the same category in the same field
overlaps an occurrence of the expected text. Reports recall of expected findings,
the share of clean listings passed, decision agreement, and every miss.

A row may also be a review or Q&A entry (#20): `{"kind": "review"|"qa", "text", …, "expected": {"decision",
"findings": [{"category", "text"}], "listing_signal": null | "counterfeit"}}`. Its findings are in field `text`
(no `field` needed); it is clean when it expects no findings (a buyer's counterfeit report is a listing signal,
not a finding, so such a review is clean and should pass); `listing_signal` agrees when the result's
`listing_signals` hold that category (null: none).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


@dataclass
class Report:
    expected_findings: int = 0
    found_findings: int = 0
    clean_listings: int = 0
    clean_passed: int = 0
    listings: int = 0
    decisions_agreed: int = 0
    misses: list[str] = field(default_factory=list)
    # review and qa rows (#20)
    items: int = 0
    signals_labelled: int = 0
    signals_agreed: int = 0

    @property
    def recall(self) -> float:
        return self.found_findings / self.expected_findings if self.expected_findings else 1.0

    @property
    def clean_pass_rate(self) -> float:
        return self.clean_passed / self.clean_listings if self.clean_listings else 1.0

    @property
    def decision_agreement(self) -> float:
        return self.decisions_agreed / self.listings if self.listings else 1.0

    @property
    def signal_agreement(self) -> float:
        return self.signals_agreed / self.signals_labelled if self.signals_labelled else 1.0

    def summary(self) -> str:
        out = (
            f"listings {self.listings}; expected findings found {self.found_findings}/{self.expected_findings} "
            f"({self.recall:.1%}); clean listings passed {self.clean_passed}/{self.clean_listings} "
            f"({self.clean_pass_rate:.1%}); decisions agreed {self.decisions_agreed}/{self.listings} "
            f"({self.decision_agreement:.1%})"
        )
        if self.items:
            out += (f"; of them reviews/qa {self.items}: listing_signal agreed {self.signals_agreed}/"
                    f"{self.signals_labelled} ({self.signal_agreement:.1%})")
        return out


def _field_text(listing: dict, name: str) -> str:
    if name.startswith("bullets["):
        i = int(name[len("bullets[") : -1])
        bullets = listing.get("bullets") or []
        return bullets[i] if i < len(bullets) else ""
    if name.startswith("attributes."):
        return str((listing.get("attributes") or {}).get(name[len("attributes.") :], ""))
    return listing.get(name) or ""


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, at = [], text.find(needle)
    while needle and at >= 0:
        out.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return out


def evaluate(rows: Iterable[dict], results: Iterable[dict]) -> Report:
    report = Report()
    for row, result in zip(rows, results):
        expected = row.get("expected", {})
        report.listings += 1
        decision = result.get("decision")
        if decision == expected.get("decision"):
            report.decisions_agreed += 1
        elif "decision" in expected:
            report.misses.append(f"{row.get('id')}: decision {decision}, expected {expected['decision']}")
        item = row.get("kind") not in (None, "listing")  # a review or qa entry (#20)
        if (not expected.get("findings")) if item else expected.get("decision") == "pass":
            report.clean_listings += 1
            report.clean_passed += decision == "pass"
        if item:
            report.items += 1
            if "listing_signal" in expected:
                report.signals_labelled += 1
                want = expected["listing_signal"]
                got = sorted({s.get("category") for s in result.get("listing_signals") or ()})
                if got == ([want] if want else []):
                    report.signals_agreed += 1
                else:
                    report.misses.append(f"{row.get('id')}: listing_signal {got or None}, expected {want}")
        for exp in expected.get("findings", []):
            report.expected_findings += 1
            field_name = exp.get("field", "text" if item else "title")
            spans = _occurrences(_field_text(row, field_name), exp["text"])
            hit = any(
                f.get("field") == field_name
                and f.get("category") == exp["category"]
                and any(f.get("start", -1) < e and s < f.get("end", -1) for s, e in spans)
                for f in result.get("findings", [])
            )
            if hit:
                report.found_findings += 1
            else:
                report.misses.append(f"{row.get('id')}: missed {exp['category']} {exp['text']!r} in {field_name}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", help="labelled JSONL")
    parser.add_argument("--results", help="results JSONL from `scanner batch` (default: scan now)")
    parser.add_argument("--listing-model", type=Path, metavar="FILE",
                        help="scan with this listing model (JSON or .json.gz from tools/train_clause_model.py), switched on")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in Path(args.labelled).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.results:
        results = [json.loads(l) for l in Path(args.results).read_text(encoding="utf-8").splitlines() if l.strip()]
    else:
        from scanner.engine import Scanner

        scanner = Scanner.from_settings(with_images=False)
        if args.listing_model:  # a candidate model, measured as the shipped one would be (#15 studies)
            from scanner.text import clause_model

            path = args.listing_model
            clause_model.use_listing(clause_model.load_gzipped(path) if path.suffix == ".gz"
                                     else clause_model.ClauseModel.load(path))
            scanner.listing_model = True
        results = [scanner.scan({k: v for k, v in r.items() if k != "expected"}).to_dict() for r in rows]
    report = evaluate(rows, results)
    for miss in report.misses:
        print(miss)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
