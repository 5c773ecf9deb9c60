"""`scanner serve` — NOT IMPLEMENTED YET (placeholder so the CLI loads)."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("serve", help="(not implemented yet)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    raise SystemExit("scanner serve: not implemented yet")
