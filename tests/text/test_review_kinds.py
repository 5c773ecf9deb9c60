"""Customer reviews and Q&A as content kinds (#20): who is speaking decides what counts.

Every expected value below is written by hand from the rule in scanner/speakers.py: a buyer's advertising-style
words (最好, best, cures, a brand name) are not violations; a buyer's report that the goods are fake is a
listing signal, not a finding; contact details, incentives revealed, personal data and illegal services are
findings whoever writes them; a seller's answer is held to the listing's rules.
"""
from __future__ import annotations

import pytest

from scanner.listing import InvalidListing, parse_listing
from scanner.speakers import RULES, SELLER_COPY_ONLY

R, Q = "review", "qa"

# (kind, speaker or None, text, decision, {(category, text) of findings}, [text of counterfeit listing signals])
CASES = [
    # -- incentives revealed by the writer: incentivized_review, review
    (R, None, "商家说五星送红包，所以给了好评", "review", {("incentivized_review", "五星送红包，所以给了好评")}, []),
    (R, None, "好评返现5元，质量一般般吧", "review", {("incentivized_review", "好评返现")}, []),
    (R, None, "got this free for a review, works ok so far", "review",
     {("incentivized_review", "free for a review")}, []),
    (R, None, "I received this product free in exchange for my honest review. Battery lasts two days.", "review",
     {("incentivized_review", "in exchange for my honest review")}, []),
    (R, None, "Seller offered a refund for a 5 star rating, so here it is", "review",
     {("incentivized_review", "refund for a 5 star rating")}, []),
    (R, None, "晒图评价送10元红包，东西还行", "review", {("incentivized_review", "晒图评价送10元红包")}, []),
    # -- pushes off the platform
    (R, None, "DM me for cheaper, I have more pairs", "review", {("diversion", "DM me")}, []),
    (R, None, "加我V 138 0013 8000 有更便宜的", "review", {("diversion", "138 0013 8000")}, []),
    (R, None, "想要同款的私聊我，价格更便宜", "review", {("diversion", "私聊我，价格更便宜")}, []),
    # decided: a buyer who names a WeChat group in a public review sends readers off the platform: review
    (R, None, "老板人很好，加了微信群", "review", {("diversion", "微信")}, []),
    # -- a buyer's counterfeit report: a listing signal, the review itself passes
    (R, None, "跟专柜的不一样，明显是假的", "pass", set(), ["跟专柜的不一样", "明显是假的"]),
    (R, None, "clearly a fake, not the same as the one at the counter", "pass", set(),
     ["fake", "not the same as the one at the counter"]),
    (R, None, "质量太差了，假货，退了", "pass", set(), ["假货"]),
    (R, None, "Stitching is off and the logo is crooked, not genuine at all", "pass", set(), ["not genuine"]),
    (R, None, "没想到是假的，白等了一周", "pass", set(), ["没想到是假的"]),
    (R, None, "Total counterfeit, returned it", "pass", set(), ["Total counterfeit"]),
    (R, None, "第一次买这个牌子，不知道是不是正品，先用用看", "pass", set(), []),  # 是不是: asked, not reported
    # -- hard negatives: buyer speech that a listing rule would catch
    (R, None, "物流第一名快，最好的一次购物", "pass", set(), []),
    (R, None, "best purchase ever, this cream cured my dry skin in a week", "pass", set(), []),
    (R, None, "耐克的鞋子穿着舒服，尺码标准", "pass", set(), []),
    (R, None, "没想到是正品，很满意，已经验过了", "pass", set(), []),
    (R, None, "不是假货，放心买", "pass", set(), []),
    (R, None, "Not a fake, I checked the serial number with the brand", "pass", set(), []),
    (R, None, "担心不是正品，结果验过了是真的", "pass", set(), []),
    (R, None, "99元买的，比超市便宜20块，很值", "pass", set(), []),
    (R, None, "订单号 2023112512345678901，快递单号 SF1234567890123，三天就到了", "pass", set(), []),
    (R, None, "客服回复很快，问题都解决了，给五星", "pass", set(), []),
    (R, None, "Message the seller through the app if the size is wrong, they swapped mine", "pass", set(), []),
    # -- violations posted as reviews
    (R, None, "需要代开发票的找我，各类发票都有", "block", None, []),
    # -- Q&A: a buyer asks, a seller answers
    (Q, None, "是正品吗？会不会是假的", "pass", set(), []),
    (Q, "buyer", "Is this genuine? Worried it's a replica", "pass", set(), []),
    (Q, "seller", "全网最低价，治疗失眠效果好", "review", {("absolute_term", "全网最低价"), ("medical_claim", "治疗")}, []),
    (Q, "seller", "亲，是正品，支持专柜验货", "pass", set(), []),
    (Q, "seller", "有问题加微信 wx12345678 联系", "review", None, []),
]


