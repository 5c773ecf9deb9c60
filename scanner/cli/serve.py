"""`scanner serve [--host 127.0.0.1] [--port 8000] [--workers N]` — the HTTP service.

One worker: the app is built here from the settings (flags > env > SCANNER_CONFIG file).
Several workers: uvicorn starts N processes that each call `api.main:app_factory` and
build their own Scanner; the global flags are handed to them as SCANNER_* variables,
Prometheus runs in multiprocess mode in a fresh directory, and a shared directory lets a
reload done by one worker reach the others (see api.sync.WorkerSync).

Needs the `serve` extra (FastAPI, uvicorn, prometheus-client, python-multipart); without it the
command exits 2 naming what to install, and the library and other commands work as before.
"""
from __future__ import annotations

import errno
import importlib.util
import ipaddress
import logging
import os
import shutil
import socket
import sys
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
    p.add_argument("--no-reuse-port", dest="reuse_port", action="store_false",
                   help="with --workers N: use uvicorn's shared listening socket instead of one SO_REUSEPORT "
                   "socket per worker (the kernel balances connections across those)")
    p.add_argument("--log-level", default=os.environ.get("SCANNER_LOG_LEVEL", "info"),
                   choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=_run)


def _bind_problem(host: str, port: int) -> str | None:
    """Why the service could not listen on host:port (None if it can): checked with a throwaway
    socket, closed at once, so the real listeners bind as before."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a TIME_WAIT leftover is fine
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return (f"port {port} on {host} is already in use by another process: stop it, or choose another "
                    "port with --port (or SCANNER_PORT)")
        return f"cannot listen on {host}:{port}: {exc.strerror or exc} (check --host / SCANNER_HOST)"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# What the `serve` extra installs: importable module(s) -> distribution name. The library and the
# other commands need none of them, so `scanner serve` checks before importing api/.
SERVE_MODULES = {
    ("fastapi",): "fastapi",
    ("uvicorn",): "uvicorn",
    ("prometheus_client",): "prometheus-client",
    ("python_multipart", "multipart"): "python-multipart",  # the module's new and old names
}
SERVE_HINT = 'pip install "listing-scanner[serve]"'


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing_serve_packages() -> list[str]:
    return [dist for modules, dist in SERVE_MODULES.items() if not any(_importable(m) for m in modules)]


def _run(args) -> int:
    missing = missing_serve_packages()
    if missing:
        print(f"scanner serve: the HTTP service needs {', '.join(missing)}, which "
              f"{'is' if len(missing) == 1 else 'are'} not installed: {SERVE_HINT}", file=sys.stderr)
        return 2
    os.environ["SCANNER_SERVE_STARTED_AT"] = repr(time.time())  # startup log reports launch -> ready
    import uvicorn

    from api.auth import KeyRing
    from api.logging import configure_logging

    settings = settings_from_args(args, host=args.host, port=args.port, workers=args.workers)
    try:
        keys = KeyRing(settings.api_keys)
    except ValueError as exc:
        raise SystemExit(f"scanner serve: {exc}") from None
    if settings.metrics_auth not in ("open", "key"):
        raise SystemExit(f"scanner serve: SCANNER_METRICS_AUTH must be 'open' or 'key', got {settings.metrics_auth!r}")
    if settings.metrics_auth == "key" and not keys.enabled:
        raise SystemExit("scanner serve: SCANNER_METRICS_AUTH=key needs at least one key in SCANNER_API_KEYS")
    problem = _bind_problem(settings.host, settings.port)
    if problem:  # before seconds of engine building, and with a hint rather than a JSON log line
        print(f"scanner serve: {problem}", file=sys.stderr)
        return 2
    from scanner.text.wordlists import DEFAULT_PROFILE, WordlistError, check_profiles_named, load_wordlists

    try:  # fail closed before any worker starts: a broken directory is refused, never served (~0.1 s)
        lists = load_wordlists(settings.wordlists)
        check_profiles_named({DEFAULT_PROFILE, *lists.profiles}, keys.profiles_named())  # each key's profile exists
    except WordlistError as exc:
        raise SystemExit(f"scanner serve: word lists in {settings.wordlists} refused: {exc}") from None
    level = args.log_level.upper()
    configure_logging(level)
    log = logging.getLogger("scanner.serve")
    if not keys.enabled and not _is_loopback(settings.host):
        log.warning("no API keys configured and binding %s: anyone who can reach this port can scan "
                    "(admin routes stay closed); set SCANNER_API_KEYS", settings.host)
    if settings.metrics_auth == "open" and not _is_loopback(settings.host):
        log.warning("/metrics is open to anyone who can reach %s; set SCANNER_METRICS_AUTH=key to require an "
                    "API key (Prometheus: authorization/bearer token), or firewall it", settings.host)
    from api.edge import configure, uvicorn_options

    configure(settings)  # header deadline/size and connection cap of this process's connections
    # Bounded connections: header deadline and size, connection cap (api/edge), keep-alive
    # timeout; the body's size and time are bounded in the app (api/limits.py).
    common = dict(host=settings.host, port=settings.port, log_config=None, access_log=False,
                  server_header=False, log_level=args.log_level, timeout_graceful_shutdown=10,
                  **uvicorn_options(settings))

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
        if args.reuse_port and hasattr(socket, "SO_REUSEPORT"):
            return _supervise_reuseport(settings.workers, common, log)
        uvicorn.run("api.main:app_factory", factory=True, workers=settings.workers, **common)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    return 0


# -- several workers, each with its own SO_REUSEPORT socket ----------------------------------
# uvicorn's own --workers shares ONE listening socket; whichever worker wakes first accepts a
# burst of keep-alive connections, and measured splits were 63/37 and 81/19 -- one core busy,
# the other idle. With a socket per worker and SO_REUSEPORT the kernel spreads connections
# evenly. Each worker is still a uvicorn server running the app factory.
def _reuseport_worker(host: str, port: int, common: dict) -> None:
    import uvicorn

    os.setpgrp()  # Ctrl-C reaches the supervisor only; it asks each worker to stop once
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    config = uvicorn.Config("api.main:app_factory", factory=True,
                            **{k: v for k, v in common.items() if k not in ("host", "port")})
    uvicorn.Server(config).run(sockets=[sock])


def _supervise_reuseport(workers: int, common: dict, log) -> int:
    import multiprocessing
    import signal

    ctx = multiprocessing.get_context("spawn")

    def spawn():
        proc = ctx.Process(target=_reuseport_worker, args=(common["host"], common["port"], common))
        proc.start()
        return proc

    procs = [spawn() for _ in range(workers)]
    started = [time.monotonic()] * workers
    stopping = False
    exit_code = 0

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    log.info("supervisor", extra={"fields": {"event": "supervisor", "workers": [p.pid for p in procs],
                                             "bind": f"{common['host']}:{common['port']}", "reuse_port": True}})
    early_deaths = 0
    while not stopping:
        time.sleep(0.25)
        for i, proc in enumerate(procs):
            if stopping or proc.is_alive():
                continue
            if time.monotonic() - started[i] < 15:
                early_deaths += 1  # died while starting: configuration or data problem, not a crash
            if early_deaths >= 3:
                log.error("workers fail while starting (exit code %s); stopping", proc.exitcode)
                stopping, exit_code = True, 1
                break
            log.warning("worker %s exited with %s; restarting", proc.pid, proc.exitcode)
            procs[i], started[i] = spawn(), time.monotonic()
    for proc in procs:
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGTERM)  # uvicorn: graceful shutdown
    deadline = time.monotonic() + common.get("timeout_graceful_shutdown", 10) + 5
    for proc in procs:
        proc.join(timeout=max(0.1, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
    return exit_code
