"""Batch rescans: a catalogue file in, one contract result per input row out, in input order.

The pieces, in the order a row meets them:

* **readers** (`iter_rows`) turn JSONL (optionally gzip) or CSV into work items
  ``(line, kind, payload)``. The parent only splits lines; JSON is parsed in the
  workers, so parsing scales with the cores too.
* **workers** (`_init_worker`, `_scan_chunk`) build the engine ONCE per process from
  an `EngineSpec` (plain, JSON-able configuration -- never a pickled engine), then
  turn a chunk of items into encoded JSONL bytes plus small counters.
* **the runner** (`BatchRunner`) keeps a bounded window of chunks in flight (memory
  stays flat however large the input), writes chunks strictly in input order and
  flushes after each, so the output file itself is the progress record:
  ``--resume`` counts its complete lines, truncates a torn last line and skips that
  many input rows. A sidecar ``OUTPUT.state.json`` pins the input (size, mtime,
  hash of the first MB) and the engine versions so a resume cannot silently mix
  inputs or word-list versions.

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

import csv
import gzip
import hashlib
import importlib
import io
import json
import logging
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from scanner import jsonio
from scanner.results import unfinished

log = logging.getLogger("scanner.batch")

# Work item kinds
RAW = 0      # payload: bytes of one JSONL line (without the newline)
LISTING = 1  # payload: a listing dict (CSV rows, Spark rows)
ERROR = 2    # payload: (code, message[, id]) found by the reader
TIMED_OUT = 3  # payload: (kind, payload, message) of a row that hung its worker: not scanned again

STATE_VERSION = 1
HEAD_BYTES = 1 << 20
DEFAULT_CHUNK_SIZE = 500
DEFAULT_MAX_LINE_BYTES = 16 << 20


class BatchError(RuntimeError):
    """A run-level failure (bad arguments, refused resume, engine cannot be built)."""


class EngineBuildError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------
# Engine construction: from configuration, once per process
# ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class EngineSpec:
    """Everything a worker needs to build its own engine. Plain data, so it pickles to
    any process (multiprocessing, Spark executors) without carrying an automaton.

    `factory` is "module:callable", called as ``callable(spec)`` and returning an
    object with ``scan(listing) -> result`` (result has ``to_dict()``) and ``versions``.
    """

    factory: str = "scanner.batch:build_scanner"
    settings: dict[str, Any] = field(default_factory=dict)  # overrides for load_settings
    with_images: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> "EngineSpec":
        return cls(**json.loads(text))


def build_scanner(spec: EngineSpec):
    """The default factory: the real Scanner, configured for batch use."""
    from scanner.config import load_settings
    from scanner.engine import Scanner

    overrides = {"allow_local_image_paths": True, **spec.settings}
    return Scanner.from_settings(load_settings(**overrides), with_images=spec.with_images)


def build_engine(spec: EngineSpec):
    module_name, _, attr = spec.factory.partition(":")
    if not module_name or not attr:
        raise EngineBuildError(f"engine factory must look like 'module:callable', got {spec.factory!r}")
    factory: Callable = getattr(importlib.import_module(module_name), attr)
    return factory(spec)


# ---------------------------------------------------------------------------------
# Row processing (runs in workers; also used by the Spark job)
# ---------------------------------------------------------------------------------
def new_stats() -> dict[str, Counter]:
    return {
        "decisions": Counter(),   # pass/review/block/error -> rows
        "errors": Counter(),      # error code -> rows
        "categories": Counter(),  # category -> rows with >=1 effective finding in it
        "brands": Counter(),      # brand -> rows naming it (effective findings)
        "terms": Counter(),       # "category\tterm" -> rows
        "gallery": Counter(),     # gallery id -> rows matching it
        "image_errors": Counter(),  # code -> images
        "findings": Counter(),    # "effective"/"neutralised" -> findings
        "incomplete": Counter(),  # reason code (scan_timeout, ...) -> rows flagged for review unfinished
    }


def merge_stats(into: dict[str, Counter], other: dict[str, Counter]) -> None:
    for key, counter in other.items():
        into.setdefault(key, Counter()).update(counter)


def accumulate(stats: dict[str, Counter], row: dict[str, Any]) -> None:
    """Fold one output row (contract dict) into the counters."""
    error = row.get("error")
    if error is not None:
        stats["decisions"]["error"] += 1
        stats["errors"][error.get("code", "unknown")] += 1
        return
    stats["decisions"][row.get("decision")] += 1
    categories, brands, terms, gallery = set(), set(), set(), set()
    for f in row.get("findings") or ():
        if f.get("effect") == "none":
            stats["findings"]["neutralised"] += 1
            continue
        stats["findings"]["effective"] += 1
        category = f.get("category")
        categories.add(category)
        if f.get("brand"):
            brands.add(f["brand"])
        if f.get("kind") == "image":
            gallery.add(str(f.get("gallery_id")))
        elif f.get("term"):
            terms.add(f"{category}\t{f['term']}")
    for name, values in (("categories", categories), ("brands", brands), ("terms", terms), ("gallery", gallery)):
        stats[name].update(values)
    for e in row.get("image_errors") or ():
        stats["image_errors"][e.get("code", "unknown")] += 1
    for e in row.get("incomplete") or ():
        stats["incomplete"][e.get("code", "unknown")] += 1


def error_row(line: int | None, code: str, message: str, listing_id: Any = None, versions=None) -> dict[str, Any]:
    row: dict[str, Any] = {"id": listing_id, "line": line, "error": {"code": code, "message": message}}
    if versions:
        row["versions"] = dict(versions)
    return row


def process_item(engine, line: int | None, kind: int, payload: Any) -> dict[str, Any]:
    """One work item -> one output row (a contract dict with the input `line`).
    Never raises: whatever goes wrong becomes an error row for this row only."""
    if kind == ERROR:
        code, message, *rest = payload
        return error_row(line, code, message, rest[0] if rest else None)
    if kind == TIMED_OUT:
        return timeout_row(line, *payload, versions=getattr(engine, "versions", None))
    if kind == RAW:
        try:
            text = payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else payload
        except UnicodeDecodeError as exc:
            return error_row(line, "invalid_encoding", f"line {line} is not valid UTF-8 (byte {exc.start})")
        if text.startswith("\ufeff"):
            text = text[1:]
        if not text.strip():
            return error_row(line, "empty_line", f"line {line} is empty")
        try:
            raw = jsonio.loads(text)
        except jsonio.InvalidNumber as exc:
            return error_row(line, jsonio.INVALID_NUMBER, f"line {line}: {exc}", jsonio.listing_id(exc.value))
        except (ValueError, RecursionError) as exc:
            detail = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else (
                "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200])
            return error_row(line, "invalid_json", f"line {line}: {detail}")
    else:
        raw = payload
    try:
        result = engine.scan(raw)
        d = result.to_dict()
    except Exception as exc:  # the engine promises not to raise; a bug must not sink the run
        return error_row(line, "internal_error", f"{type(exc).__name__}: {exc}"[:500], jsonio.listing_id(raw))
    row = {"id": d.pop("id", None), "line": line}
    row.update(d)
    return row


# -- worker process state ------------------------------------------------------------
_ENGINE = None
_ENGINE_ERROR: str | None = None
_VERSIONS: dict[str, str] | None = None
_ROW_TIMEOUT: float = 0.0       # seconds per row; 0 = no limit
_IN_ROW = False                 # the SIGALRM handler raises only while a row is being scanned
_SLOT = None                    # this worker's [pid, line, started] in the parent's watch table


class _RowTimeout(BaseException):
    """Raised in a worker when a row overruns --row-timeout. A BaseException, so that an
    `except Exception` inside the engine cannot swallow it."""


def _on_alarm(signum, frame) -> None:
    if _IN_ROW:
        raise _RowTimeout()


SCAN_TIMEOUT = "scan_timeout"


def timeout_row(line: int | None, kind: int, payload: Any, message: str, versions=None) -> dict[str, Any]:
    """A row we could not finish scanning in time: a `review` result (never pass -- a seller must not
    get through by finding a slow input) with the reason in `incomplete`, and its id if we can read it."""
    raw = payload
    if kind == RAW:
        try:
            raw = jsonio.loads(payload)
        except jsonio.InvalidNumber as exc:
            raw = exc.value
        except Exception:  # noqa: BLE001 - best effort: the id is a courtesy
            raw = None
    d = unfinished(jsonio.listing_id(raw), SCAN_TIMEOUT, message, dict(versions or {})).to_dict()
    row = {"id": d.pop("id"), "line": line}
    row.update(d)
    return row


def _alarm_message(line: int | None, seconds: float) -> str:
    return (f"line {line}: scanning took longer than {seconds:g} s (--row-timeout) and was stopped; "
            "the listing needs review")


def _hung_message(line: int, seconds: float) -> str:
    return (f"line {line}: scanning took longer than {seconds:g} s (--row-timeout) and did not stop; "
            "its worker was killed and the listing needs review")


def _watch_parent(parent_pid: int) -> None:
    # A parent killed with SIGKILL cannot tell its workers; they would wait forever
    # on the task queue. Each worker leaves as soon as it is orphaned.
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(0.5)


def _init_worker(spec_json: str, parent_pid: int, row_timeout: float = 0.0, watch=None) -> None:
    global _ENGINE, _ENGINE_ERROR, _VERSIONS, _ROW_TIMEOUT, _SLOT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    _ROW_TIMEOUT = row_timeout if row_timeout and install_row_alarm() else 0.0
    if watch is not None:
        table, counter = watch
        with counter.get_lock():
            slot = counter.value
            counter.value += 1
        if 3 * slot < len(table):  # (a pool never has more processes than slots; be safe anyway)
            _SLOT = (table, 3 * slot)
            table[3 * slot] = os.getpid()
    try:
        _ENGINE = build_engine(EngineSpec.from_json(spec_json))
        _VERSIONS = dict(getattr(_ENGINE, "versions", {}) or {})
    except Exception as exc:
        _ENGINE_ERROR = f"{type(exc).__name__}: {exc}"


def _scan_chunk(items: list[tuple[int, int, Any]]) -> tuple[bytes, dict[str, Counter], dict[str, str]]:
    if _ENGINE is None:
        raise EngineBuildError(f"could not build the scan engine in a worker: {_ENGINE_ERROR}")
    stats = new_stats()
    parts = []
    for line, kind, payload in items:
        try:
            row = (_process_with_timeout(line, kind, payload) if _ROW_TIMEOUT
                   else process_item(_ENGINE, line, kind, payload))
            data = jsonio.dumps(row)
        except Exception as exc:  # noqa: BLE001 - one row's bug must not lose its chunk (or the run)
            row = error_row(line, "internal_error", f"{type(exc).__name__}: {exc}"[:500])
            data = jsonio.dumps(row)
        accumulate(stats, row)
        parts.append(data)
    parts.append(b"")
    return b"\n".join(parts), stats, _VERSIONS or {}


def _process_with_timeout(line: int, kind: int, payload: Any) -> dict[str, Any]:
    """process_item under the per-row limit. First line of defence: SIGALRM interrupts a row
    stuck in Python code and the worker goes on with a warm engine. A row stuck where signals
    are not seen (C code holding the GIL, signals blocked) is the parent's to catch: it watches
    this worker's slot and kills the process (see _Pool.check_hung)."""
    table, base = _SLOT if _SLOT is not None else (None, 0)
    if table is not None:
        table[base + 2] = 0.0
        table[base + 1] = line
        table[base + 2] = time.monotonic()
    try:
        return scan_row_with_alarm(_ENGINE, line, kind, payload, _ROW_TIMEOUT)
    finally:
        if table is not None:
            table[base + 2] = 0.0


