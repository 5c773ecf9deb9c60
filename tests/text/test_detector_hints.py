"""The detectors skip each pattern unless a cheap hint says it could match. The oracle
here runs every pattern on every text with no hints at all: the two must agree."""
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.text import detectors as d
from scanner.text import personal_data

ROOT = Path(__file__).resolve().parents[2]


def _digits(s):
    return "".join(str(unicodedata.digit(c)) for c in s if c.isdigit())


def _squeeze_by_hand(text):
    """Drop whitespace runs touching . / : @, one character at a time."""
    keep, where = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if (keep and keep[-1] in "./:@") or (j < len(text) and text[j] in "./:@"):
                continue
        keep.append(ch)
        where.append(i)
    return "".join(keep), where


def detect_without_hints(text):
    hits = []
    digits_text = text.translate(d._CN_DIGITS)
    for m in d._DIGIT_RUN.finditer(digits_text):
        digits = _digits(m.group())
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a mainland mobile number"))
    lookalike = digits_text.translate(str.maketrans("OoIl|SB", "0011158"))
    for m in d._DIGIT_RUN.finditer(lookalike):
        span, digits = text[m.start():m.end()], _digits(m.group())
        digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
        if (not any(h[0] < m.end() and m.start() < h[1] for h in hits)
                and len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"
                and sum(c.isdigit() or c in d._CN_NUMERALS for c in span) >= 8 and any(c in "OoIl|SB" for c in span)):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a mainland mobile number (letters read as digits)"))
    for m in d._INTERNATIONAL.finditer(text):
        if not any(h[0] <= m.start() < h[1] for h in hits):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "an international phone number"))
    for m in d._LANDLINE.finditer(text):
        if not any(h[0] <= m.start() < h[1] for h in hits):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a landline number"))
    for m in d._NANP.finditer(text):
        if not any(h[0] < m.end() and m.start() < h[1] for h in hits) and d._NANP_CUE.search(
            text, max(0, m.start() - d.SPELLED_PHONE_CUE_WINDOW), m.start()
        ):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a North American phone number"))
    for m in d._NATIONAL.finditer(text):
        if not any(h[0] < m.end() and m.start() < h[1] for h in hits) and d._NANP_CUE.search(
            text, max(0, m.start() - d.SPELLED_PHONE_CUE_WINDOW), m.start()
        ):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a phone number in national form"))
    for m in d._NATIONAL.finditer(lookalike):
        span = text[m.start():m.end()]
        if (not any(h[0] < m.end() and m.start() < h[1] for h in hits)
                and sum(c.isdigit() or c in d._CN_NUMERALS for c in span) >= 8 and any(c in "OoIl|SB" for c in span)
                and d._NANP_CUE.search(text, max(0, m.start() - d.SPELLED_PHONE_CUE_WINDOW), m.start())):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a phone number in national form (letters read as digits)"))
    hits += [(m.start(), m.end(), "qq_number", "diversion", "a QQ number") for m in d._QQ.finditer(digits_text)]
    before = list(hits)  # the phones and plain QQ numbers found so far
    hits += [(m.start(), m.end(), "qq_number", "diversion", "a QQ number (letters read as digits)")
             for m in d._QQ.finditer(lookalike)
             if not any(h[0] < m.end() and m.start() < h[1] for h in before)
             and sum(c.isdigit() or c in d._CN_NUMERALS for c in text[m.start():m.end()]) >= 6
             and any(c in "OoIl|SB" for c in text[m.start():m.end()])]
    before = list(hits)
    hits += [(m.start(), m.end(), "qq_number", "diversion", "a QQ number after a weaker QQ word (q, 扣, 蔻蔻)")
             for m in d._WEAK_QQ.finditer(digits_text) if not any(h[0] < m.end() and m.start() < h[1] for h in before)
             and d._weak_qq_number(digits_text[m.start():m.end()])]
    hits += [(m.start(), m.end(), "wechat_id", "diversion", "a WeChat id") for m in d._WECHAT_ID.finditer(text)]
    hits += [(m.start(), m.end(), "email", "diversion", "an e-mail address") for m in d._EMAIL.finditer(text)]
    hits += [(m.start(), m.end(), "email", "diversion", "an e-mail address spelled out with [at]/[dot]")
             for m in d._SPELLED_EMAIL.finditer(text)]
    hits += [(m.start(), m.end(), "email", "diversion", "an e-mail address spelled out with at/dot")
             for m in d._WORDED_EMAIL.finditer(text)]
    emails = [h for h in hits if h[2] == "email"]
    hits += [(m.start(), m.end(), "social_handle", "diversion", "a social-media handle to contact off the platform")
             for m in d._HANDLE.finditer(text)
             if d._HANDLE_CUE.search(text, max(0, m.start() - d.HANDLE_CUE_WINDOW), m.start())
             and not any(h[0] <= m.start() < h[1] for h in emails)]
    for m in d._URL.finditer(text):
        if not any(h[0] <= m.start() < h[1] for h in emails):
            hits.append((m.start(), m.end(), "url", "diversion", "a link to another site"))
    squeezed, where = _squeeze_by_hand(text)
    for m in d._URL.finditer(squeezed):
        start, end = where[m.start()], where[m.end() - 1] + 1
        if not any(h[0] < end and start < h[1] for h in hits):
            hits.append((start, end, "url", "diversion", "a link written with spaces"))
    hits += [(m.start(), m.end(), "phone_number", "diversion", "a phone number spelled out in words")
             for m in d._SPELLED_PHONE.finditer(text)
             if d._SPELLED_PHONE_CUE.search(text, max(0, m.start() - d.SPELLED_PHONE_CUE_WINDOW), m.start())]
    before = list(hits)  # #15 (tune10): a spelled-out link that is part of an earlier hit (gmail dot com) is that hit's
    hits += [(m.start(), m.end(), "url", "diversion", "a link with its dots spelled out (点, dot)")
             for m in d._SPELLED_LINK.finditer(text) if not any(h[0] < m.end() and m.start() < h[1] for h in before)]
    hits = personal_data.detect(text, hits, d._lower(text))  # always run: detect() runs it only when hinted
    return d._read_numbers(text, hits)  # ... and the digit reading (#20, pd19), which detect() runs only when hinted


