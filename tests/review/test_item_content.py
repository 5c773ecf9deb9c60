"""An item follows what its listing says: a reviewer's verdict holds for one content under one set of data versions.

Stories on both paths (the service's enqueue_many, the batch's write) and both databases (fixture `store`). Each
failed on the code before item keys held the content (a key of listing id + versions only).
"""
from __future__ import annotations

import pytest

from scanner.review import verdicts
from scanner.review.queue import Entry, ReviewQueue, content_digest, prepare
from scanner.review.store import Store

V1 = {"wordlists": "sha256:aaa", "gallery": "sha256:ggg", "scanner": "0.1.0"}
T0 = 1_800_000_000.0


def review_row(listing_id, text, start=0):
    finding = {"kind": "text", "category": "counterfeit", "field": "title", "start": start, "end": start + 2,
               "text": text, "term": text, "severity": "high", "score": 0.9, "effect": "review"}
    return {"id": listing_id, "decision": "review", "score": 60, "findings": [finding], "versions": V1}


BAG = {"id": "sku-7", "title": "原单 女士手提包", "description": "头层牛皮"}
BAG_ROW = review_row("sku-7", "原单")
BAG_EDITED = {"id": "sku-7", "title": "原单 女士手提包 顶级复刻", "description": "头层牛皮"}
BAG_EDITED_ROW = review_row("sku-7", "原单")
BAG_CLEAN = {"id": "sku-7", "title": "女士手提包", "description": "头层牛皮"}
BAG_CLEAN_ROW = {"id": "sku-7", "decision": "pass", "score": 0, "findings": [], "versions": V1}


@pytest.fixture(params=["api", "batch"])
def scan(request, store):
    q = ReviewQueue(store, lease_s=600)

    def scan_(listing, row, now):
        if request.param == "api":
            return q.enqueue_many([Entry(listing, row, "api")], now=now)
        return q.write([prepare(listing, row, "batch", q.policy)], now=now)

    scan_.queue = q
    return scan_


def items(store):
    return store.read("SELECT id, status, listing FROM review_items ORDER BY id")


def test_an_approved_listing_edited_is_reviewed_again(scan, store):
    scan(BAG, BAG_ROW, T0)
    item = scan.queue.claim("alice", now=T0 + 1)
    verdicts.submit(store, item["id"], "alice", {"decision": "approve"}, now=T0 + 2)
    assert scan(BAG, BAG_ROW, T0 + 3)["queued"] == 0  # the same copy again: approved already
    assert scan(BAG_EDITED, BAG_EDITED_ROW, T0 + 4)["queued"] == 1
    again = scan.queue.claim("bob", now=T0 + 5)
    assert again is not None and again["id"] > item["id"] and "顶级复刻" in again["listing"]["fields"]["title"]


def test_an_edit_while_queued_replaces_the_open_item(scan, store):
    scan(BAG, BAG_ROW, T0)
    scan(BAG_EDITED, BAG_EDITED_ROW, T0 + 1)
    rows = items(store)
    assert [r[1] for r in rows] == ["withdrawn", "open"] and "顶级复刻" in rows[1][2]
    assert scan.queue.claim("alice", now=T0 + 2)["id"] == rows[1][0]


def test_a_scan_coming_back_after_its_item_was_withdrawn_is_a_new_item(scan, store):
    scan(BAG, BAG_ROW, T0)
    scan(BAG_CLEAN, BAG_CLEAN_ROW, T0 + 1)  # the seller took the words out
    scan(BAG, BAG_ROW, T0 + 2)              # ... and put them back
    assert [r[1] for r in items(store)] == ["withdrawn", "open"]
    assert scan(BAG, BAG_ROW, T0 + 3)["queued"] == 0  # and once is enough


def test_a_listing_reverted_to_reviewed_copy_is_not_reviewed_twice(scan, store):
    scan(BAG, BAG_ROW, T0)
    first = scan.queue.claim("alice", now=T0 + 1)
    verdicts.submit(store, first["id"], "alice", {"decision": "approve"}, now=T0 + 2)
    scan(BAG_EDITED, BAG_EDITED_ROW, T0 + 3)
    second = scan.queue.claim("alice", now=T0 + 4)
    verdicts.submit(store, second["id"], "alice", {"decision": "reject"}, now=T0 + 5)
    assert scan(BAG, BAG_ROW, T0 + 6)["queued"] == 0  # back to the copy alice approved, under the same data
    assert scan.queue.claim("bob", now=T0 + 7) is None


