"""Worker memory under hostile input (issue #13, "memory flat"): glibc's sliding mmap threshold kept large
freed blocks in the heap, so a worker kept the high-water mark of the largest requests it had served.
`api.runtime.tune_malloc` fixes the threshold and caps the arenas (docs/hardening.md, "Soak, 2026-12-04").

Each case runs in a fresh interpreter (malloc settings are per process). The allocation pattern is the one a
hostile request makes: one large block freed (which raises glibc's threshold), then many 512 KiB blocks (a
100k-character field, a body, an answer) with a small long-lived object after them, all big blocks freed.
"""
from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.config import Settings

ROOT = Path(__file__).resolve().parents[2]

PATTERN = r"""
import json, sys
from api.runtime import tune_malloc

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20

threshold, arenas = int(sys.argv[1]), int(sys.argv[2])
done = tune_malloc(threshold, arenas)
first = bytearray(8 * 2**20)   # mapped, then freed: glibc raises its threshold to 8 MiB
del first
before = rss_mb()
blocks, keep = [], []
for i in range(200):            # 100 MiB in 512 KiB blocks, each followed by a small survivor
    blocks.append(bytearray(512 * 1024))
    keep.append(bytearray(1000))
del blocks
print(json.dumps({"kept_mb": rss_mb() - before, "done": done}))
"""


def run(threshold: int, arenas: int) -> dict:
    out = subprocess.run([sys.executable, "-c", PATTERN, str(threshold), str(arenas)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc")


def test_glibc_default_keeps_freed_large_blocks():
    # the oracle that the pattern shows the problem at all: without tuning, ~100 MiB stay resident
    assert run(0, 0)["kept_mb"] > 60


def test_the_service_defaults_give_freed_large_blocks_back():
    s = Settings()
    result = run(s.malloc_mmap_threshold_bytes, s.malloc_arena_max)
    assert result["done"] == {"mmap_threshold": True, "arena_max": True}
    assert result["kept_mb"] < 10


@pytest.mark.parametrize("threshold, arenas, done", [
    (0, 0, {"mmap_threshold": False, "arena_max": False}),   # 0 leaves glibc alone
    (131_072, 0, {"mmap_threshold": True, "arena_max": False}),
    (0, 2, {"mmap_threshold": False, "arena_max": True}),
])
def test_zero_leaves_each_setting_to_glibc(threshold, arenas, done):
    assert run(threshold, arenas)["done"] == done


def test_workers_apply_the_settings_at_start_up(monkeypatch):
    from fastapi.testclient import TestClient

    import api.main

    calls = []
    monkeypatch.setattr(api.main, "tune_malloc", lambda *a: calls.append(a))
    monkeypatch.setattr(api.main, "tune_scan_threads", lambda *a: None)  # leave this process's interval alone
    app = api.main.create_app(Settings(malloc_mmap_threshold_bytes=262_144, malloc_arena_max=3), scanner=_Stub())
    with TestClient(app):
        pass
    assert calls == [(262_144, 3)]


class _Stub:
    settings = None
    images = None
    versions = {"wordlists": "w", "gallery": "g", "scanner": "s"}


def test_a_reload_settles_fully_at_most_once_a_minute(monkeypatch):
    """settle_heap(full=False) after a reload: a freeze only, unless the last full collection is older than
    FULL_SETTLE_EVERY_S (frozen garbage of requests in flight is then collected); start-up always settles fully."""
    from api import runtime

    calls = []
    clock = [1000.0]
    monkeypatch.setattr(runtime.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(runtime.gc, "unfreeze", lambda: calls.append("unfreeze"))
    monkeypatch.setattr(runtime.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(runtime.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(runtime, "_last_full", [float("-inf")])

    steps = [(True, 0.0), (False, 5.0), (False, 30.0), (False, 26.0), (False, 5.0), (True, 1.0)]
    seen = []
    for full, wait in steps:
        clock[0] += wait
        calls.clear()
        runtime.settle_heap(full=full)
        seen.append(tuple(calls))
    whole, freeze = ("unfreeze", "collect", "freeze"), ("freeze",)
    # start-up; +5 s; +35 s; +61 s since the full one: collect; +5 s; an explicit full one
    assert seen == [whole, freeze, freeze, whole, freeze, whole]


def test_a_rebuild_runs_without_collections_and_freezes_what_it_built(monkeypatch):
    """A reload builds ~400k long-lived objects: with collections on, two full collections of 85-190 ms each stalled
    the worker during the build. rebuild() pauses them, freezes what was built, then turns them back on."""
    from api import runtime

    monkeypatch.setattr(runtime, "_last_full", [runtime.time.monotonic()])  # no full collection due
    gc.collect()
    assert gc.isenabled()
    seen = {}

    def build():
        seen["enabled during the build"] = gc.isenabled()
        seen["built"] = [["高仿", [i]] for i in range(100)]  # lists: always tracked by the collector
        return "after"

    def young(objects) -> int:  # how many of `objects` a collection would still walk (frozen ones it skips)
        ids = {id(o) for o in objects}
        return sum(id(o) in ids for o in gc.get_objects())

    try:
        assert runtime.rebuild(build) == "after"
        assert seen["enabled during the build"] is False
        assert gc.isenabled()
        assert young(seen["built"]) == 0  # frozen: in the permanent generation
        gc.unfreeze()
        assert young(seen["built"]) == 100  # the check can see them when they are not frozen
    finally:
        gc.unfreeze()


def test_a_failed_rebuild_is_not_frozen_and_collections_resume(monkeypatch):
    from api import runtime

    monkeypatch.setattr(runtime, "_last_full", [runtime.time.monotonic()])
    frozen = []
    monkeypatch.setattr(runtime.gc, "freeze", lambda: frozen.append(True))

    def broken():
        raise ValueError("brands.tsv: empty")

    with pytest.raises(ValueError):
        runtime.rebuild(broken)
    assert gc.isenabled()
    assert frozen == []


def test_overlapping_rebuilds_keep_collections_paused_until_the_last_ends(monkeypatch):
    """A peer's reload (api/sync.py) may overlap an admin's: the first to finish must not turn collections back on
    under the other's build."""
    from api import runtime

    monkeypatch.setattr(runtime, "_last_full", [runtime.time.monotonic()])
    monkeypatch.setattr(runtime.gc, "freeze", lambda: None)
    states = []
    with runtime.collections_paused():
        with runtime.collections_paused():
            states.append(gc.isenabled())
        states.append(gc.isenabled())
    states.append(gc.isenabled())
    assert states == [False, False, True]


def test_a_rebuild_leaves_collections_off_when_they_were_off(monkeypatch):
    from api import runtime

    monkeypatch.setattr(runtime, "_last_full", [runtime.time.monotonic()])
    monkeypatch.setattr(runtime.gc, "freeze", lambda: None)
    gc.disable()
    try:
        runtime.rebuild(lambda: None)
        assert not gc.isenabled()
    finally:
        gc.enable()
