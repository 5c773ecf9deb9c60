"""`scanner batch --policy NAME` (#20): every row without its own options.policy is scanned under the
profile, an unknown profile stops the run before any row, and a resume refuses another profile."""
from __future__ import annotations

import argparse
import json
from dataclasses import replace

import pytest
from batch_helpers import FAKE, opts, read_rows

from scanner.batch import run_batch
from scanner.batch.spec import BatchError, EngineBuildError, EngineSpec, build_engine, spec_from_args

ROWS = [{"id": "a", "title": "最有效的保湿面霜 50ml"},                                   # absolute claim
        {"id": "b", "title": "最有效的保湿面霜 50ml", "options": {"policy": "secondhand"}},  # its own wins
        {"id": "c", "title": "保湿面霜 50ml 适合干性肌肤"}]                                # hard negative


def _write(tmp_path, rows):
    cat = tmp_path / "in.jsonl"
    cat.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return cat, tmp_path / "out.jsonl"


def test_run_policy_under_each_rows_own(tmp_path, real_engine_reason):
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    cat, out = _write(tmp_path, ROWS)
    run_batch(cat, out, EngineSpec(with_images=False, options={"policy": "cosmetics"}), opts(workers=1))
    got = [(r["id"], r["decision"], r["versions"]["policy"]["name"]) for r in read_rows(out)]
    assert got == [("a", "block", "cosmetics"), ("b", "pass", "secondhand"), ("c", "pass", "cosmetics")]


def test_unknown_run_policy_stops_before_any_row(real_engine_reason):
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    with pytest.raises(EngineBuildError, match="'cosmetic'.*known: cosmetics, default, medicine, secondhand"):
        build_engine(EngineSpec(with_images=False, options={"policy": "cosmetic"}))


def test_policy_flag_reaches_the_spec():
    args = argparse.Namespace(no_images=True, engine_factory=None, policy="secondhand")
    assert spec_from_args(args).options == {"policy": "secondhand"}
    with pytest.raises(Exception, match="options.policy"):
        spec_from_args(argparse.Namespace(no_images=True, engine_factory=None, policy="x" * 41))


def test_resume_refuses_another_policy(tmp_path):
    cat, out = _write(tmp_path, [{"id": str(i), "title": "T恤"} for i in range(3)])
    run_batch(cat, out, replace(FAKE, options={"policy": "cosmetics"}), opts(workers=1))
    with pytest.raises(BatchError, match="started with options .*cosmetics.*--policy"):
        run_batch(cat, out, replace(FAKE, options={"policy": "secondhand"}), opts(workers=1, resume=True))
