"""The review store on SQLite and PostgreSQL: the same tables of cases on both (fixture `store`)."""
from __future__ import annotations

import hashlib
import threading

import pytest

from scanner.review import changesets, retention, stats, verdicts
from scanner.review.queue import ITEM_KEY, Entry, QueuePolicy, ReviewQueue
from scanner.review.store import LIVE_ITEM, Store

V1 = {"wordlists": "sha256:aaa", "gallery": "sha256:ggg", "scanner": "0.1.0"}
V2 = {"wordlists": "sha256:bbb", "gallery": "sha256:ggg", "scanner": "0.1.0"}
T0 = 1_800_000_000.0


def finding(category, field, start, end, text, term=None, effect="review"):
    return {"kind": "text", "category": category, "field": field, "start": start, "end": end, "text": text,
            "term": term or text, "severity": "medium", "score": 0.8, "effect": effect}


def row(listing_id, decision, findings=(), score=None, versions=V1):
    score = {"pass": 0, "review": 50, "block": 95}[decision] if score is None else score
    return {"id": listing_id, "decision": decision, "score": score, "findings": list(findings), "versions": versions}


# (listing, its row) pairs that read like the catalogue's
SHOE = {"id": "sku-1", "title": "耐克 运动鞋 正品", "description": "专柜同款"}
SHOE_REVIEW = row("sku-1", "review", [finding("brand", "title", 0, 2, "耐克")])
CREAM = {"id": "sku-2", "title": "祛斑霜 根治雀斑", "description": "三天见效"}
CREAM_REVIEW = row("sku-2", "review", [finding("medical_claim", "title", 4, 6, "根治")], score=60)
SHIRT = {"id": "sku-3", "title": "纯棉T恤 夏季新款"}


def test_migrations_run_once(store_url):
    first = Store(store_url)
    second = Store(store_url)  # a second process starting on the same database
    assert first.schema_version() == second.schema_version() == 2
    first.close(), second.close()


@pytest.mark.parametrize("batches, queued, open_items", [
    # the same result twice, in one batch or two: one item
    ([[(SHOE, SHOE_REVIEW)], [(SHOE, SHOE_REVIEW)]], [1, 0], 1),
    ([[(SHOE, SHOE_REVIEW), (SHOE, SHOE_REVIEW)]], [1], 1),
    # two listings: two items
    ([[(SHOE, SHOE_REVIEW), (CREAM, CREAM_REVIEW)]], [2], 2),
    # the same listing scanned by other word lists: a new item replaces the open one
    ([[(SHOE, SHOE_REVIEW)], [(SHOE, {**SHOE_REVIEW, "versions": V2})]], [1, 1], 1),
    # the same word lists under a policy profile whose hash changed: a new item replaces the open one
    ([[(SHOE, {**SHOE_REVIEW, "versions": {**V1, "policy": {"name": "default", "hash": "sha256:p1"}}})],
      [(SHOE, {**SHOE_REVIEW, "versions": {**V1, "policy": {"name": "default", "hash": "sha256:p2"}}})]], [1, 1], 1),
    # pass and block are not queued (no sampling by default); an error row never is
    ([[(SHIRT, row("sku-3", "pass")), (SHOE, row("sku-1", "block"))]], [0], 0),
    ([[(SHIRT, {"id": "sku-3", "error": {"code": "invalid_listing", "message": "…"}})]], [0], 0),
])
def test_enqueue_is_idempotent_per_listing_and_versions(store, batches, queued, open_items):
    q = ReviewQueue(store)
    got = [q.enqueue_many([Entry(listing, r, "api") for listing, r in batch], now=T0)["queued"] for batch in batches]
    assert got == queued
    assert q.depth()["open"] == open_items


@pytest.mark.parametrize("rescan, status_after", [
    (row("sku-1", "pass"), "withdrawn"),                      # rescanned clean: leaves the queue
    (row("sku-1", "block"), "withdrawn"),                     # now blocked automatically: no person needed
    (SHOE_REVIEW, "open"),                                    # the same result again: stays
    ({"id": "sku-1", "error": {"code": "x", "message": "y"}}, "open"),  # a failed rescan says nothing
])
def test_a_rescan_decides_whether_the_listing_stays(store, rescan, status_after):
    q = ReviewQueue(store)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    q.enqueue_many([Entry(SHOE, rescan, "api")], now=T0 + 10)
    assert [i["status"] for i in q.items()] == [status_after]


def test_a_claimed_item_is_not_withdrawn_under_its_reviewer(store):
    q = ReviewQueue(store)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    q.claim("alice", now=T0 + 1)
    q.enqueue_many([Entry(SHOE, row("sku-1", "pass"), "api")], now=T0 + 2)
    assert [i["status"] for i in q.items()] == ["claimed"]


def test_priority_risk_and_category_before_age(store):
    q = ReviewQueue(store)
    old_low = row("sku-a", "review", [finding("absolute_term", "title", 0, 2, "最佳")], score=35)
    new_high = row("sku-b", "review", [finding("absolute_term", "title", 0, 2, "最佳")], score=69)
    personal = row("sku-c", "review", [finding("personal_data", "title", 0, 4, "138*")], score=40)
    q.enqueue_many([Entry({"id": "sku-a", "title": "最佳选择"}, old_low, "api")], now=T0)
    q.enqueue_many([Entry({"id": "sku-b", "title": "最佳选择"}, new_high, "api")], now=T0 + 600)
    q.enqueue_many([Entry({"id": "sku-c", "title": "1381"}, personal, "api")], now=T0 + 3600)
    # by hand: rank = created − 60·score − category boost
    # sku-a: T0 − 2100; sku-b: T0 + 600 − 4140 = T0 − 3540; sku-c: T0 + 3600 − 2400 − 14400 = T0 − 13200
    order = [q.claim("r", now=T0 + 4000)["listing"]["id"] for _ in range(3)]
    assert order == ["sku-c", "sku-b", "sku-a"]


def _in_sample(listing_id: str, share: float) -> bool:  # the definition, written again independently
    return int(hashlib.sha256(f"id:{listing_id}".encode()).hexdigest()[:16], 16) / 2**64 < share


