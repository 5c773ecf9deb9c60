"""One JSON reader and one JSON writer for everything that takes listings in or sends results out
(HTTP API, batch tool, Spark job), so they cannot drift apart.

Out (`dumps`): strict JSON (RFC 8259), always UTF-8 bytes. Never ``NaN``/``Infinity`` (no strict
parser reads them); a lone surrogate a caller sent (JSON allows ``"\\udfff"``) and we echo back is
written as a ``\\u`` escape, which round-trips the caller's string exactly; a value that still cannot
be written (a non-finite float, an integer too long to print) becomes ``null`` rather than an exception.

In (`loads`): the standard parser, except that a number we cannot hold -- an integer longer than
Python converts (4,300 digits by default, CVE-2020-10735), a float out of range (``1e400``), the
``NaN``/``Infinity`` literals -- does not raise ValueError mid-parse and lose the whole document.
It is parsed as a `BadNumber` marker and `loads` raises `InvalidNumber` carrying the parsed value
and every marker's path, so a caller can refuse exactly the listing(s) holding one
(`invalid_number`) and go on with the rest.
"""
from __future__ import annotations

import json
import math
import sys
import threading
from typing import Any, Iterator

INVALID_NUMBER = "invalid_number"  # the error code of a listing refused for such a number

_CONSTANTS = ("NaN", "Infinity", "-Infinity")


class BadNumber:
    """Stands where a number we cannot hold was in the input. Never written out (dumps -> null)."""

    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal

    def reason(self) -> str:
        s = self.literal
        if s in _CONSTANTS:
            return f"{s} is not a JSON number"
        if not any(c in s for c in ".eE"):
            limit = sys.get_int_max_str_digits()
            return (f"an integer of {len(s.lstrip('-')):,} digits is longer than the {limit:,} digits accepted"
                    if limit else "an integer too long to read")
        shown = s if len(s) <= 24 else s[:20] + "…"
        return f"{shown} is out of range for a number"

    def __repr__(self) -> str:
        return f"BadNumber({self.literal[:24]!r})"


Path = tuple  # keys (str) and indices (int) from the document's root


class InvalidNumber(ValueError):
    """The document parsed, but holds numbers we cannot hold. `value` is the document with
    `BadNumber` markers in their places, `found` the (path, marker) of each."""

    def __init__(self, value: Any, found: list[tuple[Path, BadNumber]]) -> None:
        self.value = value
        self.found = found
        super().__init__(describe(found))


def format_path(path: Path) -> str:
    """('attributes', 'weight') -> attributes.weight; ('bullets', 1) -> bullets[1]."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe(found: list[tuple[Path, BadNumber]]) -> str:
    """One clear sentence about the first bad number (and how many more there are)."""
    path, marker = found[0]
    where = f"field {format_path(path)!r}" if path else "the value"
    more = f" (and {len(found) - 1} more such number{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    return f"{where}: {marker.reason()}{more}"


def within(found: list[tuple[Path, BadNumber]], prefix: Path) -> list[tuple[Path, BadNumber]]:
    """The markers under `prefix`, their paths relative to it."""
    n = len(prefix)
    return [(path[n:], m) for path, m in found if path[:n] == prefix]


def listing_id(raw: Any) -> Any:
    """The id to echo for a listing we refuse: a string or an integer, else None (never a marker)."""
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


# -- reading ------------------------------------------------------------------------------------
_seen = threading.local()  # markers made by this thread's current parse


def _mark(literal: str) -> BadNumber:
    _seen.count += 1
    return BadNumber(literal)


def _parse_int(s: str) -> Any:
    try:
        return int(s)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        return _mark(s)


def _parse_float(s: str) -> Any:
    f = float(s)
    return f if not math.isinf(f) else _mark(s)


# One decoder, like json's own default one: building a JSONDecoder per call costs more than
# parsing a small listing. The hooks run only for numbers.
_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=_parse_float, parse_constant=_mark)


def loads(data: str | bytes | bytearray) -> Any:
    """json.loads (same input types, same JSONDecodeError/RecursionError/UnicodeDecodeError), but a
    number we cannot hold raises `InvalidNumber` once the whole document is parsed."""
    if isinstance(data, (bytes, bytearray)):
        data = data.decode(json.detect_encoding(data), "surrogatepass")
    elif not isinstance(data, str):
        raise TypeError(f"the JSON object must be str, bytes or bytearray, not {type(data).__name__}")
    if data.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", data, 0)
    _seen.count = 0
    value = _DECODER.decode(data)
    if _seen.count:
        raise InvalidNumber(value, list(_markers(value)))
    return value


def _markers(value: Any) -> Iterator[tuple[Path, BadNumber]]:
    # iterative: a document nested nearly as deep as the parser allows must not overflow here
    stack: list[tuple[Path, Any]] = [((), value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, BadNumber):
            yield path, v
        elif isinstance(v, dict):
            stack.extend(((*path, k), x) for k, x in reversed(v.items()))
        elif isinstance(v, list):
            stack.extend(((*path, i), x) for i, x in reversed(list(enumerate(v))))


# -- writing ------------------------------------------------------------------------------------
def _default(obj: Any) -> Any:
    return None if isinstance(obj, BadNumber) else str(obj)


def _encoder(indent: int | None, ascii_only: bool) -> json.JSONEncoder:
    return json.JSONEncoder(ensure_ascii=ascii_only, allow_nan=False, default=_default, indent=indent,
                            separators=(",", ":") if indent is None else (",", ": "))


_COMPACT = _encoder(None, False)
_COMPACT_ASCII = _encoder(None, True)


def dumps(obj: Any, *, indent: int | None = None) -> bytes:
    """Strict JSON as UTF-8 bytes; compact unless `indent`. Never raises for data that json can
    walk: see the module docstring for what happens to values JSON cannot carry."""
    enc = _COMPACT if indent is None else _encoder(indent, False)
    try:
        text = enc.encode(obj)
    except ValueError:  # NaN/Infinity, or an int too long to print
        obj = _sanitise(obj)
        text = enc.encode(obj)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: \u escapes are ASCII and round-trip exactly
        return (_COMPACT_ASCII if indent is None else _encoder(indent, True)).encode(obj).encode("ascii")


def _sanitise(obj: Any) -> Any:
    """A copy with every value strict JSON cannot carry replaced by None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, int) and not isinstance(obj, bool):
        try:
            str(obj)
            return obj
        except ValueError:
            return None
    if isinstance(obj, dict):
        return {k if isinstance(k, str) else str(_sanitise(k)): _sanitise(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_sanitise(v) for v in obj]
    return obj


def utf8_text(s: str) -> str:
    """`s` if it can be UTF-8, else with each lone surrogate replaced by U+FFFD: for sinks that
    cannot carry a \\u escape (Arrow/Parquet strings)."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