def test_a_listing_reverted_while_both_copies_are_held_keeps_the_reverted_copy(scan, store):
    """Both copies with a reviewer when the seller reverts: the kept item is the last scan's, the other copy's
    item is superseded and goes when its lease runs out; the current copy is what the next reviewer gets."""
    scan(BAG, BAG_ROW, T0)
    first = scan.queue.claim("alice", now=T0 + 1)
    scan(BAG_EDITED, BAG_EDITED_ROW, T0 + 2)
    second = scan.queue.claim("bob", now=T0 + 3)
    assert scan(BAG, BAG_ROW, T0 + 4)["queued"] == 0  # back to the copy alice holds
    got = scan.queue.claim("carol", now=T0 + 700)  # both leases ran out
    assert got is not None and got["id"] == first["id"] and "顶级复刻" not in got["listing"]["fields"]["title"]
    assert store.read("SELECT status FROM review_items WHERE id = ?", (second["id"],)) == [("withdrawn",)]
    assert scan.queue.claim("dave", now=T0 + 701) is None


@pytest.mark.parametrize("first, again", [
    # the API's number and a CSV row's text; an attribute as a number and as text; another key order
    ({"id": 7, "title": "原单 手提包", "attributes": {"尺寸": 30}}, {"id": "7", "attributes": {"尺寸": "30"}, "title": "原单 手提包"}),
    # attributes and authorised brands in another order; an image key sent as null or left out
    ({"id": "7", "title": "原单 手提包", "attributes": {"尺寸": "30", "颜色": "黑"}, "seller": {"authorized_brands": ["Coach", "Gucci"]}},
     {"id": "7", "title": "原单 手提包", "attributes": {"颜色": "黑", "尺寸": "30"}, "seller": {"authorized_brands": ["Gucci", "Coach"]}}),
    ({"id": "7", "title": "原单 手提包", "images": [{"url": "https://img.example/1.jpg", "data": None}]},
     {"id": "7", "title": "原单 手提包", "images": [{"url": "https://img.example/1.jpg"}]}),
    ({"id": "7", "title": "原单 手提包", "locale": ""}, {"id": "7", "title": "原单 手提包"}),
    # an empty or absent field reads the same; scan options are how to answer, not what the listing says
    ({"id": "7", "title": "原单 手提包", "description": ""}, {"id": "7", "title": "原单 手提包"}),
    ({"id": "7", "title": "原单 手提包"}, {"id": "7", "title": "原单 手提包", "options": {"language": "en"}}),
])
def test_the_same_content_written_two_ways_is_one_item(scan, store, first, again):
    assert scan(first, review_row(first["id"], "原单"), T0)["queued"] == 1
    assert scan(again, review_row(again["id"], "原单"), T0 + 1)["queued"] == 0
    assert [r[1] for r in items(store)] == ["open"]


@pytest.mark.parametrize("one, other", [
    ({"id": "7", "title": "原单 手提包"}, {"id": "7", "title": "原单 手提包", "images": [{"url": "https://img.example/1.jpg"}]}),
    ({"id": "7", "title": "原单 手提包"}, {"id": "7", "title": "原单 手提包", "seller": {"authorized_brands": ["Coach"]}}),
    ({"id": "7", "title": "原单 手提包"}, {"id": "7", "title": "原单 手提包", "locale": "zh-TW"}),
    ({"id": "7", "title": "原单 手提包"}, {"id": "7", "title": "原单  手提包"}),
    ({"id": "7", "bullets": ["原单", "手提包"]}, {"id": "7", "bullets": ["手提包", "原单"]}),
])
def test_what_the_scan_reads_changes_the_content(one, other):
    assert content_digest(one) != content_digest(other)


# -- the pixels behind an image reference (the result's image_sha256) -----------------------------------------------------
PHOTO = {"id": "sku-9", "title": "原单 女士手提包", "images": [{"url": "https://img.example/bag-9.jpg"}]}
PIXELS_A = {"images[0]": "a3" * 32}  # the SHA-256 of the bytes the URL served at the first scan
PIXELS_B = {"images[0]": "5c" * 32}  # ... and of what it serves after the seller replaced the picture


