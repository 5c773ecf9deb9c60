"""POST /v1/scan, /v1/scan/batch, /v1/scan/image.

The JSON routes are plain `def` endpoints: one async dependency (ScanCallDep) checks the
key and reads the body on the event loop (size-limited while streaming), then FastAPI runs
the endpoint — parse → limit checks → scan → serialise — in the thread pool, so the
CPU-bound part never blocks the loop and costs a single thread hop. (Measured against
`async def` + run_in_threadpool: the same single hop, marginally cheaper and steadier;
see docs/api.md.)
"""
from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api import metrics
from api.auth import ANONYMOUS, PolicyPinned, Principal
from api.deps import ScanCallDep, ScanKey, ScannerDep, SettingsDep, invalid_number, parse_json, parse_json_marked
from api.errors import ApiError, status_for_code
from api.limits import check_batch, check_listing, check_upload_count, heavy_slot, image_too_large
from api.response_cap import fit_rows
from api.schemas import (
    EXAMPLE_LISTING, EXAMPLE_RESULT, BatchIn, BatchOut, ListingIn, ScanResultOut, error_responses,
)
from scanner import jsonio
from scanner.budget import deadline_after
from scanner.config import Settings
from scanner.options import InvalidOptions, ScanOptions, parse_options
from scanner.results import OCR_UNREAD_CODES

router = APIRouter(prefix="/v1/scan", tags=["scan"])

_LIMIT_SETTING = {"field_too_long": "SCANNER_MAX_FIELD_CHARS", "too_many_fields": "SCANNER_MAX_FIELDS_PER_LISTING"}


def _dumps(obj: Any) -> bytes:
    # strict JSON, UTF-8 even when echoing a lone surrogate: the one encoder API, batch and Spark share
    return jsonio.dumps(obj)


def _json_response(status: int, body: bytes) -> Response:
    return Response(content=body, status_code=status, media_type="application/json")


def _body_doc(model, example: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}, "example": example}}}}


def pinned(scanner: Any) -> Any:
    """A scanner bound to the current word-list engine and gallery snapshot, so a whole
    batch is scanned by one version even if a reload or gallery edit lands meanwhile."""
    if hasattr(scanner, "pinned"):
        return scanner.pinned()
    images = scanner.images
    snapshot = images.snapshot() if images is not None and hasattr(images, "snapshot") else None

    class _PinnedGallery:
        def snapshot(self):
            return snapshot

    ocr = {"ocr": scanner.ocr, "ocr_reader": scanner.ocr_reader()} if hasattr(scanner, "ocr_reader") else {}
    return type(scanner)(scanner.text_engine, _PinnedGallery() if snapshot is not None else images, scanner.settings,
                         **ocr)  # one OCR reader (cache, counters) per process, not per batch


def result_row(result: Any, settings: Settings) -> tuple[int, dict[str, Any]]:
    """(HTTP status if this were the only listing, contract row)."""
    row = result.to_dict()
    error = row.get("error")
    if error is not None:
        setting = _LIMIT_SETTING.get(error.get("code"))
        if setting and setting not in error.get("message", ""):
            error["message"] = f"{error['message']} ({setting})"
        return status_for_code(error.get("code", "")), row
    # an image OCR did not read (budget, cap, no extra) is not the caller's input at fault: never refused
    image_errors = [e for e in row.get("image_errors") or () if e["code"] not in OCR_UNREAD_CODES]
    if image_errors and settings.image_errors == "reject":
        first = image_errors[0]
        refused = {
            "id": row.get("id"),
            "error": {"code": first["code"], "message": f"{first.get('field', 'image')}: {first['message']}"},
            "image_errors": row["image_errors"],
            "versions": row.get("versions"),
        }
        return status_for_code(first["code"]), refused
    return 200, row


def request_options(raw: Any, base: ScanOptions | None = None) -> ScanOptions:
    """The "options" object a caller sent (None if absent), over `base` (a batch's own options for one of its
    listings) -> ScanOptions, or a 422 `invalid_options` naming what is wrong."""
    if base is not None:
        if raw is None:
            return base
        if isinstance(raw, dict):
            raw = {**base._asdict(), **raw}
    try:
        return parse_options(raw)
    except InvalidOptions as exc:
        raise ApiError(422, exc.code, exc.message) from None


def _listing_options(listing: Any, base: ScanOptions | None = None) -> ScanOptions:
    return request_options(listing.get("options") if isinstance(listing, dict) else None, base)