def test_sampling_is_deterministic_by_listing_id(store):
    q = ReviewQueue(store, QueuePolicy(sample_pass=0.3, sample_block=0.2))
    ids = [f"sku-{n:08d}" for n in range(200)]
    passes = [Entry({"id": i, "title": "适用于 iPhone"}, row(i, "pass", [finding("brand", "title", 4, 10, "iPhone",
                    effect="none")]), "batch") for i in ids[:100]]
    clean = [Entry({"id": i, "title": "纯棉T恤"}, row(i, "pass"), "batch") for i in ids[100:150]]
    blocks = [Entry({"id": i, "title": "高仿"}, row(i, "block", [finding("counterfeit", "title", 0, 2, "高仿")]), "batch")
              for i in ids[150:]]
    q.enqueue_many(passes + clean + blocks, now=T0)
    queued = {i["listing"]["id"]: i["reason"] for i in q.items(limit=1000)}
    expected = {i: "sample_pass" for i in ids[:100] if _in_sample(i, 0.3)}
    expected.update({i: "sample_block" for i in ids[150:] if _in_sample(i, 0.2)})
    assert queued == expected
    assert 15 < sum(r == "sample_pass" for r in expected.values()) < 45  # the oracle is not trivially empty


def test_twenty_reviewers_never_get_the_same_item(store):
    q = ReviewQueue(store)
    n = 10_000
    entries = [Entry({"id": f"sku-{i}", "title": "最佳选择"},
                     row(f"sku-{i}", "review", [finding("absolute_term", "title", 0, 2, "最佳")], score=30 + i % 40), "batch")
               for i in range(n)]
    for k in range(0, n, 2000):
        q.enqueue_many(entries[k:k + 2000], now=T0)
    got: list[list[int]] = [[] for _ in range(20)]
    errors: list[BaseException] = []

    def reviewer(k: int) -> None:
        try:
            mine = ReviewQueue(store)
            while (item := mine.claim(f"reviewer-{k}", now=T0 + 1)) is not None:
                got[k].append(item["id"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reviewer, args=(k,)) for k in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    claimed = [i for ids in got for i in ids]
    assert len(claimed) == len(set(claimed)) == n           # none twice, none lost
    assert sum(1 for ids in got if ids) > 1                  # really concurrent
    assert q.depth() == {"open": 0, "claimed": n, "done": 0, "withdrawn": 0}


def test_an_expired_lease_goes_back_and_the_old_holder_gets_409(store):
    q = ReviewQueue(store, lease_s=600)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    item = q.claim("alice", now=T0)
    assert q.claim("bob", now=T0 + 599) is None            # still alice's
    again = q.claim("bob", now=T0 + 601)                    # her lease ran out
    assert again["id"] == item["id"]
    with pytest.raises(verdicts.NotClaimed):
        verdicts.submit(store, item["id"], "alice", {"decision": "approve"}, now=T0 + 602)
    verdicts.submit(store, item["id"], "bob", {"decision": "approve"}, now=T0 + 603)
    actions = [r[0] for r in store.read("SELECT action FROM review_audit ORDER BY id")]
    assert actions == ["review.claim", "review.lease_expired", "review.claim", "review.verdict"]


SHOE_REVIEW_V2 = row("sku-1", "review", [finding("brand", "title", 0, 2, "耐克")], versions=V2)


def test_an_item_held_while_a_later_scan_queued_another_goes_when_its_lease_runs_out(store):
    """Per listing the last scan counts. A rescan queues a new version but leaves the claimed item with its
    reviewer, marked superseded; when that lease runs out the earlier item is withdrawn (audited), not put back
    open beside the later one with a stale copy, and the next claim hands out the later one."""
    q = ReviewQueue(store, lease_s=600)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    earlier = q.claim("alice", now=T0)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW_V2, "api")], now=T0 + 10)  # the rescan, while alice holds v1
    assert store.read("SELECT status FROM review_items ORDER BY id") == [("claimed",), ("open",)]
    later = q.claim("bob", now=T0 + 601)  # alice's lease ran out: v1 goes
    assert later["id"] != earlier["id"] and later["result"]["versions"] == V2
    assert q.claim("carol", now=T0 + 602) is None
    assert store.read("SELECT status FROM review_items ORDER BY id") == [("withdrawn",), ("claimed",)]
    audited = [(r[0], r[1]) for r in store.read("SELECT action, after_state FROM review_audit ORDER BY id")]
    assert [a for a, _ in audited] == ["review.claim", "review.lease_expired", "review.claim"]
    assert '"status":"withdrawn"' in audited[1][1]
    with pytest.raises(verdicts.NotClaimed, match="withdrawn .the listing was scanned again"):  # alice, too late
        verdicts.submit(store, earlier["id"], "alice", {"decision": "approve"}, now=T0 + 603)


def test_a_reviewer_holding_a_superseded_item_may_still_give_the_verdict(store):
    q = ReviewQueue(store, lease_s=600)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    earlier = q.claim("alice", now=T0)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW_V2, "api")], now=T0 + 10)
    verdicts.submit(store, earlier["id"], "alice", {"decision": "reject"}, now=T0 + 20)
    assert store.read("SELECT status FROM review_items ORDER BY id") == [("done",), ("open",)]


@pytest.mark.parametrize("rescan", [row("sku-1", "pass"), SHOE_REVIEW_V2])
def test_a_held_item_of_a_listing_rescanned_clean_or_otherwise_does_not_come_back(store, rescan):
    q = ReviewQueue(store, lease_s=600)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    q.claim("alice", now=T0)
    q.enqueue_many([Entry(SHOE, rescan, "api")], now=T0 + 10)
    q.release_expired(now=T0 + 601)
    assert [s for s, in store.read("SELECT status FROM review_items ORDER BY id")][0] == "withdrawn"


