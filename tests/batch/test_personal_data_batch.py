"""A batch rescan writes personal data masked (issue #20 item 2): no output row, summary or
checkpoint file holds an ID or card number found in the input; a row may ask for a masked copy."""
from __future__ import annotations

import json

import pytest
from batch_helpers import opts, read_rows

from scanner.batch import run_batch
from scanner.batch.spec import EngineSpec

ID, CARD = "11010519491231002X", "6222526018159080"


def test_batch_output_holds_no_value(tmp_path, real_engine_reason):
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    cat = tmp_path / "in.jsonl"
    rows = [{"id": "a", "description": f"身份证 {ID}"},
            {"id": "b", "description": f"卡号 {CARD}", "options": {"mask": True}},
            {"id": "c", "title": "纯棉T恤"}]
    cat.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, EngineSpec(with_images=False), opts(workers=1))
    got = read_rows(out)
    assert [[f["text"] for f in r["findings"]] for r in got] == [["110105********002X"], ["6222********9080"], []]
    assert got[1]["masked"] == {"description": "卡号 6222********9080"} and "masked" not in got[0]
    written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*")
                      if p.is_file() and p != cat)
    assert ID not in written and CARD not in written
