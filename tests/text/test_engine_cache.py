"""The cached text engine of `scanner check` (scanner/text/engine_cache.py) against a fresh full build:
the same `check --json` output on table cases, the same cuts on every window, a dictionary file that
answers exactly as jieba's own dictionary (brute force over every word), and a cache that is never
trusted when it is corrupt, stale, someone else's or writable by others."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.config import BUNDLED_WORDLISTS
from scanner.text import engine_cache, segment_dict
from scanner.text.engine import TextEngine
from scanner.text.normalize import normalise
from scanner.text.segment import Segmenter, _base_tokenizer
from scanner.text.verify import verify
from scanner.listing import parse_listing

ROOT = Path(__file__).resolve().parents[2]

# (title, description): Chinese, English, mixed and evasion, passing and failing, with windows jieba must cut
CASES = [
    ("顶级品质 面膜 史上最强补水", "好评返现5元，加VX: abc123 领券，全网最低价"),  # issue #18's example
    ("高仿耐克 运动鞋 莆田货", "一比一复刻，支持验货"),
    ("高仿真多肉植物 盆栽 办公室绿植", "仿真花 不用浇水"),  # 高仿 inside the allowed 高仿真
    ("纯棉圆领T恤 男款 白色", "第一次购买的顾客送袜子，面料舒适透气"),  # 第一 inside 第一次: harmless
    ("Best ever Nike replica sneakers", "DM me on WhatsApp +1 415 555 0100 for the lowest price"),
    ("Faux leather tote bag", "Fake fur trim, vegan, machine washable"),
    ("Gucc1 包包 1:1 复刻 原单", "gao仿 阿迪达斯 正品同款"),
    ("B-E-S-T E-V-E-R 减肥茶", "三天瘦十斤 根治失眠 无效退款"),
    ("高*仿 L.V 手袋", "加 薇 信 abc_123 详聊，好.评.返.现"),
    ("iPhone15手机壳 适用苹果", "兼容 iPhone 15 Pro，非原装"),
]


def _argv(title, description, *extra):
    return ["check", title, "--description", description, "--json", "--no-images", *extra]


def _check(capsys, argv) -> dict:
    main(argv)
    out = json.loads(capsys.readouterr().out)
    out.pop("took_ms", None)  # the only field that may differ: the scan's own time
    return out


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory, text_engine):
    """A cache written once from the session's engine (a fresh full build of the bundled lists)."""
    directory = tmp_path_factory.mktemp("cache") / "listing-scanner"
    mp = pytest.MonkeyPatch()
    mp.setattr(TextEngine, "load", classmethod(lambda cls, d: text_engine))
    try:
        engine_cache.load(BUNDLED_WORDLISTS, directory)
    finally:
        mp.undo()
    return directory


@pytest.fixture
def cached_only(cache_dir, monkeypatch):
    """A check that must read the cache: building is an error."""
    monkeypatch.setenv("SCANNER_CACHE_DIR", str(cache_dir))

    def no_build(cls, directory):
        raise AssertionError("built the engine instead of reading the cache")

    monkeypatch.setattr(TextEngine, "load", classmethod(no_build))
    return cache_dir


@pytest.mark.parametrize("title, description", CASES)
def test_check_json_is_the_same_from_the_cache_as_from_a_full_build(title, description, cached_only, text_engine,
                                                                    capsys, monkeypatch):
    cached = _check(capsys, _argv(title, description))
    monkeypatch.setattr(TextEngine, "load", classmethod(lambda cls, d: text_engine))
    full = _check(capsys, _argv(title, description, "--no-engine-cache"))
    assert cached == full
    assert full["decision"] in ("pass", "review", "block")


def test_the_cases_cover_every_decision_and_cut_windows(text_engine, capsys, monkeypatch):
    """The table is worth comparing: it passes, reviews and blocks, and makes jieba cut."""
    monkeypatch.setattr(TextEngine, "load", classmethod(lambda cls, d: text_engine))
    decisions = {_check(capsys, _argv(t, d, "--no-engine-cache"))["decision"] for t, d in CASES}
    assert decisions == {"pass", "review", "block"}


def test_the_issue_example_in_a_new_process_reads_what_the_first_wrote(tmp_path):
    """Two real `scanner check` processes: the first builds and writes, the second reads; same output."""
    env = {**os.environ, "SCANNER_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "scanner", *_argv(*CASES[0])]
    runs = [subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT) for _ in range(2)]
    assert [r.returncode for r in runs] == [3, 3]
    outs = [json.loads(r.stdout) for r in runs]
    for out in outs:
        out.pop("took_ms")
    assert outs[0] == outs[1]
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "c").iterdir()) == ["segment", "text"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in (tmp_path / "c").iterdir())
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o700


# --- the segmenter over the dictionary file -------------------------------------------------------