@pytest.mark.parametrize("path", ["api", "batch"])
def test_a_rescan_back_to_the_first_versions_keeps_the_first_item_and_withdraws_the_other(store, path):
    """v1 queued and held by alice, v2 queued, then v1 scanned again (an old replica, another policy): the last scan
    is v1's. Its item exists already, so nothing is inserted, but v2's open item is withdrawn, and when alice's
    lease runs out the v1 item is the one handed out (not withdrawn as if v2's item, which has the higher id, were
    the later scan). The service's path (enqueue_many, which skips items it knows) and the batch's (write)."""
    from scanner.review.queue import prepare

    q = ReviewQueue(store, lease_s=600)

    def scan(row_, now):
        if path == "api":
            q.enqueue_many([Entry(SHOE, row_, "api")], now=now)
        else:
            q.write([prepare(SHOE, row_, "batch", q.policy)], now=now)

    scan(SHOE_REVIEW, T0)
    first = q.claim("alice", now=T0)
    scan(SHOE_REVIEW_V2, T0 + 10)
    scan(SHOE_REVIEW, T0 + 20)
    assert store.read("SELECT status FROM review_items ORDER BY id") == [("claimed",), ("withdrawn",)]
    got = q.claim("bob", now=T0 + 601)  # alice's lease ran out
    assert got is not None and got["id"] == first["id"] and got["result"]["versions"] == V1
    assert store.read("SELECT status FROM review_items ORDER BY id") == [("claimed",), ("withdrawn",)]


def test_two_versions_queued_at_once_by_two_replicas_leave_one_to_claim(store, monkeypatch):
    """Two replicas queue two versions of one listing at the same moment: each withdraws the open items it sees
    before inserting its own, so neither sees the other's, and both stay open. A claim hands out the later one only."""
    if store.dialect != "postgresql":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no such race")
    from scanner.review import store as store_mod

    other = Store(store.url)
    q, elsewhere = ReviewQueue(store), ReviewQueue(other)
    between, raced = store_mod._Cursor._table_types, []

    def replica_writes_meanwhile(self, *args):  # after this write's withdrawals, before its insert
        if self._store is store and not raced:
            raced.append(elsewhere.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0 - 5))
        return between(self, *args)

    monkeypatch.setattr(store_mod._Cursor, "_table_types", replica_writes_meanwhile)
    try:
        q.enqueue_many([Entry(SHOE, SHOE_REVIEW_V2, "batch")], now=T0)
    finally:
        other.close()
    assert store.read("SELECT status FROM review_items ORDER BY id") == [("open",), ("open",)]
    got = q.claim("bob", now=T0 + 1)
    assert got["result"]["versions"] == V2 and q.claim("carol", now=T0 + 2) is None
    assert store.read("SELECT status FROM review_items ORDER BY id") == [("withdrawn",), ("claimed",)]


@pytest.mark.parametrize("claimer, verdict_by", [(None, "alice"), ("bob", "alice")])
def test_a_verdict_without_the_claim_is_refused(store, claimer, verdict_by):
    q = ReviewQueue(store)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    item_id = q.items()[0]["id"]
    if claimer:
        q.claim(claimer, now=T0)
    with pytest.raises(verdicts.NotClaimed):
        verdicts.submit(store, item_id, verdict_by, {"decision": "approve"}, now=T0 + 1)
    with pytest.raises(verdicts.ItemNotFound):
        verdicts.submit(store, item_id + 999, verdict_by, {"decision": "approve"}, now=T0 + 1)


@pytest.mark.parametrize("body, message", [
    ({"decision": "maybe"}, "decision must be"),
    ({"decision": "approve", "findings": [{"index": 5, "verdict": "correct"}]}, "findings[0].index"),
    ({"decision": "approve", "findings": [{"index": 0, "verdict": "wrong"}]}, "findings[0].verdict"),
    ({"decision": "approve", "findings": [{"index": 0, "verdict": "correct"}, {"index": 0, "verdict": "correct"}]}, "twice"),
    ({"decision": "reject", "missed": [{"field": "price", "start": 0, "end": 1, "category": "false_claim"}]}, "missed[0].field"),
    ({"decision": "reject", "missed": [{"field": "title", "start": 3, "end": 99, "category": "false_claim"}]}, "start and end"),
    # redteam15: a field that is not a string (unhashable: a list, an object) was looked up in a dict -> TypeError, 500
    ({"decision": "reject", "missed": [{"field": ["title"], "start": 0, "end": 2, "category": "false_claim"}]}, "missed[0].field"),
    ({"decision": "reject", "missed": [{"field": {"title": 1}, "start": 0, "end": 2, "category": "false_claim"}]}, "missed[0].field"),
    ({"decision": "reject", "missed": [{"field": "title", "start": 3, "end": 6, "category": "rude"}]}, "category"),
    ({"decision": "approve", "verdict": "x"}, "unknown field"),
])
def test_bad_verdicts_name_the_part(store, body, message):
    q = ReviewQueue(store)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)
    item = q.claim("alice", now=T0)
    with pytest.raises(verdicts.InvalidVerdict, match=message.replace("[", r"\[").replace("]", r"\]")):
        verdicts.submit(store, item["id"], "alice", body, now=T0 + 1)
    assert q.items()[0]["status"] == "claimed"  # nothing recorded


ORDER = {"id": "sku-9", "title": "收货人 张三 13812345678", "description": "绝对正品，假一赔十"}
ORDER_ROW = row("sku-9", "review", [
    finding("absolute_term", "description", 0, 2, "绝对"),
    finding("false_claim", "description", 5, 9, "假一赔十"),
])


