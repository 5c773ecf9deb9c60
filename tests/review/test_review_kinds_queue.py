"""Reviews and Q&A (#20) through the human-review queue (#19): the service's enqueue after /v1/scan and
`scanner batch --review-queue`, on one table of mixed listings, reviews and Q&A entries.

What is checked on the stored rows themselves (SQLite, read with sqlite3, not through the queue's code): a
review that needs a person is queued, clean ones are not; its `text` is stored masked (a customer's phone,
resident ID or card never reaches review_items as written, in any column); the reviewer gets its kind and the
listing it is about; a review with id 7 is not listing 7; a bad review row is its own error and the run goes on.
Expected texts are written by hand (scanner/text/personal_data.py masking: an ID keeps 6+4, a card 4+4, a
phone 3+4 but at least 40 % of its digits go, so an 11-digit mobile keeps 2+4)."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.review.test_review_api import H, REVIEWER_KEY, SCAN_KEY, client  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
PHONE, PHONE_2, RID, CARD = "13812345678", "13912345678", "11010519491231002X", "4111 1111 1111 1111"
EMAIL, WECHAT = "lily.wang88@gmail.com", "hm_kefu01"

# (item, queued?, the `text` (or title) a reviewer sees). None: not queued.
ITEMS = [
    # listings: unchanged by this work (a seller's number in a flagged span stays for the reviewer to judge)
    ({"id": "l-1", "title": "全网最佳 纯棉T恤 男款"}, "全网最佳 纯棉T恤 男款"),
    ({"id": "l-2", "title": "纯棉T恤 男款 夏季短袖"}, None),
    # a buyer's own phone number: `diversion` by the word lists, and still masked (a private person's number)
    ({"kind": "review", "id": "r-1", "listing_id": "sku-9", "text": f"东西不错，有问题打我电话 {PHONE}"},
     "东西不错，有问题打我电话 13*****5678"),
    ({"kind": "review", "id": "r-2", "listing_id": "sku-9", "text": f"商家说五星好评返现，我的身份证 {RID} 都给了"},
     "商家说五星好评返现，我的身份证 110105********002X 都给了"),
    ({"kind": "review", "id": "r-3", "listing_id": "sku-10", "text": f"refund for a five star rating, card {CARD}"},
     "refund for a five star rating, card 4111 **** **** 1111"),
    ({"kind": "review", "id": "r-4", "listing_id": "sku-9", "text": "质量很好，物流快，会回购"}, None),
    # a buyer's e-mail: a contact the scan found, shown masked as its finding shows it (not a digit run)
    ({"kind": "review", "id": "r-6", "listing_id": "sku-9", "text": f"配件找我要 {EMAIL}"}, "配件找我要 lil*.******@****l.com"),
    # ... and one inside a paid-review phrase: the phrase's finding shows it masked too, and so does the copy
    ({"kind": "review", "id": "r-7", "listing_id": "sku-9", "text": f"五星好评截图发到微信 {WECHAT} 返6元，我加了确实返"},
     "五星好评截图发到微信 **_**fu01 返6元，我加了确实返"),
    # a buyer's counterfeit report is a signal about the listing, not a finding: the review passes
    ({"kind": "review", "id": "r-5", "listing_id": "sku-9", "text": "明显是假的，跟专柜的不一样"}, None),
    # no id: keyed by its text's hash, still queued and masked
    ({"kind": "review", "listing_id": "sku-9", "text": f"加我 {PHONE_2} 私聊更便宜"}, "加我 13*****5678 私聊更便宜"),
    # Q&A: a buyer's question masked like a review; a seller's answer is the seller's copy (kept as written)
    ({"kind": "qa", "id": "q-1", "listing_id": "sku-9", "text": f"能发顺丰吗？我电话 {PHONE}"}, "能发顺丰吗？我电话 13*****5678"),
    ({"kind": "qa", "id": "q-2", "listing_id": "sku-9", "speaker": "seller", "text": "加微信 shop_8899 更便宜"},
     "加微信 shop_8899 更便宜"),
    ({"kind": "qa", "id": "q-3", "listing_id": "sku-9", "text": "是正品吗？"}, None),
    # an integer id shared by a listing and a review: two items, not one (the clean review withdraws nothing)
    ({"id": 7, "title": "最好的 保温杯 第一品牌"}, "最好的 保温杯 第一品牌"),
    ({"kind": "review", "id": 7, "listing_id": 7, "text": "保温效果不错"}, None),
]
BAD = [  # error rows: never queued, never stop the run
    {"kind": "review", "id": "r-bad", "listing_id": "sku-9", "text": "x", "title": "a review has no title"},
    {"kind": "review", "id": "r-bad2", "listing_id": "sku-9", "speaker": "seller", "text": f"打 {PHONE}"},
]
RAW_VALUES = (PHONE, PHONE_2, RID, CARD, CARD.replace(" ", ""), RID[6:14], EMAIL, WECHAT)


def _key(item):
    kind = item.get("kind")
    return (kind or "listing", item.get("id"))


EXPECTED = {_key(i): shown for i, shown in ITEMS if shown is not None}


def stored_rows(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM review_items WHERE status = 'open'")]


def check_stored(db: Path) -> None:
    """The open items are exactly the expected ones; each column of each stored row (all of them, open or
    not) is free of the raw values; the reviewer's copy holds the hand-written masked text."""
    rows = stored_rows(db)
    got = {}
    for r in rows:
        copy = json.loads(r["listing"])
        key = (copy.get("kind", "listing"), copy.get("id"))
        fields = copy["fields"]
        got[key] = fields.get("text", fields.get("title"))
        if key[0] != "listing":
            item = next(i for i, _ in ITEMS if _key(i) == key)
            assert (copy["listing_id"], copy["speaker"]) == (item["listing_id"], item.get("speaker", "buyer"))
            result = json.loads(r["result"])
            for f in result["findings"]:  # every finding's text still slices the (masked) text it indexes
                assert fields["text"][f["start"]:f["end"]] == f["text"]
    assert got == EXPECTED
    with sqlite3.connect(db) as conn:
        everything = json.dumps([list(r) for r in conn.execute("SELECT * FROM review_items")], ensure_ascii=False)
    for value in RAW_VALUES:
        assert value not in everything


