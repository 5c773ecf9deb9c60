"""The worker pool: processes that build the engine once, then turn chunks of work items into
encoded JSONL bytes plus small counters.

Each worker builds its engine from an `EngineSpec` (plain JSON configuration -- never a pickled
engine) in `_init_worker` and keeps it for its life. The per-row limit has two lines of defence:
SIGALRM inside the worker (`scanner.batch.rows.scan_item_with_alarm`) stops a row stuck in Python
code and the worker goes on with a warm engine; a row stuck where signals are not seen (C code
holding the GIL) is caught by the parent, which watches each worker's `WatchSlot` and kills the
process. A worker that dies is replaced; `isolate` then retries its chunk row by row so only the
row that kills it becomes a ``worker_crashed`` error row.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from scanner import jsonio
from scanner.batch.rows import (TIMED_OUT, error_row, hung_message, install_row_alarm, internal_error_row,
                                scan_item, scan_item_with_alarm)
from scanner.batch.spec import BatchError, EngineBuildError, EngineSpec, build_engine
from scanner.batch.summary import accumulate, merge_stats, new_stats

log = logging.getLogger(__name__)


def hard_row_timeout(row_timeout: float) -> float:
    """When the parent kills a worker whose row ignored the in-worker alarm."""
    return row_timeout + max(1.0, row_timeout / 2)


# -- shared memory: which row each worker is scanning, since when ----------------------
class WatchSlot(ctypes.Structure):
    """One worker process's entry, written by the worker around each row, read by the parent."""

    _fields_ = [("pid", ctypes.c_long), ("line", ctypes.c_long),
                ("started", ctypes.c_double)]  # time.monotonic() when the row began; 0 = idle


class WatchTable:
    """One `WatchSlot` per worker process, in memory the parent and its workers share."""

    def __init__(self, ctx, workers: int) -> None:
        self.slots = ctx.RawArray(WatchSlot, workers)
        self.claimed = ctx.Value("i", 0)

    def claim(self, pid: int) -> WatchSlot | None:
        """The next free slot, for a new worker process (a pool never has more processes than
        slots; be safe anyway: without a slot a row runs under the alarm alone)."""
        with self.claimed.get_lock():
            index = self.claimed.value
            self.claimed.value += 1
        if index >= len(self.slots):
            return None
        slot = self.slots[index]
        slot.pid = pid
        return slot


# -- inside a worker process ---------------------------------------------------------------
@dataclass
class _Worker:
    """This process's worker state, set once by `_init_worker` (the pool's initializer)."""

    engine: Any = None
    engine_error: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    row_timeout: float = 0.0  # seconds per row; 0 = no limit
    slot: WatchSlot | None = None
    review: Any = None  # the review queue's policy when the run queues its results (scanner/review/batch.py)
    prepare_row: Any = None  # scanner.review.batch.prepare_row, imported once with the policy (not once a row)

    def scan_chunk(self, items: list[tuple[int, int, Any]]) -> tuple[bytes, dict[str, Counter], dict[str, str], list | None]:
        """(the chunk's output lines, counters, engine versions, what each row does to the review queue or
        None when the run does not queue)."""
        if self.engine is None:
            raise EngineBuildError(f"could not build the scan engine in a worker: {self.engine_error}")
        stats = new_stats()
        parts = []
        # With --review-queue: the chunk's rows are kept, and their queue records made after the last row is
        # scanned (one pass each: a record made between two scans evicts the engine's data from the cache,
        # and then costs ~1.5x what the same work costs in one run; bench/bench_review.py --parts-only).
        scanned: list | None = [] if self.review is not None else None
        ocr_stats = getattr(self.engine, "ocr_stats", None)  # OCR runs vs cache hits: not in the rows
        ocr_before = ocr_stats() if ocr_stats else None
        for line, kind, payload in items:
            try:
                row, listing = (self.scan_with_timeout(line, kind, payload) if self.row_timeout
                                else scan_item(self.engine, line, kind, payload))
                data = jsonio.dumps(row)
            except Exception as exc:  # noqa: BLE001 - one row's bug must not lose its chunk (or the run)
                row, listing = internal_error_row(line, exc), None
                data = jsonio.dumps(row)
            accumulate(stats, row)
            parts.append(data)
            if scanned is not None:
                scanned.append((kind, payload, row, data, listing))
        if ocr_before is not None:
            stats["ocr"] = Counter({k: v - ocr_before.get(k, 0) for k, v in ocr_stats().items()})
        parts.append(b"")
        records = None
        if scanned is not None:
            started = time.thread_time_ns()  # this thread's CPU only: what the queue costs the run (summary)
            records = [self.review_record(*s) for s in scanned]
            stats["review_queue"] = Counter({"prepare_cpu_ns": time.thread_time_ns() - started})
        return b"\n".join(parts), stats, self.versions, records

    def review_record(self, kind: int, payload: Any, row: dict[str, Any], data: bytes, listing: Any = None) -> Any:
        try:
            return self.prepare_row(self.review, kind, payload, row, data, listing)
        except Exception as exc:  # noqa: BLE001 - the queue's trouble must not cost the row its output
            log.error("review queue: line %s could not be prepared (%s)", row.get("line"), type(exc).__name__)
            return None

    def scan_with_timeout(self, line: int, kind: int, payload: Any) -> tuple[dict[str, Any], Any]:
        """scan_item under the per-row limit, the row announced in this worker's slot so the
        parent can kill the process if the alarm is never seen (see Pool.check_hung)."""
        slot = self.slot
        if slot is not None:
            slot.started = 0.0
            slot.line = line
            slot.started = time.monotonic()
        try:
            return scan_item_with_alarm(self.engine, line, kind, payload, self.row_timeout)
        finally:
            if slot is not None:
                slot.started = 0.0


