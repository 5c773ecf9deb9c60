"""Verify candidates in context and turn the survivors into findings.

A candidate becomes a finding only where a reader would agree, in this order:
1. word boundaries: Latin matches may not continue a word (class ≠ ass); CJK
   matches must start and end on jieba token boundaries (高仿真多肉 ≠ 高仿);
2. allow-list phrases suppress the denied terms inside them (象牙白, QQ糖, 最佳赏味期);
3. overlaps within one category keep the longest match;
4. category rules: absolute-term exemptions of the 2023 SAMR guideline (spec
   parameters, time order, self comparison); ambiguous brand names need
   confirming context (苹果 + 手机); compatibility mentions (适用于 iPhone) and
   brands the seller is authorized for are kept but made harmless;
5. a brand named together with counterfeit wording anywhere in the listing blocks.
Every rule that fired is written into the finding's explanation.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scanner.listing import Listing
from scanner.matcher import Candidate
from scanner.normalize import CJK_CLASS, SYMBOL_GAP, Normalised, is_cjk, normalise, normalise_term
from scanner.types import Finding

if TYPE_CHECKING:  # pragma: no cover
    from scanner.engine import TextEngine

CATEGORY_LABELS = {
    "absolute_term": "absolute claim (Advertising Law art. 9(3))",
    "false_claim": "unverifiable or exaggerated claim",
    "medical_claim": "medical claim for goods that are not medicines",
    "counterfeit": "counterfeit wording",
    "brand": "brand name",
    "diversion": "off-platform contact",
    "incentivized_review": "reward for reviews",
    "prohibited_goods": "prohibited goods",
}
# Sectors where "compatible with X" is not accepted as an honest description: for these
# goods the phrase is a known way to name a brand without permission.
NO_COMPAT_SECTORS = {"luxury", "sportswear", "apparel", "cosmetics", "jewelry", "watches"}
_MODEL_TOKENS = re.compile(r"[ a-z0-9+\-/.]{0,24}")  # "iphone 15 pro max", "galaxy s23"
_LIST_GAP = re.compile(r"[a-z0-9 +\-/.、,，&]+|和|及|与|或|\bor\b|\band\b")
COMPAT_GAP_BEFORE = 6
COMPAT_GAP_AFTER = 8
DETECTOR_SCORES = {"phone_number": 0.85, "wechat_id": 0.85, "qq_number": 0.85, "email": 0.7, "url": 0.6, "social_handle": 0.75}
_MEASURED_VALUE = re.compile(
    r"^ ?(?:的)? ?(?:为|是|:|：|达|可达)? ?\d+(?:\.\d+)? ?"
    r"(?:kg|g|w|kw|v|a|mah|mm|cm|m|km|℃|°c|°|度|米|厘米|毫米|公斤|千克|克|瓦|伏|安|小时|h|min|分钟|秒|%|ml|l|升|毫升|斤|人|层|档|倍|转|rpm|hz|db|寸|英寸|inch|gb|tb|mb)(?![a-z])"
)


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
    def build(cls, wordlists) -> "ContextIndex":
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


def verify(
    candidates: list[Candidate], listing: Listing, norms: list[tuple[str, Normalised]], engine: "TextEngine"
) -> list[Finding]:
    # Allow-list phrases are literal exemptions: they are not segmented, since jieba
    # often joins their last character with the next word (QQ糖|水果 → 糖水).
    allowed = [c for c in candidates if c.pattern.kind == "allow"]
    allows = _AllowIndex(allowed) if allowed else None  # most listings have none
    # Proximity cues without a partner in their field were dropped by the matcher (find_all).
    kept, joined_only = [], set()
    for c in candidates:
        if allows is not None and (c.pattern.kind == "allow" or allows.covers(c)):
            continue
        if c.pattern.kind == "detector" or _is_word_cue(c) or _on_boundaries(c, engine):
            kept.append(c)
        elif c.pattern.kind == "cue":
            # 治 inside 治咳嗽 is no jieba word, but written right against its partner
            # cue it is the phrase itself: keep it for adjacent pairs only.
            kept.append(c)
            joined_only.add(id(c))
    cues = [c for c in kept if c.pattern.kind == "cue"]
    kept = _longest_per_category([c for c in kept if c.pattern.kind != "cue"])

    ix: ContextIndex = engine.context
    listing_text = None  # joined only for an ambiguous brand name, which looks for context
    brand_cues: dict[int, str | None] = {}  # brand index -> its context word in listing_text, if any
    authorized = set()
    if listing.authorized_brands:
        authorized = {ix.brand_by_key[k] for k in map(normalise_term, listing.authorized_brands) if k in ix.brand_by_key}
    confirmed_brands = {c.pattern.index for c in kept if c.pattern.kind == "brand" and not c.pattern.ambiguous}

    findings: list[Finding] = []
    needs_brand: set[int] = set()  # ids of findings from terms that count only beside a brand
    for c in kept:
        if c.pattern.kind == "detector":
            findings.append(_detector_finding(c, engine))
        elif c.pattern.kind == "term":
            finding = _term_finding(c, engine, ix)
            if finding is not None:
                findings.append(finding)
                if engine.wordlists.terms[c.pattern.index].requires_brand:
                    needs_brand.add(id(finding))
        elif c.pattern.kind == "brand":
            if listing_text is None and c.pattern.ambiguous:
                listing_text = "\n".join(n.text for _, n in norms)
            finding = _brand_finding(c, engine, ix, listing_text, authorized, confirmed_brands, brand_cues)
            if finding is not None:
                findings.append(finding)
    findings += _proximity_findings(cues, findings, engine, joined_only)
    findings = _compatibility_per_listing(findings)
    findings = _brand_dependent(findings, needs_brand)
    return _brand_with_counterfeit(findings, engine)


# -- stage 1-3: boundaries, allow-list, overlaps --------------------------------------------


def _continues(left: str, right: str) -> bool:
    """Would a reader see left+right as one Latin word or one number?"""
    if left.isascii() and right.isascii():
        return (left.isalpha() and right.isalpha()) or (left.isdigit() and right.isdigit())
    return False


SEGMENT_FREE_LENGTH = 4  # CJK terms this long are specific enough without jieba's opinion


def _on_boundaries(c: Candidate, engine: "TextEngine") -> bool:
    text, a, b = c.norm.text, c.norm_start, c.norm_end
    if a > 0 and _continues(text[a - 1], text[a]):
        return False
    if b < len(text) and _continues(text[b - 1], text[b]) and not _plural_s(text, b):
        return False
    if b - a >= SEGMENT_FREE_LENGTH:
        return True
    # A space or punctuation the seller typed next to the match is a boundary jieba
    # cannot see (spaces between Chinese characters are dropped before segmenting).
    original = c.norm.original
    start_ok = c.start > 0 and _is_break(original[c.start - 1])
    end_ok = c.end < len(original) and _is_break(original[c.end])
    return engine.segmenter.on_boundaries(text, a, b, start_ok, end_ok)


def _is_word_cue(c: Candidate) -> bool:
    """Proximity cues of two or more characters stand on their own even inside a compound
    (伪造证件, 专治咳嗽 are single jieba words); one-character cues (返, 领) must be words."""
    return c.pattern.kind == "cue" and c.norm_end - c.norm_start >= 2


def _is_break(ch: str) -> bool:
    return ch.isspace() or (not ch.isalnum() and not is_cjk(ch))


def _plural_s(text: str, b: int) -> bool:
    """An English term followed by a plural s (replicas, fakes, dupes) still counts."""
    return text[b] == "s" and (b + 1 == len(text) or not (text[b + 1].isascii() and text[b + 1].isalpha()))


class _AllowIndex:
    """Allow-list spans per (field, category), answering "is [start, end) inside one?" in
    O(log n): spans sorted by start, with the running maximum of their ends."""

    def __init__(self, allows: list[Candidate]) -> None:
        groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for a in allows:
            groups.setdefault((a.field, a.pattern.category), []).append((a.start, a.end))
        self._index: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
        for key, spans in groups.items():
            spans.sort()
            starts, reach, best = [], [], -1
            for start, end in spans:
                best = max(best, end)
                starts.append(start)
                reach.append(best)
            self._index[key] = (starts, reach)

    def covers(self, c: Candidate) -> bool:
        for category in (c.pattern.category, "*"):
            entry = self._index.get((c.field, category))
            if entry is None:
                continue
            starts, reach = entry
            i = bisect_right(starts, c.start) - 1
            if i >= 0 and reach[i] >= c.end:
                return True
        return False


def _longest_per_category(candidates: list[Candidate]) -> list[Candidate]:
    """Within one field and category, keep the longest of overlapping matches (earliest and
    canonical first on ties). Kept spans never overlap, so a bisect finds the one neighbour
    that could: O(n log n) even for a field that is nothing but 高仿 33,000 times."""
    if len(candidates) < 2:
        return list(candidates)
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), c.start, c.pattern.form != "canonical"))
    kept_spans: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    kept: list[Candidate] = []
    for c in ordered:
        starts, ends = kept_spans.setdefault((c.field, c.pattern.category), ([], []))
        i = bisect_left(starts, c.end)  # spans at i.. start at or after c.end
        if i > 0 and ends[i - 1] > c.start:
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.append(c)
    return sorted(kept, key=lambda c: (c.field, c.start))


# -- stage 4: per-category rules ------------------------------------------------------------


def _finding_at(c: Candidate, **fields) -> Finding:
    """A text finding covering candidate `c` in the caller's original field text."""
    return Finding(kind="text", field=c.field, start=c.start, end=c.end, text=c.norm.original[c.start : c.end], **fields)


