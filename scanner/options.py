"""Per-scan options: what a caller may ask of one scan besides the listing. The one parser of them.

The library takes them as keyword arguments (`Scanner.scan(listing, language="zh")`); HTTP callers send
`"options": {"language": "zh"}` (beside the listing in /v1/scan, beside `listings` in /v1/scan/batch, a
form field in /v1/scan/image), parsed here. An option the scanner does not know, or a value it cannot
honour, is refused with a message naming it, never ignored: a typo (`"lang"`) must not silently give
English.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from scanner.categories import LANGUAGES

DEFAULT_LANGUAGE = LANGUAGES[0]


class InvalidOptions(ValueError):
    code = "invalid_options"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_language(language: Any) -> str:
    if language not in LANGUAGES or not isinstance(language, str):
        known = ", ".join(repr(x) for x in LANGUAGES)
        raise InvalidOptions(f"options.language must be one of {known}; got {language!r}")
    return language


class ScanOptions(NamedTuple):
    language: str = DEFAULT_LANGUAGE  # explanations' language (categories.LANGUAGES)

    def scan_kwargs(self) -> dict[str, Any]:
        """What to pass to Scanner.scan: only what differs from its defaults."""
        return {name: value for name, value in self._asdict().items() if value != self._field_defaults[name]}


DEFAULT_OPTIONS = ScanOptions()


def parse_options(raw: Any) -> ScanOptions:
    """`raw` is the JSON value of "options" (None when absent). Raises InvalidOptions."""
    if raw is None:
        return DEFAULT_OPTIONS
    if not isinstance(raw, dict):
        raise InvalidOptions(f"'options' must be a JSON object, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(ScanOptions._fields))
    if unknown:
        known = ", ".join(ScanOptions._fields)
        raise InvalidOptions(f"unknown option(s) {', '.join(map(repr, unknown))}; known: {known}")
    return ScanOptions(language=check_language(raw.get("language", DEFAULT_LANGUAGE)))
