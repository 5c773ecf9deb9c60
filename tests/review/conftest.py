"""Fixtures for the review store: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is a throwaway cluster made with `initdb` in a temporary directory, listening on
loopback only, started once per session and removed after it. As root, the cluster runs as the
`postgres` system user (PostgreSQL refuses to run as root). Without `initdb` (no PostgreSQL
installed: `apt-get install postgresql`, which scripts/test.sh does) or without psycopg, the
PostgreSQL half is skipped with the reason.
"""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture(scope="session")
def postgres_url():
    """postgresql://postgres@127.0.0.1:PORT/postgres of a cluster made for this session."""
    from tests.review.pgcluster import Unavailable, throwaway_postgres

    try:
        cluster = throwaway_postgres()
        url = cluster.__enter__()
    except Unavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty review database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/review.sqlite3"
        return
    base = request.getfixturevalue("postgres_url")
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store(store_url):
    from scanner.review.store import Store

    s = Store(store_url)
    yield s
    s.close()
