"""Normalisation against evasion, keeping an exact map back to the original text.

Three stages, each cheap on ordinary copy:

1. per character (a cached `str.translate` table): NFKC (full-width → half-width,
   compatibility forms), case folding, diacritics stripped, traditional →
   simplified (OpenCC, character level so offsets stay exact), zero-width /
   format / control characters and lone surrogates removed, every separator or
   decorative symbol (spaces, * - _ . · emoji, ideographic space…) turned into
   one space;
2. separator runs: dropped next to a CJK character (Chinese has no spaces, so
   `高 * 仿` and `耐 克` read as 高仿 and 耐克) and inside chains of single
   letters or digits (`N-I-K-E`, `1 3 8 …`); elsewhere kept as one space so
   English words keep their boundaries;
3. the matching key: single leetspeak characters between Latin letters are
   read as letters (`N1ke`, `Ch@nel`, `L0UIS`), a run of letter o right after a
   digit as zeros (`1OO%`, `2OOO元`, `Insta36O`; not `3oz`), and l/i are folded
   together (`App1e`); a space that stands for nothing but symbols or emoji
   between two Latin letters (`O🔥MEGA`, `Gu💎cci`) becomes SYMBOL_GAP, which the
   matcher's dictionary accepts inside a word and, like a space, between words.
   Length-preserving, so `text` and `key` share indices.

Dictionary entries go through the very same function, so whatever a seller's
disguise reduces to, the term reduces to as well.

This module is the definition. `normalise` runs the compiled twin in
scanner/text/_normalise_c.pyx (the same stages as C loops, still asking `_map_char`
about each new character) when that extension is built, and the code below
(`normalise_python`) otherwise, or when SCANNER_PURE_PYTHON=1 is set. `COMPILED`
says which. tests/oracles/test_normalize_compiled.py holds the two to identical
results, so a rule changed here must be changed there too.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple, Protocol

import opencc

from scanner._compiled import load as load_compiled

_T2S = opencc.OpenCC("t2s")
# Variant characters OpenCC's t2s leaves alone but sellers use as look-alikes.
_VARIANT_CHARS = str.maketrans("倣髙僞爲衞綫啓壹", "仿高伪为卫线启一")  # 壹: 第壹 for 第一

# Characters sellers put between the characters of a word. Sentence punctuation
# (，。！？：；) is deliberately absent: a clause break is a real boundary.
# Cyrillic and Greek letters drawn like Latin ones, put inside Latin words (RОLEX, Guссi, ΝΙΚΕ,
# rерlica) so that a filter misses the word (#15). Folded before NFKC/casefold because the
# capitals and small letters look like different Latin letters (Greek Ν is N, ν is v). Ω/ω (ohm),
# μ/µ (micro) and other letters used in specifications are deliberately absent.
_CONFUSABLES = dict(
    zip(
        "АВЕКМНОРСТХУаеорсухіјѕІЈЅԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνα",
        "abekmhopctxyaeopcyxijsijsdqwabezhikmnoptyxoikva",
    )
)

_SEPARATOR_CHARS = set(" \t\n\r\v\f*-_.·•‧∙・~`^+=/\\、'\"¨¯‐‑‒–—―‖′″˙˚")
_SEPARATOR_CATEGORIES = {"Zs", "Zl", "Zp", "So", "Sk", "Sm", "Pd", "Pc"}
# Separators that are symbols (emoji, pictographs, ★ ™ + ~), not spaces or punctuation: a
# seller puts them inside a word (O🔥MEGA, Gu💎cci), where a space or a dash is a word break.
_SYMBOL_CATEGORIES = {"So", "Sk", "Sm"}
# In the key, a space that stands for nothing but such symbols between two Latin letters.
# \x1f never reaches the text (stage 1 turns it into a space), so no other key has it.
SYMBOL_GAP = "\x1f"
_REMOVED_CATEGORIES = {"Cf", "Cs", "Mn", "Me", "Co", "Cn"}
# Symbols that carry meaning in terms (1:1, 100%, A&F, leetspeak) are never separators.
_KEPT_SYMBOLS = set(":%&@$!|?,;()[]{}<>#")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FA1F
        or 0xF900 <= o <= 0xFAFF
        or 0x3040 <= o <= 0x30FF
    )


def _map_char(ch: str) -> str:
    """What one original character contributes to the normalised text (0..n chars)."""
    category = unicodedata.category(ch)
    if category in _REMOVED_CATEGORIES:
        return ""
    if category == "Cc":
        return " " if ch in "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85" else ""
    if ch in "™℠®©":  # NFKC would turn ™ into "tm" and glue it to the brand before it
        return " "
    if ch == "¢":  # Guc¢i: a look-alike letter, not a price
        return "c"
    if ch in _CONFUSABLES:
        return _CONFUSABLES[ch]
    if 0x1F150 <= ord(ch) <= 0x1F169 or 0x1F170 <= ord(ch) <= 0x1F189:
        # 🅽🅸🅺🅴, Pr🅰da: negative circled and squared capitals are letters drawn as emoji, with
        # no Unicode decomposition (the plain circled and squared ones, Ⓝ and 🄽, have one).
        return chr(ord("a") + (ord(ch) - 0x1F150) % 0x20)
    out = unicodedata.normalize("NFKC", ch).casefold()
    if not out.isascii():
        out = "".join(c for c in unicodedata.normalize("NFKD", out) if not unicodedata.combining(c))
        out = unicodedata.normalize("NFKC", out)
        if any(is_cjk(c) for c in out):
            converted = _T2S.convert(out).translate(_VARIANT_CHARS)
            if len(converted) == len(out):
                out = converted
    pieces = []
    for c in out:
        if c in _KEPT_SYMBOLS:
            pieces.append(c)
        elif c in _SEPARATOR_CHARS or unicodedata.category(c) in _SEPARATOR_CATEGORIES:
            if not pieces or pieces[-1] != " ":
                pieces.append(" ")
        elif unicodedata.category(c) in _REMOVED_CATEGORIES or unicodedata.category(c) == "Cc":
            continue
        else:
            pieces.append(c)
    return "".join(pieces)


# Punctuation sellers put for a letter or inside a name just as they put an emoji (B*ats, G*cci, St*n gun,
# Ch＊nel: #15, engine16); a dash, a dot or a slash between letters stays a word break (T-shirt, e.g., w/o).
_IN_WORD_MARKS = frozenset("*＊")


def _is_symbol(ch: str) -> bool:
    """Is `ch` a symbol that stage 1 turns into a space (emoji, ★, ™, +, a star), as opposed to a
    space, a dash or a dot? Only such characters can be read as nothing inside a word."""
    return (unicodedata.category(ch) in _SYMBOL_CATEGORIES or ch in _IN_WORD_MARKS) and _map_char(ch) == " "


class _CharTable(dict):
    """str.translate table filled on first sight of each character."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()  # characters that do not map to exactly one character
        self.irregular_re = re.compile("(?!)")  # matches any irregular character; rebuilt as the set grows
        self.symbols: set[str] = set()  # characters for which _is_symbol holds
        self.symbols_re = re.compile("(?!)")  # matches any of them; rebuilt as the set grows

    def __missing__(self, codepoint: int) -> str:
        ch = chr(codepoint)
        mapped = _map_char(ch)
        if len(mapped) != 1:
            self.irregular.add(ch)
            self.irregular_re = re.compile("[" + "".join(re.escape(c) for c in sorted(self.irregular)) + "]")
        elif _is_symbol(ch):
            self.symbols.add(ch)
            self.symbols_re = re.compile("[" + "".join(re.escape(c) for c in sorted(self.symbols)) + "]")
        self[codepoint] = mapped
        return mapped


