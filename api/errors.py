"""Every error the service returns has one shape: {"error": {"code": "...", "message": "..."}}.

`ApiError` is what routes and dependencies raise. It subclasses Starlette's HTTPException
so FastAPI re-raises it untouched even from inside its own body parsing (the streaming
body limit fires there). The handlers below also rewrite FastAPI's default 422
validation shape and Starlette's 404/405 into the same envelope.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from api.audit import AuditUnavailable

log = logging.getLogger("scanner.api")

# Stable codes for the statuses Starlette raises on its own.
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    503: "not_ready",
}


class ApiError(StarletteHTTPException):
    def __init__(self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.code = code
        self.message = message
        self.extra = extra


# A message may quote the caller's value (repr: one control character becomes four, then JSON escapes them): without a
# bound a 4 MB body drew a 20 MB error, outside SCANNER_MAX_RESPONSE_BYTES (redteam15). No message of ours needs more.
MAX_MESSAGE_CHARS = 1000


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    if len(message) > MAX_MESSAGE_CHARS:
        cut = f" …({len(message):,} characters, cut)… "  # the middle goes: both ends say what is wrong
        keep = (MAX_MESSAGE_CHARS - len(cut)) // 2
        message = message[:keep] + cut + message[-keep:]
    return {"error": {"code": code, "message": message}, **extra}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


def status_for_code(code: str) -> int:
    """HTTP status for a scan/image error code (see CONTRACT.md error rows)."""
    if code.endswith(("_too_large", "_too_long")) or code.startswith("too_many"):
        return 413
    if code == "image_unsupported_format":
        return 415
    if code == "images_disabled":
        return 503
    return 422


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")] or [str(p) for p in loc]
    return ".".join(parts)


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status_code, exc.code, exc.message, headers=exc.headers, **exc.extra)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no route {request.method} {request.url.path}; see /docs"
    elif exc.status_code == 405:
        message = f"method {request.method} is not allowed on {request.url.path}; see /docs"
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    parts = []
    for err in errors[:5]:
        where = _loc(tuple(err.get("loc", ())))
        msg = err.get("msg", "invalid")
        parts.append(f"{where}: {msg}" if where else msg)
    message = "; ".join(parts) or "invalid request"
    if len(errors) > 5:
        message += f" (and {len(errors) - 5} more)"
    return error_response(422, "invalid_request", message)


async def _audit_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Raised by AuditLog.begin before an admin action changes anything (the server log has the cause).
    return error_response(503, "audit_unavailable",
                          "the audit log cannot be written, so admin actions are refused until it can; "
                          "nothing was changed")


# nginx's status for "client closed the request": what the request log and metrics record for a
# client that went away before its body arrived. No one reads the answer.
CLIENT_CLOSED = 499


async def _client_disconnect(request: Request, exc: ClientDisconnect) -> Response:
    # The client's doing, not ours: an info line, no traceback, no 500.
    log.info("client disconnected", extra={"fields": {
        "event": "client_disconnect", "method": request.method, "path": request.url.path,
        "request_id": getattr(request.state, "request_id", None)}})
    return Response(status_code=CLIENT_CLOSED)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "internal error; the request id is in the X-Request-ID header")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(AuditUnavailable, _audit_unavailable)
    app.add_exception_handler(ClientDisconnect, _client_disconnect)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unhandled)
