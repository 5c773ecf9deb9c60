"""Append-only audit log of admin actions: one JSON object per line.

    {"ts": "2026-11-22T04:40:00.123Z", "actor": "ops-alice", "action": "wordlists.reload",
     "outcome": "ok", "before": "sha256:…", "after": "sha256:…", "request_id": "…", "client": "10.0.0.5"}

The file is opened with O_APPEND for every entry, so concurrent writers (several worker
processes) never overwrite each other and nothing is ever rewritten.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any


def _now() -> str:
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z"


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, actor: str, action: str, outcome: str = "ok", **fields: Any) -> dict[str, Any]:
        entry = {"ts": _now(), "actor": actor, "action": action, "outcome": outcome, **fields}
        line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

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
