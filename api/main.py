"""Builds the FastAPI app. `create_app(settings=None, scanner=None)` for tests and
embedding; `app_factory` for uvicorn (`uvicorn --factory api.main:app_factory`), used by
`scanner serve` so each worker process builds its own Scanner from the environment.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from api import errors, metrics
from api.audit import AuditLog, default_audit_path
from api.auth import KeyRing
from api.limits import BodyLimitMiddleware
from api.logging import ObserveMiddleware, configure_logging
from api.routes import admin, categories, gallery, health, policies, review, scan, wordlists
from api.runtime import settle_heap, tune_malloc, tune_scan_threads
from api.sync import SYNC_DIR_ENV, WorkerSync
from api.schemas import DOC_MODELS
from scanner import __version__
from scanner.config import Settings, load_settings

log = logging.getLogger("scanner.api")

SWAGGER = "/static/vendor/swagger-ui"  # vendored Swagger UI, kept apart from the page's own modules

DESCRIPTION = """
Scans e-commerce listings (text and images) for prohibited wording, brands and counterfeit images.

* **Auth**: send `X-API-Key`. Keys are configured as hashes in `SCANNER_API_KEYS`, each with role `scan`,
  `reviewer` or `admin`. Gallery edits and reloads need an admin key and are refused when none is configured;
  the review queue (`/v1/review`) needs a reviewer (or admin) key, change sets an admin key.
* **Errors** always look like `{"error": {"code": "…", "message": "…"}}`; 4xx means the caller can fix it and the
  message names the field or the limit (`SCANNER_MAX_BODY_BYTES`, `SCANNER_MAX_BATCH_LISTINGS`, …).
* Every result carries `versions` (word lists, gallery, scanner) and `took_ms`.
"""


def _service_ocr_threads(settings: Settings) -> Settings:
    """SCANNER_OCR_THREADS unset means one OCR thread per service worker (docs/ocr.md)."""
    return settings if settings.ocr_threads is not None else settings.model_copy(update={"ocr_threads": 1})


def create_app(settings: Settings | None = None, scanner: Any = None, *, with_images: bool = True) -> FastAPI:
    # The service never reads local files a request names, whatever it is given (issue #13, finding 7).
    settings = (settings or load_settings()).model_copy(update={"allow_local_image_paths": False})
    # OCR reads images in its own thread(s) in the service, so text-only requests keep the scan threads
    settings = _service_ocr_threads(settings)
    if getattr(scanner, "settings", None) is not None:
        scanner.settings = _service_ocr_threads(scanner.settings).model_copy(update={"allow_local_image_paths": False})
    keys = KeyRing(settings.api_keys)  # a malformed key entry stops startup with a clear message
    if settings.metrics_auth not in ("open", "key"):
        raise ValueError(f"SCANNER_METRICS_AUTH must be 'open' or 'key', got {settings.metrics_auth!r}")
    if settings.metrics_auth == "key" and not keys.enabled:
        raise ValueError("SCANNER_METRICS_AUTH=key needs at least one key in SCANNER_API_KEYS "
                         "(make one with `scanner keys hash --generate`)")
    if settings.image_errors not in ("reject", "report"):
        raise ValueError(f"SCANNER_IMAGE_ERRORS must be 'reject' or 'report', got {settings.image_errors!r}")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threadpool_size
        tune_scan_threads(settings.gil_switch_interval_ms)
        tune_malloc(settings.malloc_mmap_threshold_bytes, settings.malloc_arena_max)
        app.state.sync.baseline()  # before loading: see WorkerSync.baseline
        if app.state.scanner is None:
            started = time.perf_counter()
            from scanner.engine import Scanner

            # a word-list version published from review change sets wins while it is live (docs/review.md)
            live = await anyio.to_thread.run_sync(app.state.sync.resolve_wordlists)
            if live is not None:  # said once, loudly: SCANNER_WORDLISTS is not what this process serves
                log.warning("wordlists_from_review_store", extra={"fields": {
                    "event": "wordlists_from_review_store", "configured": str(settings.wordlists),
                    "serving": str(live), "why": "a word-list version published from review change sets is live "
                    "in the review store and wins over SCANNER_WORDLISTS (docs/review.md)", "pid": os.getpid()}})
            built = Scanner.from_settings(
                settings if live is None else settings.model_copy(update={"wordlists": live}), with_images=with_images)
            built.require_profiles(keys.profiles_named())  # a key naming a missing profile stops start-up
            app.state.scanner = built
            launched = os.environ.get("SCANNER_SERVE_STARTED_AT")
            log.info("startup", extra={"fields": {
                "event": "startup", "ms": round((time.perf_counter() - started) * 1000, 1),
                "since_launch_ms": round((time.time() - float(launched)) * 1000, 1) if launched else None,
                "versions": app.state.scanner.versions, "keys": "configured" if keys.enabled else "none (open)",
                "admin": keys.has_admin, "pid": os.getpid()}})
        await review.follow_live(app)  # a scanner handed in also serves the live published version
        metrics.set_versions(app.state.scanner.versions)
        settle_heap()
        watcher = asyncio.create_task(app.state.sync.watch(app))
        follower = asyncio.create_task(review.follow(app))
        try:
            yield
        finally:
            watcher.cancel()
            follower.cancel()
            await anyio.to_thread.run_sync(app.state.review.close)
            metrics.process_exit()

    app = FastAPI(
        title="Listing compliance scanner",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from packaged files, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.keys = keys
    app.state.audit = AuditLog(default_audit_path(settings))
    if scanner is not None and hasattr(scanner, "require_profiles"):
        scanner.require_profiles(keys.profiles_named())  # fail closed: never scan a key's requests under `default`
    app.state.scanner = scanner
    app.state.expect_images = with_images
    app.state.sync = WorkerSync(os.environ.get(SYNC_DIR_ENV))
    # The review store (issue #19): opened (and migrated) here, so a bad SCANNER_DATABASE_URL stops start-up.
    from scanner.review import ReviewService
    from scanner.review.changesets import materialise

    app.state.review = review_service = ReviewService.from_settings(settings)
    app.state.sync.resolve_wordlists = lambda: materialise(review_service.store, review_service.versions_root)
    submit = review_service.enqueuer.submit
    app.state.review_enqueue = (lambda listing, row: submit(listing, row, "api")) if settings.review_queue else None

    errors.install(app)
    for module in (scan, gallery, wordlists, categories, policies, admin, review, health):
        app.include_router(module.router)
    static = health.STATIC_DIR
    if static.is_dir():
        from fastapi.staticfiles import StaticFiles

        app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Swagger UI from api/static/vendor/swagger-ui (pinned, vendored: see its README): works offline and
        loads nothing from another host; no online validator."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} - API docs",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js", swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/swagger-ui-favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )

    # Added last = outermost: ObserveMiddleware sees every request, including body-limit refusals.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       body_timeout_s=settings.request_body_timeout_s)
    app.add_middleware(ObserveMiddleware, log_requests=settings.log_requests)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in DOC_MODELS:  # request bodies documented via openapi_extra $refs
                model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(model_schema.pop("$defs", {}))
                components[model.__name__] = model_schema
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_factory() -> FastAPI:
    """uvicorn entry point (factory=True): settings from SCANNER_* env and SCANNER_CONFIG."""
    configure_logging(os.environ.get("SCANNER_LOG_LEVEL", "INFO"))
    return create_app()
