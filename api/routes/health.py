"""/healthz (process alive), /readyz (dictionaries and gallery loaded), /metrics, and / (editor page)."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api import metrics
from api.deps import MetricsKey
from api.errors import ApiError
from api.schemas import Health

router = APIRouter(tags=["health"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


# HEAD too: load balancers and uptime checkers probe with it.
@router.api_route("/healthz", methods=["GET", "HEAD"], summary="Liveness: the process answers", response_model=Health,
                  response_model_exclude_none=True)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.api_route("/readyz", methods=["GET", "HEAD"], summary="Readiness: word lists built and gallery loaded",
                  response_model=Health, responses={503: {"description": "still loading"}})
async def readyz(request: Request) -> Response:
    scanner = getattr(request.app.state, "scanner", None)
    if scanner is None:
        return JSONResponse({"error": {"code": "not_ready", "message": "the scanner is still loading"}},
                            status_code=503)
    if scanner.images is None and request.app.state.expect_images:
        return JSONResponse({"error": {"code": "not_ready", "message": "the image gallery is not loaded"}},
                            status_code=503)
    return JSONResponse({"status": "ready", "versions": scanner.versions})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            description="Open by default; with SCANNER_METRICS_AUTH=key it needs a configured API key "
                        "(X-API-Key, or Authorization: Bearer <key>).",
            responses={200: {"content": {"text/plain": {}}}, 401: {"description": "missing or invalid key"}})
async def prometheus(principal: MetricsKey) -> Response:
    body, content_type = metrics.render()
    return Response(content=body, media_type=content_type)


def _page(name: str, what: str) -> Response:
    page = STATIC_DIR / name
    if not page.is_file():
        raise ApiError(404, "not_found", f"no {what} installed (api/static/{name}); the API is at /docs")
    return FileResponse(page, media_type="text/html")


@router.get("/review", include_in_schema=False)
async def review_page() -> Response:
    """The reviewers' page (api/static/review.html): the queue and one claimed item; it calls /v1/review."""
    return _page("review.html", "review page")


@router.get("/", include_in_schema=False)
async def index() -> Response:
    return _page("index.html", "editor page")
