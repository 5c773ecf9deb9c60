"""Stage 3: search. Given the hashes of a query's views, which gallery entries match?

The match rule (one place, shared by the index and the oracle):

    an entry matches when, for SOME (query view, gallery view) pair in hashing.COMPARE,
    every hash type h has distance(h) <= thresholds[h].

`brute_force()` is the oracle: plain Python ints and `int.bit_count`, obviously right.
`HashIndex` is the fast path: per gallery view, one contiguous uint64 column for the
64-bit prefilter hash and (n, 4) uint64 blocks for the 256-bit hashes. A search XORs the
prefilter column with each query view (numpy `bitwise_count`), keeps the few rows within
the prefilter threshold and verifies only those on the 256-bit hashes. Tests check that
both return exactly the same (entry, distances) results on random data.

Memory: 8 bytes (phash64) + 32 (phash) + 32 (dhash) + 32 (colour) + 1 presence byte per view,
17 views per entry = 1,785 bytes per entry, plus the compact metadata (GallerySnapshot).
`IndexBuilder` fills the same columns straight from the stored BLOBs (no object per hash).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scanner.images.hashing import ALL_HASHES, COLOUR_GRID, COMPARE, GALLERY_VARIANTS, HASH_BITS, colour_cells

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


def _words(value: int, bits: int) -> np.ndarray:
    return np.frombuffer(value.to_bytes(bits // 8, "big"), dtype=">u8").astype(np.uint64)


class HashIndex:
    """Immutable columnar index over gallery entries (build once, share between threads)."""

    def __init__(self, entries: list[dict[str, dict[str, int]]],
                 thresholds: dict[str, int] = DEFAULT_THRESHOLDS) -> None:
        self.thresholds = dict(thresholds)
        self.n = len(entries)
        self._cols: dict[str, dict[str, np.ndarray]] = {}
        for gv in GALLERY_VARIANTS:
            cols: dict[str, np.ndarray] = {}
            for h in self.thresholds:
                if h == "colour":
                    c = np.zeros((self.n, _CELLS, 2), dtype=np.int8)
                    for i, views in enumerate(entries):
                        if gv in views:
                            c[i] = colour_cells(views[gv][h])
                    cols[h] = c
                    continue
                words = HASH_BITS[h] // 64
                a = np.zeros((self.n, words), dtype=np.uint64)
                for i, views in enumerate(entries):
                    if gv in views:
                        a[i] = _words(views[gv][h], HASH_BITS[h])
                cols[h] = a[:, 0].copy() if words == 1 else a
            cols["present"] = np.array([gv in v for v in entries], dtype=bool)
            self._cols[gv] = cols

    @classmethod
    def from_arrays(cls, cols: dict[str, dict[str, np.ndarray]], n: int,
                    thresholds: dict[str, int] = DEFAULT_THRESHOLDS) -> "HashIndex":
        """Build directly from columns (used by the benchmark for 1 M synthetic entries)."""
        self = cls.__new__(cls)
        self.thresholds = dict(thresholds)
        self.n = n
        self._cols = cols
        return self

    @classmethod
    def builder(cls, n: int, thresholds: dict[str, int] = DEFAULT_THRESHOLDS) -> "IndexBuilder":
        """Bulk construction from packed hash records (GalleryStore.load_packed): no Python
        object per entry or hash; the result is identical to HashIndex(entries)."""
        return IndexBuilder(n, thresholds)

    def nbytes(self) -> int:
        return sum(a.nbytes for c in self._cols.values() for a in c.values())

    def search(self, query: dict[str, dict[str, int]]) -> list[Hit]:
        if self.n == 0:
            return []
        th = self.thresholds
        best: dict[int, Hit] = {}
        qwords = {qv: {h: colour_cells(hs[h]).astype(np.int16) if h == "colour" else _words(hs[h], HASH_BITS[h])
                       for h in th} for qv, hs in query.items()}
        for qv, gv in COMPARE:  # the order of COMPARE breaks ties, as in brute_force
            if qv not in qwords:
                continue
            cols = self._cols[gv]
            q = qwords[qv]
            pre = np.bitwise_count(cols[PREFILTER] ^ q[PREFILTER][0])
            cand = np.nonzero((pre <= th[PREFILTER]) & cols["present"])[0]
            if cand.size == 0:
                continue
            dist = {PREFILTER: pre[cand].astype(np.int64)}
            keep = np.ones(cand.size, dtype=bool)
            for h in th:
                if h == PREFILTER:
                    continue
                if h == "colour":
                    per_cell = np.abs(cols[h][cand].astype(np.int16) - q[h]).sum(axis=2, dtype=np.int64)
                    d = np.sort(per_cell, axis=1)[:, :COLOUR_KEEP].sum(axis=1)
                else:
                    d = np.bitwise_count(cols[h][cand] ^ q[h]).sum(axis=1, dtype=np.int64)
                dist[h] = d
                keep &= d <= th[h]
            for k in np.nonzero(keep)[0]:
                i = int(cand[k])
                hit = Hit(i, {h: int(dist[h][k]) for h in th}, qv, gv)
                if _better(best.get(i), hit, th):
                    best[i] = hit
        return [best[i] for i in sorted(best)]


# One stored view as GalleryStore.load_packed packs it: the view (index into GALLERY_VARIANTS),
# then the ALL_HASHES BLOBs in order: big-endian words for the hashes, 16 (Cb, Cr) signed-byte
# cells for colour (= colour_cells).
RECORD_DTYPE = np.dtype([("view", np.uint8)] + [
    (h, np.int8, (_CELLS, 2)) if h == "colour" else (h, ">u8", (HASH_BITS[h] // 64,)) for h in ALL_HASHES])


class IndexBuilder:
    """Fills HashIndex columns from chunks of packed records; `build()` returns the index.

    One (views, n, ...) array per hash type, each gallery view's column a contiguous slice of
    it -- the same dtypes, shapes and values as HashIndex.__init__ builds (zeros and
    present=False where an entry lacks a view)."""

    def __init__(self, n: int, thresholds: dict[str, int] = DEFAULT_THRESHOLDS) -> None:
        self.n = n
        self.thresholds = dict(thresholds)
        v = len(GALLERY_VARIANTS)
        self._arrays: dict[str, np.ndarray] = {}
        for h in self.thresholds:
            if h == "colour":
                self._arrays[h] = np.zeros((v, n, _CELLS, 2), dtype=np.int8)
            else:
                words = HASH_BITS[h] // 64
                self._arrays[h] = np.zeros((v, n) if words == 1 else (v, n, words), dtype=np.uint64)
        self._present = np.zeros((v, n), dtype=bool)

    def add(self, pos: np.ndarray, records: bytes) -> None:
        """pos: each record's entry position (records with pos < 0 are skipped); records:
        len(pos) packed RECORD_DTYPE rows."""
        rec = np.frombuffer(records, dtype=RECORD_DTYPE)
        if len(rec) != len(pos):
            raise ValueError(f"{len(rec)} records for {len(pos)} positions")
        keep = (pos >= 0) & (rec["view"] < len(GALLERY_VARIANTS))
        if not keep.all():
            pos, rec = pos[keep], rec[keep]
        view = rec["view"]
        for h, a in self._arrays.items():
            col = rec[h]
            a[view, pos] = col if h == "colour" else (col[:, 0] if a.ndim == 2 else col).astype(np.uint64)
        self._present[view, pos] = True

    def build(self) -> HashIndex:
        cols = {gv: {**{h: a[i] for h, a in self._arrays.items()}, "present": self._present[i]}
                for i, gv in enumerate(GALLERY_VARIANTS)}
        return HashIndex.from_arrays(cols, self.n, self.thresholds)
