"""Dictionary matching: one Aho-Corasick automaton over UTF-8 bytes.

pyahocorasick over Python `str` slows to ~0.2 M chars/s with 50k Chinese terms
(nodes get thousands of children); over bytes every node has at most 256, and
the same automaton runs ~100× faster. So keys and text are UTF-8 encoded and
fed to the automaton as latin-1 strings (one char per byte), and byte offsets
are mapped back to characters only for the few hits a listing has.

We use `Automaton.iter` (all overlapping hits) and resolve overlaps ourselves:
`iter_long` has known wrong results (pyahocorasick #133, #185).
"""
from __future__ import annotations

import time
from bisect import bisect_right
from itertools import islice
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import ahocorasick
import numpy as np

from scanner.text.detectors import could_detect, detect
from scanner.text.normalize import SYMBOL_GAP, Normalised, match_key, matching_key
from scanner.text.release import release_when_gone
from scanner.text.wordlists import Wordlists

# Compiled, the build's loops never give the GIL away on their own (only the interpreter's loop does): building the
# bundled lists' 72k keys held it ~150 ms at a time, and a reloading worker's event loop waited. So they yield it
# every this many keys (bench/bench_reload_stall.py).
YIELD_GIL_EVERY = 1024
# The same for a scan's hits: hostile copy (400 hits in each of 1,000 bullets) made tens of thousands of hits in one
# step, and taking them from the automaton, then turning them into candidates, held the GIL ~35 ms at a time.
HITS_PER_GIL_HOLD = 4096


def _all_hits(automaton, text: str) -> list:
    """Every hit of `automaton` in `text`, in its order; past HITS_PER_GIL_HOLD a batch at a time, yielding the GIL."""
    found = automaton.iter(text)
    hits = list(islice(found, HITS_PER_GIL_HOLD))
    while len(hits) % HITS_PER_GIL_HOLD == 0 and hits:
        time.sleep(0)
        more = list(islice(found, HITS_PER_GIL_HOLD))
        if not more:
            break
        hits += more
    return hits

# Digits sellers put for a word's first or last letter (l is already folded into i).
_LEET_INITIAL = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: str  # "term" | "brand" | "allow" | "cue" | "detector"
    index: int  # into wordlists.terms / .brands / .allow / .proximity (-1 for detectors)
    alias: str  # the spelling as listed (or the detector's name)
    form: str  # canonical | variant | pinyin | zh | en | slang | allow | first | second | detector
    category: str
    ambiguous: bool = False


class Candidate(NamedTuple):
    """A hit before verification. A named tuple: a listing makes several, and a frozen
    dataclass costs four times as much to build."""

    field: str
    start: int  # offsets into the caller's original field text
    end: int
    pattern: Pattern
    norm: Normalised
    norm_start: int  # offsets into norm.text / norm.key (-1 for detector hits)
    norm_end: int
    detail: str = ""  # detector-specific explanation


