"""Proximity rules: two cue words of one rule in one clause make a finding (好评 … 返现)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from scanner.results import Finding
from scanner.text.matcher import Candidate
from scanner.text.verify.boundaries import span_key
from scanner.text.verify.cues import VerifyContext
from scanner.text.verify.explain import basis, reason
from scanner.text.verify.negation import denied_between

# A sentence break between two cues: sentence punctuation, or a '.' ending a sentence (not 2.5, t.me).
# Commas do not break: 五星好评，联系客服返2元 is one offer.
_CLAUSE_BREAK = re.compile(r"[。！？!?；;\n]|\.(?![\d\w])")


# A word that counts only beside a brand (1:1, 看不出区别, not authentic: `needs_brand`, rules.py) is dropped later
# when the listing names none (listing_rules.brand_dependent). A pair it covers must not be lost with it, so the
# pairs are read both ways and each reading is marked with the condition under which it stands; brand_dependent
# keeps one of them. Without such a word both readings are the same and nothing is marked.
IF_BRAND, IF_NO_BRAND = "if_brand", "if_no_brand"


def unless_brand(findings: list[Finding]) -> list[Finding]:
    """`findings` marked to stand only if the listing names no brand (brand_dependent decides)."""
    return [f._replace(reasons=f.reasons + (reason(IF_NO_BRAND),)) for f in findings]


def _stands_beside_a_brand(f: Finding) -> bool:
    return all(r.code != IF_NO_BRAND for r in f.reasons)


def _stands_without_a_brand(f: Finding) -> bool:
    return all(r.code not in ("needs_brand", IF_BRAND) for r in f.reasons)


def paired_either_way(
    cues: list[Candidate], findings: list[Finding], ctx: VerifyContext, joined_only: set[tuple]
) -> list[Finding]:
    """`proximity_findings` as the listing will read once brand_dependent has decided: the findings that stand
    whether or not the listing names a brand unmarked, the others marked IF_BRAND or IF_NO_BRAND."""
    if not cues:
        return []
    if all(_stands_beside_a_brand(f) and _stands_without_a_brand(f) for f in findings):
        return proximity_findings(cues, findings, ctx, joined_only)
    beside = proximity_findings(cues, [f for f in findings if _stands_beside_a_brand(f)], ctx, joined_only)
    # a pair wholly inside such a word is that word's own wording (Looks identical to the original: the list says
    # it counts only beside a brand); a pair reaching beyond it adds a cue the word does not have (柜姐 … 看不出区别)
    weak = [f for f in findings if not _stands_without_a_brand(f)]
    alone = [p for p in proximity_findings(cues, [f for f in findings if _stands_without_a_brand(f)], ctx, joined_only)
             if not any(w.field == p.field and w.category == p.category and w.start <= p.start and p.end <= w.end
                        for w in weak)]
    if alone == beside:
        return beside
    both = [f for f in beside if f in alone]
    return (both + [f._replace(reasons=f.reasons + (reason(IF_BRAND),)) for f in beside if f not in alone]
            + [f._replace(reasons=f.reasons + (reason(IF_NO_BRAND),)) for f in alone if f not in beside])


def proximity_findings(
    cues: list[Candidate], findings: list[Finding], ctx: VerifyContext, joined_only: set[tuple]
) -> list[Finding]:
    """Pair each rule's first and second cues that stand in one clause within its window;
    overlapping pairs merge into one finding (Free gift for a 5-star review), and so do
    overlapping findings of two rules of one category (一吃就瘦10斤: 'works at once' and
    'weight loss in a set time'), so an editor sees one highlight, not two stacked."""
    if not cues:
        return []
    rules = ctx.wordlists.proximity
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
            s = _nearest_pair(f, seconds, second_at, rule, joined_only=joined_only, ctx=ctx)
            if s is not None:
                spans.append([min(f.start, s.start), max(f.end, s.end), f, s])
        for s in seconds:  # and from the other side, so every cue in a phrase is covered
            f = _nearest_pair(s, firsts, first_at, rule, anchor_is_first=False, joined_only=joined_only, ctx=ctx)
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
            score = ctx.policy.severity_scores.get(rule.severity, 0.75) - 0.05  # two words: a little less certain
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
                    effect=ctx.policy.action(rule.category),
                    suggestion=rule.suggestion,
                    explanation="",
                    reasons=(
                        reason("proximity", category=rule.category, first=f.pattern.alias, second=s.pattern.alias,
                               source=rule.source),
                        *basis(rule.note),
                    ),
                ),
                f.norm.original,
                index,
            ))
    made += _across_fields(by_rule, {m[2] for m in made}, taken, ctx, joined_only)
    return _merge_overlapping(made)


def _across_fields(by_rule, paired_rules: set[int], taken, ctx: VerifyContext, joined_only: set[tuple]) -> list:
    """Rules of order `any_field` (#15) whose cues stand in two different fields of the listing and
    were paired in none: a finding at the first cue of each kind, each naming the other (伟哥 in the
    title, 不用处方直接发 in the description). Cues that count only joined to another are left out."""
    rules = ctx.wordlists.proximity
    per_rule: dict[int, dict[str, list[Candidate]]] = {}
    for (index, field), group in by_rule.items():
        if rules[index].any_field and index not in paired_rules:
            for c in group:
                if span_key(c) not in joined_only:
                    per_rule.setdefault(index, {}).setdefault(c.pattern.form, []).append(c)
    made = []
    for index, forms in per_rule.items():
        firsts, seconds = forms.get("first"), forms.get("second")
        if not firsts or not seconds:
            continue
        f = min(firsts, key=lambda c: (c.field, c.start))
        s = next((c for c in sorted(seconds, key=lambda c: (c.field, c.start)) if c.field != f.field), None)
        if s is None:
            f = next((c for c in sorted(firsts, key=lambda c: (c.field, c.start)) if c.field != seconds[0].field), None)
            s = seconds[0] if f is not None else None
        if s is None or f is None:
            continue
        rule = rules[index]
        for cue, other in ((f, s), (s, f)):
            starts, ends = taken.get((cue.field, rule.category), ((), ()))
            i = bisect_left(starts, cue.end)
            if i > 0 and max(ends[max(0, i - 4) : i]) > cue.start:
                continue  # a dictionary term already says it
            score = ctx.policy.severity_scores.get(rule.severity, 0.75) - 0.1  # two fields: less certain still
            first, second = (cue, other) if cue.pattern.form == "first" else (other, cue)
            made.append((
                Finding(
                    kind="text", category=rule.category, field=cue.field, start=cue.start, end=cue.end,
                    text=cue.norm.original[cue.start : cue.end], term=rule.rule, severity=rule.severity,
                    score=score, effect=ctx.policy.action(rule.category), suggestion=rule.suggestion,
                    explanation="",
                    reasons=(
                        reason("proximity_fields", category=rule.category, first=first.pattern.alias,
                               second=second.pattern.alias, fields=f"{first.field} + {second.field}",
                               source=rule.source),
                        *basis(rule.note),
                    ),
                ),
                cue.norm.original,
                index,
            ))
    return made


def _merge_overlapping(made: list[tuple[Finding, str, int]]) -> list[Finding]:
    """Overlapping findings (each with its field's original text and rule index) of one field
    and category become one: the span covering them all, with the rule, score and reasons
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
        others = tuple(dict.fromkeys(f.term for f in fs if f.term != best.term))
        merged[min(group)] = best._replace(
            start=start, end=end, text=original[start:end],
            reasons=best.reasons + ((reason("merged_rules", terms=others),) if others else ()),
        )
    return [merged[i] for i in sorted(merged)]


def _nearest_pair(
    f: Candidate, others: list[Candidate], positions: list[int], rule, anchor_is_first: bool = True,
    joined_only: set[tuple] = frozenset(), ctx: VerifyContext | None = None,
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
        if gap > rule.window or (gap > 0 and joined_only and (span_key(f) in joined_only or span_key(s) in joined_only)):
            continue
        if best is not None and gap >= best[0]:
            continue  # cannot beat the nearest so far: skip the clause search (dense cues ran it per pair)
        lo, hi = (f.end, s.start) if after else (s.end, f.start)
        if _CLAUSE_BREAK.search(f.norm.original, lo, hi):
            continue
        if ctx is not None and denied_between(f.norm.original[lo:hi], rule.category, ctx):
            continue  # 团队，绝不刷单: the later word is denied
        best = (gap, s)
    return None if best is None else best[1]
