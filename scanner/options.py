"""Per-scan options: what a caller may ask of one scan besides the listing. The one definition and parser.

A caller asks in the listing itself, `"options": {"language": "zh", "mask": true, "ocr": true, "suggest": true,
"policy": "cosmetics"}` (so HTTP,
batch files and Spark rows carry them alike; a /v1/scan/batch request may also send `options` beside
`listings`, which every listing without its own takes), or as keyword arguments of `Scanner.scan`, which
win over the listing's. An option the scanner does not know, or a value it cannot honour, is the caller's
mistake and is refused with `invalid_options` naming it, never ignored: a typo (`"lang"`) must not
silently give English, and `"mask": "yes"` must not silently leave personal data unmasked.
"""
from __future__ import annotations

from collections import abc
from typing import Any, NamedTuple

from scanner.categories import LANGUAGES

DEFAULT_LANGUAGE = LANGUAGES[0]


class InvalidOptions(ValueError):
    code = "invalid_options"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ScanOptions(NamedTuple):
    language: str = DEFAULT_LANGUAGE  # the explanations' language (categories.LANGUAGES)
    mask: bool = False                # also return `masked`: text fields with personal data replaced by *
    ocr: bool | None = None           # read text in the images (None: the scanner's default, SCANNER_OCR)
    suggest: bool = False             # also return `suggested`: the copy rewritten (scanner/text/rewrite.py)
    policy: str | None = None         # the named policy profile (wordlists/profiles/, #20); None: `default`

    def scan_kwargs(self) -> dict[str, Any]:
        """What to pass to Scanner.scan: only what differs from its defaults."""
        return {name: value for name, value in self._asdict().items() if value != self._field_defaults[name]}


DEFAULT_OPTIONS = ScanOptions()


def check_language(language: Any) -> str:
    if not isinstance(language, str) or language not in LANGUAGES:
        known = ", ".join(repr(x) for x in LANGUAGES)
        raise InvalidOptions(f"options.language must be one of {known}; got {language!r}")
    return language


def _check_bool(name: str, value: Any, allow_none: bool = False) -> bool | None:
    if type(value) is bool or (allow_none and value is None):
        return value
    raise InvalidOptions(f"option 'options.{name}' must be true or false, got {type(value).__name__}")


def check_policy(value: Any) -> str | None:
    """A profile name's shape only; whether the loaded word lists have it is the scan's question (an unknown
    name is that listing's `unknown_policy` error, never the default policy)."""
    if value is None or (isinstance(value, str) and 0 < len(value) <= 40):
        return value
    raise InvalidOptions(f"option 'options.policy' must be a profile name (a string of 1-40 characters), "
                         f"got {type(value).__name__}")


_CHECKS = {
    "language": check_language,
    "mask": lambda v: _check_bool("mask", v),
    "ocr": lambda v: _check_bool("ocr", v, allow_none=True),
    "suggest": lambda v: _check_bool("suggest", v),
    "policy": check_policy,
}
assert set(_CHECKS) == set(ScanOptions._fields)


def parse_options(raw: Any) -> ScanOptions:
    """`raw` is the JSON value of "options" (None when absent) -> ScanOptions; raises InvalidOptions."""
    if raw is None:
        return DEFAULT_OPTIONS
    if type(raw) is not dict and not isinstance(raw, abc.Mapping):
        raise InvalidOptions(f"field 'options' must be a JSON object, got {type(raw).__name__}")
    if not raw:
        return DEFAULT_OPTIONS
    unknown = sorted(str(k) for k in raw if k not in _CHECKS)
    if unknown:
        raise InvalidOptions(f"unknown option(s) {', '.join(map(repr, unknown))}; known: {', '.join(_CHECKS)}")
    return DEFAULT_OPTIONS._replace(**{key: _CHECKS[key](value) for key, value in raw.items()})
