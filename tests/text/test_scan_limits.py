"""What one listing may cost: a scan time budget and caps on findings (issue #13, finding 5).

A listing that could not be finished -- budget spent, findings capped -- says why in `incomplete`
and is never `pass`; if what was found before stopping blocks, it blocks. Timings here are hang
guards only (the machine is shared): the caps make the hostile inputs cheap, they are not a race.
"""
from __future__ import annotations

import time

import pytest

from scanner.config import Settings
from scanner.engine import Scanner

HANG = 60.0  # the uncapped pipeline took ~10 s for 400k bullets on an idle machine, ~66 s in the service


@pytest.fixture(scope="module")
def capped(text_engine):
    """The documented defaults: 100 findings per field, 500 per listing."""
    return Scanner(text_engine, settings=Settings.model_construct())


def _codes(result) -> list[tuple[str, str | None]]:
    return [(e.code, e.field) for e in result.incomplete]


# --- caps on findings ------------------------------------------------------------------------------------
# (listing, decision, the incomplete entries expected, most findings any field may show)
CAPPED = [
    # 50,000 hits of 高仿 over the most bullets a listing may have, under the cap of each field (the red
    # team sent 400,000 bullets of one 高仿 each: 111 MB response, 66 s before the caps; that many
    # fields is refused now: too_many_fields, tests/text/test_listing_parse.py)
    ({"id": "spam-bullets", "bullets": ["高仿 " * 50] * 1_000}, "block", [("findings_capped", None)], 50),
    # one field, 50,000 hits: capped per field
    ({"id": "spam-title", "title": "高仿" * 50_000}, "block", [("findings_capped", "title")], 100),
    # many harmless-but-counted findings (brand mentions by an authorized seller are effect "none"):
    # uncapped this is `pass`; capped, the listing was not fully read, so at least review
    ({"id": "authorized", "title": "耐克 " * 5_000, "seller": {"authorized_brands": ["Nike"]}}, "review",
     [("findings_capped", "title")], 100),
]


@pytest.mark.parametrize("listing,decision,incomplete,per_field", CAPPED, ids=[c[0]["id"] for c in CAPPED])
def test_findings_are_capped_and_the_result_says_so(capped, listing, decision, incomplete, per_field):
    started = time.perf_counter()
    result = capped.scan(listing)
    seconds = time.perf_counter() - started
    assert seconds < HANG, seconds
    assert result.decision == decision, (result.decision, result.incomplete)
    assert _codes(result) == incomplete
    assert 0 < len(result.findings) <= 500
    by_field: dict[str, int] = {}
    for f in result.findings:
        by_field[f.field] = by_field.get(f.field, 0) + 1
    assert max(by_field.values()) <= per_field
    row = result.to_dict()
    assert row["incomplete"][0]["code"] == "findings_capped"
    assert "SCANNER_MAX_FINDINGS_PER_" in row["incomplete"][0]["message"]


def test_capping_keeps_the_most_severe_findings(capped):
    # 300 absolute-term reviews first, then one counterfeit term: the block must survive the field cap.
    title = "全网最好 " * 300 + "高仿"
    result = capped.scan({"title": title})
    assert result.decision == "block"
    assert any(f.category == "counterfeit" for f in result.findings)
    assert _codes(result) == [("findings_capped", "title")]


# --- listing signals (#20): a buyer's reports about the listing are bounded like findings, and say so ----------------
# (review or Q&A entry, signals kept, the incomplete entries expected, decision): under the cap nothing changes (a
# report never moves the review's own decision); over it the result says signals were left out and is never pass.
SIGNALS = [
    ({"kind": "review", "id": "r-under", "text": "明显是假的。" * 400}, 400, [], "pass"),
    ({"kind": "review", "id": "r-over", "text": "明显是假的。" * 600}, 500, [("findings_capped", None)], "review"),
    # ... and where the engine's own words are that many, the field's findings are capped too (said apart)
    ({"kind": "review", "id": "r-en", "text": "Clearly a fake, not genuine. " * 700}, 500,
     [("findings_capped", "text"), ("findings_capped", None)], "review"),
    ({"kind": "qa", "id": "q-buyer", "text": "跟专柜的不一样！" * 520}, 500,
     [("findings_capped", "text"), ("findings_capped", None)], "review"),
]


@pytest.mark.parametrize("item,kept,incomplete,decision", SIGNALS, ids=[c[0]["id"] for c in SIGNALS])
def test_listing_signals_over_the_cap_are_said_to_be_left_out(capped, item, kept, incomplete, decision):
    row = capped.scan(item).to_dict()
    assert len(row["listing_signals"]) == kept
    assert [(e["code"], e.get("field")) for e in row.get("incomplete", [])] == incomplete
    assert row["decision"] == decision and (row["score"] >= 30) is (decision != "pass")
    if incomplete:
        message = next(e["message"] for e in row["incomplete"] if "field" not in e)
        assert "listing signals" in message and "SCANNER_MAX_FINDINGS_PER_LISTING" in message
        text = item["text"]
        assert all(text[s["start"]:s["end"]] == s["text"] for s in row["listing_signals"])


@pytest.mark.parametrize("field_cap,listing_cap", [(0, 500), (100, 0), (-1, 500)])
def test_caps_must_be_positive(field_cap, listing_cap):
    with pytest.raises(ValueError, match="max_findings_per"):
        Settings(max_findings_per_field=field_cap, max_findings_per_listing=listing_cap)


