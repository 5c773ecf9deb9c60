"""The service's answer to one request is bounded whatever it holds (issue #13, finding 5):
response bytes (SCANNER_MAX_RESPONSE_BYTES), findings (the engine's caps) and scan time
(SCANNER_SCAN_BUDGET_S, one budget per request). Over a bound the request still succeeds: every
row keeps its decision, says what was left out in `incomplete`, and is never `pass`."""
from __future__ import annotations

import json
import time

import pytest

from scanner.config import Settings

LIMIT = 20_480  # the least a 5-listing batch may be given (4096 bytes a listing)
SPAM = "高仿耐克 全网最好 " * 120  # ~120 block and ~120 review findings: capped at 100, ~35 KB as JSON


def _incomplete(row) -> list[str]:
    return [e["code"] for e in row.get("incomplete", [])]


@pytest.fixture
def small(make_client):
    return make_client(max_batch_listings=5, max_response_bytes=LIMIT)


# (what is sent, how many rows)
OVERSIZED = [
    ("one listing of 100 findings", {"id": "one", "title": SPAM}),
    ("a batch of five such listings", {"listings": [{"id": f"b{i}", "title": SPAM} for i in range(5)]}),
    ("one huge row among small ones", {"listings": [{"id": "big", "title": SPAM}] + [{"id": f"s{i}", "title": "高仿包"} for i in range(4)]}),
]


@pytest.mark.parametrize("name,body", OVERSIZED, ids=[o[0] for o in OVERSIZED])
def test_a_response_over_the_cap_is_cut_to_it_keeping_decisions_and_the_most_severe(small, name, body):
    path = "/v1/scan/batch" if "listings" in body else "/v1/scan"
    resp = small.post(path, json=body)
    assert resp.status_code == 200, resp.text
    assert len(resp.content) <= LIMIT, len(resp.content)
    rows = resp.json()["results"] if "listings" in body else [resp.json()]
    trimmed = [r for r in rows if "response_capped" in _incomplete(r)]
    assert trimmed, rows
    for row in rows:
        assert row["decision"] == "block"  # the decision counts every finding, shown or not
        assert any(f["category"] == "counterfeit" for f in row["findings"])  # the most severe are kept
    for row in trimmed:
        message = next(e["message"] for e in row["incomplete"] if e["code"] == "response_capped")
        assert "SCANNER_MAX_RESPONSE_BYTES" in message
    if name == "one huge row among small ones":  # only the large row is cut
        assert [r["id"] for r in trimmed] == ["big"]


def test_a_row_too_big_even_without_findings_keeps_its_decision(small):
    # an id echoed back is the caller's; 30 KB of it cannot fit a 20 KB response
    resp = small.post("/v1/scan", json={"id": "x" * 30_000, "title": "高仿包"})
    assert resp.status_code == 200 and len(resp.content) <= LIMIT
    row = resp.json()
    assert row["decision"] == "block" and row["id"] is None
    assert _incomplete(row) == ["response_capped"]


def test_a_response_under_the_cap_is_untouched(small):
    resp = small.post("/v1/scan/batch", json={"listings": [{"id": 1, "title": "高仿耐克"}, {"id": 2, "title": "纯棉T恤"}]})
    rows = resp.json()["results"]
    assert [r["decision"] for r in rows] == ["block", "pass"]
    assert all("incomplete" not in r for r in rows)


def test_the_response_cap_must_leave_room_for_every_batch_row():
    with pytest.raises(ValueError, match="max_response_bytes"):
        Settings(max_batch_listings=100, max_response_bytes=100_000)


def test_findings_are_capped_in_the_service_too(client):
    resp = client.post("/v1/scan", json={"id": "spam", "bullets": ["高仿"] * 1_000})
    row = resp.json()
    assert resp.status_code == 200 and row["decision"] == "block"
    assert len(row["findings"]) <= 500 and _incomplete(row) == ["findings_capped"]


# --- one time budget per request ----------------------------------------------------------------------------
HEAVY = ("高仿耐克 运动鞋 最好 加微信 abc123 " * 1500)[:30_000]


