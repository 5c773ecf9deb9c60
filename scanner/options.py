"""Per-scan options: the one place they are defined and parsed.

A caller asks for them in the listing itself, `"options": {"mask": true}` (so HTTP, batch files
and Spark rows carry them alike), or as keyword arguments of `Scanner.scan`, which win. An
unknown option or a value of the wrong type is the caller's bug: `invalid_listing`, naming it.
"""
from __future__ import annotations

from collections import abc
from typing import Any, NamedTuple


class ScanOptions(NamedTuple):
    # Return `masked`: each text field with its personal data replaced by * (same length).
    mask: bool = False


DEFAULT_OPTIONS = ScanOptions()
_TYPES = {name: type(default) for name, default in DEFAULT_OPTIONS._asdict().items()}


class InvalidOptions(ValueError):
    pass


def parse_options(raw: Any) -> ScanOptions:
    """`options` as the caller sent it (None or an object) -> ScanOptions, or InvalidOptions."""
    if raw is None:
        return DEFAULT_OPTIONS
    if type(raw) is not dict and not isinstance(raw, abc.Mapping):
        raise InvalidOptions(f"field 'options' must be an object like {{\"mask\": true}}, got {type(raw).__name__}")
    if not raw:
        return DEFAULT_OPTIONS
    values = {}
    for key, value in raw.items():
        wanted = _TYPES.get(key)
        if wanted is None:
            raise InvalidOptions(f"unknown option {key!r} in 'options' (known: {', '.join(_TYPES)})")
        if type(value) is not wanted:
            raise InvalidOptions(f"option 'options.{key}' must be {_NAMES[wanted]}, got {type(value).__name__}")
        values[key] = value
    return DEFAULT_OPTIONS._replace(**values)


_NAMES = {bool: "true or false", str: "a string", int: "an integer"}
