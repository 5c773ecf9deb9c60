"""Turn a listing's image reference into bytes, safely.

    load_image_bytes({"data": "<base64>"}, settings)   # inline bytes (HTTP/JSON)
    load_image_bytes({"path": "a.jpg"}, settings)      # only if settings.allow_local_image_paths (CLI, batch)
    load_image_bytes({"url": "https://…"}, settings)   # only allow-listed hosts, public addresses

Every refusal is `scanner.results.ImageInputError(code, message)`. Messages about a size or time
limit name the setting behind it. The refusal of a local path names none: only code (the CLI and
batch) can allow paths, and the HTTP service never does.

URL fetching is the dangerous one (server-side request forgery). The rules:
* http/https only, no user-info, host must be in `settings.image_url_hosts`
  (exact name, or ``*.example.com`` / ``.example.com`` for sub-domains);
* the host is resolved once, *every* resolved address is checked, and the request
  connects to a checked address (the URL is rewritten to the IP; Host header and TLS
  SNI/certificate check still use the name), so DNS rebinding cannot swap it;
* loopback, private, link-local, CGNAT, multicast and reserved addresses are refused
  unless `settings.image_url_allow_private`;
* redirects are followed (at most 3) only to the same host and port (http -> https on the
  default ports is allowed), re-checked each hop;
* refusals name the host the caller sent, never an address it resolved to;
* the body is streamed with a byte cap (`max_image_bytes`) and an overall deadline
  (`image_url_timeout_s`); environment proxies are ignored.
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import socket
import threading
import time
from typing import Any, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

from scanner.results import ImageInputError

MAX_REDIRECTS = 3
DEFAULT_PORTS = {"http": 80, "https": 443}
UPGRADE = (80, 443)  # http://host/ -> https://host/: the one change of port a redirect may make
_B64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def load_image_bytes(ref: Mapping[str, Any], settings) -> bytes:
    """Bytes of one image reference; raises ImageInputError with a stable code."""
    if not isinstance(ref, Mapping):
        raise ImageInputError("image_invalid", 'an image must be an object like {"data": "<base64>"}')
    kinds = [k for k in ("data", "path", "url") if k in ref]
    if len(kinds) != 1:
        raise ImageInputError(
            "image_invalid", 'an image must have exactly one of "data" (base64), "path" or "url"'
        )
    kind = kinds[0]
    value = ref[kind]
    if not isinstance(value, str) or not value:
        raise ImageInputError("image_invalid", f'image "{kind}" must be a non-empty string')
    max_bytes = int(settings.max_image_bytes)
    if kind == "data":
        return decode_base64(value, max_bytes)
    if kind == "path":
        return _read_path(value, settings, max_bytes)
    return fetch_url(value, settings)


# -- inline base64 ---------------------------------------------------------------------
def decode_base64(value: str, max_bytes: int) -> bytes:
    """Strict standard base64 (a `data:` URL prefix is accepted); size checked before decoding."""
    if value.startswith("data:"):
        head, sep, value = value.partition(",")
        if not sep or not head.endswith(";base64"):
            raise ImageInputError("image_bad_base64", 'a data: URL image must look like "data:image/jpeg;base64,<…>"')
    # Estimated decoded size first: a 1 GB string is refused without allocating the bytes.
    if (len(value) // 4) * 3 > max_bytes + 2:
        raise ImageInputError(
            "image_too_large",
            f"image is about {(len(value) // 4) * 3} bytes; the limit is {max_bytes} bytes (SCANNER_MAX_IMAGE_BYTES)",
        )
    try:
        raw = value.encode("ascii")
    except UnicodeEncodeError:
        raise ImageInputError("image_bad_base64", "image data is not base64 (non-ASCII characters)") from None
    if len(raw) % 4:
        raise ImageInputError(
            "image_bad_base64", f"image data is not valid base64: length {len(raw)} is not a multiple of 4"
        )
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        bad = next((i for i, c in enumerate(raw) if c not in _B64_ALPHABET), None)
        where = f" (unexpected character at offset {bad})" if bad is not None else ""
        raise ImageInputError("image_bad_base64", f"image data is not valid standard base64{where}") from None
    if not data:
        raise ImageInputError("image_empty", "image is empty (0 bytes)")
    if len(data) > max_bytes:
        raise ImageInputError(
            "image_too_large", f"image is {len(data)} bytes; the limit is {max_bytes} bytes (SCANNER_MAX_IMAGE_BYTES)"
        )
    return data


# -- local files (CLI / batch only) -----------------------------------------------------
def _read_path(path: str, settings, max_bytes: int) -> bytes:
    if not getattr(settings, "allow_local_image_paths", False):
        # One answer for every path, existing or not, and no hint at how to switch it on: the
        # HTTP service never reads local files (api.main forces this off).
        raise ImageInputError(
            "image_path_not_allowed", 'local image paths are not accepted here; send the image as {"data": "<base64>"}'
        )
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise ImageInputError(
                    "image_too_large", f"image is {size} bytes; the limit is {max_bytes} bytes (SCANNER_MAX_IMAGE_BYTES)"
                )
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise ImageInputError("image_not_found", f"image file not found: {path}") from None
    except IsADirectoryError:
        raise ImageInputError("image_not_found", f"image path is a directory: {path}") from None
    except PermissionError:
        raise ImageInputError("image_not_found", f"image file is not readable: {path}") from None
    if len(data) > max_bytes:  # grew while we read it
        raise ImageInputError("image_too_large", f"image exceeds {max_bytes} bytes (SCANNER_MAX_IMAGE_BYTES)")
    if not data:
        raise ImageInputError("image_empty", f"image file is empty: {path}")
    return data


# -- URLs ------------------------------------------------------------------------------
def host_allowed(host: str, allowed: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.strip().lower().rstrip(".")
        if not entry:
            continue
        if entry.startswith("*.") or entry.startswith("."):
            suffix = entry.lstrip("*")
            if host.endswith(suffix) and len(host) > len(suffix):
                return True
        elif host == entry:
            return True
    return False


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_private: bool) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return False
    if allow_private:
        return True
    return ip.is_global and not (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_reserved)


def resolve_checked(host: str, port: int, allow_private: bool) -> list[str]:
    """Every address `host` resolves to, or ImageInputError if any of them is not allowed."""
    try:
        literal = ipaddress.ip_address(host)
        addresses = [str(literal)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise ImageInputError("image_fetch_failed", f"cannot resolve image host {host!r}") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise ImageInputError("image_fetch_failed", f"image host {host!r} has no addresses")
    for addr in addresses:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if not address_allowed(ip, allow_private):
            # Not which address: that would map the inside of the network for whoever sends URLs.
            raise ImageInputError(
                "url_address_not_allowed",
                f"image host {host!r} resolves to a loopback/private/link-local or reserved address "
                "(SCANNER_IMAGE_URL_ALLOW_PRIVATE)",
            )
    return addresses


_client_lock = threading.Lock()
_client = None


def _http_client():
    global _client
    with _client_lock:
        if _client is None:
            import httpx

            # No keep-alive: every fetch opens its own connection, so the deadline watchdog in
            # _get_pinned always has the socket to cut (and a hostile host keeps nothing pooled).
            _client = httpx.Client(follow_redirects=False, trust_env=False, http2=False,
                                   limits=httpx.Limits(max_keepalive_connections=0))
        return _client


def fetch_url(url: str, settings) -> bytes:
    allowed = list(getattr(settings, "image_url_hosts", []) or [])
    allow_private = bool(getattr(settings, "image_url_allow_private", False))
    timeout = float(getattr(settings, "image_url_timeout_s", 5.0))
    max_bytes = int(settings.max_image_bytes)
    deadline = time.monotonic() + timeout
    first_host = first_port = None
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ImageInputError("url_scheme_not_allowed", f"image URLs must be http or https, not {parts.scheme!r}")
        if parts.username is not None or parts.password is not None:
            raise ImageInputError("url_invalid", "image URLs must not contain user:password@")
        host = (parts.hostname or "").lower()
        if not host:
            raise ImageInputError("url_invalid", f"image URL has no host: {url!r}")
        if first_host is None:
            first_host = host
            if not host_allowed(host, allowed):
                raise ImageInputError(
                    "url_host_not_allowed",
                    f"image host {host!r} is not allow-listed (SCANNER_IMAGE_URL_HOSTS)",
                )
        elif host != first_host:
            raise ImageInputError(
                "url_redirect_not_allowed", f"image URL redirects from {first_host!r} to another host {host!r}"
            )
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ImageInputError("url_invalid", f"image URL has an invalid port: {url!r}") from None
        if first_port is None:
            first_port = port
        elif port != first_port and (first_port, port) != UPGRADE:
            # Another port on the same host is another service on that machine.
            raise ImageInputError(
                "url_redirect_not_allowed", f"image URL redirects from port {first_port} to another port {port}"
            )
        address = resolve_checked(host, port, allow_private)[0]
        status, location, body = _get_pinned(parts, host, port, address, deadline, max_bytes)
        if status in (301, 302, 303, 307, 308):
            if not location:
                raise ImageInputError("image_fetch_failed", f"image URL answered {status} without a Location")
            url = urljoin(url, location)
            continue
        if status != 200:
            raise ImageInputError("image_fetch_failed", f"image URL answered HTTP {status}")
        if not body:
            raise ImageInputError("image_empty", "image URL returned an empty body")
        return body
    raise ImageInputError("url_redirect_not_allowed", f"image URL redirects more than {MAX_REDIRECTS} times")


def _get_pinned(parts, host: str, port: int, address: str, deadline: float, max_bytes: int):
    """GET the URL on the already-checked `address`, keeping Host and TLS name = `host`."""
    import httpx

    netloc_ip = f"[{address}]" if ":" in address else address
    pinned = urlunsplit((parts.scheme, f"{netloc_ip}:{port}", parts.path or "/", parts.query, ""))
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ImageInputError("image_fetch_timeout", "image URL fetch exceeded SCANNER_IMAGE_URL_TIMEOUT_S")
    # httpx's timeout is per socket operation: a server trickling header lines just under it could
    # hold the fetch (and a scan thread) for minutes. A watchdog shuts the socket at the deadline.
    watch: dict[str, Any] = {"expired": False}

    def trace(event: str, info: dict) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                watch.setdefault("sock", sock)

    def expire() -> None:
        watch["expired"] = True
        sock = watch.get("sock")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(remaining, expire)
    watchdog.daemon = True
    extensions: dict[str, Any] = {"trace": trace}
    if parts.scheme == "https":
        extensions["sni_hostname"] = host
    watchdog.start()
    try:
        with _http_client().stream(
            "GET",
            pinned,
            # identity: raw bytes are capped as they arrive (no gzip bomb behind the cap)
            headers={"Host": host_header, "Accept": "image/*", "Accept-Encoding": "identity",
                     "User-Agent": "listing-scanner"},
            timeout=httpx.Timeout(remaining),
            extensions=extensions,
        ) as resp:
            if resp.status_code != 200:
                return resp.status_code, resp.headers.get("location"), b""
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ImageInputError(
                    "image_too_large",
                    f"image URL declares {declared} bytes; the limit is {max_bytes} bytes (SCANNER_MAX_IMAGE_BYTES)",
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise ImageInputError(
                        "image_too_large", f"image URL body exceeds {max_bytes} bytes (SCANNER_MAX_IMAGE_BYTES)"
                    )
                if time.monotonic() > deadline:
                    raise ImageInputError(
                        "image_fetch_timeout", "image URL fetch exceeded SCANNER_IMAGE_URL_TIMEOUT_S"
                    )
                chunks.append(chunk)
            return 200, None, b"".join(chunks)
    except ImageInputError:
        raise
    except httpx.TimeoutException:
        raise ImageInputError("image_fetch_timeout", "image URL fetch exceeded SCANNER_IMAGE_URL_TIMEOUT_S") from None
    except (httpx.HTTPError, OSError) as exc:
        if watch["expired"] or time.monotonic() >= deadline:
            raise ImageInputError("image_fetch_timeout",
                                  "image URL fetch exceeded SCANNER_IMAGE_URL_TIMEOUT_S") from None
        # The class only: the text may carry the pinned address, or tell refused from unreachable
        # ports (a port scanner for whoever sends URLs).
        what = "could not connect to" if isinstance(exc, httpx.ConnectError) else "the exchange failed with"
        raise ImageInputError("image_fetch_failed",
                              f"image URL fetch failed: {what} image host {host!r} ({type(exc).__name__})") from None
    finally:
        watchdog.cancel()
