"""What a reviewer sees of a listing: personal data masked, flagged spans left as the seller wrote them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.review.masking import _DIGIT_RUN, reviewer_copy, reviewer_text


def f(category, start, end, text):
    return {"kind": "text", "category": category, "field": "description", "start": start, "end": end, "text": text}


@pytest.mark.parametrize("text, findings, shown, masked", [
    # a phone no finding flags: masked (personal_data.mask: 40 % of the digits at least)
    ("尺码齐全 13812345678 欢迎咨询", [], "尺码齐全 13*****5678 欢迎咨询", [(5, 16)]),
    # the same phone flagged as diversion: the reviewer judges exactly that, so it stays
    ("加微信 13812345678 咨询", [f("diversion", 4, 15, "13812345678")], "加微信 13812345678 咨询", []),
    # a resident ID found as personal data: the finding's own masked text
    ("身份证 11010519491231002X", [f("personal_data", 4, 22, "110105********002X")],
     "身份证 110105********002X", [(4, 22)]),
    # short numbers (sizes, prices, years, model numbers) stay readable
    ("长30cm 宽20cm 2024款 ￥199", [], "长30cm 宽20cm 2024款 ￥199", []),
    # a card number nobody flagged, grouped: masked like any number (first 3, last 4), grouping kept
    ("卡号 6222 0212 3456 7890", [], "卡号 622* **** **** 7890", [(3, 22)]),
])
def test_reviewer_text(text, findings, shown, masked):
    got, spans = reviewer_text(text, findings)
    assert (got, spans) == (shown, masked)
    assert len(got) == len(text)  # offsets of every finding still slice it


def contact(start, end, text, term="phone_number"):
    return {**f("diversion", start, end, text), "term": term}


# A customer's text (private): masks laid character by character, so overlapping ones hide the union of both (a
# buyer's phone finding overlapping a person's block used to leave the block's address shown: a code review's case),
# and a finding of another kind over a masked contact shows it masked in its own text (scanner/text/personal_data.py
# hide_what_others_mask), which the copy follows. Expected texts by hand.
@pytest.mark.parametrize("text, findings, shown, masked", [
    ("call 13812345678 at 5 Elm St", [contact(5, 16, "13*****5678"), f("personal_data", 14, 28, "** ** * *** **")],
     "call 13*****56** ** * *** **", [(5, 28)]),
    ("好评发微信 ab_123456 返5元", [f("incentivized_review", 0, 19, "好评发微信 **_**3456 返5元"),
                               contact(3, 15, "微信 **_**3456", "wechat_id")],
     "好评发微信 **_**3456 返5元", [(3, 15)]),
    # the phrase alone (its contact finding capped away): only the characters it hides count as masked
    ("好评发微信 ab_123456 返5元", [f("incentivized_review", 0, 19, "好评发微信 **_**3456 返5元")],
     "好评发微信 **_**3456 返5元", [(6, 8), (9, 11)]),
])
def test_reviewer_text_of_a_customer_lays_every_mask(text, findings, shown, masked):
    got, spans = reviewer_text(text, findings, private=True)
    assert (got, spans) == (shown, masked)


def test_reviewer_copy_keeps_no_image_bytes_and_names_fields_as_findings_do():
    listing = {"id": "sku-7", "title": "蓝牙耳机", "bullets": ["客服 13912345678"], "attributes": {"型号": "X1"},
               "images": [{"data": "aGVsbG8="}, {"url": "https://img.example/a.jpg"}],
               "seller": {"authorized_brands": ["Sony"]}, "locale": "zh-CN"}
    copy, spans = reviewer_copy(listing, {"id": "sku-7", "findings": []})
    assert copy == {
        "id": "sku-7",
        "fields": {"title": "蓝牙耳机", "bullets[0]": "客服 13*****5678", "attributes.型号": "X1"},
        "images": [{"sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "bytes": 5},
                   {"url": "https://img.example/a.jpg"}],
        "seller": {"authorized_brands": ["Sony"]}, "locale": "zh-CN"}
    assert spans == {"bullets[0]": [[3, 14]]}


@pytest.mark.parametrize("text, masked", [
    ("+123456 热线", [(0, 7)]),         # '+' and six digits: the shortest run that is masked
    ("123456 热线", []),                 # six digits alone: too short
    ("订单 12-34-56-7", [(3, 13)]),      # seven digits, one separator between each pair
    ("订单 12--34567890", [(7, 15)]),    # two separators break the run; the eight digits after it are one
    ("型号 １２３４５６７", [(3, 10)]),  # full-width digits count
])
def test_digit_runs_at_the_threshold(text, masked):
    assert reviewer_text(text, [])[1] == masked


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789０９ -+Xx号a", max_size=40))
def test_digit_runs_masked_are_every_run_the_pattern_finds(text):
    # the reference definition: every match of the digit-run pattern (the pre-check must never skip one)
    expected = [m.span() for m in _DIGIT_RUN.finditer(text)]
    assert reviewer_text(text, [])[1] == expected
