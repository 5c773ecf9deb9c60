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
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api import errors, metrics
from api.audit import AuditLog, default_audit_path
from api.auth import KeyRing
from api.limits import BodyLimitMiddleware
from api.logging import ObserveMiddleware, configure_logging
from api.routes import admin, categories, gallery, health, scan, wordlists
from api.runtime import settle_heap
from api.schemas import DOC_MODELS
from scanner import __version__
from scanner.config import Settings, load_settings

log = logging.getLogger("scanner.api")

SYNC_DIR_ENV = "SCANNER_SYNC_DIR"  # set by `scanner serve --workers N` (internal, not a setting)

DESCRIPTION = """
Scans e-commerce listings (text and images) for prohibited wording, brands and counterfeit images.

* **Auth**: send `X-API-Key`. Keys are configured as hashes in `SCANNER_API_KEYS`, each with role `scan` or
  `admin`. Gallery edits and reloads need an admin key and are refused when none is configured.
* **Errors** always look like `{"error": {"code": "…", "message": "…"}}`; 4xx means the caller can fix it and the
  message names the field or the limit (`SCANNER_MAX_BODY_BYTES`, `SCANNER_MAX_BATCH_LISTINGS`, …).
* Every result carries `versions` (word lists, gallery, scanner) and `took_ms`.
"""


class WorkerSync:
    """Makes a word-list reload done by one worker reach the other workers.

    (Gallery edits need no help: ImageScanner notices other processes' SQLite writes.)
    The worker that reloads writes a token file in a directory shared by the workers of one
    `scanner serve`; every worker polls the tokens about once a second and, when one
    changed, reloads its own copy. Without a directory (one process) this does nothing.
    """

    WATCHED = ("wordlists",)

    def __init__(self, directory: str | None, interval: float = 1.0) -> None:
        self.dir = Path(directory) if directory else None
        self.interval = interval
        self.seen: dict[str, str | None] = {}

    def _read(self, what: str) -> str | None:
        try:
            return (self.dir / f"{what}.token").read_text()
        except (OSError, TypeError):
            return None

    def bump(self, what: str) -> None:
        if self.dir is None:
            return
        token = f"{os.getpid()}-{time.time_ns()}"
        tmp = self.dir / f".{what}.{os.getpid()}.tmp"
        tmp.write_text(token)
        os.replace(tmp, self.dir / f"{what}.token")
        self.seen[what] = token

    def baseline(self) -> None:
        """Note the current tokens. Called before this worker loads its word lists: a peer's
        reload after this point is then seen by `watch` (at worst reloading once more than
        needed), where noting the tokens after loading could miss one for good."""
        if self.dir is None:
            return
        for what in self.WATCHED:
            self.seen[what] = self._read(what)

    async def watch(self, app: FastAPI) -> None:
        if self.dir is None:
            return
        for what in self.WATCHED:
            if what not in self.seen:  # baseline() not called: the tokens as they are now
                self.seen[what] = self._read(what)
        while True:
            await asyncio.sleep(self.interval)
            for what in self.WATCHED:
                token = self._read(what)
                if token != self.seen.get(what):
                    self.seen[what] = token
                    try:
                        await run_in_threadpool(self._apply, app.state.scanner, what)
                    except Exception:
                        log.exception("worker sync: %s refresh failed", what)

    @staticmethod
    def _apply(scanner: Any, what: str) -> None:
        before, after = scanner.reload_wordlists()
        settle_heap()
        log.info("reload", extra={"fields": {"event": "reload", "source": "peer", "what": what,
                                             "before": before, "after": after, "pid": os.getpid()}})
        metrics.set_versions(scanner.versions)


def create_app(settings: Settings | None = None, scanner: Any = None, *, with_images: bool = True) -> FastAPI:
    # The service never reads local files a request names, whatever it is given (issue #13, finding 7).
    settings = (settings or load_settings()).model_copy(update={"allow_local_image_paths": False})
    if getattr(scanner, "settings", None) is not None:
        scanner.settings = scanner.settings.model_copy(update={"allow_local_image_paths": False})
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
        app.state.sync.baseline()  # before loading: see WorkerSync.baseline
        if app.state.scanner is None:
            started = time.perf_counter()
            from scanner.engine import Scanner

            app.state.scanner = Scanner.from_settings(settings, with_images=with_images)
            launched = os.environ.get("SCANNER_SERVE_STARTED_AT")
            log.info("startup", extra={"fields": {
                "event": "startup", "ms": round((time.perf_counter() - started) * 1000, 1),
                "since_launch_ms": round((time.time() - float(launched)) * 1000, 1) if launched else None,
                "versions": app.state.scanner.versions, "keys": "configured" if keys.enabled else "none (open)",
                "admin": keys.has_admin, "pid": os.getpid()}})
        metrics.set_versions(app.state.scanner.versions)
        settle_heap()
        watcher = asyncio.create_task(app.state.sync.watch(app))
        try:
            yield
        finally:
            watcher.cancel()
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
    app.state.scanner = scanner
    app.state.expect_images = with_images
    app.state.sync = WorkerSync(os.environ.get(SYNC_DIR_ENV))

    errors.install(app)
    for module in (scan, gallery, wordlists, categories, admin, health):
        app.include_router(module.router)
    static = health.STATIC_DIR
    if static.is_dir():
        from fastapi.staticfiles import StaticFiles

        app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Swagger UI from api/static (pinned, vendored: see swagger-ui.README.md): works offline and
        loads nothing from another host; no online validator."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} - API docs",
            swagger_js_url="/static/swagger-ui-bundle.js", swagger_css_url="/static/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui-favicon-32x32.png",
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
