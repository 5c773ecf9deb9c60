"""Decisions come from structured reasons, never from explanation text or object identity (issue #14).

Before: compatibility was recognised by "compatibility mention" in the explanation, and brand-dependent
words and joined-only cues were tracked by id(): rewording an explanation, or a stage replacing a
finding, silently changed decisions.
"""
from __future__ import annotations

import pytest

from scanner.categories import LANGUAGES
from scanner.results import Finding, Reason
from scanner.text.verify import explain
from scanner.text.verify.listing_rules import brand_dependent, compatibility_per_listing

# (listing, the reason codes expected on its findings, by category)
CASES = [
    ({"title": "适用于 iPhone 15 手机壳 苹果"}, {"brand": {"compatibility_mention"}}),
    ({"title": "苹果手机壳 适用于 iPhone15", "description": "苹果原装同款"}, {"brand": {"compatibility_mention"}}),
    ({"title": "1:1 复刻 Gucc1 包"}, {"counterfeit": {"needs_brand", "names_brand"}, "brand": {"with_counterfeit"}}),
    ({"title": "高仿耐克 运动鞋"}, {"counterfeit": {"names_brand"}, "brand": {"with_counterfeit"}}),
    ({"title": "正品耐克 运动鞋", "seller": {"authorized_brands": ["Nike"]}}, {"brand": {"authorized"}}),
    ({"title": "苹果 iPhone 15 全新"}, {"brand": {"ambiguous_confirmed"}}),
    ({"title": "加微信 wx123456"}, {"diversion": {"detector"}}),
    ({"title": "好评返现 五星好评返2元"}, {"incentivized_review": {"term", "basis"}}),
]
# Listings whose decision hangs on a context rule: compatibility per listing, brand-dependent words
# (1:1 mixing ratio), brand + counterfeit, authorization, ambiguous names.
DECISIONS = [listing for listing, _ in CASES] + [
    {"title": "1:1 调配比例 稀释液"},
    {"title": "适用于 iPhone 15 手机壳", "description": "苹果 iPhone 15 Pro Max 专用 1:1 开孔"},
    {"title": "苹果 新鲜水果 5斤装"},
    {"title": "Nike 风格 copy 纸"},
]


@pytest.mark.parametrize("listing, expected", CASES)
def test_findings_carry_the_reasons_their_rules_gave(text_scanner, listing, expected):
    result = text_scanner.scan(listing)
    codes: dict[str, set[str]] = {}
    for f in result.findings:
        codes.setdefault(f.category, set()).update(r.code for r in f.reasons)
    for category, wanted in expected.items():
        assert wanted <= codes.get(category, set()), (category, codes)


@pytest.mark.parametrize("language", LANGUAGES)
def test_rewording_every_explanation_changes_no_decision(text_scanner, monkeypatch, language):
    before = [text_scanner.scan(x) for x in DECISIONS]
    for code in list(explain._TEMPLATES):
        monkeypatch.setitem(explain._TEMPLATES, code,
                            {lang: (lambda p, code=code: f"<{code} in other words>") for lang in LANGUAGES})
    after = [text_scanner.scan(x, language=language) for x in DECISIONS]
    for listing, a, b in zip(DECISIONS, before, after):
        assert (b.decision, b.score) == (a.decision, a.score), listing
        assert [(f.category, f.effect, f.severity, f.score, f.start, f.end) for f in b.findings] == \
               [(f.category, f.effect, f.severity, f.score, f.start, f.end) for f in a.findings], listing
        assert all(f.explanation.startswith("<") for f in b.findings if f.kind == "text"), listing


def _finding(category, *codes, brand=None, effect="review", start=0) -> Finding:
    return Finding(kind="text", category=category, field="title", severity="medium", score=0.75, explanation="",
                   effect=effect, start=start, end=start + 2, brand=brand,
                   reasons=tuple(Reason(code, {"cue": "适用于"} if code == "compatibility_mention" else {}) for code in codes))


# (findings, the categories and effects that come out)
BRAND_DEPENDENT = [
    ([_finding("counterfeit", "term", "needs_brand")], []),
    ([_finding("counterfeit", "term", "needs_brand"), _finding("brand", "brand", brand="Nike", start=5)],
     [("counterfeit", "review"), ("brand", "review")]),
    ([_finding("counterfeit", "term", "needs_brand"), _finding("brand", "brand", "authorized", brand="Nike", effect="none")],
     [("brand", "none")]),
    ([_finding("counterfeit", "term")], [("counterfeit", "review")]),
]


@pytest.mark.parametrize("findings, expected", BRAND_DEPENDENT)
def test_brand_dependent_words_are_decided_from_reasons_even_after_a_stage_replaced_them(findings, expected):
    for given in (findings, [f._replace(score=f.score) for f in findings]):  # new objects, same content
        assert [(f.category, f.effect) for f in brand_dependent(given)] == expected


def test_a_compatible_accessory_is_recognised_by_its_reason_not_its_wording():
    compat = _finding("brand", "brand", "compatibility_mention", brand="Apple", effect="none")
    other = _finding("brand", "brand", brand="Apple", start=10)
    out = compatibility_per_listing([compat._replace(explanation="reworded"), other])
    assert [f.effect for f in out] == ["none", "none"]
    assert out[1].reasons[-1].code == "compatible_accessory"


def test_reasons_stay_out_of_the_contract_json(text_scanner):
    finding = text_scanner.scan({"title": "高仿耐克"}).findings[0]
    assert finding.reasons and "reasons" not in finding.to_dict()
