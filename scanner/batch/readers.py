"""Catalogue files -> work items ``(line, kind, payload)``, one per input row, in order.

JSONL (optionally gzip): every physical line is a row; the parent only splits lines and
the workers parse the JSON, so parsing scales with the cores. CSV/TSV: one row per record
(a quoted field may span lines), turned into a contract listing here; a record we cannot use is
an ERROR item, answered with an error row like any other.
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import re
from collections import deque
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


MAX_RECORD_LINES = 1000
"""A CSV record may span lines (a quoted field may hold newlines), but not more than this many: a quote still open
after them is read as a stray quote (red-team R06), like one the file ends inside."""


class _RecordTooLong(Exception):
    """The record being read runs past MAX_RECORD_LINES physical lines."""


class _Lines:
    """The physical lines of a CSV text, fed to csv.reader one at a time. It numbers them and keeps the lines of the
    record being read, so that a record we refuse can be read again from its second line: a stray quote costs its
    own row an error row and nothing else."""

    def __init__(self, fh) -> None:
        self._fh = iter(fh)
        self._again: deque[str] = deque()  # lines of a refused record, to be read again
        self.record: list[str] = []  # the physical lines of the record being read
        self.first = 1  # the physical line number of its first line (the header is line 1)
        self.hit_end = False  # the reader asked for a line past the end of the file during this record

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if len(self.record) >= MAX_RECORD_LINES:
            raise _RecordTooLong
        if self._again:
            line = self._again.popleft()
        else:
            try:
                line = next(self._fh)
            except StopIteration:
                self.hit_end = True
                raise
        self.record.append(line)
        return line

    def accept(self) -> int:
        """The record just read is a row (or an error row of its own): the next record starts after its last
        line. Returns its first line."""
        line = self.first
        self.first += len(self.record)
        self.record, self.hit_end = [], False
        return line

    def refuse(self) -> int:
        """The record just read is a stray quote: the next record starts at the line after its first line.
        Returns its first line."""
        line = self.first
        self._again.extendleft(reversed(self.record[1:]))
        self.first += 1
        self.record, self.hit_end = [], False
        return line


def _open_quote(lines: _Lines, dialect: str, record: list[str] | None = None, header_len: int = 0,
                id_column: int | None = None) -> str | None:
    """Why the record csv.reader just returned is a quote left open that swallowed the lines after it, or None.
    A legitimate quoted field closes before the end of the file and is followed by a delimiter or the end of a
    line (csv's strict mode checks that); a stray quote runs to the end of the file, closes at some later row's
    quote in the middle of a field, or closes properly at a later row's quote that ends a field (`24"`): then a
    line it swallowed reads on its own as a row of this file (`_reads_as_a_row`)."""
    if lines.hit_end:  # csv.reader reads past the last line only while a quote is open
        return "the file ends inside the quoted field it opens"
    if len(lines.record) > 1:
        try:
            next(csv.reader(lines.record, dialect=dialect, strict=True))
        except csv.Error as exc:
            return f"it runs on to line {lines.first + len(lines.record) - 1} and ends there badly ({exc})"
        if record is not None and id_column is not None and id_column < len(record):
            for n, line in enumerate(lines.record[1:], start=lines.first + 1):
                if _reads_as_a_row(line, dialect, header_len, id_column, record[id_column]):
                    return f"line {n} inside it reads as a row of its own"
    return None


_DIGIT_RUNS = re.compile(r"[0-9]+")
NEIGHBOUR_IDS = 1000
"""How far apart two ids' numbers may be for one to read as the row after the other (`_next_id`)."""


def _next_id(candidate: str, own: str) -> bool:
    """Whether `candidate` reads as an id of a row near `own` in the same file: the same letters and punctuation
    around its digits, the same digits but the last run, and that run's number within NEIGHBOUR_IDS of own's, with
    as many digits (one more only after 9, 99…: r9 → r10) (r2 → r3, SKU-000121 → SKU-000122, 100231 → 100232).
    A size chart's 165 under the ids 1001… or 12, an XL34 under AB12 is no neighbour, nor is any number under the
    ids 1-99. Random ids (ASINs, UUIDs) have no numbers to compare: one of the same code shape is a neighbour
    (`_same_code`)."""
    if _same_code(candidate, own) and not _NUMBERED.search(own):  # a numbered id (SKU-000121) compares its number
        return True
    if candidate.isdigit() and len(own) < 3:  # ids 1-99: a chart's sizes (38,39,40) are as near
        return False
    if _DIGIT_RUNS.sub("#", candidate) != _DIGIT_RUNS.sub("#", own):  # other letters or punctuation
        return False
    runs_c, runs_o = _DIGIT_RUNS.findall(candidate), _DIGIT_RUNS.findall(own)  # as many runs: the same skeleton
    if not runs_c or runs_c[:-1] != runs_o[:-1]:
        return False
    last_c, last_o = runs_c[-1], runs_o[-1]
    # as many digits, or one more right after an all-9 number (r9 -> r10); the first line a stray quote swallows
    # is the next row, so a run of ids crossing 10^k later is still caught by that first line
    longer = len(last_c) == len(last_o) + 1 and set(last_o) == {"9"}
    return (len(last_c) == len(last_o) or longer) and abs(int(last_c) - int(last_o)) <= NEIGHBOUR_IDS


CODE_MIN = 8
_NUMBERED = re.compile(r"[0-9]{3}")  # an id with a run of 3+ digits is numbered: `_next_id` compares the number
"""The shortest random id `_same_code` compares: shorter codes (sizes, colours: XL34, A2) are common in charts."""


def _same_code(candidate: str, own: str) -> bool:
    """Whether two random ids have one code shape: as long (at least CODE_MIN), letters and digits in both, the same
    punctuation at the same places, letters of the same case, and (with no punctuation to line up) the same first
    character: B07XJ8C8F5 and B08N5WRWNW (ASINs), two UUIDs. A spec line's model number (SM-G991B, MPN 4A1B2C3D) has
    another length, case or punctuation."""
    if len(candidate) != len(own) or len(own) < CODE_MIN or not (candidate.isascii() and own.isascii()):
        return False
    punctuation = False
    for a, b in zip(candidate, own):
        if a.isalnum() != b.isalnum() or (not a.isalnum() and a != b):
            return False
        punctuation = punctuation or not a.isalnum()
    if not punctuation and candidate[0] != own[0]:
        return False
    for code in (candidate, own):
        if not (any(c.isdigit() for c in code) and any(c.isalpha() for c in code)):
            return False
    letters = candidate + own
    return not (any(c.isupper() for c in letters) and any(c.islower() for c in letters))


def _reads_as_a_row(line: str, dialect: str, header_len: int, id_column: int, own_id: str) -> bool:
    """A physical line inside a multi-line field that is a row of the file on its own: exactly the header's number
    of fields (what an export writes for every row), and an id that reads as a neighbour of the record's own
    (`_next_id`). A legitimate field's lines are prose, specs or charts: `尺寸: 10cm, 重量: 2kg`, `165,88,60`."""
    if header_len < 2 or not own_id or len(own_id) > 100:
        return False
    try:
        fields = next(csv.reader([line.rstrip("\r\n")], dialect=dialect))
    except (csv.Error, StopIteration):
        return False
    return len(fields) == header_len and _next_id(fields[id_column], own_id)


def _stray_quote_row(lines: _Lines, header: list[str], dialect: str, why: str) -> tuple[int, int, Any]:
    """The error row of a record whose quote never closed properly; its id if the id column comes before the
    field the quote opens (that field is the last one of its first line)."""
    try:
        fields = next(csv.reader(lines.record[:1], dialect=dialect))[:-1]
    except (csv.Error, StopIteration):
        fields = []
    line = lines.refuse()
    return line, ERROR, ("invalid_csv", f"line {line}: a quote on this line is not closed: {why}; read as a stray "
                         "quote, the lines after it are rows of their own", _csv_id(dict(zip(header, fields))))


def iter_csv(fh_text, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, dialect: str = "excel"
             ) -> Iterator[tuple[int, int, Any]]:
    """One row per CSV record (a record may span up to MAX_RECORD_LINES lines); `line` is the record's first
    physical line (the header is line 1). A quote that does not close properly (a stray quote) is one
    `invalid_csv` error row for the line it is on, and reading goes on at the next physical line."""
    csv.field_size_limit(max_line_bytes)
    lines = _Lines(fh_text)
    reader = csv.reader(lines, dialect=dialect)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise BatchError(f"cannot read the CSV header: {exc}") from exc
    except _RecordTooLong:
        raise BatchError(f"cannot read the CSV header: a quote on line 1 is still open {MAX_RECORD_LINES} lines "
                         "later") from None
    if why := _open_quote(lines, dialect):
        raise BatchError(f"cannot read the CSV header: a quote on line 1 is not closed: {why}")
    lines.accept()
    if not any(_CSV_ALIASES.get(h.strip().lower()) for h in header):
        raise BatchError(f"the CSV header names none of the listing columns (id, title, description, image…): {header}")
    id_column = next((i for i, h in enumerate(header) if _CSV_ALIASES.get(h.strip().lower()) == "id"), None)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except _RecordTooLong:
            yield _stray_quote_row(lines, header, dialect, f"it is still open {MAX_RECORD_LINES} lines later")
            continue
        except csv.Error as exc:
            if len(lines.record) > 1:  # a field larger than --max-line-bytes that began with a quote
                yield _stray_quote_row(lines, header, dialect, str(exc))
            else:
                line = lines.accept()
                yield line, ERROR, ("invalid_csv", f"line {line}: {exc}")
            continue
        if why := _open_quote(lines, dialect, record, len(header), id_column):
            yield _stray_quote_row(lines, header, dialect, why)
            continue
        line = lines.accept()
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
