"""One bad row never ends a batch run (issue #13, findings 3 and 9): a lone surrogate, an integer
Python will not parse (over 4,300 digits), NaN / Infinity / 1e400 -- each is one row's answer, the
run goes on, every input row has exactly one output row in order, and the output is strict JSON."""
from __future__ import annotations

import json

import pytest
from batch_helpers import comparable, strict_rows

from scanner.batch import BatchOptions, EngineSpec, run_batch, state_path_for

FAKE = EngineSpec(factory="fake_engine:build", with_images=False)
BIG = "9" * 5000  # Python refuses int("9" * 4301) (CVE-2020-10735 limit): json.loads raises ValueError

# (JSONL line as the seller's file holds it, expected answer): ("decision", id, decision) for a row
# that scans, ("invalid_number", id, field named in the message) for a row refused for its number.
ROWS = [
    ('{"id": "ok-1", "title": "高仿 耐克 运动鞋"}', ("decision", "ok-1", "block")),
    ('{"id": "\\udfff", "title": "ceramic mug"}', ("decision", "\udfff", "pass")),
    ('{"id": "sur-title", "title": "mug \\ud800 最佳"}', ("decision", "sur-title", "review")),
    ('{"id": "big-attr", "title": "mug", "attributes": {"weight": ' + BIG + '}}',
     ("invalid_number", "big-attr", "attributes.weight")),
    ('{"id": ' + BIG + ', "title": "mug"}', ("invalid_number", None, "id")),
    ('{"id": -' + BIG + ', "title": "mug"}', ("invalid_number", None, "id")),
    ('{"id": NaN, "title": "mug"}', ("invalid_number", None, "id")),
    ('{"id": "inf-price", "title": "mug", "price": Infinity}', ("invalid_number", "inf-price", "price")),
    ('{"id": "neg-inf", "title": "mug", "bullets": ["cotton", -Infinity]}', ("invalid_number", "neg-inf", "bullets[1]")),
    ('{"id": "e400", "title": "mug", "rating": 1e400}', ("invalid_number", "e400", "rating")),
    ('{"id": "nested", "title": "mug", "seller": {"scores": [1, {"x": NaN}]}}',
     ("invalid_number", "nested", "seller.scores[1].x")),
    ('{"id": 12345678901234567890, "title": "最佳 mug"}', ("decision", 12345678901234567890, "review")),
    ('{"id": "tiny", "title": "mug", "weight": 1e-400}', ("decision", "tiny", "pass")),  # underflows to 0.0: fine
    ('{"id": "ok-last", "title": "加微信 mug"}', ("decision", "ok-last", "review")),
]


def _catalogue(tmp_path, rows=ROWS, name="bad.jsonl"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line, _ in rows), encoding="utf-8")
    return path


def _check(row: dict, expected: tuple) -> None:
    kind, listing_id, detail = expected
    assert row["id"] == listing_id, row
    if kind == "decision":
        assert "error" not in row and row["decision"] == detail, row
    else:
        assert row["error"]["code"] == kind, row
        assert f"line {row['line']}" in row["error"]["message"] and detail in row["error"]["message"], row


@pytest.mark.parametrize("workers,chunk_size", [(1, 100), (2, 3)])
def test_every_bad_row_is_one_row_of_strict_json_and_the_run_goes_on(tmp_path, workers, chunk_size):
    cat = _catalogue(tmp_path)
    out = tmp_path / "out.jsonl"
    summary = run_batch(cat, out, FAKE, BatchOptions(workers=workers, chunk_size=chunk_size, progress="none"))
    rows = strict_rows(out)
    assert [r["line"] for r in rows] == list(range(1, len(ROWS) + 1))
    for row, (_, expected) in zip(rows, ROWS):
        _check(row, expected)
    refused = sum(e[0] == "invalid_number" for _, e in ROWS)
    assert summary["errors"] == {"invalid_number": refused} and summary["decisions"]["error"] == refused
    assert summary["rows"] == len(ROWS)


def test_resume_continues_past_bad_rows(tmp_path):
    rows = ROWS * 4
    cat = _catalogue(tmp_path, rows)
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    opts = dict(workers=2, chunk_size=2, progress="none")
    run_batch(cat, full, FAKE, BatchOptions(**opts))
    run_batch(cat, partial, FAKE, BatchOptions(**opts))
    data = partial.read_bytes()
    cut = data.index(b"\n", len(data) // 3) + 7  # killed mid-write, a third of the way in
    partial.write_bytes(data[:cut])
    state = json.loads(state_path_for(partial).read_text(encoding="utf-8"))
    state_path_for(partial).write_text(json.dumps({**state, "complete": False}), encoding="utf-8")
    summary = run_batch(cat, partial, FAKE, BatchOptions(resume=True, **opts))
    assert 0 < summary["resumed_from"] < len(rows)
    assert [comparable(r) for r in strict_rows(partial)] == [comparable(r) for r in strict_rows(full)]
    for row, (_, expected) in zip(strict_rows(partial), rows):
        _check(row, expected)


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("column,value,code,detail", [
    ("attributes", '{"weight": ' + BIG + '}', "invalid_number", "attributes.weight"),
    ("attributes", '{"weight": NaN}', "invalid_number", "attributes.weight"),
    ("bullets", '["cotton", 1e400]', "invalid_number", "bullets[1]"),
    ("bullets", DEEP, "invalid_csv", "nested too deeply"),
])
def test_csv_column_with_a_bad_number_is_one_error_row(tmp_path, column, value, code, detail):
    import csv

    cat = tmp_path / "c.csv"
    with open(cat, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", column])
        w.writerow(["a", "高仿 包", ""])
        w.writerow(["b", "mug", value])
        w.writerow(["c", "mug", ""])
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, FAKE, BatchOptions(workers=1, progress="none"))
    rows = strict_rows(out)
    assert [r["line"] for r in rows] == [2, 3, 4]
    assert rows[0]["decision"] == "block" and rows[2]["decision"] == "pass"
    assert rows[1]["error"]["code"] == code and detail in rows[1]["error"]["message"], rows[1]
    assert rows[1]["id"] == "b"
