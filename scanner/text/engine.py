"""TextEngine: everything the text stages need, built once per version of the word lists."""
from __future__ import annotations

from dataclasses import dataclass

from scanner.text.matcher import TextMatcher
from scanner.text.policy import Policy
from scanner.text.segment import Segmenter
from scanner.text.verify import VerifyContext
from scanner.text.wordlists import Wordlists, load_wordlists


@dataclass(frozen=True)
class TextEngine:
    """Everything built from one version of the word lists; immutable once built."""

    wordlists: Wordlists
    matcher: TextMatcher
    verifying: VerifyContext  # what the verify stage reads: word lists, segmenter, cues, policy

    @classmethod
    def load(cls, directory) -> "TextEngine":
        wordlists = load_wordlists(directory)
        terms = [t.term for t in wordlists.terms] + [v for t in wordlists.terms for v in t.variants]
        terms += [a for b in wordlists.brands for a in b.aliases]
        segmenter = Segmenter(terms, [a.phrase for a in wordlists.allow])
        return cls(wordlists, TextMatcher(wordlists), VerifyContext.build(wordlists, segmenter, Policy.from_wordlists(wordlists)))

    @property
    def policy(self) -> Policy:
        return self.verifying.policy

    @property
    def segmenter(self) -> Segmenter:
        return self.verifying.segmenter

    @property
    def version(self) -> str:
        return self.wordlists.version
