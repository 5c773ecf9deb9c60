"""Queue a batch run's results for reviewers (`scanner batch … --review-queue`, or SCANNER_REVIEW_BATCH).

The same rules as the service's results (scanner/review/queue.py): `review` results queued, sampled
pass/block results queued, listings rescanned clean leave the queue; idempotent per listing + versions.

During the run (`BatchQueueWriter`, handed to `run_batch`): each worker process works out, once its chunk's
rows are scanned, what each row does to the queue (`prepare_row`: for a queued row the reviewer's copy, built
from the listing the scan already parsed, and every column, its result being the output line it already
wrote; for a clean one only its key), so nothing is read or parsed twice. The parent hands each chunk's records, once the chunk is in the output
file, to a writer thread that writes them in one transaction per chunk. The workers never wait on the
database; the parent only runs the SQL. bench/bench_review.py measures what it adds to a run.

After a run (`enqueue_results`): the input and results files read side by side (one result row per input
row, in input order: docs/batch.md). `--resume` uses it for the rows written before the stop (the queue
may not have seen them all; queuing them again changes nothing).
"""
from __future__ import annotations

import logging
import queue as queue_mod
import threading
import time
from pathlib import Path
from typing import Any

from scanner import jsonio
from scanner.batch.readers import LISTING, RAW, detect_format, iter_rows
from scanner.batch.rows import TIMED_OUT
from scanner.review.queue import (Entry, Prepared, QueuePolicy, ReviewQueue, build, listing_key, triage,
                                  write_isolated)

log = logging.getLogger("scanner.review")


def _listing(kind: int, payload: Any) -> Any:
    if kind == RAW:
        try:
            return jsonio.loads(payload)
        except Exception:  # noqa: BLE001 - a row we cannot read is not queued
            return None
    return payload if kind == LISTING else None


def prepare_row(policy: QueuePolicy, kind: int, payload: Any, row: dict[str, Any], data: bytes,
                listing: Any = None) -> Prepared | None:
    """What one output row does to the queue (in a batch worker, beside the scan): None = nothing.
    `listing`: the listing as the scan read it (scanner.batch.rows.scan_item), for the reviewer's copy of a
    queued row; without it (a timed-out row) the payload is parsed again. `data` is the row as written to
    the output, stored as the item's result."""
    if kind == TIMED_OUT:  # a row that hung its worker, sent again as (kind, payload, message): its line is inside
        kind, payload = payload[0], payload[1]
    decision = row.get("decision")
    if (decision == "pass" and not policy.sample_pass) or (decision == "block" and not policy.sample_block):
        # Most rows of a run: not queued, whatever else they hold (no sample to fall in). Only the key goes
        # back (its open item is withdrawn): what triage + build give, without the sampling questions
        # (about a third of a clean row's queue cost in the worker; tests/review/test_batch_prepare.py).
        if row.get("error") or row.get("id") is None:
            return None
        return (listing_key(listing, row), None)
    if not isinstance(listing, dict) and policy.reason(row) is not None:
        listing = _listing(kind, payload)
        if not isinstance(listing, dict):
            return None
    t = triage(row, listing, policy)
    if t is None:
        return None
    if t[2] is None:  # most rows: only the key (its open item is withdrawn), no result text to decode
        return (t[0], None)
    return build(listing, row, "batch", *t, result_utf8=data)


class BatchQueueWriter:
    """The parent's side of `--review-queue`: a thread writing each chunk's records (one transaction a
    chunk) while the workers scan the next ones. Bounded: if the database falls behind by `capacity`
    chunks, `put` waits. A record the database refuses costs only itself (`write_isolated`: counted
    `failed`); a database that fails stops the writer, its error raised by the next `put` or by `close`."""

    def __init__(self, review_queue: ReviewQueue, capacity: int = 16) -> None:
        self.queue = review_queue
        self.totals = {"queued": 0, "unchanged": 0, "withdrawn": 0, "ignored": 0, "failed": 0}
        self._q: queue_mod.Queue = queue_mod.Queue(maxsize=capacity)
        self.cpu_s = 0.0  # the writer thread's CPU (bench/bench_review.py: what the queue adds to a run)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="review-batch-writer", daemon=True)
        self._thread.start()

    def policy_dict(self) -> dict[str, Any]:
        return self.queue.policy.to_dict()

    def resume(self, input_path: Path, output_path: Path, fmt: str, rows: int) -> None:
        """Queue the first `rows` rows of an interrupted run's output (before any new chunk)."""
        self._q.put(("file", (input_path, output_path, fmt, rows)))

    def put(self, records: list[Prepared | None]) -> None:
        if self._error is not None:
            raise self._error
        self._q.put(("records", records))

    def _run(self) -> None:
        while True:
            job = self._q.get()
            if job is None:
                return
            if self._error is not None:
                continue  # drain: the run ends with the error
            kind, arg = job
            started = time.thread_time()
            try:
                if kind == "file":
                    counts = enqueue_results(self.queue, arg[0], arg[1], arg[2], limit=arg[3])
                else:
                    counts = write_isolated(self.queue, self.queue.write, [r for r in arg if r is not None])
                    counts["ignored"] += sum(r is None for r in arg)
                for k, v in counts.items():
                    self.totals[k] += v
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread by put/close
                self._error = exc
                log.error("review queue: writing a batch chunk failed (%s)", type(exc).__name__)
            self.cpu_s += time.thread_time() - started

    def close(self) -> dict[str, int]:
        """Wait for every chunk handed over to be written; the totals (raises the writer's error)."""
        self._q.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.totals


def enqueue_results(queue: ReviewQueue, input_path: str | Path, results_path: str | Path, fmt: str | None = None,
                    chunk: int = 1000, limit: int | None = None) -> dict[str, int]:
    """Queue the results of a finished run (or its first `limit` rows), `chunk` rows a transaction."""
    input_path = Path(input_path)
    totals = {"queued": 0, "unchanged": 0, "withdrawn": 0, "ignored": 0, "failed": 0}
    batch: list[Entry] = []

    def flush() -> None:
        for k, v in write_isolated(queue, queue.enqueue_many, batch).items():
            totals[k] += v
        batch.clear()

    with open(results_path, "rb") as results:
        for n, ((_, kind, payload), line) in enumerate(zip(iter_rows(input_path, detect_format(input_path, fmt)),
                                                          results)):
            if limit is not None and n >= limit:
                break
            try:
                row = jsonio.loads(line)
            except Exception:  # noqa: BLE001 - a row we cannot read is not queued
                totals["ignored"] += 1
                continue
            listing = _listing(kind, payload)
            if not isinstance(listing, dict):
                totals["ignored"] += 1
                continue
            batch.append(Entry(listing, row, "batch"))
            if len(batch) >= chunk:
                flush()
    if batch:
        flush()
    return totals
