"""Which regexes of a table can match a text at all, in one pass: literals every match must contain (#20).

A regex such as `\\b(?:dm|pm|inbox)\\s+me\\b` cannot match a text holding none of "dm me"-like strings: every match
contains "dm", "pm" or "inbox" followed by ... "me". `required(pattern)` reads that off the pattern itself (its
parse tree, `re._parser`), so a table row added tomorrow is gated with no hand-kept list of cue words to drift from
it. `Prefilter` puts the required strings of every pattern of a table in one Aho-Corasick automaton: one pass over
the text says which patterns may match; the others are not run. A pattern with no required string (it can match
with only classes and wildcards) is always run.

Exact by construction: a gated pattern finds the same matches as the ungated one (tests/text/test_prefilter.py
checks this against running every pattern, on the review fixtures and on generated text). The strings are read
for a case-sensitive pattern: run the patterns on the text the prefilter read (speech.py lower-cases both).
"""
from __future__ import annotations

from typing import Iterable

import ahocorasick

from scanner._compiled import load as load_compiled

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - 3.10
    import sre_constants as _c
    import sre_parse as _p

# A finite set of strings a node matches is kept up to this many; beyond it only its required strings are.
_LIMIT = 16
_CLASS_LIMIT = 16  # a character class of at most this many characters is a set of one-character strings
# An alternation's required sets are unions of one set from each branch: at most this many of them are kept
# (`(a and b) or c` needs `a or c` and `b or c`; keeping only one union let a common string of one branch open
# the pattern on most texts: 客服 alone ran a "好评…截图…客服" row on every review that names customer service).
_CNF_LIMIT = 64

_EMPTY = frozenset({""})


def _score(strings: frozenset[str]) -> tuple[int, int]:
    """Better required sets first: longer shortest string (rarer in text), then fewer strings."""
    return (min(map(len, strings)), -len(strings))


def _class(items) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _CLASS_LIMIT:
            chars.update(chr(i) for i in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\s, \w, \d), a wide range
            return None
        if len(chars) > _CLASS_LIMIT:
            return None
    return frozenset(chars)


