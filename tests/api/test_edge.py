"""The service's own edge (api/edge) is on by default and can be switched off behind a proxy."""
from __future__ import annotations

import sys

import pytest

from api.edge import uvicorn_options
from api.runtime import tune_scan_threads
from scanner.config import Settings


@pytest.mark.parametrize("edge_protection, protocol", [
    (True, "api.edge.protocol:BoundedHttpToolsProtocol"),
    (False, None),  # behind a reverse proxy: uvicorn's own protocol
])
def test_uvicorn_options_follow_edge_protection(edge_protection, protocol):
    options = uvicorn_options(Settings(edge_protection=edge_protection))
    assert options.get("http") == protocol
    assert options["timeout_keep_alive"] >= 1 and options["limit_concurrency"] > 1000  # bounds kept either way


def test_the_edge_protocol_named_for_uvicorn_imports():
    import importlib

    module, _, name = uvicorn_options(Settings())["http"].partition(":")
    assert getattr(importlib.import_module(module), name).__name__ == name


def test_scan_threads_switch_interval():
    before = sys.getswitchinterval()
    try:
        tune_scan_threads(2.0)
        assert sys.getswitchinterval() == pytest.approx(0.002)
    finally:
        sys.setswitchinterval(before)
