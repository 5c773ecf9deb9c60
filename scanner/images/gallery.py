"""Stage 4: the persistent counterfeit gallery (SQLite, WAL, one transaction per edit).

Schema (hashes are stored as big-endian BLOBs -- 8 bytes for phash64, 32 for the
256-bit hashes -- never as hex strings):

    meta(key PRIMARY KEY, value)                    schema, algorithm, version, generation (a random
                                                    token per edit: keys the snapshot's index file)
    entries(id PRIMARY KEY, brand, label, source, note, added_at, sha256, width, height, digest)
    hashes(entry_id, view, phash64, phash, dhash, colour, PRIMARY KEY(entry_id, view))
    thumbnails(entry_id PRIMARY KEY, data)          small JPEG of the entry's image (schema 3)
    images(entry_id PRIMARY KEY, data)              canonical copy of the image (schema 4):
                                                    everything else is derived from it
    verify(entry_id PRIMARY KEY, keypoints)         what verification reads per candidate (schema 4)

(`colour` is the 32-byte colour signature of the view, algorithm v2 / schema 2.)

Schema 4 (algorithm v4) keeps a canonical downscaled copy of every image (`images`): the
hashes, keypoints and thumbnail are derived from it, so `rehash()` (`scanner gallery
rehash`) re-derives them in place after an algorithm change, without the original files.
A gallery of another algorithm is refused (never mixed): with image copies the message
points at `scanner gallery rehash`, without them (schema <= 3) at re-adding the images.
`images` and `verify` are separate tables: the snapshot's bulk load never reads them;
verification reads one row per candidate.

Schema history: 2 -> 3 adds the `thumbnails` table (a separate table, so `load()` and the
snapshot never read the image bytes). A schema-2 database is migrated in place when it is
opened -- table created, `meta.schema` set to 3, in the same IMMEDIATE transaction; old
entries simply have no thumbnail. Thumbnails are not part of `entry_digest`/`version`:
they are derived from the image, and JPEG bytes depend on the encoder build.

`version` = "sha256:" + sha256 over the entries' digests in id order; every edit
recomputes it inside the same transaction, so a `kill -9` leaves either the old content
and old version or the new content and new version. Another process' commits are
noticed through `PRAGMA data_version`.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from itertools import repeat
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from scanner.images.hashing import ALGORITHM_VERSION, ALL_HASHES, HASH_BITS

SCHEMA_VERSION = "4"  # 2: hashes.colour column (algorithm v2); 3: thumbnails table; 4: images + verify
# older schemas this code upgrades in place (same algorithm: nothing to re-hash)
_MIGRATIONS = {"2": "3", "3": "4"}
EMPTY_VERSION = "sha256:" + hashlib.sha256(b"").hexdigest()


class GalleryError(RuntimeError):
    """The gallery database cannot be used (corrupt, not SQLite, wrong schema or algorithm)."""


class GalleryAlgorithmError(GalleryError):
    """The gallery was written by another hash algorithm version: its hashes are not comparable."""


_COLS = ", ".join(ALL_HASHES)
RECORD_SIZE = sum(HASH_BITS[h] // 8 for h in ALL_HASHES)  # one view's BLOBs, concatenated (load_packed)


def _blob(value: int, bits: int) -> bytes:
    return value.to_bytes(bits // 8, "big")


def entry_digest(entry: dict[str, Any]) -> str:
    """Content hash of one entry: metadata + hashes (not the added time)."""
    doc = {
        "id": entry["id"], "brand": entry["brand"], "label": entry.get("label"),
        "source": entry.get("source"), "note": entry.get("note"),
        "hashes": {v: {h: format(hs[h], "x") for h in ALL_HASHES} for v, hs in sorted(entry["hashes"].items())},
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class GalleryStore:
    def __init__(self, path: str | Path, *, create: bool = True, for_rehash: bool = False) -> None:
        """`for_rehash`: open a gallery of another algorithm (same schema) only to `rehash()` it."""
        self.path = Path(path)
        self._other_algorithm_ok = for_rehash
        if not create and not self.path.exists():
            raise GalleryError(f"gallery database {self.path} does not exist")
        if self.path.exists() and self.path.is_dir():
            raise GalleryError(f"gallery path {self.path} is a directory, not a database file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None,
                                       timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._init_schema()
        except sqlite3.DatabaseError as e:
            raise GalleryError(
                f"gallery database {self.path} is not a usable SQLite database ({e}); "
                "restore it from an export (`scanner gallery import`) or point SCANNER_GALLERY elsewhere"
            ) from e

    # --- schema -------------------------------------------------------------------
    def _init_schema(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS entries(id TEXT PRIMARY KEY, brand TEXT NOT NULL, label TEXT,"
                    " source TEXT, note TEXT, added_at REAL NOT NULL, sha256 TEXT, width INTEGER, height INTEGER,"
                    " digest TEXT NOT NULL)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS hashes(entry_id TEXT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,"
                    " view TEXT NOT NULL, " + ", ".join(f"{h} BLOB NOT NULL" for h in ALL_HASHES) + ","
                    " PRIMARY KEY(entry_id, view))"
                )
                self._create_thumbnails()
                self._create_images()
                meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
                if not meta:
                    self._db.executemany("INSERT INTO meta VALUES (?, ?)", [
                        ("schema", SCHEMA_VERSION), ("algorithm", ALGORITHM_VERSION), ("version", EMPTY_VERSION)])
                else:
                    # algorithm first: an older algorithm also means an older schema, and
                    # "re-add the images" is the useful message
                    if meta.get("algorithm") != ALGORITHM_VERSION and not (
                            self._other_algorithm_ok and meta.get("schema") == SCHEMA_VERSION):
                        if meta.get("schema") == SCHEMA_VERSION:
                            todo = (f"run `scanner gallery rehash --gallery {self.path}` to re-derive everything "
                                    "from the image copies it keeps")
                        else:
                            todo = "re-add the images (it keeps no image copies to re-hash)"
                        raise GalleryAlgorithmError(
                            f"gallery {self.path} was hashed with algorithm {meta.get('algorithm')!r}, this scanner "
                            f"uses {ALGORITHM_VERSION!r}: {todo}; hashes of different algorithms are not comparable")
                    schema = meta.get("schema")
                    while schema in _MIGRATIONS:  # upgrade step by step, same transaction
                        schema = self._migrate(schema)
                    if schema != SCHEMA_VERSION:
                        raise GalleryError(f"gallery {self.path} has schema {meta.get('schema')!r}; "
                                           f"this scanner reads schema {SCHEMA_VERSION!r}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _create_thumbnails(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS thumbnails(entry_id TEXT PRIMARY KEY REFERENCES entries(id)"
            " ON DELETE CASCADE, data BLOB NOT NULL)"
        )

    def _create_images(self) -> None:
        for table, col in (("images", "data"), ("verify", "keypoints")):
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {table}(entry_id TEXT PRIMARY KEY REFERENCES entries(id)"
                f" ON DELETE CASCADE, {col} BLOB NOT NULL)")

    def algorithm(self) -> str:
        with self._lock:
            return self._db.execute("SELECT value FROM meta WHERE key='algorithm'").fetchone()[0]

    def _migrate(self, schema: str) -> str:
        """One schema step, inside _init_schema's transaction (a failure rolls it all back)."""
        target = _MIGRATIONS[schema]
        if (schema, target) == ("2", "3"):
            self._create_thumbnails()  # idempotent; existing entries keep no thumbnail (NULL)
        if (schema, target) == ("3", "4"):
            self._create_images()  # idempotent (same algorithm can only be a test-made gallery)
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (target,))
        return target

    # --- reading ------------------------------------------------------------------
    def data_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def version(self) -> str:
        with self._lock:
            return self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0]

    def state(self) -> tuple[str, str | None]:
        """(version, generation), read together. `generation` is a random token every edit
        rewrites (None until this code's first edit): unlike `version`, which hashes content,
        it also changes when only the entry order changes (an entry re-added: new `added_at`)."""
        with self._lock:
            return self._state()

    def _state(self) -> tuple[str, str | None]:
        got = dict(self._db.execute("SELECT key, value FROM meta WHERE key IN ('version', 'generation')").fetchall())
        return got["version"], got.get("generation")

    def is_empty(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None

    def load(self) -> tuple[str, list[dict[str, Any]]]:
        """(version, entries with hashes) read in one transaction: a consistent view."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                version = self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0]
                entries = self._entries()
                for e in entries:
                    e["hashes"] = {}
                by_id = {e["id"]: e for e in entries}
                for eid, view, *blobs in self._db.execute(
                        f"SELECT entry_id, view, {_COLS} FROM hashes ORDER BY entry_id, view"):
                    by_id[eid]["hashes"][view] = {h: int.from_bytes(b, "big") for h, b in zip(ALL_HASHES, blobs)}
            finally:
                self._db.execute("COMMIT")
        return version, entries

    def load_packed(self, views: tuple[str, ...], on_chunk: Callable[[np.ndarray, bytes], None], *,
                    on_meta: Callable[[int], None] = lambda n: None,
                    chunk: int = 10_000) -> tuple[str, list[tuple[str, str, str | None, str | None]], str | None]:
        """Bulk read for the search index, in one transaction (the same consistent view as `load`).

        Returns (version, [(id, brand, label, source)] in `load()`'s entry order, generation
        (see `state`)); `on_meta(number of entries)` is called first. The hashes are streamed to `on_chunk(pos, records)` with no
        Python object per view or hash: `records` = packed views, each 1 byte (index into
        `views`; other views are skipped) + the `ALL_HASHES` BLOBs as stored (RECORD_SIZE
        bytes); `pos` (int64) = each record's entry position in the returned list (-1: an
        orphan row). SQLite concatenates one entry's views into one row (group_concat), so
        Python sees one row per entry, not one per view.
        """
        case = " ".join(f"WHEN ? THEN x'{i:02x}'" for i in range(len(views)))
        marks = ",".join("?" * len(views))
        rec = f"CASE view {case} END || " + " || ".join(ALL_HASHES)
        size = 1 + RECORD_SIZE
        with self._lock:
            self._db.execute("BEGIN")
            try:
                version, generation = self._state()
                meta = self._db.execute(
                    "SELECT id, brand, label, source FROM entries ORDER BY added_at, id").fetchall()
                on_meta(len(meta))
                pos_of = {row[0]: i for i, row in enumerate(meta)}
                if self._db.execute("PRAGMA encoding").fetchone()[0] == "UTF-8":
                    # BLOB || BLOB and group_concat go through TEXT: byte-exact only in UTF-8
                    cur = self._db.execute(f"SELECT entry_id, CAST(group_concat({rec}, '') AS BLOB) FROM hashes"
                                           f" WHERE view IN ({marks}) GROUP BY entry_id", (*views, *views))
                    rows_of = iter(lambda: cur.fetchmany(chunk), [])
                else:
                    rows_of = self._packed_rows(views, chunk)
                for rows in rows_of:
                    eids, blobs = zip(*rows)
                    counts = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs))
                    if (counts % size).any():
                        raise GalleryError(f"gallery {self.path}: a hash BLOB has the wrong length "
                                           f"(expected {RECORD_SIZE} bytes per view)")
                    pos = np.fromiter(map(pos_of.get, eids, repeat(-1)), dtype=np.int64, count=len(eids))
                    on_chunk(np.repeat(pos, counts // size), b"".join(blobs))
                    del rows, eids, blobs
            finally:
                self._db.execute("COMMIT")
        return version, meta, generation

    def _packed_rows(self, views: tuple[str, ...], chunk: int) -> Iterable[list[tuple[str, bytes]]]:
        """load_packed's rows for a non-UTF-8 database: one row per view, packed in Python."""
        code = {v: bytes([i]) for i, v in enumerate(views)}
        cur = self._db.execute(f"SELECT entry_id, view, {_COLS} FROM hashes WHERE view IN"
                               f" ({','.join('?' * len(views))})", views)
        while rows := cur.fetchmany(chunk):
            yield [(eid, code[view] + b"".join(blobs)) for eid, view, *blobs in rows]

    def _entries(self, where: str = "", args: tuple = ()) -> list[dict[str, Any]]:
        cur = self._db.execute(
            "SELECT id, brand, label, source, note, added_at, sha256, width, height FROM entries"
            f" {where} ORDER BY added_at, id", args)
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return self._entries()

    def get(self, entry_id: str) -> dict[str, Any] | None:
        with self._lock:
            rows = self._entries("WHERE id = ?", (entry_id,))
            if not rows:
                return None
            e = rows[0]
            e["hashes"] = {
                view: {h: format(int.from_bytes(b, "big"), f"0{HASH_BITS[h] // 4}x") for h, b in zip(ALL_HASHES, blobs)}
                for view, *blobs in self._db.execute(
                    f"SELECT view, {_COLS} FROM hashes WHERE entry_id = ? ORDER BY view", (entry_id,))
            }
            return e

    def image(self, entry_id: str) -> bytes | None:
        """The entry's canonical image copy (None for an entry imported without one)."""
        with self._lock:
            row = self._db.execute("SELECT data FROM images WHERE entry_id = ?", (entry_id,)).fetchone()
        return bytes(row[0]) if row else None

    def verification(self, entry_id: str) -> tuple[bytes, bytes] | None:
        """(canonical image, keypoints) of one entry, for verifying a candidate; None without."""
        with self._lock:
            row = self._db.execute("SELECT i.data, v.keypoints FROM images i JOIN verify v USING (entry_id)"
                                   " WHERE i.entry_id = ?", (entry_id,)).fetchone()
        return (bytes(row[0]), bytes(row[1])) if row else None

    def thumbnail(self, entry_id: str) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM thumbnails WHERE entry_id = ?", (entry_id,)).fetchone()
        return bytes(row[0]) if row and row[0] else None

    # --- writing (each call = one transaction) ---------------------------------------
    def _write(self, fn) -> Any:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = fn()
                digests = self._db.execute("SELECT digest FROM entries ORDER BY id").fetchall()
                h = hashlib.sha256()
                for (d,) in digests:
                    h.update(d.encode())
                    h.update(b"\n")
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'version'", ("sha256:" + h.hexdigest(),))
                self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('generation', ?)",
                                 (os.urandom(16).hex(),))
                self._db.execute("COMMIT")
                return result
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def upsert(self, entries: Iterable[dict[str, Any]]) -> int:
        entries = list(entries)

        def fn() -> int:
            for e in entries:
                thumb = e.get("thumbnail")
                if not thumb:
                    # re-adding/importing the same image without a thumbnail keeps the stored one
                    row = self._db.execute(
                        "SELECT t.data FROM thumbnails t JOIN entries e ON e.id = t.entry_id"
                        " WHERE e.id = ? AND e.sha256 IS ?", (e["id"], e.get("sha256"))).fetchone()
                    thumb = row[0] if row and e.get("sha256") else None
                self._db.execute("DELETE FROM entries WHERE id = ?", (e["id"],))
                self._db.execute(
                    "INSERT INTO entries(id, brand, label, source, note, added_at, sha256, width, height, digest)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (e["id"], e["brand"], e.get("label"), e.get("source"), e.get("note"),
                     e.get("added_at") or time.time(), e.get("sha256"), e.get("width"), e.get("height"),
                     entry_digest(e)))
                self._db.executemany(
                    f"INSERT INTO hashes(entry_id, view, {_COLS}) VALUES (?,?{',?' * len(ALL_HASHES)})",
                    [(e["id"], view, *(_blob(hs[h], HASH_BITS[h]) for h in ALL_HASHES))
                     for view, hs in e["hashes"].items()])
                if thumb:  # the DELETE above cascaded to the old row
                    self._db.execute("INSERT INTO thumbnails(entry_id, data) VALUES (?, ?)", (e["id"], bytes(thumb)))
                if e.get("image") and e.get("keypoints") is not None:
                    self._db.execute("INSERT INTO images(entry_id, data) VALUES (?, ?)", (e["id"], bytes(e["image"])))
                    self._db.execute("INSERT INTO verify(entry_id, keypoints) VALUES (?, ?)",
                                     (e["id"], bytes(e["keypoints"])))
            return len(entries)

        return self._write(fn)

    def rehash(self, derive: Callable[[bytes], dict[str, Any]]) -> int:
        """Re-derive every entry from its canonical image copy, in ONE transaction, and mark
        the gallery as this scanner's algorithm. `derive(image) -> {"hashes", "keypoints",
        "thumbnail"}`. Refused (nothing changed) when an entry has no image copy or any
        derivation fails: a gallery is never left with two algorithms' hashes."""
        def fn() -> int:
            rows = self._db.execute("SELECT e.id, i.data FROM entries e LEFT JOIN images i ON i.entry_id = e.id"
                                    " ORDER BY e.id").fetchall()
            missing = [eid for eid, data in rows if data is None]
            if missing:
                raise GalleryError(f"gallery {self.path}: {len(missing)} entries have no image copy (e.g. "
                                   f"{missing[0]}); re-add those images, then rehash")
            for eid, data in rows:
                d = derive(bytes(data))
                e = {k: v for k, v in zip(("id", "brand", "label", "source", "note"), self._db.execute(
                    "SELECT id, brand, label, source, note FROM entries WHERE id = ?", (eid,)).fetchone())}
                e["hashes"] = d["hashes"]
                self._db.execute("DELETE FROM hashes WHERE entry_id = ?", (eid,))
                self._db.executemany(
                    f"INSERT INTO hashes(entry_id, view, {_COLS}) VALUES (?,?{',?' * len(ALL_HASHES)})",
                    [(eid, view, *(_blob(hs[h], HASH_BITS[h]) for h in ALL_HASHES)) for view, hs in d["hashes"].items()])
                self._db.execute("UPDATE entries SET digest = ? WHERE id = ?", (entry_digest(e), eid))
                self._db.execute("INSERT OR REPLACE INTO verify(entry_id, keypoints) VALUES (?, ?)",
                                 (eid, bytes(d["keypoints"])))
                self._db.execute("INSERT OR REPLACE INTO thumbnails(entry_id, data) VALUES (?, ?)",
                                 (eid, bytes(d["thumbnail"])))
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'algorithm'", (ALGORITHM_VERSION,))
            return len(rows)

        return self._write(fn)

    def remove(self, entry_id: str) -> bool:
        return self._write(lambda: self._db.execute("DELETE FROM entries WHERE id = ?", (entry_id,)).rowcount > 0)

    def close(self) -> None:
        with self._lock:
            self._db.close()
