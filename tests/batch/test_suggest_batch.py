"""`scanner batch --suggest` (issue #18): every row that does not say otherwise carries the suggested copy."""
from __future__ import annotations

import argparse
import json

import pytest
from batch_helpers import opts, read_rows

from scanner.batch import run_batch
from scanner.batch.spec import EngineSpec, spec_from_args


def test_the_flag_becomes_the_runs_option():
    args = argparse.Namespace(no_images=True, engine_factory=None, suggest=True, mask=False, lang=None)
    assert spec_from_args(args).options == {"suggest": True}


def test_rows_carry_the_suggested_copy(tmp_path, real_engine_reason):
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    rows = [{"id": "a", "title": "顶级品质 面膜 史上最强补水", "description": "好评返现5元，加VX: abc123 领券，全网最低价"},
            {"id": "b", "title": "耐克 运动短裤 全网最好", "options": {"suggest": False}}]
    cat, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    cat.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    run_batch(cat, out, EngineSpec(with_images=False, options={"suggest": True}), opts(workers=1))
    a, b = read_rows(out)
    assert a["suggested"] == {"title": "高品质 面膜 强劲补水", "description": "优惠价"}
    assert (a["suggested_manual"], a["suggested_decision"]) == (0, "pass")
    assert "suggested" not in b  # the row's own option wins