def install_row_alarm() -> bool:
    """Route SIGALRM to the per-row limit. Signals reach only a process's main thread, so
    elsewhere this does nothing and returns False (rows then run without a limit)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGALRM, _on_alarm)
    return True


def scan_row_with_alarm(engine, line: int | None, kind: int, payload: Any, seconds: float) -> dict[str, Any]:
    """process_item, or a scan_timeout error row if it runs past `seconds` (needs install_row_alarm)."""
    global _IN_ROW
    try:
        _IN_ROW = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
        row = process_item(engine, line, kind, payload)
        _IN_ROW = False  # before leaving the try: an alarm from here on is caught below
        return row
    except _RowTimeout:
        return timeout_row(line, kind, payload, _alarm_message(line, seconds), getattr(engine, "versions", None))
    finally:
        _IN_ROW = False
        signal.setitimer(signal.ITIMER_REAL, 0)


# ---------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------
def detect_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    if fmt and fmt != "auto":
        return fmt
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return "csv" if name.endswith((".csv", ".tsv")) else "jsonl"


def _open_binary(path: Path):
    return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")


def iter_jsonl(fh, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[tuple[int, int, Any]]:
    """Every physical line is a row (a blank one becomes an `empty_line` error row);
    a missing newline at the end of the file does not lose the last row."""
    line = 0
    while True:
        data = fh.readline(max_line_bytes + 1)
        if not data:
            return
        line += 1
        if len(data) > max_line_bytes and not data.endswith(b"\n"):
            while data and not data.endswith(b"\n"):  # drain the rest of the long line
                data = fh.readline(1 << 20)
            yield line, ERROR, ("line_too_long", f"line {line} is longer than {max_line_bytes} bytes")
            continue
        if data.endswith(b"\n"):
            data = data[:-1]
        if data.endswith(b"\r"):
            data = data[:-1]
        yield line, RAW, data


_CSV_ALIASES = {
    "id": "id", "sku": "id", "listing_id": "id",
    "title": "title", "description": "description", "desc": "description",
    "bullets": "bullets", "attributes": "attributes",
    "image": "images", "images": "images", "image_path": "images", "image_url": "images", "image_paths": "images",
    "authorized_brands": "authorized_brands", "seller_authorized_brands": "authorized_brands",
    "locale": "locale",
}


def csv_row_to_listing(row: dict[str, str]) -> dict[str, Any]:
    """CSV columns -> a contract listing. bullets: JSON list or '|'-separated;
    attributes: JSON object; images: paths/URLs separated by '|' or whitespace
    (http(s) -> {"url"}, anything else -> {"path"}); authorized_brands: '|'-separated."""
    listing: dict[str, Any] = {}
    for column, value in row.items():
        key = _CSV_ALIASES.get((column or "").strip().lower())
        if key is None or value is None or value == "":
            continue
        if key in ("id", "title", "description", "locale"):
            listing[key] = value
        elif key == "bullets":
            listing["bullets"] = _column_json(key, value) if value.lstrip().startswith("[") else [
                b.strip() for b in value.split("|") if b.strip()]
        elif key == "attributes":
            listing["attributes"] = _column_json(key, value)
        elif key == "images":
            refs = [r for r in value.replace("|", " ").split() if r]
            listing.setdefault("images", []).extend(
                {"url": r} if r.lower().startswith(("http://", "https://")) else {"path": r} for r in refs)
        elif key == "authorized_brands":
            listing["seller"] = {"authorized_brands": [b.strip() for b in value.split("|") if b.strip()]}
    return listing


def _column_json(key: str, value: str) -> Any:
    try:
        return jsonio.loads(value)
    except jsonio.InvalidNumber as exc:  # name the field as a JSONL row would: bullets[1], attributes.weight
        raise jsonio.InvalidNumber(exc.value, [((key, *path), m) for path, m in exc.found]) from None


def iter_csv(fh_text, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, dialect: str = "excel"
             ) -> Iterator[tuple[int, int, Any]]:
    """One row per CSV record (a record may span lines); `line` is the record's first
    physical line (the header is line 1)."""
    csv.field_size_limit(max_line_bytes)
    reader = csv.reader(fh_text, dialect=dialect)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise BatchError(f"cannot read the CSV header: {exc}") from exc
    if not any(_CSV_ALIASES.get(h.strip().lower()) for h in header):
        raise BatchError(f"the CSV header names none of the listing columns (id, title, description, image…): {header}")
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, ERROR, ("invalid_csv", f"line {start}: {exc}")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not record or (len(record) == 1 and not record[0].strip()):
            yield line, ERROR, ("empty_line", f"line {line} is empty")
            continue
        if len(record) > len(header):
            yield line, ERROR, ("invalid_csv", f"line {line}: {len(record)} fields, the header has {len(header)}")
            continue
        if any("\udc80" <= ch <= "\udcff" for value in record for ch in value):
            yield line, ERROR, ("invalid_encoding", f"line {line} is not valid UTF-8")
            continue
        row = dict(zip(header, record))
        try:
            listing = csv_row_to_listing(row)
        except jsonio.InvalidNumber as exc:
            yield line, ERROR, (jsonio.INVALID_NUMBER, f"line {line}: {exc}", _csv_id(row))
        except RecursionError:
            yield line, ERROR, ("invalid_csv", f"line {line}: bullets/attributes column is nested too deeply",
                                _csv_id(row))
        except (ValueError, AttributeError, TypeError) as exc:
            yield line, ERROR, ("invalid_csv", f"line {line}: bullets/attributes column is not valid JSON ({exc})",
                                _csv_id(row))
        else:
            yield line, LISTING, listing


def _csv_id(row: dict[str, str]) -> str | None:
    """The id column of a CSV row we refuse, to echo in its error row."""
    for column, value in row.items():
        if _CSV_ALIASES.get((column or "").strip().lower()) == "id" and value:
            return value
    return None


def iter_rows(path: Path, fmt: str, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[tuple[int, int, Any]]:
    if fmt == "jsonl":
        with _open_binary(path) as fh:
            yield from iter_jsonl(fh, max_line_bytes)
    elif fmt == "csv":
        with _open_binary(path) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            dialect = "excel-tab" if str(path).lower().removesuffix(".gz").endswith(".tsv") else "excel"
            yield from iter_csv(text, max_line_bytes, dialect)
    else:
        raise BatchError(f"unknown input format {fmt!r} (expected jsonl or csv)")


def count_rows_estimate(path: Path, fmt: str) -> int | None:
    """Newline count (fast, ~1 GB/s) for the progress bar's total; an estimate for CSV."""
    try:
        n, last = 0, b"\n"
        with _open_binary(path) as fh:
            while block := fh.read(1 << 22):
                n += block.count(b"\n")
                last = block[-1:]
        n += last != b"\n"
        return max(n - 1, 0) if fmt == "csv" else n
    except OSError:
        return None


