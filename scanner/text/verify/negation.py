"""Stage 4b: a finding denied by the words right before it is dropped (#15).

Sellers and honest listings alike state what they do NOT do: 好评不返现, 本品不具备治疗功效, 不能治疗近视,
"we never pay or reward for reviews", "don't pay outside the platform". Read as bare words these
are the violations themselves. The cues are `negation` rows of exemptions.tsv; only categories whose
words a listing may deny are read so (a counterfeit or prohibited good is not made harmless by 不).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scanner.results import Finding

if TYPE_CHECKING:  # pragma: no cover
    from scanner.text.verify.cues import VerifyContext

NEGATABLE = frozenset({"incentivized_review", "medical_claim", "false_claim", "diversion"})
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
        out.append(f)
    return out


def _is_denied(f: Finding, text: str, zh: tuple[str, ...], en: re.Pattern | None, spans: list[tuple[int, int]]) -> bool:
    """A cue inside another finding is that finding's word, not a denial of this one: in
    "Never fades and lasts forever" the never belongs to "Never fades"; in "no more insulin 不用…"
    the no belongs to "no more insulin"."""
    lo = max(0, f.start - 48)
    before = text[lo : f.start]
    cut = None
    for cut in _BREAK.finditer(before):
        pass
    if cut is not None:
        lo += cut.end()
        before = before[cut.end() :]
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
