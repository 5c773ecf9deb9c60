"""Loading the optional compiled twins (scanner/_*_c.pyx) one way everywhere.

Each compiled module has a Python definition beside it that stays the reference and the
fallback. A module is used only if it is built, was built from the current .pyx (its
INTERFACE matches) and SCANNER_PURE_PYTHON is not set.
"""
from __future__ import annotations

import importlib
import os
import warnings
from types import ModuleType


def pure_python_forced() -> bool:
    return os.environ.get("SCANNER_PURE_PYTHON", "").strip() not in ("", "0")


def load(name: str, interface: int, fallback: str) -> ModuleType | None:
    """scanner.<name> if it can be used, else None (`fallback` names what runs instead)."""
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
