"""Word-list reloads across the workers of one `scanner serve --workers N`.

Why a token file and not a message bus: the workers are processes of one machine started together, and
the only thing to tell them is "the word lists changed, reload" (gallery edits need no help: ImageScanner
notices other processes' SQLite writes itself). A file each worker polls once a second needs no broker, no
extra port and survives a worker restart; a reload reaches every worker within about a second, and each
worker swaps engines atomically, so no result mixes versions (the soak checks this). Replicas on several
machines share state through the database instead (issue #19).
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api import metrics
from api.runtime import rebuild

log = logging.getLogger("scanner.api")

SYNC_DIR_ENV = "SCANNER_SYNC_DIR"  # set by `scanner serve --workers N` (internal, not a setting)


class WorkerSync:
    """Makes a word-list reload done by one worker reach the other workers.

    (Gallery edits need no help: ImageScanner notices other processes' SQLite writes.)
    The worker that reloads writes a token file in a directory shared by the workers of one
    `scanner serve`; every worker polls the tokens about once a second and, when one
    changed, reloads its own copy. Without a directory (one process) this does nothing.
    """

    WATCHED = ("wordlists",)

    def __init__(self, directory: str | None, interval: float = 1.0) -> None:
        self.dir = Path(directory) if directory else None
        self.interval = interval
        self.seen: dict[str, str | None] = {}
        # Where the live word lists are when a peer says they changed: a published review change set
        # lives in its own directory (scanner/review/changesets.py), so a peer must look it up first.
        self.resolve_wordlists: Any = None  # () -> Path | None

    def _read(self, what: str) -> str | None:
        try:
            return (self.dir / f"{what}.token").read_text()
        except (OSError, TypeError):
            return None

    def bump(self, what: str) -> None:
        if self.dir is None:
            return
        token = f"{os.getpid()}-{time.time_ns()}"
        tmp = self.dir / f".{what}.{os.getpid()}.tmp"
        tmp.write_text(token)
        os.replace(tmp, self.dir / f"{what}.token")
        self.seen[what] = token

    def baseline(self) -> None:
        """Note the current tokens. Called before this worker loads its word lists: a peer's
        reload after this point is then seen by `watch` (at worst reloading once more than
        needed), where noting the tokens after loading could miss one for good."""
        if self.dir is None:
            return
        for what in self.WATCHED:
            self.seen[what] = self._read(what)

    async def watch(self, app: FastAPI) -> None:
        if self.dir is None:
            return
        for what in self.WATCHED:
            if what not in self.seen:  # baseline() not called: the tokens as they are now
                self.seen[what] = self._read(what)
        while True:
            await asyncio.sleep(self.interval)
            for what in self.WATCHED:
                token = self._read(what)
                if token != self.seen.get(what):
                    self.seen[what] = token
                    try:
                        await run_in_threadpool(self._apply, app.state.scanner, what, self.resolve_wordlists)
                    except Exception:
                        log.exception("worker sync: %s refresh failed", what)

    @staticmethod
    def _apply(scanner: Any, what: str, resolve: Any = None) -> None:
        directory = resolve() if resolve is not None else None
        if directory is not None and getattr(scanner, "settings", None) is not None:
            scanner.settings = scanner.settings.model_copy(update={"wordlists": directory})
        before, after = rebuild(scanner.reload_wordlists)
        log.info("reload", extra={"fields": {"event": "reload", "source": "peer", "what": what,
                                             "before": before, "after": after, "pid": os.getpid()}})
        metrics.set_versions(scanner.versions)
