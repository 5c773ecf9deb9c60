"""`scanner review` — the review store from the terminal (docs/review.md).

    scanner review stats            # queue depth, precision by category, missed rate, time to verdict (JSON)
    scanner review purge            # delete review data older than SCANNER_REVIEW_RETENTION_DAYS
    scanner review purge --days 30

Both read SCANNER_DATABASE_URL like the service. The purge is audited in the store as actor `cli`.
"""
from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("review", help="the review store: stats, purge (SCANNER_DATABASE_URL)")
    rs = p.add_subparsers(dest="review_command", metavar="ACTION")
    rs.required = True
    s = rs.add_parser("stats", help="print reviewers' numbers as JSON")
    s.set_defaults(func=_stats)
    g = rs.add_parser("purge", help="delete review data older than the retention period")
    g.add_argument("--days", type=float, default=None, help="default: SCANNER_REVIEW_RETENTION_DAYS (90)")
    g.set_defaults(func=_purge)


def _service():
    from scanner.config import load_settings
    from scanner.review import ReviewService, StoreError

    try:
        return ReviewService.from_settings(load_settings())
    except StoreError as exc:
        print(f"scanner review: {exc}", file=sys.stderr)
        return None


def _stats(args) -> int:
    from scanner.review import stats

    service = _service()
    if service is None:
        return 2
    try:
        print(json.dumps(stats.compute(service.store), ensure_ascii=False, indent=2))
    finally:
        service.close()
    return 0


def _purge(args) -> int:
    from scanner.review import retention

    service = _service()
    if service is None:
        return 2
    days = args.days if args.days is not None else service.settings.review_retention_days
    if days <= 0:
        print("scanner review purge: --days must be more than 0", file=sys.stderr)
        service.close()
        return 2
    try:
        counts = retention.purge(service.store, days, actor="cli")
    finally:
        service.close()
    print(json.dumps({"retention_days": days, "deleted": counts}))
    return 0
