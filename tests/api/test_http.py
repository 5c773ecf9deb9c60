"""Error envelope for 404/405/422, health and readiness, metrics, OpenAPI, the editor page."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes import health
from tests.api.conftest import assert_error
from tests.support import run_coroutine


def test_unknown_route_404_shape(client):
    assert "/nope" in assert_error(client.get("/nope"), 404, "not_found")["error"]["message"]


def test_wrong_method_405_shape(client):
    assert_error(client.get("/v1/scan"), 405, "method_not_allowed")
    assert_error(client.put("/healthz"), 405, "method_not_allowed")


def test_validation_error_shape_is_ours(keyed):
    from tests.api.conftest import ADMIN_KEY

    resp = keyed.post("/v1/gallery", data={"label": "x"}, headers={"X-API-Key": ADMIN_KEY})
    body = assert_error(resp, 422, "invalid_request")
    assert "detail" not in body
    assert "images" in body["error"]["message"] and "brand" in body["error"]["message"]


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert set(ready.json()["versions"]) == {"wordlists", "gallery", "image_rules", "listing_model", "scanner"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_head_like_get(client, path):
    """Load balancers and uptime checkers probe with HEAD."""
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""


def test_not_ready_until_scanner_is_built(make_settings):
    app = create_app(make_settings(), scanner=None)
    client = TestClient(app)  # lifespan not run: no scanner yet
    assert client.get("/healthz").status_code == 200
    assert_error(client.get("/readyz"), 503, "not_ready")
    resp = client.post("/v1/scan", json={"title": "x"})
    assert_error(resp, 503, "not_ready")
    assert resp.headers.get("retry-after") == "1"


def test_lifespan_builds_the_scanner(make_settings):
    with TestClient(create_app(make_settings())) as client:
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/scan", json={"title": "高仿耐克"}).json()["decision"] == "block"


def test_request_id_header(client):
    resp = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces\x01"}).headers["x-request-id"]
    assert generated != "bad id with spaces\x01" and len(generated) == 16


def test_metrics(client):
    client.post("/v1/scan", json={"title": "高仿耐克 运动鞋"})
    client.post("/v1/scan", json={"title": 1})
    text = client.get("/metrics").text
    assert 'scanner_http_requests_total{method="POST",route="/v1/scan",status="200"}' in text
    assert 'scanner_http_requests_total{method="POST",route="/v1/scan",status="422"}' in text
    assert 'scanner_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/scan",status="200"}' in text
    assert 'scanner_decisions_total{decision="block"}' in text
    assert 'scanner_findings_total{category="counterfeit"}' in text
    assert 'scanner_scan_errors_total{code="invalid_listing"}' in text
    version = client.get("/readyz").json()["versions"]["wordlists"]
    assert f'scanner_versions_loaded{{component="wordlists",version="{version}"}} 1.0' in text


def test_openapi_documents_every_route_with_examples(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [("/v1/scan", "post"), ("/v1/scan/batch", "post"), ("/v1/scan/image", "post"),
                         ("/v1/gallery", "get"), ("/v1/gallery", "post"), ("/v1/gallery/{gallery_id}", "get"),
                         ("/v1/gallery/{gallery_id}", "delete"), ("/v1/wordlists", "get"),
                         ("/v1/admin/reload", "post"), ("/healthz", "get"), ("/readyz", "get"), ("/metrics", "get")]:
        assert method in paths[path], (path, method)
    body = paths["/v1/scan"]["post"]["requestBody"]["content"]["application/json"]
    assert body["example"]["title"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
    assert ref in spec["components"]["schemas"]
    assert "ImageRef" in spec["components"]["schemas"]
    assert "ApiKey" in spec["components"]["securitySchemes"]
    assert client.get("/docs").status_code == 200


def test_index_page_served_when_present(client, tmp_path, monkeypatch):
    monkeypatch.setattr(health, "STATIC_DIR", tmp_path)
    assert_error(client.get("/"), 404, "not_found")
    (tmp_path / "index.html").write_text("<html>editor</html>")
    resp = client.get("/")
    assert resp.status_code == 200 and "editor" in resp.text
    assert resp.headers["content-type"].startswith("text/html")


def test_wordlists_info_does_not_show_where_the_server_keeps_them(keyed):
    """Issue #13, finding 10: GET /v1/wordlists showed scan keys the server's word-list directory."""
    import json

    from scanner.config import BUNDLED_WORDLISTS
    from tests.api.conftest import SCAN_KEY

    body = keyed.get("/v1/wordlists", headers={"X-API-Key": SCAN_KEY}).json()
    assert "path" not in body["wordlists"] and body["wordlists"]["counts"]["brand"] > 0
    assert str(BUNDLED_WORDLISTS) not in json.dumps(body, ensure_ascii=False)


