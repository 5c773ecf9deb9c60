"""Process-level tuning for a long-running worker.

The scanner's dictionaries (jieba's prefix dictionary, the automata, the gallery index) are
a few hundred thousand long-lived objects. Python's cyclic GC would walk all of them on
every full collection — measured at 50–160 ms per pass on this machine, a pause that lands
on whatever request is running. `settle_heap()` collects once and then freezes everything
that exists (gc.freeze), so later collections only look at per-request garbage. Call it
after startup and after a reload (unfreezing first so the old engine can be collected).
"""
from __future__ import annotations

import gc
import sys
import threading

_lock = threading.Lock()


def settle_heap() -> None:
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def tune_scan_threads(gil_switch_interval_ms: float) -> None:
    """Scans run in threads; the event loop waits for the GIL up to one switch interval per runnable
    scan thread each time it needs it (docs/benchmarks.md: /healthz under heavy scans)."""
    sys.setswitchinterval(gil_switch_interval_ms / 1000)
