"""Fixtures for the batch tests: generated catalogues, whether the real engine builds."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_helpers import real_engine_available  # noqa: E402  (also puts bench/ on sys.path)
from catalogue import CatalogueGenerator  # noqa: E402  (bench/catalogue.py)


@pytest.fixture(scope="session")
def real_engine_reason():
    return real_engine_available()


@pytest.fixture
def make_catalogue(tmp_path):
    def make(rows: int, *, seed: int = 3, bad_rate: float = 0.0, name: str = "catalogue.jsonl") -> Path:
        path = tmp_path / name
        gen = CatalogueGenerator(seed=seed, bad_rate=bad_rate)
        with open(path, "w", encoding="utf-8") as fh:
            for line in gen.lines(rows):
                fh.write(line + "\n")
        return path
    return make
