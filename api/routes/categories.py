"""GET /v1/categories: the finding categories with their labels (scanner/categories.py, the one table).

Open like /healthz and the editor page itself: the labels were always public (they shipped in the
page's JavaScript), and the page needs them before anyone has entered a key.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.schemas import CategoriesOut
from scanner.categories import as_json

router = APIRouter(prefix="/v1/categories", tags=["categories"])


@router.get("", summary="Finding categories: labels (English, Chinese), default action, text or image",
            response_model=CategoriesOut)
async def categories() -> dict[str, Any]:
    return {"categories": as_json()}
