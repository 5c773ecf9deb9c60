"""A real `scanner serve` process on a loopback port, talked to over HTTP."""
from __future__ import annotations

import json
import os
import select
import shutil
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, KEYS, SCAN_KEY
from tests.api.serve_support import start_serve, stop_serve

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path, *args, **env_extra):
    """A ready `scanner serve` with the test keys on its own gallery and audit log: (process, base, port).

    Its log is tmp_path/serve-<port>.log. Port races and slow starts are handled in serve_support."""
    env = {**os.environ, "SCANNER_API_KEYS": json.dumps(KEYS), "SCANNER_GALLERY": str(tmp_path / "g.sqlite3"),
           "SCANNER_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
           "SCANNER_DATABASE_URL": f"sqlite:///{tmp_path}/review.sqlite3", **env_extra}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    workers = int(args[args.index("--workers") + 1]) if "--workers" in args else 1
    proc, base, port, _ = start_serve(list(args), env, tmp_path, cwd=ROOT, workers=workers,
                                      reuse_port="--no-reuse-port" not in args)
    return proc, base, port


def stop(proc):
    stop_serve(proc)


def log_lines(path, want, timeout: float = 30.0) -> list[dict]:
    """The JSON lines of a running server's log once one satisfies `want` (or after `timeout` s).

    A request's log line is written after its response has been sent, so the client can be back
    before the line is in the file: wait for it instead of reading once."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [json.loads(x) for x in path.read_text().splitlines() if x.startswith("{")]
        if any(want(x) for x in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    proc, base, port = start(tmp_path, SCANNER_MAX_BODY_BYTES="100000")
    yield base, port, tmp_path
    stop(proc)


def test_live_scan_auth_and_errors(server):
    base, _, tmp_path = server
    with httpx.Client(base_url=base, timeout=30) as http:
        resp = http.post("/v1/scan", json={"id": "s1", "title": "高仿耐克 运动鞋"}, headers={"X-API-Key": SCAN_KEY})
        assert resp.status_code == 200, resp.text
        assert resp.json()["decision"] == "block"
        assert http.post("/v1/scan", json={"title": "x"}).json()["error"]["code"] == "missing_api_key"
        assert http.post("/v1/admin/reload", headers={"X-API-Key": SCAN_KEY}).status_code == 403
        assert http.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
        assert "scanner_http_requests_total" in http.get("/metrics").text
    def scan_line(x):
        return (x.get("event") == "request" and x["route"] == "/v1/scan" and x["key"] == "shop-frontend"
                and x.get("decision") == "block")

    lines = log_lines(tmp_path / f"serve-{base.rsplit(':', 1)[1]}.log", scan_line)
    assert any(scan_line(x) for x in lines)
    startup = next(x for x in lines if x.get("event") == "startup")
    assert startup["ms"] > 0


def test_live_huge_chunked_body_is_refused_while_streaming(server):
    """Send an endless chunked body: the 413 must arrive long before we stop sending.

    Non-blocking, with select: a loaded machine may leave the server unscheduled for a while, and a
    short send/recv timeout must not end the test before the server had a chance to answer."""
    _, port, _ = server
    chunk = b"a" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    pending = (b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"X-API-Key: " + SCAN_KEY.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    head_left = len(pending)
    sent = 0  # body bytes (framing included) handed to the kernel
    answer = b""
    writable = True
    deadline = time.monotonic() + 120  # only a server that never answers gets near this
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.setblocking(False)
        while b"}}" not in answer and time.monotonic() < deadline:  # headers and the JSON body
            sending = writable and not answer and sent < 200 * 1024 * 1024  # would be 200 MB
            readable, can_write, _ = select.select([sock], [sock] if sending else [], [], 1.0)
            if readable:
                try:
                    more = sock.recv(65536)
                except BlockingIOError:
                    continue
                except ConnectionResetError:
                    break
                if not more:
                    break
                answer += more
            elif can_write:
                try:
                    n = sock.send(pending)
                except BlockingIOError:
                    continue
                except (BrokenPipeError, ConnectionResetError):
                    writable = False
                    continue
                sent += max(0, n - head_left)
                head_left = max(0, head_left - n)
                pending = pending[n:] or frame
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"body_too_large" in answer
    assert sent < 50 * 1024 * 1024


def test_live_metrics_behind_a_key(tmp_path):
    """SCANNER_METRICS_AUTH=key on a real server: a scraper's bearer token works, nothing else does,
    and the key never reaches the log."""
    proc, base, port = start(tmp_path, SCANNER_METRICS_AUTH="key")
    try:
        assert httpx.get(base + "/metrics", timeout=30).status_code == 401
        assert httpx.get(base + "/metrics", headers={"Authorization": "Bearer nope"}, timeout=30).status_code == 401
        resp = httpx.get(base + "/metrics", headers={"Authorization": f"Bearer {SCAN_KEY}"}, timeout=30)
        assert resp.status_code == 200 and "scanner_http_requests_total" in resp.text
        assert httpx.get(base + "/readyz", timeout=30).status_code == 200
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
        # A new connection for every request: the kernel spreads connections over the workers' sockets
        # (SO_REUSEPORT), so 20 reads see both workers; on one keep-alive connection they would all see one.
        with httpx.Client(base_url=base, timeout=30, headers={"X-API-Key": ADMIN_KEY},
                          limits=httpx.Limits(max_keepalive_connections=0)) as http:
            before = http.get("/v1/wordlists").json()["versions"]["wordlists"]
            terms = wl / "terms" / "counterfeit.tsv"
            terms.write_text(terms.read_text("utf-8") + "zqxreplica\tcounterfeit\thigh\t-\t\t\tlive test\n", "utf-8")
            after = http.post("/v1/admin/reload").json()["after"]
            assert after != before
            deadline = time.monotonic() + 90  # workers poll every 1 s, then rebuild (seconds on a loaded machine)
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
