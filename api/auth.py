"""API keys: stored as hashes, each with a name (for logs) and a role.

Configuration (Settings.api_keys, env SCANNER_API_KEYS as JSON):

    [{"name": "shop-frontend", "role": "scan",  "hash": "sha256:9f86d0…"},
     {"name": "ops-alice",     "role": "admin", "hash": "sha256:2c26b4…"}]

A scan key may carry a named policy profile (wordlists/profiles/, #20) for its requests:

    {"name": "beauty-shop", "role": "scan", "hash": "sha256:…", "policy": "cosmetics"}
    {"name": "resale-app",  "role": "scan", "hash": "sha256:…", "policy": "secondhand", "policy_mode": "pinned"}

`policy_mode` "default" (the default): the key's profile applies unless the listing (or batch) asks
for one in `options.policy`, which wins. "pinned": the key's profile always applies, and a listing
asking for another is refused with `policy_pinned` (never silently scanned under a policy it did not ask for).

Make a key and its hash with `scanner keys hash --generate`, or hash an existing key:
`printf %s "$KEY" | python -c "import hashlib,sys; print('sha256:'+hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"`.

Rules: with no keys configured, scanning and reading are open (the default bind is
127.0.0.1); admin routes (gallery edits, reload) are refused unless at least one admin
key exists. With any key configured, every /v1 route needs a valid key; admin routes
need role "admin". An admin key may also scan. Review routes (claim, verdict) need role
"reviewer" or "admin" and are refused, never open, when no such key exists.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Iterable, Mapping

ROLES = ("scan", "reviewer", "admin")
# Roles that may take review items and give verdicts (issue #19); an admin may do what a reviewer does.
REVIEW_ROLES = frozenset({"reviewer", "admin"})


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: str  # "scan" | "reviewer" | "admin" | "anonymous"
    policy: str | None = None  # the key's policy profile (#20); None: the request's, else `default`
    policy_pinned: bool = False  # True: requests may not ask for another profile

    def scan_policy(self, requested: str | None) -> str | None:
        """The profile a request of this key scans under; PolicyPinned if it asks for another than a pinned one."""
        if self.policy is None:
            return requested
        if self.policy_pinned and requested is not None and requested != self.policy:
            raise PolicyPinned(f"this API key's policy profile is pinned to {self.policy!r}; "
                               f"options.policy {requested!r} is not allowed")
        return requested if requested is not None else self.policy


class PolicyPinned(ValueError):
    code = "policy_pinned"

POLICY_MODES = ("default", "pinned")


ANONYMOUS = Principal("anonymous", "anonymous")


def hash_key(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> str:
    return "sk_" + secrets.token_urlsafe(32)


class KeyRing:
    def __init__(self, entries: Iterable[Mapping[str, str]] = ()) -> None:
        self._by_digest: dict[str, Principal] = {}
        for i, entry in enumerate(entries):
            name = str(entry.get("name") or "").strip()
            role = str(entry.get("role") or "").strip()
            digest = str(entry.get("hash") or "").strip().lower()
            if not name:
                raise ValueError(f"SCANNER_API_KEYS[{i}]: missing \"name\"")
            if role not in ROLES:
                raise ValueError(f"SCANNER_API_KEYS[{i}] ({name}): role must be one of {ROLES}, got {role!r}")
            if digest.startswith("sha256:"):
                digest = digest[7:]
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError(
                    f"SCANNER_API_KEYS[{i}] ({name}): \"hash\" must be sha256:<64 hex digits> "
                    "(see `scanner keys hash`); plain keys are never accepted in configuration"
                )
            policy = entry.get("policy")
            mode = entry.get("policy_mode", "default")
            if policy is not None and not (isinstance(policy, str) and 0 < len(policy) <= 40):
                raise ValueError(f"SCANNER_API_KEYS[{i}] ({name}): \"policy\" must be a profile name (1-40 characters)")
            if mode not in POLICY_MODES or (mode == "pinned" and policy is None):
                raise ValueError(f"SCANNER_API_KEYS[{i}] ({name}): \"policy_mode\" must be one of {POLICY_MODES}, "
                                 "and \"pinned\" needs a \"policy\"")
            self._by_digest[digest] = Principal(name, role, policy, mode == "pinned")

    def profiles_named(self) -> dict[str, list[str]]:
        """profile -> "API key '<label>'" for each key that carries it (default or pinned): what must stay
        loaded (Scanner.require_profiles). Labels only: a key itself is never in a message."""
        named: dict[str, list[str]] = {}
        for p in self._by_digest.values():
            if p.policy is not None:
                named.setdefault(p.policy, []).append(f"API key {p.name!r} (SCANNER_API_KEYS)")
        return named

    @property
    def enabled(self) -> bool:
        return bool(self._by_digest)

    @property
    def has_admin(self) -> bool:
        return any(p.role == "admin" for p in self._by_digest.values())

    @property
    def has_reviewer(self) -> bool:
        return any(p.role in REVIEW_ROLES for p in self._by_digest.values())

    def lookup(self, key: str) -> Principal | None:
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
        # The lookup is on a SHA-256 of the presented key: timing can at most reveal bits of
        # a digest, never of a stored key, so a plain dict lookup is safe.
        return self._by_digest.get(digest)
