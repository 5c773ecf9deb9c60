"""The OCR cache is bounded (redteam15): a client sending many distinct images cannot grow it without limit,
and a read still in it is served exactly as it was stored, with no OCR run.

OCR itself is replaced here by a stand-in that "reads" lines from the image bytes (the real engine is tested
in test_ocr.py, including a rescan served from the cache): what is tested is the cache and the reader's use of
it, so these tests need neither the `ocr` extra nor a font.
"""
from __future__ import annotations

import sqlite3

import pytest

from scanner import config
from scanner.config import Settings
from scanner.images import ocr, ocr_cache
from scanner.images.ocr_cache import OcrCache

VERSION = "rapidocr-onnxruntime 1.4.4; models sha256:38d6849a42c0d1ab; settings sha256:0f0e; gate det@480px score>=0.5"
# What sellers put in photos, one read per image (the stand-in picks one by the image's bytes).
READS = [
    [("加微信 abc12345 看实拍", (51, 105, 163, 153), 0.998), ("高仿1:1", (60, 170, 150, 210), 0.97)],
    [("新品上市 限时优惠", (20, 30, 400, 80), 0.991)],
    [("QQ号 802345671", (12, 500, 300, 540), 0.934), ("包邮 七天无理由退换", (12, 560, 420, 600), 0.988)],
    [("HOT SALE -30%", (100, 40, 380, 90), 0.995)],
    [],  # a product shot without text: an empty read is cached too
]


def _lines(data: bytes) -> list[ocr.OcrLine]:
    read = READS[int(data.rsplit(b"#", 1)[1]) % len(READS)]
    return [ocr.OcrLine(t, box, c, (box[0], box[1], box[2], box[1], box[2], box[3], box[0], box[3])) for t, box, c in read]


@pytest.fixture
def stand_in(monkeypatch):
    """OCR replaced by `_lines`; returns the list of images it was asked to read."""
    runs: list[bytes] = []
    monkeypatch.setattr(ocr, "ocr_version", lambda: VERSION.rsplit("; gate", 1)[0])

    def run(self, data: bytes) -> list[ocr.OcrLine]:
        runs.append(data)
        return _lines(data)

    monkeypatch.setattr(ocr.OcrReader, "_run", run)
    return runs


def _image(k: int) -> bytes:
    return b"\xff\xd8\xff\xe0 listing photo #%d" % k  # distinct bytes, so a distinct sha256 per image


def _stored_bytes(path) -> tuple[int, int]:
    """(entries, bytes) counted from the rows themselves, not from the cache's running total."""
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*), coalesce(sum(size), 0) FROM reads").fetchone()


@pytest.mark.parametrize("max_bytes", [4_000, 20_000])
def test_many_distinct_images_cannot_grow_the_cache_past_its_bound(tmp_path, stand_in, max_bytes):
    path = tmp_path / "ocr-cache.sqlite3"
    reader = ocr.OcrReader.from_settings(Settings.model_construct(ocr_cache=path, ocr_cache_max_bytes=max_bytes))
    for k in range(400):  # a hostile client: every image new, so every one is read and stored
        reader.read(_image(k), "images[0]")
    assert len(stand_in) == 400
    cache = reader.cache
    assert 0 < len(cache) < 400
    assert cache.size_bytes() <= max_bytes
    assert _stored_bytes(path) == (len(cache), cache.size_bytes())  # the running total is the rows' own


def test_a_cached_read_is_served_as_it_was_stored_without_ocr(tmp_path, stand_in):
    path = tmp_path / "ocr-cache.sqlite3"
    reader = ocr.OcrReader.from_settings(Settings.model_construct(ocr_cache=path, ocr_cache_max_bytes=4_000))
    first = [reader.read(_image(k), f"images[{k % 3}]") for k in range(200)]
    runs = len(stand_in)
    # the newest reads are still there: read again, each is the same text, lines, boxes and confidences
    for k in range(195, 200):
        again = reader.read(_image(k), f"images[{k % 3}]")
        assert again == first[k] and again.text == "\n".join(t for t, _, _ in READS[k % len(READS)])
    assert len(stand_in) == runs and reader.stats()["ocr_cache_hits"] == 5
    # the oldest went to make room: read again by OCR, with the same result
    assert reader.read(_image(0), "images[0]") == first[0] and len(stand_in) == runs + 1


