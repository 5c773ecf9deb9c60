"""An immutable gallery version: index + entry metadata + version; `match` -> Findings.

`match` runs the image pipeline in order:

    decode -> hash the query views -> the index PROPOSES entries (looser limits,
    verify.PROPOSAL_THRESHOLDS, the best verify.MAX_CANDIDATES by hash distance)
    -> verification DECIDES each (keypoint fit + aligned colour/structure, verify.py;
    the entry's canonical copy and keypoints are read from the gallery per candidate)
    -> findings.

An entry stored without an image copy (imported from an export that had none) cannot be
verified, nor can one with fewer keypoints than a fit needs inliers (a flat gradient, a plain
product, a tiny image: `verify.can_verify`): each is decided by the hash rule alone, at the
calibrated `thresholds`.

`ImageScanner` (scanner.py) builds a new `GallerySnapshot` on every edit and swaps it in,
so a scan that took a snapshot finishes on that version.

A result names both what was matched and how: `version` hashes the gallery's entries,
`rules_version` the rules that read them (MATCH_RULES, the stored hashes' algorithm, every
threshold and verification limit), so a result's `versions.image_rules` moves when any of
them does.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import numpy as np

from scanner.images import decode as _decode
from scanner.images import hashing, verify
from scanner.images import index_file as _index_file
from scanner.images.canonical import reference
from scanner.images.gallery import GalleryStore
from scanner.images.explain import gallery_colour_unchecked, gallery_match, gallery_unverified, gallery_verified, render
from scanner.images.index import INDEX_LAYOUT, VERIFY_DTYPE, HashIndex, Hit
from scanner.results import Finding

log = logging.getLogger(__name__)

# The query side of matching (the query's views, hashing.py) and verification (verify.py), by hand:
# bump it with any change to either that can move a verdict. The entries' stored hashes are
# versioned apart (hashing.ALGORITHM_VERSION: a change there needs a rehash), the limits by value.
MATCH_RULES = "v4.9"
INDEX_FILE_SUFFIX = ".index"  # the index file beside the gallery database: <gallery>.index
INDEX_FILE_MIN_ENTRIES = 100_000  # smaller galleries load from SQLite in a few seconds: no file


def _file_key(version: str, generation: str | None, limits: dict[str, int]) -> dict[str, Any]:
    """Everything an index file's content depends on: a file of another key is rebuilt."""
    return {"gallery": version, "generation": generation, "algorithm": hashing.ALGORITHM_VERSION,
            "limits": dict(sorted(limits.items())), "views": list(hashing.GALLERY_VARIANTS),
            "compare": [list(p) for p in hashing.COMPARE], "verify_dtype": str(VERIFY_DTYPE.descr),
            "layout": INDEX_LAYOUT}

