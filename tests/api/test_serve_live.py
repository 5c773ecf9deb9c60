"""A real `scanner serve` process on a loopback port, talked to over HTTP."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, KEYS, SCAN_KEY

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path, *args, **env_extra):
    port = free_port()
    env = {**os.environ, "SCANNER_API_KEYS": json.dumps(KEYS), "SCANNER_GALLERY": str(tmp_path / "g.sqlite3"),
           "SCANNER_AUDIT_LOG": str(tmp_path / "audit.jsonl"), **env_extra}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = open(tmp_path / f"serve-{port}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "scanner", "serve", "--port", str(port), *args],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError((tmp_path / f"serve-{port}.log").read_text())
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return proc, base, port
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not become ready: " + (tmp_path / f"serve-{port}.log").read_text())


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:  # pragma: no cover
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    proc, base, port = start(tmp_path, SCANNER_MAX_BODY_BYTES="100000")
    yield base, port, tmp_path
    stop(proc)


def test_live_scan_auth_and_errors(server):
    base, _, tmp_path = server
    with httpx.Client(base_url=base, timeout=10) as http:
        resp = http.post("/v1/scan", json={"id": "s1", "title": "高仿耐克 运动鞋"}, headers={"X-API-Key": SCAN_KEY})
        assert resp.status_code == 200, resp.text
        assert resp.json()["decision"] == "block"
        assert http.post("/v1/scan", json={"title": "x"}).json()["error"]["code"] == "missing_api_key"
        assert http.post("/v1/admin/reload", headers={"X-API-Key": SCAN_KEY}).status_code == 403
        assert http.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
        assert "scanner_http_requests_total" in http.get("/metrics").text
    lines = [json.loads(x) for x in (tmp_path / f"serve-{base.rsplit(':', 1)[1]}.log").read_text().splitlines()
             if x.startswith("{")]
    requests = [x for x in lines if x.get("event") == "request"]
    assert any(x["route"] == "/v1/scan" and x["key"] == "shop-frontend" and x["decision"] == "block" for x in requests)
    startup = next(x for x in lines if x.get("event") == "startup")
    assert startup["ms"] > 0


def test_live_huge_chunked_body_is_refused_while_streaming(server):
    """Send an endless chunked body: the 413 must arrive long before we stop sending."""
    _, port, _ = server
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"X-API-Key: " + SCAN_KEY.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"a" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    sock.settimeout(0.05)
    answer = b""
    try:
        while sent < 200 * 1024 * 1024:  # would be 200 MB
            try:
                sock.sendall(frame)
                sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                break
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except socket.timeout:
                pass
        sock.settimeout(5)
        while b"}}" not in answer:  # headers and the JSON body
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"body_too_large" in answer
    assert sent < 50 * 1024 * 1024


def test_live_metrics_behind_a_key(tmp_path):
    """SCANNER_METRICS_AUTH=key on a real server: a scraper's bearer token works, nothing else does,
    and the key never reaches the log."""
    proc, base, port = start(tmp_path, SCANNER_METRICS_AUTH="key")
    try:
        assert httpx.get(base + "/metrics", timeout=10).status_code == 401
        assert httpx.get(base + "/metrics", headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 401
        resp = httpx.get(base + "/metrics", headers={"Authorization": f"Bearer {SCAN_KEY}"}, timeout=10)
        assert resp.status_code == 200 and "scanner_http_requests_total" in resp.text
        assert httpx.get(base + "/readyz", timeout=10).status_code == 200
    finally:
        stop(proc)
    log = (tmp_path / f"serve-{port}.log").read_text()
    assert SCAN_KEY not in log and ADMIN_KEY not in log
    assert '"route": "/metrics"' in log and '"key": "shop-frontend"' in log


def test_live_two_workers_share_reload_and_metrics(tmp_path):
    from scanner.config import BUNDLED_WORDLISTS

    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    proc, base, _ = start(tmp_path, "--workers", "2", SCANNER_WORDLISTS=str(wl))
    try:
        with httpx.Client(base_url=base, timeout=10, headers={"X-API-Key": ADMIN_KEY}) as http:
            before = http.get("/v1/wordlists").json()["versions"]["wordlists"]
            terms = wl / "terms" / "counterfeit.tsv"
            terms.write_text(terms.read_text("utf-8") + "zqxreplica\tcounterfeit\thigh\t-\t\t\tlive test\n", "utf-8")
            after = http.post("/v1/admin/reload").json()["after"]
            assert after != before
            deadline = time.monotonic() + 20
            while True:  # every worker follows (bounded wait, not a timing assertion)
                seen = {http.get("/v1/wordlists").json()["versions"]["wordlists"] for _ in range(20)}
                if seen == {after} or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
            assert seen == {after}
            for _ in range(10):
                assert http.post("/v1/scan", json={"title": "zqxreplica"}).json()["decision"] == "block"
            text = http.get("/metrics").text
            line = next(x for x in text.splitlines()
                        if x.startswith('scanner_http_requests_total{method="POST",route="/v1/scan",status="200"}'))
            assert float(line.rsplit(" ", 1)[1]) == 10.0  # summed over both workers
    finally:
        stop(proc)
