"""Fast forms of small checks in scanner/text/verify/explain.py against their plain definitions."""
import sys

from scanner.text.verify import explain
from scanner.text.normalize import is_cjk


def test_cjk_regex_accepts_exactly_what_is_cjk_accepts():
    # every code point, surrogates included: the regex class and is_cjk must agree
    disagree = [cp for cp in range(sys.maxunicode + 1) if bool(explain._CJK_CHAR.fullmatch(chr(cp))) != is_cjk(chr(cp))]
    assert disagree == []


def test_leet_regex_is_the_leet_character_set():
    chars = [chr(cp) for cp in range(0x3000)]
    assert [c for c in chars if explain._LEET_CHAR.fullmatch(c)] == [c for c in chars if c in "013457@$!|"]
