"""Process-level tuning for a long-running worker.

The scanner's dictionaries (jieba's prefix dictionary, the automata, the gallery index) are
a few hundred thousand long-lived objects. Python's cyclic GC would walk all of them on
every full collection — measured at 50–160 ms per pass on this machine, a pause that lands
on whatever request is running. `settle_heap()` collects once and then freezes everything
that exists (gc.freeze), so later collections only look at per-request garbage. Call it
after startup; run a reload through `rebuild()`, which builds with collections paused and freezes what it built.

`tune_malloc()` fixes glibc's mmap threshold and caps its arenas (see its docstring): without it a
worker's RSS kept the high-water mark of the hostile requests it had served.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
# After a reload a full collection runs at most this often: a freeze alone also freezes whatever requests had
# in flight, and that garbage is never collected (the evening soak of 2026-12-04: +45 MB a minute with a reload
# every 5 s), while each full collection holds the GIL 100-150 ms.
FULL_SETTLE_EVERY_S = 60.0
_last_full = [float("-inf")]
_builds = [0]  # rebuilds in progress (collections stay paused until the last one ends)
_enabled_before = [True]  # whether collections were on when the first of them began


def settle_heap(*, full: bool = True) -> None:
    """Freeze what exists; `full` first unfreezes and collects everything (start-up). full=False is what a reload
    does (through `rebuild`): the old engine goes by reference counting alone (an engine holds no reference
    cycles, which tests/text/test_reload_frees.py checks), so only every FULL_SETTLE_EVERY_S does it collect as
    well, instead of a 100-150 ms stall of the worker's event loop on every reload (the soak reloads every 5 s)."""
    with _lock:
        _settle(full)


def _settle(full: bool) -> None:
    now = time.monotonic()
    if full or now - _last_full[0] >= FULL_SETTLE_EVERY_S:
        gc.unfreeze()
        gc.collect()
        _last_full[0] = now
    gc.freeze()


@contextmanager
def collections_paused() -> Iterator[None]:
    """No automatic collection while a new engine is built; what was built is frozen before they resume.

    A build makes ~400k long-lived objects, enough to start two full collections on the way, each holding the
    GIL 85-190 ms (/healthz waits behind it; bench/bench_reload_stall.py). Re-enabled with those objects still in
    the young generation, the next allocation would walk them all, so they are frozen first (settle_heap's rule:
    a full collection at most every FULL_SETTLE_EVERY_S). A failed build is not frozen: its garbage is collected.
    Collections stay paused until the last of overlapping builds ends (a peer's reload beside an admin's)."""
    with _lock:
        if _builds[0] == 0:
            _enabled_before[0] = gc.isenabled()
            gc.disable()
        _builds[0] += 1
    built = False
    try:
        yield
        built = True
    finally:
        with _lock:
            _builds[0] -= 1
            if built:
                _settle(False)
            if _builds[0] == 0 and _enabled_before[0]:
                gc.enable()


def rebuild(build: Callable[[], T]) -> T:
    """`build()` (a reload) with collections paused, then its objects frozen: see collections_paused."""
    with collections_paused():
        return build()


def tune_scan_threads(gil_switch_interval_ms: float) -> None:
    """Scans run in threads; the event loop waits for the GIL up to one switch interval per runnable
    scan thread each time it needs it (docs/benchmarks.md: /healthz under heavy scans)."""
    sys.setswitchinterval(gil_switch_interval_ms / 1000)


def libc_function(name: str) -> Any:
    """A glibc function by name, or None where there is none (musl, macOS): callers then do nothing."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


_MALLOPT = libc_function("mallopt")
M_MMAP_THRESHOLD = -3  # <malloc.h>
M_ARENA_MAX = -8


def tune_malloc(mmap_threshold_bytes: int, arena_max: int) -> dict[str, bool]:
    """glibc raises its mmap threshold (up to 32 MiB) each time a mmapped block is freed, so after the first
    large body or answer every later one (6 MB bodies, 100k-character strings, 4 MiB answers) is carved out
    of a thread's heap arena instead of its own mapping, and with 16 scan threads up to 16 arenas keep the
    high-water mark of whatever was scanned in them. A fixed threshold keeps large blocks in mappings that
    are unmapped when freed; a cap on arenas stops every scan thread from keeping its own. 0 leaves glibc's
    behaviour. Measured in docs/hardening.md ("Soak, 2026-12-04"). Returns which settings took effect."""
    done = {"mmap_threshold": False, "arena_max": False}
    if _MALLOPT is None:
        return done
    if mmap_threshold_bytes > 0:
        done["mmap_threshold"] = _MALLOPT(M_MMAP_THRESHOLD, int(mmap_threshold_bytes)) == 1
    if arena_max > 0:
        done["arena_max"] = _MALLOPT(M_ARENA_MAX, int(arena_max)) == 1
    return done
