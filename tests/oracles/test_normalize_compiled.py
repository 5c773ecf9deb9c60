"""The compiled normaliser (scanner/text/_normalise_c.pyx) against the pure-Python reference
(scanner.text.normalize.normalise_python): the same text, key and offsets on every input.

Skipped only when the extension is not built; with CI set, a missing extension fails
(tests/text/test_compiled_loading.py), so a silently broken build cannot hide."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.text import normalize as n

ROOT = Path(__file__).resolve().parents[2]

try:
    from scanner.text import _normalise_c as _c
except ImportError as exc:  # not built (no compiler, or installed without build isolation and Cython)
    _c = None
    _WHY = f"scanner.text._normalise_c is not built ({exc})"
else:
    _WHY = ""
    # normalize.py configures it on import unless SCANNER_PURE_PYTHON is set; same arguments, so idempotent.
    _c.configure(n._map_char, n.Normalised, n.normalise_python, n._LEET, n._is_symbol)

needs_compiled = pytest.mark.skipif(_c is None, reason=_WHY)


def _pairs(length: int, rnd: random.Random, exhaustive: int = 120, sampled: int = 3000) -> list[tuple[int, int]]:
    """Every (a, b) with 0 <= a < b <= length for texts up to `exhaustive` characters; for longer ones every single
    character, every prefix and suffix, and `sampled` random spans."""
    if length <= exhaustive:
        return [(a, b) for a in range(length) for b in range(a + 1, length + 1)]
    pairs = {(a, a + 1) for a in range(length)}
    pairs |= {(0, b) for b in range(1, length + 1)} | {(a, length) for a in range(length)}
    pairs |= {tuple(sorted(rnd.sample(range(length + 1), 2))) for _ in range(sampled)}
    return sorted(pairs)


def assert_same(original: str, exhaustive: int = 120, sampled: int = 3000) -> None:
    ref = n.normalise_python(original)
    got = _c.normalise(original)
    assert type(got) is n.Normalised
    assert got.original is original
    assert got.text == ref.text, original
    assert got.key == ref.key, original
    # no character added or removed: no map, on both paths
    assert (got.offsets is None) == (ref.offsets is None), original
    if ref.offsets is None:  # both spans are Normalised.span's identity: no map of either side to compare
        return
    rnd = random.Random(len(original))
    for a, b in _pairs(len(ref.text), rnd, exhaustive, sampled):
        assert got.span(a, b) == ref.span(a, b), (original, a, b)
        assert got.original_slice(a, b) == ref.original_slice(a, b)


# (description, original): real-looking evasions and the edges of each rule
CASES = [
    ("golden: separators inside CJK", "高*仿耐 克"),
    ("golden: hyphenated letters", "N-I-K-E shoes"),
    ("full-width letters and ideographic space", "ＮＩＫＥ　运动鞋"),
    ("full-width digits and punctuation", "微信：１３８ ００１３ ８０００！"),
    ("zero-width space", "高\u200b仿"),
    ("zero-width joiner and BOM", "高\u200d\ufeff仿"),
    ("word joiner, soft hyphen", "耐\u2060克 Ni\u00adke"),
    ("leetspeak", "L0UIS Vuitton Ch@nel N1ke Gucc! Pr4da $upreme"),
    ("leetspeak at the edges", "0nike nike0 a1 1a a1b |x| x|y"),
    ("traditional characters", "這是高倣包 爲你 髙仿 衞衣 綫 啓 銷量第壹"),
    ("space between CJK", "好 评 返 现"),
    ("middle dots between CJK", "好·评·返·现 加•微•信"),
    ("trademark signs", "Nike™ Air®, Apple© Store℠"),
    ("single digits", "1 3 8 1 2 3 4 5 6 7 8"),
    ("digits mixed with CJK", "iphone5s 手机壳 第 1 名"),
    ("ligatures", "ﬁne ﬂour ﬀ ﬃ"),
    ("emoji between CJK", "高🔥仿 正👍品"),
    ("emoji ZWJ sequence and variation selector", "👨\u200d👩\u200d👧 家庭装 ❤\ufe0f 耐克"),
    ("diacritics", "Nïke Adidás Straße Çhanel"),
    ("combining marks", "N\u0301i\u0308k\u0327e 高\u0301仿"),
    ("long combining sequence", "a" + "\u0301\u0316" * 50 + "b"),
    ("kept symbols", "1:1 复刻 100%有效 A&F (原单) [高仿] #爆款"),
    ("multiple spaces between words", "mirror  copy   bag    now"),
    ("leading and trailing spaces", "   nike air   "),
    ("only separators", " * - _ . · "),
    ("empty", ""),
    ("tabs and newlines", "line one\tcol\nline two\r\nN\tI\tK\tE"),
    ("lone surrogates", "高\ud800仿 ab\udfffcd \udbff"),
    ("RTL and LTR marks, overrides", "\u202e耐克\u202c N\u200fike \u200e高仿"),
    ("private use and unassigned", "\ue000耐\U000f0000克\U0010ffff \u0378x"),
    ("astral CJK", "𠀀𠀁 高 𪚥 仿 𫝀"),
    ("CJK compatibility ideographs", "\uf900\ufa0f 豈 更"),
    ("kana", "アディダス ナイキ ひらがな"),
    ("circled and parenthesised letters", "ⓃⒾⓀⒺ ⒩⒤⒦⒠ 🅽🅸🅺🅴"),
    ("mathematical alphanumerics", "𝐍𝐈𝐊𝐄 𝕹𝖎𝖐𝖊 𝓝𝓲𝓴𝓮"),
    ("multi-character compatibility forms", "㍿ ㈱ ﷺ ㏂ ㎏ ½ Ⅻ"),
    ("uppercase singles between spaces", "A B C 1 2 ab c d"),
    ("single letters around runs", "a  b x   y 1   2 ab  c"),
    ("letters next to CJK", "a 高 b 仿 c"),
    ("cent sign", "Guc¢i ¢"),
    ("non-breaking and thin spaces", "nike\u00a0air\u2009max\u202f高\u3000仿"),
    ("line and paragraph separators", "nike\u2028air\u2029max"),
    ("control characters", "ni\x00ke\x07 \x1c高\x85仿\x7f"),
    ("dashes", "N–I—K―E ‐ ‑ ‒"),
    ("long run of spaces", "nike" + " " * 500 + "air"),
    ("long field", ("纯棉T恤 高*仿耐克 全网最好 N I K E " * 300)),
    ("Latin-1 only", "café crème brûlée"),
    ("dotted I", "İstanbul ıi"),
    ("Greek and Cyrillic look-alikes", "Νike Аdidas"),
    ("a BMP character with a multi-character casefold", "ẞ ŉ ǰ"),
    ("CJK range boundaries", "a \u4e00 \u9fff \u3400 \u4dbf \uf900 \ufaff \u3041 \u30fe \U00020000 \U0002fa1d x"),
    ("expansion past the stack buffer", "ﷺ" * 70 + " N I K E " + "ﬁ" * 40),
    ("expansion of a heap buffer", "㍿ab " * 1500),
    ("symbols inside a Latin word", "O🔥MEGA Gu💎cci Bal✨enciaga Ro⭐\ufe0flex Ni™ke Gu+cci"),
    ("letters drawn as emoji", "🅽🅸🅺🅴 Pr🅰\ufe0fda 🅐🅩🅰🆉 \U0001f14f\U0001f16a\U0001f16f\U0001f18a 🅿️停车"),
    ("symbols between two words", "Nike🔥Air Rolex⌚watch North⭐Face I❤NY"),
    ("symbol runs and removed characters in a gap", "O🔥🔥MEGA gu💎\u200d💎cci ab\u200b🔥\u0301cd"),
    ("symbol gaps that stay spaces", "O 🔥 MEGA O🔥 MEGA O-MEGA O·MEGA a🔥b 1🔥x x🔥1 高🔥x x🔥高"),
    ("symbol gaps beside expansions", "ﬁ🔥x x🔥ﬁ ㍿🔥ab ab🔥㍿ ß🔥ss"),
    ("symbol gaps at the edges", "🔥ab cd🔥 a🔥 🔥b"),
    ("letter o for zero", "1OO%有效 2OOO元 5OO元 Insta36O 1O0% 3oz 2on2 b1o ab1oo a12oo 1o 1oo 1ooa o1o"),
    ("letter o for zero and leetspeak together", "1o1a n1o o0o 0o 9oo|x 4o@b"),
]


@needs_compiled
@pytest.mark.parametrize("original", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_evasion_cases(original):
    assert_same(original)


def _listing_texts() -> list[str]:
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("expected", "id"):
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in sorted((ROOT / "fixtures" / "listings").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                walk(json.loads(line))
    return list(dict.fromkeys(out))  # each text once (6 % of them repeat across the sets)


LISTING_TEXTS = _listing_texts()


@needs_compiled
def test_every_fixture_listing_text():
    assert len(LISTING_TEXTS) > 1000
    for text in LISTING_TEXTS:  # 24,000 texts: spans checked all pairs up to 40 characters, sampled past it (the
        assert_same(text, exhaustive=40, sampled=300)  # hand-made and generated cases above take every pair to 120)


# Arbitrary Unicode: astral characters, lone surrogates, combining marks, RTL marks,
# runs of spaces, single letters and digits, leetspeak, CJK and separators between them.
PIECES = st.sampled_from(
    [" ", "  ", " " * 7, "\u3000", "\t", "\n", "a", "b", "l", "z", "A", "N", "1", "0", "3", "@", "$", "!", "|",
     "高", "仿", "ア", "𠀀", "-", "*", "·", "™", "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u0301", "\u0316",
     "\ufe0f", "👍", "🔥", "ﬁ", "ﷺ", "㍿", "ß", "İ", "\ud800", "\udfff", "¢", "ＮＩＫＥ", "倣", "1:1", "%",
     "o", "O", "oo", "ab", "⌚", "+", "~", "★", "\x1f"]
)
ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(st.characters(), st.characters(categories=["Cs"]))),  # lone surrogates too
    st.lists(st.one_of(PIECES, st.text(max_size=3), st.characters(min_codepoint=0x10000)), max_size=60).map("".join),
)


@needs_compiled
@given(ANY_TEXT)
@settings(max_examples=1500, deadline=None)
def test_arbitrary_unicode(original):
    assert_same(original)


@pytest.mark.slow
@needs_compiled
def test_every_code_point_alone_and_between_neighbours():
    """Each character's own mapping (the removed and multi-character ones included),
    alone and where stages 2 and 3 look at its neighbours. The reference is built from
    _map_char and the reference stages 2 and 3 directly: normalise_python's _TABLE
    rebuilds its irregular-character regex on every new entry, far too slow for a
    million code points."""
    for cp in range(0x110000):
        ch = chr(cp)
        mapped = n._map_char(ch)
        symbol = n._is_symbol(ch)
        # contexts that map to themselves; "ab", "cd" makes a symbol gap of a symbol
        for left, right in (("", ""), ("a", "b"), ("高 ", " x"), ("x ", " 1"), ("ab", "cd")):
            got = _c.normalise(left + ch + right)
            text, stage2_map = n._stage2(left + mapped + right)
            key = n.matching_key(text)
            if symbol and left == "ab":
                assert text == "ab cd", hex(cp)
                key = "ab" + n.SYMBOL_GAP + "cd"
            assert (got.text, got.key) == (text, key), hex(cp)
            assert (got.offsets is None) == (len(mapped) == 1 and stage2_map is None), hex(cp)


@needs_compiled
def test_str_subclasses_are_read_like_str():
    class Title(str):
        pass

    original = Title("Ｎ１ke 高 * 仿 hello")
    got, ref = _c.normalise(original), n.normalise_python(original)
    assert (got.text, got.key) == (ref.text, ref.key) and type(got.text) is str
    assert got.original is original and _c.normalise(Title("plain")).text == "plain"
    with pytest.raises(TypeError):
        _c.normalise(b"bytes")


@needs_compiled
def test_the_offset_map_checks_its_range():
    got = _c.normalise("高 * 仿")
    assert got.text == "高仿" and got.offsets is not None
    assert got.span(0, 2) == (0, 5)
    for a, b in [(0, 0), (1, 1), (-1, 1), (0, 3), (2, 1)]:
        with pytest.raises(IndexError):
            got.span(a, b)


@needs_compiled
def test_results_are_values():
    a, b = _c.normalise("高 * 仿 N-I-K-E"), _c.normalise("高 * 仿 N-I-K-E")
    assert a == b and hash(a) == hash(b) and a is not b
    import pickle

    assert pickle.loads(pickle.dumps(a)) == a
    ref = n.normalise_python("高 * 仿 N-I-K-E")
    assert ref == n.normalise_python("高 * 仿 N-I-K-E") and hash(ref) == hash(n.normalise_python("高 * 仿 N-I-K-E"))


@needs_compiled
def test_threads_filling_the_cache_agree():
    # Characters this process has most likely not looked up yet (Yi syllables, Linear B).
    texts = ["".join(chr(c) for c in range(start, start + 200)) for start in (0xA000, 0xA100, 0x10000, 0x10080)]
    expected = [n.normalise_python(t) for t in texts]
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(20):
                for t, ref in zip(texts, expected):
                    got = _c.normalise(t)
                    assert (got.text, got.key) == (ref.text, ref.key)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@needs_compiled
def test_buffer_growth_under_the_debug_allocator():
    """Outputs longer than the input outgrow the work buffers; PYTHONMALLOC=debug puts
    guard bytes around every PyMem block and aborts on an overrun."""
    code = (
        "import scanner.text.normalize as n\n"
        "assert n.COMPILED\n"
        "for k in (1, 15, 16, 17, 56, 57, 200, 1100, 3000):\n"
        "    for t in ('ﷺ' * k, 'x' * k + 'ﷺ', 'ﬁ' * k + 'ab', 'ﷺ' * k + 'a' * 2000, '㍿ ' * k):\n"
        "        got, ref = n.normalise(t), n.normalise_python(t)\n"
        "        assert (got.text, got.key) == (ref.text, ref.key)\n"
        "print('ok')\n"
    )
    env = dict(os.environ, PYTHONMALLOC="debug")
    env.pop("SCANNER_PURE_PYTHON", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_pure_python_can_be_forced():
    code = "import scanner.text.normalize as n; print(n.COMPILED, n.normalise is n.normalise_python)"
    env = dict(os.environ, SCANNER_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "True"]


def test_the_flag_says_which_implementation_runs():
    if n.COMPILED:
        assert n.normalise is _c.normalise
    else:
        assert n.normalise is n.normalise_python
