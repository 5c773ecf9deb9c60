"""Verify candidates in context and turn the survivors into findings.

A candidate becomes a finding only where a reader would agree, in this order (one module each):
1-3. boundaries.py   word boundaries (class ≠ ass, 高仿真多肉 ≠ 高仿), allow-list phrases
                     (allow.py: 象牙白, QQ糖), the longest of overlapping matches per category;
4.   rules.py        per-category rules: absolute-term exemptions, ambiguous brand names that need
                     context, compatibility mentions and authorized brands made harmless;
     proximity.py    two cue words of one rule in one clause (好评 … 返现);
     negation.py     a review reward, claim or contact the words right before deny (好评不返现, we never pay);
5.   listing_rules.py  rules over the whole listing: a compatible accessory's other brand mentions,
                     brands resold with their provenance (附小票, 二手, authenticated),
                     an animal named by a plush toy's or a picture book's title (穿山甲毛绒公仔),
                     weak words that count only beside a brand, a brand named with counterfeit wording.
Every rule that fired is a `Reason` on its finding; stages decide from reasons, and explain.py
renders them into the explanation once, at the end. cues.py holds what the stages read
(`VerifyContext`, built once per word-list version).
"""
from __future__ import annotations

from scanner.listing import Listing
from scanner.results import Finding
from scanner.text.matcher import Candidate
from scanner.text.normalize import Normalised
from scanner.text.verify.boundaries import standing
from scanner.text.verify.cues import ContextIndex, VerifyContext
from scanner.text.verify.explain import rendered
from scanner.text.verify.negation import denied
from scanner.text.verify.listing_rules import (
    SIGNALS_WITHOUT_BRAND, brand_dependent, brand_with_counterfeit, compatibility_per_listing, depiction_per_listing,
    provenance_per_listing,
)
from scanner.text.verify.proximity import paired_either_way, unless_brand
from scanner.text.verify.rules import category_findings
from scanner.speakers import rules_for

__all__ = ["ContextIndex", "VerifyContext", "verify"]


def verify(
    candidates: list[Candidate], listing: Listing, norms: list[tuple[str, Normalised]], ctx: VerifyContext,
    unread: frozenset = frozenset(),
) -> list[Finding]:
    """`unread`: categories the speaker never gets back as findings (scanner/speakers.py): found and judged like
    every other (a brand still decides what a counterfeit word beside it means), their explanations not rendered."""
    if ctx.hidden_terms:
        hidden = ctx.hidden_terms
        candidates = [c for c in candidates if c.pattern.kind != "term" or c.pattern.index not in hidden]
    kept, cues, joined_only, if_no_brand = standing(candidates, ctx.segmenter, ctx.cues)
    findings = category_findings(kept, listing, norms, ctx)
    if if_no_brand:
        findings += unless_brand(category_findings(if_no_brand, listing, norms, ctx))
    findings += paired_either_way(cues, findings, ctx, joined_only)
    originals = {name: n.original for name, n in norms}
    findings = denied(findings, originals, ctx)
    findings = compatibility_per_listing(findings)
    findings = provenance_per_listing(findings, [n.text for _, n in norms], ctx, originals)
    findings = depiction_per_listing(findings, [n.text for name, n in norms if name == "title"], ctx)
    findings = brand_dependent(findings, SIGNALS_WITHOUT_BRAND if _reports_on_the_goods(listing) else frozenset())
    findings = brand_with_counterfeit(findings, ctx)
    return rendered(findings, unread)


def _reports_on_the_goods(listing: Listing) -> bool:
    """Does this writer's counterfeit wording speak of the listing's goods (a buyer's review: listing_signals)?"""
    return listing.kind != "listing" and "counterfeit" in rules_for(listing.kind, listing.speaker).listing_signal
