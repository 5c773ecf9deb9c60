"""TextEngine: everything the text stages need, built once per version of the word lists."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from types import MappingProxyType
from typing import Iterable, Mapping

from scanner.speakers import MATCHER_VIEWS
from scanner.text.matcher import TextMatcher
from scanner.text.policy import Policy
from scanner.text.segment import Segmenter
from scanner.text.verify import VerifyContext
from scanner.text.verify.negation import NEGATABLE
from scanner.text.wordlists import DEFAULT_PROFILE, Wordlists, check_profiles_named, load_wordlists


def policy_hash(policy: Policy, own_terms=()) -> str:
    """Content hash of a merged, validated policy (every value that changes a decision, defaults included) and of
    the profile's own terms (profiles/<name>/terms/), if any: two profiles that decide alike hash alike, whatever
    their files look like."""
    decides = asdict(policy)
    if own_terms:  # absent, not empty, when there are none: profiles without lists keep the hashes they had
        decides["own_terms"] = sorted([t.term, t.category, t.severity, t.suggestion or "", list(t.variants)]
                                      for t in own_terms)
    canonical = json.dumps(decides, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PolicyProfile:
    """One named policy (#20): `default` is policy.toml, the others wordlists/profiles/<name>.toml over it."""

    name: str
    hash: str
    verifying: VerifyContext  # the engine's, with this profile's policy
    # what the profile is for ({"en", "zh"}; either may be None): for people choosing one, never part of `hash`
    description: Mapping[str, str | None] = field(default_factory=dict, compare=False)

    @property
    def policy(self) -> Policy:
        return self.verifying.policy

    @property
    def version(self) -> Mapping[str, str]:
        """What a result's `versions.policy` says."""
        return MappingProxyType({"name": self.name, "hash": self.hash})


@dataclass(frozen=True)
class TextEngine:
    """Everything built from one version of the word lists; immutable once built."""

    wordlists: Wordlists
    matcher: TextMatcher
    verifying: VerifyContext  # what the verify stage reads: word lists, segmenter, cues, policy
    # the named policies (#20), built from the word lists: every one shares the matcher, cues and segmenter
    profiles: Mapping[str, PolicyProfile] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        custom = {c.id: c.default_action for c in self.wordlists.custom_categories}
        described = getattr(self.wordlists, "profile_descriptions", {})
        profiles = {DEFAULT_PROFILE: PolicyProfile(DEFAULT_PROFILE, policy_hash(self.verifying.policy), self.verifying,
                                                   MappingProxyType(dict(described.get(DEFAULT_PROFILE, {}))))}
        for name, raw in self.wordlists.profiles.items():
            policy = Policy.from_dict(raw, custom)
            own = [t for t in self.wordlists.terms if name in t.profiles]
            profiles[name] = PolicyProfile(name, policy_hash(policy, own),
                                           replace(self.verifying, policy=policy,
                                                   hidden_terms=self.wordlists.terms_outside(name)),
                                           MappingProxyType(dict(described.get(name, {}))))
        object.__setattr__(self, "profiles", MappingProxyType(profiles))

    def check_profiles(self, needed: Mapping[str, Iterable[str]]) -> None:
        """WordlistError unless every profile in `needed` (name -> who needs it, e.g. "API key 'beauty-shop'")
        is loaded: a key's profile that is gone must stop start-up or a reload, never scan under `default`."""
        check_profiles_named(self.profiles, needed)

    def profile(self, name: str | None) -> PolicyProfile:
        """The named policy; None is `default`. KeyError for a name the loaded word lists do not have."""
        return self.profiles[DEFAULT_PROFILE if name is None else name]

    @classmethod
    def load(cls, directory) -> "TextEngine":
        wordlists = load_wordlists(directory)
        segmenter = Segmenter(*wordlists.segmenter_words())
        return cls(wordlists, TextMatcher(wordlists, MATCHER_VIEWS, NEGATABLE),
                   VerifyContext.build(wordlists, segmenter, Policy.from_wordlists(wordlists), DEFAULT_PROFILE))

    @property
    def policy(self) -> Policy:
        return self.verifying.policy

    @property
    def segmenter(self) -> Segmenter:
        return self.verifying.segmenter

    @property
    def version(self) -> str:
        return self.wordlists.version
