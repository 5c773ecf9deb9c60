"""Stage 3's side file: a built snapshot index saved beside the gallery, so a restart maps it
instead of re-reading 17 M hash rows from SQLite (issue #17: a 1 M gallery loads in <= 10 s).

The file is a cache, never a source of truth: it is keyed by everything the index was built
from (the gallery `version` content hash and `generation`, the algorithm, the limits, the view
layout, this format) and checksummed; `read` returns None (with the reason) when the file is
missing, of another key, truncated or corrupt, and the caller rebuilds it from the gallery.

Layout (all integers little-endian):

    MAGIC (8) | header offset (8) | header length (8) | zero padding to ALIGN
    arrays, each at an ALIGN-aligned offset (raw C-order bytes, dtype and shape in the header)
    header JSON | sha256(header JSON) (32)

header = {"format", "key", "info", "arrays": [[name, dtype descr, shape, offset, [block CRC-32...]]]}
(one CRC-32 per BLOCK bytes of each array, checked on both cores: the file is guarded against
corruption and truncation -- a torn write, a bad disk, a stray edit -- not against a hostile
writer, who could as well edit the gallery database beside it; CRC-32 costs a third of
SHA-256's CPU, and at 1 M entries the check is most of the load). The header is
written last and the file renamed into place (`os.replace`): a reader sees the old file or the
complete new one, never a half-written one; a crash leaves at most a temporary file.

Arrays named in `read(..., mapped=...)` stay memory-mapped (read-only, the page cache holds
them: the verify records; checked through pread, so the check leaves no pages mapped); the
others are read into RAM (the MIH tables, the metadata) and checked there.
A mapped array reads the file as it is on disk: only ever replace the file, never rewrite it
in place (this module does only that).
"""
from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import tempfile
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"SCNIDX\x00\x01"
FORMAT = 1
ALIGN = 4096
BLOCK = 32 << 20  # bytes per checksum block
_PREFIX = struct.Struct("<8sQQ")


def _blocks(buf: memoryview) -> list[memoryview]:
    return [buf[i:i + BLOCK] for i in range(0, len(buf), BLOCK)] or [buf]


def _crc(buf: memoryview) -> int:
    return zlib.crc32(buf)  # releases the GIL on large buffers: the blocks are checked on both cores


def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))


def _bytes_of(a: np.ndarray) -> memoryview:
    return memoryview(np.ascontiguousarray(a)).cast("B")


