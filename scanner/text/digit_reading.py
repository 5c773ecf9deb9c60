"""One normalised reading of the digits in a text (#20): numbers written so that no digit pattern sees them --
spelled as English words ("five one two - five five five - zero one nine eight", "double-oh"), in Chinese
numerals, plain or financial (一八九 八零, 叁贰零壹…), full-width with ideographic spaces (６２２２\u3000０２０１), with
look-alike letters (O9O8, o12) or typed one digit at a time ("S 9 1 2 3 4 5 6 D", "5 4 1 - 2 2 - 0 9 8 7").

`read(text)` gives the text again with each such run rewritten in ASCII digits (a blank between two single digits
dropped, a group break kept as one "-"), and for each character of the reading the span of the original it came
from, so every recogniser (phone, ID, card, account, passport, the name + address + phone block) runs once on the
reading and its findings map back onto the caller's text. A run is rewritten only if it holds READ_MIN_DIGITS
digits and at least one disguised part: "five stars", "two weeks", 一两个月, 2024, prices and plain digit runs stay
as they are (they are already read by the recognisers on the original).

One regex pass over the text (every quantifier possessive or bounded) and one pass over its tokens: linear.
"""
from __future__ import annotations

import re

READ_MIN_DIGITS = 6
READ_DETAIL = ", read from digits written out or disguised"  # explain.py renders it in Chinese too

_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
          "seven": "7", "eight": "8", "nine": "9"}
_WORD = "(?:" + "|".join(sorted(_WORDS, key=len, reverse=True)) + ")"
_NUMERALS = "零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸幺两"
_NUMERAL_DIGITS = str.maketrans(_NUMERALS, "0012345678912345678923612")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Oo", "012345678900", "\ufe0f\u20e3")
# A token: a digit word (maybe doubled or tripled: double-oh, triple five), a run of Chinese numerals, a run of
# digits and look-alike O/o (needs a real digit: checked after), or a single letter standing alone (an ID's S…D, X).
_TOKEN = re.compile(
    # (a word in any case but "OH", the state: Dayton OH 45420)
    r"(?i:(?<![a-z])(?:(double|triple)[ \-]?)?(?-i:(?!OH))(" + _WORD + r")(?![a-z]))"
    r"|([" + _NUMERALS + r"]++)"
    r"|(?<![A-Za-z])((?:[0-9０-９Oo]\ufe0f?\u20e3?)++)(?![A-Za-z])"  # (a keycap digit: 3️⃣ is 3, U+FE0F, U+20E3)
    r"|(?<![A-Za-z0-9'’])([A-Zx])(?![A-Za-z0-9])"  # (an ID's letters are capitals, its X maybe x; not It's)
)
# What may stand between two tokens of one number: blanks, maybe one of , / - . · around them (at most 4 chars).
_SEP = re.compile(r"[ \t\u3000]{0,2}(?:[,，/\-－.·][ \t\u3000]{0,2})?")
_BLANK = frozenset(" \t")
_LIST_MARKS = frozenset(",，/")
_WORD_GAP = re.compile(r"[\s,.\-]{1,3}")  # between two digit words, as detectors.py _SPELLED_PHONE_HINT reads them
_ODD_CASE = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
_CLASS = {"word": "word", "numeral": "numeral", "digits": "digits", "disguised": "digits", "letter": "letter"}
# A run of single digits, one blank apart (a house number typed 3 1 5), is read from this many digits.
SPACED_MIN_DIGITS = 3


def _token(m: re.Match) -> tuple[str, str] | None:
    """(digits, kind) of a token: kind 'word', 'numeral', 'digits' (plain), 'disguised' (full-width or look-alike),
    'letter'; None for a run of O's without a digit."""
    word, numerals, run = m.group(2, 3, 4)
    if word is not None:
        # ((?i) also matches İ, ı and ſ to i and s, which lower() keeps: "ſix" is six as the pattern read it)
        d = _WORDS.get(word.translate(_ODD_CASE).lower())
        if d is None:
            return None
        times = {"double": 2, "triple": 3}.get((m.group(1) or "").lower(), 1)
        return d * times, "word"
    if numerals is not None:
        return numerals.translate(_NUMERAL_DIGITS), "numeral"
    if run is not None:
        if not run.strip("Oo"):  # (only O's and o's)
            return None
        digits = run.translate(_FULL_WIDTH)
        return digits, ("digits" if digits == run else "disguised")
    return m.group(5).upper(), "letter"


# A cheap necessary condition for a disguised run (the caller has already seen seven digits or two digit words): a
# full-width digit or a keycap, a look-alike O beside a digit, two single digits one blank or a dash apart (4 4 0 …, not
# the groups of 2847 5930 …), a numeral beside a numeral or a digit, maybe a blank apart. Most copy with a long plain number (an order or tracking number) has none of them.
# (one search that opens on a character class, so the regex engine skips ahead to candidates, what follows checked
# by lookarounds: an alternation of the four cost 8 µs on a review with an order number)
_N = "[" + _NUMERALS + "]"
_HINT = re.compile(r"[\u20e3０-９Oo0-9" + _NUMERALS + r"](?:(?<=[\u20e3０-９])|(?<=[Oo])(?=[0-9])"
                   r"|(?<=[0-9])(?=[Oo])|(?<=[0-9])(?<![0-9]{2})(?=[ \t]{1,2}(?:[-－/.][ \t]{1,2})?[0-9](?![0-9]))|(?<=" + _N + r")(?=[ \t\u3000]?[0-9" + _NUMERALS + r"])"
                   r"|(?<=[0-9])(?=[ \t\u3000]?" + _N + r"))")


