"""Catalogue files -> work items ``(line, kind, payload)``, one per input row, in order.

JSONL (optionally gzip): every physical line is a row; the parent only splits lines and
the workers parse the JSON, so parsing scales with the cores. CSV/TSV: one row per record
(a record may span lines), turned into a contract listing here; a record we cannot use is
an ERROR item, answered with an error row like any other.
"""
from __future__ import annotations

import csv
import gzip
import io
import os
from pathlib import Path
from typing import Any, Iterator

from scanner import jsonio
from scanner.batch.rows import ERROR, LISTING, RAW
from scanner.batch.spec import DEFAULT_MAX_LINE_BYTES, BatchError


def detect_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    if fmt and fmt != "auto":
        return fmt
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return "csv" if name.endswith((".csv", ".tsv")) else "jsonl"


def open_binary(path: Path):
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
    # a review or Q&A row (#20): kind, text, speaker; its listing_id column is then the listing it is about
    "kind": "kind", "text": "text", "speaker": "speaker",
}


def csv_row_to_listing(row: dict[str, str]) -> dict[str, Any]:
    """CSV columns -> a contract listing. bullets: JSON list or '|'-separated;
    attributes: JSON object; images: paths/URLs separated by '|' or whitespace
    (http(s) -> {"url"}, anything else -> {"path"}); authorized_brands: '|'-separated."""
    listing: dict[str, Any] = {}
    kind = next((v.strip() for c, v in row.items() if (c or "").strip().lower() == "kind" and v), "")
    if kind and kind != "listing":  # a review or qa row: id, listing_id, text, speaker as they are named
        for column, value in row.items():
            name = (column or "").strip().lower()
            if value is None or value == "":
                continue
            if name in ("kind", "text", "speaker", "listing_id", "locale"):
                listing[name] = value.strip() if name in ("kind", "speaker") else value
            elif _CSV_ALIASES.get(name) == "id":
                listing["id"] = value
            elif _CSV_ALIASES.get(name) is not None:  # title, images… on a review: the engine refuses the row
                listing[_CSV_ALIASES[name]] = value
        return listing
    for column, value in row.items():
        key = _CSV_ALIASES.get((column or "").strip().lower())
        if key is None or value is None or value == "" or key == "kind":
            continue
        if key in ("id", "title", "description", "locale", "text", "speaker"):  # text, speaker: the engine refuses
            # them on a listing (a file of reviews with no kind column must not pass unscanned)
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
        if len(record) > len(header):  # the id column is still where the header says: echo it
            yield line, ERROR, ("invalid_csv", f"line {line}: {len(record)} fields, the header has {len(header)}",
                                _csv_id(dict(zip(header, record))))
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
        with open_binary(path) as fh:
            yield from iter_jsonl(fh, max_line_bytes)
    elif fmt == "csv":
        with open_binary(path) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            dialect = "excel-tab" if str(path).lower().removesuffix(".gz").endswith(".tsv") else "excel"
            yield from iter_csv(text, max_line_bytes, dialect)
    else:
        raise BatchError(f"unknown input format {fmt!r} (expected jsonl or csv)")


def count_rows_estimate(path: Path, fmt: str) -> int | None:
    """Newline count (fast, ~1 GB/s) for the progress bar's total; an estimate for CSV."""
    try:
        n, last = 0, b"\n"
        with open_binary(path) as fh:
            while block := fh.read(1 << 22):
                n += block.count(b"\n")
                last = block[-1:]
        n += last != b"\n"
        return max(n - 1, 0) if fmt == "csv" else n
    except OSError:
        return None
