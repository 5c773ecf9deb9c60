"""The digit reading's faster parts against their definitions (red-team R01: a field of digit-like text cost
10-60x ordinary copy per character): digit_reading._trimmed (a run cut once) against _trimmed_by_popping (one token
at a time), digit_reading._assemble (stretches written as ranges) against _assemble_by_character, and read() on
generated runs, whose tokens and separators they are given as read() forms them; and detectors._read_through_lookalikes
(counted by map(), for the second pass over the same digits) against its per-character definition."""
from __future__ import annotations

import random
import re

import pytest

from scanner.text import detectors, digit_reading as dr

DIGITS = list("0123456789") + ["o", "O", "０", "５", "零", "一", "八", "两", "壹", "〇", "3\ufe0f\u20e3", "one", "two", "oh",
                                "five", "nine", "double ", "triple "]
SEPARATORS = [" ", " ", " ", "", "-", "－", ",", "，", "/", ".", "·", "\u3000", "  ", " - ", "\t"]
OTHER = ["A", "S", "D", "X", "x", "E", "a", "四川省", "省", "号", "订单", "一次", "OH", "It's", "\n", "St ", "ſix"]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 30)):
            r = rng.random()
            parts.append(rng.choice(DIGITS) if r < 0.55 else rng.choice(SEPARATORS) if r < 0.85 else rng.choice(OTHER))
        texts.append("".join(parts))
    return texts + ["S 9 1 2 3 4 5 6 D", "A B 1 2 3 4 5 6 C D", "四川省 1 2 3 4 5 6 一次", "订单 1234567 一直没到",
                    "A " * 50 + "1234567 o0", "o0 1234567" + " A" * 50, "一 1 2 3 4 5 6 7 八"]


def _runs(text: str) -> list[tuple[list, list]]:
    """read()'s runs of `text`: each (tokens, separators), formed as read() forms them."""
    runs, run = [], None
    for m in dr._TOKEN.finditer(text):
        tok = dr._token(m)
        if tok is None:
            run = None
            continue
        item = (m.start(), m.end(), tok[0], tok[1])
        if run is not None:
            last = run[0][-1]
            gap = dr._SEP.match(text, last[1])
            if gap is not None and gap.end() == m.start() and not (
                    dr._CLASS[last[3]] != dr._CLASS[item[3]] and ("," in gap.group() or "，" in gap.group())):
                run[0].append(item)
                run[1].append((last[1], m.start()))
                continue
        run = ([item], [])
        runs.append(run)
    return runs


@pytest.mark.parametrize("seed", range(3))
def test_trimmed_is_trimming_one_token_at_a_time(seed):
    checked = 0
    for text in _texts(seed, 4000):
        for tokens, seps in _runs(text):
            assert dr._trimmed(text, list(tokens), list(seps)) == dr._trimmed_by_popping(text, tokens, seps), text
            checked += 1
    assert checked > 10_000


def _pieces(rng: random.Random, n: int) -> list[tuple[int, int, str]]:
    """In order and not overlapping, as read() makes them: empty or not, replaced one for one, by fewer or more."""
    pieces, at = [], 0
    while at < n and rng.random() < 0.9:
        a = min(n, at + rng.choice([0, 0, 1, 2, 5]))
        b = min(n, a + rng.choice([0, 1, 1, 2, 3, 4]))
        rep = rng.choice(["", "-", "0", "12", "345", "6789"[:b - a]])
        pieces.append((a, b, rep))
        at = b
    return pieces


def test_assemble_is_copying_one_character_at_a_time():
    rng = random.Random(1)
    for _ in range(20_000):
        text = "".join(rng.choice("ab 1o零-") for _ in range(rng.randint(0, 30)))
        pieces = _pieces(rng, len(text))
        assert dr._assemble(text, pieces) == dr._assemble_by_character(text, pieces), (text, pieces)


@pytest.mark.parametrize("seed", range(3))
def test_read_assembles_as_its_definition(seed, monkeypatch):
    """The pieces read() puts into each generated text, assembled both ways."""
    assembled = []

    def both(text, pieces):
        fast = _assemble(text, pieces)
        assert fast == dr._assemble_by_character(text, pieces), (text, pieces)
        assembled.append(text)
        return fast

    _assemble = dr._assemble
    monkeypatch.setattr(dr, "_assemble", both)
    for text in _texts(100 + seed, 4000):
        reading = dr.read(text)
        if reading is not None:
            out, starts, ends = reading
            assert len(out) == len(starts) == len(ends) and all(0 <= a <= b <= len(text) for a, b in zip(starts, ends))
    assert len(assembled) > 100


def _read_through_lookalikes_by_character(text, m, kind):
    """detectors._read_through_lookalikes's definition: each character of the match looked at in turn."""
    span = text[m.start():m.end()]
    real = sum(c.isdigit() or c in detectors._CN_NUMERALS for c in span)
    return real >= detectors.LOOKALIKE_MIN_DIGITS[kind] and any(c in detectors._LOOKALIKE_LETTERS for c in span)


def test_lookalike_count_is_counting_each_character():
    rng = random.Random(3)
    alphabet = "0123456789OoIl|SBxa -零一两洞①⑨⓪➀❶⒈１" + detectors._CN_NUMERALS[::7]
    pattern = re.compile(".{1,24}", re.S)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        m = pattern.match(text)
        for kind in detectors.LOOKALIKE_MIN_DIGITS:
            assert detectors._read_through_lookalikes(text, m, kind) == _read_through_lookalikes_by_character(text, m, kind), text
