"""jieba's base dictionary as a read-only file looked up in place, for a process that cuts a few windows.

Loading jieba's dictionary (its marshal cache of ~500,000 words and prefixes) takes ~0.4-0.9 s: most of a
`scanner check`, which then cuts two or three windows of twenty characters. This file holds the same
dictionary (word -> frequency, jieba's prefix entries with frequency 0 included) sorted by UTF-8 bytes, and
`FrozenFreq` answers jieba's three questions (`w in FREQ`, `FREQ[w]`, `FREQ.get(w)`) by binary search over
a memory map, so opening it costs only the checksum.

Layout (deterministic: the same dictionary always gives the same bytes; integers little-endian):
    MAGIC | sha256(body) (32 bytes) | body
    body = count, total, blob length (3 x u64) | offsets (count + 1 x u32) | freqs (count x u32) | blob
`source` (what the dictionary was built from) is part of MAGIC's line so that a file of another jieba
dictionary is never read as this one. A file that fails any check is refused (None), never half-read.
"""
from __future__ import annotations

import hashlib
import mmap
import os
import struct
import sys
from array import array
from pathlib import Path
from typing import Iterator, Mapping

MAGIC = b"scanner-segment-dict 1 "
_HEAD = struct.Struct("<QQQ")


def encode(freq: Mapping[str, int], total: int, source: str) -> bytes:
    """The file's bytes for jieba's FREQ dictionary `freq` (and its `total`)."""
    items = sorted((w.encode("utf-8"), f) for w, f in freq.items())
    offsets, freqs = array("I", [0]), array("I")
    blob = bytearray()
    for word, f in items:
        if not 0 <= f < 2**32:
            raise ValueError(f"frequency out of range: {f}")
        blob += word
        offsets.append(len(blob))
        freqs.append(f)
    if sys.byteorder != "little":
        offsets.byteswap()
        freqs.byteswap()
    body = _HEAD.pack(len(items), total, len(blob)) + offsets.tobytes() + freqs.tobytes() + bytes(blob)
    return _magic(source) + hashlib.sha256(body).digest() + body


def _magic(source: str) -> bytes:
    return MAGIC + source.encode("ascii") + b"\n"


class FrozenFreq(Mapping):
    """Read-only word -> frequency over a checked file (see `open_checked`)."""

    def __init__(self, data, start: int) -> None:
        count, self.total, blob_len = _HEAD.unpack_from(data, start)
        at = start + _HEAD.size
        view = memoryview(data)
        self._offsets = view[at : at + 4 * (count + 1)].cast("I")
        at += 4 * (count + 1)
        self._freqs = view[at : at + 4 * count].cast("I")
        self._blob = at + 4 * count
        self._data = data
        self._count = count
        if sys.byteorder != "little":  # a big-endian machine reads the little-endian arrays through copies
            self._offsets, self._freqs = (_swapped(a) for a in (self._offsets, self._freqs))

    def _index(self, word: str) -> int:
        key = word.encode("utf-8")
        data, offsets, blob = self._data, self._offsets, self._blob
        lo, hi = 0, self._count
        while lo < hi:
            mid = (lo + hi) >> 1
            here = data[blob + offsets[mid] : blob + offsets[mid + 1]]
            if here < key:
                lo = mid + 1
            elif here > key:
                hi = mid
            else:
                return mid
        return -1

    def __getitem__(self, word: str) -> int:
        i = self._index(word) if isinstance(word, str) else -1
        if i < 0:
            raise KeyError(word)
        return self._freqs[i]

    def get(self, word, default=None):
        i = self._index(word) if isinstance(word, str) else -1
        return default if i < 0 else self._freqs[i]

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and self._index(word) >= 0

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        data, offsets, blob = self._data, self._offsets, self._blob
        for i in range(self._count):
            yield bytes(data[blob + offsets[i] : blob + offsets[i + 1]]).decode("utf-8")


def _swapped(view) -> array:
    out = array("I", view.tobytes())
    out.byteswap()
    return out


def decode(data, source: str) -> FrozenFreq | None:
    """The dictionary in `data` (bytes or a memory map) if it is whole and built from `source`, else None."""
    magic = _magic(source)
    if len(data) < len(magic) + 32 + _HEAD.size or data[: len(magic)] != magic:
        return None
    start = len(magic) + 32
    if hashlib.sha256(memoryview(data)[start:]).digest() != data[len(magic) : start]:
        return None  # corrupt or truncated
    count, _total, blob_len = _HEAD.unpack_from(data, start)
    if len(data) - start != _HEAD.size + 8 * count + 4 + blob_len:
        return None
    return FrozenFreq(data, start)


def open_checked(path: Path, source: str) -> FrozenFreq | None:
    """The dictionary file at `path` if it is ours (see scanner/text/engine_cache.py's `private_file`)
    and intact, else None."""
    from scanner.text.engine_cache import private_file

    fd = private_file(path)
    if fd is None:
        return None
    try:
        if os.fstat(fd).st_size == 0:
            return None
        data = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return decode(data, source)