_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")  # the characters is_cjk accepts
_LEET_CHAR = re.compile(r"[013457@$!|]")


def _disguises(c: Candidate) -> list[str]:
    """How the original differs from the plain spelling: for explanations and scoring."""
    original = c.norm.original[c.start : c.end]
    text = c.norm.text[c.norm_start : c.norm_end]
    notes = []
    if original != text:  # most hits are written plainly: nothing to look for
        if len(original) > len(text):
            notes.append("separators or invisible characters removed")
        if any("\uff01" <= ch <= "\uff5e" for ch in original):
            notes.append("full-width letters")
        if any("\U0001f150" <= ch <= "\U0001f189" for ch in original):
            notes.append("letters drawn as emoji")  # 🅽🅸🅺🅴, Pr🅰da
        if _CJK_CHAR.findall(original) != _CJK_CHAR.findall(text):
            notes.append("traditional or variant characters")
    key = c.norm.key[c.norm_start : c.norm_end]
    if SYMBOL_GAP in key:
        if _alnum_count(key) < _alnum_count(normalise_term(c.pattern.alias)):
            notes.append("emoji or symbol in place of letters")  # Chan🌸l, Lu🍋lemon
        else:
            notes.append("emoji or symbol between letters skipped")  # O🔥MEGA, North⭐Face
    if _LEET_CHAR.search(text) and (key != text.replace("l", "i") or _leet_edge(key, normalise_term(c.pattern.alias))):
        notes.append("leetspeak")  # read as letters by the normaliser, or a leet first or last letter (4didas, Gucc1)
    if c.pattern.form == "variant":
        notes.append(f"look-alike spelling {c.pattern.alias!r}")
    elif c.pattern.form == "pinyin":
        notes.append(f"pinyin {c.pattern.alias!r}")
    elif c.pattern.form == "slang":
        notes.append(f"seller slang {c.pattern.alias!r}")
    return notes


