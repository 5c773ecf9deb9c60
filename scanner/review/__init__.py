"""Human review (issue #19): a queue of results for reviewers, their verdicts, and proposals that
loop back into the word lists through previewed, published change sets.

    store.py       one schema + migrations for SQLite and PostgreSQL; the dialect-specific claim
    masking.py     the reviewer's copy of a listing (personal data masked, no image bytes)
    queue.py       what is queued, in which order; claim with a lease; the background enqueuer
    verdicts.py    a verdict on a claimed item, and the proposals it makes
    changesets.py  proposals → preview on a sample → publish a word-list version (fail closed)
    stats.py       precision per category and rule, missed rate, queue depth, time to verdict
    retention.py   purge after SCANNER_REVIEW_RETENTION_DAYS

`ReviewService.from_settings(settings)` wires them for the service, batch and CLI.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner.review.queue import Enqueuer, QueuePolicy, ReviewQueue
from scanner.review.store import Store, StoreError, default_database_url


def versions_root(store: Store) -> Path:
    """Where published word-list versions are written out: `wordlists/` beside the SQLite database,
    or in the data dir when the store is PostgreSQL (each machine writes its own copy from the store)."""
    from scanner.config import default_data_dir

    if store.dialect == "sqlite":
        return store.path.parent / "published-wordlists"
    return default_data_dir() / "published-wordlists"


class ReviewService:
    def __init__(self, store: Store, settings: Any) -> None:
        self.store = store
        self.settings = settings
        self.queue = ReviewQueue(store, QueuePolicy.from_settings(settings), lease_s=settings.review_lease_s)
        self.enqueuer = Enqueuer(self.queue)
        self.versions_root = versions_root(store)

    @classmethod
    def from_settings(cls, settings: Any) -> "ReviewService":
        from scanner.config import default_data_dir

        return cls(Store(settings.database_url or default_database_url(default_data_dir())), settings)

    def close(self) -> None:
        self.enqueuer.close()
        self.store.close()


__all__ = ["ReviewService", "ReviewQueue", "QueuePolicy", "Enqueuer", "Store", "StoreError"]
