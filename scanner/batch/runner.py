"""The run: a catalogue file in, one output row per input row out, in input order.

readers -> chunks -> the worker pool -> the output file. A bounded window of chunks is in
flight (memory stays flat however large the input); chunks are written strictly in input
order and flushed after each, so the output itself is the progress record (`resume`).
"""
from __future__ import annotations

import logging
import os
import time
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Iterable, Iterator

from scanner.batch.pool import Pool, isolate
from scanner.batch.readers import count_rows_estimate, detect_format, iter_rows
from scanner.batch.resume import start_run
from scanner.batch.spec import BatchError, BatchOptions, EngineBuildError, EngineSpec
from scanner.batch.summary import Progress, build_summary, merge_stats

log = logging.getLogger(__name__)


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(input_path: str | os.PathLike, output_path: str | os.PathLike, spec: EngineSpec | None = None,
              options: BatchOptions | None = None, review: Any = None) -> dict[str, Any]:
    """Scan a catalogue file into a JSONL of results; returns the summary dict.

    `review` (scanner.review.batch.BatchQueueWriter, `--review-queue`): the workers prepare what each row
    does to the review queue beside the row, and every chunk's records go to `review.put` once the chunk is
    in the output file; on --resume the rows already in the output are queued first (`review.resume`)."""
    spec = spec or EngineSpec()
    opts = options or BatchOptions()
    inp, out = Path(input_path), Path(output_path)
    if not inp.is_file():
        raise BatchError(f"input file not found: {inp}")
    if inp.resolve() == out.resolve():
        raise BatchError("the output must not be the input file")
    fmt = detect_format(inp, opts.fmt)
    workers = opts.workers or os.cpu_count() or 1
    chunk_size = max(1, opts.chunk_size)

    state, done, stats = start_run(inp, out, fmt, spec, opts.resume, opts.overwrite)
    resumed_from = done
    known_versions = state.versions

    total = count_rows_estimate(inp, fmt) if opts.progress != "none" else None
    progress = Progress(total, done, opts.progress, opts.log_interval) if opts.progress != "none" else None
    if resumed_from:
        log.info("resuming %s after %d rows", out, resumed_from)

    rows = iter_rows(inp, fmt, opts.max_line_bytes)
    skipped = 0
    for _ in range(done):  # the output's first `done` rows already answer these
        if next(rows, None) is None:
            break
        skipped += 1
    if skipped < done:
        raise BatchError(f"cannot resume: {out} has {done} rows but the input only {skipped}")

    if review is not None and resumed_from:
        review.resume(inp, out, fmt, resumed_from)  # idempotent: rows queued before the stop are no-ops

    started = time.monotonic()
    pool = Pool(spec, workers, opts.start_method, opts.row_timeout,
                review.policy_dict() if review is not None else None)
    restarts = 0
    interrupted = False
    finished = False
    window: deque[list] = deque()
    chunk_iter = _chunks(rows, chunk_size)
    max_inflight = max(2, workers * 4)
    try:
        with open(out, "ab") as fh:
            def fill() -> None:
                while len(window) < max_inflight:
                    items = next(chunk_iter, None)
                    if items is None:
                        return
                    window.append([items, pool.submit(items)])

            fill()
            while window:
                items, future = window[0]
                try:
                    data, chunk_stats, versions, records = pool.result(future)
                except EngineBuildError as exc:
                    raise BatchError(str(exc)) from None
                except BrokenProcessPool:
                    if pool.killed:
                        # We killed a worker stuck on a row past the hard limit: every chunk in flight is
                        # lost; send them again, the stuck row now as a timed-out review row (not rescanned).
                        pool.restart()
                        for entry in window:
                            entry[1] = pool.submit(entry[0])
                        continue
                    restarts += 1
                    if restarts > opts.max_restarts:
                        raise BatchError(f"worker processes died {restarts} times; giving up "
                                         f"(the output is consistent: rerun with --resume)")
                    log.warning("a worker process died; retrying %d rows one by one", len(items))
                    pool.restart()
                    data, chunk_stats, versions, records, restarts = isolate(pool, items, restarts, opts.max_restarts)
                    for entry in list(window)[1:]:
                        entry[1] = pool.submit(entry[0])
                if versions:
                    if known_versions is None:
                        known_versions = versions
                        state.set_versions(versions)
                    elif versions != known_versions and not opts.allow_version_change:
                        raise BatchError(
                            f"the engine versions changed since this output was started ({known_versions} -> "
                            f"{versions}); a resumed file must not mix versions. Start again without --resume, "
                            f"or pass --allow-version-change")
                fh.write(data)
                fh.flush()
                if review is not None and records is not None:
                    review.put(records)  # after the output: a resume replays what the queue may have missed
                window.popleft()
                merge_stats(stats, chunk_stats)
                done += len(items)
                if progress:
                    progress.update(len(items), stats["decisions"])
                fill()
        finished = True
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        pool.close(cancel=not finished)  # a clean finish joins the workers
        if progress:
            progress.close()
        if interrupted:
            log.warning("interrupted after %d rows; rerun the same command with --resume to continue", done)

    elapsed = time.monotonic() - started
    state.finish(done)
    return build_summary(stats, done, resumed_from, elapsed, known_versions, inp, out, workers, restarts)