def _fixture_texts():
    texts = []
    for path in sorted((ROOT / "fixtures" / "listings").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if isinstance(row, dict):
                texts += [v for k, v in row.items() if k in ("title", "description") and isinstance(v, str)]
    return texts


@pytest.fixture(scope="module")
def layered(text_engine, tmp_path_factory):
    base = _base_tokenizer()
    path = tmp_path_factory.mktemp("dict") / "d.bin"
    path.write_bytes(segment_dict.encode(base.FREQ, base.total, "test"))
    path.chmod(0o600)
    path.parent.chmod(0o700)
    frozen = segment_dict.open_checked(path, "test")
    seg = text_engine.segmenter
    return Segmenter.layered(seg.added_words(), seg.total, frozen), frozen


def test_the_dictionary_file_answers_as_jiebas_dictionary_for_every_word(layered):
    """Brute force: every word and prefix of jieba's dictionary, and words it lacks."""
    _, frozen = layered
    freq = _base_tokenizer().FREQ
    assert len(frozen) == len(freq) and frozen.total == _base_tokenizer().total
    wrong = [w for w, f in freq.items() if frozen.get(w) != f]
    assert wrong == []
    for absent in ("", "高仿耐克运动鞋", "zzzz", "\U0001f600", "仿\x00", "\uffff"):
        assert (absent in frozen) == (absent in freq)
        assert frozen.get(absent, "none") == freq.get(absent, "none")


def test_the_layered_segmenter_cuts_every_window_the_scanner_asks_about_as_the_full_one(text_engine, layered):
    seg, _ = layered
    asked = []
    real = text_engine.segmenter._cuts

    def spy(window):
        asked.append(window)
        return real(window)

    text_engine.segmenter._cuts = spy
    try:
        for text in _fixture_texts()[::3]:
            norms = [("description", normalise(text))]
            candidates = text_engine.matcher.find_all(norms)
            if candidates:
                verify(candidates, parse_listing({"description": text}), norms, text_engine.verifying)
    finally:
        text_engine.segmenter._cuts = real
    assert len(asked) > 200
    assert [w for w in asked if seg._cut_window(w) != text_engine.segmenter._cut_window_jieba(w)] == []


@pytest.mark.parametrize("freq", [
    {},
    {"高": 10, "高仿": 0, "高仿真": 5},
    {"a": 1, "ab": 0, "abc": 7, "\U0001f600": 3, "\uffff": 2, "é": 4},
])
def test_dictionary_round_trip(freq):
    data = segment_dict.encode(freq, 99, "src")
    assert data == segment_dict.encode(dict(reversed(list(freq.items()))), 99, "src")  # deterministic
    back = segment_dict.decode(data, "src")
    assert dict(back.items()) == freq and back.total == 99
    assert segment_dict.decode(data, "other") is None
    assert segment_dict.decode(data[:-1], "src") is None
    flipped = bytearray(data)
    flipped[-1] ^= 1
    assert freq == {} or segment_dict.decode(bytes(flipped), "src") is None


# --- when the cache is not trusted --------------------------------------------------------------

def _only_file(directory: Path, prefix: str) -> Path:
    [path] = directory.glob(prefix + "*")
    return path


@pytest.fixture
def own_cache(tmp_path, text_engine, monkeypatch):
    """A fresh cache of the bundled lists in tmp_path; TextEngine.load counts its calls."""
    builds = []

    def load(cls, directory):
        builds.append(directory)
        return text_engine

    monkeypatch.setattr(TextEngine, "load", classmethod(load))
    directory = tmp_path / "listing-scanner"
    engine_cache.load(BUNDLED_WORDLISTS, directory)
    assert len(builds) == 1
    builds.clear()
    engine_cache.load(BUNDLED_WORDLISTS, directory)
    assert builds == []  # read from the cache
    return directory, builds


def _corrupt_engine(d):
    path = _only_file(d, "text-engine-")
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate_dict(d):
    path = _only_file(d, "segment-dict-")
    path.write_bytes(path.read_bytes()[:1000])


@pytest.mark.parametrize("spoil, rewritten", [
    (_corrupt_engine, True),                                                         # checksum fails
    (_truncate_dict, True),
    (lambda d: _only_file(d, "text-engine-").chmod(0o644), True),                    # others could read
    (lambda d: _only_file(d, "text-engine-").chmod(0o620), True),                    # group could write
    (lambda d: _only_file(d, "segment-dict-").chmod(0o666), True),
    (lambda d: d.chmod(0o777), False),                                               # others could replace it
    (lambda d: _only_file(d, "text-engine-").unlink(), True),
])
def test_a_spoilt_cache_is_rebuilt_never_read(own_cache, spoil, rewritten):
    directory, builds = own_cache
    spoil(directory)
    assert engine_cache.load(BUNDLED_WORDLISTS, directory) is not None
    assert len(builds) == 1  # built, not read
    builds.clear()
    engine_cache.load(BUNDLED_WORDLISTS, directory)
    assert (builds == []) is rewritten  # a private file is written again; a shared directory is left alone


def test_a_symlinked_cache_file_is_not_followed(own_cache, tmp_path):
    directory, builds = own_cache
    path = _only_file(directory, "text-engine-")
    target = tmp_path / "elsewhere.pickle"
    path.rename(target)
    path.symlink_to(target)
    engine_cache.load(BUNDLED_WORDLISTS, directory)
    assert len(builds) == 1


def test_edited_word_lists_are_a_new_key(own_cache, tmp_path, monkeypatch):
    """A cache of other word lists is never read for these: editing a list changes the key."""
    import shutil

    directory, _ = own_cache
    edited = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, edited)
    with open(edited / "terms" / "absolute_term.tsv", "a", encoding="utf-8") as f:
        f.write("宇宙无敌款\tabsolute_term\tmedium\t\t\t\ttest row\n")
    monkeypatch.setattr(TextEngine, "load", classmethod(lambda cls, d: _REAL_LOAD(d)))
    engine = engine_cache.load(edited, directory)
    assert any(t.term == "宇宙无敌款" for t in engine.wordlists.terms)
    assert engine.version != engine_cache.load(BUNDLED_WORDLISTS, directory).version


_REAL_LOAD = TextEngine.load  # before any test replaces it


def test_an_unwritable_cache_dir_still_scans(tmp_path, text_engine, monkeypatch):
    monkeypatch.setattr(TextEngine, "load", classmethod(lambda cls, d: text_engine))
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    engine = engine_cache.load(BUNDLED_WORDLISTS, blocker / "listing-scanner")
    assert engine is text_engine
