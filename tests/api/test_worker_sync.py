"""WorkerSync: a word-list reload by one worker reaches the others through a token file.
The race that matters: a peer reloads while this worker is still loading its own lists."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from api.sync import WorkerSync
from tests.support import run_coroutine


class FakeScanner:
    def __init__(self) -> None:
        self.reloads = 0
        self.versions = {"wordlists": "v1", "gallery": "none", "scanner": "test"}

    def reload_wordlists(self):
        self.reloads += 1
        return "v1", "v1"


def run_watch(sync: WorkerSync, scanner: FakeScanner, seconds: float) -> None:
    app = SimpleNamespace(state=SimpleNamespace(scanner=scanner))

    async def main():
        task = asyncio.create_task(sync.watch(app))
        await asyncio.sleep(seconds)
        task.cancel()

    run_coroutine(main())


def test_a_peer_reload_during_start_up_is_not_missed(tmp_path):
    me, peer = WorkerSync(str(tmp_path), interval=0.05), WorkerSync(str(tmp_path))
    peer.bump("wordlists")  # an earlier reload: the token this worker starts from
    me.baseline()  # start-up: before loading the word lists
    peer.bump("wordlists")  # a peer reloads while this worker is still loading
    scanner = FakeScanner()
    run_watch(me, scanner, 0.5)
    assert scanner.reloads == 1


def test_no_reload_without_a_peer_reload(tmp_path):
    me, peer = WorkerSync(str(tmp_path), interval=0.05), WorkerSync(str(tmp_path))
    peer.bump("wordlists")
    me.baseline()
    scanner = FakeScanner()
    run_watch(me, scanner, 0.4)
    assert scanner.reloads == 0


def test_own_reload_is_not_applied_twice(tmp_path):
    me = WorkerSync(str(tmp_path), interval=0.05)
    me.baseline()
    me.bump("wordlists")  # this worker reloaded itself, then wrote the token
    scanner = FakeScanner()
    run_watch(me, scanner, 0.4)
    assert scanner.reloads == 0


def test_without_a_directory_nothing_happens():
    sync = WorkerSync(None)
    sync.baseline()
    sync.bump("wordlists")
    scanner = FakeScanner()
    run_watch(sync, scanner, 0.1)
    assert scanner.reloads == 0
