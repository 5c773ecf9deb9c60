"""An immutable gallery version: index + entry metadata + version; `match` -> Findings.

`ImageScanner` (scanner.py) builds a new `GallerySnapshot` on every edit and swaps it in,
so a scan that took a snapshot finishes on that version.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from scanner.images import decode as _decode
from scanner.images import hashing
from scanner.images.gallery import GalleryStore
from scanner.images.hashing import image_hashes
from scanner.images.explain import gallery_match, render
from scanner.images.index import HashIndex, Hit
from scanner.results import Finding

class _Meta:
    """Entry metadata (id, brand, label, source) per index position, compact: all ids in one
    string + offsets, brand/label/source as small-int codes into tables of distinct values
    (a million entries cost ~30 MB instead of a dict each). `meta[i]` -> dict."""

    _FIELDS = ("brand", "label", "source")

    def __init__(self, rows: list[tuple[str, str, str | None, str | None]]) -> None:
        self._ids = "".join(r[0] for r in rows)
        self._ends = np.cumsum(np.fromiter((len(r[0]) for r in rows), dtype=np.int64, count=len(rows)))
        self._tables: list[list] = []
        self._codes: list[np.ndarray] = []
        for k in range(1, 4):
            table: dict = {}
            codes = np.fromiter((table.setdefault(r[k], len(table)) for r in rows), dtype=np.int64, count=len(rows))
            self._tables.append(list(table))
            self._codes.append(codes.astype(np.min_scalar_type(max(len(table) - 1, 0))))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> dict[str, Any]:
        start = int(self._ends[i - 1]) if i else 0
        out: dict[str, Any] = {"id": self._ids[start:int(self._ends[i])]}
        for name, table, codes in zip(self._FIELDS, self._tables, self._codes):
            out[name] = table[int(codes[i])]
        return out


class GallerySnapshot:
    """An immutable view of one gallery version; `match` is thread-safe."""

    def __init__(self, version: str, entries: list[dict[str, Any]], thresholds: dict[str, int],
                 max_pixels: int, max_bytes: int, *, _index: HashIndex | None = None,
                 _meta: _Meta | None = None) -> None:
        self.version = version
        if _index is None:  # from GalleryStore.load() entries (small galleries, tests)
            _meta = _Meta([(e["id"], e["brand"], e.get("label"), e.get("source")) for e in entries])
            _index = HashIndex([e["hashes"] for e in entries], thresholds)
        self._meta = _meta
        self._index = _index
        self._thresholds = dict(thresholds)
        self._max_pixels = max_pixels
        self._max_bytes = max_bytes

    @classmethod
    def from_store(cls, store: GalleryStore, thresholds: dict[str, int], max_pixels: int,
                   max_bytes: int) -> "GallerySnapshot":
        """Bulk load: the index columns are filled straight from the SQLite BLOBs in chunks
        (GalleryStore.load_packed -> HashIndex.builder), one consistent read transaction,
        no Python object per entry view or hash. Same index as building from `load()`."""
        builder: list = []

        def on_chunk(pos: np.ndarray, records: bytes) -> None:
            builder[0].add(pos, records)

        def on_meta(n: int) -> None:
            builder.append(HashIndex.builder(n, thresholds))

        version, rows = store.load_packed(hashing.GALLERY_VARIANTS, on_chunk, on_meta=on_meta)
        return cls(version, [], thresholds, max_pixels, max_bytes, _index=builder[0].build(), _meta=_Meta(rows))

    def __len__(self) -> int:
        return len(self._meta)

    def hits(self, data: bytes) -> list[Hit]:
        q = image_hashes(data, max_pixels=self._max_pixels, max_bytes=self._max_bytes,
                         variants=hashing.QUERY_VARIANTS)
        return self._index.search(q.variants)

    def match(self, data: bytes, field: str) -> list[Finding]:
        """Findings for one listing image (raises ImageInputError for bad input)."""
        if len(self._meta) == 0:
            # still decode: a broken image is reported even when the gallery is empty
            _decode.decode(data, max_pixels=self._max_pixels, max_bytes=self._max_bytes)
            return []
        findings = [self._finding(h, field) for h in self.hits(data)]
        findings.sort(key=lambda f: (-f.score, f.gallery_id or ""))
        return findings

    def _finding(self, hit: Hit, field: str) -> Finding:
        meta = self._meta[hit.entry]
        th = self._thresholds
        closeness = max(hit.distance[h] / max(1, th[h]) for h in th)  # 0 = identical, 1 = at threshold
        score = round(1.0 - 0.5 * closeness, 4)
        why = (gallery_match(meta["id"], meta.get("label"), meta["brand"],
                             tuple((h, hit.distance[h], th[h]) for h in th), hit.query_view, hit.gallery_view),)
        return Finding(
            kind="image", category="counterfeit_image", field=field, severity="high", score=score,
            explanation=render(why), effect="block", brand=meta["brand"], gallery_id=meta["id"],
            distance=dict(hit.distance), gallery_label=meta.get("label"), reasons=why,
        )