def test_false_positives_and_missed_spans_become_proposals(store):
    q = ReviewQueue(store)
    q.enqueue_many([Entry(ORDER, ORDER_ROW, "api")], now=T0)
    item = q.claim("alice", now=T0)
    # the title's phone is masked for the reviewer (no finding flags it), as personal_data.mask masks
    # any number: at least 40 % of the digits hidden, so 2 + 4 of 11 shown
    assert item["listing"]["fields"]["title"] == "收货人 张三 13*****5678"
    with pytest.raises(verdicts.InvalidVerdict, match="masked"):
        verdicts.submit(store, item["id"], "alice", {"decision": "reject", "missed": [
            {"field": "title", "start": 7, "end": 18, "category": "diversion"}]}, now=T0 + 1)
    out = verdicts.submit(store, item["id"], "alice", {
        "decision": "reject",
        "findings": [{"index": 0, "verdict": "false_positive"}, {"index": 1, "verdict": "correct"}],
        "missed": [{"field": "title", "start": 0, "end": 3, "category": "brand"},
                   {"field": "description", "start": 5, "end": 9, "category": "false_claim"}],
        "note": "正品 claim is fine here"}, now=T0 + 30)
    (cs,) = changesets.list_all(store)
    got = [(p["kind"], p["category"], p["phrase"]) for p in cs["proposals"]]
    # 绝对 + two characters of context (the comma stops it on the left); a brand span proposes nothing
    assert got == [("allow", "absolute_term", "绝对正品"), ("term", "false_claim", "假一赔十")]
    assert out["proposals"] == [p["id"] for p in cs["proposals"]]
    numbers = stats.compute(store)
    assert numbers["precision"]["by_category"]["absolute_term"] == {"correct": 0, "false_positive": 1, "precision": 0.0}
    assert numbers["precision"]["by_category"]["false_claim"] == {"correct": 1, "false_positive": 0, "precision": 1.0}
    assert numbers["missed"] == {"by_category": {"brand": 1, "false_claim": 1}, "total": 2, "rate": round(2 / 3, 4)}
    assert numbers["time_to_verdict_s"]["max"] == 30.0
    assert numbers["queue"]["done"] == 1


# A buyer's WeChat id is shown masked (scanner/speakers.py), to the reviewer too: judged a false positive, it proposes
# nothing (its masked phrase could never match, and its value is not a word-list entry); a seller's id, shown as
# written, proposes its allow row as any phrase does.
@pytest.mark.parametrize("item, shown, proposed", [
    ({"kind": "review", "id": "r-7", "listing_id": "sku-9", "text": "能便宜点吗？加我微信 zhou_1988x 聊"},
     "微信 ****_*988x", []),
    ({"kind": "qa", "speaker": "seller", "id": "q-7", "listing_id": "sku-9", "text": "答：加我微信 zhou_1988x 聊"},
     "微信 zhou_1988x", [("allow", "diversion", "加我微信 zhou_1988x")]),
])
def test_a_masked_contact_judged_a_false_positive_proposes_nothing(store, item, shown, proposed):
    start = item["text"].index("微信")
    q = ReviewQueue(store)
    q.enqueue_many([Entry(item, row(item["id"], "review", [finding("diversion", "text", start, start + 13, shown)]),
                          "api")], now=T0)
    claimed = q.claim("alice", now=T0)
    assert claimed["listing"]["fields"]["text"][start:start + 13] == shown
    verdicts.submit(store, claimed["id"], "alice", {"decision": "approve",
                    "findings": [{"index": 0, "verdict": "false_positive"}]}, now=T0 + 1)
    proposals = [p for cs in changesets.list_all(store) for p in cs["proposals"]]
    assert [(p["kind"], p["category"], p["phrase"]) for p in proposals] == proposed


@pytest.mark.parametrize("text, start, end, phrase", [
    ("绝对正品，假一赔十", 0, 2, "绝对正品"),
    ("本店最好的面料", 2, 4, "本店最好的面"),      # two characters each side
    ("，最好。", 1, 3, "最好"),
    ("the best price in town", 4, 8, "the best"),
    ("bestseller of the year", 0, 4, "bestseller of"),
])
def test_allow_phrases_carry_their_context(text, start, end, phrase):
    assert verdicts.allow_phrase(text, start, end) == phrase


def test_retention_purges_old_items_and_keeps_a_live_claim(store):
    q = ReviewQueue(store, lease_s=10 * 86400)
    day = 86400.0
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api")], now=T0)                      # 100 days old, done
    q.enqueue_many([Entry(CREAM, CREAM_REVIEW, "api")], now=T0 + 5 * day)          # 95 days old, claimed now
    q.enqueue_many([Entry(ORDER, ORDER_ROW, "api")], now=T0 + 95 * day)            # 5 days old, open
    first = q.claim("alice", now=T0 + 1)
    verdicts.submit(store, first["id"], "alice", {"decision": "approve",
                    "findings": [{"index": 0, "verdict": "correct"}]}, now=T0 + 2)
    q.claim("bob", now=T0 + 99 * day)
    counts = retention.purge(store, 90, now=T0 + 100 * day)
    assert sorted(i["listing"]["id"] for i in q.items(limit=10)) == ["sku-2", "sku-9"]
    assert counts["items"] == 1 and counts["verdicts"] == 1 and counts["judged"] == 1
    assert store.read("SELECT COUNT(*) FROM review_verdicts")[0][0] == 0
    assert store.read("SELECT action FROM review_audit ORDER BY id DESC LIMIT 1")[0][0] == "review.purge"


