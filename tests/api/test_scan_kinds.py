"""Reviews and Q&A over HTTP (#20): `kind` in /v1/scan and /v1/scan/batch, the same result shape plus the
kind, listing_id, speaker and listing_signals; a bad item is that item's 422 `invalid_listing`."""
from __future__ import annotations

from tests.api.conftest import assert_error

REVIEW = {"kind": "review", "id": "r-1", "listing_id": "sku-9", "text": "商家说五星送红包。跟专柜的不一样，明显是假的"}


def test_scan_a_review(client):
    body = client.post("/v1/scan", json=REVIEW).json()
    assert (body["id"], body["kind"], body["listing_id"], body["speaker"]) == ("r-1", "review", "sku-9", "buyer")
    assert body["decision"] == "review"
    assert [(f["category"], f["field"], f["text"]) for f in body["findings"]] == [
        ("incentivized_review", "text", "五星送红包")]
    assert [(s["category"], s["text"]) for s in body["listing_signals"]] == [
        ("counterfeit", "跟专柜的不一样"), ("counterfeit", "明显是假的")]
    assert body["versions"]["speech"].startswith("sha256:")


def test_a_sellers_answer_is_held_to_listing_rules(client):
    body = client.post("/v1/scan", json={"kind": "qa", "speaker": "seller", "text": "史上最强，全网第一"}).json()
    assert body["decision"] == "review" and {f["category"] for f in body["findings"]} == {"absolute_term"}
    buyer = client.post("/v1/scan", json={"kind": "qa", "text": "史上最强，全网第一"}).json()
    assert buyer["decision"] == "pass" and buyer["speaker"] == "buyer"


def test_bad_kind_is_422(client):
    assert_error(client.post("/v1/scan", json={"kind": "review", "title": "x", "text": "y"}), 422, "invalid_listing")
    assert_error(client.post("/v1/scan", json={"kind": "tweet", "text": "y"}), 422, "invalid_listing")
    assert_error(client.post("/v1/scan", json={"kind": "qa", "speaker": "shop", "text": "y"}), 422, "invalid_listing")


def test_batch_mixes_kinds_and_refuses_one_item_only(client):
    rows = client.post("/v1/scan/batch", json={"listings": [
        {"id": 1, "title": "高仿耐克"}, REVIEW, {"kind": "review", "id": 3, "text": "x", "images": [{"data": "x"}]},
        {"kind": "qa", "id": 4, "listing_id": "sku-9", "text": "DM me for cheaper"}]}).json()["results"]
    assert rows[0]["decision"] == "block" and "kind" not in rows[0]
    assert rows[1]["kind"] == "review" and rows[1]["decision"] == "review"
    assert rows[2]["error"]["code"] == "invalid_listing" and rows[2]["id"] == 3
    assert (rows[3]["kind"], rows[3]["decision"], rows[3]["findings"][0]["category"]) == ("qa", "review", "diversion")


def test_openapi_shows_kind(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"kind", "listing_id", "speaker", "text"} <= set(schema["ListingIn"]["properties"])
    assert "listing_signals" in schema["ScanResultOut"]["properties"]