def could_read(text: str, words: bool) -> bool:
    """False only if read() can rewrite nothing in `text`; `words`: the text has two digit words in a row."""
    return words or _HINT.search(text) is not None


def _ideograph_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and "\u4e00" <= text[i] <= "\u9fff"


def _trimmed(text: str, tokens: list, seps: list) -> tuple[list, list]:
    """A run's tokens and separators without what stands at its edges but is no part of the number. The run is
    cut to tokens[lo:hi] (seps[lo:hi - 1] between them) once: taking one token off at a time, `seps` copied each
    time, was quadratic on a field of lone letters ("A A A …": red-team R01). _trimmed_by_popping is its
    definition (tests/text/test_digit_reading_oracle.py compares the two)."""
    lo, hi = 0, len(tokens)
    # letters only at the edges of a run (S 9 1 2 … D, … 4 4 1 X)
    while lo < hi and tokens[lo][3] == "letter" and not (
            hi - lo > 1 and tokens[lo + 1][3] != "letter" and len(tokens[lo + 1][2]) == 1
            and text[seps[lo][0]:seps[lo][1]] in ("", " ")):
        lo += 1
    while lo < hi and tokens[hi - 1][3] == "letter" and hi - lo > 1 and tokens[hi - 2][3] == "letter":
        hi -= 1
    # a numeral or two at an edge of the run, the first or last character of a word (四川省, 一次): not a digit
    # ... nor one a blank away from a plain number (订单 1234567 一直没到)
    if lo < hi and tokens[lo][3] == "numeral" and len(tokens[lo][2]) < 3 and (
            _ideograph_at(text, tokens[lo][0] - 1)
            or (hi - lo > 1 and tokens[lo + 1][3] == "digits" and seps[lo][1] > seps[lo][0])):
        lo += 1
    if lo < hi and tokens[hi - 1][3] == "numeral" and len(tokens[hi - 1][2]) < 3 and (
            _ideograph_at(text, tokens[hi - 1][1])
            or (hi - lo > 1 and tokens[hi - 2][3] == "digits" and seps[hi - 2][1] > seps[hi - 2][0])):
        hi -= 1
    if lo >= hi:
        return [], []
    if lo == 0 and hi == len(tokens):
        return tokens, seps
    return tokens[lo:hi], seps[lo:hi - 1]


def _trimmed_by_popping(text: str, tokens: list, seps: list) -> tuple[list, list]:
    """_trimmed's definition (its oracle): the tokens taken off the edges one at a time."""
    tokens = list(tokens)
    # letters only at the edges of a run (S 9 1 2 … D, … 4 4 1 X)
    while tokens and tokens[0][3] == "letter" and not (
            len(tokens) > 1 and tokens[1][3] != "letter" and len(tokens[1][2]) == 1
            and text[seps[0][0]:seps[0][1]] in ("", " ")):
        tokens.pop(0)
        seps = seps[1:]
    while tokens and tokens[-1][3] == "letter" and len(tokens) > 1 and tokens[-2][3] == "letter":
        tokens.pop()
        seps = seps[:-1]
    # a numeral or two at an edge of the run, the first or last character of a word (四川省, 一次): not a digit
    # ... nor one a blank away from a plain number (订单 1234567 一直没到)
    if tokens and tokens[0][3] == "numeral" and len(tokens[0][2]) < 3 and (
            _ideograph_at(text, tokens[0][0] - 1)
            or (len(tokens) > 1 and tokens[1][3] == "digits" and seps[0][1] > seps[0][0])):
        tokens.pop(0)
        seps = seps[1:]
    if tokens and tokens[-1][3] == "numeral" and len(tokens[-1][2]) < 3 and (
            _ideograph_at(text, tokens[-1][1])
            or (len(tokens) > 1 and tokens[-2][3] == "digits" and seps[-1][1] > seps[-1][0])):
        tokens.pop()
        seps = seps[:-1]
    return tokens, seps


