"""GET /v1/wordlists: which word-list version is loaded and how many entries per category."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ScanKey, ScannerDep
from api.schemas import WordlistsOut, error_responses

router = APIRouter(prefix="/v1/wordlists", tags=["wordlists"])


@router.get("", summary="Loaded word lists: versions and counts per category", response_model=WordlistsOut,
            responses=error_responses(401, 503))
async def wordlists(_key: ScanKey, scanner: ScannerDep) -> dict[str, Any]:
    engine = scanner.text_engine
    wl = engine.wordlists
    counts = getattr(wl, "counts", None)
    # No directory path: where the server keeps its files is none of a scan key's business.
    info: dict[str, Any] = {"version": engine.version, "counts": counts() if callable(counts) else None}
    return {"versions": scanner.versions, "wordlists": info}