def test_a_batch_runs_results_are_queued_beside_their_listings(store, tmp_path, text_scanner):
    import json

    from scanner.review.batch import enqueue_results
    from tests.support import FIXTURES

    lines = (FIXTURES / "listings" / "catalogue.jsonl").read_text("utf-8").splitlines()[:60]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # one result row per input row, as `scanner batch` writes them (a blank line is an error row)
    rows = [text_scanner.scan(json.loads(line)).to_dict() if line.strip()
            else {"id": None, "error": {"code": "empty_line", "message": "empty"}} for line in lines]
    (tmp_path / "out.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    q = ReviewQueue(store)
    counts = enqueue_results(q, tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    expected = sorted(r["id"] for r in rows if r.get("decision") == "review")  # the catalogue holds error rows too
    assert counts["queued"] == len(expected) > 0
    assert sorted(i["listing"]["id"] for i in q.items(limit=100)) == expected
    assert {i["source"] for i in q.items(limit=100)} == {"batch"}


@pytest.mark.parametrize("listing_id", ["sku-\x00-7", "\x00", "货号\x00"])
def test_an_id_holding_nul_is_queued_on_both_databases(store, listing_id):
    # PostgreSQL refuses NUL in text: a listing id holding one made the whole write fail (red team R08)
    q = ReviewQueue(store)
    listing = {**SHOE, "id": listing_id}
    counts = q.enqueue_many([Entry(listing, {**SHOE_REVIEW, "id": listing_id}, "api"),
                             Entry(CREAM, CREAM_REVIEW, "api")], now=T0)
    assert counts["queued"] == 2
    assert sorted(i["listing"]["id"] for i in q.items()) == sorted([listing_id, "sku-2"])  # the copy keeps the NUL
    keys = [k for k, in store.read("SELECT listing_key FROM review_items")]
    assert "id:" + listing_id.replace("\x00", "\\x00") in keys
    # rescanned clean, the same key withdraws it
    assert q.enqueue_many([Entry(listing, row(listing_id, "pass"), "api")], now=T0 + 1)["withdrawn"] == 1


class Refusing(ReviewQueue):
    """A queue whose database refuses every record of the listings in `refused` (as it refused R08's row)."""

    def __init__(self, store, refused):
        super().__init__(store)
        self.refused = refused

    def write(self, prepared, now=None):
        prepared = list(prepared)
        if any(p[0] in self.refused for p in prepared):
            raise ValueError("string or blob too big")
        return super().write(prepared, now)


@pytest.mark.parametrize("refused, database_up, expect", [
    ({"id:sku-2"}, True, {"queued": 2, "failed": 1}),  # one record refused: the others are queued
    ({"id:sku-1", "id:sku-2", "id:sku-4"}, True, {"queued": 0, "failed": 3}),  # all refused, the database answers
    (set(), True, {"queued": 3, "failed": 0}),
    ({"id:sku-1", "id:sku-2", "id:sku-4"}, False, ValueError),  # all refused and the database is down: raised
])
def test_a_record_the_database_refuses_costs_only_itself(store, refused, database_up, expect):
    from scanner.review.queue import prepare, write_isolated

    q = Refusing(store, refused)
    records = [prepare(listing, r, "batch", q.policy) for listing, r in (
        (SHOE, SHOE_REVIEW), (CREAM, CREAM_REVIEW),
        ({"id": "sku-4", "title": "最佳选择"}, row("sku-4", "review", [finding("absolute_term", "title", 0, 2, "最佳")])))]
    if not database_up:
        q.store = type("Down", (), {"read": lambda self, sql: (_ for _ in ()).throw(ConnectionError("down"))})()
    if expect is ValueError:
        with pytest.raises(ValueError):
            write_isolated(q, q.write, records)
        return
    counts = write_isolated(q, q.write, records)
    assert {k: counts[k] for k in expect} == expect
    assert store.read("SELECT COUNT(*) FROM review_items")[0][0] == expect["queued"]


def test_a_batch_run_goes_on_past_a_record_the_queue_refuses(store, tmp_path):
    import json

    from scanner.batch import BatchOptions, EngineSpec, run_batch
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.review.batch import BatchQueueWriter

    listings = [{"id": f"sku-{n}", "title": "全网最低价 纯棉T恤"} for n in range(30)]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in listings), "utf-8")
    writer = BatchQueueWriter(Refusing(store, {"id:sku-13"}))
    summary = run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl",
                        EngineSpec(with_images=False, settings={"wordlists": str(BUNDLED_WORDLISTS)}),
                        BatchOptions(workers=1, progress="none", overwrite=True, chunk_size=10), review=writer)
    counts = writer.close()
    assert summary["rows"] == 30 and counts["failed"] == 1 and counts["queued"] == 29
    assert "sku-13" not in {i["listing"]["id"] for i in ReviewQueue(store).items(limit=100)}


def test_the_same_proposal_from_two_verdicts_is_one_row_with_both_sources(store):
    q = ReviewQueue(store)
    other = {**ORDER, "id": "sku-10"}
    q.enqueue_many([Entry(ORDER, ORDER_ROW, "api"), Entry(other, {**ORDER_ROW, "id": "sku-10"}, "api")], now=T0)
    for who in ("alice", "bob"):
        item = q.claim(who, now=T0)
        verdicts.submit(store, item["id"], who, {"decision": "reject",
                        "findings": [{"index": 0, "verdict": "false_positive"}]}, now=T0 + 1)
    (cs,) = changesets.list_all(store)
    (proposal,) = cs["proposals"]
    assert (proposal["phrase"], len(proposal["sources"])) == ("绝对正品", 2)
    changesets.discard(store, cs["id"], "ops")
    with pytest.raises(changesets.ChangesetClosed):
        changesets.discard(store, cs["id"], "ops")
    # the next false positive opens a new change set
    q.enqueue_many([Entry({**ORDER, "id": "sku-11"}, {**ORDER_ROW, "id": "sku-11"}, "api")], now=T0)
    item = q.claim("alice", now=T0 + 2)
    verdicts.submit(store, item["id"], "alice", {"decision": "reject",
                    "findings": [{"index": 0, "verdict": "false_positive"}]}, now=T0 + 3)
    assert [(c["status"], len(c["proposals"])) for c in changesets.list_all(store)] == [("open", 1), ("discarded", 1)]


def test_an_expired_lease_shows_open_in_listings_and_stats(store):
    q = ReviewQueue(store, lease_s=600)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "api"), Entry(CREAM, CREAM_REVIEW, "api")], now=T0)
    held = q.claim("alice", now=T0)
    before = {"open": 1, "claimed": 1, "done": 0, "withdrawn": 0}
    assert q.depth(now=T0 + 599) == stats.compute(store, now=T0 + 599)["queue"] == before
    assert {i["id"]: i["status"] for i in q.items(now=T0 + 599)}[held["id"]] == "claimed"
    # 601 s on nobody holds it: every read shows it open, without waiting for the next claim
    after = {"open": 2, "claimed": 0, "done": 0, "withdrawn": 0}
    assert [i["status"] for i in q.items(now=T0 + 601)] == ["open", "open"]
    assert q.get(held["id"], now=T0 + 601)["claimed_by"] is None
    assert q.depth(now=T0 + 601) == stats.compute(store, now=T0 + 601)["queue"] == after
    actions = [r[0] for r in store.read("SELECT action FROM review_audit ORDER BY id")]
    assert actions == ["review.claim", "review.lease_expired"]  # put back once, audited once


