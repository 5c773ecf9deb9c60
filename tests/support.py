"""Helpers shared by several test directories (imported as `tests.support`; fixtures live in tests/conftest.py)."""
from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def review_fixture_texts() -> list[str]:
    """The `text` of every item in fixtures/reviews/*.jsonl (reviews and Q&A entries of every writer), in file order."""
    texts = []
    for path in sorted((FIXTURES / "reviews").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip().startswith("{"):
                texts.append(json.loads(line).get("text") or "")
    return texts


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def png_bytes(size=(32, 32), colour=(200, 30, 30)) -> bytes:
    """A flat PNG: decodes, but is refused as low-information by the hashing."""
    return encode(Image.new("RGB", size, colour))


def gallery_image_bytes(i: int = 0) -> bytes:
    """The i-th image of the bundled seed gallery (fixtures/gallery/manifest.json)."""
    manifest = json.loads((FIXTURES / "gallery" / "manifest.json").read_text("utf-8"))
    return (FIXTURES / "gallery" / manifest["images"][i]["file"]).read_bytes()


class _RouteHandler(BaseHTTPRequestHandler):
    """Answers from `self.server.routes`: path -> (status, headers, body), or a callable(handler)
    that writes the raw response itself (e.g. trickled headers)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        route = self.server.routes.get(self.path, (404, {}, b""))
        if callable(route):
            route(self)
            return
        # Record before answering: the client may return (and the test read this list)
        # as soon as the body is written, before this thread runs another line.
        self.server.seen_hosts.append(self.headers.get("Host"))
        status, headers, body = route
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if headers.get("Transfer-Encoding") == "chunked":
            for i in range(0, len(body), 1000):
                part = body[i:i + 1000]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)


@contextlib.contextmanager
def loopback_image_server(routes: Callable[[int], dict]):
    """A throwaway HTTP server on 127.0.0.1 (loopback only); routes(port) -> its route table.
    Yields (base URL, server); server.seen_hosts lists the Host header of each answered request."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _RouteHandler)
    srv.seen_hosts = []
    srv.routes = routes(srv.server_address[1])
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", srv
    finally:
        srv.shutdown()
        srv.server_close()


def run_coroutine(coroutine) -> object:
    """asyncio.run(coroutine) on a thread of its own. A test worker that ran the e2e tests still holds Playwright's
    session-scoped sync API, whose event loop counts as running in the main thread, and asyncio.run refuses to start
    under it (a flake that depended on which test files pytest-xdist gave the same worker)."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=run, name="test-event-loop")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def assert_passes(result) -> None:
    """A copy-words table's hard negative: the listing passes (the findings are shown when it does not)."""
    assert result.decision == "pass", [(f.category, f.text, f.explanation) for f in result.findings]


def assert_caught(result, listing: dict, category: str, words: str, decision: str) -> None:
    """A copy-words table's positive (tests/text/test_copy_words_session*.py): the listing gets `decision`, a counting
    finding of `category` covers `words` in its field, and every finding's offsets slice the caller's text. A personal-data
    finding's text is masked (personal_data.mask, same length): it must span exactly `words`."""
    said = [(f.category, f.text, f.explanation) for f in result.findings]
    assert result.decision == decision, said
    hits = [f for f in result.findings if f.category == category and f.effect != "none"]
    where = [(f, listing[f.field].find(words)) for f in hits]
    if category == "personal_data":
        assert any(at >= 0 and (f.start, f.end) == (at, at + len(words)) for f, at in where), said
    else:
        assert any(0 <= at < f.end and f.start < at + len(words) for f, at in where), said
    for f in result.findings:
        if f.category == "personal_data":
            assert len(f.text) == f.end - f.start and f.text != listing[f.field][f.start:f.end]
        else:
            assert listing[f.field][f.start:f.end] == f.text