def photo_row(pixels):
    row = review_row("sku-9", "原单")
    return {**row, "image_sha256": pixels} if pixels is not None else row


def test_an_approved_listing_whose_picture_was_replaced_behind_its_url_is_reviewed_again(scan, store):
    scan(PHOTO, photo_row(PIXELS_A), T0)
    item = scan.queue.claim("alice", now=T0 + 1)
    verdicts.submit(store, item["id"], "alice", {"decision": "approve"}, now=T0 + 2)
    assert scan(PHOTO, photo_row(PIXELS_A), T0 + 3)["queued"] == 0  # the same bytes again: approved already
    assert scan(PHOTO, photo_row(PIXELS_B), T0 + 4)["queued"] == 1  # same URL, other bytes: a new item
    assert scan.queue.claim("bob", now=T0 + 5)["id"] > item["id"]


def test_an_open_item_whose_picture_was_replaced_is_replaced(scan, store):
    scan(PHOTO, photo_row(PIXELS_A), T0)
    scan(PHOTO, photo_row(PIXELS_B), T0 + 1)
    assert [r[1] for r in items(store)] == ["withdrawn", "open"]


@pytest.mark.parametrize("status, queued", [("done", 0), ("open", 0), ("withdrawn", 1)])
def test_an_item_queued_before_results_held_image_digests_is_taken_as_this_scans(scan, store, status, queued):
    # an earlier release keyed the same scan without the bytes' digests: the same copy is taken as this scan's
    # (as the upgrade to content keys does); the next picture replaced is a new item
    scan(PHOTO, photo_row(None), T0)
    with store.tx() as cur:
        cur.execute("UPDATE review_items SET status = ?", (status,))
    assert scan(PHOTO, photo_row(PIXELS_A), T0 + 1)["queued"] == queued
    if status != "withdrawn":
        assert [r[1] for r in items(store)] == [status]
        assert store.read("SELECT versions_key FROM review_items")[0][0].endswith(content_digest(PHOTO, None, PIXELS_A))
        assert scan(PHOTO, photo_row(PIXELS_B), T0 + 2)["queued"] == 1


def test_image_digests_change_the_content_only_when_a_scan_read_an_image():
    assert content_digest(PHOTO, None, PIXELS_A) != content_digest(PHOTO, None, PIXELS_B)
    assert content_digest(PHOTO, None, PIXELS_A) != content_digest(PHOTO)
    assert content_digest(PHOTO, None, {}) == content_digest(PHOTO, None, None) == content_digest(PHOTO)


# -- upgrading: items queued before keys held the content ---------------------------------------------------------------
LEGACY_KEY = "gallery=sha256:ggg|scanner=0.1.0|wordlists=sha256:aaa"  # V1's versions key


def _legacy_item(store: Store, status: str) -> int:
    """Queue BAG as the code before did (versions key alone), and set its status."""
    q = ReviewQueue(store)
    q.enqueue_many([Entry(BAG, BAG_ROW, "api")], now=T0 - 100)
    with store.tx() as cur:
        cur.execute("UPDATE review_items SET versions_key = ?, status = ?", (LEGACY_KEY, status))
    return store.read("SELECT id FROM review_items")[0][0]


@pytest.mark.parametrize("status, queued, statuses", [
    ("done", 0, ["done"]),            # reviewed before the upgrade: not reviewed again
    ("claimed", 0, ["claimed"]),      # with its reviewer: stays there
    ("open", 0, ["open"]),            # waiting: keeps its place
    ("withdrawn", 1, ["withdrawn", "open"]),  # history: the scan is a new item
])
def test_an_item_queued_before_the_upgrade_is_taken_as_this_scans(scan, store, status, queued, statuses):
    legacy = _legacy_item(store, status)
    assert scan(BAG, BAG_ROW, T0)["queued"] == queued
    assert [r[1] for r in items(store)] == statuses
    if status != "withdrawn":  # it took the scan's key: the next edit is a new item
        key = store.read("SELECT versions_key FROM review_items WHERE id = ?", (legacy,))[0][0]
        assert key.endswith("|content=" + content_digest(BAG))
        assert scan(BAG_EDITED, BAG_EDITED_ROW, T0 + 1)["queued"] == 1


