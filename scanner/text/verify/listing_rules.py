"""Stage 5: rules over the whole listing's findings, decided from their reasons."""
from __future__ import annotations

from scanner.results import Finding
from scanner.text.normalize import is_cjk, normalise
from scanner.text.verify.cues import VerifyContext
from scanner.text.verify.explain import reason
from scanner.text.verify.proximity import IF_BRAND, IF_NO_BRAND
from scanner.text.verify.rules import _mentions  # a word, with Latin word boundaries


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


# A reseller names the brand plainly; a brand only ever named by a nickname or a disguised spelling
# (老花, 驴牌, N-I-K-E, naike) next to 二手 or 附小票 is still the evasion it was. A model nickname
# beside the plain name (雅诗兰黛 小棕瓶) is not.
DISGUISES = frozenset({"slang", "pinyin", "look_alike", "leetspeak", "symbol_for_letters", "symbol_between_letters",
                       "emoji_letters", "separators_removed"})


def _disguised(f: Finding, originals: dict[str, str], counted: dict[str, tuple[int, int]]) -> bool:
    if f.brand is not None and f.text.casefold() == f.brand.casefold():
        return False  # the brand's own spelling, whose dot or space the normaliser dropped (Dr. Martens)
    codes = {d.code for r in f.reasons if r.code == "normalised" for d in r.params["disguises"]}
    if codes == {"separators_removed"} and _spaced_like_its_field(f, originals.get(f.field), counted):
        return False
    return bool(codes & DISGUISES)


# A field written with a space between every Chinese character (闲 置 出 爱 马 仕 丝 巾) is the writer's style, not a
# dodge aimed at one word: a brand spaced like the rest of its field is spelled as plainly as the field allows
# (#15, thirty-ninth session: 4 of 15 false alarms on a fresh writer's genuine resales). A brand spaced out inside
# unspaced copy (爱 马 仕 丝巾 专柜购入) is still the disguise it was. At least this many spaced pairs outside the brand,
# and at most a third as many unspaced ones:
SPACED_FIELD_PAIRS = 4


def cjk_pairs(text: str, lo: int = 0, hi: int | None = None, reach: int = 0) -> tuple[int, int]:
    """(spaced, tight): Chinese characters parted by one space (爱 马) and side by side (爱马), over the pairs that start
    at lo <= i < hi and end at or after `reach`."""
    spaced = tight = 0
    n = len(text)
    for i in range(max(0, lo), min(n - 1, n if hi is None else hi)):
        if is_cjk(text[i]):
            if is_cjk(text[i + 1]):
                tight += i + 1 >= reach
            elif text[i + 1] == " " and i + 2 < n and is_cjk(text[i + 2]):
                spaced += i + 2 >= reach
    return spaced, tight


def _spaced_like_its_field(f: Finding, original: str | None, counted: dict[str, tuple[int, int]]) -> bool:
    """Is the finding's text Chinese characters parted by single spaces only, in a field whose other Chinese
    characters are mostly parted by single spaces too? The field's pairs are counted once (`counted`, by field), then
    those touching the finding taken out: a listing of many spaced brands stays one pass over its text."""
    if original is None or f.start is None or not all(c == " " or is_cjk(c) for c in f.text):
        return False
    if f.field not in counted:
        counted[f.field] = cjk_pairs(original)
    spaced, tight = counted[f.field]
    touching_spaced, touching_tight = cjk_pairs(original, f.start - 2, f.end, f.start)
    spaced, tight = spaced - touching_spaced, tight - touching_tight
    return spaced >= SPACED_FIELD_PAIRS and 3 * tight <= spaced


def provenance_per_listing(findings: list[Finding], fields: list[str], ctx: VerifyContext,
                           originals: dict[str, str] | None = None) -> list[Finding]:
    """A listing that says where the goods came from (a receipt, a counter or official-site
    purchase, an authentication certificate, an authorised store, second-hand or vintage) is
    reselling or selling the brand, not claiming to be it: its brand mentions are harmless.
    Counterfeit wording anywhere still blocks (`brand_with_counterfeit` runs after this).
    `fields`: the listing's normalised field texts, `originals` the caller's by field name; policy
    `brand_with_provenance` says what such a brand mention does ("none" by default; "review" is the contract's
    strict reading)."""
    action = ctx.policy.brand_with_provenance
    brands = [f for f in findings if f.category == "brand" and f.effect != "none"]
    counted: dict[str, tuple[int, int]] = {}
    if (action == ctx.policy.action("brand") or not brands
            or any(f.category == "counterfeit" and f.effect != "none" for f in findings)
            or {f.brand for f in brands} != {f.brand for f in brands if not _disguised(f, originals or {}, counted)}):
        return findings
    listing_text = "\n".join(fields)
    cue = next((c for c in ctx.cues.provenance if _mentions(listing_text, c)), None)
    if cue is None:
        return findings
    return [
        f._replace(effect=action, severity="low" if action == "none" else f.severity,
                   reasons=f.reasons + (reason("provenance", cue=cue),))
        if f.category == "brand" and f.effect != "none"
        else f
        for f in findings
    ]


def depiction_per_listing(findings: list[Finding], titles: list[str], ctx: VerifyContext) -> list[Finding]:
    """A listing whose title says it sells a picture of an animal (a plush toy, a picture book, a sticker:
    exemptions.tsv `depiction`) names the animal as its subject, not as goods: a prohibited-goods finding whose
    words are the whole animal (`depicted`: 穿山甲, pangolin) is harmless there. Its parts and products (穿山甲片,
    scales, ivory) stay findings, and so does every other word of the listing. `titles`: the normalised titles."""
    ix = ctx.cues
    if not ix.depicted or not titles or not any(f.category == "prohibited_goods" and f.effect != "none"
                                                for f in findings):
        return findings
    title = "\n".join(titles)
    cue = next((c for c in ix.depiction if _mentions(title, c)), None)
    if cue is None:
        return findings
    return [
        f._replace(effect="none", severity="low", reasons=f.reasons + (reason("depiction", cue=cue),))
        if f.category == "prohibited_goods" and f.effect != "none" and _depicted(f, ix.depicted)
        else f
        for f in findings
    ]


def _depicted(f: Finding, depicted: frozenset[str]) -> bool:
    return normalise(f.text).text.strip() in depicted


# A buyer's "fake" or "replica" speaks of the listing's own goods, whatever brand they carry (a review's
# listing_signals): these two count only beside a brand in a seller's copy (#15, twenty-first session), not here.
SIGNALS_WITHOUT_BRAND = frozenset({"fake", "replica"})


def brand_dependent(findings: list[Finding], standing: frozenset[str] = frozenset()) -> list[Finding]:
    """Weak words (1:1, copy, reps) say "counterfeit" only when the listing names a
    brand that context did not make harmless: 1:1 mixing ratio, copy paper are fine.
    Such findings carry the reason `needs_brand` from the start (rules.py). The two-word
    findings read either way (proximity.paired_either_way) keep the reading that holds."""
    branded = any(f.category == "brand" and f.effect != "none" for f in findings)
    drop = IF_NO_BRAND if branded else IF_BRAND
    out = []
    for f in findings:
        if not branded and _has(f, "needs_brand"):
            if f.term not in standing:
                continue
            f = f._replace(reasons=tuple(r for r in f.reasons if r.code != "needs_brand"))
        if _has(f, IF_BRAND) or _has(f, IF_NO_BRAND):
            if _has(f, drop):
                continue
            f = f._replace(reasons=tuple(r for r in f.reasons if r.code not in (IF_BRAND, IF_NO_BRAND)))
        out.append(f)
    return out


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