def test_the_least_recently_used_read_goes_first(tmp_path):
    now = [1_000_000.0]
    cache = OcrCache(tmp_path / "c.sqlite3", max_bytes=1_000, clock=lambda: now[0])
    lines = [["包邮 七天无理由退换", [12, 560, 420, 600], 0.988, [12, 560, 420, 560, 420, 600, 12, 600]]]
    for sha in ("a" * 64, "b" * 64, "c" * 64):
        now[0] += 10
        assert cache.put(sha, VERSION, lines)
    per_entry = cache.size_bytes() // 3
    cache.max_bytes = per_entry * 3  # full: the next put must evict one
    now[0] += ocr_cache.TOUCH_AFTER_S + 1  # "a" is used again after the touch interval: it becomes the most recent
    assert cache.get("a" * 64, VERSION) == lines
    now[0] += 10
    cache.put("d" * 64, VERSION, lines)
    assert [cache.get(sha * 64, VERSION) is not None for sha in "abcd"] == [True, False, True, True]
    assert len(cache) == 3 and cache.size_bytes() <= cache.max_bytes


def test_processes_sharing_one_file_share_one_bound(tmp_path):
    path = tmp_path / "c.sqlite3"
    workers = [OcrCache(path, max_bytes=3_000), OcrCache(path, max_bytes=3_000)]  # e.g. two service workers
    lines = [["加微信 abc12345 看实拍", [51, 105, 163, 153], 0.998, [51, 105, 163, 105, 163, 153, 51, 153]]]
    for k in range(100):
        workers[k % 2].put(f"{k:064x}", VERSION, lines)
    assert workers[0].size_bytes() == workers[1].size_bytes() == _stored_bytes(path)[1] <= 3_000
    assert workers[1].get(f"{98:064x}", VERSION) == lines  # written by the other worker


def test_a_read_larger_than_the_whole_cache_is_not_stored(tmp_path):
    cache = OcrCache(tmp_path / "c.sqlite3", max_bytes=500)
    huge = [["高仿 " * 200, [0, 0, 960, 40], 0.9, [0, 0, 960, 0, 960, 40, 0, 40]]]
    assert cache.put("e" * 64, VERSION, huge) is False
    assert cache.get("e" * 64, VERSION) is None and len(cache) == 0 and cache.size_bytes() == 0


def test_a_cache_file_of_the_unbounded_version_is_replaced(tmp_path):
    path = tmp_path / "ocr-cache.sqlite3"
    with sqlite3.connect(path) as db:  # the table earlier versions wrote, with no size or use time
        db.execute("CREATE TABLE ocr (sha256 TEXT NOT NULL, version TEXT NOT NULL, lines TEXT NOT NULL, "
                   "stored_at REAL NOT NULL, PRIMARY KEY (sha256, version)) WITHOUT ROWID")
        db.execute("INSERT INTO ocr VALUES (?, ?, '[]', 0)", ("f" * 64, VERSION))
    cache = OcrCache(path, max_bytes=10_000)
    assert len(cache) == 0 and cache.get("f" * 64, VERSION) is None
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ocr'").fetchone() == (0,)


def test_the_bound_is_a_positive_setting_with_one_default():
    assert Settings().ocr_cache_max_bytes == config.OCR_CACHE_MAX_BYTES
    with pytest.raises(ValueError, match="ocr_cache_max_bytes"):
        Settings(ocr_cache_max_bytes=0)
    with pytest.raises(ValueError, match="max_bytes"):
        OcrCache(":memory:", max_bytes=0)
