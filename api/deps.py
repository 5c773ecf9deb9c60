"""Typed dependencies (Annotated[..., Depends()]) shared by the routes.

All of them are `async def` on purpose: they do no blocking work, and FastAPI would run a
plain `def` dependency in the thread pool (one extra thread hop per dependency per request).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from api.audit import AuditLog, request_fields
from api.auth import ANONYMOUS, REVIEW_ROLES, KeyRing, Principal
from api.errors import ApiError, status_for_code
from scanner import jsonio
from scanner.config import Settings

API_KEY_HEADER = "X-API-Key"
api_key_header = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False, scheme_name="ApiKey",
    description="API key; its hash must be configured in SCANNER_API_KEYS (role scan or admin)",
)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_scanner(request: Request) -> Any:
    scanner = getattr(request.app.state, "scanner", None)
    if scanner is None:
        raise ApiError(503, "not_ready", "the scanner is still loading; retry shortly (see /readyz)",
                       headers={"Retry-After": "1"})
    return scanner


async def get_audit(request: Request) -> AuditLog:
    return request.app.state.audit


async def scan_principal(request: Request, key: Annotated[str | None, Security(api_key_header)]) -> Principal:
    """Any valid key (scan or admin); open only when no keys are configured at all."""
    ring: KeyRing = request.app.state.keys
    if not ring.enabled:
        request.state.key_name = ANONYMOUS.name
        return ANONYMOUS
    if not key:
        raise ApiError(401, "missing_api_key", f"this service needs an API key in the {API_KEY_HEADER} header",
                       headers={"WWW-Authenticate": "ApiKey"})
    principal = ring.lookup(key)
    if principal is None:
        request.state.key_name = "invalid"
        raise ApiError(401, "invalid_api_key", f"the key in {API_KEY_HEADER} is not a configured API key",
                       headers={"WWW-Authenticate": "ApiKey"})
    request.state.key_name = principal.name
    return principal


async def metrics_principal(request: Request, key: Annotated[str | None, Security(api_key_header)]) -> Principal:
    """GET /metrics: open unless SCANNER_METRICS_AUTH=key; then any configured key (scan or admin),
    in X-API-Key or as `Authorization: Bearer <key>` (what Prometheus' scrape config sends)."""
    if request.app.state.settings.metrics_auth != "key":
        request.state.key_name = ANONYMOUS.name
        return ANONYMOUS
    if not key:
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            key = token.strip()
    return await scan_principal(request, key)


async def admin_principal(request: Request, key: Annotated[str | None, Security(api_key_header)]) -> Principal:
    """An admin key. With no admin key configured, admin routes are closed, never open.
    Every refusal (401 and 403) is audited with its code; the key itself never is."""
    try:
        ring: KeyRing = request.app.state.keys
        if not ring.has_admin:
            raise ApiError(
                403, "admin_disabled",
                'admin routes are disabled because no admin key is configured: add a key with role "admin" '
                "to SCANNER_API_KEYS (make one with `scanner keys hash --generate --role admin`)",
            )
        principal = await scan_principal(request, key)
        if principal.role != "admin":
            raise ApiError(403, "forbidden",
                           f"key {principal.name!r} has role {principal.role!r}; this route needs an admin key")
    except ApiError as exc:
        actor = getattr(request.state, "key_name", None) or ANONYMOUS.name
        request.app.state.audit.denied(actor, f"{request.method} {request.url.path}"[:300], exc.code,
                                       **request_fields(request))
        raise
    return principal


async def reviewer_principal(request: Request, key: Annotated[str | None, Security(api_key_header)]) -> Principal:
    """A reviewer (or admin) key: review routes record who judged what, so they are never open.
    Refusals are audited like an admin route's."""
    try:
        ring: KeyRing = request.app.state.keys
        if not ring.has_reviewer:
            raise ApiError(
                403, "review_disabled",
                'review routes are disabled because no reviewer key is configured: add a key with role "reviewer" '
                "to SCANNER_API_KEYS (make one with `scanner keys hash --generate --role reviewer`)",
            )
        principal = await scan_principal(request, key)
        if principal.role not in REVIEW_ROLES:
            raise ApiError(403, "forbidden",
                           f"key {principal.name!r} has role {principal.role!r}; this route needs a reviewer key")
    except ApiError as exc:
        actor = getattr(request.state, "key_name", None) or ANONYMOUS.name
        request.app.state.audit.denied(actor, f"{request.method} {request.url.path}"[:300], exc.code,
                                       **request_fields(request))
        raise
    return principal


async def get_review(request: Request) -> Any:
    review = getattr(request.app.state, "review", None)
    if review is None:
        raise ApiError(503, "review_unavailable", "the review store is not open (see the server log)")
    return review


async def raw_json_body(request: Request) -> bytes:
    """The body bytes (size-limited while streaming by BodyLimitMiddleware); parse with parse_json."""
    ctype = request.headers.get("content-type")
    if ctype:
        media = ctype.split(";", 1)[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            raise ApiError(415, "unsupported_media_type",
                           f"send JSON with Content-Type: application/json (got {media!r})")
    return await request.body()


def parse_json(body: bytes) -> Any:
    """The body as JSON, or a 4xx ApiError. A number we cannot hold (NaN, 1e400, an integer of
    thousands of digits) is a 422 invalid_number naming the field; see parse_json_marked."""
    try:
        return parse_json_marked(body)
    except jsonio.InvalidNumber as exc:
        raise invalid_number(str(exc)) from None


def invalid_number(message: str) -> ApiError:
    return ApiError(status_for_code(jsonio.INVALID_NUMBER), jsonio.INVALID_NUMBER, message)


def parse_json_marked(body: bytes) -> Any:
    """parse_json, except that numbers we cannot hold raise jsonio.InvalidNumber (the parsed value
    and each marker's path), so a batch can refuse just the listings that hold one."""
    if not body:
        raise ApiError(400, "empty_body", "the request body is empty; send a JSON object")
    try:
        return jsonio.loads(body)
    except jsonio.InvalidNumber:
        raise
    except UnicodeDecodeError:
        raise ApiError(400, "malformed_json", "the request body is not UTF-8 encoded JSON") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, "malformed_json",
                       f"the request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ApiError(400, "malformed_json", "the request body is nested too deeply") from None


@dataclass(frozen=True, slots=True)
class ScanCall:
    """Everything a JSON scan route needs, resolved by ONE dependency (the hot path:
    each FastAPI dependency costs a little on every request)."""

    principal: Principal
    scanner: Any
    settings: Settings
    body: bytes
    enqueue: Any = None  # (listing, row) -> None: hands a result to the review queue (None: off)


async def scan_call(request: Request, key: Annotated[str | None, Security(api_key_header)]) -> ScanCall:
    principal = await scan_principal(request, key)
    scanner = await get_scanner(request)
    body = await raw_json_body(request)
    return ScanCall(principal, scanner, request.app.state.settings, body, request.app.state.review_enqueue)


SettingsDep = Annotated[Settings, Depends(get_settings)]
ScannerDep = Annotated[Any, Depends(get_scanner)]
AuditDep = Annotated[AuditLog, Depends(get_audit)]
ScanKey = Annotated[Principal, Depends(scan_principal)]
AdminKey = Annotated[Principal, Depends(admin_principal)]
MetricsKey = Annotated[Principal, Depends(metrics_principal)]
ReviewerKey = Annotated[Principal, Depends(reviewer_principal)]
ReviewDep = Annotated[Any, Depends(get_review)]
JsonBytes = Annotated[bytes, Depends(raw_json_body)]
ScanCallDep = Annotated[ScanCall, Depends(scan_call)]
