"""Operator categories through the service (#20 item 3): POST /v1/admin/reload picks up a new
wordlists/custom/<id>.tsv, GET /v1/categories lists it with its labels so the editor shows it, scans
find it under its id, and a malformed file is refused (422, naming file and line) while the old
version keeps serving. Only an admin key reloads."""
from __future__ import annotations

import shutil

from tests.api.conftest import ADMIN_KEY, SCAN_KEY, assert_error
from tests.text.test_custom_categories import GOOD, HEADER

LISTING = {"title": "纪念紫晶会 徽章 限量"}


def _ids(client):
    return [c["id"] for c in client.get("/v1/categories").json()["categories"]]


def test_reload_adds_lists_and_drops_an_operator_category(make_client, text_engine, tmp_path):
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner

    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    client = make_client(keys=True, wordlists=wl, scanner=None)
    client.app.state.scanner = Scanner(text_engine, None, client.app.state.settings)
    scan = {"X-API-Key": SCAN_KEY}
    assert "restricted_terms" not in _ids(client)
    assert client.post("/v1/scan", json=LISTING, headers=scan).json()["decision"] == "pass"

    (wl / "custom").mkdir()
    (wl / "custom" / "restricted_terms.tsv").write_text(GOOD, "utf-8")
    assert_error(client.post("/v1/admin/reload", headers=scan), 403, "forbidden")  # a scan key may not reload
    resp = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    assert resp.status_code == 200, resp.text

    categories = client.get("/v1/categories").json()["categories"]
    assert categories[-1] == {"id": "restricted_terms", "en": "Restricted term", "zh": "平台限制词",
                              "default_action": "review", "explained_as": "Restricted term", "kind": "text"}
    assert _ids(client)[:-1] == [c for c in _ids(client) if c != "restricted_terms"]  # built-ins first, unchanged
    result = client.post("/v1/scan", json=LISTING, headers=scan).json()
    assert result["decision"] == "review"
    assert [(f["category"], f["text"]) for f in result["findings"]] == [("restricted_terms", "紫晶会")]
    assert result["versions"]["wordlists"] != text_engine.version
    counts = client.get("/v1/wordlists", headers=scan).json()["wordlists"]["counts"]
    assert counts["restricted_terms"] == 2

    (wl / "custom" / "restricted_terms.tsv").unlink()
    assert client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
    assert "restricted_terms" not in _ids(client)
    assert client.post("/v1/scan", json=LISTING, headers=scan).json()["decision"] == "pass"


def test_a_malformed_operator_list_is_refused_and_the_old_version_keeps_serving(make_client, tmp_path):
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    (wl / "custom").mkdir()
    (wl / "custom" / "restricted_terms.tsv").write_text(GOOD, "utf-8")
    client = make_client(keys=True, wordlists=wl, scanner=None)
    client.app.state.scanner = Scanner(TextEngine.load(wl), None, client.app.state.settings)
    version = client.app.state.scanner.text_engine.version

    (wl / "custom" / "restricted_terms.tsv").write_text(HEADER.replace("action: review", "action: ban"), "utf-8")
    body = assert_error(client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY}), 422, "reload_failed")
    assert "custom/restricted_terms.tsv:6: action must be block or review" in body["error"]["message"], body
    assert version in body["error"]["message"] and str(tmp_path) not in body["error"]["message"]

    result = client.post("/v1/scan", json=LISTING, headers={"X-API-Key": SCAN_KEY}).json()
    assert result["versions"]["wordlists"] == version and result["decision"] == "review"
    assert "restricted_terms" in _ids(client)