def test_the_docs_page_works_offline(client):
    """Issue #13, finding 10: /docs loaded Swagger UI unpinned from a CDN, and was blank offline. The
    page must name no other host; its script, stylesheet and icon are served by the service itself."""
    import re

    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert not re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), html
    assert '"validatorUrl": null' in html  # else Swagger UI sends the spec to an online validator
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/[^"']+)""", html)
    assert {a.rsplit(".", 1)[-1] for a in assets} >= {"js", "css", "png"}, assets
    for asset in assets:
        resp = client.get(asset)
        assert resp.status_code == 200 and len(resp.content) > 500, asset
    assert "/openapi.json" in html and client.get("/openapi.json").status_code == 200


def _call_asgi(client, method: str, path: str, ctype: bytes, length: bytes, messages: list[dict]) -> list[dict]:
    """Run the app on one raw request whose body arrives as `messages` (then nothing more, ever); what it sent."""
    import asyncio

    sent: list[dict] = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"content-type", ctype), (b"content-length", length)],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    run_coroutine(asyncio.wait_for(client.app(scope, receive, send), 30))
    return sent


DISCONNECTS = [
    # method  path               content type
    ("POST", "/v1/scan",         b"application/json"),
    ("POST", "/v1/scan/batch",   b"application/json"),
]


@pytest.mark.parametrize("method, path, ctype", DISCONNECTS)
def test_a_client_that_hangs_up_mid_body_is_logged_as_a_disconnect(client, request_log, caplog, method, path, ctype):
    """Issue #13, finding 10: a client that went away mid-body was logged as a 500 with a traceback."""
    import logging

    with caplog.at_level(logging.INFO):
        _call_asgi(client, method, path, ctype, b"1000",
                   [{"type": "http.request", "body": b'{"title": "', "more_body": True}, {"type": "http.disconnect"}])
    lines = [line for line in request_log if line.get("route") == path]
    assert [line["status"] for line in lines] == [499], lines
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text
    assert any(getattr(r, "fields", {}).get("event") == "client_disconnect" for r in caplog.records)


def test_gallery_list_has_one_shape_for_the_api_and_the_cli(make_client, make_settings, capsys):
    """GET /v1/gallery and `scanner gallery list --json` answer with the same document."""
    from scanner.cli import main

    from tests.support import FIXTURES

    gallery = ["--gallery", str(make_settings().gallery), "gallery"]
    assert main([*gallery, "add", str(FIXTURES / "gallery" / "nova_sneaker.jpg"), "--brand", "Nova"]) == 0
    capsys.readouterr()
    api = make_client().get("/v1/gallery").json()
    assert api["count"] == len(api["items"]) == 1
    assert main([*gallery, "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == api


@pytest.mark.parametrize("path,route,status", [
    ("/static/main.js", "/static/{path}", "200"),       # the editor's files: one label, not one per file
    ("/static/no-such-file.js", "/static/{path}", "404"),
    ("/openapi.json", "/openapi.json", "200"),
    ("/docs", "/docs", "200"),
    ("/no/such/route", "unmatched", "404"),              # anything else stays one bounded label
])
def test_metrics_label_every_route_by_its_template(client, path, route, status):
    client.get(path)
    text = client.get("/metrics").text
    assert f'scanner_http_requests_total{{method="GET",route="{route}",status="{status}"}}' in text, path


@pytest.mark.parametrize("path", ["/v1/scan", "/v1/scan/batch", "/v1/scan/image", "/v1/gallery"])
def test_a_body_refused_on_its_content_length_is_logged_under_its_route(client, request_log, caplog, path):
    """Red-team R04: a Content-Length over the body limit is answered 413 before routing; naming the route for the
    log line then asked newer FastAPI's included-router entry for a path it lacks, so every such request left a
    traceback and no request line (nor metric). No key is needed to cause it."""
    import logging

    with caplog.at_level(logging.INFO):
        sent = _call_asgi(client, "POST", path, b"application/json", b"25000000",
                          [{"type": "http.request", "body": b"{", "more_body": True}])
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [413]
    assert [line["status"] for line in request_log if line.get("route") == path] == [413], request_log
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text
