"""What a batch worker hands the review queue (scanner.review.batch.prepare_row): built from the listing the
scan already parsed, it must be exactly what the service's path (scanner.review.queue.prepare, on the JSON
line parsed afresh) builds from the same row."""
from __future__ import annotations

import json

import pytest

from scanner import jsonio
from scanner.batch.rows import LISTING, RAW, scan_item, timeout_row
from scanner.review.batch import prepare_row
from scanner.review.queue import QueuePolicy, prepare

LISTINGS = [
    # queued: an absolute term, and a phone number nobody flagged (masked in the reviewer's copy)
    {"id": "sku-1001", "title": "全网最佳 纯棉T恤 男款", "description": "尺码齐全，欢迎咨询 13812345678"},
    # queued: a seller's WeChat handle (diversion), kept as written for the reviewer to judge
    {"id": "sku-1002", "title": "蓝牙耳机 降噪", "bullets": ["加微信 shop_8899 领券", "续航 30 小时"],
     "attributes": {"型号": "X1", "颜色": "黑色"}, "images": [{"url": "https://img.example/a.jpg"}], "locale": "zh-CN"},
    # clean: only its key (its open item is withdrawn)
    {"id": "sku-1003", "title": "纯棉T恤 男款 夏季短袖", "description": "100% cotton, machine washable"},
    # blocked, not sampled: only its key
    {"id": "sku-1004", "title": "仿真枪 气枪 出售", "description": "可发射钢珠"},
    # no id and clean: the queue ignores it
    {"title": "陶瓷马克杯 350ml"},
    # no id and queued: keyed by a hash of what it said
    {"title": "最好的 保温杯 第一品牌"},
    # personal data found as such: the finding's masked text in the copy
    {"id": "sku-1007", "title": "收纳盒", "description": "收件人身份证 11010519491231002X 请核对"},
    # a review with a buyer's phone number (queued, the number masked although a diversion finding names it)
    {"kind": "review", "id": "r-1", "listing_id": "sku-1001", "text": "有问题打我电话 13812345678"},
    # a clean buyer question and a seller's answer pushing off the platform
    {"kind": "qa", "id": "q-1", "listing_id": "sku-1001", "text": "有L码吗？"},
    {"kind": "qa", "id": "q-2", "listing_id": "sku-1001", "speaker": "seller", "text": "加微信 shop_8899 更便宜"},
]


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda l: str(l.get("id") or l["title"]))
@pytest.mark.parametrize("kind", [RAW, LISTING])
def test_the_scanned_listing_gives_the_record_a_fresh_parse_gives(text_scanner, listing, kind):
    payload = json.dumps(listing, ensure_ascii=False).encode() if kind == RAW else listing
    row, scanned = scan_item(text_scanner, 1, kind, payload)
    data = jsonio.dumps(row)
    policy = QueuePolicy()
    expected = prepare(json.loads(json.dumps(listing)), row, "batch", policy, result_utf8=data)
    assert prepare_row(policy, kind, payload, row, data, scanned) == expected
    assert prepare_row(policy, kind, payload, row, data) == expected  # without it: parsed again


def test_the_table_covers_queued_clean_and_ignored_rows(text_scanner):
    policy = QueuePolicy()
    got = []
    for listing in LISTINGS:
        payload = json.dumps(listing, ensure_ascii=False).encode()
        row, scanned = scan_item(text_scanner, 1, RAW, payload)
        rec = prepare_row(policy, RAW, payload, row, jsonio.dumps(row), scanned)
        got.append(None if rec is None else ("queued" if rec[1] else "key only"))
    assert "queued" in got and "key only" in got and None in got


def test_a_timed_out_row_comes_without_a_listing_and_is_queued_from_its_line(text_scanner):
    listing = {"id": "sku-2001", "title": "慢 " * 50, "description": "客服 13912345678"}
    payload = json.dumps(listing, ensure_ascii=False).encode()
    row = timeout_row(7, RAW, payload, "line 7: scanning took longer than 1 s")
    data = jsonio.dumps(row)
    rec = prepare_row(QueuePolicy(), RAW, payload, row, data, None)
    assert rec == prepare(listing, row, "batch", QueuePolicy(), result_utf8=data)
    copy = json.loads(rec[1][3])
    assert copy["fields"]["description"] == "客服 13*****5678"  # masked although no finding named it


def test_a_row_that_hung_its_worker_is_queued_from_the_line_the_parent_sends_again(text_scanner):
    """A row whose worker had to be killed comes back from the parent as TIMED_OUT, (kind, payload, message): it is
    a `review` row and must be queued during the run, from the line inside (it used to be dropped)."""
    from scanner.batch.rows import TIMED_OUT

    listing = {"id": "sku-2002", "title": "卡死 " * 50, "description": "加微信 shop_7788"}
    payload = json.dumps(listing, ensure_ascii=False).encode()
    sent_again = (RAW, payload, "line 9: the worker hung and was replaced")
    row, scanned = scan_item(text_scanner, 9, TIMED_OUT, sent_again)
    data = jsonio.dumps(row)
    assert scanned is None and row["decision"] == "review"
    assert prepare_row(QueuePolicy(), TIMED_OUT, sent_again, row, data, scanned) == prepare(
        listing, row, "batch", QueuePolicy(), result_utf8=data)


