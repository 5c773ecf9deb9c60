"""Rows: every input row is answered by one output row, bad ones by an error row naming their line.

One bad row never ends a batch run (issue #13, findings 3 and 9): a lone surrogate, an integer
Python will not parse (over 4,300 digits), NaN / Infinity / 1e400 -- each is one row's answer, the
run goes on, every input row has exactly one output row in order, and the output is strict JSON."""
from __future__ import annotations

import json

import pytest
from batch_helpers import FAKE, comparable, opts, read_rows, strict_rows

from scanner.batch import BatchOptions, run_batch, state_path_for

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


def test_bad_rows_become_error_rows_with_line_numbers(tmp_path):
    cat = tmp_path / "bad.jsonl"
    lines = [
        b'{"id": "ok-1", "title": "\xe9\xab\x98\xe4\xbb\xbf \xe8\x80\x90\xe5\x85\x8b"}',  # 高仿 耐克
        b'{"id": "broken", "title": "no end',
        b"",
        b"\xff\xfe not utf-8",
        b'["not", "an", "object"]',
        b'{"id": "typed", "title": 42}',
        b'{"id": "long", "title": "' + b"x" * 5000 + b'"}',
        b"  {\"id\": \"ok-2\", \"title\": \"plain mug\"}  \r",
        b'{"id": "ok-3", "description": "last line, no newline"}',
    ]
    cat.write_bytes(b"\n".join(lines))
    out = tmp_path / "out.jsonl"
    summary = run_batch(cat, out, FAKE, opts(max_line_bytes=1000))
    rows = read_rows(out)
    assert len(rows) == len(lines)
    codes = [r.get("error", {}).get("code") for r in rows]
    assert codes == [None, "invalid_json", "empty_line", "invalid_encoding", "invalid_listing", "invalid_listing",
                     "line_too_long", None, None]
    assert rows[0]["decision"] == "block" and rows[7]["decision"] == "pass" and rows[8]["id"] == "ok-3"
    assert rows[1] == {"id": None, "line": 2, "error": rows[1]["error"]} and "line 2" in rows[1]["error"]["message"]
    assert rows[5]["id"] == "typed" and rows[6]["line"] == 7
    assert summary["decisions"]["error"] == 6
    assert summary["errors"] == {"invalid_listing": 2, "invalid_json": 1, "empty_line": 1, "invalid_encoding": 1,
                                 "line_too_long": 1}


V = '"versions":{"wordlists":"fake:1","gallery":"none","scanner":"test"}'


# (work item, its output row to the byte): the row shapes every batch interface writes -- `id`, then
# `line`, then the contract result; an error row is the contract's FailedScan plus `line`.
ITEMS = [
    ((1, "ERROR", ("line_too_long", "line 1 is long")),
     '{"id":null,"line":1,"error":{"code":"line_too_long","message":"line 1 is long"}}'),
    ((2, "ERROR", ("invalid_csv", "bad", "c9")), '{"id":"c9","line":2,"error":{"code":"invalid_csv","message":"bad"}}'),
    ((3, "RAW", b"\xff"),
     '{"id":null,"line":3,"error":{"code":"invalid_encoding","message":"line 3 is not valid UTF-8 (byte 0)"}}'),
    ((4, "RAW", b"  "), '{"id":null,"line":4,"error":{"code":"empty_line","message":"line 4 is empty"}}'),
    ((5, "RAW", b'{"id": "a", "title": "plain mug"}'),
     '{"id":"a","line":5,"decision":"pass","score":0,"findings":[],' + V + ',"took_ms":0.01}'),
    ((6, "LISTING", {"id": 7, "title": 3}),
     '{"id":7,"line":6,"error":{"code":"invalid_listing","message":"field \'title\' must be a string"},' + V + '}'),
    ((7, "TIMED_OUT", ("RAW", b'{"id": "slow"}', "too slow")),
     '{"id":"slow","line":7,"decision":"review","score":30,"findings":[],' + V
     + ',"took_ms":0.0,"incomplete":[{"code":"scan_timeout","message":"too slow"}]}'),
]


@pytest.mark.parametrize("item,expected", ITEMS, ids=[e[1] + f"-{e[0]}" for e, _ in ITEMS])
def test_each_work_item_becomes_one_row_of_the_contract_shape(item, expected):
    from scanner import jsonio
    from scanner.batch import build_engine, rows

    line, kind, payload = item
    if kind == "TIMED_OUT":
        payload = (getattr(rows, payload[0]), *payload[1:])
    engine = build_engine(FAKE)
    assert jsonio.dumps(rows.process_item(engine, line, getattr(rows, kind), payload)).decode() == expected
