"""A batch file of reviews and Q&A (#20): JSONL rows with `kind`, and CSV rows with kind/text/speaker/listing_id
columns, go through the same engine and give the same rows as the library."""
from __future__ import annotations

import json

import pytest
from batch_helpers import opts, read_rows

from scanner.batch import run_batch
from scanner.batch.readers import csv_row_to_listing
from scanner.batch.spec import EngineSpec

ROWS = [
    {"id": "l1", "title": "高仿耐克 运动鞋"},
    {"kind": "review", "id": "r1", "listing_id": "sku-9", "text": "好评返现5元，明显是假的"},
    {"kind": "qa", "id": "q1", "listing_id": "sku-9", "speaker": "seller", "text": "亲，全网最低价"},
    {"kind": "review", "id": "r2", "text": "x", "title": "not allowed"},
]


def test_jsonl_rows_with_kind(tmp_path, real_engine_reason):
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    cat = tmp_path / "in.jsonl"
    cat.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, EngineSpec(with_images=False), opts(workers=1))
    got = read_rows(out)
    assert [r.get("decision") for r in got] == ["block", "review", "review", None]
    assert "kind" not in got[0]
    assert (got[1]["kind"], got[1]["listing_id"], [f["category"] for f in got[1]["findings"]],
            [s["text"] for s in got[1]["listing_signals"]]) == ("review", "sku-9", ["incentivized_review"], ["明显是假的"])
    assert (got[2]["speaker"], [f["category"] for f in got[2]["findings"]]) == ("seller", ["absolute_term"])
    assert got[3]["error"]["code"] == "invalid_listing" and got[3]["id"] == "r2"


@pytest.mark.parametrize("row, listing", [
    ({"kind": "review", "id": "r1", "listing_id": "sku-9", "text": "DM me"},
     {"kind": "review", "id": "r1", "listing_id": "sku-9", "text": "DM me"}),
    ({"kind": "qa", "sku": "q1", "listing_id": "sku-9", "speaker": " seller ", "text": "是正品"},
     {"kind": "qa", "id": "q1", "listing_id": "sku-9", "speaker": "seller", "text": "是正品"}),
    # a listing row: listing_id is still the listing's own id; a text or speaker cell is passed on for the engine
    # to refuse (redteam15: a file of reviews without a kind column passed every row unscanned)
    ({"kind": "", "listing_id": "sku-1", "title": "T恤"}, {"id": "sku-1", "title": "T恤"}),
    ({"kind": "", "listing_id": "sku-1", "title": "T恤", "text": "好评返现"}, {"id": "sku-1", "title": "T恤", "text": "好评返现"}),
    ({"listing_id": "sku-2", "speaker": "buyer", "text": "加微信 abc123"}, {"id": "sku-2", "speaker": "buyer", "text": "加微信 abc123"}),
    ({"kind": "review", "id": "r3", "title": "t", "text": "x"}, {"kind": "review", "id": "r3", "title": "t", "text": "x"}),
])
def test_csv_review_rows(row, listing):
    assert csv_row_to_listing(row) == listing


def test_a_csv_of_reviews_without_a_kind_column_is_refused_row_by_row(tmp_path, real_engine_reason):
    """A careless export: reviews with id/listing_id/text columns but no kind. Each row was read as a listing with
    no copy and passed; now each is an invalid_listing error row naming the missing kind, and the run goes on."""
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    cat = tmp_path / "reviews.csv"
    cat.write_text("id,listing_id,text\nr1,sku-9,高仿耐克 加微信 abc123\nr2,sku-9,好评返现5元\nr3,sku-9,\n",
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, EngineSpec(with_images=False), opts(workers=1))
    got = read_rows(out)
    assert [(r.get("decision"), (r.get("error") or {}).get("code")) for r in got] == [
        (None, "invalid_listing"), (None, "invalid_listing"), ("pass", None)]
    assert "kind" in got[0]["error"]["message"]
