"""Scoring and the pass/review/block decision, driven by wordlists/policy.toml.

The file's schema, defaults and limits are in scanner/text/policy_schema.py (plain Python: this module is
compiled by Cython). `Policy` is the validated policy in the plain shape the per-listing code reads.
"""
from __future__ import annotations

from dataclasses import dataclass

from scanner.text.policy_schema import custom_actions, parse_policy
from scanner.results import Finding, band_score
from scanner.text.verify.explain import reason, with_reason
from scanner.text.clause_model import TERM as MODEL_TERM


@dataclass(frozen=True)
class Policy:
    actions: dict[str, str]
    brand_with_counterfeit: str
    severity_scores: dict[str, float]
    block_score: int
    min_finding_score: float
    ocr_block_min_confidence: float = 0.0
    brand_with_provenance: str = "none"

    @classmethod
    def from_wordlists(cls, wordlists) -> "Policy":
        return cls.from_dict(wordlists.policy, {c.id: c.default_action for c in wordlists.custom_categories})

    @classmethod
    def from_dict(cls, raw: dict, custom: dict | None = None) -> "Policy":
        """Raises policy_schema.PolicyError (a ValueError) naming the bad keys; {} gives the defaults.
        `custom`: the operator's categories of the loaded lists (wordlists/custom/) and their default actions."""
        raw, operator_actions = custom_actions(raw, custom or {})
        checked = parse_policy(raw)
        return cls(
            actions=checked.actions.model_dump() | operator_actions,
            brand_with_counterfeit=checked.brand_with_counterfeit,
            severity_scores=checked.severity_scores.model_dump(),
            block_score=checked.thresholds.block_score,
            min_finding_score=checked.thresholds.min_finding_score,
            ocr_block_min_confidence=checked.thresholds.ocr_block_min_confidence,
            brand_with_provenance=checked.brand_with_provenance,
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
            f = with_reason(f, reason("below_minimum", score=f.score), effect="none")
        elif (f.effect == "block" and f.ocr_confidence is not None
              and f.ocr_confidence < policy.ocr_block_min_confidence):
            f = with_reason(f, reason("unsure_read", confidence=f.ocr_confidence,
                                      minimum=policy.ocr_block_min_confidence), effect="review")
        out.append(f)
    out.sort(key=lambda f: (f.kind != "text", f.field, f.start if f.start is not None else 0))
    return out


def decide(findings: list[Finding], policy: Policy) -> tuple[str, int]:
    """(decision, listing score). Raw risk = 1 - prod(1 - finding score) over findings that count; the
    most severe effect decides, and a raw risk (as 0-100) at or above block_score also blocks. The
    score is the raw risk placed inside the decision's band (results.SCORE_BANDS), so it orders
    listings the way their decisions do."""
    if not findings:
        return "pass", band_score("pass", 0.0)  # block_score is at least 1 (policy_schema): a clean listing never blocks
    remaining = 1.0
    effects = set()
    for f in findings:
        if f.effect == "none":
            continue
        if f.term != MODEL_TERM:  # a learned guess asks a person: it never adds up to a block (block_score)
            remaining *= 1.0 - f.score
        effects.add(f.effect)
    risk = 1.0 - remaining
    if "block" in effects or int(round(100 * risk)) >= policy.block_score:
        decision = "block"
    elif "review" in effects:
        decision = "review"
    else:
        decision = "pass"
    return decision, band_score(decision, risk)