def _alnum_count(key: str) -> int:
    return sum(ch.isalnum() for ch in key)


def _leet_edge(key: str, alias_key: str) -> bool:
    """Does a hit differ from its listed spelling in the first or last character (a digit the
    dictionary carries for that letter)?"""
    return key[:1] != alias_key[:1] or (key[-1:] != alias_key[-1:] and key[-1:].isdigit())


def _base_score(severity: str, engine: "TextEngine", disguised: list[str], form: str) -> float:
    score = engine.policy.severity_scores.get(severity, 0.75)
    if form == "pinyin":
        score -= 0.1  # romanised words collide with ordinary ones more often
    if any(n for n in disguised if not n.startswith(("pinyin", "seller slang"))):
        score += 0.03  # a disguise is evidence of intent
    return max(0.0, min(0.99, score))


def _explain(what: str, source: str, note: str, disguised: list[str], extra: list[str] = ()) -> str:
    parts = [what + f" [{source}]"]
    basis = note.split(";")[0].strip()  # a note's first clause is its source or legal basis;
    if basis:  # the rest is for the people curating the list
        parts.append(basis)
    if disguised:
        parts.append("normalised: " + ", ".join(disguised))
    parts.extend(extra)
    return "; ".join(parts)


_SHORT_LATIN = re.compile(r"[a-z]{1,3}")
_THEN_DIGIT = re.compile(r" ?[-–]? ?\d")