def test_an_item_queued_before_the_upgrade_reads_as_this_scans_whatever_the_ids_type_and_fields_order(scan, store):
    """Queued from a CSV row ("id": "7", attributes in one order), reviewed, then scanned from the API (7, the other
    order): the same content, so not reviewed again (a code review's case: the stored copy was compared as text)."""
    csv_row = {"id": "sku-7", "title": "原单 手提包", "attributes": {"尺寸": "30", "颜色": "黑"}, "locale": ""}
    api_row = {"id": "sku-7", "title": "原单 手提包", "attributes": {"颜色": "黑", "尺寸": 30}}
    q = ReviewQueue(store)
    q.enqueue_many([Entry(csv_row, review_row("sku-7", "原单"), "batch")], now=T0 - 100)
    with store.tx() as cur:
        cur.execute("UPDATE review_items SET versions_key = ?, status = 'done'", (LEGACY_KEY,))
    assert scan(api_row, review_row("sku-7", "原单"), T0)["queued"] == 0


def test_an_item_held_before_the_upgrade_superseded_then_reverted_to_is_handed_out_again(scan, store):
    """alice holds a pre-upgrade item; an edit marks it superseded; the seller reverts (the scan adopts alice's item,
    and must clear the mark); alice's lease runs out: her item is the listing's current copy and comes back."""
    legacy = _legacy_item(store, "open")
    scan.queue.claim("alice", now=T0)
    scan(BAG_EDITED, BAG_EDITED_ROW, T0 + 1)
    assert scan(BAG, BAG_ROW, T0 + 2)["queued"] == 0
    got = scan.queue.claim("carol", now=T0 + 700)
    assert got is not None and got["id"] == legacy


@pytest.mark.parametrize("status", ["open", "done"])
def test_an_item_queued_before_the_upgrade_and_edited_since_is_not_taken_as_this_scans(scan, store, status):
    """The stored reviewer's copy is not the one this scan builds: the listing changed after it was queued, so the
    old item is not this content's (an open one is withdrawn, a done one stays history) and the scan is a new item."""
    legacy = _legacy_item(store, status)
    assert scan(BAG_EDITED, BAG_EDITED_ROW, T0)["queued"] == 1
    assert store.read("SELECT status FROM review_items WHERE id = ?", (legacy,)) == [
        ("withdrawn" if status == "open" else "done",)]
    got = scan.queue.claim("alice", now=T0 + 1)
    assert got is not None and "顶级复刻" in got["listing"]["fields"]["title"]


def test_migrating_keeps_the_items_and_frees_the_keys_of_withdrawn_ones(store_url, monkeypatch):
    """A database made by migration 1 (one item per key, withdrawn or not) moves to migration 2 with its items, ids
    and id counter (SQLite makes the table again), and the key of a withdrawn item can be queued again."""
    from scanner.review import store as store_mod

    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    old = Store(store_url)
    with old.tx() as cur:  # as the code before wrote them: the versions key alone
        for listing_key, status in (("id:sku-7", "withdrawn"), ("id:sku-8", "open")):
            cur.execute("INSERT INTO review_items (listing_key, versions_key, listing_id, listing, result, masked, "
                        "decision, score, categories, source, reason, rank, status, created_at) VALUES "
                        "(?, ?, ?, '{}', '{}', '{}', 'review', 60, '[]', 'api', 'review', ?, ?, ?)",
                        (listing_key, LEGACY_KEY, listing_key[3:], T0, status, T0))
        cur.execute("DELETE FROM review_items WHERE listing_key = 'id:sku-8'")  # purged: its id is not given again
    before = old.read("SELECT id, listing_key, versions_key, status, listing FROM review_items ORDER BY id")
    assert old.schema_version() == 1
    old.close()
    monkeypatch.undo()
    new = Store(store_url)
    try:
        assert new.schema_version() == 2
        assert new.read("SELECT id, listing_key, versions_key, status, listing FROM review_items ORDER BY id") == before
        assert ReviewQueue(new).enqueue_many([Entry(BAG, BAG_ROW, "api")], now=T0 + 1)["queued"] == 1
        ids = [r[0] for r in new.read("SELECT id FROM review_items ORDER BY id")]
        assert ids == [before[0][0], before[0][0] + 2]
    finally:
        new.close()