# --- the time budget -------------------------------------------------------------------------------------
def test_a_spent_budget_is_review_with_the_reason_never_pass(text_engine):
    scanner = Scanner(text_engine, settings=Settings.model_construct())
    result = scanner.scan({"id": "cotton", "title": "纯棉T恤 男款 夏季"}, deadline=time.monotonic() - 1)
    assert result.decision == "review"
    assert _codes(result) == [("scan_budget_exceeded", None)]
    assert "SCANNER_SCAN_BUDGET_S" in result.incomplete[0].message
    assert result.to_dict()["incomplete"][0]["code"] == "scan_budget_exceeded"
    # the same listing with time to spare passes
    assert scanner.scan({"id": "cotton", "title": "纯棉T恤 男款 夏季"}).decision == "pass"


class _EmptyGallery:
    """A gallery that matches nothing (the images here only take time)."""
    version = "empty"
    rules_version = "empty"

    def snapshot(self):
        return self

    def match(self, data, field):
        return []


def test_what_was_found_before_the_budget_ran_out_still_blocks(text_engine):
    scanner = Scanner(text_engine, _EmptyGallery(), settings=Settings.model_construct())
    slow_images = []

    def loader(ref):  # each image takes longer than the whole budget
        slow_images.append(ref)
        time.sleep(0.6)
        raise AssertionError("never decoded: the budget is checked between images")

    listing = {"id": "fake", "title": "高仿耐克 运动鞋", "images": [{"data": "x"}, {"data": "y"}, {"data": "z"}]}
    result = scanner.scan(listing, image_loader=loader, deadline=time.monotonic() + 0.3)
    assert result.decision == "block"
    assert any(f.category == "counterfeit" for f in result.findings)
    assert _codes(result) == [("scan_budget_exceeded", None)]
    assert len(slow_images) == 1  # stopped after the first slow image


def test_a_review_found_before_the_budget_ran_out_keeps_its_review_score(text_engine):
    """An unfinished listing scores at least the lowest review (UNFINISHED_SCORE); what it did find keeps
    its own place in the review band (it was a fixed 50 before scores were banded, issue #18)."""
    from scanner.results import SCORE_BANDS, UNFINISHED_SCORE

    scanner = Scanner(text_engine, _EmptyGallery(), settings=Settings.model_construct())

    def loader(ref):
        time.sleep(0.6)
        raise AssertionError("never decoded: the budget is checked between images")

    listing = {"id": "fake", "title": "加 V 信 abc123 或 QQ 12345678", "images": [{"data": "x"}, {"data": "y"}]}
    finished = scanner.scan({"title": listing["title"]})
    result = scanner.scan(listing, image_loader=loader, deadline=time.monotonic() + 0.3)
    assert _codes(result) == [("scan_budget_exceeded", None)]
    assert result.decision == finished.decision == "review"
    assert result.score == finished.score > UNFINISHED_SCORE
    assert SCORE_BANDS["review"][0] <= result.score <= SCORE_BANDS["review"][1]


def test_the_budget_from_settings_applies_to_scanners_built_from_settings(text_engine, tmp_path):
    built = Scanner.from_settings(Settings(scan_budget_s=0.000_001), with_images=False)
    assert _codes(built.scan({"title": "纯棉T恤 " * 5000})) == [("scan_budget_exceeded", None)]
    # the library default (no settings given, or from_defaults) has no budget: results never depend on speed
    assert Scanner(text_engine).scan({"title": "纯棉T恤 " * 5000}).incomplete == ()
    assert Scanner.from_defaults(with_images=False).budget_s is None


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf")])
def test_the_budget_must_be_a_finite_non_negative_number(value):
    with pytest.raises(ValueError, match="scan_budget_s"):
        Settings(scan_budget_s=value)


# How a listing's fields are read a step at a time (scanner/budget.py): at most FIELDS_PER_STEP fields and
# CHARS_PER_STEP characters (at least one field), so dense hostile copy stops at the cap after one small step.
STEP_CASES = [
    ("one title", [20], [1]),
    ("a normal listing", [40, 800] + [60] * 5, [7]),
    ("one field of 100k characters", [100_000], [1]),
    ("two long descriptions", [40_000, 40_000], [1, 1]),
    ("300 short bullets", [12] * 300, [256, 44]),
    ("1,000 bullets of 1,600 characters", [1_600] * 1_000, [40] * 25),
    ("a short field after a long one", [70_000, 10], [1, 1]),
]


@pytest.mark.parametrize("name, lengths, expected", STEP_CASES, ids=[c[0] for c in STEP_CASES])
def test_fields_are_read_in_steps_bounded_by_fields_and_characters(name, lengths, expected):
    from scanner.budget import Caps, ScanState

    fields = [(f"bullets[{i}]", "好" * n) for i, n in enumerate(lengths)]
    state = ScanState(Caps(10**6, 10**6), None, time.monotonic())
    steps = list(state.steps(fields))
    assert [len(step) for step in steps] == expected
    assert [f for step in steps for f in step] == fields


def test_dense_hostile_bullets_stop_after_one_small_step():
    """400 hits in each of 1,000 bullets: before, the first step read 256 bullets (100k candidates for a cap of 2,000)."""
    scanner = Scanner.from_defaults(with_images=False)
    result = scanner.scan({"id": "hits", "bullets": ["高仿 " * 400] * 1_000}).to_dict()
    assert result["decision"] == "block"
    assert len(result["findings"]) == 500
    assert {f["field"] for f in result["findings"]} <= {f"bullets[{i}]" for i in range(40)}
