"""Append-only audit log of admin actions: one JSON object per line.

    {"ts": "2026-11-22T04:40:00.123Z", "actor": "ops-alice", "action": "wordlists.reload",
     "outcome": "started", "before": "sha256:…", "request_id": "…", "client": "10.0.0.5"}
    {"ts": "2026-11-22T04:40:01.456Z", "actor": "ops-alice", "action": "wordlists.reload",
     "outcome": "ok", "before": "sha256:…", "after": "sha256:…", "request_id": "…", "client": "10.0.0.5"}

Fail closed, intent first. `begin` writes and fsyncs the action's intent (outcome "started",
with what it will touch) BEFORE anything changes. If that line cannot be written,
AuditUnavailable stops the action and the client gets 503 audit_unavailable with nothing
changed. `finish` then writes the outcome (ok, refused, not_found, error). If only that
second line fails (the disk filled in between), the action stands. Its intent line is the
record, and the failure goes to the server log. A "started" line without an outcome means
the action may have taken effect: compare the versions.

Refusals on admin routes (401/403) are recorded as outcome "denied" with the error code as
the reason. They are best effort: a refusal is never turned into another error. No line ever
holds a key.

The file is opened with O_APPEND for every entry, so concurrent writers (several worker
processes) never overwrite each other and nothing is ever rewritten.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("scanner.api")


class AuditUnavailable(RuntimeError):
    """The audit log cannot be written; the admin action it would record must not happen."""


def _now() -> str:
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z"


def request_fields(request: Any) -> dict[str, Any]:
    """What identifies a request in the audit log: its id and the client address (never a key)."""
    client = getattr(request, "client", None)
    return {"request_id": getattr(request.state, "request_id", None), "client": client.host if client else None}


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, actor: str, action: str, outcome: str = "ok", *, sync: bool = True,
              **fields: Any) -> dict[str, Any]:
        """Append one line and fsync it (unless sync=False); AuditUnavailable if it cannot be written."""
        entry = {"ts": _now(), "actor": actor, "action": action, "outcome": outcome, **fields}
        line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        with self._lock:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    if os.write(fd, line) != len(line):
                        raise OSError(f"short write to {self.path}")
                    if sync:
                        os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                log.error("audit log %s cannot be written: %s (%s %s %s)", self.path,
                          exc.strerror or exc, actor, action, outcome)
                raise AuditUnavailable(str(exc)) from exc
        return entry

    def begin(self, actor: str, action: str, **fields: Any) -> dict[str, Any]:
        """The intent line, before anything changes. Raises AuditUnavailable: then do nothing."""
        return self.write(actor, action, "started", **fields)

    def finish(self, started: dict[str, Any], outcome: str = "ok", **fields: Any) -> dict[str, Any] | None:
        """The outcome line of an action begun with `begin`. If it cannot be written, the action
        has already happened and the intent line records it (logged at error level by write)."""
        carried = {k: v for k, v in started.items() if k not in ("ts", "actor", "action", "outcome")}
        try:
            return self.write(started["actor"], started["action"], outcome, **{**carried, **fields})
        except AuditUnavailable:
            return None

    def denied(self, actor: str, action: str, reason: str, **fields: Any) -> None:
        """A refused admin request (best effort: the refusal stands whether or not this is written).
        Not fsynced: anyone can cause these, and an fsync each would let them slow the service."""
        try:
            self.write(actor, action, "denied", sync=False, reason=reason, **fields)
        except AuditUnavailable:
            pass

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]


def default_audit_path(settings) -> Path:
    if settings.audit_log:
        return Path(settings.audit_log)
    from scanner.config import default_data_dir

    return default_data_dir() / "audit.jsonl"