def _term_finding(c: Candidate, engine: "TextEngine", ix: ContextIndex) -> Finding | None:
    term = engine.wordlists.terms[c.pattern.index]
    if term.category == "absolute_term" and _absolute_exemption(c, ix):
        return None
    if term.category == "diversion" and _looks_like_model_number(c):
        return None
    disguised = _disguises(c)
    return _finding_at(
        c,
        category=term.category,
        term=term.term,
        severity=term.severity,
        score=_base_score(term.severity, engine, disguised, c.pattern.form),
        effect=engine.policy.action(term.category),
        suggestion=term.suggestion,
        explanation=_explain(f"{CATEGORY_LABELS[term.category]} {term.term!r}", term.source, term.note, disguised),
    )


def _looks_like_model_number(c: Candidate) -> bool:
    """WX-200, VX 3000: short Latin contact words followed by digits are model names
    (a phone number after them is caught by the phone detector on its own)."""
    text, a, b = c.norm.text, c.norm_start, c.norm_end
    return _SHORT_LATIN.fullmatch(text[a:b]) is not None and _THEN_DIGIT.match(text, b) is not None


# Scope words that make an absolute term a market-wide claim even after a self-comparison cue.
_WIDE_SCOPES = ("全国", "全网", "全球", "全世界", "世界", "全行业", "行业", "业内", "国内", "史上", "全市", "全省")


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


def _brand_finding(
    c: Candidate,
    engine: "TextEngine",
    ix: ContextIndex,
    listing_text: str | None,  # the listing's normalised fields; given when c is ambiguous
    authorized: set[int],
    confirmed: set[int],
    cues: dict[int, str | None],  # per listing: each brand's context word, looked up once
) -> Finding | None:
    brand = engine.wordlists.brands[c.pattern.index]
    extra: list[str] = []
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
        extra.append(f"ambiguous name confirmed by {cue!r}" if cue else "ambiguous name confirmed by another of the brand's names")
        score_penalty = 0.1
    disguised = _disguises(c)
    effect = engine.policy.action("brand")
    severity = "medium"
    suggestion = None
    if c.pattern.index in authorized:
        effect, severity = "none", "low"
        extra.append("seller is authorized for this brand")
    else:
        cue = _compat_cue(c, ix)
        if cue is not None and brand.sector not in NO_COMPAT_SECTORS:
            effect, severity = "none", "low"
            extra.append(f"compatibility mention ({cue!r}), not a claim to be the brand")
        elif cue is not None:
            extra.append(f"compatibility wording {cue!r} does not exempt {brand.sector} brands")
    score = _base_score(severity, engine, disguised, form) - score_penalty
    return _finding_at(
        c,
        category="brand",
        term=c.pattern.alias,
        brand=brand.brand,
        severity=severity,
        score=max(0.0, score),
        effect=effect,
        suggestion=suggestion,
        explanation=_explain(
            f"brand {brand.brand!r} ({brand.owner or 'owner unknown'})", brand.source, "", disguised, extra
        ),
    )


def _detector_finding(c: Candidate, engine: "TextEngine") -> Finding:
    name = c.pattern.alias
    return _finding_at(
        c,
        category="diversion",
        term=name,
        severity="medium",
        score=DETECTOR_SCORES.get(name, 0.7),
        effect=engine.policy.action("diversion"),
        suggestion="",
        explanation=f"{CATEGORY_LABELS['diversion']}: {c.detail} [detector {name}]; use the platform's messaging instead",
    )


# A sentence break between two cues: sentence punctuation, or a '.' ending a sentence (not 2.5, t.me).
# Commas do not break: 五星好评，联系客服返2元 is one offer.
_CLAUSE_BREAK = re.compile(r"[。！？!?；;\n]|\.(?![\d\w])")


