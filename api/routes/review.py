"""/v1/review: the review queue, verdicts and change sets (issue #19; docs/review.md).

Thin: each route checks the key, hands the body to scanner/review, maps its errors to the error
shape. The store calls block, so the routes are plain `def` (FastAPI runs them in the thread pool).
"""
from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api import metrics
from api.audit import request_fields
from api.deps import AdminKey, AuditDep, ReviewDep, ReviewerKey, ScannerDep, parse_json
from api.errors import ApiError
from api.runtime import rebuild
from api.schemas import error_responses
from scanner import jsonio
from scanner.review import changesets, retention, stats, verdicts
from scanner.review.queue import STATUSES
from scanner.text.wordlists import DEFAULT_PROFILE, WordlistError, check_profiles_named

log = logging.getLogger("scanner.api")
router = APIRouter(prefix="/v1/review", tags=["review"])


def _json(payload: Any) -> Response:
    """Strict JSON in UTF-8 (scanner.jsonio): listing text may hold a lone surrogate a caller sent."""
    return Response(content=jsonio.dumps(payload), media_type="application/json")


# Row ids are SQLite/PostgreSQL BIGINTs: a larger number is refused as a bad request, not passed to the driver.
BIGINT_MAX = 2**63 - 1  # ids and offsets past a BIGINT are a bad request, not a driver error (OverflowError: a 500)
RowId = Annotated[int, PathParam(ge=1, le=BIGINT_MAX)]


@router.post("/claim", summary="Take the next review item (reviewer)",
             responses={204: {"description": "nothing is waiting"}, **error_responses(401, 403, 503)})
def claim(request: Request, reviewer: ReviewerKey, review: ReviewDep) -> Any:
    item = review.queue.claim(reviewer.name)
    request.state.action = "review.claim"
    if item is None:
        return Response(status_code=204)
    return _json({"item": {"id": item["id"], "listing": item["listing"], "result": item["result"],
                           "lease_expires": item["lease_expires"], "masked_spans": item["masked_spans"],
                           "reason": item["reason"], "created_at": item["created_at"]}})


@router.get("/items", summary="List review items (reviewer)", responses=error_responses(401, 403, 422, 503))
def items(reviewer: ReviewerKey, review: ReviewDep,
          status: str | None = Query(None, description="open | claimed | done | withdrawn"),
          limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=BIGINT_MAX)) -> Response:
    if status is not None and status not in STATUSES:
        raise ApiError(422, "invalid_request", f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    return _json({"items": review.queue.items(status, limit, offset)})


@router.post("/items/{item_id}/verdict", summary="Give a verdict on an item you claimed (reviewer)",
             responses=error_responses(400, 401, 403, 404, 409, 422, 503),
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/VerdictIn"},
                 "example": {"decision": "reject", "findings": [{"index": 0, "verdict": "false_positive"}],
                             "missed": [{"field": "title", "start": 4, "end": 6, "category": "counterfeit"}],
                             "note": "仿皮 is a material"}}}}})
async def verdict(request: Request, item_id: RowId, reviewer: ReviewerKey, review: ReviewDep) -> dict[str, Any]:
    body = parse_json(await request.body())
    try:
        outcome = await run_in_threadpool(verdicts.submit, review.store, item_id, reviewer.name, body)
    except verdicts.ItemNotFound as exc:
        raise ApiError(404, "review_item_not_found", str(exc)) from None
    except verdicts.NotClaimed as exc:
        raise ApiError(409, "not_claimed", str(exc)) from None
    except verdicts.InvalidVerdict as exc:
        raise ApiError(422, "invalid_verdict", str(exc)) from None
    metrics.record_verdict(outcome)
    request.state.action = "review.verdict"
    return {"item": outcome["item"], "verdict": outcome["verdict"], "decision": outcome["decision"],
            "proposals": outcome["proposals"]}


@router.get("/stats", summary="Reviewers' precision, missed rate, queue depth, time to verdict (reviewer)",
            responses=error_responses(401, 403, 503))
def review_stats(reviewer: ReviewerKey, review: ReviewDep) -> dict[str, Any]:
    numbers = stats.compute(review.store)
    metrics.set_review_stats(numbers)
    return numbers


@router.get("/changesets", summary="Change sets and their proposals (admin)", responses=error_responses(401, 403, 422, 503))
def list_changesets(admin: AdminKey, review: ReviewDep,
                    status: str | None = Query(None, description="open | published | discarded")) -> dict[str, Any]:
    return {"changesets": changesets.list_all(review.store, status)}


def _changeset_errors(exc: Exception) -> ApiError:
    if isinstance(exc, changesets.ChangesetNotFound):
        return ApiError(404, "changeset_not_found", str(exc))
    if isinstance(exc, changesets.ChangesetClosed):
        return ApiError(409, "changeset_closed", str(exc))
    if isinstance(exc, changesets.PublishRefused):
        return ApiError(422, "publish_refused", str(exc))
    raise exc


@router.post("/changesets/{changeset_id}/preview", summary="Impact of a change set on the stored sample (admin)",
             responses=error_responses(401, 403, 404, 422, 503))
