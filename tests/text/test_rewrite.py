"""Suggested rewrites applied to the copy, by the editor page's rules (api/static/suggestions.js)."""
import pytest

from scanner.cli import main
from scanner.text.rewrite import field_text, rewrite_field, rewrite_listing


def finding(start, end, suggestion, effect="review", field="title"):
    return {"kind": "text", "field": field, "start": start, "end": end, "suggestion": suggestion, "effect": effect}


CASES = [
    # text, findings, expected text, applied, manual
    ("全网最好 保温杯", [finding(2, 4, "优质")], "全网优质 保温杯", 1, 0),
    ("高仿 耐克 运动鞋", [finding(0, 2, "")], "耐克 运动鞋", 1, 0),  # the blank after a deleted word goes too
    ("运动鞋 高仿 耐克", [finding(4, 6, "")], "运动鞋 耐克", 1, 0),
    ("运动鞋 高仿", [finding(4, 6, "")], "运动鞋 ", 1, 0),  # nothing after: the blank before stays
    ("耐克运动鞋", [finding(0, 2, None)], "耐克运动鞋", 0, 1),  # a brand: no automatic rewrite
    ("Nike Air", [finding(0, 4, None, effect="none")], "Nike Air", 0, 0),  # authorized: does not count
    ("全网最好", [finding(0, 4, "优质"), finding(2, 4, "优质")], "全网优质", 1, 0),  # overlap: the later one, once
    ("最好 最佳", [finding(0, 2, "优质"), finding(3, 5, "优选")], "优质 优选", 2, 0),
]


@pytest.mark.parametrize("text, findings, expected, applied, manual", CASES)
def test_rewrite_field(text, findings, expected, applied, manual):
    r = rewrite_field(text, findings)
    assert (r.text, r.applied, r.manual) == (expected, applied, manual)


@pytest.mark.parametrize(
    "field, expected",
    [("title", "T"), ("description", "D"), ("bullets[1]", "b1"), ("attributes.size", "42"), ("bullets[9]", None), ("x", None)],
)
def test_field_text_follows_the_contract_field_names(field, expected):
    listing = {"title": "T", "description": "D", "bullets": ["b0", "b1"], "attributes": {"size": 42}}
    assert field_text(listing, field) == expected


def test_a_real_scan_rewrites_to_copy_that_scans_cleaner(text_scanner):
    listing = {"title": "全网最好 保温杯 高仿", "description": "好评返现 欢迎选购"}
    result = text_scanner.scan(listing)
    rewrites = rewrite_listing(listing, result.findings)
    cleaned = {k: v for k, v in listing.items()}
    for field, r in rewrites.items():
        cleaned[field] = r.text
    assert cleaned != listing
    after = text_scanner.scan(cleaned)
    assert len(after.findings) < len(result.findings)
    assert "最好" not in cleaned["title"]


def test_check_prints_the_suggested_copy(capsys):
    main(["check", "全网最好 保温杯", "--no-images"])
    out = capsys.readouterr().out
    assert "suggested copy" in out
    assert "title: 全网优质 保温杯" in out
