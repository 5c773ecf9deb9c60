"""Slow and stalling clients against a real `scanner serve` on loopback (raw sockets).

A client that trickles or abandons its body or headers, or opens idle connections, must be
answered (408 / 431 / 503 in the error envelope) or disconnected within the configured
bound, while other clients keep being served. Timing assertions are generous upper bounds
that prove "it does not hang", never performance claims.
"""
from __future__ import annotations

import json
import socket
import threading
import time

import httpx
import pytest

from tests.api.conftest import SCAN_KEY
from tests.api.test_serve_live import start, stop

BODY_TIMEOUT = 2.0
HEADER_TIMEOUT = 2.0
MAX_CONNECTIONS = 12
# "Cut off within the bound": 2 s configured, asserted < 12 s, so that a loaded CI machine (slow
# scheduling, slow loopback) never fails it, while a server that lets the client hang (minutes:
# the trickles below would run for 40 s or more) still does.
CUT_OFF = 6 * BODY_TIMEOUT
HANG = 30.0  # far above every bound: reaching it means the server let the client hang


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("slow")
    proc, base, port = start(tmp_path, SCANNER_REQUEST_BODY_TIMEOUT_S=str(BODY_TIMEOUT),
                             SCANNER_REQUEST_HEADER_TIMEOUT_S=str(HEADER_TIMEOUT),
                             SCANNER_MAX_HEADER_BYTES="8192", SCANNER_MAX_CONNECTIONS=str(MAX_CONNECTIONS))
    yield base, port
    stop(proc)


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=HANG)
    return sock


def _read_until_closed(sock: socket.socket, limit: float = HANG) -> tuple[bytes, float, bool]:
    """Everything the server sends until it closes (or `limit` s pass); (bytes, seconds, closed)."""
    started = time.monotonic()
    data = b""
    sock.settimeout(0.5)
    while time.monotonic() - started < limit:
        try:
            more = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return data, time.monotonic() - started, True
        if not more:
            return data, time.monotonic() - started, True
        data += more
    return data, time.monotonic() - started, False


def _error(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


def _head(length: int | None = None, path: str = "/v1/scan", chunked: bool = False) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: x", "Content-Type: application/json", f"X-API-Key: {SCAN_KEY}"]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Background:
    """Ordinary scans on another connection while a slow client is being handled."""

    def __init__(self, base: str) -> None:
        self.base, self.ok, self.failed, self.stop = base, 0, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10, headers={"X-API-Key": SCAN_KEY}) as http:
            while not self.stop.is_set():
                try:
                    resp = http.post("/v1/scan", json={"id": "bg", "title": "高仿耐克 运动鞋"})
                    if resp.status_code == 200 and resp.json()["decision"] == "block":
                        self.ok += 1
                    else:
                        self.failed.append(resp.status_code)
                except httpx.HTTPError as exc:  # pragma: no cover - would fail the test below
                    self.failed.append(repr(exc))
                time.sleep(0.05)

    def __enter__(self):
        # Wait for a first answer, so that client set-up and the first connection are not counted
        # against the slow client's few seconds (bounded wait, not a timing assertion).
        self.thread.start()
        deadline = time.monotonic() + HANG
        while self.ok + len(self.failed) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.ok_before = self.ok
        return self

    @property
    def meanwhile(self) -> int:
        """Scans answered since the slow client started."""
        return self.ok - self.ok_before

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=HANG)


