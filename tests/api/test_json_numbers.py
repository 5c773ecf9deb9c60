"""Numbers JSON can write but we cannot hold, and text we must echo (issue #13, findings 3 and 9).

An integer of more than 4,300 digits (Python refuses to parse it), NaN / Infinity literals and a
float out of range (1e400) used to give a 500, fail a whole batch, or echo `NaN`/`Infinity` --
which no strict JSON parser reads. Now the listing that holds one gets a clear `invalid_number`
error naming the field, the other listings of a batch are scanned, and every body is strict JSON.
"""
from __future__ import annotations

import io
import json

import pytest

BIG = "9" * 5000

# (listing as raw JSON text, field path the error must name)
BAD_LISTINGS = [
    ('{"id": "p-1", "title": "mug", "price": ' + BIG + '}', "price"),
    ('{"id": ' + BIG + ', "title": "mug"}', "id"),
    ('{"id": -' + BIG + ', "title": "mug"}', "id"),
    ('{"id": NaN, "title": "mug"}', "id"),
    ('{"id": "inf", "title": "mug", "rating": Infinity}', "rating"),
    ('{"id": "e400", "title": "mug", "rating": 1e400}', "rating"),
    ('{"id": "b", "title": "mug", "bullets": ["cotton", -Infinity]}', "bullets[1]"),
    ('{"id": "a", "title": "mug", "attributes": {"weight": ' + BIG + '}}', "attributes.weight"),
]
GOOD = '{"id": "good-%d", "title": "高仿 耐克 运动鞋"}'
JSON = {"content-type": "application/json"}


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def strict(resp) -> dict:
    """The body as a strict parser reads it: UTF-8, no NaN/Infinity."""
    return json.loads(resp.content.decode("utf-8"), parse_constant=_no_constant)


def _id_of(text: str):
    """The listing's id if it is one we can echo (a string), else None."""
    start = text.find('"id": "')
    return text[start + 7:text.index('"', start + 7)] if start >= 0 else None


@pytest.mark.parametrize("listing,field", BAD_LISTINGS)
def test_scan_answers_422_invalid_number_naming_the_field(client, listing, field):
    resp = client.post("/v1/scan", content=listing.encode(), headers=JSON)
    assert resp.status_code == 422, resp.text[:300]
    body = strict(resp)
    assert body["error"]["code"] == "invalid_number" and field in body["error"]["message"], body
    assert BIG not in resp.text  # the number is not echoed back in full


def test_batch_with_bad_listings_scans_the_others(client):
    listings = [GOOD % 0]
    for i, (bad, _) in enumerate(BAD_LISTINGS):
        listings += [bad, GOOD % (i + 1)]
    listings.append('{"id": "\\udfff", "title": "高仿 \\ud800"}')
    body = '{"listings": [' + ", ".join(listings) + "]}"
    resp = client.post("/v1/scan/batch", content=body.encode(), headers=JSON)
    assert resp.status_code == 200, resp.text[:300]
    results = strict(resp)["results"]
    assert len(results) == len(listings)
    for i, (bad, field) in enumerate(BAD_LISTINGS):
        row = results[1 + 2 * i]
        assert row["error"]["code"] == "invalid_number" and field in row["error"]["message"], row
        assert row["id"] == _id_of(bad), row
    goods = [r for i, r in enumerate(results[:-1]) if i % 2 == 0]
    assert [r["id"] for r in goods] == [f"good-{i}" for i in range(len(BAD_LISTINGS) + 1)]
    assert all(r["decision"] == "block" for r in goods)
    assert results[-1]["id"] == "\udfff" and results[-1]["decision"] == "block"


@pytest.mark.parametrize("body,status,code", [
    ('{"listings": [{"id": "a", "title": "mug"}], "note": NaN}', 422, "invalid_number"),
    ('{"listings": [{"id": "a", "title": "mug"}], "page": ' + BIG + '}', 422, "invalid_number"),
    ('{"listings": ' + BIG + '}', 422, "invalid_number"),
])
def test_batch_with_a_bad_number_outside_the_listings_is_refused(client, body, status, code):
    resp = client.post("/v1/scan/batch", content=body.encode(), headers=JSON)
    assert resp.status_code == status, resp.text[:300]
    assert strict(resp)["error"]["code"] == code


def _png() -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (64, 48), (240, 240, 240))
    ImageDraw.Draw(im).rectangle((16, 12, 48, 36), fill=(200, 30, 30))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("listing,field", BAD_LISTINGS)
def test_image_upload_with_a_bad_listing_field_is_422(client, listing, field):
    resp = client.post("/v1/scan/image", files={"images": ("a.png", _png(), "image/png")}, data={"listing": listing})
    assert resp.status_code == 422, resp.text[:300]
    body = strict(resp)
    assert body["error"]["code"] == "invalid_number" and field in body["error"]["message"], body


@pytest.mark.parametrize("route", ["/v1/scan", "/v1/scan/image"])
def test_lone_surrogates_are_echoed_as_strict_json(client, route):
    listing = '{"id": "\\udfff", "title": "高仿 \\ud800 包"}'
    if route == "/v1/scan":
        resp = client.post(route, content=listing.encode(), headers=JSON)
    else:
        resp = client.post(route, files={"images": ("a.png", _png(), "image/png")}, data={"listing": listing})
    assert resp.status_code == 200, resp.text[:300]
    body = strict(resp)
    assert body["id"] == "\udfff" and body["decision"] == "block"
