"""The review queue: which results wait for a person, in which order, and who has which.

* `QueuePolicy.reason(row)`: why a result is queued — `review` (every review result), or a
  deterministic sample of `pass` results with a finding in a high-risk category
  (`sample_pass`, SCANNER_REVIEW_SAMPLE_PASS) and of `block` results (`sample_block`,
  SCANNER_REVIEW_SAMPLE_BLOCK). Sampling is by the listing id's SHA-256, so the same listing is
  always in or always out of a sample, and a test can say which.
* `rank`: the order reviewers get items in, lowest first. Risk and category buy an item time:
  rank = created_at − score × 60 s − category boost (personal data and prohibited goods 4 h,
  counterfeit and brand 2 h, medical claims 1 h); a sampled item waits a day behind. So among
  items of equal risk the oldest comes first, and a high-risk item overtakes younger ones, with
  one index (status, rank, id) serving the claim.
* `ReviewQueue.enqueue_many`: one transaction per batch of results. Idempotent per listing
  key (the listing id, else a hash of its text) + item key (`item_key`: the data's versions and a
  digest of what the scan read): the same scan twice is one item, and a verdict holds for one content
  under one set of versions. A listing rescanned with other versions or edited replaces its open item;
  a listing rescanned and not queued (clean, or blocked and not sampled) leaves the queue (its open
  item is `withdrawn`); a withdrawn item is history, so the same scan coming back is a new item.
* `ReviewQueue.claim`: gives one open item to one reviewer with a lease; an expired lease puts
  the item back (`release_expired`). An open item with a later open item of its listing (an earlier
  scan's, back from an expired lease or left by two replicas writing at once) is withdrawn instead.
* `Enqueuer`: a background thread that writes what scans hand it, so a scan only pays for a
  decision and a queue put (bench/bench_review.py measures it).
"""
from __future__ import annotations

import hashlib
import json
import logging
import queue as queue_mod
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable

from scanner.results import version_label
from scanner.review.masking import is_private, parse_unlimited, reviewer_copy, reviewer_result
from scanner.review.store import LIVE_ITEM, Store, dumps, dumps_utf8, now as _now, storable

log = logging.getLogger("scanner.review")

STATUSES = ("open", "claimed", "done", "withdrawn")
CATEGORY_BOOST_S = {
    "personal_data": 4 * 3600, "prohibited_goods": 4 * 3600, "illegal_service": 4 * 3600,
    "counterfeit": 2 * 3600, "counterfeit_image": 2 * 3600, "brand": 2 * 3600,
    "medical_claim": 3600,
}
SCORE_BOOST_S = 60.0          # per score point
SAMPLE_DELAY_S = 24 * 3600.0  # a sampled item waits behind the items that need a person
HIGH_RISK_DEFAULT = ("counterfeit", "prohibited_goods", "illegal_service", "brand", "medical_claim", "personal_data",
                     "counterfeit_image")


def sample_fraction(key: str) -> float:
    """Where a listing falls in [0, 1): the first 8 bytes of SHA-256 of its key."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:8], "big") / 2**64


def listing_key(listing: Any, row: dict[str, Any]) -> str:
    """The listing id (`id:…`), or for a listing without one a hash of what it said (`sha256:…`). A review's
    or Q&A entry's id is its own kind's (`review:…`, `qa:…`): review 7 is not listing 7, and a clean
    rescan of one must not withdraw the other's item."""
    listing_id = row.get("id")
    if listing_id is not None:
        kind = row.get("kind")
        if kind is None and type(listing) is dict:  # a timed-out or error row does not echo the kind
            kind = listing.get("kind")
        key = f"{kind}:{listing_id}" if kind in ("review", "qa") else f"id:{listing_id}"
        return storable(key)
    return "sha256:" + hashlib.sha256(dumps(listing).encode("utf-8", "surrogatepass")).hexdigest()


_VERSIONS_KEYS: dict[tuple, str] = {}  # a handful of versions are live at a time: compute each key once
_LAST_VERSIONS: tuple[dict, str] = ({}, "")  # the last row's versions and key: a run's rows share one


