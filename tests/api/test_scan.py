"""POST /v1/scan, /v1/scan/batch, /v1/scan/image: contract shapes, limits, input errors."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import assert_error
from tests.support import b64, png_bytes

COUNTERFEIT = {"id": "sku-1", "title": "高仿耐克 运动鞋 男款", "description": "透气网布"}
CLEAN = {"id": "sku-2", "title": "纯棉圆领T恤 男女同款", "description": "100%棉，可机洗"}


def test_counterfeit_listing_is_blocked_with_exact_offsets(client):
    resp = client.post("/v1/scan", json=COUNTERFEIT)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["id"] == "sku-1"
    assert body["decision"] == "block"
    assert 0 <= body["score"] <= 100
    assert set(body["versions"]) == {"wordlists", "gallery", "image_rules", "listing_model", "scanner", "policy"}  # policy: #20; listing_model: #15; image_rules: #17
    assert isinstance(body["took_ms"], (int, float))
    counterfeit = [f for f in body["findings"] if f["category"] == "counterfeit"]
    assert counterfeit, body["findings"]
    for f in body["findings"]:
        original = COUNTERFEIT[f["field"]]
        assert original[f["start"]:f["end"]] == f["text"]


def test_clean_listing_passes(client):
    body = client.post("/v1/scan", json=CLEAN).json()
    assert body["decision"] == "pass", body
    assert body["id"] == "sku-2"


def test_id_is_optional_and_unicode_survives(client):
    body = client.post("/v1/scan", content=json.dumps({"title": "精仿 包包"}, ensure_ascii=False).encode(),
                       headers={"content-type": "application/json; charset=utf-8"}).json()
    assert body["id"] is None
    assert body["decision"] == "block"
    assert any(f["text"] == "精仿" for f in body["findings"])


@pytest.mark.parametrize(
    "body, status, code",
    [
        (b'{"title": ', 400, "malformed_json"),
        (b"", 400, "empty_body"),
        (b"\xff\xfe{}", 400, "malformed_json"),
        (b'["a list"]', 422, "invalid_listing"),
        (b'{"title": 42}', 422, "invalid_listing"),
        (b'{"bullets": "not a list"}', 422, "invalid_listing"),
        (b'{"images": "x"}', 422, "invalid_listing"),
    ],
)
def test_bad_bodies_get_actionable_4xx(client, body, status, code):
    resp = client.post("/v1/scan", content=body, headers={"content-type": "application/json"})
    out = assert_error(resp, status, code)
    if code == "invalid_listing" and b"title" in body:
        assert "title" in out["error"]["message"]


def test_malformed_json_message_says_where(client):
    resp = client.post("/v1/scan", content=b'{"title": "a",}', headers={"content-type": "application/json"})
    msg = assert_error(resp, 400, "malformed_json")["error"]["message"]
    assert "line 1 column" in msg


def test_wrong_content_type_is_415(client):
    resp = client.post("/v1/scan", content=b"title=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert "application/json" in assert_error(resp, 415, "unsupported_media_type")["error"]["message"]


def test_invalid_listing_echoes_id(client):
    resp = client.post("/v1/scan", json={"id": "sku-9", "title": ["not", "a", "string"]})
    body = assert_error(resp, 422, "invalid_listing")
    assert body["id"] == "sku-9"


def test_field_length_limit_names_the_setting(make_client):
    client = make_client(max_field_chars=50)
    resp = client.post("/v1/scan", json={"title": "x" * 51})
    msg = assert_error(resp, 413, "field_too_long")["error"]["message"]
    assert "SCANNER_MAX_FIELD_CHARS" in msg and "50" in msg
    assert client.post("/v1/scan", json={"title": "x" * 50}).status_code == 200


def test_body_limit_from_content_length(make_client):
    client = make_client(max_body_bytes=1000)
    resp = client.post("/v1/scan", content=b'{"title": "' + b"a" * 2000 + b'"}',
                       headers={"content-type": "application/json"})
    msg = assert_error(resp, 413, "body_too_large")["error"]["message"]
    assert "1000" in msg and "SCANNER_MAX_BODY_BYTES" in msg


def test_body_limit_while_streaming_chunked(make_client):
    client = make_client(max_body_bytes=1000)

    def chunks():
        yield b'{"title": "'
        for _ in range(50):
            yield b"a" * 100
        yield b'"}'

    resp = client.post("/v1/scan", content=chunks(), headers={"content-type": "application/json"})
    assert_error(resp, 413, "body_too_large")


def test_body_limit_applies_to_multipart_too(make_client):
    client = make_client(max_body_bytes=2000)
    resp = client.post("/v1/scan/image", files={"images": ("a.png", b"\x89PNG" + b"0" * 5000, "image/png")})
    assert_error(resp, 413, "body_too_large")


# -- images ---------------------------------------------------------------------------
def test_inline_image_is_scanned(client):
    resp = client.post("/v1/scan", json={"id": 1, "title": "水杯", "images": [{"data": b64(png_bytes())}]})
    assert resp.status_code == 200, resp.text
    assert resp.json()["decision"] == "pass"
    assert "image_errors" not in resp.json()


@pytest.mark.parametrize(
    "image, status, code",
    [
        ({"data": "not base64!!"}, 422, "image_bad_base64"),
        ({"data": b64(b"hello, I am a text file")}, 415, "image_unsupported_format"),
        ({"path": "/etc/passwd"}, 422, "image_path_not_allowed"),
        ({"url": "https://evil.example/x.jpg"}, 422, "url_host_not_allowed"),
        ({"data": "AAAA", "url": "https://x/y.jpg"}, 422, "image_invalid"),
    ],
)
def test_bad_image_is_refused_naming_the_image(client, image, status, code):
    resp = client.post("/v1/scan", json={"id": "s", "title": "高仿", "images": [{"data": b64(png_bytes())}, image]})
    body = assert_error(resp, status, code)
    assert body["error"]["message"].startswith("images[1]")
    assert body["id"] == "s"
    assert body["image_errors"][0]["field"] == "images[1]"


def test_report_mode_scans_text_and_lists_image_errors(make_client):
    client = make_client(image_errors="report")
    resp = client.post("/v1/scan", json={"title": "高仿耐克", "images": [{"data": b64(b"GIF89a-broken")}]})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["decision"] == "block"
    assert body["image_errors"][0]["field"] == "images[0]"


def test_image_bytes_limit(make_client):
    client = make_client(max_image_bytes=500)
    resp = client.post("/v1/scan", json={"images": [{"data": b64(png_bytes((400, 400), (1, 2, 3)) + b"\0" * 600)}]})
    assert "SCANNER_MAX_IMAGE_BYTES" in assert_error(resp, 413, "image_too_large")["error"]["message"]


def test_image_pixel_limit(make_client):
    client = make_client(max_image_pixels=100 * 100)
    resp = client.post("/v1/scan", json={"images": [{"data": b64(png_bytes((200, 200)))}]})
    assert_error(resp, 413, "image_too_large")


def test_images_per_listing_limit(make_client):
    client = make_client(max_images_per_listing=2)
    img = {"data": b64(png_bytes())}
    resp = client.post("/v1/scan", json={"images": [img, img, img]})
    assert "SCANNER_MAX_IMAGES_PER_LISTING" in assert_error(resp, 413, "too_many_images")["error"]["message"]


def test_gallery_match_blocks_listing(make_client, gallery_image):
    client = make_client(keys=True)
    from tests.api.conftest import ADMIN_KEY, SCAN_KEY

    added = client.post("/v1/gallery", files={"images": ("fake.jpg", gallery_image, "image/jpeg")},
                        data={"brand": "Nova", "label": "sneaker"}, headers={"X-API-Key": ADMIN_KEY})
    assert added.status_code == 201, added.text
    gid = added.json()["added"][0]["id"]
    resp = client.post("/v1/scan", json={"id": "x", "title": "运动鞋", "images": [{"data": b64(gallery_image)}]},
                       headers={"X-API-Key": SCAN_KEY})
    body = resp.json()
    assert body["decision"] == "block", body
    image_findings = [f for f in body["findings"] if f["kind"] == "image"]
    assert image_findings[0]["category"] == "counterfeit_image"
    assert image_findings[0]["gallery_id"] == gid
    assert image_findings[0]["field"] == "images[0]"
    assert body["versions"]["gallery"] == added.json()["version"]
    # how it was matched, beside what (#17): the rules of the snapshot that matched it
    assert body["versions"]["image_rules"] == client.app.state.scanner.images.snapshot().rules_version


# -- batch ------------------------------------------------------------------------------
def test_batch_keeps_order_and_reports_bad_rows(client):
    listings = [COUNTERFEIT, {"id": "bad", "title": 5}, CLEAN, "not an object", {"id": 4, "images": [{"data": "@@"}]}]
    resp = client.post("/v1/scan/batch", json={"listings": listings})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    rows = body["results"]
    assert len(rows) == len(listings)
    assert rows[0]["id"] == "sku-1" and rows[0]["decision"] == "block"
    assert rows[1]["id"] == "bad" and rows[1]["error"]["code"] == "invalid_listing"
    assert rows[2]["id"] == "sku-2" and rows[2]["decision"] == "pass"
    assert rows[3]["id"] is None and rows[3]["error"]["code"] == "invalid_listing"
    assert rows[4]["id"] == 4 and rows[4]["error"]["code"] == "image_bad_base64"
    assert body["versions"]["wordlists"] == rows[0]["versions"]["wordlists"]
    assert "took_ms" in body


def test_batch_limit_names_the_setting(make_client):
    client = make_client(max_batch_listings=3)
    ok = client.post("/v1/scan/batch", json={"listings": [CLEAN] * 3})
    assert ok.status_code == 200
    resp = client.post("/v1/scan/batch", json={"listings": [CLEAN] * 4})
    msg = assert_error(resp, 413, "too_many_listings")["error"]["message"]
    assert "SCANNER_MAX_BATCH_LISTINGS" in msg and "3" in msg


def test_batch_image_total_limit(make_client):
    client = make_client(max_images_per_request=2)
    img = {"data": b64(png_bytes())}
    resp = client.post("/v1/scan/batch", json={"listings": [{"images": [img]}, {"images": [img, img]}]})
    assert "SCANNER_MAX_IMAGES_PER_REQUEST" in assert_error(resp, 413, "too_many_images")["error"]["message"]


def test_batch_row_over_image_limit_is_an_error_row(make_client):
    client = make_client(max_images_per_listing=1)
    img = {"data": b64(png_bytes())}
    rows = client.post("/v1/scan/batch", json={"listings": [{"id": 1, "images": [img, img]}, CLEAN]}).json()["results"]
    assert rows[0]["error"]["code"] == "too_many_images"
    assert rows[1]["decision"] == "pass"


@pytest.mark.parametrize("body", [{"listing": []}, {"listings": {"a": 1}}, [], {"listings": "x"}])
def test_batch_shape_errors(client, body):
    assert_error(client.post("/v1/scan/batch", json=body), 422, "invalid_request")


def test_empty_batch_is_fine(client):
    assert client.post("/v1/scan/batch", json={"listings": []}).json()["results"] == []


# -- multipart ------------------------------------------------------------------------------
def test_multipart_image_scan(client):
    resp = client.post("/v1/scan/image", files=[("images", ("a.png", png_bytes(), "image/png")),
                                                ("images", ("b.png", png_bytes(colour=(0, 0, 0)), "image/png"))],
                       data={"id": "up-1", "listing": json.dumps({"title": "高仿 手表"})})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["id"] == "up-1"
    assert body["decision"] == "block"


def test_multipart_unknown_format_is_415(client):
    resp = client.post("/v1/scan/image", files={"images": ("a.txt", b"plain text, not an image", "text/plain")})
    body = assert_error(resp, 415, "image_unsupported_format")
    assert "images[0]" in body["error"]["message"]


def test_multipart_needs_images(client):
    assert_error(client.post("/v1/scan/image", data={"id": "x"}), 422, "invalid_request")


def test_multipart_limits(make_client):
    client = make_client(max_images_per_listing=1, max_image_bytes=1000)
    two = [("images", ("a.png", png_bytes(), "image/png"))] * 2
    assert_error(client.post("/v1/scan/image", files=two), 413, "too_many_images")
    big = {"images": ("a.png", png_bytes() + b"\0" * 2000, "image/png")}
    assert_error(client.post("/v1/scan/image", files=big), 413, "image_too_large")


def test_multipart_listing_field_must_be_object(client):
    resp = client.post("/v1/scan/image", files={"images": ("a.png", png_bytes(), "image/png")},
                       data={"listing": "[1, 2]"})
    assert_error(resp, 422, "invalid_listing")


def test_lone_surrogates_round_trip_instead_of_500(client):
    body = '{"id": "\\udfff", "title": "\\ud800 高仿", "attributes": {"\\udc00": "x"}}'
    resp = client.post("/v1/scan", content=body.encode(), headers={"content-type": "application/json"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == "\udfff"
    batch = client.post("/v1/scan/batch", content=('{"listings": [%s, {"id": "ok"}]}' % body).encode(),
                        headers={"content-type": "application/json"})
    assert batch.status_code == 200 and [r["id"] for r in batch.json()["results"]] == ["\udfff", "ok"]
