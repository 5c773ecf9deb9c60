"""The run summary, its HTML report, and progress lines."""
from __future__ import annotations

import io
from collections import Counter

from batch_helpers import FAKE, opts, read_rows

from scanner.batch import run_batch
from scanner.batch.report import render_html
from scanner.batch.summary import Progress


def test_summary_and_report(make_catalogue, tmp_path):
    cat = make_catalogue(800, bad_rate=0.02)
    out = tmp_path / "out.jsonl"
    summary = run_batch(cat, out, FAKE, opts())
    rows = read_rows(out)
    decisions = Counter(r.get("decision") or "error" for r in rows)
    assert summary["decisions"] == {k: decisions.get(k, 0) for k in ("block", "review", "pass", "error")}
    counterfeit = sum(any(f["category"] == "counterfeit" for f in r.get("findings", [])) for r in rows)
    assert summary["categories"].get("counterfeit", 0) == counterfeit > 0
    assert summary["versions"]["wordlists"] == "fake:1"
    html = render_html(summary)
    assert "<svg" in html and "<script" not in html and "http" not in html.split("<body>")[0]
    assert "counterfeit" in html and f"{summary['decisions']['pass']:,}" in html


def test_progress_log_lines_when_not_a_terminal():
    stream = io.StringIO()
    p = Progress(total=100, initial=0, mode="auto", interval=0, stream=stream)
    assert p.mode == "log"
    p.update(40, Counter(block=1, review=2, error=1, **{"pass": 36}))
    p.close()
    text = stream.getvalue()
    assert "40/100 rows (40.0%)" in text and "block=1" in text and "pass=36" in text and "error=1" in text