@pytest.mark.parametrize("path,body", [
    ("/v1/scan", {"id": "h", "description": HEAVY}),
    ("/v1/scan/batch", {"listings": [{"id": i, "description": HEAVY} for i in range(5)]}),
])
def test_a_request_over_its_scan_budget_answers_review_or_block_with_the_reason(make_client, path, body):
    client = make_client(max_batch_listings=5, scan_budget_s=0.000_001)
    resp = client.post(path, json=body)
    assert resp.status_code == 200, resp.text
    rows = resp.json()["results"] if path.endswith("batch") else [resp.json()]
    for row in rows:
        assert row["decision"] in ("review", "block")
        assert _incomplete(row)[0] == "scan_budget_exceeded"
        assert "SCANNER_SCAN_BUDGET_S" in row["incomplete"][0]["message"]
    json.dumps(rows)


# --- heavy requests share a few slots per worker --------------------------------------------------------------
def test_heavy_requests_wait_for_a_slot_and_over_half_the_pool_get_503_busy():
    import threading

    from api.errors import ApiError
    from api.limits import HEAVY_BODY_BYTES, heavy_slot

    settings = Settings(heavy_scan_concurrency=1, threadpool_size=4)  # 1 running, 2 admitted at most
    inside, release, waited = threading.Event(), threading.Event(), []

    def hold():
        with heavy_slot(HEAVY_BODY_BYTES, settings):
            inside.set()
            release.wait(30)

    def wait_for_slot():
        with heavy_slot(HEAVY_BODY_BYTES, settings):
            waited.append("ran")

    holder, waiter = threading.Thread(target=hold), threading.Thread(target=wait_for_slot)
    holder.start()
    assert inside.wait(30)
    waiter.start()
    time.sleep(0.2)
    assert waited == []  # waiting for the running heavy scan
    with heavy_slot(HEAVY_BODY_BYTES - 1, settings):  # an ordinary body never waits
        pass
    with pytest.raises(ApiError) as refused:
        with heavy_slot(HEAVY_BODY_BYTES, settings):
            pass
    assert refused.value.status_code == 503 and refused.value.code == "busy"
    assert "SCANNER_HEAVY_SCAN_CONCURRENCY" in refused.value.message
    release.set()
    holder.join(30)
    waiter.join(30)
    assert waited == ["ran"]


# --- memory a heavy request freed goes back to the OS -----------------------------------------------------------
def test_a_heavy_request_hands_the_memory_it_freed_back(client, monkeypatch):
    from api import limits

    assert limits.release_freed_memory() is True  # glibc on the machines we ship to
    calls = []
    monkeypatch.setattr(limits, "release_freed_memory", lambda: calls.append(1))
    assert client.post("/v1/scan", json={"id": "small", "title": "高仿耐克"}).status_code == 200
    assert calls == []  # ordinary requests never pay for it
    heavy = {"id": "heavy", "bullets": ["纯棉T恤 男款 " * 100] * 1_000}  # ~2.7 MB, over HEAVY_BODY_BYTES
    assert client.post("/v1/scan", json=heavy).status_code == 200
    refused = {"id": "refused", "bullets": ["高仿"] * 400_000}  # refused inside the slot: still trimmed
    assert client.post("/v1/scan", json=refused).status_code == 413
    assert calls == [1, 1]


# redteam15: an error message quoting the caller's value (repr, so one DEL character is 4 of them, then JSON-escaped
# to 5 bytes) was not bounded by SCANNER_MAX_RESPONSE_BYTES: a 4 MB body made a 20 MB error answer, serialised on
# the event loop. Each error message is now cut to a bounded length, whatever value it quotes.
ECHOED = "\x7f" * 200_000
ECHOING_ERRORS = [
    ("/v1/scan", {"id": 1, "title": "x", "options": {"language": ECHOED}}, 422, "invalid_options"),
    ("/v1/scan", {"id": 1, "options": {ECHOED: True}}, 422, "invalid_options"),
    ("/v1/scan/batch", {"listings": [{"id": 1}], "options": {"language": ECHOED}}, 422, "invalid_options"),
    ("/v1/scan/batch", {"listings": [{"id": 1}], "options": {ECHOED: True}}, 422, "invalid_options"),
]


@pytest.mark.parametrize("path,body,status,code", ECHOING_ERRORS)
def test_an_error_quoting_a_huge_value_stays_small(small, path, body, status, code):
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    resp = small.post(path, content=data, headers={"Content-Type": "application/json"})
    assert (resp.status_code, resp.json()["error"]["code"]) == (status, code)
    assert len(resp.content) <= 4096, f"{len(data):,} bytes sent, {len(resp.content):,} bytes of error answered"
    message = resp.json()["error"]["message"]
    assert "option" in message and "characters, cut" in message and len(message) <= 1000
