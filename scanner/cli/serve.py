"""`scanner serve [--host 127.0.0.1] [--port 8000] [--workers N]` — the HTTP service.

One worker: the app is built here from the settings (flags > env > SCANNER_CONFIG file).
Several workers: uvicorn starts N processes that each call `api.main:app_factory` and
build their own Scanner; the global flags are handed to them as SCANNER_* variables,
Prometheus runs in multiprocess mode in a fresh directory, and a shared directory lets a
reload done by one worker reach the others (see api.main.WorkerSync).
"""
from __future__ import annotations

import ipaddress
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from scanner.cli.common import settings_from_args


def register(sub) -> None:
    p = sub.add_parser(
        "serve", help="run the HTTP service",
        description="Run the HTTP service (OpenAPI at /docs). Binds 127.0.0.1 unless told otherwise.",
    )
    p.add_argument("--host", help="bind address (env SCANNER_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (env SCANNER_PORT, default 8000)")
    p.add_argument("--workers", type=int, help="worker processes (env SCANNER_WORKERS, default 1); "
                   "each builds its own scanner; use one per core")
    p.add_argument("--log-level", default=os.environ.get("SCANNER_LOG_LEVEL", "info"),
                   choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=_run)
    # `scanner keys` lives in scanner/cli/keys.py; register it here until the dispatcher lists it.
    from scanner.cli import COMMAND_MODULES

    if "keys" not in COMMAND_MODULES:
        from scanner.cli import keys

        keys.register(sub)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _run(args) -> int:
    os.environ["SCANNER_SERVE_STARTED_AT"] = repr(time.time())  # startup log reports launch -> ready
    import uvicorn

    from api.auth import KeyRing
    from api.logging import configure_logging

    settings = settings_from_args(args, host=args.host, port=args.port, workers=args.workers)
    try:
        keys = KeyRing(settings.api_keys)
    except ValueError as exc:
        raise SystemExit(f"scanner serve: {exc}") from None
    level = args.log_level.upper()
    configure_logging(level)
    log = logging.getLogger("scanner.serve")
    if not keys.enabled and not _is_loopback(settings.host):
        log.warning("no API keys configured and binding %s: anyone who can reach this port can scan "
                    "(admin routes stay closed); set SCANNER_API_KEYS", settings.host)
    common = dict(host=settings.host, port=settings.port, log_config=None, access_log=False,
                  server_header=False, log_level=args.log_level, timeout_graceful_shutdown=10)

    if settings.workers == 1:
        from api.main import create_app

        uvicorn.run(create_app(settings), **common)
        return 0

    # Workers read settings from the environment: hand the global flags down as variables.
    for flag, env in (("wordlists", "SCANNER_WORDLISTS"), ("gallery", "SCANNER_GALLERY"), ("config", "SCANNER_CONFIG")):
        value = getattr(args, flag, None)
        if value:
            os.environ[env] = str(Path(value).resolve())
    runtime = Path(tempfile.mkdtemp(prefix="scanner-serve-"))
    try:
        (runtime / "metrics").mkdir()
        (runtime / "sync").mkdir()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(runtime / "metrics")
        os.environ["SCANNER_SYNC_DIR"] = str(runtime / "sync")
        os.environ["SCANNER_LOG_LEVEL"] = level
        uvicorn.run("api.main:app_factory", factory=True, workers=settings.workers, **common)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    return 0
