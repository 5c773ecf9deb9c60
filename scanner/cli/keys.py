"""`scanner keys hash` — make the hashed form of an API key for SCANNER_API_KEYS.

    scanner keys hash --generate --name ops-alice --role admin   # new random key + its entry
    printf %s "$KEY" | scanner keys hash --name shop-a           # hash an existing key (stdin)

Keys are never accepted as command-line arguments (they would end up in shell history
and `ps`). Only the hash goes into configuration; the key itself is shown once.
"""
from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("keys", help="API key helpers (hash a key for SCANNER_API_KEYS)")
    ks = p.add_subparsers(dest="keys_command", metavar="ACTION")
    ks.required = True
    h = ks.add_parser("hash", help="print the SCANNER_API_KEYS entry for a key read from stdin, or a new key")
    h.add_argument("--generate", action="store_true", help="make a new random key")
    h.add_argument("--name", default="client", help="name shown in logs and the audit log")
    h.add_argument("--role", default="scan", choices=["scan", "reviewer", "admin"])
    h.add_argument("--json", action="store_true", help="print one JSON object (key + entry)")
    h.set_defaults(func=_hash)


def _hash(args) -> int:
    from api.auth import generate_key, hash_key

    if args.generate:
        key = generate_key()
    else:
        if sys.stdin.isatty():
            import getpass

            key = getpass.getpass("API key: ")
        else:
            key = sys.stdin.read()
        key = key.rstrip("\r\n")
        if not key:
            print("scanner keys hash: no key on stdin (or use --generate)", file=sys.stderr)
            return 2
    entry = {"name": args.name, "role": args.role, "hash": hash_key(key)}
    if args.json:
        print(json.dumps({"key": key if args.generate else None, "entry": entry}))
        return 0
    if args.generate:
        print(f"API key (give it to the client; it is stored nowhere): {key}")
    print(f"SCANNER_API_KEYS entry: {json.dumps(entry)}")
    return 0