# ---------------------------------------------------------------------------------
# Resume support
# ---------------------------------------------------------------------------------
def input_fingerprint(path: Path) -> dict[str, Any]:
    st = path.stat()
    with open(path, "rb") as fh:
        head = hashlib.sha256(fh.read(HEAD_BYTES)).hexdigest()
    return {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "head_sha256": head}


def state_path_for(output: Path) -> Path:
    return output.with_name(output.name + ".state.json")


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(jsonio.dumps(data, indent=2))  # (an input path from the OS may hold lone surrogates)
    os.replace(tmp, path)


def complete_lines_and_truncate(output: Path) -> int:
    """Count the complete (newline-terminated) lines of `output`, cutting off a torn
    last line left by a killed run. Returns the number of complete lines."""
    if not output.exists():
        return 0
    n = 0
    last_newline_end = 0
    offset = 0
    with open(output, "rb") as fh:
        while block := fh.read(1 << 22):
            c = block.count(b"\n")
            if c:
                n += c
                last_newline_end = offset + block.rindex(b"\n") + 1
            offset += len(block)
    if offset != last_newline_end:
        with open(output, "r+b") as fh:
            fh.truncate(last_newline_end)
        log.warning("resume: removed a partial last line (%d bytes) from %s", offset - last_newline_end, output)
    return n


