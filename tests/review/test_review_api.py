"""/v1/review over HTTP (SQLite store in the test's directory): roles, the claim and verdict contract,
results queued by scans, and the loop back — preview and publish on the fixture catalogue."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.auth import hash_key
from api.main import create_app
from scanner.config import BUNDLED_WORDLISTS, Settings
from tests.support import FIXTURES

SCAN_KEY, REVIEWER_KEY, ADMIN_KEY = "sk_t_scan_0000000001", "sk_t_reviewer_0000002", "sk_t_admin_0000000003"
KEYS = [{"name": "shop-a", "role": "scan", "hash": hash_key(SCAN_KEY)},
        {"name": "rev-li", "role": "reviewer", "hash": hash_key(REVIEWER_KEY)},
        {"name": "ops-alice", "role": "admin", "hash": hash_key(ADMIN_KEY)}]
CATALOGUE = FIXTURES / "listings" / "catalogue.jsonl"


def catalogue() -> dict[str, dict]:
    return {row["id"]: row for row in (json.loads(line) for line in CATALOGUE.read_text("utf-8").splitlines()
                                       if line.strip().startswith("{"))}


@pytest.fixture
def client(tmp_path, text_engine):
    from scanner.engine import Scanner

    def make(keys=KEYS, **overrides):
        settings = Settings(**{"wordlists": BUNDLED_WORDLISTS, "gallery": tmp_path / "g.sqlite3",
                               "audit_log": tmp_path / "audit.jsonl", "api_keys": keys,
                               "database_url": f"sqlite:///{tmp_path}/review.sqlite3", **overrides})
        c = TestClient(create_app(settings, scanner=Scanner(text_engine, None, settings), with_images=False),
                       raise_server_exceptions=False)
        c.__enter__()
        made.append(c)
        return c

    made: list[TestClient] = []
    yield make
    for c in made:
        c.__exit__(None, None, None)


def H(key):
    return {"X-API-Key": key}


def scan(c, listing):
    r = c.post("/v1/scan", json=listing, headers=H(SCAN_KEY))
    assert r.status_code == 200, r.text
    c.app.state.review.enqueuer.flush()
    return r.json()


@pytest.mark.parametrize("method, path, key, status, code", [
    ("post", "/v1/review/claim", SCAN_KEY, 403, "forbidden"),                  # a scan key cannot claim
    ("post", "/v1/review/claim", None, 401, "missing_api_key"),
    ("get", "/v1/review/items", SCAN_KEY, 403, "forbidden"),
    ("get", "/v1/review/changesets", REVIEWER_KEY, 403, "forbidden"),         # a reviewer cannot see change sets
    ("post", "/v1/review/changesets/1/publish", REVIEWER_KEY, 403, "forbidden"),  # nor publish
    ("post", "/v1/review/changesets/1/preview", SCAN_KEY, 403, "forbidden"),
    ("post", "/v1/review/purge", REVIEWER_KEY, 403, "forbidden"),
    ("post", "/v1/review/claim", REVIEWER_KEY, 204, None),                     # nothing waiting
    ("post", "/v1/review/claim", ADMIN_KEY, 204, None),                        # an admin may review too
    ("post", "/v1/review/changesets/7/publish", ADMIN_KEY, 404, "changeset_not_found"),
    # ids past a BIGINT (the schema fuzzer's 9223372036854775808) are a bad request, not a driver error
    ("post", "/v1/review/changesets/9223372036854775808/publish", ADMIN_KEY, 422, "invalid_request"),
    ("post", "/v1/review/changesets/0/discard", ADMIN_KEY, 422, "invalid_request"),
    # red-team R03: an offset past a BIGINT was sqlite3's OverflowError, a 500
    ("get", "/v1/review/items?offset=9223372036854775808", REVIEWER_KEY, 422, "invalid_request"),
    ("get", "/v1/review/items?offset=9223372036854775807", REVIEWER_KEY, 200, None),
])
def test_roles(client, method, path, key, status, code):
    c = client()
    r = getattr(c, method)(path, headers=H(key) if key else {})
    assert r.status_code == status, r.text
    if code:
        assert r.json()["error"]["code"] == code


def test_review_routes_are_closed_without_a_reviewer_key(client):
    c = client(keys=[])
    r = c.post("/v1/review/claim")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "review_disabled")


def test_a_review_result_is_queued_and_claimed_with_what_a_reviewer_needs(client):
    c = client()
    listings = catalogue()
    result = scan(c, listings["sku-00000026"])                  # 绝对正品: review
    assert result["decision"] == "review"
    scan(c, listings["sku-00000000"])                           # a clean listing: not queued
    assert scan(c, listings["sku-00000026"])["decision"] == "review"  # again: still one item
    r = c.post("/v1/review/claim", headers=H(REVIEWER_KEY))
    assert r.status_code == 200
    item = r.json()["item"]
    assert set(item) >= {"id", "listing", "result", "lease_expires"}
    assert item["listing"]["id"] == "sku-00000026"
    assert item["result"]["versions"] == result["versions"]
    assert [f["term"] for f in item["result"]["findings"]] == [f["term"] for f in result["findings"]]
    assert c.post("/v1/review/claim", headers=H(REVIEWER_KEY)).status_code == 204
    listed = c.get("/v1/review/items?status=claimed", headers=H(REVIEWER_KEY)).json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    assert c.get("/v1/review/items?status=nope", headers=H(REVIEWER_KEY)).status_code == 422


def test_verdict_on_an_unclaimed_item_is_409(client):
    c = client()
    scan(c, catalogue()["sku-00000026"])
    item_id = c.get("/v1/review/items", headers=H(REVIEWER_KEY)).json()["items"][0]["id"]
    r = c.post(f"/v1/review/items/{item_id}/verdict", json={"decision": "approve"}, headers=H(REVIEWER_KEY))
    assert (r.status_code, r.json()["error"]["code"]) == (409, "not_claimed")
    r = c.post("/v1/review/items/999/verdict", json={"decision": "approve"}, headers=H(REVIEWER_KEY))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "review_item_not_found")
    r = c.post(f"/v1/review/items/{2**63}/verdict", json={"decision": "approve"}, headers=H(REVIEWER_KEY))
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request")


@pytest.mark.parametrize("body", [
    {"decision": "reject", "missed": [{"field": ["description"], "start": 0, "end": 2, "category": "false_claim"}]},
    {"decision": "reject", "missed": [{"field": {"description": 0}, "start": 0, "end": 2, "category": "false_claim"}]},
])
def test_a_verdict_of_the_wrong_shape_is_422_not_500(client, body):
    """redteam15: a missed span whose field is a list or an object made the verdict route answer 500."""
    c = client()
    scan(c, catalogue()["sku-00000026"])
    item = c.post("/v1/review/claim", headers=H(REVIEWER_KEY)).json()["item"]
    r = c.post(f"/v1/review/items/{item['id']}/verdict", json=body, headers=H(REVIEWER_KEY))
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_verdict"), r.text
    assert c.get("/v1/review/items?status=claimed", headers=H(REVIEWER_KEY)).json()["items"][0]["id"] == item["id"]


def _review(c, key, body_for):
    item = c.post("/v1/review/claim", headers=H(key)).json()["item"]
    r = c.post(f"/v1/review/items/{item['id']}/verdict", json=body_for(item), headers=H(key))
    assert r.status_code == 200, r.text
    return item, r.json()


def test_the_loop_back_preview_then_publish_changes_the_fixture_decisions(client, tmp_path, caplog):
    c = client()
    listings = catalogue()
    scan(c, listings["sku-00000026"])     # 绝对正品 in the description: absolute_term, a reviewer says harmless
    scan(c, listings["sku-00000004"])     # 网红同款 … 永不褪色: the reviewer marks 网红同款 as a missed false claim

    def false_positive(item):
        (i,) = [n for n, f in enumerate(item["result"]["findings"]) if f["term"] == "绝对"]
        return {"decision": "reject", "findings": [{"index": i, "verdict": "false_positive"}]}

    def missed(item):
        title = item["listing"]["fields"]["title"]
        start = title.index("网红同款")
        return {"decision": "approve", "missed": [{"field": "title", "start": start, "end": start + 4,
                                                   "category": "false_claim"}], "note": "an unverifiable claim"}

    for key_item in ("sku-00000026", "sku-00000004"):
        item = c.post("/v1/review/claim", headers=H(REVIEWER_KEY)).json()["item"]
        body = false_positive(item) if item["listing"]["id"] == "sku-00000026" else missed(item)
        assert c.post(f"/v1/review/items/{item['id']}/verdict", json=body, headers=H(REVIEWER_KEY)).status_code == 200

    (cs,) = c.get("/v1/review/changesets", headers=H(ADMIN_KEY)).json()["changesets"]
    assert sorted((p["kind"], p["category"], p["phrase"]) for p in cs["proposals"]) == [
        ("allow", "absolute_term", "绝对正品"), ("term", "false_claim", "网红同款")]

    # Independent oracle for the preview: the catalogue's listings that hold the phrases, by grep.
    def holding(phrase):
        return {i for i, l in listings.items() if phrase in json.dumps(l, ensure_ascii=False)}

    before = {i: scan(c, l) for i, l in listings.items() if i in holding("绝对正品") | holding("网红同款")}
    impact = c.post(f"/v1/review/changesets/{cs['id']}/preview", headers=H(ADMIN_KEY)).json()["impact"]
    changed = {ch["id"]: ch for ch in impact["changes"]}
    assert "sku-00000026" in changed and changed["sku-00000026"]["new"]["decision"] == "pass"
    assert set(changed) <= holding("绝对正品") | holding("网红同款")
    assert {i for i, r in before.items() if r["decision"] == "pass"} <= set(changed)  # every clean one becomes review
    assert impact["totals"]["decision_changed"] == len(changed)

    r = c.post(f"/v1/review/changesets/{cs['id']}/publish", headers=H(ADMIN_KEY))
    assert r.status_code == 200, r.text
    published = r.json()
    assert published["before"] != published["after"] == published["versions"]["wordlists"]
    for listing_id, ch in changed.items():
        now = scan(c, listings[listing_id])
        assert (now["decision"], now["versions"]["wordlists"]) == (ch["new"]["decision"], published["after"])
    assert c.post(f"/v1/review/changesets/{cs['id']}/publish", headers=H(ADMIN_KEY)).status_code == 409
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(a["action"], a["outcome"]) for a in audit if a["action"] == "review.publish"][:2] == [
        ("review.publish", "started"), ("review.publish", "ok")]

    # a second app on the same database (another replica) starts on the published version
    other = client()
    assert scan(other, listings["sku-00000026"])["versions"]["wordlists"] == published["after"]

    # a process that starts from its settings serves the published version and says so at start-up, naming
    # what SCANNER_WORDLISTS (here the bundled lists) asked for
    import logging

    settings = other.app.state.settings
    with caplog.at_level(logging.WARNING, logger="scanner.api"):
        with TestClient(create_app(settings, with_images=False)) as fresh:
            assert scan(fresh, listings["sku-00000026"])["versions"]["wordlists"] == published["after"]
    (said,) = [r.fields for r in caplog.records if getattr(r, "fields", {}).get("event") == "wordlists_from_review_store"]
    assert said["configured"] == str(BUNDLED_WORDLISTS)
    assert Path(said["serving"]).parent == tmp_path / "published-wordlists"  # beside the SQLite store


def test_a_change_set_that_does_not_build_is_refused(client):
    c = client()
    review = c.app.state.review
    with review.store.tx() as cur:  # as if a proposal had slipped past validation
        from scanner.review.verdicts import add_proposals

        add_proposals(cur, review.store, [("term", "no_such_category", "网红同款")], {"item": None}, "rev-li", 0.0)
    (cs,) = c.get("/v1/review/changesets", headers=H(ADMIN_KEY)).json()["changesets"]
    before = c.get("/v1/wordlists", headers=H(ADMIN_KEY)).json()["versions"]["wordlists"]
    for action in ("preview", "publish"):
        r = c.post(f"/v1/review/changesets/{cs['id']}/{action}", headers=H(ADMIN_KEY))
        assert (r.status_code, r.json()["error"]["code"]) == (422, "publish_refused"), r.text
        assert "no_such_category" in r.json()["error"]["message"]
    assert c.get("/v1/wordlists", headers=H(ADMIN_KEY)).json()["versions"]["wordlists"] == before
    assert c.get("/v1/review/changesets?status=open", headers=H(ADMIN_KEY)).json()["changesets"][0]["id"] == cs["id"]


def test_stats_and_metrics(client):
    c = client()
    scan(c, catalogue()["sku-00000026"])
    _review(c, REVIEWER_KEY, lambda item: {"decision": "approve",
                                           "findings": [{"index": 0, "verdict": "correct"}]})
    numbers = c.get("/v1/review/stats", headers=H(REVIEWER_KEY)).json()
    assert numbers["queue"]["done"] == 1 and numbers["verdicts"]["approve"] == 1
    assert numbers["precision"]["by_category"]["absolute_term"]["precision"] == 1.0
    text = c.get("/metrics").text
    assert 'scanner_review_findings_judged_total{category="absolute_term",rule="绝对",verdict="correct"}' in text
    assert 'scanner_review_queue_depth{status="done"} 1.0' in text


def test_a_lone_surrogate_in_a_listing_is_queued_and_served_as_an_escape(client):
    c = client()
    body = '{"id": "sku-\\udfff", "title": "\\udfff 绝对正品 纯棉T恤"}'.encode()
    r = c.post("/v1/scan", content=body, headers={**H(SCAN_KEY), "content-type": "application/json"})
    assert r.status_code == 200 and r.json()["decision"] == "review"
    c.app.state.review.enqueuer.flush()
    assert c.app.state.review.enqueuer.errors == 0
    r = c.post("/v1/review/claim", headers=H(REVIEWER_KEY))
    assert r.status_code == 200
    assert b'"sku-\\udfff"' in r.content  # strict JSON: the surrogate travels as its escape
    item = json.loads(r.content)["item"]
    assert item["listing"]["id"] == "sku-\udfff" and item["listing"]["fields"]["title"].startswith("\udfff")


def test_a_listing_rescanned_clean_over_the_api_leaves_the_queue(client):
    c = client()
    listing = dict(catalogue()["sku-00000026"])
    assert scan(c, listing)["decision"] == "review"
    listing["description"] = listing["description"].replace("绝对正品，", "")   # the seller fixed the copy
    assert scan(c, listing)["decision"] == "pass"
    items = c.get("/v1/review/items", headers=H(REVIEWER_KEY)).json()["items"]
    assert [(i["listing"]["id"], i["status"]) for i in items] == [("sku-00000026", "withdrawn")]
    assert c.post("/v1/review/claim", headers=H(REVIEWER_KEY)).status_code == 204


def test_discard_and_purge_are_admin_actions_and_audited(client, tmp_path):
    c = client()
    scan(c, catalogue()["sku-00000026"])
    _review(c, REVIEWER_KEY, lambda item: {"decision": "reject", "findings": [
        {"index": [f["term"] for f in item["result"]["findings"]].index("绝对"), "verdict": "false_positive"}]})
    (cs,) = c.get("/v1/review/changesets", headers=H(ADMIN_KEY)).json()["changesets"]
    assert c.post(f"/v1/review/changesets/{cs['id']}/discard", headers=H(REVIEWER_KEY)).status_code == 403
    assert c.post(f"/v1/review/changesets/{cs['id']}/discard", headers=H(ADMIN_KEY)).json()["status"] == "discarded"
    r = c.post(f"/v1/review/changesets/{cs['id']}/publish", headers=H(ADMIN_KEY))
    assert (r.status_code, r.json()["error"]["code"]) == (409, "changeset_closed")
    r = c.post("/v1/review/purge", headers=H(ADMIN_KEY))
    assert r.status_code == 200 and r.json()["deleted"]["items"] == 0   # nothing is 90 days old yet
    actions = [(a["action"], a["outcome"]) for a in map(json.loads, (tmp_path / "audit.jsonl").read_text().splitlines())]
    assert ("review.discard", "ok") in actions and ("review.purge", "ok") in actions
    assert ("review.publish", "refused") in actions


def test_publish_refused_when_the_base_lists_lost_a_profile_a_key_names(client, tmp_path):
    """#20: a published version every process would refuse to serve (a key's profile gone) never goes live."""
    import shutil

    beauty = "sk_t_beauty_0000000004"
    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    c = client(keys=KEYS + [{"name": "beauty-shop", "role": "scan", "hash": hash_key(beauty), "policy": "cosmetics"}],
               wordlists=wl)
    scan(c, catalogue()["sku-00000026"])  # 绝对正品: the reviewer calls the absolute term harmless
    item = c.post("/v1/review/claim", headers=H(REVIEWER_KEY)).json()["item"]
    (i,) = [n for n, f in enumerate(item["result"]["findings"]) if f["term"] == "绝对"]
    assert c.post(f"/v1/review/items/{item['id']}/verdict", headers=H(REVIEWER_KEY), json={
        "decision": "reject", "findings": [{"index": i, "verdict": "false_positive"}]}).status_code == 200
    (cs,) = c.get("/v1/review/changesets", headers=H(ADMIN_KEY)).json()["changesets"]
    (wl / "profiles" / "cosmetics.toml").unlink()
    r = c.post(f"/v1/review/changesets/{cs['id']}/publish", headers=H(ADMIN_KEY))
    assert r.status_code == 422 and r.json()["error"]["code"] == "publish_refused", r.text
    assert "'cosmetics'" in r.json()["error"]["message"] and "'beauty-shop'" in r.json()["error"]["message"]
    assert beauty not in r.text
    assert c.get("/v1/review/changesets", headers=H(ADMIN_KEY)).json()["changesets"][0]["status"] == "open"
