"""Data minimisation: how long the review store keeps what it holds (SCANNER_REVIEW_RETENTION_DAYS).

`purge(store, days)` deletes every item created before the cut-off — open, done or withdrawn —
with its verdicts, judged findings and missed spans, and audit rows older than the cut-off. An item
a reviewer holds a live lease on is kept until its verdict or its lease ends. Proposals and
published word lists stay: they hold word-list rows, not listings (a missed span cannot reach into
masked personal data). The purge itself is audited (how many rows, the cut-off), in the same
transaction.
"""
from __future__ import annotations

from scanner.review.queue import audit
from scanner.review.store import Store, now as _now

DAY_S = 86_400.0


def purge(store: Store, days: float, actor: str = "system", now: float | None = None) -> dict[str, int]:
    t = _now() if now is None else now
    cutoff = t - days * DAY_S
    stale = "SELECT id FROM review_items WHERE created_at < ? AND NOT (status = 'claimed' AND lease_expires >= ?)"
    counts = {}
    with store.tx() as cur:
        for table in ("review_judged", "review_missed", "review_verdicts"):
            res = cur.execute(f"DELETE FROM {table} WHERE item_id IN ({stale})", (cutoff, t))
            counts[table.removeprefix("review_")] = max(res.rowcount, 0)
        res = cur.execute(f"DELETE FROM review_items WHERE id IN ({stale})", (cutoff, t))
        counts["items"] = max(res.rowcount, 0)
        res = cur.execute("DELETE FROM review_audit WHERE ts < ?", (cutoff,))
        counts["audit"] = max(res.rowcount, 0)
        audit(cur, actor, "review.purge", t, before={"cutoff": cutoff, "days": days}, after=counts)
    return counts
