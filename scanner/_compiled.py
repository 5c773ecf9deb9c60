"""Loading the optional compiled modules one way everywhere.

Two kinds:
- twins (scanner/text/_*_c.pyx): each has a Python definition beside it that stays the
  reference and the fallback. A twin is used only if it is built, was built from the
  current .pyx (its INTERFACE matches) and SCANNER_PURE_PYTHON is not set (`load`);
- the per-listing glue (COMPILED_FROM_SOURCE): Cython compiles these .py files unchanged
  (setup.py), so Python finds a built scanner/text/matcher*.so before matcher.py. The build is
  used only if it was compiled from the .py now on disk (setup.py records each source's
  SHA-256) and SCANNER_PURE_PYTHON is not set; otherwise `use_source_where_needed` makes
  the import read the .py, so an edit to the source never runs as the stale build.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).resolve().parent
# Module names under scanner/. Keep in step with setup.py (a test checks). Only modules that run
# per listing: the rest gains nothing from a build.
COMPILED_FROM_SOURCE = (
    "listing", "engine", "text.matcher", "text.verify.boundaries", "text.verify.rules", "text.verify.proximity",
    "text.verify.listing_rules", "text.verify.explain", "text.policy", "text.speech",
    "text.prefilter",  # the review phrases' plan, on every review and Q&A entry (#20)
    "review.masking", "review.queue", "review.batch",  # per listing when results are queued (#19)
)
SOURCES_MANIFEST = "_compiled_sources.json"


def pure_python_forced() -> bool:
    return os.environ.get("SCANNER_PURE_PYTHON", "").strip() not in ("", "0")


def load(name: str, interface: int, fallback: str) -> ModuleType | None:
    """scanner.<name> (e.g. "text._hints_c") if it can be used, else None (`fallback` names what runs instead)."""
    if pure_python_forced():
        return None
    try:
        module = importlib.import_module(f"scanner.{name}")
    except ImportError:  # not built: no compiler, or Cython missing without build isolation
        return None
    if getattr(module, "INTERFACE", None) != interface:
        warnings.warn(f"scanner.{name} is out of date (rebuild it with `pip install -e .`); using {fallback}",
                      RuntimeWarning, stacklevel=3)
        return None
    return module


def source_path(name: str) -> str:
    """"text.matcher" -> "text/matcher.py": where a glue module's source is, under scanner/."""
    return name.replace(".", "/") + ".py"


def _built(name: str, directory: Path) -> bool:
    stem = directory / name.replace(".", "/")
    return any(stem.with_name(stem.name + suffix).exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def glue_decisions(directory: Path = PACKAGE_DIR) -> dict[str, str]:
    """For each module in COMPILED_FROM_SOURCE: "compiled", "source" (not built) or
    "source: <why the build is not used>"."""
    try:
        recorded = json.loads((directory / SOURCES_MANIFEST).read_text())
    except (OSError, ValueError):
        recorded = {}
    if not isinstance(recorded, dict):
        recorded = {}
    out = {}
    for name in COMPILED_FROM_SOURCE:
        source = directory / source_path(name)
        if not _built(name, directory):
            out[name] = "source"
        elif not source.exists():
            out[name] = "compiled"  # an install that ships only the build: there is nothing else to run
        elif pure_python_forced():
            out[name] = "source: SCANNER_PURE_PYTHON is set"
        elif recorded.get(name) != hashlib.sha256(source.read_bytes()).hexdigest():
            out[name] = f"source: scanner/{source_path(name)} changed since it was compiled"
        else:
            out[name] = "compiled"
    return out


class _ImportFromSource(importlib.abc.MetaPathFinder):
    """Finds the listed scanner modules as their .py files, ahead of a built extension."""

    def __init__(self, names: set[str], directory: Path) -> None:
        self.names = names
        self.directory = directory

    def find_spec(self, fullname, path=None, target=None):
        root, _, name = fullname.partition(".")
        if root != "scanner" or name not in self.names:
            return None
        return importlib.util.spec_from_file_location(fullname, self.directory / source_path(name))


def use_source_where_needed() -> dict[str, str]:
    """Called by scanner/__init__.py, before any glue module is imported. Returns the decisions."""
    decisions = glue_decisions()
    stale = [name for name, why in decisions.items() if "changed since" in why]
    if stale:
        warnings.warn(
            f"compiled scanner modules {', '.join(stale)} were built from other source; importing the .py "
            "instead (rebuild with `pip install -e .`)", RuntimeWarning, stacklevel=2,
        )
    use_source = {name for name, why in decisions.items() if why.startswith("source:")}
    if use_source and not any(isinstance(f, _ImportFromSource) for f in sys.meta_path):
        sys.meta_path.insert(0, _ImportFromSource(use_source, PACKAGE_DIR))
    return decisions
