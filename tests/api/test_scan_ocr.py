"""OCR over HTTP (issue #16): the server default (SCANNER_OCR) and a listing's own `"options": {"ocr": …}`,
on /v1/scan and on a batch (which is scanned by a pinned copy of the scanner sharing the OCR reader)."""
from __future__ import annotations

import base64

import pytest

from scanner.images import ocr
from tests.images.test_ocr import WECHAT, drawn, needs_font

pytestmark = [needs_font, pytest.mark.skipif(not ocr.available(), reason="the `ocr` extra is not installed")]


def _listing(**extra) -> dict:
    data, _ = drawn(WECHAT)
    return {"id": "sku-9", "title": "纯棉T恤", "images": [{"data": base64.b64encode(data).decode()}], **extra}


@pytest.mark.parametrize("server_default,options,read", [
    (False, None, False),
    (False, {"ocr": True}, True),
    (True, None, True),
    (True, {"ocr": False}, False),
])
def test_scan_reads_image_text_when_asked(make_client, server_default, options, read):
    client = make_client(ocr=server_default, ocr_per_request=True)  # who may ask: test_ocr_permission.py
    body = _listing(**({"options": options} if options is not None else {}))
    r = client.post("/v1/scan", json=body)
    assert r.status_code == 200, r.text
    row = r.json()
    assert ("image_text" in row) is read and ("ocr" in row["versions"]) is read, row.get("image_errors")
    assert [f["kind"] for f in row["findings"]] == (["image_text"] if read else [])
    if read:
        assert row["decision"] == "review" and row["findings"][0]["category"] == "diversion"


def test_a_batch_reads_only_the_listings_that_ask(make_client):
    client = make_client(ocr_per_request=True)
    r = client.post("/v1/scan/batch", json={"listings": [_listing(options={"ocr": True}), _listing()]})
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert [f["category"] for f in first["findings"]] == ["diversion"] and "image_text" in first
    assert second["findings"] == [] and "image_text" not in second


def test_a_bad_option_is_the_listings_error(make_client):
    r = make_client().post("/v1/scan", json=_listing(options={"ocr": "yes"}))
    assert r.status_code == 422
    assert r.json()["error"] == {"code": "invalid_options", "message": "option 'options.ocr' must be true or false, got str"}