def test_half_a_body_then_silence_gets_408_and_others_are_served(server):
    base, port = server
    body = json.dumps({"id": "slow", "title": "高仿耐克 运动鞋" * 20}).encode()
    with Background(base) as bg, _connect(port) as sock:
        sock.sendall(_head(len(body)) + body[: len(body) // 2])
        answer, seconds, closed = _read_until_closed(sock)
    status, payload = _error(answer)
    assert status == 408 and payload["error"]["code"] == "body_timeout", answer
    assert "SCANNER_REQUEST_BODY_TIMEOUT_S" in payload["error"]["message"]
    assert closed and seconds < CUT_OFF, seconds
    assert bg.meanwhile >= 3 and not bg.failed, (bg.meanwhile, bg.failed)
    print(f"stalled body: 408 after {seconds:.2f} s (bound {BODY_TIMEOUT} s); {bg.meanwhile} other scans meanwhile")


def test_body_trickled_a_byte_at_a_time_is_cut_at_the_bound(server):
    _, port = server
    body = json.dumps({"title": "x" * 200}).encode()
    with _connect(port) as sock:
        sock.sendall(_head(len(body)))
        started = time.monotonic()
        sock.settimeout(0.2)
        answer = b""
        for byte in body:  # 200+ bytes at 5 bytes/s would take 40 s
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                break
            if time.monotonic() - started > HANG:
                break
        rest, _, closed = _read_until_closed(sock)
        seconds = time.monotonic() - started
    status, payload = _error(answer + rest)
    assert status == 408 and payload["error"]["code"] == "body_timeout"
    assert closed and seconds < CUT_OFF, seconds


def test_chunked_body_that_stops_gets_408(server):
    _, port = server
    with _connect(port) as sock:
        sock.sendall(_head(chunked=True) + b"5\r\n{\"tit\r\n")
        answer, seconds, closed = _read_until_closed(sock)
    status, payload = _error(answer)
    assert status == 408 and payload["error"]["code"] == "body_timeout"
    assert closed and seconds < CUT_OFF


def test_multipart_upload_that_stops_gets_408(server):
    _, port = server
    boundary = "zzzboundary"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.png\"\r\n"
            "Content-Type: image/png\r\n\r\n\x89PNG").encode()
    head = (f"POST /v1/scan/image HTTP/1.1\r\nHost: x\r\nX-API-Key: {SCAN_KEY}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 100000\r\n\r\n").encode()
    with _connect(port) as sock:
        sock.sendall(head + part)
        answer, seconds, closed = _read_until_closed(sock)
    status, payload = _error(answer)
    assert status == 408 and payload["error"]["code"] == "body_timeout"
    assert closed and seconds < CUT_OFF


def test_headers_trickled_forever_get_408_and_a_closed_connection(server):
    base, port = server
    with Background(base) as bg, _connect(port) as sock:
        sock.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        sock.settimeout(0.3)
        answer = b""
        i = 0
        while not answer and time.monotonic() - started < HANG:  # a short header line every 0.3 s, never the end
            try:
                sock.sendall(f"X-Slow-{i}: a\r\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                break
            i += 1
            try:
                answer += sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:  # answered and closed, and our next line drew a reset
                break
        # Stop sending once the answer starts: a line written after the server closed draws a reset,
        # which can arrive before we read the rest of the answer.
        rest, _, closed = _read_until_closed(sock)
        answer += rest
        seconds = time.monotonic() - started
    status, payload = _error(answer)
    assert status == 408 and payload["error"]["code"] == "header_timeout", answer
    assert closed and seconds < CUT_OFF, seconds
    assert bg.meanwhile >= 3 and not bg.failed, (bg.meanwhile, bg.failed)
    print(f"{bg.meanwhile} other scans meanwhile; trickled headers: 408 after {seconds:.2f} s (bound {HEADER_TIMEOUT} s)")


def test_a_connection_that_sends_nothing_is_closed(server):
    _, port = server
    with _connect(port) as sock:
        answer, seconds, closed = _read_until_closed(sock)
    assert closed and seconds < CUT_OFF, seconds
    assert _error(answer)[1]["error"]["code"] == "header_timeout"


def test_oversized_headers_get_431(server):
    _, port = server
    with _connect(port) as sock:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):  # pragma: no cover - closed before we finished
            pass
        answer, seconds, closed = _read_until_closed(sock)
    status, payload = _error(answer)
    assert status == 431 and payload["error"]["code"] == "headers_too_large"
    assert closed


def test_connections_over_the_cap_get_503_and_the_service_recovers(server):
    base, port = server
    idle = []
    try:
        # No pause needed: the server accepts connections in the order they were made, so the
        # 13th is accepted after the 12 idle ones (which stay open for HEADER_TIMEOUT).
        for _ in range(MAX_CONNECTIONS):
            idle.append(_connect(port))
        with _connect(port) as extra:
            answer, seconds, closed = _read_until_closed(extra)
        status, payload = _error(answer)
        assert status == 503 and payload["error"]["code"] == "too_many_connections", answer
        assert closed and seconds < CUT_OFF
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + HANG
    while True:  # the server notices the closed sockets at once; allow a moment
        try:
            if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "service did not recover after the idle connections closed"
        time.sleep(0.1)


def test_a_normal_request_after_keepalive_idle_still_works(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=10, headers={"X-API-Key": SCAN_KEY}) as http:
        assert http.post("/v1/scan", json={"title": "运动鞋"}).status_code == 200
        time.sleep(HEADER_TIMEOUT + 0.5)  # idle longer than the header bound: keep-alive rules apply, not 408
        assert http.post("/v1/scan", json={"title": "运动鞋"}).status_code == 200


# httpx keeps an idle pooled connection 5 s, aiohttp 15 s, nginx's upstream pool 60 s. A server that closes an idle
# connection sooner than its client can close it just as the client sends its next request on it: the client reads
# a reset (the soak's one failed ordinary request, `ReadError: Connection reset by peer`, with both at 5 s).
CLIENT_POOL_EXPIRY = 5.0


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    """One response read from a kept-alive connection: (status, body); (0, b"") if the server closed it."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            more = sock.recv(65536)
        except ConnectionResetError:
            return 0, b""
        if not more:
            return 0, b""
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split(b" ", 2)[1]), body


def test_an_idle_connection_outlives_the_clients_pool_expiry(server):
    _, port = server
    body = json.dumps({"title": "蓝牙耳机 降噪"}).encode()
    with _connect(port) as sock:
        sock.sendall(_head(len(body)) + body)
        assert _answer(sock)[0] == 200
        time.sleep(CLIENT_POOL_EXPIRY + 1)  # a pool with a longer expiry than httpx's still holds it: reuse it
        try:
            sock.sendall(_head(len(body)) + body)
        except (BrokenPipeError, ConnectionResetError):
            pytest.fail("the server closed an idle connection its client may still reuse")
        status, answer = _answer(sock)
        assert status == 200, "the server closed an idle connection its client may still reuse"
        assert json.loads(answer)["decision"] == "pass"