def stats_from_output(output: Path) -> tuple[dict[str, Counter], dict[str, str] | None]:
    stats, versions = new_stats(), None
    with open(output, "rb") as fh:
        for data in fh:
            row = json.loads(data)
            accumulate(stats, row)
            if versions is None and row.get("versions") and "error" not in row:
                versions = row["versions"]
    return stats, versions


# ---------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------
class Progress:
    """tqdm on a terminal; plain periodic log lines otherwise (or when forced)."""

    def __init__(self, total: int | None, initial: int, mode: str = "auto", interval: float = 10.0,
                 stream=None) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "log"
        self.mode, self.total, self.done, self.interval = mode, total, initial, interval
        self.started = time.monotonic()
        self.initial = initial
        self.last_log = self.started
        self.bar = None
        if mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="rows", unit_scale=True, dynamic_ncols=True,
                            file=self.stream, smoothing=0.1, desc="scanning")

    def update(self, n: int, decisions: Counter) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.set_postfix_str(_decision_text(decisions), refresh=False)
            self.bar.update(n)
        elif self.mode == "log":
            now = time.monotonic()
            if now - self.last_log >= self.interval:
                self.last_log = now
                self.stream.write(self.line(decisions) + "\n")
                self.stream.flush()

    def line(self, decisions: Counter) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = (self.done - self.initial) / elapsed
        parts = [f"batch: {self.done:,} rows"]
        if self.total:
            parts[0] = f"batch: {self.done:,}/{self.total:,} rows ({100 * self.done / self.total:.1f}%)"
            if rate > 0:
                parts.append(f"ETA {_duration(max(self.total - self.done, 0) / rate)}")
        parts.insert(1, f"{rate:,.0f} rows/s")
        parts.append(_decision_text(decisions))
        return ", ".join(parts)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _decision_text(decisions: Counter) -> str:
    return " ".join(f"{k}={decisions.get(k, 0):,}" for k in ("block", "review", "pass", "error"))


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


