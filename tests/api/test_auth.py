"""Who may do what: hashed keys with roles, closed admin routes, audit log, log hygiene."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.auth import KeyRing, hash_key
from api.main import create_app
from tests.api.conftest import ADMIN_KEY, KEYS, SCAN_KEY, assert_error
from tests.support import png_bytes

SCAN = {"X-API-Key": SCAN_KEY}
ADMIN = {"X-API-Key": ADMIN_KEY}
LISTING = {"id": "a1", "title": "高仿耐克 运动鞋"}

READ_ROUTES = [("GET", "/v1/gallery"), ("GET", "/v1/wordlists"), ("GET", "/v1/gallery/g_missing")]


def _call(client, method, path, headers=None):
    if path.startswith("/v1/scan"):
        return client.post(path, json={"listings": [LISTING]} if path.endswith("batch") else LISTING, headers=headers)
    return client.request(method, path, headers=headers)


@pytest.mark.parametrize("path", ["/v1/scan", "/v1/scan/batch"])
def test_scanning_needs_a_key_when_keys_are_configured(keyed, path):
    assert_error(_call(keyed, "POST", path), 401, "missing_api_key")
    assert_error(_call(keyed, "POST", path, {"X-API-Key": "wrong"}), 401, "invalid_api_key")
    assert _call(keyed, "POST", path, SCAN).status_code == 200
    assert _call(keyed, "POST", path, ADMIN).status_code == 200  # admin keys may scan


def test_multipart_scan_needs_a_key(keyed):
    files = {"images": ("a.png", png_bytes(), "image/png")}
    assert_error(keyed.post("/v1/scan/image", files=files), 401, "missing_api_key")
    assert keyed.post("/v1/scan/image", files=files, headers=SCAN).status_code == 200


@pytest.mark.parametrize("method, path", READ_ROUTES)
def test_reading_needs_a_key_when_keys_are_configured(keyed, method, path):
    assert_error(keyed.request(method, path), 401, "missing_api_key")
    assert keyed.request(method, path, headers=SCAN).status_code in (200, 404)


def test_no_keys_configured_scanning_is_open(client):
    assert client.post("/v1/scan", json=LISTING).status_code == 200
    assert client.get("/v1/wordlists").status_code == 200


ADMIN_ROUTES = [
    ("POST", "/v1/admin/reload", {}),
    ("DELETE", "/v1/gallery/g_123", {}),
    ("POST", "/v1/gallery", {"files": {"images": ("a.png", png_bytes(), "image/png")}, "data": {"brand": "Nova"}}),
]


@pytest.mark.parametrize("method, path, kwargs", ADMIN_ROUTES)
def test_admin_routes_closed_without_admin_key(make_client, method, path, kwargs):
    open_client = make_client()
    msg = assert_error(open_client.request(method, path, **kwargs), 403, "admin_disabled")["error"]["message"]
    assert "admin" in msg and "SCANNER_API_KEYS" in msg
    assert "--role admin" in msg  # the hint must make a key that works here, not a scan key
    scan_only = make_client(api_keys=[KEYS[0]])
    assert_error(scan_only.request(method, path, headers=SCAN, **kwargs), 403, "admin_disabled")


@pytest.mark.parametrize("method, path, kwargs", ADMIN_ROUTES)
def test_admin_routes_need_admin_role(keyed, method, path, kwargs):
    assert_error(keyed.request(method, path, **kwargs), 401, "missing_api_key")
    assert_error(keyed.request(method, path, headers={"X-API-Key": "nope"}, **kwargs), 401, "invalid_api_key")
    assert_error(keyed.request(method, path, headers=SCAN, **kwargs), 403, "forbidden")
    # past auth: a flat test image is refused by the gallery (422), a missing id is 404
    assert keyed.request(method, path, headers=ADMIN, **kwargs).status_code in (200, 201, 404, 422)


def test_admin_actions_are_audited(keyed, gallery_image):
    reload_resp = keyed.post("/v1/admin/reload", headers=ADMIN)
    assert reload_resp.status_code == 200
    body = reload_resp.json()
    assert body["before"] == body["after"] and body["changed"] is False
    added = keyed.post("/v1/gallery", files={"images": ("n.jpg", gallery_image, "image/jpeg")},
                       data={"brand": "Nova", "label": "shoe"}, headers=ADMIN).json()
    gid = added["added"][0]["id"]
    assert keyed.delete(f"/v1/gallery/{gid}", headers=ADMIN).status_code == 200
    assert_error(keyed.delete(f"/v1/gallery/{gid}", headers=ADMIN), 404, "gallery_not_found")
    keyed.post("/v1/admin/reload", headers=SCAN)  # denied: audited too

    entries = keyed.app.state.audit.read()
    actions = [(e["actor"], e["action"], e["outcome"]) for e in entries]
    # Each action: its intent, written (fsync) before anything changes, then its outcome.
    assert actions == [
        ("ops-alice", "wordlists.reload", "started"),
        ("ops-alice", "wordlists.reload", "ok"),
        ("ops-alice", "gallery.add", "started"),
        ("ops-alice", "gallery.add", "ok"),
        ("ops-alice", "gallery.remove", "started"),
        ("ops-alice", "gallery.remove", "ok"),
        ("ops-alice", "gallery.remove", "started"),
        ("ops-alice", "gallery.remove", "not_found"),
        ("shop-frontend", "POST /v1/admin/reload", "denied"),
    ]
    for started, done in zip(entries[:8:2], entries[1:8:2]):
        assert started["request_id"] == done["request_id"] and started["before"] == done["before"]
    done = [e for e in entries if e["outcome"] == "ok"]
    for e in done:
        assert {"ts", "before", "after"} <= set(e)
    assert done[1]["ids"] == [gid] and done[1]["before"] != done[1]["after"]
    assert entries[2]["sha256"] == [added["added"][0]["sha256"]]  # the intent names the images
    assert done[2]["before"] == done[1]["after"] and entries[4]["id"] == gid
    raw = keyed.app.state.audit.path.read_text()
    assert ADMIN_KEY not in raw and SCAN_KEY not in raw


def test_gallery_crud(keyed, gallery_image):
    assert keyed.get("/v1/gallery", headers=SCAN).json()["count"] == 0
    assert_error(keyed.post("/v1/gallery", files={"images": ("n.jpg", gallery_image, "image/jpeg")},
                            headers=ADMIN), 422, "invalid_request")  # brand missing
    resp = keyed.post("/v1/gallery", files={"images": ("n.txt", b"not an image", "text/plain")},
                      data={"brand": "Nova"}, headers=ADMIN)
    assert_error(resp, 415, "image_unsupported_format")
    added = keyed.post("/v1/gallery", files={"images": ("n.jpg", gallery_image, "image/jpeg")},
                       data={"brand": "Nova", "label": "shoe"}, headers=ADMIN)
    assert added.status_code == 201
    entry = added.json()["added"][0]
    listing = keyed.get("/v1/gallery", headers=SCAN).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == entry["id"]
    assert listing["version"] == added.json()["version"]
    one = keyed.get(f"/v1/gallery/{entry['id']}", headers=SCAN).json()
    assert one["brand"] == "Nova" and one["label"] == "shoe"
    assert_error(keyed.get("/v1/gallery/g_nope", headers=SCAN), 404, "gallery_not_found")
    thumb = keyed.get(f"/v1/gallery/{entry['id']}/thumbnail", headers=SCAN)
    assert thumb.status_code in (200, 404)
    if thumb.status_code == 200:
        assert thumb.headers["content-type"].startswith("image/")


def test_bad_key_configuration_fails_at_startup(make_settings):
    for bad in ([{"name": "x", "role": "scan", "hash": "plaintext-key"}],
                [{"name": "x", "role": "root", "hash": hash_key("k")}],
                [{"role": "scan", "hash": hash_key("k")}]):
        with pytest.raises(ValueError):
            create_app(make_settings(api_keys=bad), scanner=object())


def test_bad_image_errors_mode_fails_at_startup(make_settings):
    with pytest.raises(ValueError, match="SCANNER_IMAGE_ERRORS"):
        create_app(make_settings(image_errors="rejct"), scanner=object())


def test_keyring_accepts_only_the_hashed_key():
    ring = KeyRing(KEYS)
    assert ring.lookup(SCAN_KEY).name == "shop-frontend"
    assert ring.lookup(KEYS[0]["hash"]) is None  # the hash itself is not a key
    assert ring.lookup(SCAN_KEY + " ") is None


def test_request_log_has_key_name_and_decision_but_no_text_or_key(keyed, request_log):
    keyed.post("/v1/scan", json={"id": "p", "title": "高仿耐克 独家秘方"}, headers=SCAN)
    keyed.post("/v1/scan", json=LISTING, headers={"X-API-Key": "sk_wrong_secret"})
    line = next(x for x in request_log if x.get("status") == 200)
    assert line["route"] == "/v1/scan" and line["key"] == "shop-frontend" and line["decision"] == "block"
    assert line["versions"]["wordlists"].startswith("sha256:")
    assert isinstance(line["ms"], float) and line["request_id"]
    text = json.dumps(request_log, ensure_ascii=False)
    assert "高仿" not in text and "独家秘方" not in text
    assert SCAN_KEY not in text and "sk_wrong_secret" not in text
    assert any(x.get("status") == 401 for x in request_log)


@pytest.mark.parametrize("brand", [" ", "\t", "\r\n"])
def test_blank_brand_is_refused(keyed, gallery_image, brand):
    resp = keyed.post("/v1/gallery", files={"images": ("n.jpg", gallery_image, "image/jpeg")},
                      data={"brand": brand}, headers=ADMIN)
    assert_error(resp, 422, "invalid_request")


# -- /metrics -------------------------------------------------------------------------------
def test_metrics_are_open_by_default_even_with_keys(keyed):
    resp = keyed.get("/metrics")
    assert resp.status_code == 200 and "scanner_http_requests_total" in resp.text


def test_metrics_need_a_key_when_metrics_auth_is_key(make_client, request_log):
    client = make_client(keys=True, metrics_auth="key")
    assert_error(client.get("/metrics"), 401, "missing_api_key")
    assert_error(client.get("/metrics", headers={"X-API-Key": "wrong"}), 401, "invalid_api_key")
    assert_error(client.get("/metrics", headers={"Authorization": "Bearer wrong"}), 401, "invalid_api_key")
    assert_error(client.get("/metrics", headers={"Authorization": f"Basic {SCAN_KEY}"}), 401, "missing_api_key")
    for headers in (SCAN, ADMIN, {"Authorization": f"Bearer {SCAN_KEY}"}, {"Authorization": f"bearer {ADMIN_KEY}"}):
        resp = client.get("/metrics", headers=headers)
        assert resp.status_code == 200 and "scanner_http_requests_total" in resp.text, headers
    # probes stay open
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    lines = [x for x in request_log if x.get("route") == "/metrics"]
    assert {x["key"] for x in lines} >= {"shop-frontend", "ops-alice", "invalid"}
    logged = json.dumps(request_log)
    assert SCAN_KEY not in logged and ADMIN_KEY not in logged and "Bearer" not in logged


def test_metrics_auth_key_without_keys_refuses_to_start(make_settings):
    with pytest.raises(ValueError, match="SCANNER_METRICS_AUTH=key needs at least one key"):
        create_app(make_settings(metrics_auth="key"))
    with pytest.raises(ValueError, match="SCANNER_METRICS_AUTH"):
        create_app(make_settings(metrics_auth="maybe", api_keys=KEYS))


def test_serve_refuses_metrics_auth_key_without_keys(tmp_path):
    import os

    env = {**os.environ, "SCANNER_METRICS_AUTH": "key", "SCANNER_GALLERY": str(tmp_path / "g.sqlite3")}
    env.pop("SCANNER_API_KEYS", None)
    proc = subprocess.run([sys.executable, "-m", "scanner", "serve", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "SCANNER_METRICS_AUTH=key" in proc.stderr


# Issue #13, finding 8: with the audit log unwritable, a gallery add committed and changed the gallery
# version, the client got a 500, and no audit line existed. Now the intent line is written (fsync) before
# anything changes. If it cannot be written, nothing changes and the client gets 503 audit_unavailable.
UNWRITABLE = ["a directory where the file should be", "disk full (/dev/full)"]


def _break_audit(client, how: str) -> None:
    from api.audit import AuditLog

    audit = client.app.state.audit
    if how.startswith("a directory"):
        audit.path.unlink(missing_ok=True)
        audit.path.mkdir()
    else:
        client.app.state.audit = AuditLog(Path("/dev/full"))  # every write fails with ENOSPC


@pytest.mark.parametrize("how", UNWRITABLE)
def test_an_admin_action_that_cannot_be_audited_does_not_happen(make_client, text_engine, gallery_image,
                                                                 tmp_path, request_log, how):
    import shutil

    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner
    from scanner.images import ImageScanner

    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    client = make_client(keys=True, wordlists=wl, scanner=None)
    settings = client.app.state.settings
    client.app.state.scanner = Scanner(text_engine, ImageScanner.from_settings(settings), settings)
    kept = client.post("/v1/gallery", files={"images": ("k.jpg", gallery_image, "image/jpeg")},
                       data={"brand": "Nova"}, headers=ADMIN).json()["added"][0]["id"]
    versions = client.get("/readyz").json()["versions"]
    with open(wl / "terms" / "counterfeit.tsv", "a", encoding="utf-8") as fh:
        fh.write("zqaudit\tcounterfeit\thigh\t-\t\t\t\n")  # a reload would change the version
    _break_audit(client, how)

    other = png_bytes(size=(64, 48), colour=(10, 120, 200))
    refused = [
        client.post("/v1/admin/reload", headers=ADMIN),
        client.post("/v1/gallery", files={"images": ("o.png", other, "image/png")}, data={"brand": "Nova"},
                    headers=ADMIN),
        client.delete(f"/v1/gallery/{kept}", headers=ADMIN),
    ]
    for resp in refused:
        message = assert_error(resp, 503, "audit_unavailable")["error"]["message"]
        assert "nothing was changed" in message and str(tmp_path) not in message
    assert client.get("/readyz").json()["versions"] == versions
    assert [e["id"] for e in client.get("/v1/gallery", headers=SCAN).json()["items"]] == [kept]
    assert not [line for line in request_log if line.get("status") == 500]


def test_an_outcome_line_that_fails_after_the_action_leaves_the_intent_as_the_record(keyed, gallery_image,
                                                                                   monkeypatch, caplog):
    from api.audit import AuditLog, AuditUnavailable

    real = AuditLog.write

    def outcome_fails(self, actor, action, outcome="ok", **fields):
        if outcome != "started":
            raise AuditUnavailable("disk full")
        return real(self, actor, action, outcome, **fields)

    monkeypatch.setattr(AuditLog, "write", outcome_fails)
    resp = keyed.post("/v1/gallery", files={"images": ("n.jpg", gallery_image, "image/jpeg")},
                      data={"brand": "Nova"}, headers=ADMIN)
    assert resp.status_code == 201, resp.text  # done: telling the client otherwise would invite a retry
    entries = keyed.app.state.audit.read()
    assert [(e["action"], e["outcome"]) for e in entries] == [("gallery.add", "started")]
    assert entries[0]["sha256"] == [resp.json()["added"][0]["sha256"]]


# Issue #13, finding 8: 401s and 403s on admin routes were not audited (only a scan key's 403 was).
DENIED = [
    # configured keys   header                        status  code                actor
    ("all",             None,                         401,    "missing_api_key",  "anonymous"),
    ("all",             "sk_guessed_key_0000000000",  401,    "invalid_api_key",  "invalid"),
    ("all",             SCAN_KEY,                     403,    "forbidden",        "shop-frontend"),
    ("scan only",       ADMIN_KEY,                    403,    "admin_disabled",   "anonymous"),
    ("none",            None,                         403,    "admin_disabled",   "anonymous"),
]


@pytest.mark.parametrize("configured, key, status, code, actor", DENIED)
@pytest.mark.parametrize("method, path, kwargs", ADMIN_ROUTES)
def test_refusals_on_admin_routes_are_audited_without_the_key(make_client, configured, key, status, code,
                                                             actor, method, path, kwargs):
    keys = {"all": KEYS, "scan only": [KEYS[0]], "none": []}[configured]
    client = make_client(api_keys=keys)
    headers = {"X-API-Key": key} if key else {}
    assert_error(client.request(method, path, headers=headers, **kwargs), status, code)
    entries = client.app.state.audit.read()
    assert len(entries) == 1, entries
    entry = entries[0]
    assert (entry["actor"], entry["action"], entry["outcome"], entry["reason"]) == (
        actor, f"{method} {path}", "denied", code)
    assert entry["request_id"] and entry["client"]
    if key:
        assert key not in client.app.state.audit.path.read_text()