def test_an_app_without_a_database_url_keeps_its_review_store_out_of_the_users_home(tmp_path):
    """The default store lives in the default data dir; under the tests that is a temporary directory
    (tests/conftest.py), never ~/.local/share of whoever runs them."""
    import tempfile
    from pathlib import Path

    from scanner.config import BUNDLED_WORDLISTS, Settings
    from scanner.review import ReviewService

    service = ReviewService.from_settings(Settings(wordlists=BUNDLED_WORDLISTS, gallery=tmp_path / "g.sqlite3",
                                                   audit_log=tmp_path / "a.jsonl"))
    try:
        assert service.store.path.is_file()
        assert service.store.path.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
        assert not service.store.path.resolve().is_relative_to((Path.home() / ".local").resolve())
    finally:
        service.close()


@pytest.mark.parametrize("value", [
    {"id": "sku-1", "fields": {"title": "最佳选择 纯棉T恤", "bullets[0]": "客服 13*****5678"}},
    {"title": 'quote " backslash \\ tab \t newline \n', "n": [1, 2.5, -0.0, 1e300, None, True, False]},
    {"lone surrogate": "\udfff", "nested": [[{"a": []}], {}]},
    ["personal_data", "brand"],
    {"when": __import__("datetime").date(2026, 12, 4), "tuple": ("a", 1)},  # default=str, tuples as lists
    {}, [], "plain", 7, None,
])
def test_dumps_writes_what_the_standard_encoder_writes(value):
    import json

    from scanner.review.store import dumps

    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        expected.encode("utf-8")
    except UnicodeEncodeError:  # not storable as UTF-8: the ASCII form (escapes round-trip through json.loads)
        expected = json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)
    assert dumps(value) == expected
    assert json.loads(dumps(value)) == json.loads(expected)


def test_items_of_equal_rank_written_in_one_batch_are_claimed_in_the_batchs_order(store):
    # one transaction, same score and category, same time: rank ties, so the order written decides
    # (PostgreSQL writes with COPY, straight into the table or through a staging table: both keep that order)
    q = ReviewQueue(store)
    ids = [f"sku-{n}" for n in (31, 7, 19, 2, 25)]
    f = finding("absolute_term", "title", 0, 2, "最佳")
    q.enqueue_many([Entry({"id": i, "title": "最佳选择"}, row(i, "review", [f]), "batch") for i in ids], now=T0)
    got = [q.claim("r1", now=T0 + 1)["listing"]["id"] for _ in ids]
    assert got == ids


P1 = {"name": "default", "hash": "sha256:p1"}


def test_versions_keys_follow_every_version_row_after_row():
    """Rows in the order a run sees them (the key of the last row's versions is reused when they are equal)."""
    from scanner.review.queue import versions_key

    mutated = {**V1}
    cases = [
        (V1, "gallery=sha256:ggg|scanner=0.1.0|wordlists=sha256:aaa"),
        (dict(V1), "gallery=sha256:ggg|scanner=0.1.0|wordlists=sha256:aaa"),
        (V2, "gallery=sha256:ggg|scanner=0.1.0|wordlists=sha256:bbb"),
        ({**V2, "policy": P1}, "gallery=sha256:ggg|policy=default sha256:p1|scanner=0.1.0|wordlists=sha256:bbb"),
        ({**V2, "policy": {**P1, "hash": "sha256:p2"}},
         "gallery=sha256:ggg|policy=default sha256:p2|scanner=0.1.0|wordlists=sha256:bbb"),
        ({**V2, "policy": {"name": "strict", "hash": "sha256:p2"}},
         "gallery=sha256:ggg|policy=strict sha256:p2|scanner=0.1.0|wordlists=sha256:bbb"),
        ({}, ""),
        (mutated, "gallery=sha256:ggg|scanner=0.1.0|wordlists=sha256:aaa"),
    ]
    got = []
    for versions, _ in cases:
        got.append(versions_key({"id": "sku-1", "decision": "review", "versions": versions}))
        if versions is mutated:  # a caller changing its row after the key was made: the next key follows it
            mutated["wordlists"] = "sha256:ccc"
            got.append(versions_key({"id": "sku-1", "decision": "review", "versions": mutated}))
    assert got == [key for _, key in cases] + ["gallery=sha256:ggg|scanner=0.1.0|wordlists=sha256:ccc"]


def test_a_failed_first_write_on_postgresql_leaves_the_next_one_working(store):
    """The COPY staging table is made in the write's transaction; when that transaction rolls back the table
    goes with it, and the next write must make it again (not COPY into a table that is not there)."""
    if store.dialect != "postgresql":
        pytest.skip("the COPY staging table is PostgreSQL's")
    q = ReviewQueue(store)
    bad = ("id:sku-9", ("id:sku-9", "v", "sku-9", b"{}", b"{}", "{}", "review", "fifty", "[]", "batch", "review", 0.0,
                        "open"))  # listing and result as UTF-8 bytes (queue.UTF8_COLUMNS)
    with pytest.raises(Exception):
        q.write([bad], now=T0)
    good = ("id:sku-9", (*bad[1][:7], 50, *bad[1][8:]))
    with store.tx() as cur:  # the staged way itself (a good row would otherwise go straight into the table)
        from scanner.review.queue import INSERT_COLUMNS, UTF8_COLUMNS

        row = (*good[1][:11], T0 + good[1][11], good[1][12], T0)
        assert cur._copy_staged("review_items", INSERT_COLUMNS, [row], ITEM_KEY, UTF8_COLUMNS, LIVE_ITEM) == 1
    assert q.depth()["open"] == 1


def test_a_row_written_by_another_replica_between_the_check_and_the_copy_is_kept_once(store, monkeypatch):
    """PostgreSQL checks which keys are new, then COPYs those straight in. Another replica queuing one of them in
    between makes that COPY fail on the unique key: the write must still queue the rest, in order, and leave the
    other replica's item as it is (ON CONFLICT DO NOTHING, as before)."""
    if store.dialect != "postgresql":
        pytest.skip("the direct COPY is PostgreSQL's")
    from scanner.review import store as store_mod

    other = Store(store.url)
    q, elsewhere = ReviewQueue(store), ReviewQueue(other)
    between = store_mod._Cursor._table_types
    raced = []

    def replica_writes_first(self, *args):
        if self._store is store and not raced:
            raced.append(elsewhere.enqueue_many([Entry(CREAM, CREAM_REVIEW, "api")], now=T0 - 5))
        return between(self, *args)

    monkeypatch.setattr(store_mod._Cursor, "_table_types", replica_writes_first)
    try:
        counts = q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "batch"), Entry(CREAM, CREAM_REVIEW, "batch")], now=T0)
    finally:
        other.close()
    assert raced and raced[0]["queued"] == 1
    assert (counts["queued"], counts["unchanged"]) == (1, 1)
    assert store.read("SELECT listing_id, source FROM review_items ORDER BY id") == [("sku-2", "api"), ("sku-1", "batch")]


