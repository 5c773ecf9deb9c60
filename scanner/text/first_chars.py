"""A cheap first test for patterns that open with look-arounds.

Python's `re` skips ahead to a possible start only when a pattern opens with a literal or a character class. A pattern
that opens with look-behinds and 40-character look-aheads (a buyer's phrases in scanner/text/speech.py: "not after 以前",
"no 还是这家 within the clause") runs every one of them at every position of the text: linear, but 0.2-0.5 s on a
100,000-character field for one pattern. `guarded` puts in front a look-ahead for the characters a match can start
with, worked out from the parsed pattern, so most positions fail on one character. The matches are the same: a match
must begin with one of those characters, and the look-ahead consumes nothing.
"""
from __future__ import annotations

import re

try:  # the parser behind re.compile (Python 3.11+); elsewhere patterns stay as written
    from re import _constants as _c, _parser
except ImportError:  # pragma: no cover - older Pythons name it sre_parse
    _parser = None

_CATEGORIES = {_c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_WORD: r"\w"} if _parser else {}


class _Unknown(Exception):
    """The pattern's first character cannot be told (a negated class, any character, a back reference, flags)."""


def _class_items(op, av, flags: int) -> list[str]:
    if op is _c.LITERAL:
        if av > 0xFFFF and flags & re.IGNORECASE:  # CPython 3.11's classes miss case variants of astral letters
            raise _Unknown(op)  # under IGNORECASE (gh-126505), where a literal alone does not: left as written
        return [re.escape(chr(av))]
    if op is _c.RANGE:
        return [f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}"]
    if op is _c.CATEGORY and av in _CATEGORIES:
        return [_CATEGORIES[av]]
    raise _Unknown(op)


def _first(items, flags: int) -> tuple[list[str], bool]:
    """(class items any match of the sequence `items` can start with, whether the sequence can match nothing)."""
    out: list[str] = []
    for op, av in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):  # zero width: the first character comes later
            continue
        if op is _c.LITERAL:
            return out + _class_items(op, av, flags), False
        if op is _c.IN:
            for sub_op, sub_av in av:
                if sub_op is _c.NEGATE:
                    raise _Unknown(sub_op)
                out += _class_items(sub_op, sub_av, flags)
            return out, False
        if op is _c.BRANCH:
            nullable = False
            for alternative in av[1]:
                chars, empty = _first(alternative.data, flags)
                out += chars
                nullable = nullable or empty
            if not nullable:
                return out, False
            continue
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Unknown(op)
            chars, empty = _first(sub.data, flags)
        elif op is _c.ATOMIC_GROUP:
            chars, empty = _first(av.data, flags)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            chars, empty = _first(sub.data, flags)
            empty = empty or low == 0
        else:  # ANY, NOT_LITERAL, GROUPREF, conditionals: anything may come first
            raise _Unknown(op)
        out += chars
        if not empty:
            return out, False
    return out, True


def first_class(pattern: str, flags: int = 0) -> str | None:
    """A character class (`[...]`) holding every character a non-empty match of `pattern` can start with, or None
    when that cannot be told or the pattern can match the empty string."""
    if _parser is None:
        return None
    try:
        return _class_of(_parser.parse(pattern, flags), flags)
    except re.error:
        return None


def _class_of(parsed, flags: int) -> str | None:
    if parsed.state.flags & ~(flags | re.UNICODE):  # inline global flags, e.g. (?i): left as written
        return None
    try:
        chars, empty = _first(parsed.data, flags)
    except (_Unknown, RecursionError):
        return None
    if empty or not chars:
        return None
    return "[" + "".join(dict.fromkeys(chars)) + "]"


def _skips_ahead(items) -> bool:
    """Whether `re` already skips to a possible start: the pattern opens (inside plain groups) with a literal, a class
    or alternatives that each open with a literal (re._compiler's prefix and charset search)."""
    while items and items[0][0] is _c.SUBPATTERN and not (items[0][1][1] or items[0][1][2]):
        items = items[0][1][3].data
    if not items:
        return False
    op, av = items[0]
    if op in (_c.LITERAL, _c.IN):
        return True
    return op is _c.BRANCH and all(alt.data and alt.data[0][0] is _c.LITERAL for alt in av[1])


def guarded(pattern: str, flags: int = 0) -> str:
    """`pattern` with a look-ahead for its possible first characters in front (same matches), or as it is when
    it opens with a literal or a class already (re skips ahead by itself) or its first characters cannot be told."""
    if _parser is None:
        return pattern
    try:
        parsed = _parser.parse(pattern, flags)
    except re.error:
        return pattern
    found = None if _skips_ahead(parsed.data) else _class_of(parsed, flags)
    if found is None:
        return pattern
    with_guard = f"(?={found}){pattern}"
    try:
        re.compile(with_guard, flags)
    except re.error:  # e.g. inline global flags, which must open the pattern: left as written
        return pattern
    return with_guard