def test_the_service_queues_reviews_masked_and_says_what_they_are(client, tmp_path):  # noqa: F811
    c = client()
    for item, _ in ITEMS:
        r = c.post("/v1/scan", json=item, headers=H(SCAN_KEY))
        assert r.status_code == 200, r.text
    for item in BAD:
        assert c.post("/v1/scan", json=item, headers=H(SCAN_KEY)).status_code == 422
    c.app.state.review.enqueuer.flush()
    check_stored(tmp_path / "review.sqlite3")

    # what a reviewer gets over HTTP (GET /v1/review/items): the kind and the listing it is about
    items = c.get("/v1/review/items?status=open", headers=H(REVIEWER_KEY)).json()["items"]
    assert sorted((i["listing"].get("kind", "listing"), str(i["listing"]["id"])) for i in items) == sorted(
        (k, str(i)) for k, i in EXPECTED)
    (one,) = [i for i in items if i["listing"]["id"] == "r-1"]
    assert (one["listing"]["kind"], one["listing"]["listing_id"], one["listing"]["fields"]) == (
        "review", "sku-9", {"text": "东西不错，有问题打我电话 13*****5678"})
    assert [(f["category"], f["text"]) for f in one["result"]["findings"]] == [("diversion", "13*****5678")]
    assert one["result"]["kind"] == "review" and one["result"]["listing_id"] == "sku-9"

    # a rescan of the clean review 7 leaves listing 7's item alone
    assert c.post("/v1/scan", json=ITEMS[-1][0], headers=H(SCAN_KEY)).json()["decision"] == "pass"
    c.app.state.review.enqueuer.flush()
    assert ("listing", 7) in {(json.loads(r["listing"]).get("kind", "listing"), json.loads(r["listing"])["id"])
                              for r in stored_rows(tmp_path / "review.sqlite3")}


def test_batch_review_queue_with_mixed_kinds(tmp_path):
    """`scanner batch --review-queue` on a JSONL file of the same items (and the bad rows between them)."""
    cat = tmp_path / "mixed.jsonl"
    rows = [i for i, _ in ITEMS]
    rows[3:3] = BAD  # in the middle: the rows after them are still scanned and queued
    cat.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.jsonl"
    db = tmp_path / "queue.sqlite3"
    import os

    env = {**os.environ, "SCANNER_DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(ROOT)}
    env.pop("SCANNER_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "scanner", "batch", str(cat), "--out", str(out), "--review-queue",
                           "--workers", "1", "--no-images", "--progress", "none"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-2000:]
    written = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(written) == len(rows)
    assert [w["error"]["code"] for w in written if "error" in w] == ["invalid_listing", "invalid_listing"]
    check_stored(db)
    assert f"{len(EXPECTED)} queued" in done.stderr