def _any_of(branches: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    """Required sets of an alternation whose branches require `branches` (each a list of sets, all of them
    required): for one set from each branch, their union is required (whichever branch matched, its own set's
    string is there). Every such union while there are at most _CNF_LIMIT of them; beyond that, the branches with
    the most sets keep only their best ones (at worst one each: a single union, as a branch-free reading gives). A
    branch that requires nothing makes the whole optional."""
    if not branches or any(not b for b in branches):
        return []
    kept = [sorted(dict.fromkeys(b), key=_score, reverse=True) for b in branches]

    def product_size() -> int:
        n = 1
        for b in kept:
            n *= len(b)
        return n

    while product_size() > _CNF_LIMIT:
        widest = max(range(len(kept)), key=lambda i: len(kept[i]))
        kept[widest] = kept[widest][:-1]
    out: list[frozenset[str]] = [frozenset()]
    for sets in kept:
        out = [u | s for u in out for s in sets]
    out = list(dict.fromkeys(out))
    # a set holding another set of the list asks less than it: keep the stricter ones
    return [u for u in out if not any(o != u and o <= u for o in out)]


def _node(op, av) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    """(exact, required) of one parse-tree node: exact is every string it matches (None if unknown or too many);
    required, sets of non-empty strings such that every match contains a string of each ([] if none is known)."""
    if op is _c.LITERAL:
        s = frozenset({chr(av)})
        return s, [s]
    if op is _c.IN:
        s = _class(av)
        return s, [s] if s else []
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width: consume nothing
        return _EMPTY, []
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        if add_flags & _c.SRE_FLAG_IGNORECASE:
            return None, []
        return _seq(body)
    if op is _c.BRANCH:
        parts = [_seq(branch) for branch in av[1]]
        exact = None
        if all(e is not None for e, _ in parts):
            union = frozenset().union(*(e for e, _ in parts))
            exact = union if len(union) <= _LIMIT else None
        return exact, _any_of([c for _, c in parts])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, hi, body = av
        exact, clauses = _seq(body)
        if lo == 0:
            if hi == 1 and exact is not None:
                return exact | _EMPTY, []
            return None, []
        if lo == hi == 1:
            return exact, clauses
        return None, clauses  # at least one copy of the body: its required strings stand
    return None, []  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, ATOMIC_GROUP, ...


def _seq(items) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    """(exact, required) of a sequence: adjacent nodes with exact sets are joined (their cross product, while it
    stays small); every joined run and every other node's required set is required of the sequence."""
    clauses: list[frozenset[str]] = []
    run: frozenset[str] = _EMPTY
    whole_exact = True
    for op, av in items:
        exact, required = _node(op, av)
        if exact is not None:
            if len(run) * len(exact) <= _LIMIT:
                run = frozenset(a + b for a in run for b in exact)
                continue
            clauses.append(run)
            whole_exact = False
            run = exact
            continue
        whole_exact = False
        clauses.append(run)
        run = _EMPTY
        clauses.extend(required)
    clauses.append(run)
    return (run if whole_exact else None), [c for c in clauses if c and "" not in c]


def required(pattern: str) -> tuple[frozenset[str], ...]:
    """Sets of non-empty strings such that every match of `pattern` (compiled without flags) contains a string of
    each set; () when the pattern can match without any fixed string."""
    parsed = _p.parse(pattern)
    if parsed.state.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
        return ()
    return tuple(_seq(list(parsed))[1])


def prefix(pattern: str) -> frozenset[str] | None:
    """Non-empty strings one of which every match of `pattern` starts with (what it matches before its first
    class, wildcard or open repeat; zero-width assertions consume nothing); None when there are none."""
    parsed = _p.parse(pattern)
    if parsed.state.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
        return None
    run = _EMPTY
    for op, av in parsed:
        exact, _required = _node(op, av)
        if exact is None or len(run) * len(exact) > _LIMIT:
            break
        run = frozenset(a + b for a in run for b in exact)
    return run if "" not in run else None


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """The strings of a set that hold no other of its strings: holding "fakes" means holding "fake"."""
    return frozenset(s for s in strings if not any(o != s and o in s for o in strings))


def _prefix_minimal(strings: frozenset[str]) -> frozenset[str]:
    """The strings of a set that start with no other of its strings: where "fakes" starts, "fake" starts."""
    return frozenset(s for s in strings if not any(o != s and s.startswith(o) for o in strings))


class Prefilter:
    """The patterns of a table that may match a text, from one pass over it: a pattern is a candidate when the
    text holds a string of each of its required sets. Each (pattern, set) is one bit; each string's value is the
    bits it satisfies, so the pass only ORs integers. The pass also says where each string first occurs, so a
    pattern whose every match starts with one of a set of strings need not be tried before the first of them
    (`plan`).

    The definition is one pyahocorasick automaton (`found_python`); scanner/text/_prefilter_c.pyx does the same
    pass in C (`found_compiled`, used when built)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = list(patterns)
        self.required = tuple(required(p) for p in patterns)
        self.prefixes = tuple(prefix(p) for p in patterns)
        self.always = frozenset(i for i, sets in enumerate(self.required) if not sets)
        bits: dict[str, int] = {}
        self._needs: list[tuple[int, int]] = []  # (pattern, the bits of all its sets)
        # string -> the patterns (with their needs) whose best set holds it: a pattern can only be a candidate if a
        # string of that set occurs, so `plan` looks at the patterns the strings found name, not at every pattern
        # (most texts hold a few of the table's common strings, " ", "i", "和", and satisfy no pattern)
        keyed: dict[str, list[tuple[int, int]]] = {}
        bit = 1
        for i, sets in enumerate(self.required):
            if not sets:
                continue
            need = 0
            for strings in sets:
                for s in _minimal(strings):
                    bits[s] = bits.get(s, 0) | bit
                need |= bit
                bit <<= 1
            self._needs.append((i, need))
            for s in _minimal(max(sets, key=_score)):
                keyed.setdefault(s, []).append((i, need))
        starting: dict[str, list[int]] = {}  # string -> the patterns whose matches may start with it
        for i, strings in enumerate(self.prefixes):
            for s in _prefix_minimal(strings or frozenset()):
                starting.setdefault(s, []).append(i)
                bits.setdefault(s, 0)
        self._strings = list(bits)
        self._values = [bits[s] for s in self._strings]
        self._starting = [tuple(starting.get(s, ())) for s in self._strings]
        self._lengths = [len(s) for s in self._strings]
        self._keyed = [tuple(keyed.get(s, ())) for s in self._strings]
        self._automaton = ahocorasick.Automaton()
        for j, s in enumerate(self._strings):
            self._automaton.add_word(s, j)
        if self._strings:
            self._automaton.make_automaton()
        self._literals = _compiled.Literals(self._strings) if _compiled is not None and self._strings else None
        self._found = self.found_compiled if self._literals is not None else self.found_python
        self.plan = self.plan_python
        if self._literals is not None:  # the same plan in one compiled call (plan_compiled)
            n_bits = bit.bit_length() - 1
            need_of = dict(self._needs)
            self._literals.configure_plan(
                [[b for b in range(n_bits) if value >> b & 1] for value in self._values],
                [[i for i, _need in rows] for rows in self._keyed], [list(rows) for rows in self._starting],
                [[b for b in range(n_bits) if need_of.get(i, 0) >> b & 1] for i in range(len(patterns))],
                self.always, n_bits)
            self.plan = self.plan_compiled

    def found_python(self, text: str) -> tuple[list[int], list[int]]:
        """The definition: (the strings in `text`, by index, each once; where each first starts)."""
        js: list[int] = []
        starts: list[int] = []
        first: dict[int, int] = {}
        lengths = self._lengths
        for end, j in self._automaton.iter(text):
            start = end - lengths[j] + 1
            if j not in first or start < first[j]:
                first[j] = start
        for j, start in first.items():
            js.append(j)
            starts.append(start)
        return js, starts

    def found_compiled(self, text: str) -> tuple[list[int], list[int]]:
        """The same from scanner/text/_prefilter_c.pyx (ValueError if it is not built)."""
        if self._literals is None:
            raise ValueError("scanner.text._prefilter_c is not built")
        return self._literals.found(text)

    def seen(self, found: tuple[list[int], list[int]]) -> int:
        values, bits = self._values, 0
        for j in found[0]:
            bits |= values[j]
        return bits

    def candidates(self, text: str) -> frozenset[int]:
        """Indices of the patterns that may match `text` (every one that does is among them)."""
        return frozenset(i for i, _start in self.plan(text))

    def plan_compiled(self, text: str) -> list[tuple[int, int]]:
        """`plan_python` from scanner/text/_prefilter_c.pyx, the pass and the bits in one call (ValueError if it is
        not built): a clean review's plan cost 4.6 µs, 2.1 of them the bits in Python."""
        if self._literals is None:
            raise ValueError("scanner.text._prefilter_c is not built")
        return self._literals.plan(text)

    def plan_python(self, text: str) -> list[tuple[int, int]]:
        """(pattern, where to start trying it) for every pattern that may match `text`, in the patterns' order:
        no match of the pattern starts before that position. The definition; `plan` is `plan_compiled` when the
        extension is built."""
        if not self._needs:
            return [(i, 0) for i in sorted(self.always)]
        js, starts = self._found(text)
        if not js:
            return [(i, 0) for i in sorted(self.always)]
        values, keyed, seen = self._values, self._keyed, 0
        for j in js:
            seen |= values[j]
        rows = {i for j in js for i, need in keyed[j] if seen & need == need}
        if self.always:
            rows |= self.always
        rows = sorted(rows)
        if not rows:
            return []
        first: dict[int, int] = {}
        starting = self._starting
        for j, start in zip(js, starts):
            for i in starting[j]:
                if start < first.get(i, start + 1):
                    first[i] = start
        return [(i, first.get(i, 0)) for i in rows]


def _load_compiled():
    return load_compiled("text._prefilter_c", 3, "the Python prefilter (pyahocorasick)")


_compiled = _load_compiled()
COMPILED: bool = _compiled is not None
