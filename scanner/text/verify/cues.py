"""What verification reads, built once per version of the word lists: the context cues
(normalised once) and the objects the stages ask (segmenter, policy)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import re

from scanner.text.normalize import normalise, normalise_term

if TYPE_CHECKING:  # pragma: no cover -- types only: policy.py imports verify/explain.py
    from scanner.text.policy import Policy
    from scanner.text.segment import Segmenter
    from scanner.text.wordlists import Wordlists


@dataclass(frozen=True)
class ContextIndex:
    """Context cues normalised once per word-list version."""

    brand_context: tuple[tuple[str, ...], ...]  # per brand index
    brand_by_key: dict[str, int]  # any alias's matching key -> brand index
    compat_before: tuple[str, ...]
    compat_after: tuple[str, ...]
    compat_attributes: tuple[str, ...]  # lower-cased attribute names (Compatibility, 适用机型)
    spec_nouns: tuple[str, ...]
    self_comparison: tuple[str, ...]
    time_order: tuple[str, ...]
    negation_zh: tuple[str, ...]  # non-Latin negation cues, longest first (不具备 before 不)
    negation_en: "re.Pattern | None"  # English negation cues with up to three words after them
    provenance: tuple[str, ...]  # where the goods came from: 附小票, 专柜购入, 二手, pre-owned, authenticated
    tests_for: tuple[str, ...] = ()  # right after a prohibited good, a test or detector for it: 检测试纸, test strips
    depiction: tuple[str, ...] = ()  # in a title, goods that picture an animal: 毛绒公仔, 绘本, plush (#15)
    depicted: frozenset[str] = frozenset()  # the whole animals such goods may name: 穿山甲, pangolin (not its parts)
    # the Chinese words the segmenter learnt from the lists (Wordlists.segmenter_words): listed words (terms,
    # variants, brand names) and allow-list phrases. A jieba token that is one of them only because a list
    # named it must not hide another row's shorter word inside it (boundaries.py)
    listed_words: frozenset[str] = frozenset()
    listed_phrases: frozenset[str] = frozenset()
    brand_only_terms: frozenset[int] = frozenset()  # indexes of the terms that count only beside a brand (1:1, reps)

    @classmethod
    def build(cls, wordlists: "Wordlists") -> "ContextIndex":
        def texts(values) -> tuple[str, ...]:
            return tuple(dict.fromkeys(t for t in (normalise(v).text.strip() for v in values) if t))

        brand_by_key: dict[str, int] = {}
        for i, b in enumerate(wordlists.brands):
            for alias in b.aliases:
                brand_by_key.setdefault(normalise_term(alias), i)
        ex = wordlists.exemptions
        words, phrases = wordlists.segmenter_words()
        return cls(
            brand_context=tuple(texts(b.context) for b in wordlists.brands),
            brand_by_key=brand_by_key,
            compat_before=texts(wordlists.compat_before),
            compat_after=texts(wordlists.compat_after),
            compat_attributes=tuple(a.strip().lower() for a in wordlists.compat_attributes if a.strip()),
            spec_nouns=texts(ex.get("spec_noun", ())),
            self_comparison=texts(ex.get("self_comparison", ())),
            time_order=texts(ex.get("time_order", ())),
            # read on the caller's original text (lower-cased), so the cues are kept as written
            negation_zh=tuple(sorted((c for c in ex.get("negation", ()) if not c.isascii()), key=len, reverse=True)),
            negation_en=english_negation(tuple(c.lower() for c in ex.get("negation", ()) if c.isascii())),
            provenance=texts(ex.get("provenance", ())),
            tests_for=texts(ex.get("tests_for", ())),
            depiction=texts(ex.get("depiction", ())),
            depicted=frozenset(texts(ex.get("depicted", ()))),
            listed_words=frozenset(w for w in words if len(w) > 1),
            listed_phrases=frozenset(p for p in phrases if len(p) > 1),
            brand_only_terms=frozenset(i for i, t in enumerate(wordlists.terms) if t.requires_brand),
        )


@dataclass(frozen=True)
class VerifyContext:
    """Everything `verify` uses, and nothing else (it used to take the whole TextEngine)."""

    wordlists: "Wordlists"
    segmenter: "Segmenter"
    cues: ContextIndex
    policy: "Policy"
    # other profiles' own terms (wordlists/profiles/<name>/terms/, #20): matched by the one shared automaton,
    # dropped before any rule sees them, so a listing under this profile scans as if they were not listed
    hidden_terms: frozenset[int] = frozenset()

    @classmethod
    def build(cls, wordlists: "Wordlists", segmenter: "Segmenter", policy: "Policy", profile: str) -> "VerifyContext":
        return cls(wordlists, segmenter, ContextIndex.build(wordlists), policy, wordlists.terms_outside(profile))


# words between an English negation cue and the finding it denies (we never pay or reward for reviews)
ENGLISH_NEGATION_REACH = 3


def english_negation(cues: tuple[str, ...]) -> re.Pattern | None:
    """One cue word, then at most ENGLISH_NEGATION_REACH words, then the end of the text before the finding."""
    if not cues:
        return None
    words = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(
        r"(?<![a-z'])(" + words + r")(?![a-z'])\s*((?:[a-z']+)?)(?:\s+[a-z']+){0," + str(ENGLISH_NEGATION_REACH - 1) + r"}\s*$"
    )
