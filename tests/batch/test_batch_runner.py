"""The batch runner with the fake engine: order, error rows, resume, refusals, crashes, summaries."""
from __future__ import annotations

import io
import json
import re
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from batch_helpers import assert_timed_out, comparable, read_rows, strict_rows

from scanner.batch import (BatchError, BatchOptions, EngineSpec, Progress, complete_lines_and_truncate,
                           run_batch, state_path_for)
from scanner.batch.report import render_html

FAKE = EngineSpec(factory="fake_engine:build", with_images=False)


def opts(**kw) -> BatchOptions:
    kw.setdefault("workers", 2)
    kw.setdefault("chunk_size", 7)
    kw.setdefault("progress", "none")
    return BatchOptions(**kw)


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


def test_csv_input(tmp_path):
    cat = tmp_path / "listings.csv"
    cat.write_text(
        "id,title,description,image,authorized_brands\n"
        "c1,高仿耐克 运动鞋,\"两行\n描述\",fixtures/images/a.jpg|https://cdn.example/x.jpg,\n"
        "c2,耐克 跑鞋,正品,,Nike|Adidas\n"
        "c3,too,many,fields,here,extra\n"
        "c4,保温杯,,,\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, FAKE, opts())
    rows = read_rows(out)
    assert [r["id"] for r in rows] == ["c1", "c2", None, "c4"]
    assert [r["line"] for r in rows] == [2, 4, 5, 6]  # c1 spans lines 2-3
    assert rows[0]["decision"] == "block" and rows[2]["error"]["code"] == "invalid_csv"

    from scanner.batch import csv_row_to_listing
    listing = csv_row_to_listing({"id": "c1", "image": "a.jpg|https://cdn.example/x.jpg", "bullets": "a|b",
                                  "authorized_brands": "Nike"})
    assert listing["images"] == [{"path": "a.jpg"}, {"url": "https://cdn.example/x.jpg"}]
    assert listing["bullets"] == ["a", "b"] and listing["seller"] == {"authorized_brands": ["Nike"]}


def test_resume_after_torn_output_gives_the_same_file(make_catalogue, tmp_path):
    cat = make_catalogue(700, bad_rate=0.02)
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    run_batch(cat, full, FAKE, opts())
    run_batch(cat, partial, FAKE, opts())
    # simulate a kill: the state says unfinished, the output stops mid-row
    data = partial.read_bytes()
    cut = data.index(b"\n", len(data) // 3) + 25
    partial.write_bytes(data[:cut])
    state = json.loads(state_path_for(partial).read_text())
    state_path_for(partial).write_text(json.dumps({**state, "complete": False}))
    with pytest.raises(BatchError, match="unfinished"):
        run_batch(cat, partial, FAKE, opts())
    summary = run_batch(cat, partial, FAKE, opts(resume=True))
    assert summary["resumed_from"] == data[:cut].count(b"\n") > 0
    assert [comparable(r) for r in read_rows(partial)] == [comparable(r) for r in read_rows(full)]
    assert summary["rows"] == 700 and sum(summary["decisions"].values()) == 700
    # a second --resume of a finished run scans nothing and changes nothing
    before = partial.read_bytes()
    again = run_batch(cat, partial, FAKE, opts(resume=True))
    assert partial.read_bytes() == before and again["scanned_this_run"] == 0


def test_complete_lines_truncates_partial_line(tmp_path):
    p = tmp_path / "o.jsonl"
    p.write_bytes(b'{"a":1}\n{"a":2}\n{"a":')
    assert complete_lines_and_truncate(p) == 2
    assert p.read_bytes() == b'{"a":1}\n{"a":2}\n'


def test_resume_refuses_a_different_input(make_catalogue, tmp_path):
    cat = make_catalogue(100)
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, FAKE, opts())
    cat.write_text(cat.read_text(encoding="utf-8").replace("sku-", "SKU-"), encoding="utf-8")
    with pytest.raises(BatchError, match="not the input"):
        run_batch(cat, out, FAKE, opts(resume=True))


def test_resume_refuses_changed_word_lists(make_catalogue, tmp_path):
    cat = make_catalogue(300)
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, FAKE, opts())
    data = out.read_bytes()
    out.write_bytes(data[: data.index(b"\n", len(data) // 2) + 1])
    newer = EngineSpec(factory="fake_engine:build", settings={"fake_version": "fake:2"}, with_images=False)
    with pytest.raises(BatchError, match="versions changed"):
        run_batch(cat, out, newer, opts(resume=True))
    assert out.read_bytes() == data[: data.index(b"\n", len(data) // 2) + 1]  # nothing mixed in


def test_a_row_that_kills_its_worker_becomes_an_error_row(tmp_path):
    cat = tmp_path / "c.jsonl"
    rows = [{"id": f"r{i}", "title": "POISON" if i == 17 else f"mug {i}"} for i in range(40)]
    cat.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    spec = EngineSpec(factory="fake_engine:build", settings={"crash_on": "POISON"}, with_images=False)
    summary = run_batch(cat, out, spec, opts(chunk_size=5))
    result = read_rows(out)
    assert [r["line"] for r in result] == list(range(1, 41))
    assert result[17]["error"]["code"] == "worker_crashed" and result[17]["line"] == 18
    assert all("error" not in r for i, r in enumerate(result) if i != 17)
    assert summary["worker_restarts"] >= 1


def _hang_catalogue(tmp_path, n: int, hang: dict[int, str]):
    cat = tmp_path / "c.jsonl"
    rows = [{"id": f"r{i}", "title": hang.get(i, f"mug {i} 高仿" if i % 3 == 0 else f"mug {i}")} for i in range(n)]
    cat.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return cat


@pytest.mark.parametrize("workers", [1, 2])
def test_a_row_that_hangs_becomes_a_scan_timeout_row_and_the_batch_goes_on(tmp_path, workers):
    """Python-level hang: the worker's alarm interrupts it; the worker (and its engine) lives on."""
    cat = _hang_catalogue(tmp_path, 30, {4: "HANG one", 21: "HANG two"})
    out, ref = tmp_path / "out.jsonl", tmp_path / "ref.jsonl"
    spec = EngineSpec(factory="fake_engine:build", settings={"hang_on": "HANG"}, with_images=False)
    started = time.monotonic()
    summary = run_batch(cat, out, spec, opts(workers=workers, chunk_size=4, row_timeout=0.5))
    seconds = time.monotonic() - started
    result = strict_rows(out)
    assert [r["line"] for r in result] == list(range(1, 31))  # every row accounted for, in order
    for i in (4, 21):
        assert_timed_out(result[i], f"r{i}")
    (tmp_path / "ref").mkdir()  # (not tmp_path / "..": that directory is shared with other tests)
    run_batch(_hang_catalogue(tmp_path / "ref", 30, {}), ref, FAKE, opts())  # same rows without the hangs
    expected = read_rows(ref)
    assert [comparable(r) for i, r in enumerate(result) if i not in (4, 21)] == \
        [comparable(r) for i, r in enumerate(expected) if i not in (4, 21)]
    assert summary["errors"] == {} and summary["incomplete"] == {"scan_timeout": 2}
    assert summary["decisions"]["review"] == sum(r["decision"] == "review" for r in result)
    assert summary["worker_restarts"] == 0
    assert seconds < 30, seconds  # not a hang (two 0.5 s limits + start-up)


def test_a_row_that_ignores_the_alarm_gets_its_worker_killed(tmp_path):
    """A hang the alarm cannot interrupt (like C code): the parent kills the worker past the hard
    limit; the row becomes scan_timeout, the other rows of every chunk in flight are rescanned."""
    cat = _hang_catalogue(tmp_path, 40, {9: "STUCK"})
    out = tmp_path / "out.jsonl"
    spec = EngineSpec(factory="fake_engine:build", settings={"hard_hang_on": "STUCK"}, with_images=False)
    started = time.monotonic()
    summary = run_batch(cat, out, spec, opts(workers=2, chunk_size=4, row_timeout=0.5))
    seconds = time.monotonic() - started
    result = strict_rows(out)
    assert [r["line"] for r in result] == list(range(1, 41))
    assert_timed_out(result[9], "r9")
    assert "killed" in result[9]["incomplete"][0]["message"]
    assert result[9]["versions"]["wordlists"] == "fake:1"  # built by a worker's engine, like any row
    assert all("error" not in r for r in result)
    assert summary["errors"] == {} and summary["incomplete"] == {"scan_timeout": 1}
    assert summary["worker_restarts"] == 0  # a kill for a hung row is not a crash: it does not use up --max-restarts
    assert seconds < 60, seconds


def test_row_timeout_then_resume_gives_the_same_file(tmp_path):
    cat = _hang_catalogue(tmp_path, 30, {3: "HANG", 25: "HANG"})
    spec = EngineSpec(factory="fake_engine:build", settings={"hang_on": "HANG"}, with_images=False)
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    run_batch(cat, full, spec, opts(chunk_size=4, row_timeout=0.3))
    run_batch(cat, partial, spec, opts(chunk_size=4, row_timeout=0.3))
    data = partial.read_bytes()
    partial.write_bytes(data[: data.index(b"\n", len(data) // 2) + 10])  # killed mid-write, after row 3's timeout
    state = json.loads(state_path_for(partial).read_text())
    state_path_for(partial).write_text(json.dumps({**state, "complete": False}))
    summary = run_batch(cat, partial, spec, opts(chunk_size=4, row_timeout=0.3, resume=True))
    assert [comparable(r) for r in read_rows(partial)] == [comparable(r) for r in read_rows(full)]
    assert summary["incomplete"] == {"scan_timeout": 2} and summary["rows"] == 30
    for i in (3, 25):
        assert_timed_out(read_rows(partial)[i], f"r{i}")


def test_engine_that_cannot_be_built_fails_the_run_clearly(make_catalogue, tmp_path):
    cat = make_catalogue(20)
    with pytest.raises(BatchError, match="could not build the scan engine.*No module named 'no_such_module'"):
        run_batch(cat, tmp_path / "o.jsonl", EngineSpec(factory="no_such_module:build"), opts())


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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=30), st.booleans())
def test_reader_yields_exactly_one_item_per_physical_line(lines, trailing_newline):
    from scanner.batch import iter_jsonl

    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    items = list(iter_jsonl(io.BytesIO(data), max_line_bytes=16))
    expected = len(lines) if data else 0
    if lines and not trailing_newline and lines[-1] == b"" and len(lines) >= 1:
        expected = len(lines) - 1  # "a\n" + "" : the empty tail after the last newline is not a line
    assert [i[0] for i in items] == list(range(1, expected + 1))
    for (line_no, kind, payload), original in zip(items, lines):
        if len(original) > 16:
            assert payload[0] == "line_too_long"
        else:
            assert payload == original.removesuffix(b"\r")


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.text(max_size=20).map(lambda t: t.replace("\n", " ")), max_size=20),
       torn=st.binary(max_size=15))
def test_torn_output_is_cut_back_to_whole_rows(rows, torn, tmp_path_factory):
    path = tmp_path_factory.mktemp("torn") / "o.jsonl"
    whole = "".join(json.dumps(r) + "\n" for r in rows).encode()
    path.write_bytes(whole + torn.replace(b"\n", b""))
    assert complete_lines_and_truncate(path) == len(rows)
    assert path.read_bytes() == whole


def test_gzip_input(make_catalogue, tmp_path):
    import gzip

    cat = make_catalogue(300, bad_rate=0.05)
    gz = tmp_path / "catalogue.jsonl.gz"
    gz.write_bytes(gzip.compress(cat.read_bytes()))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run_batch(cat, a, FAKE, opts())
    run_batch(gz, b, FAKE, opts())
    assert [comparable(r) for r in read_rows(a)] == [comparable(r) for r in read_rows(b)]
