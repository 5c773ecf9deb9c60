"""Queue a batch run's results for reviewers (`scanner batch … --review-queue`, or SCANNER_REVIEW_BATCH).

After the run, the input and the results file are read side by side (one result row per input row,
in input order: docs/batch.md) and handed to the queue in transactions of `chunk` rows, with the
same rules as the service's results (scanner/review/queue.py): `review` results queued, sampled
pass/block results queued, listings rescanned clean leave the queue. Done after the run so the
workers never wait on the database; bench/bench_review.py measures what it adds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner import jsonio
from scanner.batch.readers import LISTING, RAW, detect_format, iter_rows
from scanner.review.queue import Entry, ReviewQueue


def enqueue_results(queue: ReviewQueue, input_path: str | Path, results_path: str | Path, fmt: str | None = None,
                    chunk: int = 1000) -> dict[str, int]:
    input_path = Path(input_path)
    totals = {"queued": 0, "unchanged": 0, "withdrawn": 0, "ignored": 0}
    batch: list[Entry] = []

    def flush() -> None:
        for k, v in queue.enqueue_many(batch).items():
            totals[k] += v
        batch.clear()

    with open(results_path, "rb") as results:
        for (_, kind, payload), line in zip(iter_rows(input_path, detect_format(input_path, fmt)), results):
            try:
                row = jsonio.loads(line)
            except Exception:  # noqa: BLE001 - a row we cannot read is not queued
                totals["ignored"] += 1
                continue
            listing: Any = None
            if kind == RAW:
                try:
                    listing = jsonio.loads(payload)
                except Exception:  # noqa: BLE001
                    listing = None
            elif kind == LISTING:
                listing = payload
            if not isinstance(listing, dict):
                totals["ignored"] += 1
                continue
            batch.append(Entry(listing, row, "batch"))
            if len(batch) >= chunk:
                flush()
    if batch:
        flush()
    return totals