_TABLE = _CharTable()

# Stage 3: leetspeak between Latin letters, and l/i folding, for the matching key.
# The character class comes first so the regex engine jumps between candidate characters.
_LEET_BETWEEN_LETTERS = re.compile(r"[013457@$!|](?<=[a-z].)(?=[a-z])")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "i"})
# A run of o right after a digit, not followed by a letter: zeros (1OO%, 5OO元, Insta36O, but 3oz,
# 2on2 stay). The digit must not follow a letter, where it would be leetspeak itself (b1o is bio).
_ZERO_RUN = re.compile(r"[0-9]o+(?![a-z])")
# A space between two Latin letters: where SYMBOL_GAP can stand.
_LETTER_GAP = re.compile(r" (?<=[a-z] )(?=[a-z])")
_SPACE_RUN = re.compile(r" +")


def _is_ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


class _Segments:
    """Piecewise map from positions in a derived string to spans of its source.

    Segment k starts at derived index starts[k]; it is either an identity run
    (derived index i ↦ source [src[k] + i - starts[k], +1)) or, when ends[k] is
    not None, a block whose every character maps to source [src[k], ends[k]).
    """

    __slots__ = ("starts", "src", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.src: list[int] = []
        self.ends: list[int | None] = []

    def add(self, derived_start: int, source_start: int, source_end: int | None = None) -> None:
        self.starts.append(derived_start)
        self.src.append(source_start)
        self.ends.append(source_end)

    def span(self, i: int) -> tuple[int, int]:
        k = bisect_right(self.starts, i) - 1
        if self.ends[k] is not None:
            return self.src[k], self.ends[k]  # type: ignore[return-value]
        s = self.src[k] + i - self.starts[k]
        return s, s + 1

    def __eq__(self, other: object) -> bool:
        if type(other) is not _Segments:
            return NotImplemented
        return (self.starts, self.src, self.ends) == (other.starts, other.src, other.ends)

    def __hash__(self) -> int:
        return hash((tuple(self.starts), tuple(self.src), tuple(self.ends)))


class _OffsetMap(Protocol):
    def span(self, start: int, end: int) -> tuple[int, int]: ...


class _StageMaps(NamedTuple):
    """The Python path's offsets: stage-2 segments map text to the stage-1 string,
    stage-1 segments map that to the original (None = identity)."""

    stage1: _Segments | None
    stage2: _Segments | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        a, b = start, end - 1
        if self.stage2 is not None:
            a = self.stage2.span(a)[0]
            b = self.stage2.span(b)[1] - 1
        if self.stage1 is not None:
            return self.stage1.span(a)[0], self.stage1.span(b)[1]
        return a, b + 1


class Normalised(NamedTuple):
    """A normalised field. A named tuple: cheap to build (a listing makes several) and
    equal by value. `offsets` is internal: None when every character of `text` comes
    from the character at the same index of `original` (the common case), otherwise a
    map behind `span` (_StageMaps here, OffsetMap from the compiled path)."""

    original: str
    text: str  # stage 2: what jieba and context rules read
    key: str  # stage 3: what the automaton matches (same length as text)
    offsets: _OffsetMap | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering normalised text[start:end] (0 <= start < end <= len(text))."""
        m = self.offsets
        if m is None:
            return start, end
        return m.span(start, end)

    def original_slice(self, start: int, end: int) -> str:
        s, e = self.span(start, end)
        return self.original[s:e]


def _stage1(original: str) -> tuple[str, _Segments | None]:
    mapped = original.translate(_TABLE)
    if len(mapped) == len(original) and not _TABLE.irregular_re.search(original):
        return mapped, None
    segments = _Segments()
    pieces: list[str] = []
    pos = 0
    open_identity = False
    for i, ch in enumerate(original):
        out = _TABLE[ord(ch)]
        if len(out) == 1:
            if not open_identity:
                segments.add(pos, i)
                open_identity = True
        else:
            open_identity = False
            if out:
                segments.add(pos, i, i + 1)
        pieces.append(out)
        pos += len(out)
    if not segments.starts:
        segments.add(0, 0, 0)
    return "".join(pieces), segments


CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# Only space runs that may change: long runs, runs at either end, runs touching CJK,
# and runs between two single letters/digits (N I K E). Single spaces between
# ordinary English words, the bulk of all runs, never reach Python code. Every
# alternative starts with the literal space (the context is checked by lookbehinds
# after it), so the regex engine jumps from space to space instead of trying each
# alternative at every character.
_CHANGING_RUN = re.compile(
    r" (?:(?<=^ ) *| *$| +"
    rf"|(?<=[{CJK_CLASS}] ) *| *(?=[{CJK_CLASS}])"
    r"|(?<=[a-z0-9] )(?<![a-z0-9][a-z0-9] )(?=[a-z0-9](?![a-z0-9])))"
)


def _drop_run(s: str, start: int, end: int) -> bool:
    """Should the space run s[start:end] vanish (True) or stay as one space?"""
    if start == 0 or end == len(s):
        return True
    before, after = s[start - 1], s[end]
    if is_cjk(before) or is_cjk(after):
        return True
    if _is_ascii_alnum(before) and _is_ascii_alnum(after):
        single_before = start < 2 or not _is_ascii_alnum(s[start - 2])
        single_after = end + 1 >= len(s) or not _is_ascii_alnum(s[end + 1])
        return single_before and single_after
    return False


def _stage2(s: str) -> tuple[str, _Segments | None]:
    if " " not in s:
        return s, None
    changes = []
    for m in _CHANGING_RUN.finditer(s):
        a, b = m.start(), m.end()
        drop = _drop_run(s, a, b)
        if drop or b - a > 1:
            changes.append((a, b, drop))
    if not changes:
        return s, None
    segments = _Segments()
    pieces: list[str] = []
    pos = 0  # derived position
    prev = 0  # source position of the next kept character
    for a, b, drop in changes:
        keep_to = a if drop else a + 1
        if keep_to > prev:
            segments.add(pos, prev)
            pieces.append(s[prev:keep_to])
            pos += keep_to - prev
        prev = b
    if prev < len(s):
        segments.add(pos, prev)
        pieces.append(s[prev:])
    if not segments.starts:
        segments.add(0, 0, 0)
    return "".join(pieces), segments


def matching_key(text: str) -> str:
    """Stage 3 on an already normalised text (length-preserving), all but SYMBOL_GAP, which
    needs the original (`_symbol_gaps`). Every rule reads `text`, not another rule's output."""
    key = _LEET_BETWEEN_LETTERS.sub(lambda m: m.group().translate(_LEET), text)
    # Zero runs are spliced in one join: rebuilding the key once per run was quadratic ("1o " * n).
    pieces, prev = [], 0
    for m in _ZERO_RUN.finditer(text):
        a, b = m.start(), m.end()
        if a == 0 or not ("a" <= text[a - 1] <= "z"):
            pieces += (key[prev : a + 1], "0" * (b - a - 1))
            prev = b
    if pieces:
        pieces.append(key[prev:])
        key = "".join(pieces)
    return key.replace("l", "i")  # l/i fold; replace is far cheaper than translate


def _symbol_gaps(original: str, text: str, offsets: _OffsetMap | None) -> list[int]:
    """Indices of the spaces in `text` between two Latin letters whose original in between
    is only symbols (at least one) and removed characters: O🔥MEGA, Gu💎\ufe0fcci, not
    `O MEGA`, `O-MEGA` or `O 🔥 MEGA`."""
    gaps = []
    symbols = _TABLE.symbols
    for m in _LETTER_GAP.finditer(text):
        t = m.start()
        if offsets is None:
            a, b = t, t + 1
        else:
            a, b = offsets.span(t - 1, t)[1], offsets.span(t + 1, t + 2)[0]
        between = original[a:b]
        if any(c in symbols for c in between) and all(c in symbols or not _TABLE[ord(c)] for c in between):
            gaps.append(t)
    return gaps


def normalise_python(original: str) -> Normalised:
    """The reference implementation (and the fallback when the extension is not built)."""
    stage1, map1 = _stage1(original)
    text, map2 = _stage2(stage1)
    offsets = None if map1 is None and map2 is None else _StageMaps(map1, map2)
    key = matching_key(text)
    if _TABLE.symbols_re.search(original):  # _stage1 has looked up every character of original
        gaps = _symbol_gaps(original, text, offsets)
        if gaps:  # one join, not a new key per gap (quadratic on "a🔥b " * n)
            chars = list(key)
            for t in gaps:
                chars[t] = SYMBOL_GAP
            key = "".join(chars)
    return Normalised(original, text, key, offsets)


def _load_compiled():
    module = load_compiled("text._normalise_c", 2, "the pure-Python normaliser")
    if module is not None:
        module.configure(_map_char, Normalised, normalise_python, _LEET, _is_symbol)
    return module


_compiled = _load_compiled()
COMPILED: bool = _compiled is not None  # normalise runs scanner/text/_normalise_c.pyx

if _compiled is not None:
    normalise = _compiled.normalise
else:
    normalise = normalise_python


@lru_cache(maxsize=65536)
def normalise_term(term: str) -> str:
    """The matching key of a dictionary entry (same pipeline as listing text)."""
    return normalise(term).key


MIN_KEY_CHARS = 2  # one-character keys would fire everywhere


def match_key(alias: str) -> str:
    """The key a dictionary spelling is matched by, or "" if it is never matched: one Latin letter or digit fires
    everywhere; one listed Chinese character (弩, 返) is kept, and must then stand as a word of its own (jieba) to
    count. The matcher drops "" keys; the loader refuses an entry with no other (wordlists.py)."""
    key = normalise_term(alias).strip()
    return key if len(key) >= MIN_KEY_CHARS or (key and is_cjk(key)) else ""
