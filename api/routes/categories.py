"""GET /v1/categories: the finding categories with their labels (scanner/categories.py, the one table).

Open like /healthz and the editor page itself: the labels were always public (they shipped in the
page's JavaScript), and the page needs them before anyone has entered a key. An operator's own
categories (wordlists/custom/, #20) follow the built-in ones once the word lists are loaded: their ids
and labels only, never their terms.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.schemas import CategoriesOut
from scanner.categories import as_json

router = APIRouter(prefix="/v1/categories", tags=["categories"])


@router.get("", summary="Finding categories: labels (English, Chinese), default action, text or image",
            response_model=CategoriesOut)
async def categories(request: Request) -> dict[str, Any]:
    scanner = getattr(request.app.state, "scanner", None)  # still loading: the built-in table alone
    custom = scanner.text_engine.wordlists.custom_categories if scanner is not None else ()
    return {"categories": as_json(custom)}
