"""The report's listing table (scanner/batch/listings_table.py): a bounded sample that keeps, per decision,
the highest-scoring listings; checked against sorting every row (the oracle), and rendered with filters."""
from __future__ import annotations

import json
import random

import pytest

from scanner.batch.listings_table import collect, collect_file, render


def result(i, decision, score, findings=(), error=None):
    row = {"id": f"sku-{i}", "line": i + 1, "decision": decision, "score": score,
           "findings": [{"category": c, "text": t, "field": "title", "effect": "block" if c == "counterfeit" else "review",
                         "brand": b} for c, t, b in findings]}
    if error:
        row = {"id": f"sku-{i}", "line": i + 1, "error": {"code": error, "message": "line is not JSON"}}
    return row


def oracle(rows, per_decision):
    """Sort every row: highest score first, then the earlier line, and keep the first n of each decision."""
    out = {}
    for d in ("block", "review", "error"):
        mine = [r for r in rows if ("error" if r.get("error") else r["decision"]) == d]
        mine.sort(key=lambda r: (-(r.get("score") or 0), r["line"]))
        out[d] = [r["id"] for r in mine[:per_decision]]
    return out


@pytest.mark.parametrize("n,per_decision,seed", [(0, 5, 1), (7, 5, 2), (500, 10, 3), (2000, 1, 4), (300, 1000, 5)])
def test_keeps_the_highest_scores_of_each_decision(n, per_decision, seed):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        kind = rng.choice(["pass", "pass", "review", "block", "error"])
        if kind == "error":
            rows.append(result(i, None, None, error="invalid_json"))
        else:
            band = {"pass": (0, 0), "review": (30, 69), "block": (70, 100)}[kind]
            rows.append(result(i, kind, rng.randint(*band)))  # many ties: the earlier line must win
    table = collect(rows, per_decision)
    assert {d: [r.id for r in table.rows[d]] for d in table.rows} == oracle(rows, per_decision)
    assert sum(table.totals.values()) == n


def test_rendered_rows_show_findings_and_filters(tmp_path):
    rows = [
        result(0, "block", 98, [("counterfeit", "高仿", None), ("brand", "耐克", "Nike")]),
        result(1, "review", 61, [("diversion", "加微信", None)]),
        result(2, "pass", 0),
        result(3, None, None, error="invalid_json"),
        result(4, "review", 45, [("brand", "<script>alert(1)</script>", "Evil & Co")]),
    ]
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "not json\n", encoding="utf-8")
    html = render(collect_file(path, per_decision=10))
    assert html.count('<tr class="l') == 4  # block, two reviews and the error row; never the pass
    assert html.index("sku-0") < html.index("sku-1") < html.index("sku-4")  # block first, then by score
    assert "<q>高仿</q>" in html and "<q>加微信</q>" in html and "invalid_json" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "Evil &amp; Co" in html  # escaped
    for control in ('id="f-decision-block"', 'id="f-category-counterfeit"', 'id="f-category-diversion"'):
        assert control in html
    # the CSS filter hides rows of other categories when one is chosen
    assert "body:has(#f-category-diversion:checked) tr.l:not(.c-diversion){display:none}" in html
    assert 'class="l d-review c-diversion"' in html


def test_batch_report_lists_the_flagged_listings(make_catalogue, tmp_path):
    from batch_helpers import FAKE, opts

    from scanner.batch import run_batch
    from scanner.batch.report import render_html

    cat = make_catalogue(300, bad_rate=0.02)
    out = tmp_path / "out.jsonl"
    summary = run_batch(cat, out, FAKE, opts())
    html = render_html(summary, listings=collect_file(out, per_decision=50))
    flagged = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    flagged = [r for r in flagged if r.get("error") or r.get("decision") in ("block", "review")]
    assert html.count('<tr class="l') == sum(min(50, sum((("error" if r.get("error") else r["decision"]) == d)
                                                          for r in flagged)) for d in ("block", "review", "error"))
    assert "<script" not in html