def versions_key(row: dict[str, Any]) -> str:
    v = row.get("versions") or {}
    last = _LAST_VERSIONS
    if v == last[0] and last[1]:  # one dict comparison (~0.2 µs) instead of labelling every version (~4 µs)
        return last[1]
    items = tuple((k, version_label(x)) for k, x in v.items())  # policy is {name, hash}: not hashable as it is
    key = _VERSIONS_KEYS.get(items)
    if key is None:
        if len(_VERSIONS_KEYS) > 64:
            _VERSIONS_KEYS.clear()
        key = _VERSIONS_KEYS[items] = storable("|".join(f"{k}={x}" for k, x in sorted(items)))
    _remember_versions(v, key)
    return key


def _remember_versions(v: dict[str, Any], key: str) -> None:
    global _LAST_VERSIONS
    # a copy (nested dicts too): a caller changing its row afterwards must not change what the key stands for
    _LAST_VERSIONS = ({k: dict(x) if isinstance(x, dict) else x for k, x in v.items()}, key)


CONTENT_MARK = "|content="  # an item key: the versions key, this, and the digest of what the scan read


def content_digest(listing: Any, parsed: Any = None, image_sha256: Any = None) -> str:
    """What a scan read of a listing, canonical, as 32 hex digits of BLAKE2b: its text fields (as parse_listing
    reads them), image references, authorised brands and locale, a review's or Q&A entry's kind, speaker and
    listing id (as text), and the SHA-256 of each image's bytes the scan read (the result's `image_sha256`: an
    image replaced behind the same URL is new content; a scan that read no image adds nothing, so such keys are
    what they were before the digests came). Not its id (the listing key holds it), not its scan options (how to scan and answer, not
    what it says: an editor's English preview must not make a second item), and not how it was written: the API's
    `"id": 7` and a CSV row's `"7"`, `"5"` and 5 as an attribute, attributes or brands in another order, an empty
    and an absent field or locale, an image key set to null and left out, are one content."""
    return _digest(_canonical(listing, parsed), image_sha256)


def _canonical(listing: Any, parsed: Any = None) -> Any:
    """The listing as content_digest reads it (before any image digests)."""
    if parsed is None:
        parsed = parse_unlimited(listing)
    if parsed is not None:
        return [parsed.kind, parsed.speaker, None if parsed.listing_id is None else str(parsed.listing_id),
                sorted(parsed.fields),  # by name: attributes in another order are the same listing
                [sorted((k, v) for k, v in i.items() if v is not None) for i in parsed.images],
                sorted(set(parsed.authorized_brands)), parsed.locale or None]
    return json.dumps(listing, sort_keys=True, default=str)


