"""Scan a corpus and write every result field except the timing, exactly (floats by repr).

Imported by test_compiled_glue.py for the in-process (compiled) side, and run as a script
with SCANNER_PURE_PYTHON=1 for the pure-Python side:
    python tests/oracles/glue_snapshot.py corpus.json out.json
"""
from __future__ import annotations

import json
import sys
from types import MappingProxyType


def _plain(value):
    if isinstance(value, (MappingProxyType, dict)):
        return {k: _plain(v) for k, v in dict(value).items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def snapshot(result) -> dict:
    if hasattr(result, "_asdict"):  # ScanResult
        d = {k: _plain(v) for k, v in result._asdict().items() if k != "took_ms"}
        d["findings"] = [_plain(f._asdict()) for f in result.findings]
        return d
    return {"failed": _plain(result)}  # FailedScan (a dataclass)


def snapshots(listings: list, text_scanner=None) -> list[dict]:
    """Scanned by `text_scanner` (the test session's), or by a text-only Scanner on the bundled lists."""
    import scanner
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    if text_scanner is None:
        text_scanner = Scanner(TextEngine.load(BUNDLED_WORDLISTS))
    out = [snapshot(text_scanner.scan(listing)) for listing in listings]
    return [{"glue": scanner.COMPILED_GLUE}] + out


if __name__ == "__main__":
    corpus = json.loads(open(sys.argv[1], encoding="utf-8").read())
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(snapshots(corpus), f)  # ASCII escapes: results may carry lone surrogates