def _proximity_findings(
    cues: list[Candidate], findings: list[Finding], engine: "TextEngine", joined_only: set[int]
) -> list[Finding]:
    """Pair each rule's first and second cues that stand in one clause within its window;
    overlapping pairs merge into one finding (Free gift for a 5-star review), and so do
    overlapping findings of two rules of one category (一吃就瘦10斤: 'works at once' and
    'weight loss in a set time'), so an editor sees one highlight, not two stacked."""
    if not cues:
        return []
    rules = engine.wordlists.proximity
    by_rule: dict[tuple[int, str], list[Candidate]] = {}
    for c in cues:
        by_rule.setdefault((c.pattern.index, c.field), []).append(c)
    # Existing findings per (field, category), sorted: they never overlap within a category.
    taken: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for x in sorted((x for x in findings if x.kind == "text"), key=lambda x: x.start):
        starts, ends = taken.setdefault((x.field, x.category), ([], []))
        starts.append(x.start)
        ends.append(x.end)
    made: list[tuple[Finding, str, int]] = []  # each finding with its field's original text and rule
    for (index, field), group in by_rule.items():
        rule = rules[index]
        firsts = sorted((c for c in group if c.pattern.form == "first"), key=lambda c: c.norm_start)
        seconds = sorted((c for c in group if c.pattern.form == "second"), key=lambda c: c.norm_start)
        spans: list[list] = []  # [start, end, first cue, second cue]
        first_at = [c.norm_start for c in firsts]
        second_at = [c.norm_start for c in seconds]
        for f in firsts:
            s = _nearest_pair(f, seconds, second_at, rule, joined_only=joined_only)
            if s is not None:
                spans.append([min(f.start, s.start), max(f.end, s.end), f, s])
        for s in seconds:  # and from the other side, so every cue in a phrase is covered
            f = _nearest_pair(s, firsts, first_at, rule, anchor_is_first=False, joined_only=joined_only)
            if f is not None:
                spans.append([min(f.start, s.start), max(f.end, s.end), f, s])
        spans.sort(key=lambda x: x[0])
        merged: list[list] = []
        for span in spans:
            if merged and span[0] < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], span[1])
            else:
                merged.append(span)
        for start, end, f, s in merged:
            starts, ends = taken.get((field, rule.category), ((), ()))
            i = bisect_left(starts, end)
            if i > 0 and max(ends[max(0, i - 4) : i]) > start:
                continue  # a dictionary term already says it
            score = engine.policy.severity_scores.get(rule.severity, 0.75) - 0.05  # two words: a little less certain
            made.append((
                Finding(
                    kind="text",
                    category=rule.category,
                    field=field,
                    start=start,
                    end=end,
                    text=f.norm.original[start:end],
                    term=rule.rule,
                    severity=rule.severity,
                    score=score,
                    effect=engine.policy.action(rule.category),
                    suggestion=rule.suggestion,
                    explanation=_explain(
                        f"{CATEGORY_LABELS[rule.category]}: {f.pattern.alias!r} with {s.pattern.alias!r} in one clause",
                        rule.source, rule.note, [],
                    ),
                ),
                f.norm.original,
                index,
            ))
    return _merge_overlapping(made)


def _merge_overlapping(made: list[tuple[Finding, str, int]]) -> list[Finding]:
    """Overlapping findings (each with its field's original text and rule index) of one field
    and category become one: the span covering them all, with the rule, score and explanation
    of the strongest (highest score; then the widest; then the rule listed first). Order is kept."""
    if len(made) < 2:
        return [m[0] for m in made]
    ordered = sorted(range(len(made)), key=lambda i: (made[i][0].field, made[i][0].category, made[i][0].start))
    groups: list[list[int]] = []
    reach = -1
    for i in ordered:
        f = made[i][0]
        head = made[groups[-1][0]][0] if groups else None
        if head is not None and (head.field, head.category) == (f.field, f.category) and f.start < reach:
            groups[-1].append(i)
            reach = max(reach, f.end)
        else:
            groups.append([i])
            reach = f.end
    merged: dict[int, Finding] = {}
    for group in groups:
        if len(group) == 1:
            merged[group[0]] = made[group[0]][0]
            continue
        fs = [made[i][0] for i in group]
        best, original, _ = min(
            (made[i] for i in group), key=lambda m: (-m[0].score, -(m[0].end - m[0].start), m[2])
        )
        start, end = min(f.start for f in fs), max(f.end for f in fs)
        others = ", ".join(dict.fromkeys(repr(f.term) for f in fs if f.term != best.term))
        merged[min(group)] = best._replace(
            start=start, end=end, text=original[start:end],
            explanation=best.explanation + (f"; overlapping rule {others} merged into this finding" if others else ""),
        )
    return [merged[i] for i in sorted(merged)]


