"""Stage 4: per-category rules turn each standing candidate into a finding, or drop it.

Absolute-term exemptions of the 2023 SAMR guideline (spec parameters, time order, self
comparison); ambiguous brand names need confirming context (苹果 + 手机); compatibility
mentions (适用于 iPhone) and brands the seller is authorized for are kept but made harmless.
Each rule that fired is a `Reason` on the finding (explain.py renders them).
"""
from __future__ import annotations

import re

from scanner.listing import Listing
from scanner.results import Finding, Reason
from scanner.text.matcher import Candidate
from scanner.text.normalize import Normalised, is_cjk, normalise_term
from scanner.text.personal_data import CATEGORY as PERSONAL_DATA, mask
from scanner.text.verify.cues import ContextIndex, VerifyContext
from scanner.text.verify.explain import SPELLINGS, basis, disguises, normalised, reason

# Sectors where "compatible with X" is not accepted as an honest description: for these
# goods the phrase is a known way to name a brand without permission.
NO_COMPAT_SECTORS = {"luxury", "sportswear", "apparel", "cosmetics", "jewelry", "watches"}
_MODEL_TOKENS = re.compile(r"[ a-z0-9+\-/.]{0,24}")  # "iphone 15 pro max", "galaxy s23"
_LIST_GAP = re.compile(r"[a-z0-9 +\-/.、,，&]+|和|及|与|或|\bor\b|\band\b")
COMPAT_GAP_BEFORE = 6
COMPAT_GAP_AFTER = 8
DETECTOR_SCORES = {"phone_number": 0.85, "wechat_id": 0.85, "qq_number": 0.85, "email": 0.7, "url": 0.6, "social_handle": 0.75,
                   # personal data: the check digits make the numbers near-certain; a block is a layout
                   "resident_id": 0.95, "bank_card": 0.9, "passport": 0.85, "name_address_phone": 0.8,
                   "us_ssn": 0.9, "hk_id": 0.9, "bank_account": 0.85,
                   "holder_name": 0.8}
_MEASURED_VALUE = re.compile(
    r"^ ?(?:的)? ?(?:为|是|:|：|达|可达)? ?\d+(?:\.\d+)? ?"
    r"(?:kg|g|w|kw|v|a|mah|mm|cm|m|km|℃|°c|°|度|米|厘米|毫米|公斤|千克|克|瓦|伏|安|小时|h|min|分钟|秒|%|ml|l|升|毫升|斤|人|层|档|倍|转|rpm|hz|db|寸|英寸|inch|gb|tb|mb)(?![a-z])"
)
_SHORT_LATIN = re.compile(r"[a-z]{1,3}")
_THEN_DIGIT = re.compile(r" ?[-–]? ?\d")
# Scope words that make an absolute term a market-wide claim even after a self-comparison cue.
_WIDE_SCOPES = ("全国", "全网", "全球", "全世界", "世界", "全行业", "行业", "业内", "国内", "史上", "全市", "全省")


def category_findings(
    kept: list[Candidate], listing: Listing, norms: list[tuple[str, Normalised]], ctx: VerifyContext
) -> list[Finding]:
    ix = ctx.cues
    listing_text = None  # joined only for an ambiguous brand name, which looks for context
    brand_cues: dict[int, str | None] = {}  # brand index -> its context word in listing_text, if any
    authorized = set()
    if listing.authorized_brands:
        authorized = {ix.brand_by_key[k] for k in map(normalise_term, listing.authorized_brands) if k in ix.brand_by_key}
    confirmed_brands = {c.pattern.index for c in kept if c.pattern.kind == "brand" and not c.pattern.ambiguous}

    findings: list[Finding] = []
    for c in kept:
        if c.pattern.kind == "detector":
            findings.append(_detector_finding(c, ctx))
        elif c.pattern.kind == "term":
            finding = _term_finding(c, ctx)
            if finding is not None:
                findings.append(finding)
        elif c.pattern.kind == "brand":
            if listing_text is None and c.pattern.ambiguous:
                listing_text = "\n".join(n.text for _, n in norms)
            finding = _brand_finding(c, ctx, listing_text, authorized, confirmed_brands, brand_cues)
            if finding is not None:
                findings.append(finding)
    return findings


