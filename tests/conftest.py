"""Session-wide fixtures: heavy objects are built once per test session.

Plain helpers (image bytes, base64, repository paths) are in tests/support.py.
"""
from __future__ import annotations

import os

import pytest

from scanner.config import BUNDLED_WORDLISTS
from tests.support import gallery_image_bytes


@pytest.fixture(scope="session", autouse=True)
def _private_engine_cache(tmp_path_factory):
    """`scanner check` caches its text engine (scanner/text/engine_cache.py): in a directory of this session,
    never the user's own cache."""
    before = os.environ.get("SCANNER_CACHE_DIR")
    os.environ["SCANNER_CACHE_DIR"] = str(tmp_path_factory.mktemp("engine-cache") / "listing-scanner")
    yield
    if before is None:
        os.environ.pop("SCANNER_CACHE_DIR", None)
    else:
        os.environ["SCANNER_CACHE_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def _data_dir_in_tmp(tmp_path_factory):
    """Tests never write into the user's data directory: whatever falls back to the default data dir (a
    review store, a gallery, the audit log, published word lists, in this process or a subprocess) lands in
    a temporary one. A test that needs its own sets XDG_DATA_HOME itself (monkeypatch restores this one)."""
    before = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    yield
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before


@pytest.fixture(scope="session")
def text_engine():
    """The TextEngine on the bundled word lists (the slow part of building a Scanner)."""
    from scanner.text.engine import TextEngine

    return TextEngine.load(BUNDLED_WORDLISTS)


@pytest.fixture(scope="session")
def text_scanner(text_engine):
    """A text-only Scanner on the bundled word lists (no gallery)."""
    from scanner.engine import Scanner

    return Scanner(text_engine)


@pytest.fixture(scope="session")
def gallery_image() -> bytes:
    """The first image of the bundled seed gallery: a scan of it matches the seeded gallery."""
    return gallery_image_bytes(0)


# Files that take minutes of one worker (measured with --durations on 2 cores, 2026-12-06: the linear-time file
# ~8 min, the compiled normaliser's oracle ~2 min, ...). With `--dist loadfile` a file runs on one worker, and
# xdist hands files out in collection order: collected last (tests/text sorts late), the linear-time file ran
# alone for ~10 minutes at the end of the compiled pass. Collected first, the other worker takes the rest meanwhile.
LONGEST_FILES = (
    "tests/text/test_linear_time.py",
    "tests/oracles/test_normalize_compiled.py",
    "tests/batch/test_spark.py",
    "tests/text/test_prefilter.py",
    "tests/hardening/test_schema_fuzz.py",
)


def pytest_collection_modifyitems(session, config, items):
    first = {name: rank for rank, name in enumerate(LONGEST_FILES)}

    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return first.get(path, len(first))

    items.sort(key=rank)  # stable: every other file, and the tests inside each file, keep their order
