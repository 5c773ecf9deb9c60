"""Connections refused by the connection layer (api/edge) never reach the app, so the
request counters cannot see them: they are counted by reason in
scanner_connections_refused_total. A live `scanner serve` on loopback, raw sockets."""
from __future__ import annotations

import re

import httpx
import pytest

from tests.api.test_serve_live import start, stop
from tests.api.test_slow_clients import _connect, _error, _read_until_closed

HEADER_TIMEOUT = 1.0
MAX_CONNECTIONS = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("refusals")
    proc, base, port = start(tmp_path, SCANNER_REQUEST_HEADER_TIMEOUT_S=str(HEADER_TIMEOUT),
                             SCANNER_MAX_HEADER_BYTES="2048", SCANNER_MAX_CONNECTIONS=str(MAX_CONNECTIONS))
    yield base, port
    stop(proc)


def refused(base: str) -> dict[str, float]:
    text = httpx.get(base + "/metrics", timeout=10).text
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r'^scanner_connections_refused_total\{reason="([^"]+)"\} (\S+)$', text, re.M)}


def test_each_refusal_is_counted_by_reason(server):
    base, port = server
    assert refused(base) == {}

    sock = _connect(port)  # headers over the cap: 431
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 4000 + b"\r\n\r\n")
    answer, _, closed = _read_until_closed(sock)
    sock.close()
    assert closed and _error(answer)[0] == 431
    assert refused(base) == {"headers_too_large": 1.0}

    sock = _connect(port)  # headers that never finish: 408 after the deadline
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    answer, _, closed = _read_until_closed(sock)
    sock.close()
    assert closed and _error(answer)[0] == 408
    assert refused(base) == {"headers_too_large": 1.0, "header_timeout": 1.0}

    # Connections over the cap are answered 503 at once. The idle ones under the cap are
    # refused with 408 when their header deadline passes, and counted so too.
    idle = [_connect(port) for _ in range(MAX_CONNECTIONS)]
    extra = _connect(port)
    answer, _, closed = _read_until_closed(extra)
    extra.close()
    for sock in idle:
        _read_until_closed(sock)
        sock.close()
    assert closed and _error(answer)[0] == 503
    counts = refused(base)
    assert counts["headers_too_large"] == 1.0
    # Each of the four sockets was refused once, by one reason or the other (a connection the
    # server has not yet seen closed may still hold a place, pushing one idle socket over).
    assert counts["too_many_connections"] >= 1.0
    assert counts["too_many_connections"] + counts["header_timeout"] == 2.0 + MAX_CONNECTIONS
