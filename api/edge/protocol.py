"""Connection-level bounds that uvicorn does not have, for `scanner serve` without a proxy in front.

uvicorn (0.54, httptools parser) times out only *idle* keep-alive connections; it has no
bound on how long a request's headers may take, nor on their size (h11's 16 KiB limit
does not apply to httptools), nor on the number of open connections short of the file
descriptor limit. A client that opens connections and sends a header line now and then
would hold them for ever. `BoundedHttpToolsProtocol` adds, per connection:

* a header deadline (SCANNER_REQUEST_HEADER_TIMEOUT_S): from the first byte of a request
  to the end of its headers; on expiry 408 `header_timeout`, connection closed;
* a header size cap (SCANNER_MAX_HEADER_BYTES, request line + headers): 431
  `headers_too_large`, connection closed;
* a connection cap (SCANNER_MAX_CONNECTIONS per worker): a connection over it is answered
  503 `too_many_connections` and closed before anything is read;
* a cap per client address (SCANNER_MAX_CONNECTIONS_PER_CLIENT per worker; an IPv4 address or an
  IPv6 /64): one client holding or re-opening many idle sockets gets 503
  `too_many_connections_from_client` instead of taking every connection from the others;
* a send timeout (SCANNER_SEND_TIMEOUT_S): a client that stops reading its response leaves it in
  the transport's buffer (uvicorn waits for ever); when writing stays paused that long the
  connection is aborted, which frees the buffer;
* malformed HTTP is answered 400 `malformed_request` in the error envelope (uvicorn: plain text).

Each refusal is counted in `scanner_connections_refused_total{reason}` (the request
counters never see these connections). The body is bounded in the app (`api.limits.BodyLimitMiddleware`: size and time). Answers
written here use the service's error envelope. The limits are read once per process from
the settings (`configure()` in `scanner serve`; workers started by uvicorn read the same
SCANNER_* environment as the app they serve).
"""
from __future__ import annotations

import asyncio
import ipaddress
import json
from collections import Counter

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from api import metrics
from scanner.config import Settings, load_settings

# header timeout s, max header bytes, max connections, max connections per client, send timeout s
_LIMITS: tuple[float, int, int, int, float] | None = None
_PER_CLIENT: Counter = Counter()  # open connections by client key, in this worker (one event loop)


def configure(settings: Settings) -> None:
    global _LIMITS
    _LIMITS = (settings.request_header_timeout_s, settings.max_header_bytes, settings.max_connections,
               settings.max_connections_per_client, settings.send_timeout_s)


def _limits() -> tuple[float, int, int, int, float]:
    if _LIMITS is None:
        configure(load_settings())
    return _LIMITS  # type: ignore[return-value]


def client_key(peer: object) -> str | None:
    """Whose connection this is, for the per-client cap: the IPv4 address, or the IPv6 /64 (one host
    commonly holds a whole /64); None for a peer without an IP address (a Unix socket)."""
    host = peer[0] if isinstance(peer, tuple) and peer else None
    if not isinstance(host, str):
        return None
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(getattr(address, "ipv4_mapped", None) or address)


def error_bytes(status: int, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return b"".join([STATUS_LINE[status], b"content-type: application/json\r\n",
                     b"content-length: ", str(len(body)).encode(), b"\r\n", b"connection: close\r\n\r\n", body])


class _HeadersTooLarge(Exception):
    pass


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        (self.header_timeout_s, self.max_header_bytes, self.max_connections, self.max_per_client,
         self.send_timeout_s) = _limits()
        self._header_timer: asyncio.TimerHandle | None = None
        self._send_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._headers_overflow = False
        self._client_key: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        key = client_key(transport.get_extra_info("peername"))
        if key is not None:
            self._client_key = key
            _PER_CLIENT[key] += 1
        if len(self.connections) > self.max_connections:
            self._refuse(503, "too_many_connections",
                         f"the server has {self.max_connections} open connections (SCANNER_MAX_CONNECTIONS); retry shortly")
            return
        if key is not None and _PER_CLIENT[key] > self.max_per_client:
            self._refuse(503, "too_many_connections_from_client",
                         f"this client has {self.max_per_client} open connections to this server "
                         "(SCANNER_MAX_CONNECTIONS_PER_CLIENT); reuse them, or retry when one is closed")
            return
        self._arm_header_timer()  # a connection that never sends a byte is bounded too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        self._disarm_send_timer()
        if self._client_key is not None:
            _PER_CLIENT[self._client_key] -= 1
            if _PER_CLIENT[self._client_key] <= 0:
                del _PER_CLIENT[self._client_key]
            self._client_key = None
        super().connection_lost(exc)

    # -- flow control: a client that stops reading ----------------------------------------------
    def pause_writing(self) -> None:
        super().pause_writing()
        if self._send_timer is None:
            self._send_timer = self.loop.call_later(self.send_timeout_s, self._send_timeout)

    def resume_writing(self) -> None:
        self._disarm_send_timer()
        super().resume_writing()

    def _disarm_send_timer(self) -> None:
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _send_timeout(self) -> None:
        # Nothing can be said to a client that does not read: drop the connection and its buffer.
        self._send_timer = None
        metrics.CONNECTIONS_REFUSED.labels("send_timeout").inc()
        self.transport.abort()

    # -- parser callbacks ---------------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._arm_header_timer()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        # The parser reports an exception raised in a callback as a parse error; say what it was.
        if self._headers_overflow:
            self._refuse(431, "headers_too_large",
                         f"the request line and headers exceed {self.max_header_bytes} bytes (SCANNER_MAX_HEADER_BYTES)")
            return
        self._refuse(400, "malformed_request", "the request is not valid HTTP/1.1 (request line, headers or chunked "
                     "framing); the connection is closed")

    # -- helpers --------------------------------------------------------------------------
    def _count(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > self.max_header_bytes:
            self._headers_overflow = True
            raise _HeadersTooLarge()

    def _arm_header_timer(self) -> None:
        if self._header_timer is None and self.header_timeout_s:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._header_timeout)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timeout(self) -> None:
        self._header_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered; its body is the app's to bound
        if self.cycle is not None and self.timeout_keep_alive_task is not None:
            return  # idle keep-alive connection: uvicorn's keep-alive timeout closes it
        self._refuse(408, "header_timeout",
                     f"the request headers did not arrive within {self.header_timeout_s:g} s "
                     "(SCANNER_REQUEST_HEADER_TIMEOUT_S)")

    def _refuse(self, status: int, code: str, message: str) -> None:
        self._disarm_header_timer()
        metrics.CONNECTIONS_REFUSED.labels(code).inc()
        if not self.transport.is_closing():
            self.transport.write(error_bytes(status, code, message))
            self.transport.close()
