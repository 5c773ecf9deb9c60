"""Stage 3: search. Given the hashes of a query's views, which gallery entries match?

The match rule (one place, shared by the index and the oracle):

    an entry matches when, for SOME (query view, gallery view) pair in hashing.COMPARE,
    every hash type h has distance(h) <= thresholds[h].

`brute_force()` is the oracle: plain Python ints and `int.bit_count`, obviously right.
`HashIndex` is the fast path, exact by construction and checked equal to the oracle by tests:

1. Prefilter by multi-index hashing (MIH) on the 64-bit `phash64`. Gallery views are put in
   *groups* of views compared with the same query views (from COMPARE: `orig` with 4 query
   views; the 14 sub/crop views with orig+mirror; `top`; `bottom`), so one probe per query
   view serves a whole group. The 64 bits are cut into m parts (m = 3 or 4, `_plan`); each
   part has its own copy of the group's rows sorted by that part's bits, with a bucket
   offset table. Pigeonhole (generalised): if popcount(code ^ q) <= R and the parts get
   radii t_p with sum(t_p + 1) = R + 1, some part p differs in at most t_p bits -- so
   visiting, in each part, every bucket within t_p bits of the query's part finds every
   row within R, and nothing else is needed. Rows found in an earlier part are skipped, so
   each (row, query view) comes out once. When the neighbourhoods would cover most of the
   table (large R, tiny tables), the plan is a plain scan of part 0 instead: same kernel,
   all buckets. The probe loop is the C twin scanner/images/_index_c.pyx; `_probe_numpy`
   is its definition and fallback (same rows; a test checks).
2. Verify the few prefilter hits on the 256-bit hashes and the colour signature, read from
   `_verify` (`_VerifyStore`), (entry, view) records -- in RAM for small galleries, a
   memory-mapped unnamed temporary file for large ones (`IndexBuilder(spill=...)`): only the
   candidates' records are read, so the page cache, not the process heap, holds them.
3. Best pair per entry (`_better`'s rule, vectorised: smallest normalised distance, then
   COMPARE order).

Memory (RAM): m x (8-byte code + 4-byte row id) per present view + the offset tables:
17 views x 4 parts x 12 = 816 bytes per entry (plus 2^16 x 8 bytes x 4 parts x 4 groups =
2 MB fixed); the verify records (17 x 96 bytes) are in the mapped file.
`IndexBuilder` fills the same structures straight from the stored BLOBs (no object per hash).

`HashIndex.candidates(query, limits, k)` is the same search under other (looser) limits,
returning the k best entries; `brute_force_candidates` is its oracle.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from scanner._compiled import load as _load_compiled
from scanner.images.hashing import ALL_HASHES, COLOUR_GRID, COMPARE, GALLERY_VARIANTS, HASH_BITS, colour_cells

_c = _load_compiled("images._index_c", 1, "the numpy probe (index._probe_numpy)")
COMPILED: bool = _c is not None

# Chosen from the calibration curve (python -m tools.calibrate; docs/images.md):
# the smallest thresholds on the best zero-false-match plateau.
DEFAULT_THRESHOLDS: dict[str, int] = {"phash64": 14, "phash": 56, "dhash": 128, "colour": 70}
PREFILTER = "phash64"
VERIFY = ("phash", "dhash", "colour")


@dataclass(frozen=True, slots=True)
class Hit:
    entry: int  # position in the index (the gallery maps it to an id)
    distance: dict[str, int]  # per hash type, for the best pair
    query_view: str
    gallery_view: str

    def key(self) -> tuple:
        return (self.entry, tuple(sorted(self.distance.items())), self.query_view, self.gallery_view)


# Colour check (second stage, only on hash candidates): the per-cell chroma distance
# |dCb| + |dCr| of the two views' colour grids, summed over the COLOUR_KEEP closest cells (the
# worst cells -- a banner, a sticker, a crop edge -- are ignored). Integer arithmetic, so the
# index and the oracle agree exactly.
COLOUR_KEEP = 12
COLOUR_MAX = COLOUR_KEEP * 2 * 254  # largest possible colour distance (for normalising)
_CELLS = COLOUR_GRID * COLOUR_GRID


def colour_distance(a: int, b: int) -> int:
    d = sorted(int(x) for x in np.abs(colour_cells(a) - colour_cells(b)).sum(axis=1))
    return sum(d[:COLOUR_KEEP])


def distance(h: str, a: int, b: int) -> int:
    """Distance of two values of hash type h: Hamming for the hashes, colour_distance for colour."""
    return colour_distance(a, b) if h == "colour" else (a ^ b).bit_count()


def _scale(h: str) -> int:
    return COLOUR_MAX if h == "colour" else HASH_BITS[h]


def _norm(distance: dict[str, int], thresholds: dict[str, int]) -> float:
    return sum(distance[h] / _scale(h) for h in thresholds)


def _better(a: Hit | None, b: Hit, thresholds: dict[str, int]) -> bool:
    """Deterministic choice of the best pair for one entry: smallest normalised distance, then
    the order of COMPARE (so 'orig' beats 'mirror' on ties)."""
    if a is None:
        return True
    return _norm(b.distance, thresholds) < _norm(a.distance, thresholds)


def brute_force(
    query: dict[str, dict[str, int]],
    entries: list[dict[str, dict[str, int]]],
    thresholds: dict[str, int] = DEFAULT_THRESHOLDS,
) -> list[Hit]:
    """The oracle: every entry, every compared pair, every hash, in plain Python."""
    out = []
    for i, views in enumerate(entries):
        best: Hit | None = None
        for qv, gv in COMPARE:
            if qv not in query or gv not in views:
                continue
            d = {h: distance(h, query[qv][h], views[gv][h]) for h in thresholds}
            if all(d[h] <= t for h, t in thresholds.items()):
                hit = Hit(i, d, qv, gv)
                if _better(best, hit, thresholds):
                    best = hit
        if best is not None:
            out.append(best)
    return out




def brute_force_candidates(
    query: dict[str, dict[str, int]],
    entries: list[dict[str, dict[str, int]]],
    limits: dict[str, int],
    k: int | None = None,
) -> list[Hit]:
    """The oracle of `HashIndex.candidates`: brute_force under `limits`, the k entries with
    the smallest normalised distance (ties: entry position), best first."""
    hits = brute_force(query, entries, limits)
    hits.sort(key=lambda h: (_norm(h.distance, limits), h.entry))
    return hits if k is None else hits[:k]


def _words(value: int, bits: int) -> np.ndarray:
    return np.frombuffer(value.to_bytes(bits // 8, "big"), dtype=">u8").astype(np.uint64)


# --- layout ---------------------------------------------------------------------------

_PAIR = {pair: i for i, pair in enumerate(COMPARE)}
_VIEW = {gv: i for i, gv in enumerate(GALLERY_VARIANTS)}
VERIFY_HASHES = tuple(h for h in ALL_HASHES if h != PREFILTER)  # what the verify records hold
VERIFY_DTYPE = np.dtype([(h, np.int8, (_CELLS, 2)) if h == "colour" else (h, np.uint64, (HASH_BITS[h] // 64,))
                         for h in VERIFY_HASHES])
# The structure `HashIndex.state()` saves (bump when _Table or _VerifyStore change meaning).
INDEX_LAYOUT = 1
# Galleries with at least this many entries keep their verify records in a mapped temporary file.
SPILL_MIN_ENTRIES = 100_000


def _groups() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(query views, gallery views): gallery views compared with the same query views (COMPARE
    order), one group each, in order of first appearance."""
    by_gv: dict[str, list[str]] = {}
    for qv, gv in COMPARE:
        by_gv.setdefault(gv, []).append(qv)
    groups: dict[tuple[str, ...], list[str]] = {}
    for gv in GALLERY_VARIANTS:
        if gv in by_gv:
            groups.setdefault(tuple(by_gv[gv]), []).append(gv)
    return tuple((qvs, tuple(gvs)) for qvs, gvs in groups.items())