def _nearest_pair(
    f: Candidate, others: list[Candidate], positions: list[int], rule, anchor_is_first: bool = True,
    joined_only: set[int] = frozenset(),
) -> Candidate | None:
    """The closest cue of the other kind to `f` that the rule accepts with it. `others` is
    sorted by position (`positions`); only those near the window are looked at."""
    lo_i = bisect_left(positions, f.norm_start - rule.window - 64)
    hi_i = bisect_right(positions, f.norm_end + rule.window)
    best = None
    for s in others[lo_i:hi_i]:
        if s.start < f.end and f.start < s.end:
            continue  # overlapping cues are one word, not two
        after = s.start >= f.end
        if rule.ordered and after != anchor_is_first:
            continue
        gap = s.norm_start - f.norm_end if after else f.norm_start - s.norm_end
        if gap > rule.window or (gap > 0 and (id(f) in joined_only or id(s) in joined_only)):
            continue
        if best is not None and gap >= best[0]:
            continue  # cannot beat the nearest so far: skip the clause search (dense cues ran it per pair)
        lo, hi = (f.end, s.start) if after else (s.end, f.start)
        if _CLAUSE_BREAK.search(f.norm.original, lo, hi):
            continue
        best = (gap, s)
    return None if best is None else best[1]


def _compatibility_per_listing(findings: list[Finding]) -> list[Finding]:
    """Once a listing describes a part or accessory for brand X (苹果手机壳 …), its other
    mentions of X (… iPhone15, 根据丰田原车数据) are part of the same description."""
    compat = {f.brand for f in findings if f.category == "brand" and "compatibility mention" in f.explanation}
    if not compat:
        return findings
    return [
        f._replace(effect="none", severity="low", explanation=f.explanation + "; the listing describes a compatible accessory for this brand")
        if f.category == "brand" and f.effect != "none" and f.brand in compat
        else f
        for f in findings
    ]


def _brand_dependent(findings: list[Finding], needs_brand: set[int]) -> list[Finding]:
    """Weak words (1:1, copy, reps) say "counterfeit" only when the listing names a
    brand that context did not make harmless: 1:1 mixing ratio, copy paper are fine."""
    if not needs_brand:
        return findings
    has_brand = any(f.category == "brand" and f.effect != "none" for f in findings)
    if not has_brand:
        return [f for f in findings if id(f) not in needs_brand]
    return [
        f._replace(explanation=f.explanation + "; counts because the listing names a brand") if id(f) in needs_brand else f
        for f in findings
    ]


# -- stage 5: listing-level rule ------------------------------------------------------------


def _brand_with_counterfeit(findings: list[Finding], engine: "TextEngine") -> list[Finding]:
    counterfeit = [f for f in findings if f.category == "counterfeit" and f.effect != "none"]
    brands = [f for f in findings if f.category == "brand"]
    if not counterfeit or not brands:
        return findings
    first = counterfeit[0]
    brand_name = brands[0].brand
    action = engine.policy.brand_with_counterfeit
    out = []
    for f in findings:
        if f.category == "brand":
            f = f._replace(
                effect=action,
                severity="high",
                score=max(f.score, engine.policy.severity_scores.get("high", 0.95)),
                explanation=f.explanation + f"; named together with counterfeit wording {first.text!r} ({first.field})",
            )
        elif f.category == "counterfeit" and f.brand is None:
            f = f._replace(brand=brand_name, explanation=f.explanation + f"; listing names brand {brand_name!r}")
        out.append(f)
    return out
