"""Who may turn OCR on (redteam15): OCR is the costliest stage, so a server whose operator left it off
(SCANNER_OCR=false) refuses a request's `"options": {"ocr": true}` with 422 `ocr_not_allowed`, unless the operator
let requests ask (SCANNER_OCR_PER_REQUEST=true). Asking for OCR off is always allowed. Before, any client could
turn OCR on for its own request whatever the server said.

Whether OCR was used is read from the result's `versions.ocr` (present only when the images were given to the
reader, "unavailable" without the `ocr` extra), so these tests hold with or without the extra.
"""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import assert_error
from tests.support import b64, png_bytes

PHOTO = png_bytes((64, 48), (235, 235, 230))
LISTING = {"id": "sku-7", "title": "纯棉T恤 男款 夏季", "images": [{"data": b64(PHOTO)}]}

# (SCANNER_OCR, SCANNER_OCR_PER_REQUEST, the listing's options, OCR used; None: refused with ocr_not_allowed)
CASES = [
    (False, False, None, False),
    (False, False, {"ocr": False}, False),
    (False, False, {"ocr": True}, None),
    (False, False, {"ocr": True, "language": "zh"}, None),
    (False, True, {"ocr": True}, True),
    (False, True, None, False),
    (True, False, None, True),
    (True, False, {"ocr": True}, True),
    (True, False, {"ocr": False}, False),
]


def _ids(case) -> str:
    server, per_request, options, _ = case
    return f"SCANNER_OCR={server}-PER_REQUEST={per_request}-{json.dumps(options)}"


@pytest.mark.parametrize("server,per_request,options,used", CASES, ids=[_ids(c) for c in CASES])
def test_a_request_may_turn_ocr_on_only_where_the_operator_allows(make_client, server, per_request, options, used):
    client = make_client(ocr=server, ocr_per_request=per_request)
    body = {**LISTING, **({"options": options} if options is not None else {})}
    resp = client.post("/v1/scan", json=body)
    if used is None:
        message = assert_error(resp, 422, "ocr_not_allowed")["error"]["message"]
        assert "options.ocr" in message and "SCANNER_OCR_PER_REQUEST" in message
        return
    assert resp.status_code == 200, resp.text
    assert ("ocr" in resp.json()["versions"]) is used


def test_a_batch_refuses_only_the_listings_that_ask(make_client):
    client = make_client(ocr=False)
    resp = client.post("/v1/scan/batch", json={"listings": [{**LISTING, "options": {"ocr": True}}, LISTING]})
    assert resp.status_code == 200, resp.text
    asked, plain = resp.json()["results"]
    assert asked["id"] == "sku-7" and asked["error"]["code"] == "ocr_not_allowed"
    assert plain["decision"] == "pass" and "ocr" not in plain["versions"]
    # the batch's own options are every listing's: each is refused alike
    resp = client.post("/v1/scan/batch", json={"listings": [LISTING, LISTING], "options": {"ocr": True}})
    assert [row["error"]["code"] for row in resp.json()["results"]] == ["ocr_not_allowed"] * 2


def test_an_upload_asking_for_ocr_is_refused_where_it_is_off(make_client):
    client = make_client(ocr=False)
    files = [("images", ("photo.png", PHOTO, "image/png"))]
    for data in ({"options": '{"ocr": true}'}, {"listing": json.dumps({"title": "纯棉T恤", "options": {"ocr": True}})}):
        assert_error(client.post("/v1/scan/image", files=files, data=data), 422, "ocr_not_allowed")
    assert client.post("/v1/scan/image", files=files, data={"options": '{"ocr": false}'}).status_code == 200


def test_the_openapi_description_says_who_may_turn_ocr_on(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ScanOptionsIn"]["properties"]["ocr"]
    assert "ocr_not_allowed" in schema["description"] and "SCANNER_OCR_PER_REQUEST" in schema["description"]