CASES = [
    "加我微信：shop_8888 领优惠",
    "VX: abc12345 咨询",
    "v：tb_seller01",
    "WeChat ID: good_shop99",
    "wEiXiN: lucky_star7",
    "QQ号码：123456789",
    "扣扣 88886666",
    "电话 138 0013 8000",
    "手机：壹叁捌零零壹叁捌零零零",
    "call +86 138-0013-8000 now",
    "+44 20 7946 0958",
    "座机 010-6552 9988",
    "mail me: sales.team@example.co.uk",
    "email vintagetoys [at] gmail [dot] com",
    "Cures eczema naturally. DM @glowskin.lab for bundles.",
    "DM on Telegram @mt_baijiu for case discounts.",
    "3 for 2@$5, follow the arrows @ the store",
    "写信 shop(at)qq(dot)com",
    "Call or text +1 (415) 555-0198 for pricing",
    "详聊扣扣：伍柒叁捌贰玖壹零",
    "加我 q 2 6 6 1 9 0 8 5 3",
    "扣：四七七零二八一九三",
    "被扣了 1000000 积分",
    "更多款式请➕微：rlx_watch",
    "更多新款👉V❤：fashion_girl66",
    "请加微信 cake_lily 确认",
    "支持微信 支付宝付款 wechat support available",
    "see www.example.com/shop",
    "https://t.me/cheap_shoes",
    "t . me / cheap_shoes",
    "www . replica-shop . com",
    "h t t p s : / / x.cn",
    "Made from durable materials. Colours may vary. Ships in 24 hours.",
    "尺寸：长30cm，宽20cm，高12cm。2024秋季新款",
    "size 38 39 40 41 42 43 44",
    "weİxin: abcdefg",  # dotted capital I: (?i) reads it as i
    "ſhop at x.ſhop",  # long s: (?i) reads it as s
    "ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ",
    # found by the third independent holdout (holdout3.jsonl)
    "更多资源加我 q q 76554321",
    "电子版更便宜，🐧：28817735",
    "Q.Q 123456789 咨询",
    "Send photos to petart.studio at gmail dot com",
    "write to shop(at)qq dot com",
    "polka dot dress, meet us at the shop dot com",  # no address: dot com is not after 'x at y'
    # #15 (tune10): links whose dots are spelled out (点, 點, the word dot)
    "领券请去 w w w 点 hao huo 66 点 com",
    "官网 shop 點 example 點 cn 有更多款",
    "Browse the rest at meadowcraft dot store slash sale",
    "Polka dot top, polka dot shop sign",  # a pattern, not a link
    "Memoir of the dot com era, paperback",  # the era, not a link
    "一点 com 都不贵",  # 一点 is no label
    "Call or text five five five, two one nine, eight eight four zero",
    "WhatsApp: one three eight oh oh one three eight oh oh oh",
    "Count with me: one, two, three, four, five, six, seven, eight, nine",  # a counting book: no cue before
    "One two three, ready to go!",
    "FAQ 12345, IQ test",
    "Text me at 917.555.0143 for wholesale pricing",
    "call (415) 555-0198 after 6pm",
    "Replacement part number 800-555-1234 fits most models",  # no call/text cue: a part number
    "加群 7738 2201 领券",
    # digits written (or read by OCR) as look-alike letters
    "QQ 8O2345671 咨询",
    "电话 138O0138OOO",
    "电话 l38 0013 8000",
    "TEL13800138000",  # a word beside the number must not cost the plain match
    "型号 SB-1O0 IOO件",  # letters and few digits: no number
    # personal data (scanner/text/personal_data.py; its own table is tests/text/test_personal_data.py)
    "身份证 110105 19491231 002X",  # the phone shape 19491231 002 inside it is dropped
    "卡号 6222 5260 1815 9080",
    "护照 K1234567",  # six to nine digits: fewer than the phone hint's seven is possible
    "收件人：张三 北京市朝阳区建国路88号",  # a name and an address: no digit hint at all
    "Ship to: John Smith, 13812345678",
    "",
]


