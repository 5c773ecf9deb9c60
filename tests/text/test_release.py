"""An old matcher's automaton is emptied a batch at a time off the caller's thread (scanner/text/release.py):
freed in one C call it held the GIL ~30-55 ms per reload, longer on a busy core (bench/bench_reload_stall.py).
Emptying must never touch an automaton a live matcher can still use: that would make its scans find nothing."""
from __future__ import annotations

import threading
import time

import ahocorasick
import pytest

from scanner.config import BUNDLED_WORDLISTS
from scanner.text import release
from scanner.text.matcher import TextMatcher
from scanner.text.wordlists import load_wordlists

KEYS = ["高仿", "gaofang", "replica", "加微信", "全网最低价", "a货", "1:1", "原单"] + [f"zqx{i}" for i in range(4_000)]


def _automaton(keys=KEYS):
    a = ahocorasick.Automaton()
    for k in keys:
        a.add_word(k.encode("utf-8").decode("latin-1"), (len(k), k))
    a.make_automaton()
    return a


def _count_sleeps(monkeypatch, module) -> list:
    """time.sleep calls made by this thread (the release thread may be emptying an earlier test's automata)."""
    sleeps, me = [], threading.get_ident()
    real = module.time.sleep
    monkeypatch.setattr(module.time, "sleep", lambda s: sleeps.append(s) if threading.get_ident() == me else real(s))
    return sleeps


def _wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_empty_removes_every_key_and_yields_between_batches(monkeypatch):
    sleeps = _count_sleeps(monkeypatch, release)
    a = _automaton()
    release.empty(a, batch=100)
    assert len(a) == 0
    assert list(a.keys()) == []
    assert len(sleeps) == -(-len(KEYS) // 100)  # one yield per batch


class _Owner:
    pass


def test_an_automaton_is_emptied_only_once_its_owner_is_gone():
    owner, a = _Owner(), _automaton()
    release.release_when_gone(owner, a)
    time.sleep(0.2)
    assert len(a) == len(KEYS), "emptied while its owner could still scan with it"
    del owner
    assert _wait_until(lambda: len(a) == 0)


@pytest.fixture(scope="module")
def wordlists():
    return load_wordlists(BUNDLED_WORDLISTS)


def test_a_matcher_hands_its_automaton_over_when_it_is_gone(wordlists):
    matcher = TextMatcher(wordlists)
    a = matcher.automaton
    keys = len(a)
    assert keys > 10_000
    time.sleep(0.2)
    assert len(a) == keys  # a live matcher's automaton is untouched
    del matcher
    assert _wait_until(lambda: len(a) == 0)


def test_a_new_matcher_still_finds_while_an_old_one_is_emptied(wordlists):
    """Reload in miniature: the old matcher goes, the new one scans while the old automaton is being emptied."""
    from scanner.text.normalize import normalise

    old = TextMatcher(wordlists)
    old_automaton = old.automaton
    new = TextMatcher(wordlists)
    del old
    found = []
    for _ in range(50):
        found.append(sorted({c.pattern.alias for c in new.find_all([("title", normalise("高仿耐克 运动鞋"))])}))
    assert _wait_until(lambda: len(old_automaton) == 0)
    assert all(f == found[0] for f in found) and "高仿" in found[0]


def test_building_a_matcher_yields_the_gil_every_so_many_keys(wordlists, monkeypatch):
    """Compiled, the build's loops never let another thread run on their own; they call time.sleep(0)."""
    from scanner.text import matcher as matcher_module

    sleeps = _count_sleeps(monkeypatch, matcher_module)
    built = TextMatcher(wordlists)
    assert sleeps and set(sleeps) == {0}
    assert len(sleeps) >= len(built.keys) // matcher_module.YIELD_GIL_EVERY


@pytest.mark.parametrize("hits", [0, 1, 4_095, 4_096, 4_097, 8_192, 10_000])
def test_all_hits_in_batches_equal_one_call_and_yield_between_batches(monkeypatch, hits):
    """A scan's hits past HITS_PER_GIL_HOLD are taken a batch at a time (hostile copy held the GIL ~35 ms)."""
    from scanner.text import matcher as matcher_module

    a = _automaton(["高仿"])
    text = ("高仿".encode("utf-8").decode("latin-1") + " ") * hits
    sleeps = _count_sleeps(monkeypatch, matcher_module)
    assert matcher_module._all_hits(a, text) == list(a.iter(text))
    assert len(sleeps) == hits // matcher_module.HITS_PER_GIL_HOLD