class TextMatcher:
    def __init__(self, wordlists: Wordlists, views: Sequence[frozenset[str]] = (),
                 watched: frozenset[str] = frozenset()) -> None:
        """`views`: sets of categories some caller never needs candidates of (a buyer's review: the seller's
        advertising rules, scanner/speakers.py); `find_all(norms, without=one of them)` then skips their hits
        before any work is done on them, unless a hit holds a pattern of a `watched` category it keeps (a finding
        whose verification reads the left-out ones: verify/negation.py)."""
        self.patterns: list[Pattern] = []
        keys: dict[str, list[int]] = {}
        # A slot lexicon's words are cues of every rule that names the slot (#15): normalise each
        # spelling and derive its symbol-gap keys once, not once per rule.
        normalised: dict[str, str] = {}
        gaps: dict[tuple[str, bool], list[str]] = {}

        def add(alias: str, pattern: Pattern) -> None:
            if len(self.patterns) % YIELD_GIL_EVERY == 0:
                time.sleep(0)
            key = normalised.get(alias)
            if key is None:
                key = normalised[alias] = match_key(alias)
            if not key:  # never matched (normalize.match_key); the loader refuses an entry with no other spelling
                return
            self.patterns.append(pattern)
            keys.setdefault(key, []).append(len(self.patterns) - 1)
            if pattern.kind in ("term", "brand") and key[:1] in _LEET_INITIAL and len(key) >= 4 and key.isascii() and key[1].isalpha():
                # 4didas, 1phone: leetspeak as the first letter. The text side cannot read a
                # digit at a word's start as a letter (3pcs, 5star, 1adidas would change), so
                # the dictionary carries that spelling instead.
                keys.setdefault(_LEET_INITIAL[key[0]] + key[1:], []).append(len(self.patterns) - 1)
            if pattern.kind in ("term", "brand") and key[-1:] in _LEET_INITIAL and len(key) >= 4 and key.isascii() and key[-2].isalpha():
                # Gucc1, Prad4, Chane1: the same for the last letter. The text side cannot read
                # a digit at a word's end as a letter either (iphone 11, size 4, mp3 would change).
                keys.setdefault(key[:-1] + _LEET_INITIAL[key[-1]], []).append(len(self.patterns) - 1)
            if " " in key and key.replace(" ", "").isascii() and len(key) >= 6:
                # B-E-S-T E-V-E-R collapses to "bestever": spelled-out words lose their gaps
                keys.setdefault(key.replace(" ", ""), []).append(len(self.patterns) - 1)
            inside = pattern.kind in ("term", "brand")
            variants = gaps.get((key, inside))
            if variants is None:
                variants = gaps[key, inside] = _symbol_gap_variants(key, inside=inside)
            for variant in variants:
                keys.setdefault(variant, []).append(len(self.patterns) - 1)

        for i, t in enumerate(wordlists.terms):
            add(t.term, Pattern("term", i, t.term, "canonical", t.category))
            for v in t.variants:
                add(v, Pattern("term", i, v, "variant", t.category))
            for p in t.pinyin:
                add(p, Pattern("term", i, p, "pinyin", t.category))
        for i, b in enumerate(wordlists.brands):
            forms = [(b.brand, "en")] + [(a, "zh") for a in b.zh] + [(a, "en") for a in b.en]
            forms += [(a, "slang") for a in b.slang] + [(p, "pinyin") for p in b.pinyin]
            for alias, form in forms:
                add(alias, Pattern("brand", i, alias, form, "brand", ambiguous=alias in b.ambiguous))
        for i, a in enumerate(wordlists.allow):
            add(a.phrase, Pattern("allow", i, a.phrase, "allow", a.category))
        for i, r in enumerate(wordlists.proximity):
            for cue in r.first:
                add(cue, Pattern("cue", i, cue, "first", r.category))
            for cue in r.second:
                add(cue, Pattern("cue", i, cue, "second", r.category))

        self.keys = keys
        # Rules whose two cues may stand in two fields of one listing (伟哥 in the title, 无需处方 in the
        # description): their cues are kept when the other kind stands anywhere in the listing.
        self.any_field_rules = frozenset(i for i, r in enumerate(wordlists.proximity) if r.any_field)
        self.views = {without: v for v, without in enumerate(dict.fromkeys(w for w in views if w))}
        self.watched = watched
        unchanged = (None,) * len(self.views)  # shared by every key no view changes (most of them)
        self.automaton = ahocorasick.Automaton()
        for n, (key, ids) in enumerate(keys.items()):
            if n % YIELD_GIL_EVERY == 0:
                time.sleep(0)
            latin = key.encode("utf-8").decode("latin-1")
            # Whether each end of the key is an ASCII letter or digit: such ends must not
            # continue a word in the text (checked on bytes before any object is built).
            edges = (_edge_class(key[0]), _edge_class(key[-1]))
            edges = None if edges == (0, 0) else edges  # most CJK keys: no check, no unpacking
            # Proximity cues among the key's patterns: (pattern id, rule, form).
            cues = tuple((pid, self.patterns[pid].index, self.patterns[pid].form) for pid in ids if self.patterns[pid].kind == "cue")
            ids = tuple(ids)
            seen = tuple(self._view(ids, cues, without, watched) for without in self.views)
            self.automaton.add_word(latin, (len(latin), ids, edges, cues, unchanged if seen == unchanged else seen))
        if len(self.automaton):
            self.automaton.make_automaton()
        release_when_gone(self, self.automaton)  # freed in one C call it would stall a worker (text/release.py)

    def _view(self, ids: tuple, cues: tuple, without: frozenset[str], watched: frozenset[str]) -> object:
        """A key's (pattern ids, cues) with the patterns of categories in `without` left out: None if it loses none,
        () if it loses all (its hits are skipped). A key keeping a pattern of a watched category gets a Watched
        entry around that: what find_all needs to tell whether a hit of it can become a watched candidate."""
        kept = tuple(pid for pid in ids if self.patterns[pid].category not in without)
        entry = None if len(kept) == len(ids) else (kept, tuple(c for c in cues if c[0] in kept)) if kept else ()
        mine = [self.patterns[pid] for pid in kept if self.patterns[pid].category in watched]
        if not mine:
            return entry
        return Watched(entry, any(p.kind != "cue" for p in mine),
                       tuple((p.index, p.form) for p in mine if p.kind == "cue"))

    def is_listed_word(self, word: str) -> bool:
        """Is this lower-case word (letters only) a key, folded as keys are (l reads i: normalize.matching_key)?"""
        return matching_key(word) in self.keys

    def find_all(self, norms: list[tuple[str, Normalised]], without: frozenset[str] = frozenset(),
                 limit: int | None = None) -> list[Candidate]:
        """Every dictionary hit (overlapping, unverified except for Latin word boundaries)
        and every detector hit in a listing's fields.

        With `without` (one of the matcher's `views`), none of a pattern of those categories, as long as that
        changes nothing downstream: the text is matched in full instead when a candidate of a watched category can
        form (a finding whose denial reads every other finding's span, verify/negation.py: "no side effects" owns
        its no; `_watched_candidate`, or a detector's), or when the full candidates could number more than `limit`
        (the caller's caps would then have counted the left-out ones). A `without` that is no view leaves nothing
        out.

        The fields' keys are joined with NUL -- which normalisation removes from text and
        no key contains, so no hit can span two fields -- and the automaton runs once per
        listing: its fixed cost per call was a large share of scanning short fields."""
        out: list[Candidate] = []
        detected: list[Candidate] = []
        # One look at the whole listing usually shows that no detector can match.
        if could_detect("\n".join(norm.original for _, norm in norms)):
            for field, norm in norms:
                for start, end, name, category, detail in detect(norm.original):
                    detected.append(Candidate(field, start, end, Pattern("detector", -1, name, "detector", category), norm, -1, -1, detail))
        view = self.views.get(without, -1) if without else -1
        if view >= 0 and any(c.pattern.category in self.watched for c in detected):
            view = -1
        keyed = [(field, norm) for field, norm in norms if norm.key]
        if keyed and self.automaton.kind == ahocorasick.AHOCORASICK:
            keys = [norm.key.encode("utf-8") for _, norm in keyed]
            encoded = b"\0".join(keys)
            hits = _all_hits(self.automaton, encoded.decode("latin-1"))
            if view >= 0 and (_watched_candidate(hits, view, len(keys) == 1)
                              or (limit is not None and not _within(hits, limit - len(detected)))):
                view = -1  # the view could change a result: everything
            if hits:
                out = self._candidates(hits, keyed, keys, view)
        return out + detected if detected else out

    def _candidates(self, hits, keyed, keys, view: int = -1) -> list[Candidate]:
        """Automaton hits -> candidates with original offsets. Latin word ends are checked
        on bytes, and a proximity cue whose rule has no cue of the other kind in the same
        field is dropped before any offset is mapped: common one-character cues (做, 送礼,
        gift) stand in most listings, almost always alone."""
        one_field = len(keys) == 1
        if not one_field:
            field_starts, at = [], 0  # byte offset where each field's key starts
            for key in keys:
                field_starts.append(at)
                at += len(key) + 1
        text_bytes, n = None, 0  # built only when a hit has a Latin end to check
        accepted = []
        cue_forms: set[tuple[int, int, str]] = set()  # (field, rule, form) of every cue found
        any_field = self.any_field_rules
        for i, (end_byte, (length, ids, edges, cues, views)) in enumerate(hits):
            if i % HITS_PER_GIL_HOLD == HITS_PER_GIL_HOLD - 1:
                time.sleep(0)
            if view >= 0:
                entry = views[view]
                if type(entry) is Watched:  # find_all saw that none of its watched patterns becomes a candidate
                    entry = entry.kept
                if entry is not None:
                    if not entry:
                        continue  # every pattern of this key is left out
                    ids, cues = entry
            start_byte, stop = end_byte + 1 - length, end_byte + 1
            if edges is not None:
                if text_bytes is None:
                    # text and key differ only by ASCII-for-ASCII swaps, so their bytes line up.
                    text_bytes = b"\0".join([norm.text.encode("utf-8") for _, norm in keyed])
                    n = len(text_bytes)
                first, last = edges
                if first and start_byte > 0 and _CLASS[text_bytes[start_byte - 1]] == first:
                    continue
                if last and stop < n and _CLASS[text_bytes[stop]] == last:
                    if not (last == 1 and text_bytes[stop] == 0x73 and (stop + 1 == n or _CLASS[text_bytes[stop + 1]] != 1)):
                        continue  # ...unless it is a plural s: replicas, dupes
            k = 0 if one_field else bisect_right(field_starts, start_byte) - 1
            accepted.append((start_byte, stop, ids, k, cues))
            for _, rule, form in cues:
                cue_forms.add((k, rule, form))
                if rule in any_field:
                    cue_forms.add((-1, rule, form))  # -1: anywhere in the listing

        out: list[Candidate] = []
        to_char: dict[int, object] = {}
        patterns = self.patterns
        for i, (start_byte, stop, ids, k, cues) in enumerate(accepted):
            if i % HITS_PER_GIL_HOLD == HITS_PER_GIL_HOLD - 1:
                time.sleep(0)
            if cues:
                alone = {pid for pid, rule, form in cues if (k, rule, _OTHER_FORM[form]) not in cue_forms
                         and (rule not in any_field or (-1, rule, _OTHER_FORM[form]) not in cue_forms)}
                if alone:
                    ids = [pid for pid in ids if pid not in alone]
                    if not ids:
                        continue
            field, norm = keyed[k]
            base = 0 if one_field else field_starts[k]
            mapper = to_char.get(k)
            if mapper is None:
                mapper = to_char[k] = _byte_to_char(keys[k], len(norm.key), 8)
            start, end = mapper(start_byte - base), mapper(stop - base)
            o_start, o_end = norm.span(start, end)
            for pid in ids:
                out.append(Candidate(field, o_start, o_end, patterns[pid], norm, start, end))
        return out


