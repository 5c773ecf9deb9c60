"""The report's listing table: which listings were blocked or sent to review, and why.

A run can hold millions of rows, so the table is a bounded sample read from the results file in one streaming
pass: for each of block, review and error, the `per_decision` rows with the highest score (ties: the earlier
row), so the listings that most need a person come first. Every row shows its findings as category chips with
the words that fired and the field they stand in. The full list is always the results file itself.

Filtering needs no script: one radio button per decision, category and brand, and CSS `:has()` rules that hide
the rows without it (a browser without `:has()` shows every row).
"""
from __future__ import annotations

import heapq
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Iterable

DEFAULT_PER_DECISION = 1000
SHOWN_DECISIONS = ("block", "review", "error")
MAX_BRAND_FILTERS = 20
MAX_FINDINGS_SHOWN = 8


@dataclass(frozen=True, order=True)
class ListedRow:
    """One listing in the table, ordered so that heapq keeps the highest scores (then the earliest rows)."""

    score: int
    order: int  # -line: among equal scores, the earlier row ranks higher
    decision: str = field(compare=False)
    id: str = field(compare=False)
    line: int | None = field(compare=False)
    findings: tuple[tuple[str, str, str], ...] = field(compare=False)  # (category, text, field)
    brands: tuple[str, ...] = field(compare=False)
    error: str = field(compare=False, default="")


@dataclass
class ListingsTable:
    per_decision: int
    rows: dict[str, list[ListedRow]]
    totals: Counter  # rows of each decision in the whole run (the table shows at most per_decision of each)


def collect(results: Iterable[dict[str, Any]], per_decision: int = DEFAULT_PER_DECISION) -> ListingsTable:
    heaps: dict[str, list[ListedRow]] = {d: [] for d in SHOWN_DECISIONS}
    totals: Counter = Counter()
    for k, row in enumerate(results):
        decision = "error" if row.get("error") else row.get("decision")
        totals[decision] += 1
        if decision not in heaps:
            continue
        line = row.get("line") if isinstance(row.get("line"), int) else k + 1
        listed = ListedRow(
            score=row.get("score") or 0, order=-line, decision=decision,
            id="" if row.get("id") is None else str(row["id"]), line=line,
            findings=tuple((str(f.get("category")), str(f.get("text") or f.get("gallery_id") or ""), str(f.get("field")))
                           for f in row.get("findings") or () if f.get("effect") != "none"),
            brands=tuple(sorted({str(f["brand"]) for f in row.get("findings") or () if f.get("brand")})),
            error=(f"{row['error'].get('code')}: {row['error'].get('message')}" if row.get("error") else ""),
        )
        heap = heaps[decision]
        if len(heap) < per_decision:
            heapq.heappush(heap, listed)
        elif listed > heap[0]:
            heapq.heapreplace(heap, listed)
    return ListingsTable(per_decision, {d: sorted(h, reverse=True) for d, h in heaps.items()}, totals)


def collect_file(path: str | Path, per_decision: int = DEFAULT_PER_DECISION) -> ListingsTable:
    """Stream a results JSONL (as `scanner batch` wrote it) into the table; unreadable lines are skipped."""
    def rows():
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            for text in fh:
                try:
                    row = json.loads(text)
                except ValueError:
                    continue
                if isinstance(row, dict):
                    yield row
    return collect(rows(), per_decision)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", value.lower()).strip("-") or "x"


def render(table: ListingsTable) -> str:
    shown = [r for d in SHOWN_DECISIONS for r in table.rows[d]]
    if not shown:
        return "<section><h2>Listings</h2><p class=meta>no listing was blocked, sent to review or refused</p></section>"
    categories = sorted({c for r in shown for c, _, _ in r.findings})
    brands = [b for b, _ in Counter(b for r in shown for b in r.brands).most_common(MAX_BRAND_FILTERS)]
    brand_ids = {b: f"b{i}" for i, b in enumerate(brands)}

    def radios(group: str, options: list[tuple[str, str]]) -> str:
        out = [f'<span class=fl>{escape(group)}:</span>']
        for value, label in [("all", "all")] + options:
            rid = f"f-{group}-{_slug(value)}"
            out.append(f'<span class=opt><input type=radio name=f-{group} id="{rid}"{" checked" if value == "all" else ""}>'
                       f'<label for="{rid}">{escape(label)}</label></span>')
        return "<div class=filter>" + "".join(out) + "</div>"

    rules = []
    for d in SHOWN_DECISIONS:
        rules.append(f'body:has(#f-decision-{d}:checked) tr.l:not(.d-{d}){{display:none}}')
    for c in categories:
        rules.append(f'body:has(#f-category-{_slug(c)}:checked) tr.l:not(.c-{_slug(c)}){{display:none}}')
    for b, bid in brand_ids.items():
        rules.append(f'body:has(#f-brand-{bid}:checked) tr.l:not(.{bid}){{display:none}}')

    body = []
    for r in shown:
        classes = " ".join(["l", f"d-{r.decision}"] + sorted({f"c-{_slug(c)}" for c, _, _ in r.findings})
                           + [brand_ids[b] for b in r.brands if b in brand_ids])
        chips = "".join(f'<span class="chip k-{_slug(c)}">{escape(c)}</span> <q>{escape(text)}</q>'
                        f'<span class=meta> {escape(where)}</span><br>'
                        for c, text, where in r.findings[:MAX_FINDINGS_SHOWN])
        if len(r.findings) > MAX_FINDINGS_SHOWN:
            chips += f"<span class=meta>… {len(r.findings) - MAX_FINDINGS_SHOWN} more</span>"
        if r.error:
            chips = f"<span class=meta>{escape(r.error)}</span>"
        body.append(f'<tr class="{classes}"><td><code>{escape(r.id)}</code></td><td class=n>{r.line or ""}</td>'
                    f'<td>{escape(r.decision)}</td><td class=n>{r.score}</td>'
                    f'<td>{chips}</td><td>{escape(", ".join(r.brands))}</td></tr>')
    sampled = ", ".join(
        f"{d} {len(table.rows[d]):,} of {table.totals.get(d, 0):,}" for d in SHOWN_DECISIONS if table.totals.get(d))
    return "".join([
        "<section><h2>Listings</h2>",
        f"<p class=meta>The highest-scoring {table.per_decision:,} listings of each decision ({escape(sampled)}); "
        "every row is in the results file. Filters need a browser with CSS <code>:has()</code>.</p>",
        f"<style>{''.join(rules)}</style>",
        radios("decision", [(d, d) for d in SHOWN_DECISIONS if table.rows[d]]),
        radios("category", [(c, c) for c in categories]),
        radios("brand", [(brand_ids[b], b) for b in brands]) if brands else "",
        "<table class=listings><tr><th>id</th><th>line</th><th>decision</th><th>score</th><th>findings</th>"
        f"<th>brands</th></tr>{''.join(body)}</table></section>",
    ])