def test_a_write_repeating_a_listing_keeps_its_first_row(store):
    """Two rows with the same listing and versions in one COPY: the first is queued, the second changes nothing
    (as INSERT … ON CONFLICT DO NOTHING in the rows' order)."""
    if store.dialect != "postgresql":
        pytest.skip("the direct COPY is PostgreSQL's")
    from scanner.review.queue import INSERT_COLUMNS, UTF8_COLUMNS, build, triage

    q = ReviewQueue(store)
    rows = [(*p[1][:11], T0 + p[1][11], p[1][12], T0)
            for p in (build(SHOE, SHOE_REVIEW, source, *triage(SHOE_REVIEW, SHOE, q.policy)) for source in ("batch", "api"))]
    with store.tx() as cur:
        assert cur.copy_insert("review_items", INSERT_COLUMNS, rows, ITEM_KEY, UTF8_COLUMNS, live=LIVE_ITEM) == 1
    assert store.read("SELECT source FROM review_items") == [("batch",)]


@pytest.mark.parametrize("listing_bytes, stored", [
    ('{"title":"耐克 é"}'.encode(), '{"title":"耐克 é"}'),
    (b'{"title":"\xff\xfe"}', None),  # not UTF-8: refused, nothing stored
])
def test_utf8_columns_are_read_as_utf8_whatever_the_clients_encoding(store, listing_bytes, stored):
    """The direct COPY hands text columns their bytes in the client's encoding: on a LATIN1 connection the UTF-8
    bytes must still be read as UTF-8 (stored as sent, or refused), never stored as Latin-1 mojibake."""
    if store.dialect != "postgresql":
        pytest.skip("client encodings are PostgreSQL's")
    import psycopg

    from scanner.review.queue import INSERT_COLUMNS, UTF8_COLUMNS

    latin1 = Store(store.url + "?options=-c%20client_encoding%3DLATIN1")
    row = ("id:sku-7", "v", "sku-7", listing_bytes, b"{}", "{}", "review", 50, "[]", "api", "review", T0, "open", T0)
    try:
        if stored is None:
            with pytest.raises(psycopg.errors.DataError), latin1.tx() as cur:
                cur.copy_insert("review_items", INSERT_COLUMNS, [row], ITEM_KEY, UTF8_COLUMNS, live=LIVE_ITEM)
        else:
            with latin1.tx() as cur:
                cur.copy_insert("review_items", INSERT_COLUMNS, [row], ITEM_KEY, UTF8_COLUMNS, live=LIVE_ITEM)
    finally:
        latin1.close()
    assert store.read("SELECT listing FROM review_items") == ([] if stored is None else [(stored,)])


def test_a_column_type_changed_by_a_migration_elsewhere_does_not_stop_the_writes(store):
    """Binary COPY needs each column's exact type, read once per connection. A column changed meanwhile (another
    replica's migration) must not make the connection's writes fail: the staged INSERT casts."""
    if store.dialect != "postgresql":
        pytest.skip("the binary COPY's column types are PostgreSQL's")
    import psycopg

    q = ReviewQueue(store)
    q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "batch")], now=T0)  # the types read and kept
    with psycopg.connect(store.url, autocommit=True) as conn:
        conn.execute("ALTER TABLE review_items ALTER COLUMN score TYPE bigint")
    for n in (9, 10):
        got = q.enqueue_many([Entry({"id": f"sku-{n}"}, {**SHOE_REVIEW, "id": f"sku-{n}"}, "batch")], now=T0)
        assert got["queued"] == 1
    assert store.read("SELECT listing_id, score FROM review_items ORDER BY id") == [
        ("sku-1", 50), ("sku-9", 50), ("sku-10", 50)]


def end_transactions(monkeypatch, store: Store, error: type, fails: int) -> list:
    """Make `store`'s first `fails` transactions end with `error` after their statements, before the commit (all
    of each rolled back), as PostgreSQL ends one side of a deadlock. Returns the list of tries, one entry each."""
    from contextlib import contextmanager

    real_tx, tries = store.tx, []

    @contextmanager
    def tx_ended_by_the_server(*args, **kwargs):
        with real_tx(*args, **kwargs) as cur:
            yield cur
            tries.append(1)
            if len(tries) <= fails:
                raise error("ended by the server")

    monkeypatch.setattr(store, "tx", tx_ended_by_the_server)
    return tries


@pytest.mark.parametrize("error, fails, attempts, queued", [
    ("DeadlockDetected", 1, 2, 1),  # PostgreSQL broke a deadlock by ending this write: the next try writes it
    ("DeadlockDetected", 99, 4, None),  # still deadlocked after DEADLOCK_RETRIES more tries: the error goes up
    ("UniqueViolation", 1, 1, None),  # any other error: not tried again
])
def test_a_write_ended_by_a_deadlock_is_tried_again(store, monkeypatch, error, fails, attempts, queued):
    """Two replicas writing the same listings in different orders can deadlock; PostgreSQL rolls one back. That
    write is run again (it is idempotent); nothing else is."""
    psycopg = pytest.importorskip("psycopg")
    tries = end_transactions(monkeypatch, store, getattr(psycopg.errors, error), fails)
    q = ReviewQueue(store)
    entries = [Entry(SHOE, SHOE_REVIEW, "batch"), Entry(SHIRT, row("sku-3", "pass"), "batch")]
    if queued is None:
        with pytest.raises(getattr(psycopg.errors, error)):
            q.enqueue_many(entries, now=T0)
    else:
        assert q.enqueue_many(entries, now=T0)["queued"] == queued
    assert len(tries) == attempts
    monkeypatch.undo()
    assert store.read("SELECT listing_id FROM review_items") == ([("sku-1",)] if queued else [])


