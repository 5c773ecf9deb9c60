"""Fixtures for the HTTP service tests.

The word lists are built once per session (the slow part); every test gets its own
gallery database, audit log and app, so gallery edits and key settings never leak.
"""
from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from api.auth import hash_key
from api.main import create_app
from scanner.config import BUNDLED_WORDLISTS, Settings

SCAN_KEY = "sk_test_scan_0123456789"
ADMIN_KEY = "sk_test_admin_9876543210"
KEYS = [
    {"name": "shop-frontend", "role": "scan", "hash": hash_key(SCAN_KEY)},
    {"name": "ops-alice", "role": "admin", "hash": hash_key(ADMIN_KEY)},
]


@pytest.fixture
def make_settings(tmp_path):
    def make(**overrides) -> Settings:
        values = dict(
            wordlists=BUNDLED_WORDLISTS,
            gallery=tmp_path / "gallery.sqlite3",
            audit_log=tmp_path / "audit.jsonl",
            database_url=f"sqlite:///{tmp_path}/review.sqlite3",
            log_requests=True,
        )
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def make_client(make_settings, text_engine):
    """make_client(keys=True, **settings) -> an entered TestClient on a fresh app."""
    clients = []

    def make(keys: bool = False, scanner=None, **overrides) -> TestClient:
        from scanner.engine import Scanner
        from scanner.images import ImageScanner

        if keys:
            overrides.setdefault("api_keys", KEYS)
        settings = make_settings(**overrides)
        if scanner is None:
            scanner = Scanner(text_engine, ImageScanner.from_settings(settings), settings)
        client = TestClient(create_app(settings, scanner=scanner), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def keyed(make_client) -> TestClient:
    return make_client(keys=True)


@pytest.fixture
def request_log():
    """Captured JSON request lines (the logger does not propagate to root)."""
    lines: list[dict] = []

    class Grab(logging.Handler):
        def emit(self, record):
            from api.logging import JsonFormatter

            lines.append(json.loads(JsonFormatter().format(record)))

    logger = logging.getLogger("scanner.request")
    handler = Grab()
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old)


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body["error"]) >= {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body
