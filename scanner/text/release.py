"""Freeing an old matcher's automaton a little at a time.

pyahocorasick frees an automaton in one C call that holds the GIL (~30 ms for the bundled lists' 72k keys and
350k nodes on a quiet core; more on a busy one), and a whole engine in ~55 ms. In the service that call lands on
whichever thread drops the last reference to the engine a reload replaced, and the worker's event loop (/healthz
included) waits behind it (bench/bench_reload_stall.py). So a matcher hands its automaton here when it is gone
(`weakref.finalize`: nothing can reach the automaton any more, so emptying it can change no scan), and one daemon
thread removes its keys a batch at a time (`remove_word` frees each key's nodes and value; the GIL is free between
batches); the empty automaton then goes in microseconds.
"""
from __future__ import annotations

import itertools
import queue
import threading
import time
import weakref
from typing import Any

BATCH = 2_000  # keys per GIL hold: ~2 ms of remove_word
_retired: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
_lock = threading.Lock()
_thread: list[threading.Thread | None] = [None]


def release_when_gone(owner: object, automaton: Any) -> None:
    """Empty `automaton` gradually, off the caller's thread, once `owner` (its only user) is freed."""
    finalizer = weakref.finalize(owner, _retire, automaton)
    finalizer.atexit = False  # at exit the process frees everything anyway; no thread to start then


def _retire(automaton: Any) -> None:
    _retired.put(automaton)
    with _lock:
        if _thread[0] is None or not _thread[0].is_alive():
            _thread[0] = threading.Thread(target=_drain, name="automaton-release", daemon=True)
            _thread[0].start()


def _drain() -> None:
    while True:
        automaton = _retired.get()
        empty(automaton)
        del automaton


def empty(automaton: Any, batch: int = BATCH) -> None:
    """Remove every key of `automaton`, `batch` at a time, yielding the GIL between batches."""
    while True:
        keys = list(itertools.islice(automaton.keys(), batch))  # a fresh walk each time: removal ends iterators
        if not keys:
            return
        for key in keys:
            automaton.remove_word(key)
        time.sleep(0)