# ---------------------------------------------------------------------------------
# The runner
# ---------------------------------------------------------------------------------
@dataclass
class BatchOptions:
    workers: int = 0                      # 0 = all cores
    chunk_size: int = DEFAULT_CHUNK_SIZE
    resume: bool = False
    overwrite: bool = False
    allow_version_change: bool = False
    fmt: str = "auto"
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    progress: str = "auto"                # auto | bar | log | none
    log_interval: float = 10.0
    max_restarts: int = 20
    start_method: str | None = None       # multiprocessing start method; default: the platform's
    row_timeout: float = 30.0             # seconds per row, then a review row marked incomplete; 0 = no limit


def hard_row_timeout(row_timeout: float) -> float:
    """When the parent kills a worker whose row ignored the in-worker alarm."""
    return row_timeout + max(1.0, row_timeout / 2)


class _Pool:
    def __init__(self, spec: EngineSpec, workers: int, start_method: str | None, row_timeout: float = 0.0) -> None:
        import multiprocessing as mp

        self.spec_json, self.workers = spec.to_json(), workers
        self.ctx = mp.get_context(start_method) if start_method else mp.get_context()
        self.row_timeout = row_timeout
        self.timed_out: dict[int, float] = {}  # line -> limit, rows whose worker the parent had to kill
        self.killed = False                    # the last broken pool was our doing (a hung row), not a crash
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        watch = None
        if self.row_timeout:
            # one [pid, line, started] slot per worker process, written by the worker around each row
            self.table = self.ctx.RawArray("d", 3 * self.workers)
            self.counter = self.ctx.Value("i", 0)
            watch = (self.table, self.counter)
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_init_worker,
                                   initargs=(self.spec_json, os.getpid(), self.row_timeout, watch))

    def submit(self, items):
        if self.timed_out:  # a row that hung a worker is not scanned again (it would hang again)
            items = [(line, TIMED_OUT, (kind, payload, _hung_message(line, self.timed_out[line])))
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
        table = self.table
        for base in range(0, len(table), 3):
            started = table[base + 2]
            if not started or now - started <= hard:
                continue
            pid, line = int(table[base]), int(table[base + 1])
            if table[base + 2] != started or not pid:
                continue  # the worker moved on while we looked
            log.warning("line %d has been scanning for %.0f s (limit %g s, --row-timeout); killing its worker",
                        line, now - started, self.row_timeout)
            self.timed_out[line] = self.row_timeout
            self.killed = True
            table[base + 2] = 0.0
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
              options: BatchOptions | None = None) -> dict[str, Any]:
    """Scan a catalogue file into a JSONL of results; returns the summary dict."""
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
    state_file = state_path_for(out)
    fingerprint = input_fingerprint(inp)

    # -- decide where to start -------------------------------------------------------
    done, stats, known_versions, state = 0, new_stats(), None, None
    if state_file.exists():
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = None
    if opts.resume and out.exists() and out.stat().st_size > 0:
        if state is None:
            raise BatchError(f"cannot resume: {state_file} is missing or unreadable, so the input of {out} is unknown")
        if state.get("input", {}) | {"path": ""} != fingerprint | {"path": ""}:
            raise BatchError(
                f"cannot resume: {inp} is not the input {out} was started from "
                f"(recorded {state.get('input')}, now {fingerprint}); start again without --resume")
        if state.get("format") != fmt:
            raise BatchError(f"cannot resume: the run was started as {state.get('format')}, now {fmt}")
        done = complete_lines_and_truncate(out)
        stats, found_versions = stats_from_output(out)
        known_versions = state.get("versions") or found_versions
    else:
        if (not opts.resume and not opts.overwrite and state is not None and not state.get("complete")
                and out.exists() and out.stat().st_size > 0):
            raise BatchError(f"{out} holds an unfinished run; use --resume to continue it or --overwrite to start over")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"")
    resumed_from = done
    state = {
        "state_version": STATE_VERSION, "input": fingerprint, "format": fmt, "output": str(out.resolve()),
        "versions": known_versions, "engine": json.loads(spec.to_json()), "complete": False,
        "started_at": (state or {}).get("started_at") if resumed_from else _now(),
    }
    _write_json_atomic(state_file, state)

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

    started = time.monotonic()
    pool = _Pool(spec, workers, opts.start_method, opts.row_timeout)
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
                    data, chunk_stats, versions = pool.result(future)
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
                    data, chunk_stats, versions, restarts = _isolate(pool, items, restarts, opts.max_restarts)
                    for entry in list(window)[1:]:
                        entry[1] = pool.submit(entry[0])
                if versions:
                    if known_versions is None:
                        known_versions = versions
                        state["versions"] = versions
                        _write_json_atomic(state_file, state)
                    elif versions != known_versions and not opts.allow_version_change:
                        raise BatchError(
                            f"the engine versions changed since this output was started ({known_versions} -> "
                            f"{versions}); a resumed file must not mix versions. Start again without --resume, "
                            f"or pass --allow-version-change")
                fh.write(data)
                fh.flush()
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
    state["complete"] = True
    state["finished_at"] = _now()
    state["rows"] = done
    _write_json_atomic(state_file, state)
    return build_summary(stats, done, resumed_from, elapsed, known_versions, inp, out, workers, restarts)