def preview(changeset_id: RowId, admin: AdminKey, review: ReviewDep, scanner: ScannerDep) -> dict[str, Any]:
    try:
        return changesets.preview(review.store, changeset_id, Path(scanner.settings.wordlists),
                                  Path(review.settings.review_sample_listings), live_engine=scanner.text_engine)
    except (changesets.ChangesetNotFound, changesets.PublishRefused) as exc:
        raise _changeset_errors(exc) from None


@router.post("/changesets/{changeset_id}/publish", summary="Make a change set the live word-list version (admin)",
             responses=error_responses(401, 403, 404, 409, 422, 503))
def publish(request: Request, changeset_id: RowId, admin: AdminKey, review: ReviewDep, scanner: ScannerDep,
            audit: AuditDep) -> dict[str, Any]:
    before_version = scanner.versions["wordlists"]
    started = audit.begin(admin.name, "review.publish", changeset=changeset_id, before=before_version,
                          **request_fields(request))
    try:
        _keys_profiles_kept(request, Path(scanner.settings.wordlists))
        published = changesets.publish(review.store, changeset_id, admin.name, Path(scanner.settings.wordlists),
                                       review.versions_root)
    except (changesets.ChangesetNotFound, changesets.ChangesetClosed, changesets.PublishRefused) as exc:
        error = _changeset_errors(exc)
        audit.finish(started, "refused" if error.status_code != 404 else "not_found", error=error.message)
        raise error from None
    apply_live(scanner, Path(published["directory"]))
    versions = scanner.versions
    metrics.set_versions(versions)
    audit.finish(started, after=versions["wordlists"])
    request.state.action = "review.publish"
    request.state.versions = versions
    request.app.state.sync.bump("wordlists")
    return {"changeset": changeset_id, "before": published["before"], "after": published["after"],
            "versions": versions}


@router.post("/changesets/{changeset_id}/discard", summary="Discard a change set (admin)",
             responses=error_responses(401, 403, 404, 409, 503))
def discard(request: Request, changeset_id: RowId, admin: AdminKey, review: ReviewDep, audit: AuditDep) -> dict[str, Any]:
    started = audit.begin(admin.name, "review.discard", changeset=changeset_id, **request_fields(request))
    try:
        changesets.discard(review.store, changeset_id, admin.name)
    except (changesets.ChangesetNotFound, changesets.ChangesetClosed) as exc:
        error = _changeset_errors(exc)
        audit.finish(started, "refused" if error.status_code != 404 else "not_found", error=error.message)
        raise error from None
    audit.finish(started)
    return {"changeset": changeset_id, "status": "discarded"}


@router.post("/purge", summary="Delete review data older than SCANNER_REVIEW_RETENTION_DAYS (admin)",
             responses=error_responses(401, 403, 503))
def purge(request: Request, admin: AdminKey, review: ReviewDep, audit: AuditDep) -> dict[str, Any]:
    days = review.settings.review_retention_days
    started = audit.begin(admin.name, "review.purge", days=days, **request_fields(request))
    counts = retention.purge(review.store, days, admin.name)
    audit.finish(started, deleted=counts)
    return {"retention_days": days, "deleted": counts}


def _keys_profiles_kept(request: Request, base: Path) -> None:
    """PublishRefused before anything is stored if the lists a change set is built on (`base`, copied whole:
    proposals add terms and allow-list rows, never profiles) lack a profile an API key names: every process
    would then refuse to serve the published version (Scanner.require_profiles), so it must not go live."""
    try:
        check_profiles_named({DEFAULT_PROFILE, *(p.stem for p in (base / "profiles").glob("*.toml"))},
                             request.app.state.keys.profiles_named())
    except WordlistError as exc:
        raise changesets.PublishRefused(str(exc)) from None


# -- keeping every process on the live version ------------------------------------------------
def apply_live(scanner: Any, directory: Path) -> tuple[str, str]:
    """Serve the word lists in `directory` (a published version): point the scanner at it and reload."""
    scanner.settings = scanner.settings.model_copy(update={"wordlists": directory})
    return rebuild(scanner.reload_wordlists)


async def follow_live(app: FastAPI) -> None:
    """Serve the live published version if this process does not yet (the database says which is live;
    the files come from it too, so a replica on another machine can write them out)."""
    review, scanner = app.state.review, app.state.scanner
    live = await run_in_threadpool(changesets.live_version, review.store)
    if live is None or scanner is None or scanner.versions["wordlists"] == live:
        return
    directory = await run_in_threadpool(changesets.materialise, review.store, review.versions_root)
    if directory is not None:
        before, after = await run_in_threadpool(apply_live, scanner, directory)
        metrics.set_versions(scanner.versions)
        log.info("reload", extra={"fields": {"event": "reload", "source": "review_store",
                                             "before": before, "after": after, "pid": os.getpid()}})


async def follow(app: FastAPI, interval: float = 5.0) -> None:
    """Every `interval` s: follow a version another replica published, purge past retention (once an
    hour) and refresh the review gauges (once a minute)."""
    review, last_purge, last_stats = app.state.review, 0.0, 0.0
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(interval)
        try:
            await follow_live(app)
            if loop.time() - last_purge > 3600:
                last_purge = loop.time()
                await run_in_threadpool(retention.purge, review.store, review.settings.review_retention_days)
            if loop.time() - last_stats > 60:
                last_stats = loop.time()
                metrics.set_review_stats(await run_in_threadpool(stats.compute, review.store))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("review: following the store failed")
