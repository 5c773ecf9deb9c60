"""What OCR read from an image, kept by the image's content hash and the OCR version (SQLite).

OCR costs ~100x a text scan, and a catalogue rescan after a word-list change sees the same images
again: a rescan reads the stored text (and scans it with the new word lists) instead of running OCR.
The key is sha256(image bytes) + the OCR version (engine, models, settings), so a new model or
setting never serves an old read. Any number of threads and processes may share one file (WAL).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

DEFAULT_OCR_CACHE_NAME = "ocr-cache.sqlite3"  # beside the gallery database by default (scanner.config)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ocr (
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    lines TEXT NOT NULL,       -- JSON [[text, [x0, y0, x1, y1], confidence], ...]
    stored_at REAL NOT NULL,
    PRIMARY KEY (sha256, version)
) WITHOUT ROWID
"""


class OcrCache:
    """get/put of one image's OCR lines; thread-safe (one connection behind a lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
        if str(path) != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get(self, sha256: str, version: str) -> list | None:
        with self._lock:
            row = self._db.execute("SELECT lines FROM ocr WHERE sha256 = ? AND version = ?",
                                   (sha256, version)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, sha256: str, version: str, lines: list) -> None:
        doc = json.dumps(lines, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO ocr (sha256, version, lines, stored_at) VALUES (?, ?, ?, ?)",
                             (sha256, version, doc, time.time()))

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM ocr").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
