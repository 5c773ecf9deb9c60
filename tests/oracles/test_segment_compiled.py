"""The compiled token boundaries (scanner/text/_segment_c.pyx) against jieba itself
(Segmenter._cut_window_jieba, i.e. jieba's cut(text, HMM=False)): the same positions on
every input, with the scanner's own dictionary (jieba's plus the word lists' terms).

Skipped only when the extension is not built; with CI set, a missing extension fails (tests/text/test_compiled_loading.py)."""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.text import segment
from scanner.text.verify import verify
from scanner.listing import parse_listing
from scanner.text.normalize import normalise

ROOT = Path(__file__).resolve().parents[2]

try:
    from scanner.text import _segment_c as _c
except ImportError as exc:
    _c = None
    _WHY = f"scanner.text._segment_c is not built ({exc})"
else:
    _WHY = ""

needs_compiled = pytest.mark.skipif(_c is None, reason=_WHY)


def compiled_cuts(text_engine, text):
    seg = text_engine.segmenter
    return _c.cut_positions(text, seg._tk.FREQ, seg._logtotal)


def jieba_cuts(text_engine, text):
    return text_engine.segmenter._cut_window_jieba(text)


def _fixture_texts():
    texts = []
    for path in sorted((ROOT / "fixtures" / "listings").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if isinstance(row, dict):
                texts += [v for k, v in row.items() if k in ("title", "description") and isinstance(v, str)]
    return texts


@needs_compiled
def test_equal_on_every_window_the_scanner_asks_about(text_engine):
    """The windows verify really cuts: around every candidate in every fixture listing."""
    asked = []
    real = text_engine.segmenter._cuts

    def spy(window):
        asked.append(window)
        return real(window)

    text_engine.segmenter._cuts = spy
    try:
        for text in _fixture_texts():
            norms = [("description", normalise(text))]
            candidates = text_engine.matcher.find_all(norms)
            if candidates:
                verify(candidates, parse_listing({"description": text}), norms, text_engine.verifying)
    finally:
        text_engine.segmenter._cuts = real
    assert len(asked) > 500
    assert [w for w in asked if compiled_cuts(text_engine, w) != jieba_cuts(text_engine, w)] == []


@needs_compiled
def test_equal_on_whole_fixture_texts_and_random_windows(text_engine):
    rnd = random.Random(7)
    texts = [normalise(t).text for t in _fixture_texts()]
    windows = list(texts)
    for text in texts:
        for _ in range(3):
            a = rnd.randrange(len(text) + 1)
            windows.append(text[max(0, a - 8): a + rnd.randint(1, 12)])
    assert len(windows) > 5000
    assert [w for w in windows if compiled_cuts(text_engine, w) != jieba_cuts(text_engine, w)] == []


@needs_compiled
@pytest.mark.parametrize("text", [
    "", "a", "高仿", "高仿真多肉植物", "第一次购买", "销量第一", "全网最低价",
    "iphone15手机壳", "abc def", "A货包包", "3D打印", "1:1复刻", "c++编程", "a.b_c%d-e#f&g",
    "第一\r\n第二", "\r\r\n\n", "，。！", "纯棉T恤 舒适透气", "一丁\u4e00\u9fd5\u9fd6\u4dff",
    "😀高仿😀", "ＡＢＣ全角", "加微信abc123", "x" * 300, "高仿" * 200, "第一" * 150 + "abc" * 40,
])
def test_equal_on_edge_cases(text_engine, text):
    assert compiled_cuts(text_engine, text) == jieba_cuts(text_engine, text)


ALPHABET = st.sampled_from(
    list("高仿真第一次最佳好国家级耐克阿迪达斯苹果手机壳加微信返现治疗纯棉的了是在") +
    list("abcxyzABC0123456789+#&._%- \t\n\r，。！：:") +
    ["\r\n", "😀", "\u4e00", "\u9fd5", "\u9fd6", "\u3000", "Ａ", "高仿", "第一", "耐克", "iphone", "1:1"]
)


@needs_compiled
@given(st.lists(ALPHABET, max_size=40).map("".join))
@settings(max_examples=2000, deadline=None)
def test_equal_on_generated_text(text_engine, text):
    assert compiled_cuts(text_engine, text) == jieba_cuts(text_engine, text)


@needs_compiled
def test_segmenter_uses_it_unless_told_not_to(text_engine):
    if os.environ.get("SCANNER_PURE_PYTHON", "").strip() in ("", "0"):
        assert segment.COMPILED
    # either way, the answers are jieba's
    window = "这款高仿真多肉植物"
    assert text_engine.segmenter._cut_window(window) == jieba_cuts(text_engine, window)


@needs_compiled
def test_equal_with_dictionary_words_made_of_every_run_symbol():
    """Words holding + # & . _ % - only join if those symbols belong to jieba's runs: a
    dictionary with such words shows it (the bundled one has few)."""
    seg = segment.Segmenter(["高仿"], [])
    for word in ("t-shirt", "a.b.c", "x_y", "50%折扣", "c#", "at&t", "c++", "高-仿"):
        seg._tk.add_word(word)
    seg._logtotal = __import__("math").log(seg._tk.total)
    for text in ("买t-shirt送袜子", "a.b.c高仿", "x_y第一", "全场50%折扣", "学c#和c++", "at&t手机", "高-仿鞋",
                 "t-shirts", "a.b.cd", "50%%", "c++c#at&t"):
        assert _c.cut_positions(text, seg._tk.FREQ, seg._logtotal) == seg._cut_window_jieba(text), text


@needs_compiled
@pytest.mark.parametrize("word_freq, expected", [(0.10513, {0, 2, 3}), (0.0951, {0, 1, 2, 3})])
def test_a_character_that_starts_no_word_counts_as_frequency_one(word_freq, expected):
    """A tiny dictionary (total 10: 甲 = 1, 甲乙 = word_freq; 乙 and 丙 start no word) where
    甲乙|丙 beats 甲|乙|丙 by log(word_freq) + log(10) - log(1) = +/-0.05: the score of a
    character that starts no word decides it, so that score is pinned."""
    import math

    import jieba

    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = {"甲": 1, "甲乙": word_freq}, 10, True
    ends = [0]
    for token in tk.cut("甲乙丙", HMM=False):
        ends.append(ends[-1] + len(token))
    assert set(ends) == expected  # the reference agrees with the arithmetic above
    assert _c.cut_positions("甲乙丙", tk.FREQ, math.log(tk.total)) == expected


@needs_compiled
@pytest.mark.parametrize("args", [(None, {}, 1.0), (b"abc", {}, 1.0), ("abc", None, 1.0)])
def test_refuses_what_is_not_text_and_a_dictionary(args):
    with pytest.raises(TypeError):  # not a crash reading a None as a string or dict
        _c.cut_positions(*args)