def _isolate(pool: _Pool, items: list, restarts: int, max_restarts: int):
    """Scan a chunk row by row after a worker died, so only the poisonous row fails."""
    parts, stats, versions = [], new_stats(), {}
    for item in items:
        try:
            data, row_stats, versions = pool.result(pool.submit([item]))
        except BrokenProcessPool:
            if pool.killed:  # this row hung past the hard limit: a worker builds its timed-out row
                pool.restart()
                data, row_stats, versions = pool.result(pool.submit([item]))
                parts.append(data)
                merge_stats(stats, row_stats)
                continue
            restarts += 1
            if restarts > max_restarts:
                raise BatchError("worker processes keep dying; giving up (rerun with --resume)")
            pool.restart()
            row = error_row(item[0], "worker_crashed", f"the worker process died while scanning line {item[0]}")
            row_stats = new_stats()
            accumulate(row_stats, row)
            data = jsonio.dumps(row) + b"\n"
        parts.append(data)
        merge_stats(stats, row_stats)
    return b"".join(parts), stats, versions, restarts


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _top(counter: Counter, n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]


def build_summary(stats: dict[str, Counter], rows: int, resumed_from: int, elapsed: float, versions,
                  inp: Path, out: Path, workers: int, restarts: int = 0, top: int = 30) -> dict[str, Any]:
    scanned = rows - resumed_from
    return {
        "input": str(inp), "output": str(out), "rows": rows,
        "decisions": {k: stats["decisions"].get(k, 0) for k in ("block", "review", "pass", "error")},
        "errors": dict(_top(stats["errors"], 100)),
        "categories": dict(_top(stats["categories"], 100)),
        "brands": dict(_top(stats["brands"], top)),
        "terms": [{"category": k.split("\t", 1)[0], "term": k.split("\t", 1)[1], "listings": v}
                  for k, v in _top(stats["terms"], top)],
        "gallery": dict(_top(stats["gallery"], top)),
        "image_errors": dict(_top(stats["image_errors"], 100)),
        "incomplete": dict(_top(stats["incomplete"], 100)),
        "findings": {"effective": stats["findings"].get("effective", 0),
                     "neutralised": stats["findings"].get("neutralised", 0)},
        "versions": versions or {},
        "resumed_from": resumed_from, "scanned_this_run": scanned,
        "seconds": round(elapsed, 3), "rows_per_s": round(scanned / elapsed, 1) if elapsed > 0 else None,
        "workers": workers, "worker_restarts": restarts, "finished_at": _now(),
    }


