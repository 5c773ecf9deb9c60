"""The worker pool: a row that kills its worker, a row that hangs (alarm or kill), an engine that
cannot be built."""
from __future__ import annotations

import json
import time

import pytest
from batch_helpers import FAKE, assert_timed_out, comparable, hang_catalogue, opts, read_rows, strict_rows

from scanner.batch import BatchError, EngineSpec, run_batch


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


@pytest.mark.parametrize("workers", [1, 2])
def test_a_row_that_hangs_becomes_a_scan_timeout_row_and_the_batch_goes_on(tmp_path, workers):
    """Python-level hang: the worker's alarm interrupts it; the worker (and its engine) lives on."""
    cat = hang_catalogue(tmp_path, 30, {4: "HANG one", 21: "HANG two"})
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
    run_batch(hang_catalogue(tmp_path / "ref", 30, {}), ref, FAKE, opts())  # same rows without the hangs
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
    cat = hang_catalogue(tmp_path, 40, {9: "STUCK"})
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


def test_engine_that_cannot_be_built_fails_the_run_clearly(make_catalogue, tmp_path):
    cat = make_catalogue(20)
    with pytest.raises(BatchError, match="could not build the scan engine.*No module named 'no_such_module'"):
        run_batch(cat, tmp_path / "o.jsonl", EngineSpec(factory="no_such_module:build"), opts())
