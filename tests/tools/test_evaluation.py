"""tools.evaluation: how a result is scored against a hand-labelled listing, and its command line."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import ROOT
from tools.evaluation import evaluate

ROW = {"id": "r1", "title": "高仿耐克 运动鞋", "bullets": ["全网最好"],
       "expected": {"decision": "block", "findings": [{"category": "counterfeit", "text": "高仿", "field": "title"}]}}


def finding(category="counterfeit", field="title", start=0, end=2):
    return {"category": category, "field": field, "start": start, "end": end}


# (result findings, decision, expected finding counted as found?)
CASES = [
    ([finding()], "block", True),
    ([finding(start=1, end=4)], "block", True),              # overlapping the expected text is enough
    ([finding(start=2, end=4)], "block", False),             # next to it is not
    ([finding(category="brand")], "block", False),           # same place, other category
    ([finding(field="description")], "block", False),        # same category, other field
    ([], "block", False),
]


@pytest.mark.parametrize("findings, decision, found", CASES)
def test_an_expected_finding_counts_when_a_finding_overlaps_it(findings, decision, found):
    report = evaluate([ROW], [{"decision": decision, "findings": findings}])
    assert (report.found_findings, report.expected_findings) == (int(found), 1)
    assert report.recall == (1.0 if found else 0.0)
    assert any("missed counterfeit '高仿'" in m for m in report.misses) is not found


@pytest.mark.parametrize("expected, decision, clean, passed, agreed", [
    ("pass", "pass", 1, 1, 1),
    ("pass", "review", 1, 0, 0),     # a clean listing flagged: counts against clean-pass and agreement
    ("block", "review", 0, 0, 0),
    ("review", "review", 0, 0, 1),
])
def test_clean_pass_and_decision_agreement(expected, decision, clean, passed, agreed):
    row = {"id": "r2", "title": "保温杯", "expected": {"decision": expected}}
    report = evaluate([row], [{"decision": decision, "findings": []}])
    assert (report.clean_listings, report.clean_passed, report.decisions_agreed) == (clean, passed, agreed)


def test_bullet_and_attribute_fields_are_read_from_the_listing():
    row = {"id": "r3", "bullets": ["ok", "加微信"], "attributes": {"material": "正品"},
           "expected": {"findings": [{"category": "diversion", "text": "微信", "field": "bullets[1]"},
                                     {"category": "false_claim", "text": "正品", "field": "attributes.material"}]}}
    result = {"findings": [finding("diversion", "bullets[1]", 1, 3), finding("false_claim", "attributes.material", 0, 2)]}
    assert evaluate([row], [result]).recall == 1.0


def test_the_command_scores_a_results_file_from_a_checkout(tmp_path):
    labelled, results = tmp_path / "labelled.jsonl", tmp_path / "results.jsonl"
    labelled.write_text(json.dumps(ROW, ensure_ascii=False) + "\n", "utf-8")
    results.write_text(json.dumps({"decision": "block", "findings": [finding()]}) + "\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "tools.evaluation", str(labelled), "--results", str(results)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "expected findings found 1/1 (100.0%)" in proc.stdout


def test_the_command_scores_with_a_candidate_listing_model(tmp_path):
    """--listing-model FILE: the engine scans with that model switched on (#15 studies); without it, the default."""
    import gzip

    # a made-up word no row will ever name, which the made-up model flags
    row = {"id": "r5", "title": "qzxv kit", "description": "qzxv",
           "expected": {"decision": "review", "findings": [{"category": "illegal_service", "text": "qzxv",
                                                              "field": "description"}]}}
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    grams = {"qzxv"[:n]: [0.0] for n in range(1, 4)}
    grams["qzxv"] = [9.0]
    model = {"categories": ["illegal_service"], "bias": [0.0], "thresholds": [[5.0, 5.0]], "weights": grams}
    path = tmp_path / "candidate.json.gz"
    path.write_bytes(gzip.compress(json.dumps(model, ensure_ascii=False).encode()))

    def run(*extra):
        proc = subprocess.run([sys.executable, "-m", "tools.evaluation", str(labelled), *extra],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert "expected findings found 1/1" in run("--listing-model", str(path))
    assert "expected findings found 0/1" in run()


def test_the_calibration_command_starts_from_a_checkout():
    proc = subprocess.run([sys.executable, "-m", "tools.calibrate", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "--write" in proc.stdout


# -- review and qa rows (#20) -----------------------------------------------------------------------------------
REVIEW = {"kind": "review", "id": "rv", "text": "好评返现5元，明显是假的",
          "expected": {"decision": "review", "findings": [{"category": "incentivized_review", "text": "好评返现"}],
                       "listing_signal": "counterfeit"}}
CLEAN = {"kind": "qa", "id": "qa", "text": "是正品吗？", "expected": {"decision": "pass", "findings": [],
                                                                  "listing_signal": None}}
SIGNAL = {"category": "counterfeit", "start": 7, "end": 12, "text": "明显是假的"}


@pytest.mark.parametrize("result, found, signal_agreed", [
    ({"decision": "review", "findings": [finding("incentivized_review", "text", 0, 4)], "listing_signals": [SIGNAL]},
     1, 1),
    ({"decision": "review", "findings": [finding("incentivized_review", "text", 0, 4)], "listing_signals": []}, 1, 0),
    ({"decision": "block", "findings": [finding("counterfeit", "text", 7, 12)], "listing_signals": []}, 0, 0),
    ({"decision": "review", "findings": [finding("incentivized_review", "title", 0, 4)],
      "listing_signals": [SIGNAL, {**SIGNAL, "category": "other"}]}, 0, 0),
])
def test_review_rows_score_findings_in_text_and_the_listing_signal(result, found, signal_agreed):
    report = evaluate([REVIEW], [result])
    assert (report.found_findings, report.expected_findings) == (found, 1)
    assert (report.signals_agreed, report.signals_labelled, report.items) == (signal_agreed, 1, 1)
    assert report.clean_listings == 0  # it expects a finding
    assert "reviews/qa 1" in report.summary()


@pytest.mark.parametrize("result, passed, signal_agreed", [
    ({"decision": "pass", "findings": [], "listing_signals": []}, 1, 1),
    ({"decision": "pass", "findings": [], "listing_signals": [SIGNAL]}, 1, 0),
    ({"decision": "review", "findings": [finding("diversion", "text")], "listing_signals": []}, 0, 1),
])
def test_a_review_without_expected_findings_is_clean(result, passed, signal_agreed):
    report = evaluate([CLEAN], [result])
    assert (report.clean_passed, report.clean_listings, report.signals_agreed) == (passed, 1, signal_agreed)


def test_the_dev_reviews_through_the_command_line():
    out = subprocess.run([sys.executable, "-m", "tools.evaluation", str(ROOT / "fixtures" / "reviews" / "reviews_dev.jsonl")],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "reviews/qa 28" in out and "listings 28" in out
