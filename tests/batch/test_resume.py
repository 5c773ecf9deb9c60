"""Resume: a torn output is cut back and continued to the same file; a different input or
changed word lists are refused."""
from __future__ import annotations

import json

import pytest
from batch_helpers import FAKE, assert_timed_out, comparable, hang_catalogue, opts, read_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.batch import BatchError, EngineSpec, run_batch, state_path_for
from scanner.batch.resume import complete_lines_and_truncate


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


def test_row_timeout_then_resume_gives_the_same_file(tmp_path):
    cat = hang_catalogue(tmp_path, 30, {3: "HANG", 25: "HANG"})
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


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.text(max_size=20).map(lambda t: t.replace("\n", " ")), max_size=20),
       torn=st.binary(max_size=15))
def test_torn_output_is_cut_back_to_whole_rows(rows, torn, tmp_path_factory):
    path = tmp_path_factory.mktemp("torn") / "o.jsonl"
    whole = "".join(json.dumps(r) + "\n" for r in rows).encode()
    path.write_bytes(whole + torn.replace(b"\n", b""))
    assert complete_lines_and_truncate(path) == len(rows)
    assert path.read_bytes() == whole
