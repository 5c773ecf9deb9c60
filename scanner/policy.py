"""Scoring and the pass/review/block decision, driven by wordlists/policy.toml."""
from __future__ import annotations

from dataclasses import dataclass, field

from scanner.types import CATEGORIES, Finding

_DEFAULT_ACTIONS = {
    "counterfeit": "block",
    "prohibited_goods": "block",
    "counterfeit_image": "block",
    "brand": "review",
    "absolute_term": "review",
    "false_claim": "review",
    "medical_claim": "review",
    "diversion": "review",
    "incentivized_review": "review",
}
_ACTIONS = ("block", "review", "none")


@dataclass(frozen=True)
class Policy:
    actions: dict[str, str] = field(default_factory=lambda: dict(_DEFAULT_ACTIONS))
    brand_with_counterfeit: str = "block"
    severity_scores: dict[str, float] = field(default_factory=lambda: {"high": 0.95, "medium": 0.75, "low": 0.5})
    block_score: int = 101
    min_finding_score: float = 0.3

    @classmethod
    def from_wordlists(cls, wordlists) -> "Policy":
        return cls.from_dict(wordlists.policy)

    @classmethod
    def from_dict(cls, raw: dict) -> "Policy":
        actions = dict(_DEFAULT_ACTIONS)
        actions.update(raw.get("actions", {}))
        for category, action in actions.items():
            if category not in CATEGORIES or action not in _ACTIONS:
                raise ValueError(f"policy: bad action {category} = {action!r}")
        scores = {"high": 0.95, "medium": 0.75, "low": 0.5, **raw.get("severity_scores", {})}
        thresholds = raw.get("thresholds", {})
        return cls(
            actions=actions,
            brand_with_counterfeit=raw.get("brand_with_counterfeit", "block"),
            severity_scores=scores,
            block_score=int(thresholds.get("block_score", 101)),
            min_finding_score=float(thresholds.get("min_finding_score", 0.3)),
        )

    def action(self, category: str) -> str:
        return self.actions.get(category, "review")


def score_findings(findings: list[Finding], policy: Policy) -> list[Finding]:
    """Drop the effect of findings too weak to count, and order findings for reading."""
    if not findings:
        return []
    out = []
    for f in findings:
        if f.effect != "none" and f.score < policy.min_finding_score:
            f = f._replace(effect="none", explanation=f.explanation + f"; confidence {f.score:.2f} below the policy minimum")
        out.append(f)
    out.sort(key=lambda f: (f.kind != "text", f.field, f.start if f.start is not None else 0))
    return out


def decide(findings: list[Finding], policy: Policy) -> tuple[str, int]:
    """Listing risk = 1 - prod(1 - finding score) over findings that count; the most
    severe effect decides, and a score at or above block_score also blocks."""
    if not findings:
        return ("block" if policy.block_score <= 0 else "pass"), 0
    remaining = 1.0
    effects = set()
    for f in findings:
        if f.effect == "none":
            continue
        remaining *= 1.0 - f.score
        effects.add(f.effect)
    score = int(round(100 * (1.0 - remaining)))
    if "block" in effects or score >= policy.block_score:
        return "block", score
    if "review" in effects:
        return "review", score
    return "pass", score