def scan_kwargs(options: ScanOptions, principal: Principal, settings: Settings) -> dict[str, Any]:
    """Scanner.scan's keyword arguments for a listing's options sent with `principal`'s key: the key's
    policy profile unless the request names one (api/auth.py), or a 422 `policy_pinned`; a 422 `ocr_not_allowed`
    for `"ocr": true` on a server whose operator left OCR off and did not let requests turn it on."""
    if options.ocr and not settings.ocr and not settings.ocr_per_request:
        # Refused rather than scanned without OCR: a caller who asked for the images' text to be read must not
        # take a result that never read it for one that did. Asking once shows the mismatch at integration time.
        raise ApiError(422, "ocr_not_allowed",
                       "options.ocr: this server does not read the text in images for a request that asks "
                       "(SCANNER_OCR is off and SCANNER_OCR_PER_REQUEST does not allow it); send the listing "
                       "without \"ocr\", or ask the operator to turn OCR on")
    try:
        policy = principal.scan_policy(options.policy)
    except PolicyPinned as exc:
        raise ApiError(422, exc.code, str(exc)) from None
    return options._replace(policy=policy).scan_kwargs()


def _scan_listing(scanner: Any, settings: Settings, listing: Any, enqueue: Any = None,
                  **kwargs) -> tuple[int, dict[str, Any]]:
    status, row = result_row(scanner.scan(listing, **kwargs), settings)
    metrics.record_result(row)
    if enqueue is not None and status == 200:  # after the result is built: a queue put, written by another thread
        enqueue(listing, row)
    return status, row


def _bounded(row: dict[str, Any], settings: Settings) -> bytes:
    """One row as the whole response body, within SCANNER_MAX_RESPONSE_BYTES (api/response_cap.py)."""
    return fit_rows([row], [_dumps(row)], settings.max_response_bytes, _dumps)[0]


def _scan_one(scanner: Any, settings: Settings, body: bytes, enqueue: Any = None,
              principal: Principal = ANONYMOUS) -> tuple[int, bytes, dict[str, Any]]:
    deadline = deadline_after(settings.scan_budget_s)  # one budget per request, from the body in hand
    listing = parse_json(body)
    kwargs = scan_kwargs(_listing_options(listing), principal, settings)
    check_listing(listing, settings)
    status, row = _scan_listing(scanner, settings, listing, enqueue, deadline=deadline, **kwargs)
    return status, _bounded(row, settings), row


def _scan_batch(scanner: Any, settings: Settings, body: bytes,
                enqueue: Any = None, principal: Principal = ANONYMOUS) -> tuple[bytes, Counter, dict[str, str]]:
    import time

    started = time.perf_counter()
    deadline = deadline_after(settings.scan_budget_s)  # one budget for the whole batch
    bad_numbers: dict[int, list] = {}
    try:
        doc = parse_json_marked(body)
    except jsonio.InvalidNumber as exc:
        # one listing holding NaN/1e400/a 5,000-digit integer is refused alone; anywhere else, the request
        doc = exc.value
        for path, marker in exc.found:
            if len(path) < 3 or path[0] != "listings" or not isinstance(path[1], int):
                raise invalid_number(jsonio.describe([(path, marker)])) from None
            bad_numbers.setdefault(path[1], []).append((path[2:], marker))
    listings = check_batch(doc, settings)
    batch_options = request_options(doc.get("options"))  # every listing's, unless it sends its own
    scanner = pinned(scanner)
    rows: list[dict[str, Any]] = []
    decisions: Counter = Counter()
    for i, raw in enumerate(listings):
        try:
            if i in bad_numbers:
                raise invalid_number(jsonio.describe(bad_numbers[i]))
            kwargs = scan_kwargs(_listing_options(raw, batch_options), principal, settings)
            check_listing(raw, settings)
        except ApiError as exc:
            listing_id = jsonio.listing_id(raw) if i in bad_numbers else raw.get("id") if isinstance(raw, dict) else None
            row = {"id": listing_id, "error": {"code": exc.code, "message": exc.message}}
            metrics.record_result(row)
        else:
            _, row = _scan_listing(scanner, settings, raw, enqueue, deadline=deadline, **kwargs)
        decisions[row.get("decision") or "error"] += 1
        rows.append(row)
    versions = scanner.versions
    # Serialised row by row (each dumps call is short, so the event loop gets the GIL between them),
    # then cut to SCANNER_MAX_RESPONSE_BYTES around the envelope: {"results":[...],"versions":..,"took_ms":..}
    tail = _dumps({"versions": versions, "took_ms": round((time.perf_counter() - started) * 1000, 3)})
    room = settings.max_response_bytes - len(tail) - len(b'{"results":[],')
    encoded = fit_rows(rows, [_dumps(row) for row in rows], room, _dumps)
    return b'{"results":[' + b",".join(encoded) + b"]," + tail[1:], decisions, versions


