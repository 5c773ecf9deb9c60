"""What OCR read from an image, kept by the image's content hash and the OCR version (SQLite).

OCR costs ~100x a text scan, and a catalogue rescan after a word-list change sees the same images
again: a rescan reads the stored text (and scans it with the new word lists) instead of running OCR.
The key is sha256(image bytes) + the OCR version (engine, models, settings), so a new model or
setting never serves an old read. Any number of threads and processes may share one file (WAL).

The cache is bounded (SCANNER_OCR_CACHE_MAX_BYTES): a client sending distinct images must not grow it
without limit (redteam15). Each entry counts the bytes of its key and its JSON lines; the total is kept in
one row, updated in the same transaction as the entries, so every process sharing the file sees one
figure. A put that takes the total over the bound removes the least recently used entries first. A hit marks
its entry used again at most once per TOUCH_AFTER_S, so a rescan of a catalogue keeps its entries while a
burst of new images pushes out the oldest, and a rescan within the hour writes nothing.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

DEFAULT_OCR_CACHE_NAME = "ocr-cache.sqlite3"  # beside the gallery database by default (scanner.config)
TOUCH_AFTER_S = 3600.0  # a hit older than this marks its entry used again (one write), else nothing is written
EVICT_STEP = 64  # least recently used entries looked at per query while making room

_SCHEMA = """
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS reads (
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    lines TEXT NOT NULL,       -- JSON [[text, [x0, y0, x1, y1], confidence, quad], ...]
    size INTEGER NOT NULL,     -- bytes counted against the bound: key + UTF-8 JSON
    used_at REAL NOT NULL,     -- stored or last hit (to TOUCH_AFTER_S): the least recent goes first
    PRIMARY KEY (sha256, version)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reads_by_use ON reads (used_at);
CREATE TABLE IF NOT EXISTS totals (
    one INTEGER PRIMARY KEY CHECK (one = 0),
    bytes INTEGER NOT NULL,
    entries INTEGER NOT NULL
);
INSERT OR IGNORE INTO totals SELECT 0, coalesce(sum(size), 0), count(*) FROM reads;
-- the unbounded table of earlier versions: its reads are made again once, then kept here
DROP TABLE IF EXISTS ocr;
COMMIT;
"""


class OcrCache:
    """get/put of one image's OCR lines, at most `max_bytes` in all; thread-safe (one connection behind a lock)."""

    def __init__(self, path: str | Path, *, max_bytes: int, clock: Callable[[], float] = time.time) -> None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {max_bytes}")
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._clock = clock
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
        if str(path) != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._db.executescript(_SCHEMA)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE: the total is read and changed by one process at a time)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get(self, sha256: str, version: str) -> list | None:
        now = self._clock()
        with self._lock:
            row = self._db.execute("SELECT lines, used_at FROM reads WHERE sha256 = ? AND version = ?",
                                   (sha256, version)).fetchone()
            if row is not None and row[1] < now - TOUCH_AFTER_S:
                self._db.execute("UPDATE reads SET used_at = ? WHERE sha256 = ? AND version = ?", (now, sha256, version))
        return json.loads(row[0]) if row else None

    def put(self, sha256: str, version: str, lines: list) -> bool:
        """Store a read; False (nothing stored) if the one entry is larger than the whole bound."""
        doc = json.dumps(lines, ensure_ascii=False, separators=(",", ":"))
        size = len(sha256) + len(version.encode("utf-8")) + len(doc.encode("utf-8"))
        if size > self.max_bytes:
            return False
        now = self._clock()
        with self._lock, self._write():
            db = self._db
            old = db.execute("SELECT size FROM reads WHERE sha256 = ? AND version = ?", (sha256, version)).fetchone()
            if old is not None:
                db.execute("DELETE FROM reads WHERE sha256 = ? AND version = ?", (sha256, version))
            db.execute("INSERT INTO reads (sha256, version, lines, size, used_at) VALUES (?, ?, ?, ?, ?)",
                       (sha256, version, doc, size, now))
            db.execute("UPDATE totals SET bytes = bytes + ?, entries = entries + ?",
                       (size - (old[0] if old else 0), 0 if old else 1))
            total = db.execute("SELECT bytes FROM totals").fetchone()[0]
            if total > self.max_bytes:
                self._evict(total - self.max_bytes, keep=(sha256, version))
        return True

    def _evict(self, excess: int, keep: tuple[str, str]) -> None:
        """Remove the least recently used entries (never `keep`, the one just stored) until `excess` bytes went."""
        db, freed, removed = self._db, 0, 0
        while freed < excess:
            oldest = db.execute("SELECT sha256, version, size FROM reads ORDER BY used_at LIMIT ?",
                                (EVICT_STEP + 1,)).fetchall()
            oldest = [r for r in oldest if (r[0], r[1]) != keep]
            if not oldest:
                break
            for sha, version, size in oldest:
                db.execute("DELETE FROM reads WHERE sha256 = ? AND version = ?", (sha, version))
                freed, removed = freed + size, removed + 1
                if freed >= excess:
                    break
        db.execute("UPDATE totals SET bytes = bytes - ?, entries = entries - ?", (freed, removed))

    def size_bytes(self) -> int:
        """The bytes counted against max_bytes (by every process sharing the file)."""
        with self._lock:
            return self._db.execute("SELECT bytes FROM totals").fetchone()[0]

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT entries FROM totals").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
