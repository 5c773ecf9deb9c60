"""scanner._compiled: when a compiled twin or a compiled glue module is used, and when its
Python definition or source runs instead."""
from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import scanner
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
    ("text._normalise_c", "scanner.text.normalize", "normalise"),
    ("text._hints_c", "scanner.text.detectors", "could_detect"),
    ("text._segment_c", "scanner.text.segment", None),  # used inside Segmenter, not bound to a name
    ("text._prefilter_c", "scanner.text.prefilter", None),  # used inside Prefilter
    ("text._clause_model_c", "scanner.text.clause_model", None),  # used inside ClauseModel
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


# -- the glue compiled from its own .py files (setup.py COMPILED_FROM_SOURCE) -------------------

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def test_setup_py_compiles_exactly_the_modules_the_loader_knows():
    tree = ast.parse((ROOT / "setup.py").read_text())
    listed = next(
        ast.literal_eval(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMPILED_FROM_SOURCE" for t in node.targets)
    )
    assert tuple(listed) == _compiled.COMPILED_FROM_SOURCE


def _source(directory: Path, name: str) -> Path:
    return directory / _compiled.source_path(name)


def _fake_build(directory: Path, *, built=("text.matcher",), recorded=None, edited=()):
    """A package directory with every glue .py, a fake extension file for `built` and a
    manifest recording each source's hash (or `recorded`), then `edited` sources changed."""
    for name in _compiled.COMPILED_FROM_SOURCE:
        _source(directory, name).parent.mkdir(parents=True, exist_ok=True)
        _source(directory, name).write_text(f"# {name}\n")
    for name in built:
        _source(directory, name).with_suffix(SUFFIX).write_bytes(b"\x7fELF")
    hashes = {n: hashlib.sha256(_source(directory, n).read_bytes()).hexdigest() for n in _compiled.COMPILED_FROM_SOURCE}
    if recorded is not None:
        (directory / _compiled.SOURCES_MANIFEST).write_text(recorded if isinstance(recorded, str) else json.dumps(recorded(hashes)))
    for name in edited:
        _source(directory, name).write_text(f"# {name}, edited after the build\n")


_STALE = "source: scanner/text/matcher.py changed since it was compiled"


@pytest.mark.parametrize("case, build, expected", [
    ("built from the source on disk", dict(recorded=lambda h: h), "compiled"),
    ("source edited after the build", dict(recorded=lambda h: h, edited=("text.matcher",)), _STALE),
    ("another module edited", dict(recorded=lambda h: h, edited=("listing",)), "compiled"),
    ("no record of the build", dict(recorded=None), _STALE),
    ("record unreadable", dict(recorded="{not json"), _STALE),
    ("record not an object", dict(recorded="[1, 2]"), _STALE),
    ("record lacks the module", dict(recorded=lambda h: {k: v for k, v in h.items() if k != "text.matcher"}), _STALE),
    ("not built at all", dict(built=(), recorded=lambda h: h), "source"),
])
def test_glue_decision_per_module(tmp_path, monkeypatch, case, build, expected):
    monkeypatch.delenv("SCANNER_PURE_PYTHON", raising=False)
    _fake_build(tmp_path, **build)
    decisions = _compiled.glue_decisions(tmp_path)
    assert decisions["text.matcher"] == expected, case
    assert decisions["text.policy"] == "source"  # never built in these fakes


def test_a_build_shipped_without_its_source_is_used(tmp_path, monkeypatch):
    _fake_build(tmp_path, recorded=None)
    _source(tmp_path, "text.matcher").unlink()
    for forced in ("", "1"):  # even with SCANNER_PURE_PYTHON: there is no Python to run instead
        monkeypatch.setenv("SCANNER_PURE_PYTHON", forced)
        assert _compiled.glue_decisions(tmp_path)["text.matcher"] == "compiled"


def test_scanner_pure_python_sends_a_current_build_to_the_source_too(tmp_path, monkeypatch):
    _fake_build(tmp_path, recorded=lambda h: h)
    monkeypatch.setenv("SCANNER_PURE_PYTHON", "1")
    assert _compiled.glue_decisions(tmp_path)["text.matcher"] == "source: SCANNER_PURE_PYTHON is set"


def _built_copy(tmp_path: Path) -> Path:
    """The real scanner package as built here, copied so its sources can be edited."""
    if not all(how == "compiled" for how in _compiled.glue_decisions().values()) or _compiled.pure_python_forced():
        pytest.skip(f"the glue is not compiled in this checkout ({_compiled.glue_decisions()})")
    shutil.copytree(ROOT / "scanner", tmp_path / "scanner", ignore=shutil.ignore_patterns("__pycache__", "*.c"))
    return tmp_path


# every glue module imported (scanner.engine does not import the review queue's)
_REPORT = ("import importlib, json, scanner; "
           "print(json.dumps({n: importlib.import_module('scanner.' + n).__file__ for n in scanner.COMPILED_GLUE}))")


def _import_from(copy: Path, **env) -> tuple[dict, str]:
    run = subprocess.run([sys.executable, "-c", _REPORT], cwd=copy, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(copy), **env})
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout), run.stderr


def test_an_edited_source_is_imported_instead_of_its_stale_build(tmp_path):
    copy = _built_copy(tmp_path)
    files, warning = _import_from(copy, SCANNER_PURE_PYTHON="")
    assert all(Path(f).is_relative_to(copy / "scanner") and f.endswith(SUFFIX) for f in files.values()), files
    assert "built from other source" not in warning

    with (copy / "scanner" / "text" / "matcher.py").open("a") as f:
        f.write("\n# edited after the build\n")
    files, warning = _import_from(copy, SCANNER_PURE_PYTHON="")
    assert files["text.matcher"] == str(copy / "scanner" / "text" / "matcher.py")
    assert all(f.endswith(SUFFIX) for n, f in files.items() if n != "text.matcher"), files
    assert "compiled scanner modules text.matcher were built from other source" in warning


def test_scanner_pure_python_imports_every_glue_source(tmp_path):
    files, _ = _import_from(_built_copy(tmp_path), SCANNER_PURE_PYTHON="1")
    assert all(f.endswith(".py") for f in files.values()), files


def test_the_glue_is_compiled_in_ci():
    if not os.environ.get("CI"):
        pytest.skip("the build is only required where CI is set")
    if _compiled.pure_python_forced():
        pytest.skip("SCANNER_PURE_PYTHON is set for this run")
    assert scanner.COMPILED_GLUE == {name: "compiled" for name in _compiled.COMPILED_FROM_SOURCE}
    for name in _compiled.COMPILED_FROM_SOURCE:
        assert importlib.import_module(f"scanner.{name}").__file__.endswith(SUFFIX)
