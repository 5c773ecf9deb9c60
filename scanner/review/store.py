"""The review store: one schema for SQLite (the default, a file under the data directory) and
PostgreSQL (psycopg 3, `SCANNER_DATABASE_URL=postgresql://…`), and the statements that need a
dialect of their own. Everything else in scanner/review speaks the portable SQL written here.

Tables (migration 1):

* `review_items`      one listing's result waiting for (or given) a reviewer's verdict
* `review_verdicts`   a reviewer's verdict on an item (decision, note, findings, missed spans)
* `review_judged`     one row per finding judged (category, rule, verdict): precision by category and rule
* `review_missed`     one row per missed span (field, start, end, category)
* `review_changesets` change sets of proposals, open → published | discarded
* `review_proposals`  a proposed word-list row (allow-list phrase or new term) with where it came from
* `review_wordlists`  every published word-list version, its files, and which one is live
* `review_audit`      who did what when, with before/after

Migration 2: an item's key (listing key, versions key) is unique among live items only (`review_items_key`,
WHERE status <> 'withdrawn'), so a withdrawn item is history and the same scan coming back is a new item.

Placeholders are written `?` and turned into `%s` for PostgreSQL. Connections are per thread.
The claim — the one step where the two databases really differ — is `Store.claim_next`.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple, TypeVar
from urllib.parse import unquote, urlparse

DEFAULT_DB_NAME = "review.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_MIGRATE_WAIT_MS = 600_000  # Store.migrate waits this long for another process's migration

# review_items' columns, as migration 1 made them (migration 2 makes the table again with them).
_ITEM_COLUMNS_DDL = """
            id {id},
            listing_key TEXT NOT NULL,
            versions_key TEXT NOT NULL,
            listing_id TEXT,
            listing TEXT NOT NULL,
            result TEXT NOT NULL,
            masked TEXT NOT NULL,
            decision TEXT NOT NULL,
            score INTEGER NOT NULL,
            categories TEXT NOT NULL,
            source TEXT NOT NULL,
            reason TEXT NOT NULL,
            rank DOUBLE PRECISION NOT NULL,
            status TEXT NOT NULL,
            claimed_by TEXT,
            lease_expires DOUBLE PRECISION,
            created_at DOUBLE PRECISION NOT NULL,
            claimed_at DOUBLE PRECISION,
            done_at DOUBLE PRECISION,