def finding_at(c: Candidate, **fields) -> Finding:
    """A text finding covering candidate `c` in the caller's original field text; its
    explanation is rendered from its reasons at the end of verification."""
    return Finding(kind="text", field=c.field, start=c.start, end=c.end, text=c.norm.original[c.start : c.end],
                   explanation="", **fields)


def base_score(severity: str, ctx: VerifyContext, disguised: tuple[Reason, ...], form: str) -> float:
    score = ctx.policy.severity_scores.get(severity, 0.75)
    if form == "pinyin":
        score -= 0.1  # romanised words collide with ordinary ones more often
    if any(d.code not in SPELLINGS for d in disguised):
        score += 0.03  # a disguise is evidence of intent
    return max(0.0, min(0.99, score))


# Disguises of a word's letters (not its spacing, case, script or a listed variant such as 一比一): evidence enough
# without a brand beside it.
LETTER_DISGUISES = frozenset({"leetspeak", "symbol_for_letters", "symbol_between_letters", "emoji_letters"})
# A Chinese copy word split apart (复 刻, 复\u200b刻, 复·刻) is hiding from a filter too: no period-style
# reproduction or painting is written that way (#15, twenty-second session)
SPLIT_DISGUISES = frozenset({"separators_removed", "symbol_between_letters"})


def _stands_alone(term_text: str, disguised: tuple[Reason, ...]) -> bool:
    """Does a copy word that needs a brand (1:1, replica, 复刻) count without one, its spelling being the tell?"""
    if len(term_text) >= 4 and any(d.code in LETTER_DISGUISES for d in disguised):
        return True
    return len(term_text) >= 2 and all(is_cjk(ch) for ch in term_text) and any(d.code in SPLIT_DISGUISES for d in disguised)

def _term_finding(c: Candidate, ctx: VerifyContext) -> Finding | None:
    term = ctx.wordlists.terms[c.pattern.index]
    if term.category == "absolute_term" and _absolute_exemption(c, ctx.cues):
        return None
    if term.category == "diversion" and _looks_like_model_number(c):
        return None
    if term.category == "prohibited_goods" and _tests_for(c, ctx.cues):
        return None
    disguised = disguises(c)
    reasons = (
        # an operator's category (wordlists/custom/) carries its labels: explain.py knows only the built-in ones
        reason("term", category=term.category, term=term.term, source=term.source,
               **ctx.wordlists.custom_labels.get(term.category, {})),
        *basis(term.note),
        *normalised(disguised),
    )
    if term.requires_brand and not _stands_alone(term.term, disguised):
        # 1:1, copy, replica: counts only beside a brand (listing_rules.brand_dependent); a word of four letters or
        # more with its letters disguised (r3plica, f.a.k.e) is hiding from a filter, which a scale model's
        # "replica" never does (three letters are too few: a@a in an e-mail address reads as AAA)
        reasons += (reason("needs_brand"),)
    return finding_at(
        c,
        category=term.category,
        term=term.term,
        severity=term.severity,
        score=base_score(term.severity, ctx, disguised, c.pattern.form),
        effect=ctx.policy.action(term.category),
        suggestion=term.suggestion,
        reasons=reasons,
    )


def _looks_like_model_number(c: Candidate) -> bool:
    """WX-200, VX 3000: short Latin contact words followed by digits are model names
    (a phone number after them is caught by the phone detector on its own)."""
    text, a, b = c.norm.text, c.norm_start, c.norm_end
    return _SHORT_LATIN.fullmatch(text[a:b]) is not None and _THEN_DIGIT.match(text, b) is not None


