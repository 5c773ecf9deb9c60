"""Structured logs: one JSON line per request, plus JSON for everything else we log.

A request line carries route (the template, e.g. /v1/gallery/{gallery_id}), method,
status, ms, key (the API key's *name*), decision(s), versions and a request id. Never
the listing text, image bytes, API keys or query strings.

`ObserveMiddleware` (pure ASGI, cheap) also feeds the Prometheus request metrics and
sets the X-Request-ID response header (the caller's, if it sent a sane one).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics
from api.errors import CLIENT_CLOSED

REQUEST_LOG = logging.getLogger("scanner.request")
_PID = os.getpid()  # workers import this module after the fork/spawn


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        t = record.created
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        else:
            entry["msg"] = record.getMessage()
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for our loggers and uvicorn's (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("scanner", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            if 0 < len(value) <= 64 and value.replace(b"-", b"").replace(b"_", b"").isalnum():
                return value.decode("ascii")
            break
    return os.urandom(8).hex()


def route_template(scope: Scope, root_path: str = "") -> str:
    """The route a request went to, as its template (a bounded label for metrics and logs): the matched
    API route, else the app's own routes and mounts (/openapi.json, /static/{path}), else "unmatched".
    `root_path` is the scope's before routing: a mount rewrites it for its own app."""
    route = scope.get("route")
    if getattr(route, "path", None):
        return route.path
    app = scope.get("app")
    as_received = {**scope, "root_path": root_path}
    return _matching_template(getattr(getattr(app, "router", None), "routes", ()), as_received) or "unmatched"


def _matching_template(routes: Any, scope: Scope) -> str | None:
    """The template of the first of `routes` the scope fully matches. Newer FastAPI keeps an included router as one
    route without a path (its routes inside): looked into, not asked for a path it lacks (a request refused
    before routing, such as a 413 on its Content-Length, made this raise and went unlogged)."""
    for candidate in routes:
        inner = getattr(candidate, "original_router", None)
        if inner is not None:
            found = _matching_template(getattr(inner, "routes", ()), scope)
            if found:
                return found
            continue
        path = getattr(candidate, "path", None)
        if not path:
            continue
        match, _ = candidate.matches(scope)
        if match == Match.FULL:
            return path + "/{path}" if isinstance(candidate, Mount) else path
    return None


class ObserveMiddleware:
    def __init__(self, app: ASGIApp, log_requests: bool = True) -> None:
        self.app = app
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        root_path = scope.get("root_path", "")
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        header = (b"x-request-id", request_id.encode("ascii"))

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        except ClientDisconnect:
            # Normally answered by api.errors; this catches one raised outside the routes (a middleware
            # reading the body). The client is gone: log 499, never a 500 with a traceback.
            status = CLIENT_CLOSED
        finally:
            seconds = time.perf_counter() - started
            template = route_template(scope, root_path)
            method = scope["method"]
            metrics.observe_request(template, method, status, seconds)
            if self.log_requests:
                state = scope.get("state") or {}
                fields = {
                    "event": "request",
                    "request_id": request_id,
                    "method": method,
                    "route": template,
                    "status": status,
                    "ms": round(seconds * 1000, 3),
                    "key": state.get("key_name", "-"),
                    "pid": _PID,
                }
                for extra in ("decision", "decisions", "versions", "error_code", "action"):
                    if extra in state:
                        fields[extra] = state[extra]
                REQUEST_LOG.info("request", extra={"fields": fields})
