"""scanner._compiled.load: when a compiled twin is used, and when its Python definition runs."""
from __future__ import annotations

import importlib
import os
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


@pytest.mark.parametrize("twin, definition, public", [
    ("_normalise_c", "scanner.normalize", "normalise"),
    ("_hints_c", "scanner.detectors", "could_detect"),
    ("_segment_c", "scanner.segment", None),  # used inside Segmenter, not bound to a name
])
def test_every_twin_is_built_and_used_in_ci(twin, definition, public):
    """CI has a C compiler, so a twin missing there is a broken build, not a fallback to hide."""
    if not os.environ.get("CI"):
        pytest.skip("the build is only required where CI is set")
    try:
        compiled = importlib.import_module(f"scanner.{twin}")
    except ImportError as exc:
        pytest.fail(f"scanner.{twin} is not built ({exc}): CI has a C compiler, so the build is broken")
    if not _compiled.pure_python_forced():
        module = importlib.import_module(definition)
        assert module.COMPILED
        if public is not None:
            assert getattr(module, public) is getattr(compiled, public)