def _note(request: Request, row: dict[str, Any]) -> None:
    state = request.state
    if row.get("decision"):
        state.decision = row["decision"]
    elif row.get("error"):
        state.error_code = row["error"].get("code")
    if row.get("versions"):
        state.versions = row["versions"]


@router.post(
    "",
    summary="Scan one listing",
    description="Text fields and images (base64 `data`, or `url` on an allow-listed host) of one listing → "
    "decision, score and findings. A listing that cannot be scanned gets a 4xx whose body is the contract's "
    "error row `{id, error: {code, message}}`.",
    response_model=None,
    responses={200: {"model": ScanResultOut, "content": {"application/json": {"example": EXAMPLE_RESULT}}},
               **error_responses(400, 401, 413, 415, 422)},
    openapi_extra=_body_doc(ListingIn, EXAMPLE_LISTING),
)
def scan(request: Request, call: ScanCallDep) -> Response:
    with heavy_slot(len(call.body), call.settings):
        status, payload, row = _scan_one(call.scanner, call.settings, call.body, call.enqueue, call.principal)
    _note(request, row)
    return _json_response(status, payload)


@router.post(
    "/batch",
    summary="Scan up to SCANNER_MAX_BATCH_LISTINGS listings",
    description='`{"listings": [...]}` → `{"results": [...]}` in the same order, one row per listing. A listing '
    "that cannot be scanned yields an error row; the request still succeeds. The whole batch is scanned by one "
    "word-list/gallery version (`versions`).",
    response_model=None,
    responses={200: {"model": BatchOut}, **error_responses(400, 401, 413, 415, 422)},
    openapi_extra=_body_doc(BatchIn, {"listings": [EXAMPLE_LISTING, {"id": 2, "title": "纯棉T恤"}]}),
)
def scan_batch(request: Request, call: ScanCallDep) -> Response:
    with heavy_slot(len(call.body), call.settings):
        payload, decisions, versions = _scan_batch(call.scanner, call.settings, call.body, call.enqueue,
                                                   call.principal)
    request.state.decisions = dict(decisions)
    request.state.versions = versions
    return _json_response(200, payload)


@router.post(
    "/image",
    summary="Scan uploaded images (multipart)",
    description="For clients that do not base64: one or more files in the multipart field `images`, optionally a "
    "`listing` field holding the rest of the listing as JSON (title, description, …) and an `id`.",
    response_model=None,
    responses={200: {"model": ScanResultOut}, **error_responses(400, 401, 413, 415, 422)},
)
async def scan_image(
    request: Request,
    key: ScanKey,
    scanner: ScannerDep,
    settings: SettingsDep,
    images: Annotated[list[UploadFile], File(description="image files (JPEG, PNG, GIF, WebP, BMP, TIFF)")],
    id: Annotated[str | None, Form(description="listing id, echoed back")] = None,
    listing: Annotated[str | None, Form(description='optional JSON object with the text fields, e.g. {"title": "…"}')] = None,
    options: Annotated[str | None, Form(description='optional JSON object of scan options, e.g. {"language": "zh"}')] = None,
) -> Response:
    check_upload_count(len(images), settings)
    blobs: list[bytes] = []
    for upload in images:
        data = await upload.read(settings.max_image_bytes + 1)
        if len(data) > settings.max_image_bytes:
            raise image_too_large(len(data), settings)
        blobs.append(data)
    base: dict[str, Any] = {}
    if listing:
        base = parse_json(listing.encode("utf-8"))
        if not isinstance(base, dict):
            raise ApiError(422, "invalid_listing", 'form field "listing" must be a JSON object')
    base.pop("images", None)
    scan_options = _listing_options(base)
    if options:
        scan_options = request_options(parse_json(options.encode("utf-8")), scan_options)
    kwargs = scan_kwargs(scan_options, key, settings)
    if id is not None:
        base["id"] = id
    base["images"] = [{"upload": i} for i in range(len(blobs))]

    def load(ref: Any) -> bytes:
        return blobs[ref["upload"]]

    status, row = await run_in_threadpool(_scan_listing, scanner, settings, base,
                                          getattr(request.app.state, "review_enqueue", None), image_loader=load,
                                          deadline=deadline_after(settings.scan_budget_s), **kwargs)
    _note(request, row)
    return _json_response(status, await run_in_threadpool(_bounded, row, settings))
