"""Batch rescans: a catalogue file in, one contract result per input row out, in input order.

The pieces, in the order a row meets them:

* `spec`     -- what a run is given: `EngineSpec` (plain JSON configuration each worker builds
                its own engine from, never a pickled engine), `BatchOptions`, `BatchError`;
* `readers`  -- JSONL (optionally gzip) or CSV into work items ``(line, kind, payload)``;
* `rows`     -- one work item -> one output row, never raising (shared with Spark);
* `pool`     -- worker processes, the per-row time limit, crash recovery;
* `runner`   -- `run_batch`: readers -> pool -> the output file, in input order;
* `resume`   -- the output is the progress record; ``OUTPUT.state.json`` pins input and versions;
* `summary`  -- counters, the run summary, progress;
* `diff`, `report` -- what changed between two result files; an HTML report for people;
* `spark`, `spark_job` -- the same row function on Apache Spark.

Invariant: input row *n* (1-based; for JSONL, physical line *n*) produces output
line *n*. Rows that cannot be read or parsed (bad UTF-8, bad JSON, a number we cannot
hold: `scanner.jsonio`) produce an error row
``{"id": ..., "line": n, "error": {"code": ..., "message": ...}}``. A row whose scan
overruns --row-timeout is not an error row but a `review` result with
``"incomplete": [{"code": "scan_timeout", ...}]`` (`scanner.results.unfinished`): a listing
we could not finish scanning is never waved through. Nothing is skipped silently; a
worker process that dies is replaced and its rows are retried one by one, the row that
kills it becoming a ``worker_crashed`` error row. Every row is written by
`scanner.jsonio.dumps`: strict JSON, valid UTF-8, whatever the input held.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# The public names, each loaded from its module on first use (PEP 562), so that `scanner check`
# reading the batch defaults from `spec` does not pay for the worker pool's imports.
_EXPORTS = {
    "BatchError": "spec", "BatchOptions": "spec", "EngineSpec": "spec", "build_engine": "spec",
    "build_scanner": "spec",  # the default engine factory, named "scanner.batch:build_scanner" in specs
    "run_batch": "runner", "format_summary": "summary", "state_path_for": "resume",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from scanner.batch.resume import state_path_for
    from scanner.batch.runner import run_batch
    from scanner.batch.spec import BatchError, BatchOptions, EngineSpec, build_engine, build_scanner
    from scanner.batch.summary import format_summary


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scanner.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"scanner.batch.{module}"), name)
