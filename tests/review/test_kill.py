"""kill -9 of a process that holds leases or is writing to the queue loses no item and doubles none
(issue #19): on SQLite and PostgreSQL (fixture `store_url`), the victim a real subprocess killed with
SIGKILL, the survivor this process. Expected sets are built here from the inputs, not by the queue."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scanner.review.queue import Entry, ReviewQueue
from scanner.review.store import Store

ROOT = Path(__file__).resolve().parents[2]
V = {"wordlists": "sha256:aaa", "gallery": "none", "scanner": "0.1.0"}


def entry(i: int) -> Entry:
    finding = {"kind": "text", "category": "absolute_term", "field": "title", "start": 0, "end": 2, "text": "最佳",
               "term": "最佳", "effect": "review"}
    return Entry({"id": f"sku-{i:05d}", "title": f"最佳选择 纯棉T恤 {i}"},
                 {"id": f"sku-{i:05d}", "decision": "review", "score": 30 + i % 40, "findings": [finding],
                  "versions": V}, "batch")


def _victim(code: str, url: str, wait_for: str, count: int) -> subprocess.Popen:
    """Start `code` in a subprocess; return once it has printed `count` lines starting with `wait_for`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    seen = []
    deadline = time.monotonic() + 120
    while len(seen) < count and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(wait_for):
            seen.append(line.split()[1])
    return proc, seen


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


HOLDER = """
import sys, time
from scanner.review.queue import ReviewQueue
from scanner.review.store import Store
q = ReviewQueue(Store(sys.argv[1]), lease_s=600)
for _ in range(30):
    print("claimed", q.claim("replica-b")["id"], flush=True)
time.sleep(600)
"""


def test_a_replica_killed_holding_leases_loses_no_item(store_url):
    store = Store(store_url)
    q = ReviewQueue(store, lease_s=600)
    q.enqueue_many([entry(i) for i in range(200)])
    proc, held = _victim(HOLDER, store_url, "claimed", 30)
    assert len(held) == 30
    _kill(proc)
    assert q.depth()["claimed"] == 30                    # its leases outlive it …
    later = time.time() + 601                            # … until they expire
    got = []
    while (item := q.claim("replica-a", now=later)) is not None:
        got.append(item["id"])
    assert len(got) == len(set(got)) == 200              # every item exactly once
    assert {str(i) for i in got} >= set(held)
    store.close()


WRITER = """
import sys
from tests.review.test_kill import entry
from scanner.review.queue import ReviewQueue
from scanner.review.store import Store
q = ReviewQueue(Store(sys.argv[1]))
for k in range(0, 100000, 100):
    q.enqueue_many([entry(i % 2000) for i in range(k, k + 100)])
    print("wrote", k, flush=True)
"""


def test_a_replica_killed_mid_enqueue_then_enqueued_again_holds_each_listing_once(store_url):
    proc, _ = _victim(WRITER, store_url, "wrote", 3)
    _kill(proc)                                          # somewhere in a later transaction, or between two
    store = Store(store_url)
    q = ReviewQueue(store)
    for k in range(0, 2000, 500):                        # what the restarted job does: the same results again
        q.enqueue_many([entry(i) for i in range(k, k + 500)])
    rows = store.read("SELECT listing_id, status FROM review_items")
    assert sorted(r[0] for r in rows) == [f"sku-{i:05d}" for i in range(2000)]
    assert {r[1] for r in rows} == {"open"}
    store.close()


def test_a_batch_run_killed_mid_queue_then_resumed_queues_every_review_row_once(store_url, tmp_path):
    """`scanner batch --review-queue` killed with SIGKILL mid-run, then `--resume`: the queue holds exactly
    the review rows of the finished output, each once (rows queued before the kill are not doubled, rows
    written but not yet queued are not lost)."""
    cat = tmp_path / "c.jsonl"
    titles = ["纯棉T恤 夏季新款", "最佳选择 运动鞋", "高仿 手表", "加微信 优惠"]  # pass, review, block, review
    cat.write_text("".join(json.dumps({"id": f"sku-{i:05d}", "title": titles[i % 4]}, ensure_ascii=False) + "\n"
                           for i in range(3000)), "utf-8")
    config = tmp_path / "fake.json"
    config.write_text(json.dumps({"delay_s": 0.002}))
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "SCANNER_DATABASE_URL": store_url, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), str(ROOT / "tests" / "batch")])}
    env.pop("SCANNER_CONFIG", None)
    cmd = [sys.executable, "-m", "scanner", "--config", str(config), "batch", str(cat), "--out", str(out),
           "--review-queue", "--workers", "1", "--chunk-size", "50", "--no-images", "--progress", "none",
           "--engine-factory", "fake_engine:build"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 300):
        time.sleep(0.02)
    _kill(proc)
    partial = out.read_bytes().count(b"\n")
    assert 300 <= partial < 3000, "the run was not killed mid-way"
    done = subprocess.run([*cmd, "--resume"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    expected = sorted(f"sku-{i:05d}" for i in range(3000) if i % 4 in (1, 3))
    store = Store(store_url)
    rows = store.read("SELECT listing_id FROM review_items WHERE status = 'open'")
    assert sorted(r[0] for r in rows) == expected
    assert store.read("SELECT COUNT(*) FROM review_items")[0][0] == len(expected)
    store.close()
