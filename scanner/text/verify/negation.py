"""Stage 4b: a finding denied by the words right before it is dropped (#15).

Sellers and honest listings alike state what they do NOT do: 好评不返现, 本品不具备治疗功效, 不能治疗近视,
"we never pay or reward for reviews", "don't pay outside the platform". Read as bare words these
are the violations themselves. The cues are `negation` rows of exemptions.tsv; only categories whose
words a listing may deny are read so (a prohibited good is not made harmless by 不). Illegal services and
counterfeit wording are denied only by a refusal (绝不刷单, 不做任何仿款, 不是仿品): an original design's maker or
a sewing workshop says what it will not copy; a counterfeiter's 不是高仿，是原单 still has 原单.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scanner.results import Finding

if TYPE_CHECKING:  # pragma: no cover
    from scanner.text.verify.cues import VerifyContext

NEGATABLE = frozenset({"incentivized_review", "medical_claim", "false_claim", "diversion"})
# An illegal service is denied only by a refusal or a plain denial ("我们团队从不刷单", "绝不代考", "不是刷单", "we never
# write essays for you"):
# 不用/无需/不需要 before its words are part of the offer (代办健康证，不用体检), so the cues of exemptions.tsv do not
# count for it.
_REFUSALS_ZH = ("坚决不", "从来不", "绝不", "从不", "拒绝", "杜绝", "严禁", "禁止", "不做", "不接", "不提供", "不参与",
                "不承接", "不搞", "不是", "并非", "不卖", "不售", "非")
_REFUSAL_EN = re.compile(r"(?<![a-z'])(?:never|refuse to|will not|won't|(?:do not|don't|does not|doesn't)\s+(?:offer|provide|do|sell|accept|support|engage in))(?![a-z'])(?:\s+[a-z']+)?\s*$")
REFUSABLE = frozenset({"illegal_service", "counterfeit"})
# Words a refusal may reach past (不做任何仿款, 不接任何品牌仿款, 非任何品牌复刻): what is refused, in general.
_REFUSAL_FILLER = re.compile(r"(?:任何|一切|品牌|大牌|名牌|的|\s)+$")
# Categories where a one-character cue (不) denies: 不返现, 不加微信. Before a claim it is part of the
# claim (不复发, 不反弹), so claims need a longer cue (不能, 不具备).
_SHORT_CUE_CATEGORIES = frozenset({"incentivized_review", "diversion"})
# Where the words before a finding stop counting: a clause break, a comma or a bracket.
_BREAK = re.compile(r"[，,。！？!?；;、\n:：()（）\[\]【】|/\-–—]")
_NOT_A_DENIAL = ("only", "just", "merely")  # not only does it cure …


def denied(findings: list[Finding], originals: dict[str, str], ctx: "VerifyContext") -> list[Finding]:
    """Drop the findings of NEGATABLE categories that a negation cue stands right before; and
    review-reward or contact findings whose own words deny them (reviews - we never pay for them)."""
    zh, en = ctx.cues.negation_zh, ctx.cues.negation_en
    if not zh and not en:
        return findings
    spans: dict[str, list[tuple[int, int]]] = {}
    for f in findings:
        spans.setdefault(f.field, []).append((f.start, f.end))
    out = []
    for f in findings:
        if f.kind == "text" and f.category in NEGATABLE and _is_denied(f, originals.get(f.field, ""), zh, en, spans[f.field]):
            continue
        if f.kind == "text" and f.category in REFUSABLE and refused(originals.get(f.field, "")[max(0, f.start - 48):f.start]):
            continue
        out.append(f)
    return out


def refused(before: str) -> bool:
    """Do the words right before an illegal service's or counterfeit word (in its clause) refuse it (团队从不刷单,
    不接任何品牌仿款, we never do)? 是不是 asks (不知道是不是高仿): no refusal."""
    low = _REFUSAL_FILLER.sub("", before[_clause_start(before):].lower().rstrip())
    if low.endswith(("是不是", "除非", "是非", "莫非")):
        return False
    return low.endswith(_REFUSALS_ZH) or _REFUSAL_EN.search(low) is not None


def _clause_start(before: str) -> int:
    """Where the clause that `before` ends in starts: after its last break (0 if none)."""
    cut = None
    for cut in _BREAK.finditer(before):
        pass
    return 0 if cut is None else cut.end()


def denied_between(gap: str, category: str, ctx: "VerifyContext") -> bool:
    """Does the text between a proximity rule's two cues end in a denial of the later one ("专业团队，绝不刷单",
    "好评，不返现", "contact us here, we never use WhatsApp")? The pair is then no finding: its later word is denied
    as a term right after the same words would be (and the denial must not hide inside the pair's span)."""
    if category in REFUSABLE:
        return refused(gap)
    if category not in NEGATABLE:
        return False
    low = gap.lower().rstrip()
    for cue in ctx.cues.negation_zh:
        if low.endswith(cue) and (len(cue) > 1 or category in _SHORT_CUE_CATEGORIES):
            return True
    # English: only a denying verb ("no" and "without" open pitches too: "cheaper than here, no platform cut")
    return _DENYING_VERB_AT_END.search(low) is not None


_DENYING_VERB_AT_END = re.compile(r"(?<![a-z'])(?:never|don't|do not|won't|will not|doesn't|does not|didn't|did not)"
                                  r"(?![a-z'])(?:\s+[a-z']+){0,2}\s*$")


def _is_denied(f: Finding, text: str, zh: tuple[str, ...], en: re.Pattern | None, spans: list[tuple[int, int]]) -> bool:
    """A cue inside another finding is that finding's word, not a denial of this one: in
    "Never fades and lasts forever" the never belongs to "Never fades"; in "no more insulin 不用…"
    the no belongs to "no more insulin"."""
    lo = max(0, f.start - 48)
    before = text[lo : f.start]
    at = _clause_start(before)
    lo += at
    before = before[at:]
    low = before.lower()
    squeezed = low.rstrip()

    def free(at: int) -> bool:  # `at`: the cue's offset in `before`
        return not any(a <= lo + at < b for a, b in spans)

    for cue in zh:
        if squeezed.endswith(cue) and (len(cue) > 1 or f.category in _SHORT_CUE_CATEGORIES):
            if free(len(squeezed) - len(cue)):
                return True
    if en is None:
        return False
    m = en.search(low)
    if m is not None and m.group(2) not in _NOT_A_DENIAL and free(m.start(1)):
        return True
    # a review reward or contact finding that holds its own denial: "review - we never pay or reward for reviews"
    return f.category in _SHORT_CUE_CATEGORIES and _INNER_DENIAL.search(f.text.lower()) is not None


# Inside a review-reward or contact finding only a denying verb counts ("no" and "not" also open
# offers: no questions asked, not just a gift).
_INNER_DENIAL = re.compile(r"(?<![a-z'])(?:never|don't|do not|won't|will not)(?![a-z'])")
