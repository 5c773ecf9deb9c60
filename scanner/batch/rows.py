"""One work item in, one output row out -- the row function the local workers and Spark share.

A work item is ``(line, kind, payload)``: `line` is the input row number (1-based; for JSONL
the physical line), `kind` says what the payload holds. Every item becomes exactly one row,
``{"id": ..., "line": n, ...}`` followed by the contract result, whatever went wrong:

* an input we could not read or parse -> an error row (`error_row`: the contract's
  `FailedScan` plus the line);
* a scan that overran the per-row limit -> a `review` row marked incomplete (`timeout_row`:
  `scanner.results.unfinished`), never an error a seller could slip through.
"""
from __future__ import annotations

import json
import signal
import threading
from typing import Any

from scanner import jsonio
from scanner.results import FailedScan, ScanError, unfinished

# Work item kinds
RAW = 0      # payload: bytes of one JSONL line (without the newline)
LISTING = 1  # payload: a listing dict (CSV rows, Spark rows)
ERROR = 2    # payload: (code, message[, id]) found by the reader
TIMED_OUT = 3  # payload: (kind, payload, message) of a row that hung its worker: not scanned again

SCAN_TIMEOUT = "scan_timeout"


def with_line(result: dict[str, Any], line: int | None) -> dict[str, Any]:
    """A contract result dict as an output row: `id`, then the input `line`, then the rest."""
    row = {"id": result.pop("id", None), "line": line}
    row.update(result)
    return row


def error_row(line: int | None, code: str, message: str, listing_id: Any = None, versions=None) -> dict[str, Any]:
    return with_line(FailedScan(listing_id, ScanError(code, message), dict(versions or {})).to_dict(), line)


def internal_error_row(line: int | None, exc: BaseException, listing_id: Any = None) -> dict[str, Any]:
    """A bug met while answering one row: that row's error, never the run's."""
    return error_row(line, "internal_error", f"{type(exc).__name__}: {exc}"[:500], listing_id)


def process_item(engine, line: int | None, kind: int, payload: Any) -> dict[str, Any]:
    """One work item -> one output row (a contract dict with the input `line`).
    Never raises: whatever goes wrong becomes an error row for this row only."""
    return scan_item(engine, line, kind, payload)[0]


def scan_item(engine, line: int | None, kind: int, payload: Any) -> tuple[dict[str, Any], Any]:
    """process_item, and the listing as it was scanned (the JSON line parsed once; None when the row was
    not scanned): the review queue builds its reviewer's copy from it instead of parsing the line again."""
    if kind == ERROR:
        code, message, *rest = payload
        return error_row(line, code, message, rest[0] if rest else None), None
    if kind == TIMED_OUT:
        return timeout_row(line, *payload, versions=getattr(engine, "versions", None)), None
    if kind == RAW:
        try:
            text = payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else payload
        except UnicodeDecodeError as exc:
            return error_row(line, "invalid_encoding", f"line {line} is not valid UTF-8 (byte {exc.start})"), None
        if text.startswith("\ufeff"):
            text = text[1:]
        if not text.strip():
            return error_row(line, "empty_line", f"line {line} is empty"), None
        try:
            raw = jsonio.loads(text)
        except jsonio.InvalidNumber as exc:
            return error_row(line, jsonio.INVALID_NUMBER, f"line {line}: {exc}", jsonio.listing_id(exc.value)), None
        except (ValueError, RecursionError) as exc:
            detail = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else (
                "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200])
            return error_row(line, "invalid_json", f"line {line}: {detail}"), None
    else:
        raw = payload
    try:
        result = engine.scan(raw)
        d = result.to_dict()
    except Exception as exc:  # the engine promises not to raise; a bug must not sink the run
        return internal_error_row(line, exc, jsonio.listing_id(raw)), None
    return with_line(d, line), raw


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
    return with_line(unfinished(jsonio.listing_id(raw), SCAN_TIMEOUT, message, dict(versions or {})).to_dict(), line)


def alarm_message(line: int | None, seconds: float) -> str:
    return (f"line {line}: scanning took longer than {seconds:g} s (--row-timeout) and was stopped; "
            "the listing needs review")


def hung_message(line: int, seconds: float) -> str:
    return (f"line {line}: scanning took longer than {seconds:g} s (--row-timeout) and did not stop; "
            "its worker was killed and the listing needs review")


# -- the per-row limit inside one process ----------------------------------------------
_IN_ROW = False  # the SIGALRM handler raises only while a row is being scanned


class _RowTimeout(BaseException):
    """Raised in a worker when a row overruns --row-timeout. A BaseException, so that an
    `except Exception` inside the engine cannot swallow it."""


def _on_alarm(signum, frame) -> None:
    if _IN_ROW:
        raise _RowTimeout()


def install_row_alarm() -> bool:
    """Route SIGALRM to the per-row limit. Signals reach only a process's main thread, so
    elsewhere this does nothing and returns False (rows then run without a limit)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGALRM, _on_alarm)
    return True


def scan_row_with_alarm(engine, line: int | None, kind: int, payload: Any, seconds: float) -> dict[str, Any]:
    """process_item, or a scan_timeout review row if it runs past `seconds` (needs install_row_alarm)."""
    return scan_item_with_alarm(engine, line, kind, payload, seconds)[0]


def scan_item_with_alarm(engine, line: int | None, kind: int, payload: Any, seconds: float) -> tuple[dict[str, Any], Any]:
    """scan_item under the per-row limit (a timed-out row comes with no listing)."""
    global _IN_ROW
    try:
        _IN_ROW = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
        out = scan_item(engine, line, kind, payload)
        _IN_ROW = False  # before leaving the try: an alarm from here on is caught below
        return out
    except _RowTimeout:
        return timeout_row(line, kind, payload, alarm_message(line, seconds), getattr(engine, "versions", None)), None
    finally:
        _IN_ROW = False
        signal.setitimer(signal.ITIMER_REAL, 0)