@pytest.mark.parametrize("text", CASES)
def test_hinted_detectors_equal_running_every_pattern(text):
    assert sorted(d.detect(text)) == sorted(detect_without_hints(text))


def test_the_table_exercises_every_detector():
    found = {h[2] for text in CASES for h in detect_without_hints(text)}
    assert found == {"phone_number", "qq_number", "wechat_id", "email", "url", "social_handle",
                     "resident_id", "bank_card", "passport", "name_address_phone"}


def test_hinted_detectors_equal_the_oracle_on_the_fixture_listings():
    texts = []
    for name in ("labelled.jsonl", "holdout.jsonl"):
        for line in (ROOT / "fixtures" / "listings" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [v for k, v in row.items() if k in ("title", "description") and isinstance(v, str)]
    assert len(texts) > 500
    disagreements = [t for t in texts if sorted(d.detect(t)) != sorted(detect_without_hints(t))]
    assert disagreements == []


PIECES = st.sampled_from(
    ["微信", "vx", "V", "wx", "qq", "扣扣", "：", ":", " ", ".", "/", "@", "com", "me", "www", "http", "s", "1", "3",
     "[at]", "(dot)", "➕微", "❤", "(", ")", "伍", "ab_9", "dm", "关注", "x.y",
     "8", "0", "壹", "叁", "捌", "+", "-", "86", "x", "a", "_", "İ", "ſ", "\u200b", "号", "。", "\n", "１", "．",
     "q", "🐧", " at ", "dot", "five", "oh", "nine", ", ", "call", "ſix",
     "收件人", "护照", "passport", "身份证", "北京市", "朝阳区", "路", "号", "栋", "E", "X", "62", "1101051949",
     # #15 (tune9): keycap, enclosed and spoken digits, +扣; characters sharing an enclosed digit's low byte
     "1\ufe0f\u20e3", "\u20e3", "\ufe0f", "①", "⑨", "⑴", "⒈", "➀", "❶", "⓪", "⓿", "洞", "两", "拐", "+扣", "加扣", "扣",
     "`", "t", "\u2560", "\u3474",
     # #15 (tune10): spelled-out dots and what shares their low byte
     "点", "點", " 点 ", "cn", "shop", "slash", "polka", "the", "\u71b9"]
)


@given(st.lists(PIECES, max_size=40).map("".join))
@settings(max_examples=600, deadline=None)
def test_hinted_detectors_equal_the_oracle_on_generated_text(text):
    assert sorted(d.detect(text)) == sorted(detect_without_hints(text))


@pytest.mark.parametrize("text", CASES)
def test_could_detect_holds_wherever_a_detector_matches(text):
    if detect_without_hints(text):
        assert d.could_detect(text)


def test_could_detect_is_false_for_plain_copy():
    assert not d.could_detect("采用优质材料，做工精细。Made from durable materials. Colours may vary.")


@given(st.lists(PIECES, max_size=40).map("".join))
@settings(max_examples=600, deadline=None)
def test_could_detect_holds_on_generated_text(text):
    if detect_without_hints(text):
        assert d.could_detect(text)


# could_detect's hints, written the plain way: one alternation of every word hint, and a
# phone hint whose gap may hold anything but an ASCII/Unicode digit (with backtracking).
_PLAIN_WORD_HINT = re.compile("|".join((d._QQ_HINT, d._WECHAT_HINT, d._EMAIL_HINT, d._LINK_HINT, d._SPELLED_PHONE_HINT,
                                        d._SPELLED_LINK_HINT, d._SOCIAL_HINT,
                                        *personal_data.NAME_CUE_WORDS, *personal_data.PASSPORT_WORDS,
                                        *personal_data.ID_WORDS)))
_PLAIN_PHONE_HINT = re.compile(d._ANY_DIGIT + r"(?:\D{0,3}" + d._ANY_DIGIT + "){6}")


def could_detect_plainly(text):
    return bool(_PLAIN_PHONE_HINT.search(text) or _PLAIN_WORD_HINT.search(d._lower(text)))


def _fixture_texts():
    texts = []
    for path in sorted((ROOT / "fixtures" / "listings").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if not isinstance(row, dict):
                continue
            texts += [v for k, v in row.items() if k in ("title", "description") and isinstance(v, str)]
    return texts


def test_could_detect_equals_the_plain_hints_on_fixture_listings_and_cases():
    texts = _fixture_texts() + CASES
    assert [d.could_detect(t) for t in texts] == [could_detect_plainly(t) for t in texts]


@given(st.lists(PIECES, max_size=40).map("".join))
@settings(max_examples=600, deadline=None)
def test_could_detect_equals_the_plain_hints_on_generated_text(text):
    assert d.could_detect(text) == could_detect_plainly(text)


@given(st.text(alphabet=st.sampled_from("1234567890 -一二三壹叁。号abc\n①⑴❶洞两拐\ufe0f\u20e3"), max_size=60))
@settings(max_examples=600, deadline=None)
def test_possessive_phone_hint_equals_the_backtracking_one(text):
    assert bool(d._PHONE_HINT.search(text)) == bool(_PLAIN_PHONE_HINT.search(text))
