"""End-to-end fixtures: a real `scanner serve` on a free loopback port and a real headless Chromium.

Chromium is Debian's package (/usr/bin/chromium, or $SCANNER_E2E_CHROMIUM) driven through Playwright's
Python API; Playwright's own browser download is never used. Either missing → the tests skip with the reason.
Screenshots go to test-artifacts/ (git-ignored).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from e2e_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, GALLERY, MAX_IMAGE_BYTES, OCR_FONT, ROOT, SCAN_KEY


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SCANNER_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update({"SCANNER_GALLERY": str(tmp / "gallery.sqlite3"), "SCANNER_AUDIT_LOG": str(tmp / "audit.jsonl"),
                "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
    env.update(extra)
    return env


def _seed_gallery(tmp: Path) -> None:
    for name, brand, label in GALLERY:
        subprocess.run([sys.executable, "-m", "scanner", "gallery", "add", str(ROOT / "fixtures" / "gallery" / name),
                        "--brand", brand, "--label", label],
                       cwd=ROOT, env=_env(tmp), check=True, capture_output=True, timeout=60)


class Server:
    """A ready `scanner serve` on a loopback port it verifiably owns (see tests/api/serve_support.py:
    a port picked free can be taken before the server binds it; the start is retried, and another
    server answering on the port is not mistaken for ours)."""

    def __init__(self, tmp: Path, **env: str) -> None:
        from tests.api.serve_support import start_serve

        self.proc, self.base, self.port, self.log_path = start_serve(
            ["--host", "127.0.0.1"], _env(tmp, **env), tmp, cwd=ROOT)

    def stop(self) -> None:
        from tests.api.serve_support import stop_serve

        stop_serve(self.proc)


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium through Playwright, or a skip that says what is missing."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"e2e: no Chromium at {CHROMIUM} (apt-get install chromium, or set SCANNER_E2E_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("e2e: the playwright Python package is not installed (pip install -e '.[e2e]'; "
                    "no `playwright install` needed, the system Chromium is used)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def gallery_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    _seed_gallery(tmp)
    return tmp


@pytest.fixture(scope="module")
def server(gallery_dir):
    """`scanner serve` without API keys, on the temporary gallery, with a small image limit."""
    srv = Server(gallery_dir, SCANNER_MAX_IMAGE_BYTES=str(MAX_IMAGE_BYTES))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def ocr_server(gallery_dir):
    """`scanner serve` with OCR on by default (SCANNER_OCR), when the `ocr` extra and a CJK font are here."""
    from scanner.images import ocr

    if not ocr.available():
        pytest.skip("e2e OCR: the `ocr` extra is not installed")
    if not os.path.exists(OCR_FONT):
        pytest.skip("e2e OCR: fonts-wqy-microhei is not installed (the test draws Chinese text)")
    # the page may send a second scan while the first read loads the models: on a busy CI machine that load can
    # outlast the default 10 s scan budget, and the queued read would come back ocr_busy instead of drawn boxes
    srv = Server(gallery_dir, SCANNER_OCR="1", SCANNER_SCAN_BUDGET_S="120")
    yield srv
    srv.stop()


REVIEW_KEYS = {"scan": "sk_e2e_scan_" + "s" * 20, "reviewer": "sk_e2e_reviewer_" + "r" * 16,
               "admin": "sk_e2e_admin_" + "a" * 20}


@pytest.fixture(scope="module")
def review_server(tmp_path_factory):
    """`scanner serve` with a scan, a reviewer and an admin key, its review queue in a SQLite file of its own,
    and its own copy of the word lists (a published change set rewrites them)."""
    import shutil

    from api.auth import hash_key
    from scanner.config import BUNDLED_WORDLISTS

    tmp = tmp_path_factory.mktemp("e2e-review")
    shutil.copytree(BUNDLED_WORDLISTS, tmp / "wordlists")
    keys = [{"name": f"e2e-{role}", "role": role, "hash": hash_key(key)} for role, key in REVIEW_KEYS.items()]
    srv = Server(tmp, SCANNER_API_KEYS=json.dumps(keys), SCANNER_WORDLISTS=str(tmp / "wordlists"),
                 SCANNER_DATABASE_URL=f"sqlite:///{tmp / 'review.sqlite3'}")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def postgres_replicas(tmp_path_factory):
    """Two `scanner serve` replicas, each with its own data directory and word-list copy, sharing one review
    store on a throwaway PostgreSQL cluster (tests/review/pgcluster.py), as replicas behind a load balancer."""
    import shutil

    from api.auth import hash_key
    from scanner.config import BUNDLED_WORDLISTS
    from tests.review.pgcluster import Unavailable, throwaway_postgres

    keys = json.dumps([{"name": f"e2e-{role}", "role": role, "hash": hash_key(key)} for role, key in REVIEW_KEYS.items()])
    try:
        cluster = throwaway_postgres()
        url = cluster.__enter__()
    except Unavailable as exc:
        pytest.skip(f"e2e replicas: {exc}")
    servers = []
    try:
        for host in ("a", "b"):
            tmp = tmp_path_factory.mktemp(f"e2e-replica-{host}")
            shutil.copytree(BUNDLED_WORDLISTS, tmp / "wordlists")
            servers.append(Server(tmp, SCANNER_API_KEYS=keys, SCANNER_WORDLISTS=str(tmp / "wordlists"),
                                  SCANNER_DATABASE_URL=url, XDG_DATA_HOME=str(tmp / "data")))
        yield servers
    finally:
        for srv in servers:
            srv.stop()
        cluster.__exit__(None, None, None)


@pytest.fixture(scope="module")
def keyed_server(gallery_dir):
    """`scanner serve` with one scan key configured (stored hashed, as operators do)."""
    from api.auth import hash_key

    keys = [{"name": "editor-e2e", "role": "scan", "hash": hash_key(SCAN_KEY)}]
    srv = Server(gallery_dir, SCANNER_API_KEYS=json.dumps(keys))
    yield srv
    srv.stop()


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # "Failed to load resource" is Chromium noting an expected 4xx (e.g. 404 thumbnail_unavailable, 401).
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    pg.on("request", lambda req: problems.append(f"non-loopback request: {req.url}")
          if not req.url.startswith(("http://127.0.0.1:", "blob:", "data:")) else None)
    pg.problems = problems
    yield pg
    context.close()


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot into test-artifacts/editor-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(pg, name: str) -> Path:
        path = ARTIFACTS / f"editor-{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take