def rules_version(thresholds: dict[str, int], proposal: dict[str, int], limits: verify.VerifyLimits) -> str:
    """"sha256:…" over everything besides the entries that decides a match (see MATCH_RULES): also
    verification's numeric module constants (MAX_CANDIDATES, the residual's and marks' levels, …) and
    OpenCV's version (its ORB and RANSAC find the fit). Numbers as float/int, so 12 and 12.0 are one."""
    constants = {k: float(v) for k, v in sorted(vars(verify).items())
                 if k.isupper() and isinstance(v, (int, float)) and not isinstance(v, bool)}
    rules = {"match_rules": MATCH_RULES, "algorithm": hashing.ALGORITHM_VERSION,
             "thresholds": {k: int(v) for k, v in thresholds.items()},
             "proposal": {k: int(v) for k, v in proposal.items()},
             "limits": {k: float(v) for k, v in asdict(limits).items()},
             "verify": constants, "opencv": verify.cv2.__version__}
    return "sha256:" + hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()


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

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(JSON info, named arrays) for the index file; `from_state` rebuilds the same _Meta."""
        arrays = {"meta.ids": np.frombuffer(self._ids.encode("utf-8", "surrogatepass"), dtype=np.uint8),
                  "meta.ends": self._ends}
        arrays.update({f"meta.codes{k}": c for k, c in enumerate(self._codes)})
        return {"tables": self._tables}, arrays

    @classmethod
    def from_state(cls, info: dict, arrays: dict[str, np.ndarray]) -> "_Meta":
        m = cls.__new__(cls)
        m._ids = arrays["meta.ids"].tobytes().decode("utf-8", "surrogatepass")
        m._ends = arrays["meta.ends"]
        m._tables = [list(t) for t in info["tables"]]
        m._codes = [arrays[f"meta.codes{k}"] for k in range(len(cls._FIELDS))]
        n = len(m._ends)
        if len(m._tables) != len(cls._FIELDS) or any(len(c) != n for c in m._codes) or (
                n and int(m._ends[-1]) != len(m._ids)) or any(
                len(c) and int(c.max()) >= len(t) for c, t in zip(m._codes, m._tables)):
            raise ValueError("entry metadata of inconsistent sizes")
        return m


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
        self.rules_version = rules_version(self._thresholds, self._proposal, limits)

    @classmethod
    def from_store(cls, store: GalleryStore, thresholds: dict[str, int], max_pixels: int,
                   max_bytes: int, *, index_file: str | Path | bool | None = True,
                   index_file_min_entries: int = INDEX_FILE_MIN_ENTRIES, **kw) -> "GallerySnapshot":
        """The snapshot of the gallery's current version.

        Fast path: the index file beside the gallery (`index_file=True`: `<gallery>.index`; a
        path; None/False: none), when it was built from this exact gallery version and
        generation, algorithm and limits and every checksum verifies (index_file.py) -- the
        MIH tables and metadata are read into RAM, the verify records stay mapped from it.

        Otherwise the bulk load: the index columns are filled straight from the SQLite BLOBs in
        chunks (GalleryStore.load_packed -> HashIndex.builder), one consistent read
        transaction, no Python object per entry view or hash (same index as building from
        `load()`); then, for galleries of at least `index_file_min_entries`, the index file is
        (re)written for the next start. A file that cannot be written is logged, not fatal."""
        proposal = {**thresholds, **(kw.get("proposal") or verify.PROPOSAL_THRESHOLDS)}
        if index_file is True:
            index_file = store.path.with_name(store.path.name + INDEX_FILE_SUFFIX)
        path = Path(index_file) if index_file else None
        if path is not None and path.exists():
            version, generation = store.state()
            try:
                info, arrays = _index_file.read(path, _file_key(version, generation, proposal), mapped=HashIndex.MAPPED)
                try:
                    index, meta = HashIndex.from_state(info["index"], arrays), _Meta.from_state(info["meta"], arrays)
                except (KeyError, TypeError, ValueError) as e:
                    raise _index_file.Stale(f"inconsistent content ({e})") from None
                if len(meta) != index.n:
                    raise _index_file.Stale("metadata and index disagree on the number of entries")
                return cls(version, [], thresholds, max_pixels, max_bytes, _index=index, _meta=meta,
                           verification=store.verification, **kw)
            except _index_file.Stale as e:
                log.info("gallery index file %s not used (%s): rebuilding it from the gallery", path, e)

        builder: list = []

        def on_chunk(pos: np.ndarray, records: bytes) -> None:
            builder[0].add(pos, records)

        def on_meta(n: int) -> None:
            builder.append(HashIndex.builder(n, proposal))

        version, rows, generation = store.load_packed(hashing.GALLERY_VARIANTS, on_chunk, on_meta=on_meta)
        snap = cls(version, [], thresholds, max_pixels, max_bytes, _index=builder[0].build(), _meta=_Meta(rows),
                   verification=store.verification, **kw)
        if path is not None and len(rows) >= index_file_min_entries:
            snap.save_index(path, generation)
        return snap

    def save_index(self, path: str | Path, generation: str | None) -> None:
        """Write this snapshot's index file (atomically); an OSError is logged, not raised."""
        info, arrays = self._index.state()
        minfo, marrays = self._meta.state()
        try:
            _index_file.write(path, _file_key(self.version, generation, self._index.thresholds),
                              {"index": info, "meta": minfo}, {**arrays, **marrays})
        except OSError as e:
            log.warning("gallery index file %s not written (%s): the next start reads the gallery again", path, e)

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

    def decide(self, im, hits: list[Hit]) -> list[tuple[Hit, verify.Verdict | int | None]]:
        """Stage 2 (verify): the candidates that verification accepts, with its verdicts. An entry
        verification cannot judge passes only the calibrated hash rule: one without an image copy
        (None in place of a verdict) or with too few keypoints for a fit (verify.can_verify; their
        number in place of a verdict)."""
        out = []
        query: verify.View | None = None
        for hit in hits:
            stored = self._verification(self._meta[hit.entry]["id"])
            keypoints = None if stored is None else verify.Keypoints.count(stored[1])
            if keypoints is None or not verify.can_verify(keypoints, self._limits):
                if all(hit.distance[h] <= t for h, t in self._thresholds.items()):
                    out.append((hit, keypoints))
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

    def _finding(self, hit: Hit, verdict: verify.Verdict | int | None, field: str) -> Finding:
        meta = self._meta[hit.entry]
        verified = isinstance(verdict, verify.Verdict)
        # a verified hit was proposed within the proposal limits; an unverified one passed the hash rule
        th = self._proposal if verified else self._thresholds
        closeness = max(hit.distance[h] / max(1, th[h]) for h in th)  # 0 = identical, 1 = at threshold
        score = round(1.0 - 0.5 * closeness, 4)
        why = (gallery_match(meta["id"], meta.get("label"), meta["brand"],
                             tuple((h, hit.distance[h], th[h]) for h in th), hit.query_view, hit.gallery_view),)
        effect = "block"
        if verified:
            why += (gallery_verified(verdict.inliers, verdict.colour if verdict.colour_compared else None,
                                     verdict.structure, verdict.mirrored, verdict.detail, verdict.residual),)
            if not verdict.colour_compared:  # a grey photo of the product in another colour would match too
                why += (gallery_colour_unchecked(),)
                effect = "review"
        else:
            why += (gallery_unverified(verdict),)
        return Finding(
            kind="image", category="counterfeit_image", field=field, severity="high", score=score,
            explanation=render(why), effect=effect, brand=meta["brand"], gallery_id=meta["id"],
            distance=dict(hit.distance), gallery_label=meta.get("label"), reasons=why,
        )