GROUPS = _groups()

# Cost model for choosing the number of parts and the probe plan: one bucket probed costs
# about PROBE_COST code comparisons (a cache miss for the offsets, another for the bucket;
# measured at 1 M entries: ~23 ns per bucket, ~2.5 ns per code).
PROBE_COST = 10.0
PARTS_CHOICES = (3, 4)  # more parts: fewer probes, more candidates, +12 bytes per view and part


def _layout(m: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """64 bits in m parts as equal as possible: (shifts, widths), part 0 = the lowest bits."""
    widths = [64 // m + (1 if p < 64 % m else 0) for p in range(m)]
    shifts = [sum(widths[:p]) for p in range(m)]
    return tuple(shifts), tuple(widths)


def _ball(width: int, t: int) -> int:
    """How many width-bit keys are within t bits of a key."""
    return sum(math.comb(width, i) for i in range(min(t, width) + 1)) if t >= 0 else 0


@lru_cache(maxsize=64)
def _masks(width: int, t: int) -> np.ndarray:
    """All width-bit masks of at most t bits (uint64), sorted: the keys to visit are key ^ mask."""
    if t >= width:
        return np.arange(1 << width, dtype=np.uint64)
    out = [0]
    for i in range(1, t + 1):
        out.extend(sum(1 << b for b in c) for c in combinations(range(width), i))
    return np.array(sorted(out), dtype=np.uint64)


def _radii(widths: tuple[int, ...], radius: int) -> list[int]:
    """Per-part radii t_p (-1: part not probed) with sum(t_p + 1) = radius + 1, spread evenly,
    the wider parts first. Pigeonhole: a code within `radius` is within t_p in some part."""
    units = radius + 1
    m = len(widths)
    order = sorted(range(m), key=lambda p: (-widths[p], p))
    t = [units // m - 1] * m
    for p in order[:units % m]:
        t[p] += 1
    return t


def _plan(widths: tuple[int, ...], radius: int, rows: int) -> list[int]:
    """The per-part radii to probe with: MIH (`_radii`) or, when it would cost more than
    reading the table once, a scan of part 0 (all its buckets: t_0 = its width)."""
    t = _radii(widths, radius)
    mih = sum(_ball(w, tp) * (PROBE_COST + rows / 2 ** w) for w, tp in zip(widths, t))
    scan = 2 ** widths[0] * PROBE_COST + rows
    if mih <= scan:
        return t
    return [widths[0]] + [-1] * (len(widths) - 1)


def _choose_parts(radius: int, rows: int) -> int:
    """The number of parts whose MIH plan costs least at this radius and table size."""
    def cost(m: int) -> float:
        shifts, widths = _layout(m)
        t = _plan(widths, radius, rows)
        return sum(_ball(w, tp) * (PROBE_COST + rows / 2 ** w) for w, tp in zip(widths, t))
    return min(PARTS_CHOICES, key=lambda m: (cost(m), m))


# --- the probe (definition; the C twin is _index_c.probe) -----------------------------

def _probe_numpy(codes: np.ndarray, rows: np.ndarray, offsets: np.ndarray, shifts: np.ndarray,
                 widths: np.ndarray, t: np.ndarray, masks: np.ndarray, mask_start: np.ndarray,
                 q: int, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """-> (rows uint32, distances uint8) of every row within `radius` of q, each once.

    For each part p with t[p] >= 0: the buckets `((q >> shifts[p]) & (2^widths[p] - 1)) ^
    masks[mask_start[p]:mask_start[p + 1]]` of table p, every code in them within `radius`,
    except codes that an earlier probed part pp already found (part distance <= t[pp])."""
    qq = np.uint64(q)
    out_r, out_d = [], []
    for p in range(len(shifts)):
        if t[p] < 0:
            continue
        wmask = np.uint64((1 << int(widths[p])) - 1)
        keys = ((qq >> np.uint64(shifts[p])) & wmask) ^ masks[mask_start[p]:mask_start[p + 1]]
        lo, hi = offsets[p, keys].astype(np.int64), offsets[p, keys + np.uint64(1)].astype(np.int64)
        lens = hi - lo
        total = int(lens.sum())
        if total == 0:
            continue
        idx = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(total)
        x = codes[p, idx] ^ qq
        d = np.bitwise_count(x)
        keep = d <= radius
        for pp in range(p):
            if t[pp] >= 0:
                part = (x >> np.uint64(shifts[pp])) & np.uint64((1 << int(widths[pp])) - 1)
                keep &= np.bitwise_count(part) > t[pp]
        out_r.append(rows[p, idx[keep]])
        out_d.append(d[keep])
    if not out_r:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint8)
    return np.concatenate(out_r).astype(np.uint32), np.concatenate(out_d).astype(np.uint8)


def _probe(*args) -> tuple[np.ndarray, np.ndarray]:
    return _c.probe(*args) if _c is not None else _probe_numpy(*args)


def _bucket_sort_numpy(codes: np.ndarray, rows: np.ndarray, shift: int, width: int,
                       out_codes: np.ndarray, out_rows: np.ndarray, offsets: np.ndarray) -> None:
    """(codes, rows) sorted stably by the key (code >> shift) & (2^width - 1) into out_codes,
    out_rows; offsets[b] = where bucket b starts (offsets[2^width:] = len(codes))."""
    key = ((codes >> np.uint64(shift)) & np.uint64(2 ** width - 1)).astype(np.int64)
    order = np.argsort(key, kind="stable")
    out_codes[:] = codes[order]
    out_rows[:] = rows[order]
    offsets[0] = 0
    offsets[1:2 ** width + 1] = np.cumsum(np.bincount(key, minlength=2 ** width))
    offsets[2 ** width + 1:] = len(codes)


def _bucket_sort(*args) -> None:
    (_c.bucket_sort if _c is not None else _bucket_sort_numpy)(*args)


class _Table:
    """One group's MIH table: `parts` copies of the present rows (code, row id = entry x
    len(views) + view's place in the group), each sorted by one part's bits, and per part
    the bucket offsets (bucket b = codes[p, offsets[p, b]:offsets[p, b + 1]])."""

    def __init__(self, qviews: tuple[str, ...], gviews: tuple[str, ...], codes: np.ndarray,
                 present: np.ndarray, radius: int, parts: int | None = None) -> None:
        # codes, present: (len(gviews), n)
        self.qviews, self.gviews = qviews, gviews
        self._plans: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # a few radii at most
        g, n = present.shape
        if n * g >= 2 ** 32:
            raise ValueError(f"{n:,} entries x {g} views do not fit 32-bit row ids")
        # entry-major row ids (entry x g + view place): the same tables from any input order
        rows = np.flatnonzero(np.ascontiguousarray(present.T)).astype(np.uint32)
        flat = np.ascontiguousarray(codes.T).reshape(-1)[rows].astype(np.uint64)
        self.size = int(rows.size)
        m = parts if parts is not None else _choose_parts(radius, self.size)
        shifts, widths = _layout(m)
        self.shifts = np.array(shifts, dtype=np.int64)
        self.widths = np.array(widths, dtype=np.int64)
        self.codes = np.empty((m, self.size), dtype=np.uint64)
        self.rows = np.empty((m, self.size), dtype=np.uint32)
        self.offsets = np.zeros((m, 2 ** max(widths) + 1), dtype=np.uint32)
        for p in range(m):
            _bucket_sort(flat, rows, shifts[p], widths[p], self.codes[p], self.rows[p], self.offsets[p])

    def nbytes(self) -> int:
        return self.codes.nbytes + self.rows.nbytes + self.offsets.nbytes

    ARRAYS = ("shifts", "widths", "codes", "rows", "offsets")  # what `from_arrays` needs back

    @classmethod
    def from_arrays(cls, qviews: tuple[str, ...], gviews: tuple[str, ...], arrays: dict[str, np.ndarray]) -> "_Table":
        t = cls.__new__(cls)
        t.qviews, t.gviews, t._plans = qviews, gviews, {}
        for a in cls.ARRAYS:
            setattr(t, a, arrays[a])
        m = len(t.shifts)
        if t.codes.shape[0] != m or t.rows.shape != t.codes.shape or t.offsets.shape[0] != m:
            raise ValueError("table arrays of inconsistent shapes")
        t.size = int(t.codes.shape[1])
        return t


    def _plan_arrays(self, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(t, masks, mask_start) for the probe kernel at this radius (cached per radius)."""
        got = self._plans.get(radius)
        if got is None:
            t = _plan(tuple(int(w) for w in self.widths), radius, self.size)
            masks = [_masks(int(w), tp) if tp >= 0 else np.zeros(0, np.uint64) for w, tp in zip(self.widths, t)]
            start = np.zeros(len(masks) + 1, dtype=np.int64)
            start[1:] = np.cumsum([len(x) for x in masks])
            got = self._plans[radius] = (np.array(t, dtype=np.int64), np.concatenate(masks), start)
        return got

    def probe(self, q: int, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(entries int64, view places int64, distances) of the rows within radius of q."""
        t, masks, start = self._plan_arrays(radius)
        rows, d = _probe(self.codes, self.rows, self.offsets, self.shifts, self.widths, t, masks, start, q, radius)
        g = len(self.gviews)
        rows = rows.astype(np.int64)
        return rows // g, rows % g, d.astype(np.int64)

    def column(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(codes (views, n) uint64, present (views, n) bool), zeros where a view is absent."""
        g = len(self.gviews)
        codes = np.zeros((g, n), dtype=np.uint64)
        present = np.zeros((g, n), dtype=bool)
        r = self.rows[0].astype(np.int64)
        codes[r % g, r // g] = self.codes[0]
        present[r % g, r // g] = True
        return codes, present


class _VerifyStore:
    """The verify records (VERIFY_DTYPE) of every (entry, gallery view), read only for prefilter
    candidates. In RAM: an (entries, views) array. Spilled: an unnamed temporary file written
    sequentially while loading (each entry gets the next free *slot* of views x records the
    first time it is seen, so one chunk of entries is one contiguous write, not a scatter of
    page faults over a mapping), then memory-mapped read-only; `slot[entry]` finds it."""

    def __init__(self, n: int, spill: str | bool | None) -> None:
        self.n = n
        self.views = len(GALLERY_VARIANTS)
        if spill is None:
            spill = n >= SPILL_MIN_ENTRIES
        self.spilled = bool(spill is not False and n > 0)
        self._size = VERIFY_DTYPE.itemsize
        if not self.spilled:
            self.records = np.zeros((n, self.views), dtype=VERIFY_DTYPE)
            self.slot = None
            return
        self._file = tempfile.TemporaryFile(dir=None if spill is True else spill, prefix="scanner-index-")
        self.slot = np.full(n, -1, dtype=np.int64)
        self._next = 0
        self.records = None

    @classmethod
    def mapped(cls, n: int, records: np.ndarray, slot: np.ndarray | None) -> "_VerifyStore":
        """Records read back from the index file (a read-only mapping of it)."""
        if records.dtype != VERIFY_DTYPE or records.ndim != 2 or records.shape[1] != len(GALLERY_VARIANTS) or (
                slot is None and len(records) != n) or (slot is not None and len(slot) != n):
            raise ValueError("verify records of the wrong dtype or shape")
        v = cls.__new__(cls)
        v.n, v.views, v._size = n, len(GALLERY_VARIANTS), VERIFY_DTYPE.itemsize
        v.spilled, v.records, v.slot = True, records, slot
        return v

    def put(self, pos: np.ndarray, view: np.ndarray, rec: np.ndarray) -> None:
        """Store records (VERIFY_DTYPE) of (entry pos, view index) pairs (later puts win)."""
        if not self.spilled:
            self.records[pos, view] = rec
            return
        fd = self._file.fileno()
        new = np.unique(pos[self.slot[pos] < 0])
        self.slot[new] = np.arange(self._next, self._next + new.size)
        local = self.slot[pos] - self._next
        fresh = local >= 0
        if new.size:
            block = np.zeros((new.size, self.views), dtype=VERIFY_DTYPE)
            block[local[fresh], view[fresh]] = rec[fresh]
            os.pwrite(fd, block.tobytes(), self._next * self.views * self._size)
            self._next += new.size
        for i in np.nonzero(~fresh)[0]:  # an entry already written (views split across chunks)
            os.pwrite(fd, rec[i:i + 1].tobytes(), (int(self.slot[pos[i]]) * self.views + int(view[i])) * self._size)

    def finish(self) -> None:
        """After the last put: map the file (read-only) and close it (the mapping keeps it)."""
        if self.spilled and self.records is None:
            self.records = (np.memmap(self._file, dtype=VERIFY_DTYPE, mode="r", shape=(self._next, self.views))
                            if self._next else np.zeros((0, self.views), dtype=VERIFY_DTYPE))
            self._file.close()

    def get(self, entry: np.ndarray, view: np.ndarray) -> np.ndarray:
        """Records of (entry, view) pairs; zeros where nothing was stored."""
        if self.slot is None:
            return self.records[entry, view]
        s = self.slot[entry]
        out = np.zeros(len(entry), dtype=VERIFY_DTYPE)
        ok = s >= 0
        out[ok] = self.records[s[ok], view[ok]]
        return out

    def ram_bytes(self) -> int:
        return (0 if self.spilled else self.records.nbytes) + (self.slot.nbytes if self.slot is not None else 0)

    def file_bytes(self) -> int:
        return self.records.nbytes if self.spilled else 0


def _colour_distances(cells: np.ndarray, q: np.ndarray) -> np.ndarray:
    """colour_distance, vectorised: cells (k, CELLS, 2) int8, q (k, CELLS, 2) int16."""
    per_cell = np.abs(cells.astype(np.int16) - q).sum(axis=2, dtype=np.int64)
    return np.sort(per_cell, axis=1)[:, :COLOUR_KEEP].sum(axis=1)


class HashIndex:
    """Immutable index over gallery entries (build once, share between threads)."""

    def __init__(self, entries: list[dict[str, dict[str, int]]],
                 thresholds: dict[str, int] = DEFAULT_THRESHOLDS, *, spill: str | bool | None = False,
                 parts: int | None = None) -> None:
        b = IndexBuilder(len(entries), thresholds, spill=spill, parts=parts)
        for i, views in enumerate(entries):
            for gv, hs in views.items():
                if gv in _VIEW:
                    b.set(i, gv, hs)
        self._init_from(b)

    def _init_from(self, b: "IndexBuilder") -> None:
        self.thresholds = dict(b.thresholds)
        if PREFILTER not in self.thresholds:
            raise ValueError(f"thresholds must include the prefilter hash {PREFILTER!r}")
        self.n = b.n
        b.verify.finish()
        self._verify = b.verify
        radius = self.thresholds[PREFILTER]
        self._tables = [_Table(qvs, gvs, b.codes[[_VIEW[g] for g in gvs]], b.present[[_VIEW[g] for g in gvs]],
                               radius, b.parts) for qvs, gvs in GROUPS]

    @classmethod
    def from_arrays(cls, cols: dict[str, dict[str, np.ndarray]], n: int,
                    thresholds: dict[str, int] = DEFAULT_THRESHOLDS, *,
                    spill: str | bool | None = None, parts: int | None = None) -> "HashIndex":
        """Build from per-view columns {gv: {hash: array, "present": bool array}} as `columns()`
        returns them (the benchmark's synthetic galleries). Hashes missing from a view's
        columns are zeros."""
        b = IndexBuilder(n, thresholds, spill=spill, parts=parts)
        for gv, c in cols.items():
            v = _VIEW[gv]
            b.codes[v] = c[PREFILTER]
            b.present[v] = c["present"]
        step = 50_000  # entries per put: all their views at once (one contiguous write when spilled)
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            views = [(_VIEW[gv], c) for gv, c in cols.items()]
            rec = np.zeros((hi - lo, len(views)), dtype=VERIFY_DTYPE)
            for k, (_, c) in enumerate(views):
                for h in VERIFY_HASHES:
                    if h in c:
                        rec[h][:, k] = c[h][lo:hi] if h == "colour" or c[h].ndim == 2 else c[h][lo:hi, None]
            pos = np.repeat(np.arange(lo, hi), len(views))
            b.verify.put(pos, np.tile([v for v, _ in views], hi - lo), rec.reshape(-1))
        return b.build()

    @classmethod
    def builder(cls, n: int, thresholds: dict[str, int] = DEFAULT_THRESHOLDS, *,
                spill: str | bool | None = None) -> "IndexBuilder":
        """Bulk construction from packed hash records (GalleryStore.load_packed): no Python
        object per entry or hash; the result is identical to HashIndex(entries)."""
        return IndexBuilder(n, thresholds, spill=spill)

    # --- saving (index_file.py: the side file beside the gallery) -------------------
    MAPPED = frozenset({"verify.records"})  # arrays that stay memory-mapped when read back

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """Everything this index is: (JSON info, named arrays); `from_state` rebuilds it as is."""
        info = {"layout": INDEX_LAYOUT, "n": self.n, "thresholds": self.thresholds,
                "tables": [[list(t.qviews), list(t.gviews)] for t in self._tables]}
        arrays = {f"t{k}.{a}": getattr(t, a) for k, t in enumerate(self._tables) for a in _Table.ARRAYS}
        arrays["verify.records"] = self._verify.records
        if self._verify.slot is not None:
            arrays["verify.slot"] = self._verify.slot
        return info, arrays

    @classmethod
    def from_state(cls, info: dict, arrays: dict[str, np.ndarray]) -> "HashIndex":
        """The index `state()` described (arrays used as given: RAM copies or a mapping)."""
        if info.get("layout") != INDEX_LAYOUT:
            raise ValueError(f"index layout {info.get('layout')!r}, this code builds {INDEX_LAYOUT}")
        index = cls.__new__(cls)
        index.thresholds = dict(info["thresholds"])
        index.n = int(info["n"])
        index._tables = [_Table.from_arrays(tuple(q), tuple(g), {a: arrays[f"t{k}.{a}"] for a in _Table.ARRAYS})
                         for k, (q, g) in enumerate(info["tables"])]
        index._verify = _VerifyStore.mapped(index.n, arrays["verify.records"], arrays.get("verify.slot"))
        return index

    def nbytes(self) -> int:
        """Bytes held in RAM (the MIH tables); the verify records are in `spilled_bytes()`
        when they are in a mapped file."""
        return sum(t.nbytes() for t in self._tables) + self._verify.ram_bytes()

    def spilled_bytes(self) -> int:
        return self._verify.file_bytes()

    def columns(self) -> dict[str, dict[str, np.ndarray]]:
        """The content as per-view columns {gv: {hash: array, "present": bool}} (phash64 (n,)
        uint64, 256-bit hashes (n, 4) uint64, colour (n, 16, 2) int8; zeros where absent):
        for comparing two indexes (tests), not for searching."""
        out: dict[str, dict[str, np.ndarray]] = {}
        for t in self._tables:
            codes, present = t.column(self.n)
            for k, gv in enumerate(t.gviews):
                v = _VIEW[gv]
                col = {PREFILTER: codes[k]}
                rec = self._verify.get(np.arange(self.n), np.full(self.n, v))
                col.update({h: np.ascontiguousarray(rec[h]) for h in VERIFY_HASHES})
                col["present"] = present[k]
                out[gv] = col
        return {gv: out[gv] for gv in GALLERY_VARIANTS if gv in out}

    def search(self, query: dict[str, dict[str, int]]) -> list[Hit]:
        """Every entry that matches under the index's thresholds, best pair each, by position
        (== brute_force)."""
        entry, pair, dist = self._best(query, self.thresholds)
        order = np.argsort(entry, kind="stable")
        return self._hits(entry[order], pair[order], {h: d[order] for h, d in dist.items()}, self.thresholds)

    def candidates(self, query: dict[str, dict[str, int]], limits: dict[str, int],
                   k: int | None = None) -> list[Hit]:
        """The k entries (all when k is None) that match under `limits` instead of the
        thresholds, with the smallest normalised distance first (ties: position); each with
        its best pair. Exact (== brute_force_candidates), at any limits: a prefilter limit
        too wide for the MIH plan becomes a scan."""
        if PREFILTER not in limits:
            raise ValueError(f"limits must include the prefilter hash {PREFILTER!r}")
        if k is not None and k < 0:
            raise ValueError("k must be >= 0")
        entry, pair, dist = self._best(query, limits)
        norm = self._norms(dist, limits)
        order = np.lexsort((entry, norm))[:k]
        return self._hits(entry[order], pair[order], {h: d[order] for h, d in dist.items()}, limits)

    # --- internals ------------------------------------------------------------------
    @staticmethod
    def _norms(dist: dict[str, np.ndarray], limits: dict[str, int]) -> np.ndarray:
        """_norm of every row, with the same float operations in the same order."""
        acc = np.zeros(len(next(iter(dist.values()))), dtype=np.float64)
        for h in limits:
            acc = acc + dist[h] / _scale(h)
        return acc

    @staticmethod
    def _hits(entry: np.ndarray, pair: np.ndarray, dist: dict[str, np.ndarray], limits: dict[str, int]) -> list[Hit]:
        return [Hit(int(entry[i]), {h: int(dist[h][i]) for h in limits}, *COMPARE[int(pair[i])])
                for i in range(len(entry))]

    def _pairs(self, query: dict[str, dict[str, int]], limits: dict[str, int]):
        """Every (entry, compared pair) within all limits: (entry, pair index, {hash: distance})."""
        radius = limits[PREFILTER]
        qviews = [qv for qv in dict.fromkeys(qv for qv, _ in COMPARE) if qv in query]
        entries, pairs, d64, qidx = [], [], [], []
        for t in self._tables:
            for qv in t.qviews:
                if qv not in query:
                    continue
                e, k, d = t.probe(int(query[qv][PREFILTER]), radius)
                if e.size == 0:
                    continue
                entries.append(e)
                d64.append(d)
                pmap = np.array([_PAIR[(qv, gv)] for gv in t.gviews], dtype=np.int64)
                pairs.append(pmap[k])
                qidx.append(np.full(e.size, qviews.index(qv), dtype=np.int64))
        if not entries:
            z = np.zeros(0, dtype=np.int64)
            return z, z, {h: z for h in limits}
        entry, pair, qi = np.concatenate(entries), np.concatenate(pairs), np.concatenate(qidx)
        dist = {PREFILTER: np.concatenate(d64)}
        others = [h for h in limits if h != PREFILTER]
        if others:
            gv = np.array([_VIEW[COMPARE[p][1]] for p in range(len(COMPARE))], dtype=np.int64)[pair]
            rec = self._verify.get(entry, gv)  # only the candidates' records are read
            keep = np.ones(entry.size, dtype=bool)
            for h in others:
                if h not in VERIFY_DTYPE.names:
                    raise ValueError(f"unknown hash type {h!r}")
                if h == "colour":
                    qc = np.stack([colour_cells(query[qv][h]) for qv in qviews]).astype(np.int16)
                    d = _colour_distances(rec[h], qc[qi])
                else:
                    qw = np.stack([_words(query[qv][h], HASH_BITS[h]) for qv in qviews])
                    d = np.bitwise_count(rec[h] ^ qw[qi]).sum(axis=1, dtype=np.int64)
                dist[h] = d
                keep &= d <= limits[h]
            entry, pair = entry[keep], pair[keep]
            dist = {h: d[keep] for h, d in dist.items()}
        keep = dist[PREFILTER] <= radius
        return entry[keep], pair[keep], {h: dist[h][keep] for h in limits}

    def _best(self, query: dict[str, dict[str, int]], limits: dict[str, int]):
        """_pairs reduced to the best pair per entry (_better: smallest _norm, then COMPARE order)."""
        entry, pair, dist = self._pairs(query, limits)
        if entry.size == 0:
            return entry, pair, dist
        norm = self._norms(dist, limits)
        order = np.lexsort((pair, norm, entry))
        entry, pair = entry[order], pair[order]
        first = np.ones(entry.size, dtype=bool)
        first[1:] = entry[1:] != entry[:-1]
        sel = order[first]
        return entry[first], pair[first], {h: d[sel] for h, d in dist.items()}


# One stored view as GalleryStore.load_packed packs it: the view (index into GALLERY_VARIANTS),
# then the ALL_HASHES BLOBs in order: big-endian words for the hashes, 16 (Cb, Cr) signed-byte
# cells for colour (= colour_cells).
RECORD_DTYPE = np.dtype([("view", np.uint8)] + [
    (h, np.int8, (_CELLS, 2)) if h == "colour" else (h, ">u8", (HASH_BITS[h] // 64,)) for h in ALL_HASHES])


class IndexBuilder:
    """Collects the gallery's views (prefilter codes and presence in RAM, verify records in
    RAM or a mapped file, see `_VerifyStore`); `build()` sorts them into the MIH tables and
    returns the index. Unset views are absent (never match)."""

    def __init__(self, n: int, thresholds: dict[str, int] = DEFAULT_THRESHOLDS, *,
                 spill: str | bool | None = None, parts: int | None = None) -> None:
        self.n = n
        self.thresholds = dict(thresholds)
        self.parts = parts
        v = len(GALLERY_VARIANTS)
        self.codes = np.zeros((v, n), dtype=np.uint64)
        self.present = np.zeros((v, n), dtype=bool)
        self.verify = _VerifyStore(n, spill)

    def set(self, i: int, gv: str, hashes: dict[str, int]) -> None:
        """One entry's view from its hash ints (HashIndex(entries))."""
        v = _VIEW[gv]
        self.codes[v, i] = hashes[PREFILTER]
        self.present[v, i] = True
        rec = np.zeros(1, dtype=VERIFY_DTYPE)
        for h in VERIFY_HASHES:
            if h in hashes:
                rec[h] = colour_cells(hashes[h]) if h == "colour" else _words(hashes[h], HASH_BITS[h])
        self.verify.put(np.array([i]), np.array([v]), rec)

    def add(self, pos: np.ndarray, records: bytes) -> None:
        """pos: each record's entry position (records with pos < 0 are skipped); records:
        len(pos) packed RECORD_DTYPE rows."""
        rec = np.frombuffer(records, dtype=RECORD_DTYPE)
        if len(rec) != len(pos):
            raise ValueError(f"{len(rec)} records for {len(pos)} positions")
        keep = (pos >= 0) & (rec["view"] < len(GALLERY_VARIANTS))
        if not keep.all():
            pos, rec = pos[keep], rec[keep]
        view = rec["view"].astype(np.intp)
        self.codes[view, pos] = rec[PREFILTER][:, 0].astype(np.uint64)
        self.present[view, pos] = True
        out = np.zeros(len(rec), dtype=VERIFY_DTYPE)
        for h in VERIFY_HASHES:
            out[h] = rec[h] if h == "colour" else rec[h].astype(np.uint64)
        self.verify.put(pos, view, out)

    def build(self) -> HashIndex:
        index = HashIndex.__new__(HashIndex)
        index._init_from(self)
        self.codes = self.present = None  # the tables hold them now
        return index