def _digest(canon: Any, image_sha256: Any = None) -> str:
    if image_sha256:
        canon = [canon, sorted(image_sha256.items())]
    # the store's encoder (built once: json.dumps with options builds one a call, 3 of the digest's 8 µs); the
    # image objects' keys sorted above, as pairs
    return hashlib.blake2b(dumps(canon).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def item_key(versions: str, canon: Any, image_sha256: Any = None) -> str:
    """What makes a scan a new item for its listing: the data's versions (versions_key) and the listing's content
    (`canon`: its _canonical form; content_digest). A reviewer's verdict holds for this content under these
    versions; an edit, or new word lists, is reviewed again."""
    return versions + CONTENT_MARK + _digest(canon, image_sha256)


def copy_form(copy: Any) -> Any:
    """A reviewer's copy as the content digest reads a listing: fields by name, brands as a set, an empty locale
    as none, the id left out (the API's 7 and a CSV row's "7" are one listing)."""
    if not isinstance(copy, dict):
        return copy
    fields = copy.get("fields")
    seller = copy.get("seller")
    brands = seller.get("authorized_brands") if isinstance(seller, dict) else None
    listing_id = copy.get("listing_id")
    return (sorted(fields.items()) if isinstance(fields, dict) else fields, copy.get("images") or [],
            sorted(set(brands)) if isinstance(brands, list) else brands, copy.get("locale") or None,
            copy.get("kind"), copy.get("speaker"), None if listing_id is None else str(listing_id))


def adopted(cur: Any, key: str, ikey: str, live: dict[str, bool], copy_utf8: bytes, unread_key: str | None = None) -> bool:
    """Whether a live item stored before keys held the content (its versions key alone: `ikey` without its
    digest), or before they held the images' bytes (`unread_key`: this scan's key without them), is this scan's,
    and if so give it `ikey` (and clear a superseded mark: this later scan is its).
    It is when its reviewer's copy reads as the one this scan builds (copy_form): then a reviewed item is not
    reviewed again and an open one keeps its place; else (the listing was edited since) the scan is a new
    item. Two statements per such item, once ever; RETURNING says whether it still matched (another writer
    may have taken it meanwhile)."""
    head, mark, _ = ikey.rpartition(CONTENT_MARK)
    if unread_key is not None and unread_key in live:
        head = unread_key  # the same copy read by an earlier release, which kept no image digest: taken as this
    elif not mark or head not in live:
        return False
    found = cur.execute(f"SELECT id, listing FROM review_items WHERE listing_key = ? AND versions_key = ? AND {LIVE_ITEM}",
                        (key, head)).fetchone()
    if found is None or copy_form(json.loads(found[1])) != copy_form(json.loads(copy_utf8)):
        return False
    return cur.execute(f"UPDATE review_items SET versions_key = ?, superseded_at = NULL WHERE id = ? AND versions_key = ? "
                       f"AND {LIVE_ITEM} RETURNING id", (ikey, found[0], head)).fetchone() is not None


def categories_of(row: dict[str, Any]) -> list[str]:
    """Categories of the findings that count (effect not none), else of all findings."""
    findings = row.get("findings") or ()
    counting = sorted({f.get("category") for f in findings if f.get("effect") != "none" and f.get("category")})
    return counting or sorted({f.get("category") for f in findings if f.get("category")})


_CATEGORY_SETS: dict[tuple[str, ...], tuple[str, float]] = {}  # a few dozen sets are seen: each worked out once


def category_set(categories: list[str]) -> tuple[str, float]:
    """(the categories' JSON as stored, their rank boost: the largest CATEGORY_BOOST_S among them)."""
    key = tuple(categories)
    got = _CATEGORY_SETS.get(key)
    if got is None:
        if len(_CATEGORY_SETS) > 4096:
            _CATEGORY_SETS.clear()
        got = _CATEGORY_SETS[key] = (dumps(categories), max((CATEGORY_BOOST_S.get(c, 0) for c in key), default=0))
    return got


@dataclass(frozen=True)
class QueuePolicy:
    sample_pass: float = 0.0
    sample_block: float = 0.0
    high_risk: tuple[str, ...] = HIGH_RISK_DEFAULT

    @classmethod
    def from_settings(cls, settings: Any) -> "QueuePolicy":
        return cls(float(getattr(settings, "review_sample_pass", 0.0)), float(getattr(settings, "review_sample_block", 0.0)),
                   tuple(getattr(settings, "review_high_risk_categories", HIGH_RISK_DEFAULT)))

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for batch worker processes (they rebuild it with from_dict)."""
        return {"sample_pass": self.sample_pass, "sample_block": self.sample_block, "high_risk": list(self.high_risk)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "QueuePolicy":
        return cls(float(d["sample_pass"]), float(d["sample_block"]), tuple(d["high_risk"]))

    def reason(self, row: dict[str, Any]) -> str | None:
        """`review`, `sample_pass`, `sample_block`, or None (not queued). Error rows are never queued;
        only listings with an id are sampled (by the id's hash, so a test can say which are in)."""
        decision = row.get("decision")
        if decision == "review":
            return "review"
        listing_id = row.get("id")
        if listing_id is None:
            return None
        if decision == "block" and self.sample_block > 0 and sample_fraction(f"id:{listing_id}") < self.sample_block:
            return "sample_block"
        if decision == "pass" and self.sample_pass > 0 and sample_fraction(f"id:{listing_id}") < self.sample_pass:
            if any(f.get("category") in self.high_risk for f in row.get("findings") or ()):
                return "sample_pass"
        return None


def rank(row: dict[str, Any], created_at: float, reason: str, categories: list[str] | None = None) -> float:
    """`categories`: categories_of(row), when the caller has it already."""
    boost = SCORE_BOOST_S * float(row.get("score") or 0)
    boost += category_set(categories_of(row) if categories is None else categories)[1]
    return created_at - boost + (SAMPLE_DELAY_S if reason != "review" else 0.0)


@dataclass(frozen=True)
class Entry:
    """One scan handed to the queue: the listing as sent, its contract row, where it came from."""

    listing: Any
    row: dict[str, Any]
    source: str  # "api" | "batch"


# What one scan does to the queue, worked out without the database: `(listing key, values)`, a plain tuple
# (a batch worker builds it beside the row it scanned and sends it to the parent, which only writes it;
# a tuple pickles ten times faster than a dataclass). `values` None: the listing is not queued (its open item
# is withdrawn); else the item's columns in
# INSERT_COLUMNS order up to `status`, with the rank offset in place of the rank (rank = time of the write
# + offset) and no created_at (the time of the write), then, for a scan that read images, the item key an earlier
# release gave it (without the images' digests: `adopted`). `listing` and `result` (the two large columns) are
# UTF-8 JSON bytes (store.dumps_utf8), stored as text: see UTF8_COLUMNS.
Prepared = tuple


INSERT_COLUMNS = ("listing_key, versions_key, listing_id, listing, result, masked, decision, score, categories, "
                  "source, reason, rank, status, created_at")
# Columns a Prepared holds as UTF-8 bytes: SQLite stores them as text with CAST(? AS TEXT) (bytes would be a
# BLOB), PostgreSQL's binary COPY sends them as they are (Cursor.copy_insert). Read back, they are text as ever.
UTF8_COLUMNS = ("listing", "result")
SQLITE_INSERT = (f"INSERT INTO review_items ({INSERT_COLUMNS}) VALUES ("
                 + ", ".join("CAST(? AS TEXT)" if c.strip() in UTF8_COLUMNS else "?" for c in INSERT_COLUMNS.split(","))
                 + f") ON CONFLICT (listing_key, versions_key) WHERE {LIVE_ITEM} DO NOTHING")


def triage(row: dict[str, Any], listing: Any, policy: QueuePolicy) -> tuple[str, str | None, str | None] | None:
    """(listing key, versions key, reason) of a scan, cheaply: reason None = not queued (versions key None too);
    None = the queue ignores it (an error row, or a listing without id that is not queued). build adds the
    content to the versions key (item_key), from the listing it parses anyway."""
    if row.get("decision") not in ("pass", "review", "block") or row.get("error"):
        return None
    reason = policy.reason(row)
    if reason is None:
        if row.get("id") is None:
            return None
        return listing_key(listing, row), None, None
    return listing_key(listing, row), versions_key(row), reason


def build(listing: Any, row: dict[str, Any], source: str, key: str, vkey: str | None, reason: str | None,
          result_utf8: bytes | None = None) -> Prepared:
    """The Prepared of a triaged scan: for a queued one the reviewer's copy and every column.
    `result_utf8`: the row already written as JSON in UTF-8 (a batch output line), stored as the result
    as it is when there is nothing to take out of it (no `masked` copy, no OCR text)."""
    if reason is None:
        return (key, None)
    parsed = parse_unlimited(listing)  # once, for the copy and the content digest
    copy, spans = reviewer_copy(listing, row, parsed)
    if result_utf8 is None or "masked" in row or row.get("image_text") or is_private(row):
        result_utf8 = dumps_utf8(reviewer_result(row, copy["fields"]))
    listing_id = row.get("id")
    categories = categories_of(row)
    images = row.get("image_sha256")
    canon = _canonical(listing, parsed)  # once, for the key and (a scan that read images) the pre-digest key
    values = (key, item_key(vkey, canon, images), None if listing_id is None else storable(str(listing_id)),
              dumps_utf8(copy), result_utf8, dumps(spans) if spans else "{}", row["decision"],
              int(row.get("score") or 0), category_set(categories)[0], source, reason,
              rank(row, 0.0, reason, categories), "open")
    if images:  # and the key an earlier release gave this scan (no image digests), for `adopted`
        values += (item_key(vkey, canon),)
    return (key, values)


def prepare(listing: Any, row: dict[str, Any], source: str, policy: QueuePolicy,
            result_utf8: bytes | None = None) -> Prepared | None:
    """triage + build: what a scan does to the queue, or None (ignored)."""
    t = triage(row, listing, policy)
    return None if t is None else build(listing, row, source, *t, result_utf8=result_utf8)


ITEM_COLUMNS = ("id, listing_id, listing, masked, result, lease_expires, created_at, decision, categories, "
                "source, reason, status, claimed_by, done_at")
CLAIM_COLUMNS = ("id, listing_id, listing, masked, result, lease_expires, created_at, decision, categories, source, "
                 "reason")  # what Store.claim_next returns of the item (then its listing's newest other open item's id)
SUPERSEDED_PER_CLAIM = 100  # at most so many earlier items withdrawn by one claim (then the item is handed out)


def item_dict(row: tuple, columns: str = ITEM_COLUMNS) -> dict[str, Any]:
    import json

    names = [c.strip() for c in columns.split(",")]
    d = dict(zip(names, row))
    out = {"id": d["id"], "listing": json.loads(d["listing"]), "result": json.loads(d["result"]),
           "masked_spans": json.loads(d["masked"]), "lease_expires": d.get("lease_expires"),
           "created_at": d.get("created_at"), "categories": json.loads(d["categories"]),
           "source": d.get("source"), "reason": d.get("reason"), "decision": d.get("decision")}
    for k in ("status", "claimed_by", "done_at"):
        if k in d:
            out[k] = d[k]
    return out


class ReviewQueue:
    def __init__(self, store: Store, policy: QueuePolicy | None = None, lease_s: float = 600.0) -> None:
        self.store = store
        self.policy = policy or QueuePolicy()
        self.lease_s = lease_s
        self._last_release = 0.0

    # -- enqueue ------------------------------------------------------------------------------
    def enqueue_many(self, entries: Iterable[Entry], now: float | None = None) -> dict[str, int]:
        """Write a batch of scans in one transaction; counts of what happened. Every queued scan's reviewer's copy
        is built (a few µs), so that what is live is decided inside the write's transaction: a read before it could
        be overtaken by another writer's scan of the same listing, and the scan lost (a code review's case)."""
        prepared: list[Prepared] = []
        ignored = 0
        for e in entries:
            p = prepare(e.listing, e.row, e.source, self.policy)
            if p is None:
                ignored += 1
            else:
                prepared.append(p)
        counts = self.write(prepared, now)
        counts["ignored"] += ignored
        return counts

    def write(self, prepared: Iterable[Prepared], now: float | None = None) -> dict[str, int]:
        """Write prepared scans in one transaction. Per listing the last scan counts: queued → its item is
        inserted unless one is live under its key (open, claimed or done: the same content under the same
        versions is reviewed once), and the listing's open items under other keys are withdrawn; not queued → its
        open items are withdrawn. A claimed item stays with its reviewer. A withdrawn item is history: the
        same scan coming back is a new item. A claimed item under another key is marked superseded: it is
        withdrawn when its lease runs out (release_expired) instead of coming back open with a stale copy.
        `withdrawn` counts the open items withdrawn."""
        t = _now() if now is None else now
        counts = {"queued": 0, "unchanged": 0, "withdrawn": 0, "ignored": 0}
        last: dict[str, Prepared] = {}
        n = 0
        for p in prepared:
            n += 1
            last.pop(p[0], None)
            last[p[0]] = p
        counts["unchanged"] += n - len(last)  # superseded by a later scan of the same listing in this batch
        gone = [key for key, values in last.values() if values is None]
        queued = [p for p in last.values() if p[1] is not None]
        if not last:
            return counts
        postgres = self.store.dialect == "postgresql"

        def statements(cur) -> dict[str, int]:
            done = {"queued": 0, "unchanged": 0, "withdrawn": 0}
            kept: dict[str, str] = {}  # listing key queued -> the item key its items may keep
            inserts: list[tuple] = []
            revived: list[tuple[str, str]] = []
            live = live_keys(cur.execute, [key for key, _ in queued], postgres) if queued else {}
            for key, values in queued:
                ikey = values[1]
                have = live.get(key)
                if have is not None and (ikey in have or adopted(cur, key, ikey, have, values[3],
                                                                 values[13] if len(values) > 13 else None)):
                    done["unchanged"] += 1
                    if have.get(ikey):  # marked superseded by a scan since, and this later scan is its again
                        revived.append((key, ikey))
                else:
                    inserts.append((*values[:11], t + values[11], values[12], t))
                kept[key] = ikey
            if revived:  # rare (a listing back to the copy its reviewer holds): one statement each
                cur.executemany(f"UPDATE review_items SET superseded_at = NULL WHERE listing_key = ? AND versions_key = ? "
                                f"AND {LIVE_ITEM}", revived)
            # Every listing's open items under another key are withdrawn (a clean scan keeps none), and its claimed
            # ones marked superseded (withdrawn when their lease runs out, not put back: the reviewer may finish),
            # in two statements for the batch, whatever its size: the sqlite3 module lets go of the GIL for every
            # statement, and a writer thread that has to win it back from busy scan threads once per row fell
            # behind. The clean listings' keys alone (most of a batch), the queued ones' with the key each keeps
            # (one pairs statement for all: the client's CPU of a PostgreSQL write ~6 -> ~4.5 µs a row against
            # pairs for every listing). PostgreSQL: the keys as arrays sent binary (%b), cheaper to send than
            # parameters and half the client's CPU of text arrays. SQLite: JSON read by json_each.
            change = ("UPDATE review_items SET status = CASE WHEN status = 'open' THEN 'withdrawn' ELSE status END, "
                      "done_at = CASE WHEN status = 'open' THEN ? ELSE done_at END, "
                      "superseded_at = CASE WHEN status = 'claimed' THEN ? ELSE superseded_at END "
                      # (`status IN` keeps SQLite on the listing index, where an OR of the two made it read every open
                      # item of the queue; an open item is withdrawn whatever its superseded_at says)
                      "WHERE status IN ('open', 'claimed') AND (status = 'open' OR superseded_at IS NULL) AND ")

            def withdraw(where: str, params: tuple) -> None:
                res = cur.execute(change + where + " RETURNING status", (t, t, *params))
                done["withdrawn"] += sum(status == "withdrawn" for status, in res.fetchall())

            if gone:  # listings no longer queued (most scans are clean): all their items go
                withdraw("listing_key = ANY(%b)" if postgres else "listing_key IN (SELECT value FROM json_each(?))",
                         (gone if postgres else dumps(gone),))
            if kept and postgres:  # listings queued: their items under other keys go
                withdraw("listing_key = ANY(%b) AND (listing_key, versions_key) NOT IN "
                         "(SELECT * FROM unnest(%b::text[], %b::text[]))", (list(kept), list(kept), list(kept.values())))
            elif kept:
                withdraw("listing_key IN (SELECT key FROM json_each(?)) AND (listing_key, versions_key) "
                         "NOT IN (SELECT key, value FROM json_each(?))", (dumps(kept),) * 2)
            if inserts:
                if postgres:  # COPY: the client's cheapest way in (the live keys were looked up above)
                    queued_n = cur.copy_insert("review_items", INSERT_COLUMNS, inserts, ITEM_KEY, UTF8_COLUMNS,
                                               live=LIVE_ITEM, checked=True)
                else:  # one prepared statement, re-run: no 7,000-parameter parse
                    queued_n = max(cur.executemany(SQLITE_INSERT, inserts).rowcount, 0)
                done["queued"] += queued_n
                done["unchanged"] += len(inserts) - queued_n
            return done

        # one transaction, run again if PostgreSQL ends it as one side of a deadlock (Store.tx_retrying)
        for k, v in self.store.tx_retrying(statements).items():
            counts[k] += v
        return counts

    # -- claim --------------------------------------------------------------------------------
    def release_expired(self, now: float | None = None) -> int:
        """Put back every item whose lease ran out (audited, one line per item)."""
        t = _now() if now is None else now
        released = release_expired(self.store, t)
        self._last_release = t
        return released

    def claim(self, reviewer: str, now: float | None = None, lease_s: float | None = None) -> dict[str, Any] | None:
        """The next item for `reviewer` (claimed with a lease), or None when nothing is waiting."""
        t = _now() if now is None else now
        if t - self._last_release >= 1.0 or t < self._last_release:
            self.release_expired(t)
        expires = t + (self.lease_s if lease_s is None else lease_s)
        with self.store.tx() as cur:
            for _ in range(SUPERSEDED_PER_CLAIM + 1):
                row = self.store.claim_next(cur, CLAIM_COLUMNS, reviewer, expires, t)
                if row is None:
                    return None
                newer = row[-1]  # the listing's newest other open item's id, if it is newer than this one
                if newer is None or newer <= row[0]:
                    break
                # Another item of the listing, queued later, is open too: this one is what an earlier scan found
                # (its lease ran out after a rescan queued another version, or two replicas queued two versions at
                # once). Every scan withdraws the open items of other versions before it, so an open later item is
                # the later scan's: this one is withdrawn, and the next item taken instead.
                cur.execute("UPDATE review_items SET status = 'withdrawn', done_at = ?, claimed_by = NULL, "
                            "lease_expires = NULL, claimed_at = NULL WHERE id = ?", (t, row[0]))
                audit(cur, "system", "review.superseded", t, item_id=row[0], before={"status": "open"},
                      after={"status": "withdrawn", "by_item": newer})
            audit(cur, reviewer, "review.claim", t, item_id=row[0], before={"status": "open"},
                  after={"status": "claimed", "lease_expires": expires})
        return item_dict(row, CLAIM_COLUMNS)

    # -- read: an expired lease is put back first, so nothing shows `claimed` that nobody holds ------------
    def items(self, status: str | None = None, limit: int = 100, offset: int = 0,
              now: float | None = None) -> list[dict[str, Any]]:
        release_expired(self.store, now)
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = self.store.read(f"SELECT {ITEM_COLUMNS} FROM review_items {where} ORDER BY rank, id LIMIT ? OFFSET ?",
                               (*params, limit, offset))
        return [item_dict(r) for r in rows]

    def get(self, item_id: int, now: float | None = None) -> dict[str, Any] | None:
        release_expired(self.store, now)
        rows = self.store.read(f"SELECT {ITEM_COLUMNS} FROM review_items WHERE id = ?", (item_id,))
        return item_dict(rows[0]) if rows else None

    def depth(self, now: float | None = None) -> dict[str, int]:
        return depth(self.store, now)


ITEM_KEY = ("listing_key", "versions_key")  # an item's key, unique among live items (store.LIVE_ITEM)


def live_keys(execute: Any, keys: list[str], postgres: bool) -> dict[str, dict[str, bool]]:
    """{listing key: {item key: superseded}} of the items live (not withdrawn) for these listing keys, in one
    indexed read (review_items_key); `superseded`: claimed and marked to go when its lease runs out."""
    sql = ("SELECT listing_key, versions_key, superseded_at IS NOT NULL FROM review_items WHERE "
           + ("listing_key = ANY(%b)" if postgres else "listing_key IN (SELECT value FROM json_each(?))")
           + f" AND {LIVE_ITEM}")
    found: dict[str, dict[str, bool]] = {}
    for key, ikey, superseded in execute(sql, (keys if postgres else dumps(keys),)).fetchall():
        found.setdefault(key, {})[ikey] = bool(superseded)
    return found


def release_expired(store: Store, now: float | None = None) -> int:
    """Put back every item whose lease ran out (audited, one line per item). A read first, so a caller
    that finds none (the usual case) takes no write lock."""
    t = _now() if now is None else now
    if not store.read("SELECT 1 FROM review_items WHERE status = 'claimed' AND lease_expires < ? LIMIT 1", (t,)):
        return 0
    released = 0
    with store.tx() as cur:
        rows = cur.execute("SELECT id, claimed_by FROM review_items WHERE status = 'claimed' AND lease_expires < ?",
                           (t,)).fetchall()
        for item_id, who in rows:
            # an item a later scan of its listing superseded while it was held goes, rather than back with a stale
            # copy; decided in the statement (another replica's scan may mark it between the read and this)
            got = cur.execute("UPDATE review_items SET status = CASE WHEN superseded_at IS NULL THEN 'open' ELSE 'withdrawn' END, "
                              "done_at = CASE WHEN superseded_at IS NULL THEN NULL ELSE ? END, claimed_by = NULL, "
                              "lease_expires = NULL, claimed_at = NULL WHERE id = ? AND status = 'claimed' AND lease_expires < ? "
                              "RETURNING status", (t, item_id, t)).fetchone()
            if got is not None:
                released += 1
                audit(cur, "system", "review.lease_expired", t, item_id=item_id,
                      before={"status": "claimed", "claimed_by": who}, after={"status": got[0]})
    return released


def depth(store: Store, now: float | None = None) -> dict[str, int]:
    """Items by status, expired leases put back first."""
    release_expired(store, now)
    counts = {s: 0 for s in STATUSES}
    for status, n in store.read("SELECT status, COUNT(*) FROM review_items GROUP BY status"):
        counts[status] = n
    return counts


def audit(cur: Any, actor: str, action: str, ts: float, *, item_id: int | None = None,
          changeset_id: int | None = None, before: Any = None, after: Any = None) -> None:
    """One audit row, in the transaction of the change it records (so there is never one without the other)."""
    cur.execute("INSERT INTO review_audit (ts, actor, action, item_id, changeset_id, before_state, after_state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (ts, actor, action, item_id, changeset_id, None if before is None else dumps(before),
                 None if after is None else dumps(after)))


def write_isolated(queue: ReviewQueue, write, records: list) -> dict[str, int]:
    """`write(records)` in one transaction; if the database refuses it, each record in a transaction of its own,
    so a record it will not take costs only itself (counted `failed`, logged by its type of error: an error's text
    can quote the row, and a row can hold personal data). When not one record could be written and the database
    does not answer a plain query either, the database is what fails: the chunk's error is raised (the run ends,
    and --resume queues its rows again) rather than counting a whole run `failed`."""
    try:
        counts = write(records)
        counts.setdefault("failed", 0)
        return counts
    except Exception as exc:  # noqa: BLE001 - sorted out below, record by record
        chunk_error = exc
    counts = {"queued": 0, "unchanged": 0, "withdrawn": 0, "ignored": 0, "failed": 0}
    errors: dict[str, int] = {}
    for record in records:
        try:
            for k, v in write([record]).items():
                counts[k] += v
        except Exception as exc:  # noqa: BLE001
            counts["failed"] += 1
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
    if records and counts["failed"] == len(records):
        try:
            queue.store.read("SELECT 1")
        except Exception:  # noqa: BLE001 - the database, not the records
            raise chunk_error from None
    if errors:
        log.error("review queue: %d of %d records of a chunk could not be queued (%s); the others were",
                  counts["failed"], len(records), ", ".join(f"{n} {e}" for e, n in sorted(errors.items())))
    return counts


class Enqueuer:
    """Hands scans to a background writer thread. `submit` costs a policy check and a queue put;
    the writer drains up to `batch` entries per transaction. The queue is bounded: when the
    database falls behind by `capacity` entries, `submit` waits (back-pressure) rather than
    dropping a result that needs a person."""

    def __init__(self, review_queue: ReviewQueue, *, capacity: int = 20_000, batch: int = 500) -> None:
        self.queue = review_queue
        self._q: queue_mod.Queue = queue_mod.Queue(maxsize=capacity)
        self._batch = batch
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending = 0
        self._idle = threading.Condition(self._lock)
        self.errors = 0
        self.written = 0
        self.linger_s = 0.05

    def wants(self, row: dict[str, Any]) -> bool:
        """Whether a scan's row has anything to tell the queue (a cheap check in the scan's thread)."""
        if row.get("error") is not None:
            return False
        return row.get("id") is not None or row.get("decision") == "review"

    def submit(self, listing: Any, row: dict[str, Any], source: str = "api") -> None:
        if not self.wants(row):
            return
        self._ensure_thread()
        with self._lock:
            self._pending += 1
        self._q.put(Entry(listing, row, source))

    def _ensure_thread(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="review-enqueuer", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._q.get()
            if first is None:
                return
            if self._q.qsize() < self._batch:
                time.sleep(self.linger_s)  # let a batch gather: one transaction per batch, not per scan
            entries = [first]
            while len(entries) < self._batch:
                try:
                    nxt = self._q.get_nowait()
                except queue_mod.Empty:
                    break
                if nxt is None:
                    self._q.put(None)
                    break
                entries.append(nxt)
            try:  # one bad row must not cost the others their place in the queue
                failed = write_isolated(self.queue, self.queue.enqueue_many, entries)["failed"]
            except Exception as exc:  # never let the queue break scanning; only the error's type is logged (its
                failed = len(entries)  # text can quote a row, and a row can hold personal data)
                log.error("review queue: writing %d results failed (%s)", len(entries), type(exc).__name__)
            self.errors += failed
            self.written += len(entries) - failed
            with self._lock:
                self._pending -= len(entries)
                if self._pending == 0:
                    self._idle.notify_all()

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything submitted so far is written (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self) -> None:
        self.flush()
        if self._thread is not None:
            self._q.put(None)
            self._thread.join(timeout=5)
            self._thread = None
