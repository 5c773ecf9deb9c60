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


@pytest.mark.parametrize("row_options,language,masked", [
    (None, "zh", True),                                # the run's options
    ({"language": "en"}, "en", True),                  # a row's own option wins, the rest still the run's
    ({"mask": False}, "zh", False),
])
def test_run_options_apply_under_each_rows_own(tmp_path, real_engine_reason, row_options, language, masked):
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    row = {"id": "a", "title": "高仿耐克", "description": f"卡号 {CARD}"}
    if row_options is not None:
        row["options"] = row_options
    cat, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    cat.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    run_batch(cat, out, EngineSpec(with_images=False, options={"language": "zh", "mask": True}), opts(workers=1))
    [got] = read_rows(out)
    why = next(f["explanation"] for f in got["findings"] if f["category"] == "counterfeit")
    assert why.startswith("假冒用语" if language == "zh" else "counterfeit wording"), why
    assert ("masked" in got) is masked
    if masked:
        assert got["masked"]["description"] == "卡号 6222********9080"


def test_resume_refuses_other_run_options(tmp_path):
    from batch_helpers import FAKE

    from scanner.batch.spec import BatchError
    from dataclasses import replace

    cat, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    cat.write_text("".join(json.dumps({"id": str(i), "title": "T恤"}) + "\n" for i in range(3)), encoding="utf-8")
    run_batch(cat, out, replace(FAKE, options={"language": "zh"}), opts(workers=1))
    with pytest.raises(BatchError, match="started with options"):
        run_batch(cat, out, FAKE, opts(workers=1, resume=True))
