"""Input limits. Every refusal names the setting that controls it.

* `BodyLimitMiddleware` (pure ASGI) refuses a body larger than SCANNER_MAX_BODY_BYTES:
  at once from Content-Length, and while streaming for chunked bodies, so a 1 GB body
  is never read into memory. It also bounds the time the body may take
  (SCANNER_REQUEST_BODY_TIMEOUT_S, counted from the end of the headers): a client that
  trickles its body, or stops half way, gets 408 `body_timeout` and the connection is
  closed, instead of holding it (and the request) open for ever.
* `heavy_slot` lets at most SCANNER_HEAVY_SCAN_CONCURRENCY requests whose body is at least
  HEAVY_BODY_BYTES scan at once in a worker (the others wait, blocked, holding no GIL): every scan
  thread running competes with the event loop for the GIL, so a few clients sending 6-9 MB bodies
  made /healthz wait 100-500 ms (docs/benchmarks.md). Ordinary requests never wait here. At most
  half the thread pool may be held by heavy requests, running or waiting; one more is answered
  503 `busy` with Retry-After, so heavy requests can never take every thread from the others.
  When a heavy request is done, the memory it freed is handed back to the OS (`release_freed_memory`).
* The check_* helpers validate a parsed request before any scanning starts.
"""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_body
from api.runtime import libc_function
from scanner.config import Settings


def body_too_large(limit: int) -> ApiError:
    # Connection: close — the rest of the body is never read, so the connection cannot be reused.
    return ApiError(413, "body_too_large", f"request body exceeds {limit} bytes (SCANNER_MAX_BODY_BYTES)",
                    headers={"Connection": "close"})


def body_timeout(seconds: float) -> ApiError:
    # Connection: close -- the rest of the body is never read.
    return ApiError(408, "body_timeout",
                    f"the request body did not arrive within {seconds:g} s (SCANNER_REQUEST_BODY_TIMEOUT_S)",
                    headers={"Connection": "close"})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout_s: float | None = None) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await _send_json(send, 413, error_body("body_too_large", body_too_large(limit).message))
                    return
                break
        received = 0
        timeout = self.body_timeout_s
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout if timeout else None
        body_done = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if deadline is None or body_done:
                # After the last body chunk, receive() only waits for a disconnect: never time that out.
                message = await receive()
            else:
                try:
                    # asyncio.timeout (not wait_for): no extra task per receive on the hot path
                    async with asyncio.timeout_at(deadline):
                        message = await receive()
                except TimeoutError:
                    raise body_timeout(timeout) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise body_too_large(limit)
                if not message.get("more_body", False):
                    body_done = True
            else:  # http.disconnect
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except ApiError as exc:
            # Normally the app's exception handlers answer; this is the fallback for a body read
            # outside them (e.g. a middleware). Nothing to do if the answer has already started.
            if started or exc.code not in ("body_timeout", "body_too_large"):
                raise
            await _send_json(send, exc.status_code, error_body(exc.code, exc.message))


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    import json

    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": payload})


def check_listing(listing: Any, settings: Settings) -> int:
    """Per-listing limits the engine does not know about; returns the listing's image count."""
    if not isinstance(listing, dict):
        return 0  # the engine answers invalid_listing with a precise message
    images = listing.get("images")
    n = len(images) if isinstance(images, list) else 0
    if n > settings.max_images_per_listing:
        raise ApiError(
            413, "too_many_images",
            f"listing has {n} images; the limit is {settings.max_images_per_listing} (SCANNER_MAX_IMAGES_PER_LISTING)",
        )
    return n


def check_batch(body: Any, settings: Settings) -> list[Any]:
    if not isinstance(body, dict) or "listings" not in body:
        raise ApiError(422, "invalid_request", 'the body must be an object like {"listings": [{...}, ...]}')
    listings = body["listings"]
    if not isinstance(listings, list):
        raise ApiError(422, "invalid_request", f'"listings" must be a list, got {type(listings).__name__}')
    if len(listings) > settings.max_batch_listings:
        raise ApiError(
            413, "too_many_listings",
            f"batch has {len(listings)} listings; the limit is {settings.max_batch_listings} (SCANNER_MAX_BATCH_LISTINGS)",
        )
    total = sum(len(x["images"]) for x in listings if isinstance(x, dict) and isinstance(x.get("images"), list))
    if total > settings.max_images_per_request:
        raise ApiError(
            413, "too_many_images",
            f"batch has {total} images; the limit is {settings.max_images_per_request} (SCANNER_MAX_IMAGES_PER_REQUEST)",
        )
    return listings


def check_upload_count(n: int, settings: Settings) -> None:
    if n == 0:
        raise ApiError(422, "invalid_request", 'send at least one file in the multipart field "images"')
    if n > settings.max_images_per_listing:
        raise ApiError(
            413, "too_many_images",
            f"{n} images uploaded; the limit is {settings.max_images_per_listing} (SCANNER_MAX_IMAGES_PER_LISTING)",
        )


def image_too_large(size: int, settings: Settings) -> ApiError:
    return ApiError(
        413, "image_too_large",
        f"image is {size} bytes or more; the limit is {settings.max_image_bytes} bytes (SCANNER_MAX_IMAGE_BYTES)",
    )


# A request body this large is "heavy": no ordinary listing, nor a batch of 100 of them, comes near it
# (the catalogue's largest listing is ~2 KB as JSON), while the worst linear inputs are 6-9 MB.
HEAVY_BODY_BYTES = 1_000_000


_MALLOC_TRIM = libc_function("malloc_trim")  # None where not glibc (musl, macOS): nothing to call


def release_freed_memory() -> bool:
    """Give the pages freed by a heavy request back to the OS. glibc keeps a process's high-water mark:
    the soak with 1 % hostile requests grew 866 -> 1,056 MB in 5 minutes with no Python-level leak
    (tracemalloc: +10 KiB per 20 heavy requests), and malloc_trim after each heavy request kept the
    in-process RSS at its start (docs/hardening.md). ctypes drops the GIL for the call."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True


class _HeavyGate:
    def __init__(self, running: int, admitted: int) -> None:
        self.running = threading.BoundedSemaphore(running)
        self.limit = max(admitted, running)
        self.admitted = 0
        self.lock = threading.Lock()


_GATES: dict[tuple[int, int], _HeavyGate] = {}
_GATES_LOCK = threading.Lock()


@contextmanager
def heavy_slot(body_bytes: int, settings: Settings) -> Iterator[None]:
    """Run the block at once for an ordinary body; for a heavy one, when one of the worker's heavy
    slots is free (called in a thread-pool thread: waiting blocks only that thread)."""
    if body_bytes < HEAVY_BODY_BYTES:
        yield
        return
    key = (settings.heavy_scan_concurrency, max(1, settings.threadpool_size // 2))
    with _GATES_LOCK:
        gate = _GATES.get(key) or _GATES.setdefault(key, _HeavyGate(*key))
    with gate.lock:
        if gate.admitted >= gate.limit:
            raise ApiError(503, "busy", f"{gate.limit} requests of {HEAVY_BODY_BYTES} bytes or more are already being "
                           "scanned or waiting in this worker (SCANNER_HEAVY_SCAN_CONCURRENCY); retry shortly",
                           headers={"Retry-After": "1"})
        gate.admitted += 1
    try:
        with gate.running:
            yield
    finally:
        with gate.lock:
            gate.admitted -= 1
        release_freed_memory()
