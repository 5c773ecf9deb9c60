"""What changed between two scans of the same catalogue: which listings changed decision, and why.

A compliance team runs the catalogue against a candidate word list or gallery, then
`scanner diff OLD NEW` to preview the impact before publishing. Each listing is
reduced to its decision, score and the set of *causes* behind it:

* a text finding -> ("text", category, term)
* an image finding -> ("image", "counterfeit_image", gallery id)

each with its effect (block/review/none). A changed listing is explained by the causes
that are new, gone, or whose effect changed (e.g. a policy change turned a review
term into a block term).

Memory stays flat when both files list the catalogue in the same order (the usual
rescan): rows are compared as they stream by, and only rows that are out of step are
held until their partner turns up.
"""
from __future__ import annotations

import json

from scanner import jsonio
from scanner.results import version_label
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

RANK = {"pass": 0, "review": 1, "block": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class RowState:
    key: Any
    id: Any
    line: int | None
    decision: str            # pass/review/block, or "error"
    score: int | None
    causes: dict[tuple[str, str, str], str]  # (kind, category, term|gallery id) -> effect
    error_code: str | None
    versions: dict[str, str] | None


def row_state(row: dict[str, Any], line_no: int) -> RowState:
    error = row.get("error")
    causes: dict[tuple[str, str, str], str] = {}
    for f in row.get("findings") or ():
        if f.get("kind") == "image":
            key = ("image", f.get("category") or "counterfeit_image", str(f.get("gallery_id")))
        else:
            key = ("text", f.get("category") or "", str(f.get("term") or f.get("text") or ""))
        effect = f.get("effect") or "review"
        # several findings for one term: keep the strongest effect
        if key not in causes or _effect_rank(effect) > _effect_rank(causes[key]):
            causes[key] = effect
    listing_id = row.get("id")
    key = ("id", listing_id) if listing_id is not None else ("line", row.get("line") or line_no)
    return RowState(
        key=key, id=listing_id, line=row.get("line") or line_no,
        decision="error" if error else str(row.get("decision")), score=None if error else row.get("score"),
        causes=causes, error_code=(error or {}).get("code"), versions=row.get("versions"),
    )


def _effect_rank(effect: str) -> int:
    return {"none": 0, "review": 1, "block": 2}.get(effect, 1)


def iter_states(path: str | Path) -> Iterator[RowState]:
    with open(path, "rb") as fh:
        for n, data in enumerate(fh, 1):
            if not data.strip():
                continue
            try:
                row = jsonio.loads(data)
            except jsonio.InvalidNumber as exc:
                raise ValueError(f"{path}:{n}: {exc}") from None
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not a JSON line ({exc.msg})") from None
            yield row_state(row, n)


def compare_rows(old: RowState, new: RowState) -> dict[str, Any] | None:
    """The change record for one listing, or None if nothing a reviewer cares about changed."""
    added = [k for k in new.causes if k not in old.causes]
    removed = [k for k in old.causes if k not in new.causes]
    changed = [k for k in new.causes if k in old.causes and new.causes[k] != old.causes[k]]
    if old.decision == new.decision and old.score == new.score and not (added or removed or changed):
        return None
    return {
        "id": new.id if new.id is not None else old.id,
        "line": new.line,
        "old": {"decision": old.decision, "score": old.score, **({"error": old.error_code} if old.error_code else {})},
        "new": {"decision": new.decision, "score": new.score, **({"error": new.error_code} if new.error_code else {})},
        "decision_changed": old.decision != new.decision,
        "added": [_cause(k, new.causes[k]) for k in added],
        "removed": [_cause(k, old.causes[k]) for k in removed],
        "effect_changed": [{**_cause(k, new.causes[k]), "old_effect": old.causes[k]} for k in changed],
    }


def _cause(key: tuple[str, str, str], effect: str) -> dict[str, str]:
    kind, category, name = key
    d = {"kind": kind, "category": category, "effect": effect}
    d["gallery_id" if kind == "image" else "term"] = name
    return d


def _cause_label(c: dict[str, str]) -> str:
    name = c.get("term") if c["kind"] == "text" else f"gallery {c.get('gallery_id')}"
    return f"{name} [{c['category']}, {c['effect']}]"


def diff_files(old_path: str | Path, new_path: str | Path, *, include_unchanged_decisions: bool = False,
               max_listed: int | None = None) -> dict[str, Any]:
    """Compare two result files. `changes` lists listings whose decision changed (and,
    with include_unchanged_decisions, those whose findings or score changed too)."""
    changes: list[dict[str, Any]] = []
    transitions: Counter = Counter()
    cause_counts: Counter = Counter()
    totals = Counter()
    versions = {"old": None, "new": None}
    pending_old: dict[Any, RowState] = {}
    pending_new: dict[Any, RowState] = {}
    listed_truncated = 0

    def record(old: RowState, new: RowState) -> None:
        nonlocal listed_truncated
        totals["compared"] += 1
        change = compare_rows(old, new)
        if change is None:
            return
        if change["decision_changed"]:
            totals["decision_changed"] += 1
            transitions[f"{old.decision} -> {new.decision}"] += 1
            for c in change["added"]:
                cause_counts[("+", c.get("term") or c.get("gallery_id"), c["category"])] += 1
            for c in change["removed"]:
                cause_counts[("-", c.get("term") or c.get("gallery_id"), c["category"])] += 1
            for c in change["effect_changed"]:
                cause_counts[("~", c.get("term") or c.get("gallery_id"), c["category"])] += 1
        else:
            totals["findings_changed"] += 1
        if change["decision_changed"] or include_unchanged_decisions:
            if max_listed is None or len(changes) < max_listed:
                changes.append(change)
            else:
                listed_truncated += 1

    def unique_key(pending: dict, state: RowState) -> Any:
        key, n = state.key, 1
        while (key, n) in pending:
            n += 1
        return (key, n)

    old_iter, new_iter = iter_states(old_path), iter_states(new_path)
    while True:
        o = next(old_iter, None)
        n = next(new_iter, None)
        if o is None and n is None:
            break
        for state, name in ((o, "old"), (n, "new")):
            if state is not None and versions[name] is None and state.versions and state.decision != "error":
                versions[name] = state.versions
        if o is not None and n is not None and o.key == n.key:
            record(o, n)
            continue
        # out of step: match through the pending tables
        if o is not None:
            partner = _pop_first(pending_new, o.key)
            if partner is not None:
                record(o, partner)
            else:
                pending_old[unique_key(pending_old, o)] = o
        if n is not None:
            partner = _pop_first(pending_old, n.key)
            if partner is not None:
                record(partner, n)
            else:
                pending_new[unique_key(pending_new, n)] = n

    only_old = [s.id if s.id is not None else f"line {s.line}" for s in pending_old.values()]
    only_new = [s.id if s.id is not None else f"line {s.line}" for s in pending_new.values()]
    totals["only_old"], totals["only_new"] = len(only_old), len(only_new)
    return {
        "old": str(old_path), "new": str(new_path), "versions": versions,
        "totals": {k: totals.get(k, 0) for k in ("compared", "decision_changed", "findings_changed", "only_old", "only_new")},
        "transitions": dict(sorted(transitions.items(), key=lambda kv: -kv[1])),
        "causes": [{"change": {"+": "new", "-": "gone", "~": "effect changed"}[sign], "name": name,
                    "category": cat, "listings": count}
                   for (sign, name, cat), count in sorted(cause_counts.items(), key=lambda kv: (-kv[1], kv[0]))],
        "changes": changes,
        "changes_not_listed": listed_truncated,
        "only_old": only_old[:1000], "only_new": only_new[:1000],
    }


def _pop_first(pending: dict, key: Any) -> RowState | None:
    n = 1
    if (key, n) not in pending:
        return None
    state = pending.pop((key, n))
    # keep occurrence numbering dense so later duplicates still pair in order
    while (key, n + 1) in pending:
        pending[(key, n)] = pending.pop((key, n + 1))
        n += 1
    return state


def format_diff(diff: dict[str, Any], limit: int = 50) -> str:
    t = diff["totals"]
    v = diff["versions"]
    lines = [f"{t['decision_changed']:,} of {t['compared']:,} listings changed decision"
             + (f"; {t['findings_changed']:,} more changed findings only" if t["findings_changed"] else "")]
    if v.get("old") and v.get("new") and v["old"] != v["new"]:
        for k in sorted(set(v["old"]) | set(v["new"])):
            if v["old"].get(k) != v["new"].get(k):
                lines.append(f"  {k}: {version_label(v['old'].get(k))} -> {version_label(v['new'].get(k))}")
    if t["only_old"] or t["only_new"]:
        lines.append(f"  {t['only_old']:,} listings only in the old results, {t['only_new']:,} only in the new")
    if diff["transitions"]:
        lines.append("")
        lines.append("transitions:")
        lines.extend(f"  {k:<18} {v:>8,}" for k, v in diff["transitions"].items())
    if diff["causes"]:
        lines.append("")
        lines.append("why (listings whose decision changed):")
        for c in diff["causes"][:limit]:
            sign = {"new": "+", "gone": "-", "effect changed": "~"}[c["change"]]
            lines.append(f"  {sign} {c['name']} [{c['category']}]  {c['listings']:,}")
    if diff["changes"]:
        lines.append("")
        lines.append("listings:")
        for ch in diff["changes"][:limit]:
            o, n = ch["old"], ch["new"]
            head = f"  {ch['id'] if ch['id'] is not None else 'line ' + str(ch['line'])}: " \
                   f"{o['decision']} ({o['score']}) -> {n['decision']} ({n['score']})"
            why = [f"+{_cause_label(c)}" for c in ch["added"]] + [f"-{_cause_label(c)}" for c in ch["removed"]] + [
                f"~{_cause_label(c)} was {c['old_effect']}" for c in ch["effect_changed"]]
            for key in ("old", "new"):
                if ch[key].get("error"):
                    why.append(f"{key} error: {ch[key]['error']}")
            lines.append(head + ("   " + "; ".join(why) if why else ""))
        more = len(diff["changes"]) - limit + diff.get("changes_not_listed", 0)
        if more > 0:
            lines.append(f"  … {more:,} more (use --json or --limit)")
    return "\n".join(lines)