def _tests_for(c: Candidate, ix: ContextIndex) -> bool:
    """吗啡检测试纸, fentanyl test strips, 窃听器检测仪: a kit that tests for a prohibited good, or a detector that
    finds one, is sold to keep people safe from it (a noun, not 检测: 检测不出 is the opposite)."""
    return c.norm.text[c.norm_end : c.norm_end + 16].lstrip(" -").startswith(ix.tests_for) if ix.tests_for else False


def _absolute_exemption(c: Candidate, ix: ContextIndex) -> str | None:
    """The 2023 SAMR guideline's exemptions that can be read off the words around a term."""
    text, a, b = c.norm.text, c.norm_start, c.norm_end
    after = text[b : b + 16].lstrip(" ")
    after_de = after[1:] if after.startswith("的") else after
    # Only a bare 最X reads as a parameter name (最大承重, 最高 80℃); 史上最强吸力 is a claim.
    bare_superlative = b - a == 2 and text[a] == "最"
    if bare_superlative and after_de.startswith(ix.spec_nouns):
        return "specification parameter"
    if bare_superlative and _MEASURED_VALUE.match(text[b : b + 24]):
        return "followed by a measured value"
    if after.startswith(ix.time_order):
        return "time order"
    before = text[max(0, a - 8) : a]
    # 我们家用的是全国顶级的…: a scope word right before the term widens it again
    if any(cue in before for cue in ix.self_comparison) and not before.endswith(_WIDE_SCOPES):
        return "comparison within the seller's own range"
    return None


def _mentions(text: str, word: str) -> bool:
    """Is `word` in `text` as a word? Latin words need boundaries ("car" is not in "scarf")."""
    at = text.find(word)
    if at < 0 or not word.isascii():
        return at >= 0
    while at >= 0:
        before = text[at - 1] if at else " "
        end = at + len(word)
        if text.startswith("s", end):  # sneaker -> sneakers
            end += 1
        after = text[end] if end < len(text) else " "
        if not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalpha()):
            return True
        at = text.find(word, at + 1)
    return False


def _compat_cue(c: Candidate, ix: ContextIndex) -> str | None:
    text, a, b = c.norm.text, c.norm_start, c.norm_end
    before = text[max(0, a - COMPAT_GAP_BEFORE - 40) : a]
    for cue in ix.compat_before:
        at = before.rfind(cue)
        if at < 0:
            continue
        gap = before[at + len(cue) :]
        # "适用于 MacBook、联想等": other names and model words may stand between
        gap_core = _LIST_GAP.sub("", gap)
        if len(gap) <= COMPAT_GAP_BEFORE or len(gap_core) <= COMPAT_GAP_BEFORE:
            return cue
    after = text[b : b + COMPAT_GAP_AFTER + 40]
    skip = _MODEL_TOKENS.match(after).end()  # model names between brand and cue
    for cue in ix.compat_after:
        at = after.find(cue)
        if 0 <= at <= max(COMPAT_GAP_AFTER, skip + 2):
            return cue
    return None


def _compat_attribute(c: Candidate, ix: ContextIndex) -> str | None:
    """A brand in an attribute named for compatibility (Compatibility: MacBook Pro, iPad; 适用机型：华为)
    names what the product fits (#15); the attribute's name is the cue."""
    if not c.field.startswith("attributes."):
        return None
    name = c.field[len("attributes."):].strip().lower()
    return name if name in ix.compat_attributes else None


