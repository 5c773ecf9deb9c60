"""POST /v1/admin/reload: rebuild word lists and policy from disk, swap atomically.

A scan in flight keeps the engine it started with (see Scanner.reload_wordlists), so no
request is dropped and none is scanned by a mix of versions; every result says which
version scanned it. With several workers, the other workers follow within about a second
(see api.sync.WorkerSync).
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api import metrics
from api.audit import request_fields
from api.deps import AdminKey, AuditDep, ScannerDep
from api.errors import ApiError
from api.runtime import rebuild
from api.schemas import ReloadOut, error_responses
from scanner.text.wordlists import WordlistError

log = logging.getLogger("scanner.api")
router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/reload", summary="Reload word lists and policy from disk (admin)", response_model=ReloadOut,
             responses=error_responses(401, 403, 422, 503))
async def reload(request: Request, admin: AdminKey, scanner: ScannerDep, audit: AuditDep) -> dict[str, Any]:
    before_version = scanner.versions["wordlists"]
    # Intent first: if it cannot be written, AuditUnavailable answers 503 and nothing is reloaded.
    started = audit.begin(admin.name, "wordlists.reload", before=before_version, **request_fields(request))
    try:
        before, after = await run_in_threadpool(rebuild, scanner.reload_wordlists)  # built, then frozen
    except Exception as exc:  # the files on disk could not be built: keep serving the old version
        reason = str(exc) if isinstance(exc, WordlistError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, WordlistError):
            log.exception("reload: building the word lists failed")
        audit.finish(started, "error", after=before_version, error=reason)
        raise ApiError(422, "reload_failed",
                       f"the word lists on disk were refused; still serving {before_version}: {reason}") from None
    versions = scanner.versions
    metrics.set_versions(versions)
    audit.finish(started, before=before, after=after, changed=before != after)
    request.state.action = "wordlists.reload"
    request.state.versions = versions
    request.app.state.sync.bump("wordlists")
    return {"before": before, "after": after, "changed": before != after, "versions": versions}