def format_summary(summary: dict[str, Any]) -> str:
    d = summary["decisions"]
    lines = [
        f"scanned {summary['rows']:,} rows in {_duration(summary['seconds'])}"
        + (f" ({summary['rows_per_s']:,.0f} rows/s, {summary['workers']} workers)" if summary.get("rows_per_s") else "")
        + (f", resumed after {summary['resumed_from']:,}" if summary.get("resumed_from") else ""),
        f"  block {d['block']:,}   review {d['review']:,}   pass {d['pass']:,}   error {d['error']:,}",
    ]
    if summary["errors"]:
        lines.append("  errors: " + ", ".join(f"{k} {v:,}" for k, v in summary["errors"].items()))
    if summary.get("incomplete"):
        lines.append("  incomplete: " + ", ".join(f"{k} {v:,}" for k, v in summary["incomplete"].items()))
    if summary["categories"]:
        lines.append("  categories: " + ", ".join(f"{k} {v:,}" for k, v in summary["categories"].items()))
    if summary["brands"]:
        lines.append("  brands: " + ", ".join(f"{k} {v:,}" for k, v in list(summary["brands"].items())[:10]))
    if summary["terms"]:
        lines.append("  top terms: " + ", ".join(f"{t['term']} {t['listings']:,}" for t in summary["terms"][:10]))
    if summary.get("versions"):
        lines.append("  versions: " + ", ".join(f"{k}={v}" for k, v in summary["versions"].items()))
    return "\n".join(lines)
