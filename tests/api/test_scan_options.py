"""`"options"` on the scan routes (issue #18): the explanations' language, validated in one place
(scanner/options.py); a bad option is a 422 `invalid_options` naming it, never ignored."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import assert_error
from tests.support import b64, png_bytes

COUNTERFEIT = {"id": "sku-1", "title": "高仿耐克 运动鞋 男款"}


def _explanations(row) -> list[str]:
    return [f["explanation"] for f in row["findings"]]


@pytest.mark.parametrize("options,first", [
    (None,                 "counterfeit wording '高仿'"),
    ({},                   "counterfeit wording '高仿'"),
    ({"language": "en"},   "counterfeit wording '高仿'"),
    ({"language": "zh"},   "假冒用语“高仿”"),
])
def test_scan_explains_in_the_asked_language(client, options, first):
    body = dict(COUNTERFEIT) if options is None else {**COUNTERFEIT, "options": options}
    resp = client.post("/v1/scan", json=body)
    assert resp.status_code == 200, resp.text
    row = resp.json()
    assert _explanations(row)[0].startswith(first)
    assert row["decision"] == "block" and "options" not in row


BAD = [  # (options, what the message must name)
    ({"language": "fr"},          "options.language must be one of 'en', 'zh'; got 'fr'"),
    ({"language": "ZH"},          "got 'ZH'"),
    ({"language": None},          "got None"),
    ({"lang": "zh"},              "unknown option(s) 'lang'"),
    (["zh"],                      "'options' must be a JSON object, got list"),
    ("zh",                        "'options' must be a JSON object, got str"),
]


@pytest.mark.parametrize("options,message", BAD)
def test_a_bad_option_is_a_clear_422(client, options, message):
    body = assert_error(client.post("/v1/scan", json={**COUNTERFEIT, "options": options}), 422, "invalid_options")
    assert message in body["error"]["message"]


def test_batch_options_apply_to_every_row_and_a_row_may_override(client):
    listings = [COUNTERFEIT, {**COUNTERFEIT, "id": "own", "options": {"language": "en"}},
                {**COUNTERFEIT, "id": "bad", "options": {"language": "fr"}}]
    resp = client.post("/v1/scan/batch", json={"listings": listings, "options": {"language": "zh"}})
    assert resp.status_code == 200, resp.text
    zh, en, bad = resp.json()["results"]
    assert _explanations(zh)[0].startswith("假冒用语") and _explanations(en)[0].startswith("counterfeit wording")
    assert bad["id"] == "bad" and bad["error"]["code"] == "invalid_options"  # that row only


def test_batch_with_bad_options_is_refused_whole(client):
    resp = client.post("/v1/scan/batch", json={"listings": [COUNTERFEIT], "options": {"language": "de"}})
    assert "got 'de'" in assert_error(resp, 422, "invalid_options")["error"]["message"]


def test_image_upload_takes_options_as_a_form_field(client):
    files = [("images", ("a.png", png_bytes(), "image/png"))]
    listing = json.dumps({"title": "高仿耐克"})
    zh = client.post("/v1/scan/image", files=files, data={"listing": listing, "options": '{"language": "zh"}'})
    assert zh.status_code == 200, zh.text
    assert _explanations(zh.json())[0].startswith("假冒用语")
    bad = client.post("/v1/scan/image", files=files, data={"listing": listing, "options": '{"language": 3}'})
    assert_error(bad, 422, "invalid_options")


def test_scan_suggests_copy_when_asked(client):
    """`"options": {"suggest": true}` (issue #18): the copy with every automatic rewrite applied, the findings left
    for a person and what a re-scan of it decides; nothing of it without the option."""
    body = {"title": "顶级品质 面膜 史上最强补水", "description": "好评返现5元，加VX: abc123 领券，全网最低价"}
    plain = client.post("/v1/scan", json=body).json()
    row = client.post("/v1/scan", json={**body, "options": {"suggest": True}}).json()
    assert "suggested" not in plain
    assert row["suggested"] == {"title": "高品质 面膜 强劲补水", "description": "优惠价"}
    assert (row["suggested_manual"], row["suggested_decision"]) == (0, "pass")
    assert (row["decision"], row["findings"]) == (plain["decision"], plain["findings"])
    batch = client.post("/v1/scan/batch", json={"listings": [{"title": "耐克 运动短裤 全网最好"}],
                                                 "options": {"suggest": True}}).json()["results"][0]
    assert (batch["suggested"], batch["suggested_manual"], batch["suggested_decision"]) == (
        {"title": "耐克 运动短裤 全网优质"}, 1, "review")
    bad = client.post("/v1/scan", json={**body, "options": {"suggest": "yes"}})
    assert bad.status_code == 422 and "options.suggest" in bad.text