def read(text: str) -> tuple[str, list[int], list[int]] | None:
    """(reading, starts, ends): the text with each disguised number rewritten, and for character i of the reading
    the span starts[i]:ends[i] of `text` it stands for; None when no run was rewritten."""
    runs: list[list] = []  # each: [tokens [(start, end, digits, kind)], separators [(start, end)]]
    run: list | None = None
    for m in _TOKEN.finditer(text):
        tok = _token(m)
        if tok is None:
            run = None
            continue
        start, end = m.span()
        item = (start, end, tok[0], tok[1])
        if run is not None:
            last = run[0][-1]
            gap = _SEP.match(text, last[1])
            # (a comma between two kinds of writing ends the number: "zero one nine two, 88 Beacon St")
            if gap is not None and gap.end() == start and not (
                    _CLASS[last[3]] != _CLASS[item[3]] and ("," in gap.group() or "，" in gap.group())):
                run[0].append(item)
                run[1].append((last[1], start))
                continue
        run = [[item], []]
        runs.append(run)
    pieces: list[tuple[int, int, str]] = []  # (start, end, replacement) in order
    for tokens, seps in runs:
        tokens, seps = _trimmed(text, tokens, seps)
        if not tokens:
            continue
        # a single letter before the run, one blank before its first digit (S 9 1 2 …, E 4 8 2 …)
        digits = sum(len(t[2]) for t in tokens if t[3] != "letter")
        if any(t[3] == "letter" for t in tokens[1:-1]):
            continue
        kinds = {t[3] for t in tokens}
        spaced = any(text[a:b] in (" ", "\t") and len(x[2]) == 1 and len(y[2]) == 1
                     for (a, b), x, y in zip(seps, tokens, tokens[1:]))
        only_spaced = kinds == {"digits"} and all(len(t[2]) == 1 for t in tokens) and all(
            text[a:b] == " " for a, b in seps)
        if digits < (SPACED_MIN_DIGITS if only_spaced else READ_MIN_DIGITS):
            continue
        if only_spaced and all(int(y[2]) - int(x[2]) == 1 for x, y in zip(tokens, tokens[1:])):
            continue  # (styles 1 2 3 4 5 6 7 8: a list counting up, not a number)
        if kinds <= {"digits", "letter"} and not spaced:
            continue
        # a list of small numbers written in digits (sizes ４１/４２/４３…, 3,4,5): pieces of two digits at most split by a
        # comma or a slash are no one number (the code review of pd19); spelled digits split so still are (four five
        # five six / seven three …)
        if "word" not in kinds and all(len(t[2]) <= 2 for t in tokens) and any(
                not _LIST_MARKS.isdisjoint(text[a:b]) for a, b in seps):
            continue
        # digit words count as two in a row at least (what the caller's word hint sees): "six 1234567" is no number
        if "word" in kinds and not any(x[3] == y[3] == "word" and _WORD_GAP.fullmatch(text, a, b)
                                       for (a, b), x, y in zip(seps, tokens, tokens[1:])):
            continue
        for i, (a, b, d, kind) in enumerate(tokens):
            pieces.append((a, b, d))
            if i + 1 < len(tokens):
                sa, sb = seps[i]
                sep = text[sa:sb]
                nxt = tokens[i + 1]
                single = len(d) == 1 and len(nxt[2]) == 1
                if sep == "" or (single and (set(sep) <= _BLANK or sep in ("-", "－"))) or (
                        kind == "word" and nxt[3] == "word" and sep in ("-", " ")):
                    pieces.append((sa, sb, ""))
                else:
                    pieces.append((sa, sb, "-"))
    if not pieces:
        return None
    return _assemble(text, pieces)


def _assemble(text: str, pieces: list[tuple[int, int, str]]) -> tuple[str, list[int], list[int]]:
    """The reading of `text` with each piece (start, end, replacement; in order, none overlapping) put in, and
    its starts and ends. A character kept, or a piece as long as what it replaces, stands for its own place (i:i+1),
    so only the stretches between pieces of another length are written out, each as one range: copying the text
    one character at a time cost as much as the rest of read() on a field of digits (red-team R01).
    _assemble_by_character is its definition (tests/text/test_digit_reading_oracle.py compares the two)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0  # text[:at] is read
    same = 0  # text[same:at] was read one for one; its starts and ends are not written yet
    for a, b, rep in pieces:
        out.append(text[at:a])
        out.append(rep)
        if len(rep) != b - a:
            starts.extend(range(same, a))
            ends.extend(range(same + 1, a + 1))
            starts.extend([a] * len(rep))
            ends.extend([b] * len(rep))
            same = b
        at = b
    out.append(text[at:])
    starts.extend(range(same, len(text)))
    ends.extend(range(same + 1, len(text) + 1))
    return "".join(out), starts, ends


def _assemble_by_character(text: str, pieces: list[tuple[int, int, str]]) -> tuple[str, list[int], list[int]]:
    """_assemble's definition (its oracle): the text copied one character at a time between the pieces."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for a, b, rep in pieces:
        for i in range(at, a):
            out.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        if rep:
            if len(rep) == b - a:  # one for one: each character keeps its own place
                out.append(rep)
                starts.extend(range(a, b))
                ends.extend(range(a + 1, b + 1))
            else:
                out.append(rep)
                starts.extend([a] * len(rep))
                ends.extend([b] * len(rep))
        at = b
    for i in range(at, len(text)):
        out.append(text[i])
        starts.append(i)
        ends.append(i + 1)
    return "".join(out), starts, ends


def to_original(starts: list[int], ends: list[int], a: int, b: int) -> tuple[int, int]:
    """The span of the original text that the reading's a:b stands for."""
    return starts[a], ends[b - 1]
