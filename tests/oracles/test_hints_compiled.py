"""The compiled detector hints (scanner/text/_hints_c.pyx) against their definition,
scanner.text.detectors.could_detect_python: the same answer on every input.

Skipped only when the extension is not built; with CI set, a missing extension fails (tests/text/test_compiled_loading.py),
so a silently broken build cannot hide (as for the compiled normaliser)."""
from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.text import detectors as d
from tests.text.test_detector_hints import CASES, PIECES, _fixture_texts

try:
    from scanner.text import _hints_c as _c
except ImportError as exc:
    _c = None
    _WHY = f"scanner.text._hints_c is not built ({exc})"
else:
    _WHY = ""
    # detectors.py configures it on import unless SCANNER_PURE_PYTHON is set; same arguments, so idempotent.
    _c.configure(d._HINT_LITERALS, d._TLDS.split("|"), d._DIGIT_WORDS, d._CN_NUMERALS, d._GAP_SYMBOLS)

needs_compiled = pytest.mark.skipif(_c is None, reason=_WHY)


def agree(text: str) -> bool:
    return _c.could_detect(text) == d.could_detect_python(text)


@needs_compiled
def test_equal_on_cases_and_every_fixture_listing():
    texts = CASES + _fixture_texts()
    assert len(texts) > 2000
    disagreements = [t for t in texts if not agree(t)]
    assert disagreements == []
    # the table holds both answers, or the comparison proves little
    assert {d.could_detect_python(t) for t in texts} == {True, False}


# One or two cases per hint shape, true and just-false, so each loop's edges are pinned.
@needs_compiled
@pytest.mark.parametrize("text, expected", [
    ("微信", True), ("威信", True), ("V信", True), ("➕微", True), ("wechat", True), ("WeiXin", True), ("weix", False),
    ("V❤：id", True), ("v ❤ :", False), ("v❤❤ :", True), ("v❤❤❤:", False), ("v:", True), ("v：", True), ("vv", False),
    ("q q", True), ("q.-_q", True), ("q . - q", False), ("q\u200bq", True), ("qa q", False), ("Q Q", True),
    ("polka dot dress", True), ("polka dots", False), ("dot com", False), ("\u3000dot\u3000", True),
    ("call five five", True), ("five, five", True), ("five,, five", True), ("five,,, five", False), ("five , - , five", False), ("fivefive", False), ("ofive five", False),
    ("tix oh", True),  # the hint reads any initial with any tail: weaker than the detector, never stronger
    ("(at)", True), ("[ at ]", True), ("（at）", True), ("(a t)", False), ("(at", False),
    ("x.com", True), ("x. com", True), ("x.comx", False), ("x.co1", False), ("x.co", True), ("x.c", False),
    ("www.", True), ("WWW .", True), ("ww.", False), ("http://", True), ("http: / /", True), ("http:/", False),
    ("1234567", True), ("123456", False), ("1-2-3-4-5-6-7", True), ("1 - 2 3 4 5 6 7", True), ("1 -- 2 3 4 5 6 7", False),
    ("壹贰叁肆伍陆柒", True), ("１２３４５６７", True), ("١٢٣٤٥٦٧", True), ("12345６", False),
    ("a@b", True), ("＠", True), ("", False), ("plain copy, nothing here", False), ("纯棉T恤，舒适透气", False),
])
def test_each_hint_shape(text, expected):
    assert d.could_detect_python(text) is expected  # the table is right about the definition...
    assert _c.could_detect(text) is expected  # ...and the compiled hints say the same


@needs_compiled
@given(st.lists(PIECES, max_size=40).map("".join))
@settings(max_examples=1500, deadline=None)
def test_equal_on_generated_hint_pieces(text):
    assert agree(text)


@needs_compiled
@given(st.text(max_size=80))
@settings(max_examples=1500, deadline=None)
def test_equal_on_arbitrary_unicode(text):
    assert agree(text)


@needs_compiled
def test_equal_on_texts_longer_than_the_stack_buffer():
    rnd = random.Random(5)
    pieces = ["纯棉", "T恤", " ", "size 38", "。", "v", ":", "q", "dot", "five", ".", "com", "1", "2", "号"]
    for length in (1023, 1024, 1025, 5000, 100_000):
        filler = "纯棉T恤舒适透气" * (length // 8 + 1)
        for tail in ("", "微信", "1 2 3 4 5 6 7", "x.com", "five five"):
            text = filler[: length - len(tail)] + tail
            assert agree(text), (length, tail)
        text = "".join(rnd.choice(pieces) for _ in range(length // 3))
        assert agree(text)


_SPACE, _WORD = re.compile(r"\s"), re.compile(r"\w")
_DIGITISH = re.compile(d._ANY_DIGIT)


@needs_compiled
def test_every_code_point_is_read_as_pythons_regexes_read_it():
    """The character classes under the loops (lower-casing, \\s, \\w, digits) with their
    fast paths for ASCII and CJK, checked against Python over every code point."""
    wrong = []
    for cp in range(0x110000):
        ch = chr(cp)
        expected = (d._lower(ch), bool(_SPACE.match(ch)), bool(_WORD.match(ch)), bool(_DIGITISH.match(ch)))
        if _c.classify(ch) != expected:
            wrong.append((hex(cp), _c.classify(ch), expected))
    assert wrong == []


@needs_compiled
def test_configure_refuses_data_the_loops_cannot_hold():
    args = [d._HINT_LITERALS, d._TLDS.split("|"), d._DIGIT_WORDS, d._CN_NUMERALS, d._GAP_SYMBOLS]
    try:
        # limits: 128 words (MAX_WORDS; 64 until the social apps' names, INTERFACE 5), 96 characters in a set (MAX_SET;
        # raised for tune9's enclosed digits)
        for position, bad in [(0, ("x" * 13,)), (0, ("",)), (0, ["w"] * 129), (1, ["t"] * 129), (3, "1"),
                              (4, "".join(map(chr, range(0x2000, 0x2061))))]:
            broken = list(args)
            broken[position] = bad
            with pytest.raises(ValueError):
                _c.configure(*broken)
    finally:
        _c.configure(*args)
    assert _c.could_detect("加微信") and not _c.could_detect("纯棉")


@needs_compiled
@pytest.mark.parametrize("bad", [None, b"weixin", 5])
def test_refuses_what_is_not_text(bad):
    with pytest.raises(TypeError):  # not a crash reading a None as a string
        _c.could_detect(bad)