_WORKER = _Worker()


def _watch_parent(parent_pid: int) -> None:
    # A parent killed with SIGKILL cannot tell its workers; they would wait forever
    # on the task queue. Each worker leaves as soon as it is orphaned.
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(0.5)


def _init_worker(spec_json: str, parent_pid: int, row_timeout: float = 0.0, watch: WatchTable | None = None,
                 review_policy: dict[str, Any] | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    _WORKER.row_timeout = row_timeout if row_timeout and install_row_alarm() else 0.0
    if watch is not None:
        _WORKER.slot = watch.claim(os.getpid())
    if review_policy is not None:
        from scanner.review.batch import prepare_row
        from scanner.review.queue import QueuePolicy

        _WORKER.review = QueuePolicy.from_dict(review_policy)
        _WORKER.prepare_row = prepare_row
    try:
        _WORKER.engine = build_engine(EngineSpec.from_json(spec_json))
        _WORKER.versions = dict(getattr(_WORKER.engine, "versions", {}) or {})
    except Exception as exc:
        _WORKER.engine_error = f"{type(exc).__name__}: {exc}"


def _scan_chunk(items: list[tuple[int, int, Any]]) -> tuple[bytes, dict[str, Counter], dict[str, str], list | None]:
    return _WORKER.scan_chunk(items)


# -- in the parent -----------------------------------------------------------------------------
class Pool:
    def __init__(self, spec: EngineSpec, workers: int, start_method: str | None, row_timeout: float = 0.0,
                 review_policy: dict[str, Any] | None = None) -> None:
        import multiprocessing as mp

        self.review_policy = review_policy  # plain data: workers prepare each row's review-queue record
        self.spec_json, self.workers = spec.to_json(), workers
        self.ctx = mp.get_context(start_method) if start_method else mp.get_context()
        self.row_timeout = row_timeout
        self.timed_out: dict[int, float] = {}  # line -> limit, rows whose worker the parent had to kill
        self.killed = False                    # the last broken pool was our doing (a hung row), not a crash
        self.watch: WatchTable | None = None
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        if self.row_timeout:
            self.watch = WatchTable(self.ctx, self.workers)
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_init_worker,
                                   initargs=(self.spec_json, os.getpid(), self.row_timeout, self.watch,
                                             self.review_policy))

    def submit(self, items):
        if self.timed_out:  # a row that hung a worker is not scanned again (it would hang again)
            items = [(line, TIMED_OUT, (kind, payload, hung_message(line, self.timed_out[line])))
                     if line in self.timed_out else (line, kind, payload) for line, kind, payload in items]
        return self.executor.submit(_scan_chunk, items)

    def result(self, future):
        """future.result(), watching for rows that overrun the hard limit meanwhile."""
        if not self.row_timeout:
            return future.result()
        while True:
            try:
                return future.result(timeout=0.25)
            except TimeoutError:
                self.check_hung()

    def check_hung(self) -> None:
        hard = hard_row_timeout(self.row_timeout)
        now = time.monotonic()
        for slot in self.watch.slots:
            started = slot.started
            if not started or now - started <= hard:
                continue
            pid, line = slot.pid, slot.line
            if slot.started != started or not pid:
                continue  # the worker moved on while we looked
            log.warning("line %d has been scanning for %.0f s (limit %g s, --row-timeout); killing its worker",
                        line, now - started, self.row_timeout)
            self.timed_out[line] = self.row_timeout
            self.killed = True
            slot.started = 0.0
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.killed = False
        self.executor = self._new()

    def close(self, cancel: bool = False) -> None:
        self.executor.shutdown(wait=not cancel, cancel_futures=cancel)


def isolate(pool: Pool, items: list, restarts: int, max_restarts: int):
    """Scan a chunk row by row after a worker died, so only the poisonous row fails."""
    parts, stats, versions = [], new_stats(), {}
    records: list | None = [] if pool.review_policy is not None else None
    for item in items:
        try:
            data, row_stats, versions, row_records = pool.result(pool.submit([item]))
        except BrokenProcessPool:
            if pool.killed:  # this row hung past the hard limit: a worker builds its timed-out row
                pool.restart()
                data, row_stats, versions, row_records = pool.result(pool.submit([item]))
                parts.append(data)
                merge_stats(stats, row_stats)
                if records is not None:
                    records.extend(row_records or ())
                continue
            restarts += 1
            if restarts > max_restarts:
                raise BatchError("worker processes keep dying; giving up (rerun with --resume)")
            pool.restart()
            row = error_row(item[0], "worker_crashed", f"the worker process died while scanning line {item[0]}")
            row_stats = new_stats()
            accumulate(row_stats, row)
            data = jsonio.dumps(row) + b"\n"
            row_records = None  # an error row: nothing for the queue
        parts.append(data)
        merge_stats(stats, row_stats)
        if records is not None:
            records.extend(row_records or ())
    return b"".join(parts), stats, versions, records, restarts
