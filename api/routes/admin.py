"""POST /v1/admin/reload: rebuild word lists and policy from disk, swap atomically.

A scan in flight keeps the engine it started with (see Scanner.reload_wordlists), so no
request is dropped and none is scanned by a mix of versions; every result says which
version scanned it. With several workers, the other workers follow within about a second
(see api.main.WorkerSync).
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api import metrics
from api.deps import AdminKey, AuditDep, ScannerDep
from api.errors import ApiError
from api.runtime import settle_heap
from api.schemas import ReloadOut, error_responses

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/reload", summary="Reload word lists and policy from disk (admin)", response_model=ReloadOut,
             responses=error_responses(401, 403, 422))
async def reload(request: Request, admin: AdminKey, scanner: ScannerDep, audit: AuditDep) -> dict[str, Any]:
    request_id = getattr(request.state, "request_id", None)
    before_versions = scanner.versions
    try:
        before, after = await run_in_threadpool(scanner.reload_wordlists)
    except Exception as exc:  # bad files on disk: keep serving the old version
        audit.write(admin.name, "wordlists.reload", outcome="error", before=before_versions["wordlists"],
                    after=before_versions["wordlists"], error=f"{type(exc).__name__}: {exc}", request_id=request_id)
        raise ApiError(422, "reload_failed",
                       f"word lists on disk could not be loaded; still serving {before_versions['wordlists']}: "
                       f"{type(exc).__name__}: {exc}") from None
    await run_in_threadpool(settle_heap)  # let the old engine go, freeze the new one
    versions = scanner.versions
    metrics.set_versions(versions)
    audit.write(admin.name, "wordlists.reload", before=before, after=after, changed=before != after,
                request_id=request_id)
    request.state.action = "wordlists.reload"
    request.state.versions = versions
    request.app.state.sync.bump("wordlists")
    return {"before": before, "after": after, "changed": before != after, "versions": versions}
