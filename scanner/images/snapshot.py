"""An immutable gallery version: index + entry metadata + version; `match` -> Findings.

`match` runs the image pipeline in order:

    decode -> hash the query views -> the index PROPOSES entries (looser limits,
    verify.PROPOSAL_THRESHOLDS, the best verify.MAX_CANDIDATES by hash distance)
    -> verification DECIDES each (keypoint fit + aligned colour/structure, verify.py;
    the entry's canonical copy and keypoints are read from the gallery per candidate)
    -> findings.

An entry stored without an image copy (imported from an export that had none) cannot be
verified: it is decided by the hash rule alone, at the calibrated `thresholds`.

`ImageScanner` (scanner.py) builds a new `GallerySnapshot` on every edit and swaps it in,
so a scan that took a snapshot finishes on that version.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from scanner.images import decode as _decode
from scanner.images import hashing, verify
from scanner.images.canonical import reference
from scanner.images.gallery import GalleryStore
from scanner.images.explain import gallery_match, gallery_verified, render
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
                 _meta: _Meta | None = None,
                 verification: Callable[[str], tuple[bytes, bytes] | None] | None = None,
                 limits: verify.VerifyLimits = verify.DEFAULT_LIMITS,
                 proposal: dict[str, int] | None = None) -> None:
        """`verification(entry id) -> (canonical image, keypoints) | None` reads what verifying
        a candidate needs (GalleryStore.verification); entries given as dicts may carry
        "image" and "keypoints" themselves."""
        self.version = version
        self._proposal = {**thresholds, **(proposal or verify.PROPOSAL_THRESHOLDS)}
        if _index is None:  # from GalleryStore.load() entries (small galleries, tests)
            _meta = _Meta([(e["id"], e["brand"], e.get("label"), e.get("source")) for e in entries])
            _index = HashIndex([e["hashes"] for e in entries], self._proposal)
            if verification is None:
                stored = {e["id"]: (e["image"], e["keypoints"]) for e in entries if e.get("image")}
                verification = stored.get
        self._meta = _meta
        self._index = _index
        self._thresholds = dict(thresholds)
        self._max_pixels = max_pixels
        self._max_bytes = max_bytes
        self._verification = verification or (lambda entry_id: None)
        self._limits = limits

    @classmethod
    def from_store(cls, store: GalleryStore, thresholds: dict[str, int], max_pixels: int,
                   max_bytes: int, **kw) -> "GallerySnapshot":
        """Bulk load: the index columns are filled straight from the SQLite BLOBs in chunks
        (GalleryStore.load_packed -> HashIndex.builder), one consistent read transaction,
        no Python object per entry view or hash. Same index as building from `load()`."""
        builder: list = []

        def on_chunk(pos: np.ndarray, records: bytes) -> None:
            builder[0].add(pos, records)

        proposal = {**thresholds, **(kw.get("proposal") or verify.PROPOSAL_THRESHOLDS)}

        def on_meta(n: int) -> None:
            builder.append(HashIndex.builder(n, proposal))

        version, rows = store.load_packed(hashing.GALLERY_VARIANTS, on_chunk, on_meta=on_meta)
        return cls(version, [], thresholds, max_pixels, max_bytes, _index=builder[0].build(), _meta=_Meta(rows),
                   verification=store.verification, **kw)

    def __len__(self) -> int:
        return len(self._meta)

    def candidates(self, im) -> list[Hit]:
        """Stage 1 (propose): the index's hits at the proposal limits for a decoded image,
        the closest MAX_CANDIDATES by normalised hash distance (ties by entry position)."""
        q = hashing.compute(im, hashing.QUERY_VARIANTS)
        hits = self._index.search(q.variants)
        th = self._proposal
        hits.sort(key=lambda h: (sum(h.distance[k] / max(1, th[k]) for k in th), h.entry))
        return hits[:verify.MAX_CANDIDATES]

    def decide(self, im, hits: list[Hit]) -> list[tuple[Hit, verify.Verdict | None]]:
        """Stage 2 (verify): the candidates that verification accepts, with its verdicts; an
        entry without verification data passes only the calibrated hash rule (verdict None)."""
        out = []
        query: verify.View | None = None
        for hit in hits:
            stored = self._verification(self._meta[hit.entry]["id"])
            if stored is None:
                if all(hit.distance[h] <= t for h, t in self._thresholds.items()):
                    out.append((hit, None))
                continue
            if query is None:  # keypoints only for queries that have candidates
                query = verify.view_of(im)
            v = verify.verify(query, reference(*stored), self._limits)
            if v.accepted:
                out.append((hit, v))
        return out

    def hits(self, data: bytes) -> list[Hit]:
        """The accepted hits for one image (proposed and verified)."""
        im = _decode.decode(data, max_pixels=self._max_pixels, max_bytes=self._max_bytes)
        return [h for h, _ in self.decide(im, self.candidates(im))]

    def match(self, data: bytes, field: str) -> list[Finding]:
        """Findings for one listing image (raises ImageInputError for bad input)."""
        im = _decode.decode(data, max_pixels=self._max_pixels, max_bytes=self._max_bytes)
        if len(self._meta) == 0:  # decoded anyway: a broken image is reported even then
            return []
        findings = [self._finding(h, v, field) for h, v in self.decide(im, self.candidates(im))]
        findings.sort(key=lambda f: (-f.score, f.gallery_id or ""))
        return findings

    def _finding(self, hit: Hit, verdict: verify.Verdict | None, field: str) -> Finding:
        meta = self._meta[hit.entry]
        # a verified hit was proposed within the proposal limits; an unverified one passed the hash rule
        th = self._thresholds if verdict is None else self._proposal
        closeness = max(hit.distance[h] / max(1, th[h]) for h in th)  # 0 = identical, 1 = at threshold
        score = round(1.0 - 0.5 * closeness, 4)
        why = (gallery_match(meta["id"], meta.get("label"), meta["brand"],
                             tuple((h, hit.distance[h], th[h]) for h in th), hit.query_view, hit.gallery_view),)
        if verdict is not None:
            why += (gallery_verified(verdict.inliers, verdict.colour, verdict.structure, verdict.mirrored),)
        return Finding(
            kind="image", category="counterfeit_image", field=field, severity="high", score=score,
            explanation=render(why), effect="block", brand=meta["brand"], gallery_id=meta["id"],
            distance=dict(hit.distance), gallery_label=meta.get("label"), reasons=why,
        )