def _brand_finding(
    c: Candidate,
    ctx: VerifyContext,
    listing_text: str | None,  # the listing's normalised fields; given when c is ambiguous
    authorized: set[int],
    confirmed: set[int],
    cues: dict[int, str | None],  # per listing: each brand's context word, looked up once
) -> Finding | None:
    ix = ctx.cues
    brand = ctx.wordlists.brands[c.pattern.index]
    context: list[Reason] = []
    form = c.pattern.form
    score_penalty = 0.0
    if c.pattern.ambiguous:
        # Once per brand and listing, not per mention: "苹果 " * 20000 searched the whole
        # listing for the brand's context words 20,000 times (quadratic).
        if c.pattern.index not in cues:
            cues[c.pattern.index] = next((w for w in ix.brand_context[c.pattern.index] if _mentions(listing_text, w)), None)
        cue = cues[c.pattern.index]
        if cue is None and c.pattern.index not in confirmed:
            return None  # 苹果 the fruit, Puma the animal: not a brand mention
        context.append(reason("ambiguous_confirmed", cue=cue))
        score_penalty = 0.1
    disguised = disguises(c)
    effect = ctx.policy.action("brand")
    severity = "medium"
    if c.pattern.index in authorized:
        effect, severity = "none", "low"
        context.append(reason("authorized"))
    else:
        cue = _compat_cue(c, ix) or _compat_attribute(c, ix)
        if cue is not None and brand.sector not in NO_COMPAT_SECTORS:
            effect, severity = "none", "low"
            context.append(reason("compatibility_mention", cue=cue))
        elif cue is not None:
            context.append(reason("compatibility_not_exempt", cue=cue, sector=brand.sector))
    score = base_score(severity, ctx, disguised, form) - score_penalty
    return finding_at(
        c,
        category="brand",
        term=c.pattern.alias,
        brand=brand.brand,
        severity=severity,
        score=max(0.0, score),
        effect=effect,
        suggestion=None,
        reasons=(reason("brand", brand=brand.brand, owner=brand.owner, source=brand.source),
                 *normalised(disguised), *context),
    )


def _detector_finding(c: Candidate, ctx: VerifyContext) -> Finding:
    name = c.pattern.alias
    if c.pattern.category == PERSONAL_DATA:
        # `text` is masked: no result, log line or batch file holds the value; start/end
        # still slice the caller's original.
        return finding_at(
            c,
            category=PERSONAL_DATA,
            term=name,
            severity="high",
            score=DETECTOR_SCORES.get(name, 0.8),
            effect=ctx.policy.action(PERSONAL_DATA),
            suggestion="",
            reasons=(reason("personal_data", name=name, detail=c.detail),),
        )._replace(text=mask(name, c.norm.original[c.start : c.end]))
    site = _brand_site(c, ctx) if name == "url" else None
    return finding_at(
        c,
        category="diversion",
        term=name,
        severity="low" if site else "medium",
        score=DETECTOR_SCORES.get(name, 0.7),
        effect="none" if site else ctx.policy.action("diversion"),
        suggestion="",
        reasons=(reason("detector", name=name, detail=c.detail), *((reason("brand_site", site=site),) if site else ())),
    )


def _brand_site(c: Candidate, ctx: VerifyContext) -> str | None:
    """The brand whose own site a link points at (Nike.com, samsung.com/support, www.dyson.co.uk): a buyer sent to
    the maker for support or set-up is not sent to another shop. None for any other link."""
    link = c.norm.original[c.start : c.end].lower()
    host = link.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    labels = [part for part in host.split(".") if part]
    if labels and labels[0] == "www":
        labels = labels[1:]
    if len(labels) < 2 or not set(labels[1:]) <= _SITE_SUFFIXES:
        return None  # nike.shop, nike.com.cheap-outlet.cn: a shop wearing the name
    first = "".join(ch for ch in labels[0] if ch.isalnum())
    return first if first in ctx.wordlists.brand_site_names else None


# What may follow a maker's name in its own address: generic and country endings (com, com.cn, co.uk, de …).
_SITE_SUFFIXES = frozenset({"com", "net", "org", "co", "cn", "hk", "tw", "jp", "kr", "sg", "my", "uk", "de", "fr", "it",
                            "es", "nl", "ca", "au", "us", "eu", "ch", "se", "in", "th", "vn", "id", "ph", "br", "mx"})