@pytest.mark.parametrize("kind, speaker, text, decision, findings, signals", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_reviews_and_qa_as_speech(text_scanner, kind, speaker, text, decision, findings, signals):
    item = {"kind": kind, "id": "r-1", "listing_id": "sku-9", "text": text}
    if speaker is not None:
        item["speaker"] = speaker
    result = text_scanner.scan(item)
    d = result.to_dict()
    assert d["decision"] == decision, d
    got = {(f["category"], f["text"]) for f in d["findings"]}
    if findings is not None:
        assert got == findings
    for f in d["findings"]:
        assert f["field"] == "text" and text[f["start"]:f["end"]] == f["text"]
    assert [s["text"] for s in d["listing_signals"]] == signals
    for s in d["listing_signals"]:
        assert s["category"] == "counterfeit" and text[s["start"]:s["end"]] == s["text"]
        assert s["explanation"] and s["explanation_zh"]
    assert (d["kind"], d["listing_id"], d["id"]) == (kind, "sku-9", "r-1")
    assert d["speaker"] == (speaker or "buyer")
    assert set(d["versions"]) >= {"wordlists", "scanner", "policy", "speech"}


def test_a_listing_result_has_no_kind_fields(text_scanner):
    d = text_scanner.scan({"id": "sku-1", "title": "高仿耐克 运动鞋"}).to_dict()
    assert not {"kind", "listing_id", "speaker", "listing_signals"} & set(d)
    assert "speech" not in d["versions"]
    same = text_scanner.scan({"id": "sku-1", "kind": "listing", "title": "高仿耐克 运动鞋"}).to_dict()
    d.pop("took_ms"), same.pop("took_ms")
    assert same == d


def test_same_words_from_a_seller_listing_count(text_scanner):
    """The buyer's hard negatives above are violations in a seller's copy: the table, not the words, differs."""
    for text, category in [("最好的一次购物", "absolute_term"), ("明显是假的 高仿", "counterfeit"),
                           ("耐克的鞋子穿着舒服", "brand")]:
        review = text_scanner.scan({"kind": "review", "text": text}).to_dict()
        listing = text_scanner.scan({"description": text}).to_dict()
        assert category not in {f["category"] for f in review["findings"]}
        assert category in {f["category"] for f in listing["findings"]}


def test_personal_data_in_a_review_is_masked(text_scanner):
    text = "收件人：张伟 13800138000 北京市朝阳区建国路88号，身份证110105199003071234"
    d = text_scanner.scan({"kind": "review", "text": text}).to_dict()
    pd = [f for f in d["findings"] if f["category"] == "personal_data"]
    assert pd and d["decision"] != "pass"
    assert all("*" in f["text"] for f in pd)


def test_the_speaker_table():
    buyer, seller = RULES[("review", "buyer")], RULES[("qa", "seller")]
    assert buyer.not_applicable == SELLER_COPY_ONLY == {"absolute_term", "false_claim", "medical_claim", "brand"}
    assert buyer.listing_signal == {"counterfeit"} and RULES[("qa", "buyer")] == buyer
    assert not seller.not_applicable and not seller.listing_signal and RULES[("listing", "seller")] == seller
    assert ("review", "seller") not in RULES


@pytest.mark.parametrize("raw, words", [
    ({"kind": "review", "title": "t", "text": "x"}, "may not carry 'title'"),
    ({"kind": "review", "text": "x", "images": [{"data": "x"}]}, "'images'"),
    ({"kind": "qa", "bullets": ["a"], "text": "x"}, "'bullets'"),
    ({"kind": "poem", "text": "x"}, "field 'kind' must be one of"),
    ({"kind": ["review"], "text": "x"}, "field 'kind' must be one of"),
    ({"kind": "qa", "speaker": "bot", "text": "x"}, "field 'speaker' of a qa"),
    ({"kind": "qa", "speaker": ["buyer"], "text": "x"}, "field 'speaker' of a qa"),
    ({"kind": "review", "speaker": "seller", "text": "x"}, "field 'speaker' of a review must be one of 'buyer'"),
    ({"kind": "review", "text": 5}, "'text' must be a string"),
    ({"kind": "review", "listing_id": 1.5, "text": "x"}, "'listing_id'"),
])
def test_bad_items_are_refused(raw, words):
    with pytest.raises(InvalidListing) as exc:
        parse_listing(raw)
    assert exc.value.code == "invalid_listing" and words in exc.value.message


def test_text_has_the_description_limit(text_scanner):
    with pytest.raises(InvalidListing) as exc:
        parse_listing({"kind": "review", "text": "好" * 11}, max_field_chars=10)
    assert exc.value.code == "field_too_long"
    d = text_scanner.scan({"kind": "review", "id": 3, "text": ["x"]}).to_dict()
    assert d["error"]["code"] == "invalid_listing" and d["id"] == 3


def test_a_review_in_chinese_explanations(text_scanner):
    d = text_scanner.scan({"kind": "review", "text": "DM me for cheaper，明显是假的", "options": {"language": "zh"}}).to_dict()
    assert [f["category"] for f in d["findings"]] == ["diversion"]
    assert d["listing_signals"][0]["text"] == "明显是假的"


def _all_texts():
    import json
    from pathlib import Path

    rows = Path(__file__).resolve().parents[2] / "fixtures" / "reviews" / "reviews_dev.jsonl"
    texts = [c[2] for c in CASES] + [json.loads(line)["text"] for line in rows.read_text("utf-8").splitlines()]
    return texts + [t.upper() for t in texts] + ["İ DM ME for cheaper, CLEARLY A FAKE", "text me for a better price"]


def test_the_anchor_prefilter_finds_what_every_phrase_regex_finds():
    """Brute force is the oracle: every phrase's regex run over the whole text (case-insensitively) finds exactly
    the spans speech.find reports with its one-pass anchor prefilter and lower-casing."""
    import re

    from scanner.text import speech
    from scanner.text.policy import Policy

    policy = Policy.from_dict({})
    for text in _all_texts():
        want = set()
        for p in speech.PHRASES:
            for m in re.finditer(p.pattern, text, re.IGNORECASE):
                want.add((p.category, m.start(), m.end()))
        got = {(f.category, f.start, f.end) for f in speech.find("text", text, policy, [])}
        # find() keeps the first phrase of a category over an overlapping one: compare on what it kept
        assert got <= want, text
        for cat, s, e in want - got:
            assert any(c == cat and s < ge and gs < e for c, gs, ge in got), (text, cat, text[s:e])


@pytest.mark.parametrize("unit,cap", [("明显是假的 ", 5), ("clearly a fake, ", 3)])
def test_a_review_repeating_a_report_gets_bounded_signals(text_engine, unit, cap):
    """Signals are capped like findings (SCANNER_MAX_FINDINGS_PER_LISTING): 2,000 repeats give `cap` of them,
    each still slicing the caller's text."""
    from scanner.config import Settings
    from scanner.engine import Scanner

    scanner = Scanner(text_engine, None, Settings.model_construct(max_findings_per_listing=cap, scan_budget_s=0.0))
    text = unit * 2000
    got = scanner.scan({"kind": "review", "id": "r", "text": text}).to_dict()["listing_signals"]
    assert len(got) == cap
    assert all(text[s["start"]:s["end"]] == s["text"] for s in got)