_OTHER_FORM = {"first": "second", "second": "first"}
_GAP_WORD_CHARS = 4  # a symbol gap is read inside words of a key this long (letters, ASCII)
_GAP_FOR_ONE, _GAP_FOR_TWO = 5, 7  # a gap stands for one (two) letters in keys this long


def _symbol_gap_variants(key: str, inside: bool) -> list[str]:
    """The spellings of `key` with a SYMBOL_GAP, which the normaliser writes in a listing's
    key for emoji or other symbols standing alone between two Latin letters (O🔥MEGA,
    Nike🔥Air). The text keeps a space there, so two words stay two words (Nike🔥Air still
    names Nike) and the joined reading is the dictionary's to offer:
    - between two words of the key, the gap is the space it replaced (North⭐Face, Best🔥Ever),
      one space at a time and all at once;
    - with `inside` (terms and brand names, ASCII and at least _GAP_WORD_CHARS letters), one
      gap inside a word, between any two letters (O🔥MEGA, Bal🔥enciaga, rep💯lica), or in
      place of one or two of its letters (Chan🌸l, Lu🍋lemon). A gap only arises where a
      seller glued a symbol between letters, so ordinary copy never reaches these keys:
      clean text costs nothing."""
    if not key.isascii():
        return []
    # A symbol glued inside a word is how sellers hide a name (a brand, a one- or two-word term);
    # in phrases of three words or more (nobody can tell the difference) it is not seen, and each
    # such phrase would cost some fifty automaton keys (#15: engine build time).
    inside = inside and key.count(" ") < 2
    out = []
    spaces = [i for i in range(1, len(key) - 1) if key[i] == " " and key[i - 1].isalpha() and key[i + 1].isalpha()]
    for i in spaces:
        out.append(key[:i] + SYMBOL_GAP + key[i + 1 :])
    if len(spaces) > 1:
        out.append("".join(SYMBOL_GAP if i in spaces else c for i, c in enumerate(key)))
    if inside and sum(c.isalpha() for c in key) >= _GAP_WORD_CHARS:
        for i in range(1, len(key)):
            if key[i - 1].isalpha() and key[i].isalpha():
                out.append(key[:i] + SYMBOL_GAP + key[i:])
    if inside:
        # The gap in place of letters (Chan🌸l, Herm💎s, Lu🍋lemon): one letter in names of at
        # least _GAP_FOR_ONE letters, two in names of at least _GAP_FOR_TWO; the gap keeps a
        # letter on each side, so the name's first and last letters always stand.
        letters = sum(c.isalpha() for c in key)
        for width, minimum in ((1, _GAP_FOR_ONE), (2, _GAP_FOR_TWO)):
            if letters < minimum:
                continue
            for i in range(1, len(key) - width):
                if key[i - 1].isalpha() and key[i + width].isalpha() and key[i : i + width].isalpha():
                    out.append(key[:i] + SYMBOL_GAP + key[i + width :])
    return out


