"""Personal data over HTTP (issue #20 item 2): findings come masked, `"options": {"mask": true}`
returns a masked copy, and no log line, metric or audit line holds the value."""
from __future__ import annotations

import json
import logging

import pytest

from tests.api.conftest import assert_error

ID, CARD, PHONE = "11010519491231002X", "6222526018159080", "13812345678"
LISTING = {
    "id": "pd-1",
    "title": "代购 护照夹",
    "description": f"清关用身份证 {ID}，退款卡号 {CARD}",
    "bullets": [f"收件人：张三 {PHONE} 北京市朝阳区建国路88号"],
}


def test_scan_masks_findings_and_returns_the_masked_copy(client):
    body = client.post("/v1/scan", json={**LISTING, "options": {"mask": True}}).json()
    found = [(f["field"], f["term"], f["text"]) for f in body["findings"] if f["category"] == "personal_data"]
    assert sorted(found) == [("bullets[0]", "name_address_phone", "收件人：张* 138****5678 北京市朝阳区******"),
                             ("description", "bank_card", "6222********9080"), ("description", "resident_id", "110105********002X")]
    assert body["masked"] == {"title": "代购 护照夹", "description": "清关用身份证 110105********002X，退款卡号 6222********9080",
                              "bullets[0]": "收件人：张* 138****5678 北京市朝阳区******"}
    assert body["decision"] == "review"


def test_no_masked_copy_unless_asked(client):
    body = client.post("/v1/scan", json=LISTING).json()
    assert "masked" not in body
    assert ID not in json.dumps(body, ensure_ascii=False)


def test_batch_rows_carry_their_own_options(client):
    rows = client.post("/v1/scan/batch", json={"listings": [{**LISTING, "options": {"mask": True}}, LISTING]}).json()["results"]
    assert "masked" in rows[0] and "masked" not in rows[1]


@pytest.mark.parametrize("options, message", [
    ({"mask": "true"}, "option 'options.mask' must be true or false, got str"),
    ({"unmask": True}, "unknown option(s) 'unmask'"),
    ("mask", "field 'options' must be a JSON object, got str"),
])
def test_bad_options_are_422_naming_the_option(client, options, message):
    body = assert_error(client.post("/v1/scan", json={**LISTING, "options": options}), 422, "invalid_options")
    assert message in body["error"]["message"]


def test_categories_route_lists_personal_data(client):
    rows = {c["id"]: c for c in client.get("/v1/categories").json()["categories"]}
    assert rows["personal_data"] == {"id": "personal_data", "en": "Personal data", "zh": "个人信息",
                                     "default_action": "review", "explained_as": "personal data", "kind": "text"}


def test_no_value_in_logs_metrics_or_audit(make_client, request_log, caplog, capfd, tmp_path):
    """Scan listings holding an ID, a card and a phone (one, batch, a refused one, with and without
    mask), reload as admin so the audit log is written, then grep everything the service wrote."""
    from tests.api.conftest import ADMIN_KEY

    client = make_client(keys=True)
    headers = {"X-API-Key": ADMIN_KEY}
    with caplog.at_level(logging.DEBUG):
        assert client.post("/v1/scan", json=LISTING, headers=headers).status_code == 200
        assert client.post("/v1/scan", json={**LISTING, "options": {"mask": True}}, headers=headers).status_code == 200
        assert client.post("/v1/scan/batch", json={"listings": [LISTING, {**LISTING, "options": 1}]},
                           headers=headers).status_code == 200
        assert client.post("/v1/scan", json={**LISTING, "options": {"x": ID}}, headers=headers).status_code == 422
        assert client.post("/v1/admin/reload", headers=headers).status_code == 200
        metrics = client.get("/metrics").text
    out, err = capfd.readouterr()
    audit = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    assert request_log and audit  # something was written, so the greps below look at real output
    written = "\n".join([json.dumps(request_log, ensure_ascii=False), caplog.text, out, err, metrics, audit])
    for value in (ID, CARD, PHONE, "张三", ID[6:14]):
        assert value not in written
    assert "personal_data" in metrics  # the category is counted, the value is not


REVIEWS = [  # a customer's phone, ID and card in reviews and a question (#20), queued for a person
    {"kind": "review", "id": "rv-1", "listing_id": "pd-1", "text": f"有问题打我电话 {PHONE}，商家说好评返现"},
    {"kind": "review", "id": "rv-2", "listing_id": "pd-1", "text": f"我的身份证 {ID} 和卡号 {CARD} 都给客服了"},
    {"kind": "qa", "id": "qa-1", "listing_id": "pd-1", "text": f"收件人：张三 {PHONE} 北京市朝阳区建国路88号 能改地址吗"},
]


def test_no_review_value_in_logs_or_the_review_store(make_client, request_log, caplog, capfd, tmp_path):
    """Reviews holding a phone, an ID and a card, scanned one by one and in a batch with request logging on and
    the review queue on: no log line, metric, audit line or stored review item holds a value."""
    import sqlite3

    from tests.api.conftest import ADMIN_KEY

    client = make_client(keys=True)
    headers = {"X-API-Key": ADMIN_KEY}
    with caplog.at_level(logging.DEBUG):
        for review in REVIEWS:
            assert client.post("/v1/scan", json=review, headers=headers).json()["decision"] == "review"
        assert client.post("/v1/scan/batch", json={"listings": [*REVIEWS, {**REVIEWS[0], "title": PHONE}]},
                           headers=headers).status_code == 200
        assert client.post("/v1/scan", json={**REVIEWS[1], "speaker": ID}, headers=headers).status_code == 422
        client.app.state.review.enqueuer.flush()
        metrics = client.get("/metrics").text
    out, err = capfd.readouterr()
    with sqlite3.connect(tmp_path / "review.sqlite3") as conn:
        stored = conn.execute("SELECT * FROM review_items").fetchall()
        audit_rows = conn.execute("SELECT * FROM review_audit").fetchall()
    assert request_log and len(stored) == len(REVIEWS)  # real output and real rows, so the greps look at something
    written = "\n".join([json.dumps(request_log, ensure_ascii=False), caplog.text, out, err, metrics,
                         json.dumps([list(r) for r in stored + audit_rows], ensure_ascii=False)])
    for value in (ID, CARD, PHONE, "张三", ID[6:14]):
        assert value not in written
