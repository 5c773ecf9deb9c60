"""What verification reads, built once per version of the word lists: the context cues
(normalised once) and the objects the stages ask (segmenter, policy)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    spec_nouns: tuple[str, ...]
    self_comparison: tuple[str, ...]
    time_order: tuple[str, ...]

    @classmethod
    def build(cls, wordlists: "Wordlists") -> "ContextIndex":
        def texts(values) -> tuple[str, ...]:
            return tuple(dict.fromkeys(t for t in (normalise(v).text.strip() for v in values) if t))

        brand_by_key: dict[str, int] = {}
        for i, b in enumerate(wordlists.brands):
            for alias in b.aliases:
                brand_by_key.setdefault(normalise_term(alias), i)
        ex = wordlists.exemptions
        return cls(
            brand_context=tuple(texts(b.context) for b in wordlists.brands),
            brand_by_key=brand_by_key,
            compat_before=texts(wordlists.compat_before),
            compat_after=texts(wordlists.compat_after),
            spec_nouns=texts(ex.get("spec_noun", ())),
            self_comparison=texts(ex.get("self_comparison", ())),
            time_order=texts(ex.get("time_order", ())),
        )


@dataclass(frozen=True)
class VerifyContext:
    """Everything `verify` uses, and nothing else (it used to take the whole TextEngine)."""

    wordlists: "Wordlists"
    segmenter: "Segmenter"
    cues: ContextIndex
    policy: "Policy"

    @classmethod
    def build(cls, wordlists: "Wordlists", segmenter: "Segmenter", policy: "Policy") -> "VerifyContext":
        return cls(wordlists, segmenter, ContextIndex.build(wordlists), policy)