"""
_ITEM_INDEXES = [
    "CREATE INDEX review_items_queue ON review_items (status, rank, id)",
    "CREATE INDEX review_items_listing ON review_items (listing_key, status)",
    "CREATE INDEX review_items_created ON review_items (created_at)",
    "CREATE INDEX review_items_lease ON review_items (status, lease_expires)",
]
# One live item per listing and key (its data's versions and its content): a withdrawn item is history, and
# the same scan coming back later is a new item (migration 2; before it, a withdrawn item held its key for good).
LIVE_ITEM = "status <> 'withdrawn'"
_ITEM_KEY_INDEX = f"CREATE UNIQUE INDEX review_items_key ON review_items (listing_key, versions_key) WHERE {LIVE_ITEM}"

# Each migration is a list of statements; {id} is the auto-increment primary key type of the dialect. A statement
# written as {"sqlite": …, "postgresql": …} is the dialect's own (None: nothing on that one).
MIGRATIONS: list[list[Any]] = [
    [
        "CREATE TABLE review_items (" + _ITEM_COLUMNS_DDL + "            UNIQUE (listing_key, versions_key)\n        )",
        *_ITEM_INDEXES,
        """CREATE TABLE review_verdicts (
            id {id},
            item_id BIGINT NOT NULL,
            reviewer TEXT NOT NULL,
            decision TEXT NOT NULL,
            note TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            seconds_to_verdict DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX review_verdicts_item ON review_verdicts (item_id)",
        """CREATE TABLE review_judged (
            verdict_id BIGINT NOT NULL,
            item_id BIGINT NOT NULL,
            category TEXT NOT NULL,
            rule TEXT NOT NULL,
            verdict TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX review_judged_item ON review_judged (item_id)",
        """CREATE TABLE review_missed (
            verdict_id BIGINT NOT NULL,
            item_id BIGINT NOT NULL,
            field TEXT NOT NULL,
            start_at INTEGER NOT NULL,
            end_at INTEGER NOT NULL,
            category TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX review_missed_item ON review_missed (item_id)",
        """CREATE TABLE review_changesets (
            id {id},
            status TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            closed_at DOUBLE PRECISION,
            closed_by TEXT,
            base_version TEXT,
            version TEXT
        )""",
        """CREATE TABLE review_proposals (
            id {id},
            changeset_id BIGINT NOT NULL,
            kind TEXT NOT NULL,
            category TEXT NOT NULL,
            phrase TEXT NOT NULL,
            note TEXT NOT NULL,
            sources TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            UNIQUE (changeset_id, kind, category, phrase)
        )""",
        """CREATE TABLE review_wordlists (
            version TEXT PRIMARY KEY,
            files TEXT NOT NULL,
            changeset_id BIGINT,
            published_by TEXT NOT NULL,
            published_at DOUBLE PRECISION NOT NULL,
            live INTEGER NOT NULL
        )""",
        """CREATE TABLE review_audit (
            id {id},
            ts DOUBLE PRECISION NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            item_id BIGINT,
            changeset_id BIGINT,
            before_state TEXT,
            after_state TEXT
        )""",
        "CREATE INDEX review_audit_ts ON review_audit (ts)",
    ],
    [  # 2: an item's key is unique among live items only, so a scan coming back after its item was withdrawn is
        # queued; `superseded_at`: when a later scan of the listing made a claimed item stale (withdrawn, not put
        # back, when its lease runs out). SQLite cannot drop a table's UNIQUE constraint: the table is made again
        # (ids and the id counter kept)
        {"sqlite": "CREATE TABLE review_items_new (" + _ITEM_COLUMNS_DDL + "            superseded_at DOUBLE PRECISION)",
         "postgresql": "ALTER TABLE review_items DROP CONSTRAINT review_items_listing_key_versions_key_key"},
        {"sqlite": "INSERT INTO review_items_new SELECT *, NULL FROM review_items",
         "postgresql": "ALTER TABLE review_items ADD COLUMN superseded_at DOUBLE PRECISION"},
        # a purged item's id is never given again (AUTOINCREMENT's promise): the old table's counter, not the copy's
        {"sqlite": "DELETE FROM sqlite_sequence WHERE name = 'review_items_new'", "postgresql": None},
        {"sqlite": "INSERT INTO sqlite_sequence (name, seq) SELECT 'review_items_new', seq FROM sqlite_sequence "
                   "WHERE name = 'review_items'", "postgresql": None},
        {"sqlite": "DROP TABLE review_items", "postgresql": None},
        {"sqlite": "ALTER TABLE review_items_new RENAME TO review_items", "postgresql": None},
        *({"sqlite": index, "postgresql": None} for index in _ITEM_INDEXES),
        _ITEM_KEY_INDEX,
    ],
]


T = TypeVar("T")
DEADLOCK_RETRIES = 3  # Store.tx_retrying
_DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE for a transaction ended to break a deadlock


class StoreError(RuntimeError):
    """The database cannot be opened or migrated (a clear message, at start-up)."""


def sqlite_path(url: str) -> Path:
    """`sqlite:////abs/review.sqlite3` (four slashes: absolute) or `sqlite:///rel/review.sqlite3`
    (three: relative to the working directory), as SQLAlchemy reads them."""
    if not url.startswith("sqlite:///"):
        raise StoreError(f"SCANNER_DATABASE_URL: write sqlite:///relative/path or sqlite:////absolute/path, got {url!r}")
    return Path(unquote(url[len("sqlite:///"):]))


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DEFAULT_DB_NAME).as_posix()}"


