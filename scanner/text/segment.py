"""Word-boundary checks for Chinese matches, with jieba, only where a match needs it.

jieba's precise mode runs at ~0.3 M chars/s, far slower than the automaton, so
we never segment whole listings: only a small window around each CJK candidate.
A candidate counts only if both its ends fall on jieba token boundaries, which
is what keeps 高仿 out of 高仿真多肉 and 第一 out of 第一次.

The base dictionary is loaded once per process and copied into each Segmenter
(one per word-list version), which then learns the dictionary's own terms.
`Segmenter.layered` is the same segmenter without that load (for `scanner check`, through
scanner/text/engine_cache.py): the words it learnt over the base dictionary read from a file
in place (scanner/text/segment_dict.py), cut by jieba itself.
"""
from __future__ import annotations

import logging
import math
import threading
from functools import lru_cache
from typing import Iterable, Mapping

import jieba

from scanner._compiled import load as load_compiled
from scanner.text.normalize import is_cjk

jieba.setLogLevel(logging.WARNING)


# scanner/text/_segment_c.pyx: jieba's cut positions in C (identical, about 6x faster)
_compiled = load_compiled("text._segment_c", 1, "jieba's own cut")
COMPILED: bool = _compiled is not None
WINDOW = 8  # characters of context either side of a candidate
_base: jieba.Tokenizer | None = None
_base_lock = threading.Lock()


def _base_tokenizer() -> jieba.Tokenizer:
    global _base
    with _base_lock:
        if _base is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _base = tokenizer
        return _base


class Segmenter:
    def __init__(self, terms: Iterable[str], phrases: Iterable[str]) -> None:
        """`terms` (denied words) are added so they can stand as words of their own;
        `phrases` (allow-list) are added more strongly so they win over the terms inside them."""
        base = _base_tokenizer()
        self._base_freq = base.FREQ
        tk = jieba.Tokenizer()
        tk.FREQ = dict(base.FREQ)
        tk.total = base.total
        tk.initialized = True
        for word in terms:
            if _has_cjk(word) and len(word) > 1:
                tk.add_word(word)
        for phrase in phrases:
            if _has_cjk(phrase) and len(phrase) > 1:
                tk.add_word(phrase, freq=max(tk.suggest_freq(phrase, False), 1) * 20)
        self._ready(tk, _compiled)

    def _ready(self, tk: jieba.Tokenizer, compiled) -> None:
        self._tk = tk
        self._compiled = compiled  # the compiled cut takes a dict: None for a layered dictionary
        self._logtotal = math.log(tk.total)  # the dictionary is complete: total no longer changes
        # Catalogues repeat phrases (templates, brand lines): cache cuts per window.
        self._cuts = lru_cache(maxsize=32768)(_window_cutter(tk, compiled, self._logtotal))

    def added_words(self) -> dict[str, int]:
        """What this segmenter learnt over jieba's base dictionary: every entry whose frequency differs from
        the base's or that the base lacks (prefixes of new words, at 0, included). With the base and `total`
        it is the whole dictionary: what `layered` is built from."""
        base = _base_tokenizer().FREQ
        return {w: f for w, f in self._tk.FREQ.items() if base.get(w) != f}

    @property
    def total(self) -> int:
        return self._tk.total

    @classmethod
    def layered(cls, added: Mapping[str, int], total: int, base: Mapping[str, int]) -> "Segmenter":
        """The segmenter whose `added_words()` is `added` and whose `total` is `total`, over `base` (jieba's
        base dictionary, e.g. a scanner.text.segment_dict.FrozenFreq) without copying it: jieba's own cut
        reads the dictionary through `in`, `[]` and `get`, which _LayeredFreq answers as the merged dict."""
        tk = jieba.Tokenizer()
        tk.FREQ = _LayeredFreq(dict(added), base)
        tk.total = total
        tk.initialized = True
        self = cls.__new__(cls)
        self._base_freq = base
        self._ready(tk, None)
        return self

    def _cut_window(self, window: str) -> frozenset[int]:
        """{0} and the end of every jieba token of `window` (precise mode, no HMM)."""
        return _window_cutter(self._tk, self._compiled, self._logtotal)(window)

    def _cut_window_jieba(self, window: str) -> frozenset[int]:
        """The definition: jieba itself (and the fallback without the compiled module)."""
        return _jieba_cuts(self._tk, window)

    def on_boundaries(self, text: str, start: int, end: int, start_ok: bool = False, end_ok: bool = False) -> bool:
        """Do text[start:end]'s ends both fall between jieba tokens? `start_ok`/`end_ok`
        say the caller already knows an end is a boundary (e.g. the seller put a space there)."""
        needs_start = not start_ok and start > 0 and _joins(text[start - 1], text[start])
        needs_end = not end_ok and end < len(text) and _joins(text[end - 1], text[end])
        if not needs_start and not needs_end:
            return True
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        cuts = self._cuts(text[lo:hi])
        return (not needs_start or start - lo in cuts) and (not needs_end or end - lo in cuts)

    def token_across(self, text: str, start: int, end: int, at: int) -> tuple[int, int]:
        """The jieba token of the window `on_boundaries(text, start, end)` cuts that runs across position `at`
        (start <= at <= end, not itself a cut): (token start, token end) in `text`."""
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        cuts = self._cuts(text[lo:hi])
        before = max(c for c in cuts if c < at - lo)
        after = min((c for c in cuts if c > at - lo), default=hi - lo)
        return lo + before, lo + after

    def is_base_word(self, word: str) -> bool:
        """Is `word` a word of jieba's own dictionary (not only one this segmenter learnt from the word lists)?"""
        return bool(self._base_freq.get(word))


def _jieba_cuts(tk: jieba.Tokenizer, window: str) -> frozenset[int]:
    cuts = {0}
    pos = 0
    for token in tk.cut(window, HMM=False):
        pos += len(token)
        cuts.add(pos)
    return frozenset(cuts)


def _window_cutter(tk: jieba.Tokenizer, compiled, logtotal: float):
    """The cut of one window as a function of the dictionary only. It must not hold the Segmenter: the cache
    that wraps it is stored on the Segmenter, and that cycle kept a reloaded engine's segmenter (jieba's
    dictionary, the window cache: ~15 MB) alive until a full collection, which a service worker avoids."""
    if compiled is not None:
        freq = tk.FREQ
        return lambda window: compiled.cut_positions(window, freq, logtotal)
    return lambda window: _jieba_cuts(tk, window)


class _LayeredFreq:
    """`top` over `base`, read as one dictionary ({**base, **top}); jieba only reads it (in, [], get)."""

    __slots__ = ("top", "base")

    def __init__(self, top: dict[str, int], base: Mapping[str, int]) -> None:
        self.top, self.base = top, base

    def __contains__(self, word) -> bool:
        return word in self.top or word in self.base

    def __getitem__(self, word: str) -> int:
        value = self.top.get(word)
        return self.base[word] if value is None else value

    def get(self, word, default=None):
        value = self.top.get(word)
        return self.base.get(word, default) if value is None else value


def _has_cjk(word: str) -> bool:
    return any(is_cjk(c) for c in word)


def _joins(left: str, right: str) -> bool:
    """Could a word run across this pair of characters? Only if one is CJK and the
    other is CJK or alphanumeric (jieba keeps 'A货' or '3D打印' together)."""
    if is_cjk(left):
        return is_cjk(right) or right.isalnum()
    if is_cjk(right):
        return left.isalnum()
    return False
