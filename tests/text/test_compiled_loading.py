"""scanner._compiled.load: when a compiled twin is used, and when its Python definition runs."""
from __future__ import annotations

import sys
import types

import pytest

from scanner import _compiled


@pytest.fixture
def fake_module(monkeypatch):
    module = types.ModuleType("scanner._fake_c")
    module.INTERFACE = 3
    monkeypatch.setitem(sys.modules, "scanner._fake_c", module)
    monkeypatch.delenv("SCANNER_PURE_PYTHON", raising=False)
    return module


def test_a_current_build_is_used(fake_module):
    assert _compiled.load("_fake_c", 3, "Python") is fake_module


def test_a_stale_build_is_refused_with_a_warning_naming_the_fix(fake_module):
    with pytest.warns(RuntimeWarning, match=r"scanner\._fake_c is out of date.*pip install -e \..*using the fallback"):
        assert _compiled.load("_fake_c", 4, "the fallback") is None


@pytest.mark.parametrize("value, forced", [("1", True), ("yes", True), ("0", False), ("", False), (" ", False)])
def test_scanner_pure_python_switches_every_twin_off(fake_module, monkeypatch, value, forced):
    monkeypatch.setenv("SCANNER_PURE_PYTHON", value)
    assert (_compiled.load("_fake_c", 3, "Python") is None) is forced


def test_an_unbuilt_module_means_python(monkeypatch):
    monkeypatch.delenv("SCANNER_PURE_PYTHON", raising=False)
    assert _compiled.load("_never_built_c", 1, "Python") is None