def test_a_staged_write_rolled_back_after_its_insert_is_written_on_the_next_try(store, monkeypatch):
    """The staged way's temporary table is made in the write's transaction: when the transaction is rolled back
    after the staged insert (PostgreSQL ending it to break a deadlock), the table goes with it, and the next try
    must make it again rather than COPY into a table that is not there."""
    if store.dialect != "postgresql":
        pytest.skip("the staging table is PostgreSQL's")
    import psycopg

    latin1 = Store(store.url + "?options=-c%20client_encoding%3DLATIN1")  # UTF-8 bytes go the staged way there
    tries = end_transactions(monkeypatch, latin1, psycopg.errors.DeadlockDetected, 1)
    try:
        assert ReviewQueue(latin1).enqueue_many([Entry(SHOE, SHOE_REVIEW, "batch")], now=T0)["queued"] == 1
    finally:
        latin1.close()
    assert len(tries) == 2 and store.read("SELECT listing_id FROM review_items") == [("sku-1",)]


def test_a_score_out_of_postgresqls_integer_range_is_refused_not_wrapped(store):
    """The binary COPY must fail closed like the text one did: a score of 2**40 is refused, never stored as 0."""
    if store.dialect != "postgresql":
        pytest.skip("SQLite's INTEGER holds 64 bits")
    q = ReviewQueue(store)
    with pytest.raises(Exception, match="out of range"):
        q.enqueue_many([Entry(SHOE, {**SHOE_REVIEW, "score": 2**40}, "batch")], now=T0)
    assert q.enqueue_many([Entry(SHOE, SHOE_REVIEW, "batch")], now=T0)["queued"] == 1
    assert store.read("SELECT score FROM review_items") == [(50,)]


def test_two_replicas_releasing_the_same_leases_while_the_listings_are_rescanned_release_each_once(store_url):
    """Two replicas put back the same run-out leases at once while a third rescans half of the listings with other
    word lists (marking held items superseded, or withdrawing them once open): each item is released once (one
    audit line), a superseded one is withdrawn, never open, and every listing ends with exactly one live item, the
    last scan's."""
    n = 200
    shoes = [{"id": f"sku-{i}", "title": "耐克 运动鞋 正品"} for i in range(n)]
    setup = Store(store_url)
    q = ReviewQueue(setup, lease_s=600)
    q.enqueue_many([Entry(s, row(s["id"], "review", [finding("brand", "title", 0, 2, "耐克")]), "api") for s in shoes],
                   now=T0)
    while q.claim("alice", now=T0) is not None:
        pass
    assert q.depth(now=T0) == {"open": 0, "claimed": n, "done": 0, "withdrawn": 0}
    rescanned = shoes[::2]
    start = threading.Barrier(3)
    released: list[int] = []
    errors: list[BaseException] = []

    def replica_release() -> None:
        try:
            mine = Store(store_url)
            start.wait()
            released.append(ReviewQueue(mine, lease_s=600).release_expired(now=T0 + 601))
            mine.close()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def replica_rescan() -> None:
        try:
            mine = Store(store_url)
            start.wait()
            rq = ReviewQueue(mine, lease_s=600)
            for k in range(0, len(rescanned), 10):  # small writes, interleaving with the releases
                rq.enqueue_many([Entry(s, row(s["id"], "review", [finding("brand", "title", 0, 2, "耐克")], versions=V2),
                                       "api") for s in rescanned[k:k + 10]], now=T0 + 601)
            mine.close()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=replica_release), threading.Thread(target=replica_release),
               threading.Thread(target=replica_rescan)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(released) == n
    audited = [i for i, in setup.read("SELECT item_id FROM review_audit WHERE action = 'review.lease_expired'")]
    assert sorted(audited) == sorted(set(audited)) and len(audited) == n
    assert setup.read("SELECT COUNT(*) FROM review_items WHERE status = 'claimed'") == [(0,)]
    assert setup.read("SELECT COUNT(*) FROM review_items WHERE status = 'open' AND superseded_at IS NOT NULL") == [(0,)]
    live = {}
    for key, versions_key in setup.read(f"SELECT listing_key, versions_key FROM review_items WHERE {LIVE_ITEM}"):
        live.setdefault(key, []).append(versions_key)
    assert len(live) == n and all(len(v) == 1 for v in live.values())
    rescanned_live = setup.read("SELECT COUNT(*) FROM review_items WHERE status = 'open' AND id > ?", (n,))
    assert rescanned_live == [(len(rescanned),)]  # the rescans' items are the live ones of their listings
    setup.close()


def test_replicas_writing_out_a_published_version_at_once_never_pull_it_from_under_a_reader(store, tmp_path):
    """Every worker of every replica follows the live version (api/routes/review.follow_live): several may
    write the same version out at the same moment into one data directory, and one may be loading it
    while the others finish. A copy that hashes right is never removed or replaced under a reader."""
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.text.wordlists import content_version

    q = ReviewQueue(store)
    q.enqueue_many([Entry(ORDER, ORDER_ROW, "api")], now=T0)
    item = q.claim("alice", now=T0)
    verdicts.submit(store, item["id"], "alice", {"decision": "reject",
                    "findings": [{"index": 0, "verdict": "false_positive"}]}, now=T0 + 1)
    (cs,) = changesets.list_all(store)
    version = changesets.publish(store, cs["id"], "ops", BUNDLED_WORDLISTS, tmp_path / "publisher")["after"]
    for attempt in range(4):  # the machine that did not publish: several workers at once, several times
        root, workers = tmp_path / f"follower-{attempt}", 6
        start, failures = threading.Barrier(workers), []

        def follow():
            start.wait()
            try:
                directory = changesets.materialise(store, root)
                for _ in range(3):  # reading every file, as apply_live's load does next
                    assert content_version(directory) == version
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                failures.append(repr(exc))

        threads = [threading.Thread(target=follow) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        assert [p.name for p in root.iterdir()] == [version.removeprefix("sha256:")[:16]]  # no staging left
    # a copy damaged on disk is written out again (moved aside, never read as the live version)
    (directory,) = root.iterdir()
    (directory / "allowlist.tsv").write_text("damaged\n", "utf-8")
    assert content_version(changesets.materialise(store, root)) == version
    assert [p.name for p in root.iterdir()] == [directory.name]