def write(path: str | Path, key: dict[str, Any], info: dict[str, Any], arrays: dict[str, np.ndarray]) -> int:
    """Write the file atomically (temporary file in the same directory, then rename); -> bytes.
    `key` and `info` must be JSON values; `read` compares `key` exactly."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f, _pool() as pool:
            f.write(_PREFIX.pack(MAGIC, 0, 0))
            entries = []
            for name, a in arrays.items():
                off = -(-f.tell() // ALIGN) * ALIGN
                f.seek(off)
                buf = _bytes_of(a)
                digests = pool.map(_crc, _blocks(buf))  # hashed while the next array is written
                f.write(buf)
                entries.append([name, np.lib.format.dtype_to_descr(a.dtype), list(a.shape), off, digests])
            for e in entries:
                e[4] = list(e[4])
            header = json.dumps({"format": FORMAT, "key": key, "info": info, "arrays": entries},
                                sort_keys=True).encode()
            at = f.tell()
            f.write(header + hashlib.sha256(header).digest())
            size = f.tell()
            f.seek(0)
            f.write(_PREFIX.pack(MAGIC, at, len(header)))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return size
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _descr(d: Any) -> Any:
    """A dtype descr back from JSON (lists -> the tuples numpy expects for record fields)."""
    if isinstance(d, str):
        return d
    return [(f[0], _descr(f[1]), *([tuple(f[2])] if len(f) > 2 else [])) for f in d]


class Stale(Exception):
    """The side file cannot be used (the message says why); rebuild it."""


def read(path: str | Path, key: dict[str, Any], *, mapped: frozenset[str] = frozenset()
         ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(info, arrays) of a file written by `write` with this exact `key`, every byte of every
    array checked against its CRC-32s (the header against its SHA-256); raises Stale (missing, other key, truncated, corrupt)."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise Stale(f"no index file ({e.strerror})") from None
    with f:
        size = os.fstat(f.fileno()).st_size
        if size < _PREFIX.size:
            raise Stale("truncated")
        magic, at, length = _PREFIX.unpack(f.read(_PREFIX.size))
        if magic != MAGIC:
            raise Stale("not an index file of this format")
        if at + length + 32 != size:
            raise Stale("truncated or extended (header offset does not match the size)")
        f.seek(at)
        header = f.read(length)
        if hashlib.sha256(header).digest() != f.read(32):
            raise Stale("header checksum mismatch")
        try:
            head = json.loads(header)
        except ValueError:
            raise Stale("header is not JSON") from None
        if head.get("format") != FORMAT:
            raise Stale(f"format {head.get('format')!r}, this scanner writes {FORMAT}")
        if head.get("key") != json.loads(json.dumps(key, sort_keys=True)):
            raise Stale("built from another gallery version, algorithm or limits")
        try:
            return _arrays(f, head, at, mapped)
        except Stale:
            raise
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as e:
            raise Stale(f"malformed header ({e})") from None


def _check_mapped(fd: int, off: int, nbytes: int, want: int) -> bool:
    """CRC of one block read with pread into a buffer (the mapping's pages are not touched:
    no page faults now, no file pages left in this process' RSS)."""
    buf = getattr(_scratch, "buf", None)
    if buf is None or len(buf) < nbytes:
        buf = _scratch.buf = bytearray(max(nbytes, BLOCK))  # one per pool thread, reused
    view = memoryview(buf)[:nbytes]
    return os.preadv(fd, [view], off) == nbytes and zlib.crc32(view) == want


_scratch = threading.local()


def _arrays(f, head: dict[str, Any], at: int, mapped: frozenset[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Arrays not in `mapped` are read into RAM (readinto: one kernel copy, no mapping) and
    checked there; the mapped ones are checked block by block with pread, then mapped."""
    fd = f.fileno()
    out: dict[str, np.ndarray] = {}
    layout = []
    for name, dtype, shape, off, digests in head["arrays"]:
        dt = np.lib.format.descr_to_dtype(_descr(dtype))
        if dt.hasobject or any(int(s) < 0 for s in shape):
            raise Stale(f"array {name!r}: bad dtype or shape")
        nbytes = dt.itemsize * int(np.prod(shape, dtype=np.int64))
        if off % ALIGN or off < _PREFIX.size or off + nbytes > at:
            raise Stale(f"array {name!r} lies outside the data area")
        if len(digests) != max(1, -(-nbytes // BLOCK)):
            raise Stale(f"array {name!r}: wrong number of checksums")
        layout.append((name, dt, tuple(int(x) for x in shape), off, nbytes, digests))
    checks = []
    with _pool() as pool:
        for name, dt, shape, off, nbytes, digests in layout:
            if name in mapped:
                checks.extend((name, pool.submit(_check_mapped, fd, off + k * BLOCK, min(BLOCK, nbytes - k * BLOCK), d))
                              for k, d in enumerate(digests))
                continue
            a = np.empty(shape, dtype=dt)
            buf = memoryview(a).cast("B") if nbytes else memoryview(b"")
            f.seek(off)
            done = 0
            while done < nbytes:
                n = f.readinto(buf[done:])
                if not n:
                    raise Stale(f"array {name!r}: the file ends early")
                done += n
            checks.extend((name, pool.submit(lambda b, d: _crc(b) == d, blk, d)) for blk, d in zip(_blocks(buf), digests))
            out[name] = a
        bad = sorted({name for name, fut in checks if not fut.result()})
    if bad:
        raise Stale(f"checksum mismatch in {bad}")
    if any(name in mapped for name, *_ in layout):
        mm = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)  # outlives the file object
        view = memoryview(mm)
        for name, dt, shape, off, nbytes, _ in layout:
            if name in mapped:  # keeps `mm` alive through its base
                out[name] = np.frombuffer(view[off:off + nbytes], dtype=dt).reshape(shape)
    return head["info"], out
