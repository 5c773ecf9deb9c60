"""Stages 1-3: which candidates stand as words, after the allow-list, longest first.

1. word boundaries: Latin matches may not continue a word (class ≠ ass); CJK matches must
   start and end on jieba token boundaries (高仿真多肉 ≠ 高仿);
2. allow-list phrases suppress the denied terms inside them (allow.py);
3. overlaps within one category keep the longest match.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from scanner.text.matcher import Candidate
from scanner.text.normalize import is_cjk
from scanner.text.segment import Segmenter
from scanner.text.verify.allow import AllowIndex
from scanner.text.verify.cues import ContextIndex

SEGMENT_FREE_LENGTH = 4  # CJK terms this long are specific enough without jieba's opinion


class Standing(NamedTuple):
    """The candidates that stand as words: dictionary and detector hits (overlaps resolved),
    proximity cues, and the spans of cues that count only written right against their partner."""

    kept: list[Candidate]
    cues: list[Candidate]
    joined_only: set[tuple]  # span_key of each such cue
    # candidates that a longer word counting only beside a brand (`brand_only_terms`) outlasted: they stand if the
    # listing names no brand, when that word is dropped (listing_rules.brand_dependent)
    if_no_brand: list[Candidate] = []


def span_key(c: Candidate) -> tuple:
    """Everything the boundary check of a cue depends on (its field's text is one per field)."""
    return (c.field, c.start, c.end, c.norm_start, c.norm_end)


def standing(candidates: list[Candidate], segmenter: Segmenter, cues_index: ContextIndex | None = None) -> Standing:
    """`cues_index`: the lists' words a jieba token may be only because a list named them
    (`_hidden_by_listed_word`) and the terms that count only beside a brand; without it every token counts as
    jieba's and every term as any other."""
    # Allow-list phrases are literal exemptions: they are not segmented, since jieba
    # often joins their last character with the next word (QQ糖|水果 → 糖水).
    allowed = [c for c in candidates if c.pattern.kind == "allow"]
    allows = AllowIndex(allowed) if allowed else None  # most listings have none
    # Proximity cues without a partner in their field were dropped by the matcher (find_all).
    kept, joined_only = [], set()
    for c in candidates:
        if allows is not None and (c.pattern.kind == "allow" or allows.covers(c)):
            continue
        if c.pattern.kind == "detector" or _is_word_cue(c) or _on_boundaries(c, segmenter, cues_index):
            kept.append(c)
        elif c.pattern.kind == "cue":
            # 治 inside 治咳嗽 is no jieba word, but written right against its partner
            # cue it is the phrase itself: keep it for adjacent pairs only.
            kept.append(c)
            joined_only.add(span_key(c))
    cues = [c for c in kept if c.pattern.kind == "cue"]
    words = [c for c in kept if c.pattern.kind != "cue"]
    longest = longest_per_category(words)
    weak = cues_index.brand_only_terms if cues_index is not None else ()
    if weak and any(c.pattern.kind == "term" and c.pattern.index in weak for c in longest):
        # without those words (gaofang版 needs a brand; gaofang does not) other candidates may be the longest
        strong = longest_per_category([c for c in words if c.pattern.kind != "term" or c.pattern.index not in weak])
        kept_ids = {id(c) for c in longest}
        return Standing(longest, cues, joined_only, [c for c in strong if id(c) not in kept_ids])
    return Standing(longest, cues, joined_only)


def _continues(left: str, right: str) -> bool:
    """Would a reader see left+right as one Latin word or one number?"""
    if left.isascii() and right.isascii():
        return (left.isalpha() and right.isalpha()) or (left.isdigit() and right.isdigit())
    return False


def _on_boundaries(c: Candidate, segmenter: Segmenter, cues: ContextIndex | None = None) -> bool:
    text, a, b = c.norm.text, c.norm_start, c.norm_end
    if a > 0 and _continues(text[a - 1], text[a]):
        return False
    if b < len(text) and _continues(text[b - 1], text[b]) and not _plural_s(text, b):
        return False
    if _word_length(text, a, b) >= SEGMENT_FREE_LENGTH:
        return True
    # A space or punctuation the seller typed next to the match is a boundary jieba
    # cannot see (spaces between Chinese characters are dropped before segmenting).
    original = c.norm.original
    start_ok = c.start > 0 and _is_break(original[c.start - 1])
    end_ok = c.end < len(original) and _is_break(original[c.end])
    if segmenter.on_boundaries(text, a, b, start_ok, end_ok):
        return True
    if cues is None or b - a < 2:  # one character must be a word of its own (弩, 返)
        return False
    start_ok = start_ok or segmenter.on_boundaries(text, a, b, start_ok, True)
    end_ok = end_ok or segmenter.on_boundaries(text, a, b, True, end_ok)
    return ((start_ok or _hidden_by_listed_word(text, a, b, a, segmenter, cues))
            and (end_ok or _hidden_by_listed_word(text, a, b, b, segmenter, cues)))


_LATIN_RUN = re.compile(r"[a-z]+")


def _word_length(text: str, a: int, b: int) -> int:
    """The length of text[a:b] as a Chinese word: a half-pinyin spelling (fan现, gaofang版) counts each run of
    letters as one character, the syllable it stands for, so that it is no more specific than the word it
    spells (fan现 in fan现货 still needs jieba's word end)."""
    word = text[a:b]
    if word.isascii() or not any(c.isascii() and c.isalpha() for c in word):
        return b - a
    return b - a - sum(len(m.group()) - 1 for m in _LATIN_RUN.finditer(word))


def _hidden_by_listed_word(text: str, a: int, b: int, at: int, segmenter: Segmenter, cues: ContextIndex) -> bool:
    """Is the jieba token running across `at` (an end of text[a:b] that is no cut) a word jieba knows only
    because a list named it? Then it says nothing against the shorter word: another row listed the longer
    one (看不出区别 over 看不出, 高仿货 over 高仿), and each row is judged on its own. jieba's own words still
    decide (第一次 is not 第一, 高仿真 is not 高仿). An allow-list phrase still hides the words wholly inside it
    (象牙白; allow.py) but not a word reaching out of it (加微信 across 微信支付)."""
    t0, t1 = segmenter.token_across(text, a, b, at)
    token = text[t0:t1]
    if segmenter.is_base_word(token):
        return False
    if token in cues.listed_words:
        return True
    return token in cues.listed_phrases and not (t0 <= a and b <= t1)


def _is_word_cue(c: Candidate) -> bool:
    """Proximity cues of two or more characters stand on their own even inside a compound
    (伪造证件, 专治咳嗽 are single jieba words); one-character cues (返, 领) must be words."""
    return c.pattern.kind == "cue" and c.norm_end - c.norm_start >= 2


def _is_break(ch: str) -> bool:
    return ch.isspace() or (not ch.isalnum() and not is_cjk(ch))


def _plural_s(text: str, b: int) -> bool:
    """An English term followed by a plural s (replicas, fakes, dupes) still counts."""
    return text[b] == "s" and (b + 1 == len(text) or not (text[b + 1].isascii() and text[b + 1].isalpha()))


def longest_per_category(candidates: list[Candidate]) -> list[Candidate]:
    """Within one field and category, keep the longest of overlapping matches (earliest and
    canonical first on ties). Kept spans never overlap, so a bisect finds the one neighbour
    that could: O(n log n) even for a field that is nothing but 高仿 33,000 times."""
    if len(candidates) < 2:
        return list(candidates)
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), c.start, c.pattern.form != "canonical"))
    kept_spans: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    kept: list[Candidate] = []
    for c in ordered:
        starts, ends = kept_spans.setdefault((c.field, c.pattern.category), ([], []))
        i = bisect_left(starts, c.end)  # spans at i.. start at or after c.end
        if i > 0 and ends[i - 1] > c.start:
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.append(c)
    return sorted(kept, key=lambda c: (c.field, c.start))
