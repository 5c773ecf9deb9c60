"""The batch runner with the fake engine: every row answered, in order, whatever the workers and chunks."""
from __future__ import annotations

import re

from batch_helpers import FAKE, comparable, opts, read_rows

from scanner.batch import run_batch


def test_order_is_preserved_and_every_row_answered(make_catalogue, tmp_path):
    cat = make_catalogue(1500, bad_rate=0.03)
    out = tmp_path / "out.jsonl"
    summary = run_batch(cat, out, FAKE, opts(chunk_size=13))
    rows = read_rows(out)
    lines = cat.read_text(encoding="utf-8").split("\n")[:-1]
    assert len(rows) == len(lines) == summary["rows"] == 1500
    assert [r["line"] for r in rows] == list(range(1, 1501))
    for line, row in zip(lines, rows):
        m = re.match(r'\{"id": "(sku-\d+)"', line)
        if m and not row.get("error", {}).get("code") == "invalid_json":
            assert row["id"] == m.group(1)
    assert sum(r["id"] is not None for r in rows) > 1400
    assert sum(summary["decisions"].values()) == 1500


def test_same_output_whatever_the_workers_and_chunks(make_catalogue, tmp_path):
    cat = make_catalogue(400, bad_rate=0.05)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run_batch(cat, a, FAKE, opts(workers=1, chunk_size=1000))
    run_batch(cat, b, FAKE, opts(workers=2, chunk_size=3))
    assert [comparable(r) for r in read_rows(a)] == [comparable(r) for r in read_rows(b)]