class Store:
    """A connection factory (one connection per thread) plus the schema. `dialect` is
    "sqlite" or "postgresql"; `tx()` is one transaction; `q(sql)` adapts placeholders."""

    def __init__(self, url: str) -> None:
        self.url = url
        scheme = urlparse(url).scheme.lower()
        if scheme == "sqlite":
            self.dialect = "sqlite"
            self.path = sqlite_path(url)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"SCANNER_DATABASE_URL: cannot create {self.path.parent}: {exc.strerror}") from None
        elif scheme in ("postgresql", "postgres"):
            self.dialect = "postgresql"
            try:
                import psycopg  # noqa: F401
            except ImportError:
                raise StoreError("SCANNER_DATABASE_URL names PostgreSQL but psycopg is not installed: "
                                 "pip install 'listing-scanner[postgres]'") from None
        else:
            raise StoreError(f"SCANNER_DATABASE_URL must start with sqlite:/// or postgresql://, got {scheme or url!r}")
        self._local = threading.local()
        self._all: list[Any] = []
        self._all_lock = threading.Lock()
        self.migrate()

    # -- connections -------------------------------------------------------------------------
    def _connect(self):
        if self.dialect == "sqlite":
            conn = sqlite3.connect(self.path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            return conn
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True)
        except psycopg.OperationalError as exc:
            # the message names the host, never the password
            raise StoreError(f"SCANNER_DATABASE_URL: cannot connect to PostgreSQL: {str(exc).splitlines()[0]}") from None

    def conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            with self._all_lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except Exception:
                    pass
            self._all.clear()
        self._local = threading.local()

    def q(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else sql.replace("?", "%s")

    @contextmanager
    def tx(self, immediate: bool = True) -> Iterator[Any]:
        """One transaction; yields a cursor-like object with .execute(sql, params) (placeholders `?`).
        SQLite: BEGIN IMMEDIATE, so writers queue on the busy timeout instead of failing mid-way."""
        conn = self.conn()
        if self.dialect == "sqlite":
            conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            try:
                yield _Cursor(self, conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        else:
            try:
                with conn.transaction():
                    yield _Cursor(self, conn)
            except BaseException:
                # a staging table made in this transaction went with it (Cursor._copy_staged makes it again)
                self._local.staging = None
                raise

    def tx_retrying(self, work: Callable[[Any], T]) -> T:
        """`work(cursor)` in one transaction (Store.tx), run again, up to DEADLOCK_RETRIES times, when PostgreSQL
        ends the transaction as one side of a deadlock (two replicas or runs writing the same listings in
        different orders lock their rows in different orders). The transaction rolled back did nothing, so `work`
        must only be safe to run twice (the queue's writes are: ON CONFLICT DO NOTHING, withdrawals by status)."""
        for attempt in range(DEADLOCK_RETRIES + 1):
            try:
                with self.tx() as cur:
                    return work(cur)
            except Exception as exc:
                if attempt == DEADLOCK_RETRIES or getattr(exc, "sqlstate", None) != _DEADLOCK_DETECTED:
                    raise
                time.sleep(0.01 * (attempt + 1))  # the other side, let through, finishes meanwhile
        raise AssertionError("unreachable")

    def read(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = self.conn()
        cur = conn.execute(self.q(sql), params)
        return cur.fetchall()

    # -- schema --------------------------------------------------------------------------
    def _id_type(self) -> str:
        return "INTEGER PRIMARY KEY AUTOINCREMENT" if self.dialect == "sqlite" else \
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

    def migrate(self) -> None:
        """Apply the migrations this database has not seen, each in its own transaction. Several
        processes may start at once: PostgreSQL serialises them on an advisory lock, SQLite on its
        write lock (BEGIN IMMEDIATE)."""
        conn = self.conn()
        if self.dialect == "sqlite":
            # another process may be migrating a large file (migration 2 copies the items table): wait for it
            conn.execute(f"PRAGMA busy_timeout = {SQLITE_MIGRATE_WAIT_MS}")
            try:
                conn.execute("BEGIN IMMEDIATE")
            finally:
                conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        else:
            conn.execute("BEGIN")
            conn.execute("SELECT pg_advisory_xact_lock(19190019)")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS review_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT MAX(version) FROM review_schema").fetchone()
            current = row[0] or 0
            if current > len(MIGRATIONS):  # a newer release migrated it: this code would write what that one misreads
                raise StoreError(f"the review database is at schema {current}, newer than this release knows "
                                 f"({len(MIGRATIONS)}): run the release that migrated it")
            for n, statements in enumerate(MIGRATIONS, 1):
                if n <= current:
                    continue
                for statement in statements:
                    if isinstance(statement, dict):
                        statement = statement[self.dialect]
                    if statement is not None:
                        conn.execute(statement.replace("{id}", self._id_type()))
                conn.execute(self.q("INSERT INTO review_schema (version) VALUES (?)"), (n,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def schema_version(self) -> int:
        return self.read("SELECT MAX(version) FROM review_schema")[0][0] or 0

    # -- the one dialect-specific step: take the next item ------------------------------------
    def claim_next(self, cur: "_Cursor", cols: str, reviewer: str, expires: float, t: float) -> tuple | None:
        """Take the most urgent open item (lowest rank, then oldest id) for a reviewer, in `cur`'s transaction:
        `cols` of it and, last, the id of its listing's newest other open item (None if there is none), or None
        when nothing is open. PostgreSQL: the row is locked with FOR UPDATE SKIP LOCKED, so concurrent
        claimers each take a different row without waiting, and the newest id comes back with it (one round
        trip). SQLite: writers are serialised by the database lock (BEGIN IMMEDIATE + busy timeout), the WHERE
        re-checks the status, and the newest id is a second read (a subquery in SQLite's RETURNING cannot use the
        listing's index: it read the whole index, 0.06 → 0.5 ms a claim at 10,000 items)."""
        # MAX(id + 0): the sum keeps the planner off the primary key (MAX(id) read it backwards from the table's
        # newest item down to the listing's, a claim 0.2 → 0.8 ms at 10,000 items); the listing key leads two indexes
        newest = ("(SELECT MAX(n.id + 0) FROM review_items n WHERE n.listing_key = review_items.listing_key "
                  "AND n.status = 'open' AND n.id <> review_items.id)")
        take = "UPDATE review_items SET status = 'claimed', claimed_by = ?, lease_expires = ?, claimed_at = ? WHERE id = "
        if self.dialect == "postgresql":
            return cur.execute(take + "(SELECT id FROM review_items WHERE status = 'open' ORDER BY rank, id LIMIT 1 "
                               f"FOR UPDATE SKIP LOCKED) RETURNING {cols}, {newest}", (reviewer, expires, t)).fetchone()
        row = cur.execute(take + "(SELECT id FROM review_items WHERE status = 'open' ORDER BY rank, id LIMIT 1) "
                          f"AND status = 'open' RETURNING {cols}, listing_key", (reviewer, expires, t)).fetchone()
        if row is None:
            return None
        found = cur.execute("SELECT MAX(id + 0) FROM review_items WHERE listing_key = ? AND status = 'open' AND id <> ?",
                            (row[-1], row[0])).fetchone()
        return (*row[:-1], found[0])


_INT2_OID, _INT4_OID, _INT8_OID, _BYTEA_OID = 21, 23, 20, 17  # PostgreSQL's smallint, integer, bigint, bytea
_INT_RANGE = {_INT2_OID: (-2**15, 2**15 - 1), _INT4_OID: (-2**31, 2**31 - 1)}


class _CopyTypes(NamedTuple):
    oids: list[int]  # the binary COPY's type of each column
    ints: tuple[tuple[int, int, int], ...]  # (position, lowest, highest) of the int2/int4 columns: checked first


def _column_types(conn, table: str) -> list[tuple[str, int]]:
    """(name, type oid) of a PostgreSQL table's columns, in their order."""
    return conn.execute("SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass "
                        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (table,)).fetchall()


def _bytes_dumper_back(conn) -> None:
    """set_types picks dumpers by type oid, and bytea's binary one is psycopg.dbapi20's (registered last, for
    Binary(), in Python: +0.6 µs a row); this puts the compiled bytes dumper back for the oid."""
    from psycopg.types.string import BytesBinaryDumper

    conn.adapters.register_dumper(bytes, BytesBinaryDumper)


class _Cursor:
    def __init__(self, store: Store, conn) -> None:
        self._store, self._conn = store, conn

    def execute(self, sql: str, params: tuple = ()):
        return self._conn.execute(self._store.q(sql), params)

    def executemany(self, sql: str, rows: list[tuple]):
        if self._store.dialect == "sqlite":
            return self._conn.executemany(sql, rows)
        cur = self._conn.cursor()
        cur.executemany(self._store.q(sql), rows)  # psycopg: prepared once, pipelined; rowcount is the total
        return cur

    def copy_insert(self, table: str, columns: str, rows: list[tuple], conflict: tuple[str, str],
                    utf8_columns: tuple[str, ...] = (), *, live: str = "", checked: bool = False) -> int:
        """PostgreSQL: `INSERT INTO table (columns) … ON CONFLICT (conflict) [WHERE live] DO NOTHING` for every row,
        in the rows' order; the number inserted. `conflict`: the two columns of a unique key (NOT NULL: keys are
        compared in Python); `live`: the predicate of a partial unique index on them (rows outside it do not hold
        their key). `utf8_columns`: text columns whose values come as UTF-8 bytes (scanner.review.store.dumps_utf8),
        copied as they are. `checked`: the caller has left out the rows whose key it found in the table, in this
        transaction (the lookup is not made twice).

        The rows whose key is not in the table yet (one indexed SELECT) go straight into it with one binary
        COPY, which inserts in batches where INSERT … ON CONFLICT goes row by row with a speculative index
        entry each (the server's CPU for a batch's queue ~4.2 → ~3.3 µs a listing; docs/benchmarks.md).
        The COPY runs in a savepoint. If it fails (another writer queued one of the keys meanwhile, or any
        other error) it is undone and the rows go the conflict-checking way, `_copy_staged`, which writes them
        or refuses them with the database's own error. The whole call goes that way from the start when the
        direct COPY could not pass a value on exactly: an int2/int4 column's value that is not an int in its
        range (a binary int dumper would wrap it), or UTF-8 bytes on a connection whose client encoding is not
        UTF-8 (a text column's binary input is read in the client's encoding)."""
        names = [c.strip() for c in columns.split(",")]
        first, second = names.index(conflict[0]), names.index(conflict[1])
        have = set() if checked else set(self._conn.execute(
            f"SELECT {conflict[0]}, {conflict[1]} FROM {table} WHERE {conflict[0]} = ANY(%b)"
            + (f" AND {live}" if live else ""), ([r[first] for r in rows],)).fetchall())
        fresh = []
        for r in rows:
            key = (r[first], r[second])
            if key not in have:
                have.add(key)  # a second row with the same key: DO NOTHING
                fresh.append(r)
        if not fresh:
            return 0
        types = self._table_types(table, names, utf8_columns)
        if (not utf8_columns or self._conn.info.encoding == "utf-8") and all(
                r[i] is None or (type(r[i]) is int and low <= r[i] <= high) for i, low, high in types.ints for r in fresh):
            import psycopg

            try:
                with self._conn.transaction():  # a savepoint inside the write's transaction
                    with self._conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                        copy.set_types(types.oids)
                        for r in fresh:
                            copy.write_row(r)
                return len(fresh)
            except psycopg.errors.UniqueViolation:
                pass  # written meanwhile by another writer
            except psycopg.Error:
                # binary COPY needs each column's exact type, and a migration elsewhere may have changed one: the
                # types are read again next time, and the staged INSERT (which casts) writes these rows or
                # refuses them with the database's own error
                self._store._local.table_types = {}
        return self._copy_staged(table, columns, fresh, conflict, utf8_columns, live)

    def _table_types(self, table: str, names: list[str], utf8_columns: tuple[str, ...]) -> "_CopyTypes":
        """The binary COPY's type of each column (read once per connection): the table's own, bytea for the
        UTF-8 columns (a text column's binary input is its bytes in the client's encoding, checked by the server
        as text input is: so on a UTF-8 connection the bytes dumper copies them unchanged), and the int2/int4
        columns' ranges."""
        made = getattr(self._store._local, "table_types", None)
        if made is None:
            made = self._store._local.table_types = {}
        key = (table, tuple(names), utf8_columns)
        if key not in made:
            found = dict(_column_types(self._conn, table))
            if utf8_columns:
                _bytes_dumper_back(self._conn)
            oids = [_BYTEA_OID if n in utf8_columns else found[n] for n in names]
            made[key] = _CopyTypes(oids, tuple((i, *_INT_RANGE[oid]) for i, oid in enumerate(oids) if oid in _INT_RANGE))
        return made[key]

    def _copy_staged(self, table: str, columns: str, rows: list[tuple], conflict: tuple[str, str],
                     utf8_columns: tuple[str, ...] = (), live: str = "") -> int:
        """`INSERT … ON CONFLICT (conflict) [WHERE live] DO NOTHING` for every row, in the rows' order, sent with binary COPY
        into a temporary staging table (emptied when the transaction commits) and inserted from it. Typed by
        the staging table's own columns (read once per connection); the UTF-8 columns staged as bytea and made
        text by the INSERT (convert_from reads them as UTF-8 and checks them as a text column's input does)."""
        conn = self._conn
        staging = f"{table}_staging"
        made = getattr(self._store._local, "staging", None)
        if made is None:
            made = self._store._local.staging = {}
        types = made.get((staging, utf8_columns))
        if types is None:
            conn.execute(f"DROP TABLE IF EXISTS {staging}")  # another call's staging (other utf8_columns)
            # emptied by every commit (ON COMMIT DELETE ROWS) rather than by a DELETE statement per call (one round
            # trip less); so the COPY and the INSERT must share a transaction (Store.tx), as they do
            conn.execute(f"CREATE TEMP TABLE {staging} ON COMMIT DELETE ROWS AS "
                         f"SELECT 0 AS ord, {columns} FROM {table} WITH NO DATA")
            for name in utf8_columns:
                conn.execute(f'ALTER TABLE {staging} ALTER COLUMN "{name}" TYPE bytea USING NULL')
            if utf8_columns:
                _bytes_dumper_back(conn)
            found = _column_types(conn, staging)
            for name, oid in found:
                # smallint/integer staged as bigint: a binary int4 dumper wraps a value out of range (2**40 became
                # 0), while the INSERT … SELECT's cast refuses it ("integer out of range"), as text COPY did
                if oid in (_INT2_OID, _INT4_OID):
                    conn.execute(f'ALTER TABLE {staging} ALTER COLUMN "{name}" TYPE bigint')
            made.clear()  # one staging table a connection: the one made now
            types = made[(staging, utf8_columns)] = [_INT8_OID if oid in (_INT2_OID, _INT4_OID) else oid
                                                     for _, oid in found]
        selected = ", ".join(f"convert_from({c}, 'UTF8')" if c in utf8_columns else c
                             for c in (c.strip() for c in columns.split(",")))
        try:
            cur = conn.cursor()
            with cur.copy(f"COPY {staging} (ord, {columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for n, values in enumerate(rows):
                    copy.write_row((n, *values))
            res = conn.execute(f"INSERT INTO {table} ({columns}) SELECT {selected} FROM {staging} ORDER BY ord "
                               f"ON CONFLICT ({conflict[0]}, {conflict[1]}){f' WHERE {live}' if live else ''} DO NOTHING")
            inserted = max(res.rowcount, 0)
        except BaseException:
            made.clear()  # the transaction rolls back, and a table made in it goes with it
            raise
        return inserted

    def insert_id(self, sql: str, params: tuple) -> int:
        """INSERT … and return the new row's id (RETURNING id works on both: SQLite ≥ 3.35)."""
        return self._conn.execute(self._store.q(sql + " RETURNING id"), params).fetchone()[0]


def _compact(ensure_ascii: bool):
    """JSONEncoder(ensure_ascii=…, separators=(",", ":"), default=str).encode, same output, built once:
    JSONEncoder.encode makes a new C encoder on every call (~1 µs of a reviewer's copy's 2.5), so the C
    encoder is made here once and reused (without the circular-reference check: scan results and listings
    read from JSON hold no cycles). Falls back to JSONEncoder.encode where there is no C encoder."""
    encoder = json.JSONEncoder(ensure_ascii=ensure_ascii, separators=(",", ":"), default=str)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    chunks = make(None, str, json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring,
                  None, ":", ",", False, False, True)
    join = "".join

    def encode(value: Any) -> str:
        if type(value) is dict or type(value) is list:
            return join(chunks(value, 0))
        return encoder.encode(value)

    return encode


_ENCODE = _compact(False)
_ENCODE_ASCII = _compact(True)


def dumps(value: Any) -> str:
    """Compact JSON text the database can store: UTF-8, so a lone surrogate a caller sent ("\\udfff")
    is kept as its \\u escape (it round-trips through json.loads) instead of failing the write.
    (One encoder each, built once: json.dumps with options builds a new one per call.)"""
    text = _ENCODE(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _ENCODE_ASCII(value)
    return text


def dumps_utf8(value: Any) -> bytes:
    """dumps(value) as the UTF-8 bytes a store writes (the encoding dumps makes anyway to check the text,
    kept): a batch worker's record crosses to the parent and into the database without being decoded and
    encoded again on the way (pickle and the drivers encode a str every time it is sent)."""
    try:
        return _ENCODE(value).encode("utf-8")
    except UnicodeEncodeError:
        return _ENCODE_ASCII(value).encode("utf-8")


def storable(text: str) -> str:
    """A string both databases store as it is: lone surrogates become \\udfff escapes and NUL becomes \\x00
    (PostgreSQL refuses NUL in text: a listing id holding one made the whole write fail, red team R08)."""
    if "\x00" in text:
        text = text.replace("\x00", "\\x00")
    if text.isascii():  # most keys and ids: a flag read, no encoding
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def now() -> float:
    return time.time()
