"""Two replicas (two apps, two data directories, one PostgreSQL store): a verdict given on one and a
change set published on the other reach both; the second writes the published lists out from the store."""
from __future__ import annotations

import asyncio
import concurrent.futures
import json

import pytest
from fastapi.testclient import TestClient

from api.auth import hash_key
from api.main import create_app
from api.routes import review as review_routes
from scanner.config import BUNDLED_WORDLISTS, Settings
from tests.support import FIXTURES

REVIEWER, ADMIN = "sk_t_rev_replica_01", "sk_t_admin_replica_02"
KEYS = [{"name": "rev-wang", "role": "reviewer", "hash": hash_key(REVIEWER)},
        {"name": "ops-bo", "role": "admin", "hash": hash_key(ADMIN)}]


@pytest.fixture
def replicas(postgres_url, tmp_path, monkeypatch, text_engine):
    import uuid

    import psycopg

    from scanner.engine import Scanner

    name = "r_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    clients = []
    for host in ("a", "b"):
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / host))  # each machine its own data directory
        settings = Settings(wordlists=BUNDLED_WORDLISTS, gallery=tmp_path / host / "g.sqlite3",
                            audit_log=tmp_path / host / "audit.jsonl", api_keys=KEYS, database_url=url)
        c = TestClient(create_app(settings, scanner=Scanner(text_engine, None, settings), with_images=False),
                       raise_server_exceptions=False)
        c.__enter__()
        clients.append(c)
    yield clients
    for c in clients:
        c.__exit__(None, None, None)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_publish_on_one_replica_reaches_the_other(replicas, tmp_path):
    a, b = replicas
    listing = next(json.loads(line) for line in (FIXTURES / "listings" / "catalogue.jsonl").read_text("utf-8").splitlines()
                   if '"sku-00000026"' in line)
    assert a.post("/v1/scan", json=listing, headers={"X-API-Key": ADMIN}).json()["decision"] == "review"
    a.app.state.review.enqueuer.flush()
    item = b.post("/v1/review/claim", headers={"X-API-Key": REVIEWER}).json()["item"]   # queued on a, claimed on b
    assert b.post("/v1/review/claim", headers={"X-API-Key": REVIEWER}).status_code == 204
    (i,) = [n for n, f in enumerate(item["result"]["findings"]) if f["term"] == "绝对"]
    r = a.post(f"/v1/review/items/{item['id']}/verdict", headers={"X-API-Key": REVIEWER},
               json={"decision": "reject", "findings": [{"index": i, "verdict": "false_positive"}]})
    assert r.status_code == 200, r.text                                                   # same reviewer, other replica
    (cs,) = b.get("/v1/review/changesets", headers={"X-API-Key": ADMIN}).json()["changesets"]
    published = b.post(f"/v1/review/changesets/{cs['id']}/publish", headers={"X-API-Key": ADMIN}).json()
    assert b.post("/v1/scan", json=listing, headers={"X-API-Key": ADMIN}).json()["decision"] == "pass"
    before = a.post("/v1/scan", json=listing, headers={"X-API-Key": ADMIN}).json()
    assert (before["decision"], before["versions"]["wordlists"]) == ("review", published["before"])
    # what a's follow task does every 5 s; in its own thread, since another test may leave a loop in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, review_routes.follow_live(a.app)).result()
    after = a.post("/v1/scan", json=listing, headers={"X-API-Key": ADMIN}).json()
    assert (after["decision"], after["versions"]["wordlists"]) == ("pass", published["after"])
    assert (tmp_path / "a" / "listing-scanner" / "published-wordlists").is_dir()          # written out from the store