class Watched(NamedTuple):
    """A key's view entry when it keeps a pattern of a watched category (TextMatcher._view)."""

    kept: tuple | None  # the view's (ids, cues), None if it loses no pattern, () if it loses all
    term: bool  # a watched pattern that is no proximity cue: a hit of it is a watched candidate
    cues: tuple[tuple[int, str], ...]  # the (rule, form) of its watched proximity cues


def _watched_candidate(hits: list, view: int, one_field: bool) -> bool:
    """Can `hits` make a candidate of a watched category? A watched term can; a watched proximity cue only with a cue
    of the other form of its rule in the field (else _candidates drops it), and both are watched keys. Where it
    cannot tell (several fields), yes."""
    forms: set[tuple[int, str]] = set()
    for _end, value in hits:
        entry = value[4][view]
        if type(entry) is Watched:
            if entry.term or not one_field:
                return True
            for rule, form in entry.cues:
                if (rule, _OTHER_FORM[form]) in forms:
                    return True
                forms.add((rule, form))
    return False


def _within(hits: list, limit: int) -> bool:
    """Can `hits` make no more than `limit` candidates, every pattern of every hit kept? (A key can hold several
    patterns of one spelling: a hit is at least one candidate, and at most as many as its patterns.)"""
    if len(hits) > limit:
        return False
    return sum(len(value[1]) for _end, value in hits) <= limit


# Byte classes for Latin word boundaries: 1 = ASCII letter, 2 = ASCII digit, 0 = anything else.
_CLASS = bytes(1 if chr(b).isalpha() and b < 128 else 2 if chr(b).isdigit() and b < 128 else 0 for b in range(256))


def _edge_class(ch: str) -> int:
    return _CLASS[ord(ch)] if ord(ch) < 128 else 0


def _byte_to_char(encoded: bytes, n_chars: int, n_hits: int):
    """A function mapping a UTF-8 byte offset (on a character boundary) to a char offset."""
    if len(encoded) == n_chars:  # ASCII: bytes are characters
        return lambda b: b
    if n_hits * len(encoded) < 20_000:  # a few hits on short text: decode the prefix
        return lambda b: len(encoded[:b].decode("utf-8"))
    lead = (np.frombuffer(encoded, dtype=np.uint8) & 0xC0) != 0x80
    before = np.concatenate(([0], np.cumsum(lead)))  # before[b] = characters starting before byte b
    return lambda b: int(before[b])
