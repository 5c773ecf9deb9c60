"""Fixtures for the hardening tests: what the internet sends, what the operating system does.

Everything runs against temporary copies (word lists, gallery, audit log): nothing under the
repository or the user's data directory is modified. Network: loopback only.
"""
from __future__ import annotations

import io
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from api.auth import hash_key
from scanner.config import BUNDLED_WORDLISTS, Settings

SCAN_KEY = "sk_hardening_scan_0123456789abcdef"
ADMIN_KEY = "sk_hardening_admin_fedcba9876543210"
KEYS = [
    {"name": "hardening-scan", "role": "scan", "hash": hash_key(SCAN_KEY)},
    {"name": "hardening-admin", "role": "admin", "hash": hash_key(ADMIN_KEY)},
]


def png(size=(64, 48), mode="RGB") -> bytes:
    """A small image with some structure (flat images are refused as low-information)."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, (240, 240, 240))
    d = ImageDraw.Draw(im)
    d.rectangle((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=(200, 30, 30))
    d.ellipse((2, 2, size[0] // 3, size[1] // 3), fill=(20, 20, 160))
    buf = io.BytesIO()
    im.convert(mode).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def wordlists_copy(tmp_path) -> Path:
    target = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, target)
    return target


@pytest.fixture
def make_client(tmp_path, text_engine):
    """make_client(**settings) -> an entered TestClient on a fresh app with its own gallery and keys."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from scanner.engine import Scanner
    from scanner.images import ImageScanner

    clients = []

    def make(scanner=None, **overrides):
        values = dict(wordlists=BUNDLED_WORDLISTS, gallery=tmp_path / f"gallery{len(clients)}.sqlite3",
                      audit_log=tmp_path / "audit.jsonl", log_requests=False, api_keys=KEYS,
                      database_url=f"sqlite:///{tmp_path}/review.sqlite3")
        values.update(overrides)
        settings = Settings(**values)
        if scanner is None:
            scanner = Scanner(text_engine, ImageScanner.from_settings(settings), settings)
        client = TestClient(create_app(settings, scanner=scanner), raise_server_exceptions=False,
                            headers={"X-API-Key": SCAN_KEY})
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


class RssSampler:
    """Peak VmRSS of this process while a block runs (sampled every few ms), in MB above the start."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.peak = self.start = 0.0
        self._stop = threading.Event()

    @staticmethod
    def rss_mb() -> float:
        with open(f"/proc/{os.getpid()}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss_mb())
            time.sleep(self.interval)

    def __enter__(self):
        self.start = self.peak = self.rss_mb()
        self.t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss_mb())
        self.seconds = time.perf_counter() - self.t0

    @property
    def delta_mb(self) -> float:
        return self.peak - self.start


@pytest.fixture
def rss():
    return RssSampler

