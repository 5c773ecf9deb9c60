"""`scanner review stats|purge` and `scanner keys hash --role reviewer`."""
from __future__ import annotations

import json

from scanner.cli import main


def test_keys_hash_makes_a_reviewer_entry(capsys):
    assert main(["keys", "hash", "--generate", "--name", "rev-li", "--role", "reviewer", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["entry"]["role"] == "reviewer" and out["entry"]["name"] == "rev-li"
    from api.auth import KeyRing, hash_key

    assert KeyRing([out["entry"]]).lookup(out["key"]).role == "reviewer"
    assert out["entry"]["hash"] == hash_key(out["key"])


def test_stats_and_purge_on_the_configured_store(tmp_path, monkeypatch, capsys):
    from scanner.review.queue import Entry, ReviewQueue
    from scanner.review.store import Store

    url = f"sqlite:///{tmp_path}/review.sqlite3"
    monkeypatch.setenv("SCANNER_DATABASE_URL", url)
    store = Store(url)
    row = {"id": "sku-1", "decision": "review", "score": 40, "versions": {"wordlists": "w"},
           "findings": [{"kind": "text", "category": "absolute_term", "field": "title", "start": 0, "end": 2,
                         "text": "最佳", "term": "最佳"}]}
    ReviewQueue(store).enqueue_many([Entry({"id": "sku-1", "title": "最佳选择"}, row, "batch")], now=1_000_000.0)
    store.close()
    assert main(["review", "stats"]) == 0
    assert json.loads(capsys.readouterr().out)["queue"]["open"] == 1
    assert main(["review", "purge", "--days", "30"]) == 0  # the item is from 1970: long past 30 days
    assert json.loads(capsys.readouterr().out)["deleted"]["items"] == 1
    assert main(["review", "stats"]) == 0
    assert json.loads(capsys.readouterr().out)["queue"]["open"] == 0