def test_a_timed_out_review_is_queued_masked_and_says_what_it_is(text_scanner):
    review = {"kind": "review", "id": "r-2", "listing_id": "sku-1001", "text": "退款打到卡 4111 1111 1111 1111"}
    payload = json.dumps(review, ensure_ascii=False).encode()
    row = timeout_row(8, RAW, payload, "line 8: scanning took longer than 1 s")
    rec = prepare_row(QueuePolicy(), RAW, payload, row, jsonio.dumps(row), None)
    copy = json.loads(rec[1][3])
    assert (rec[0], copy["kind"], copy["listing_id"], copy["speaker"]) == ("review:r-2", "review", "sku-1001", "buyer")
    # the scan never read it, so the store's copy asks the detectors (scanner/review/masking.py): the card is masked
    # as a card is (docs/contract.md: the first 4 and last 4 digits shown), not as a bare run of digits (411* …)
    assert copy["fields"] == {"text": "退款打到卡 4111 **** **** 1111"}


def test_an_unreadable_line_is_not_queued(text_scanner):
    row, scanned = scan_item(text_scanner, 3, RAW, b'{"id": "sku-3", "title": ')
    assert scanned is None and row["error"]["code"] == "invalid_json"
    assert prepare_row(QueuePolicy(), RAW, b'{"id": "sku-3", "title": ', row, jsonio.dumps(row), scanned) is None


def test_records_written_as_utf8_bytes_are_stored_and_read_back_as_text(text_scanner, store):
    """The reviewer's copy and the result cross from the worker as UTF-8 bytes; the store keeps them as text
    (SQLite: CAST, not a BLOB; PostgreSQL: convert_from out of the bytea staging) and an item reads back
    exactly what was prepared, Chinese copy and a masked ID number included."""
    from scanner.review.queue import ReviewQueue

    policy = QueuePolicy()
    records = []
    for listing in LISTINGS:
        payload = json.dumps(listing, ensure_ascii=False).encode()
        row, scanned = scan_item(text_scanner, 1, RAW, payload)
        records.append(prepare_row(policy, RAW, payload, row, jsonio.dumps(row), scanned))
    queued = [r for r in records if r is not None and r[1]]
    counts = ReviewQueue(store, policy).write([r for r in records if r is not None], now=1_700_000_000.0)
    assert counts["queued"] == len(queued)
    got = {key: (kinds, json.loads(listing), json.loads(result)) for key, kinds, listing, result in store.read(
        "SELECT listing_key, " + ("typeof(listing) || ',' || typeof(result)" if store.dialect == "sqlite" else
                                  "pg_typeof(listing)::text || ',' || pg_typeof(result)::text")
        + ", listing, result FROM review_items")}
    assert sorted(got) == sorted(r[0] for r in queued)
    for key, values in queued:
        assert got[key] == ("text,text", json.loads(values[3]), json.loads(values[4]))
    shown = got["id:sku-1007"][1]["fields"]["description"]  # data minimisation holds through the bytes
    assert shown.startswith("收件人身份证 ") and shown.endswith(" 请核对") and "11010519491231002X" not in shown


def test_a_run_with_the_queue_accounts_for_the_queues_own_cpu(tmp_path, store):
    """What the queue costs a batch run is timed where it is spent (bench/bench_review.py sets it against the
    run's CPU): the workers' record pass in the run's summary, the writer thread's CPU on the writer. A run
    without the queue carries no such figure."""
    from scanner.batch import BatchOptions, EngineSpec, run_batch
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.review.batch import BatchQueueWriter
    from scanner.review.queue import ReviewQueue

    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in LISTINGS * 20), "utf-8")
    spec = EngineSpec(with_images=False, settings={"wordlists": str(BUNDLED_WORDLISTS)})
    opts = BatchOptions(workers=1, progress="none", overwrite=True, chunk_size=50)
    plain = run_batch(inp, tmp_path / "plain.jsonl", spec, opts)
    assert "review_queue" not in plain

    writer = BatchQueueWriter(ReviewQueue(store))
    queued = run_batch(inp, tmp_path / "queued.jsonl", spec, opts, review=writer)
    counts = writer.close()
    assert counts["queued"] > 0
    assert isinstance(queued["review_queue"]["prepare_cpu_s"], float) and queued["review_queue"]["prepare_cpu_s"] >= 0
    assert writer.cpu_s > 0
