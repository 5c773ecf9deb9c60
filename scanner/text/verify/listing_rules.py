"""Stage 5: rules over the whole listing's findings, decided from their reasons."""
from __future__ import annotations

from scanner.results import Finding
from scanner.text.verify.cues import VerifyContext
from scanner.text.verify.explain import reason


def _has(f: Finding, code: str) -> bool:
    return any(r.code == code for r in f.reasons)


def compatibility_per_listing(findings: list[Finding]) -> list[Finding]:
    """Once a listing describes a part or accessory for brand X (苹果手机壳 …), its other
    mentions of X (… iPhone15, 根据丰田原车数据) are part of the same description."""
    compat = {f.brand for f in findings if f.category == "brand" and _has(f, "compatibility_mention")}
    if not compat:
        return findings
    return [
        f._replace(effect="none", severity="low", reasons=f.reasons + (reason("compatible_accessory"),))
        if f.category == "brand" and f.effect != "none" and f.brand in compat
        else f
        for f in findings
    ]


def brand_dependent(findings: list[Finding]) -> list[Finding]:
    """Weak words (1:1, copy, reps) say "counterfeit" only when the listing names a
    brand that context did not make harmless: 1:1 mixing ratio, copy paper are fine.
    Such findings carry the reason `needs_brand` from the start (rules.py)."""
    if any(f.category == "brand" and f.effect != "none" for f in findings):
        return findings
    return [f for f in findings if not _has(f, "needs_brand")]


def brand_with_counterfeit(findings: list[Finding], ctx: VerifyContext) -> list[Finding]:
    """A brand named together with counterfeit wording anywhere in the listing blocks."""
    counterfeit = [f for f in findings if f.category == "counterfeit" and f.effect != "none"]
    brands = [f for f in findings if f.category == "brand"]
    if not counterfeit or not brands:
        return findings
    first = counterfeit[0]
    brand_name = brands[0].brand
    action = ctx.policy.brand_with_counterfeit
    high = ctx.policy.severity_scores.get("high", 0.95)
    out = []
    for f in findings:
        if f.category == "brand":
            f = f._replace(
                effect=action,
                severity="high",
                score=max(f.score, high),
                reasons=f.reasons + (reason("with_counterfeit", text=first.text, field=first.field),),
            )
        elif f.category == "counterfeit" and f.brand is None:
            f = f._replace(brand=brand_name, reasons=f.reasons + (reason("names_brand", brand=brand_name),))
        out.append(f)
    return out
