"""The image half of the scanner: listing photos vs the known-counterfeit gallery.

The whole pipeline for one image, stage by stage (one module each):

    decode.decode(bytes)        -> small greyscale image   (safe: caps, bombs, modes, EXIF)
    hashing.compute(image)      -> hashes of several views  (trim, mirror, rotations, sub-views)
    index.HashIndex.search()    -> gallery hits             (prefilter + verify; == brute_force)
    GallerySnapshot.match()     -> scanner.results.Finding    (this module)

Gallery entries also keep a small JPEG thumbnail (`make_thumbnail`, from the same decoded
image the hashes come from) for the editor page: `ImageScanner.thumbnail(id)`.

`ImageScanner` owns the SQLite gallery (gallery.GalleryStore). Every edit builds a new
immutable `GallerySnapshot` (index + entry metadata + version) and swaps it in, so a scan
that took a snapshot finishes on that version. Edits made by another process are noticed
via `PRAGMA data_version`, checked at most every `Settings.gallery_reload_interval_s`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from scanner.images import decode as _decode
from scanner.images import hashing
from scanner.images.gallery import EMPTY_VERSION, GalleryAlgorithmError, GalleryError, GalleryStore
from scanner.images.index import DEFAULT_THRESHOLDS, HashIndex, Hit
from scanner.results import Finding, ImageInputError

__all__ = ["ImageScanner", "GallerySnapshot", "GalleryError", "image_hashes", "make_thumbnail"]

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
DEFAULT_GALLERY_NAME = "gallery.sqlite3"

THUMBNAIL_SIZE = 160        # longest side, px
THUMBNAIL_QUALITY = 80      # JPEG quality
MAX_THUMBNAIL_BYTES = 64 * 1024  # an imported thumbnail above this is refused (ours are a few KB)

_VIEW_WORDS = {
    "orig": "original", "mirror": "mirrored", "rot+3": "rotated -3° back", "rot-3": "rotated +3° back",
    "top": "top 80% (bottom banner/crop ignored)", "bottom": "bottom 80% (top banner/crop ignored)",
    "center": "centre crop", "tl": "top-left crop", "tr": "top-right crop", "bl": "bottom-left crop",
    "br": "bottom-right crop",
}
_ANCHOR_WORDS = {"tl": "top-left", "tr": "top-right", "bl": "bottom-left", "br": "bottom-right", "c": "centre",
                 "t": "top", "b": "bottom", "l": "left", "r": "right"}
for _v in hashing.CROP_VIEWS:
    _VIEW_WORDS[_v] = f"{_ANCHOR_WORDS[_v.rstrip('0123456789')]} {_v[len(_v.rstrip('0123456789')):]}% crop"


def image_hashes(data: bytes, *, max_pixels: int = _decode.DEFAULT_MAX_PIXELS,
                 max_bytes: int = _decode.DEFAULT_MAX_BYTES,
                 variants: tuple[str, ...] = hashing.GALLERY_VARIANTS) -> hashing.ImageHashes:
    """bytes -> hashes of the requested views (same pipeline for gallery images and queries)."""
    return hashing.compute(_decode.decode(data, max_pixels=max_pixels, max_bytes=max_bytes), variants)


def make_thumbnail(im: Image.Image, size: int = THUMBNAIL_SIZE, quality: int = THUMBNAIL_QUALITY) -> bytes:
    """A small JPEG of a `decode.decode()` result: its grey plane + the colour it carries.

    Built from the already safely decoded (capped, oriented, <= WORK_SIZE) image, so no
    second decode of untrusted bytes; colour when the decoder kept its small YCbCr image
    (Cb/Cr upsampled from decode.COLOUR_SIZE px: about what JPEG's own 4:2:0 chroma keeps at
    this size), grey otherwise.
    """
    colour = im.info.get("colour")
    grey = im if im.mode == "L" else im.convert("L")
    if colour is not None:
        _, cb, cr = colour.resize(grey.size, Image.Resampling.BILINEAR).split()
        out = Image.merge("YCbCr", (grey, cb, cr)).convert("RGB")
    else:
        out = grey.copy()
    out.thumbnail((size, size), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def _thumbnail_from_export(value: Any) -> bytes:
    """base64 text from an export -> checked image bytes (JPEG/PNG, small, decodable)."""
    if not isinstance(value, str):
        raise ValueError("thumbnail is not base64 text")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("thumbnail is not valid base64") from None
    if len(data) > MAX_THUMBNAIL_BYTES or not data.startswith((b"\xff\xd8\xff", b"\x89PNG")):
        raise ValueError(f"thumbnail is not a JPEG/PNG of at most {MAX_THUMBNAIL_BYTES} bytes")
    try:
        _decode.decode(data, max_pixels=4 * THUMBNAIL_SIZE * THUMBNAIL_SIZE, max_bytes=MAX_THUMBNAIL_BYTES)
    except ImageInputError as e:
        raise ValueError(f"thumbnail: {e.message}") from None
    return data


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
        parts = ", ".join(f"colour {hit.distance[h]} (limit {th[h]})" if h == "colour" else
                          f"{h} {hit.distance[h]}/{hashing.HASH_BITS[h]} bits (limit {th[h]})" for h in th)
        qv = _VIEW_WORDS.get(hit.query_view, hit.query_view)
        gv = _VIEW_WORDS.get(hit.gallery_view, hit.gallery_view)
        label = f" '{meta['label']}'" if meta.get("label") else ""
        explanation = (
            f"matches counterfeit gallery image {meta['id']}{label} ({meta['brand']}): all hashes and the colour agree "
            f"({parts}); listing image view: {qv}; gallery view: {gv}"
        )
        return Finding(
            kind="image", category="counterfeit_image", field=field, severity="high", score=score,
            explanation=explanation, effect="block", brand=meta["brand"], gallery_id=meta["id"],
            distance=dict(hit.distance), gallery_label=meta.get("label"),
        )


class ImageScanner:
    """Gallery management + snapshots for scanning. One per process; thread-safe."""

    def __init__(self, store: GalleryStore, *, thresholds: dict[str, int] | None = None,
                 max_pixels: int = _decode.DEFAULT_MAX_PIXELS, max_bytes: int = _decode.DEFAULT_MAX_BYTES,
                 reload_interval_s: float = 0.5) -> None:
        self._store = store
        self._thresholds = dict(thresholds or DEFAULT_THRESHOLDS)
        self._max_pixels = max_pixels
        self._max_bytes = max_bytes
        self._reload_interval = reload_interval_s
        self._lock = threading.Lock()
        self._snap: GallerySnapshot
        self._data_version = -1
        self._checked_at = 0.0
        self._reload()

    # --- construction --------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings) -> "ImageScanner":
        from scanner.config import BUNDLED_FIXTURES, default_data_dir

        path = settings.gallery
        seed = path is None
        if seed:
            path = default_data_dir() / DEFAULT_GALLERY_NAME
        try:
            store = GalleryStore(Path(path))
        except GalleryAlgorithmError:
            if not seed:
                raise  # a user's gallery: refused with the "re-add the images" message
            # The default gallery is seeded from the bundled fixtures, which can simply be
            # hashed again: keep the old file aside (it may hold user additions) and re-seed.
            old = Path(path)
            aside = old.with_name(f"{old.name}.old-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                src = old.with_name(old.name + suffix)
                if src.exists():
                    os.replace(src, aside.with_name(aside.name + suffix))
            log.warning("default gallery %s was hashed by an older algorithm; moved to %s and re-seeded "
                        "(re-add any images you had added)", old, aside)
            store = GalleryStore(old)
        kw = dict(
            max_pixels=settings.max_image_pixels, max_bytes=settings.max_image_bytes,
            reload_interval_s=getattr(settings, "gallery_reload_interval_s", 0.5),
        )
        th = getattr(settings, "image_match_thresholds", None)
        if th:
            kw["thresholds"] = {**DEFAULT_THRESHOLDS, **th}
        scanner = cls(store, **kw)
        if seed and store.is_empty():
            scanner.seed_from(BUNDLED_FIXTURES / "gallery")
        return scanner

    def seed_from(self, directory: Path) -> int:
        """Add the images listed in directory/manifest.json (the bundled seed gallery)."""
        manifest = Path(directory) / "manifest.json"
        if not manifest.exists():
            return 0
        n = 0
        for item in json.loads(manifest.read_text("utf-8"))["images"]:
            n += len(self.add([Path(directory) / item["file"]], brand=item["brand"], label=item.get("label"),
                              source=item.get("source")))
        return n

    # --- snapshots -----------------------------------------------------------------
    def _reload(self) -> None:
        dv = self._store.data_version()
        self._snap = GallerySnapshot.from_store(self._store, self._thresholds, self._max_pixels, self._max_bytes)
        self._data_version = dv
        self._checked_at = time.monotonic()

    def snapshot(self) -> GallerySnapshot:
        now = time.monotonic()
        if now - self._checked_at >= self._reload_interval:
            with self._lock:
                if time.monotonic() - self._checked_at >= self._reload_interval:
                    self._checked_at = time.monotonic()
                    if self._store.data_version() != self._data_version:
                        self._reload()
        return self._snap

    @property
    def version(self) -> str:
        return self.snapshot().version

    # --- management ----------------------------------------------------------------
    def _prepare(self, src: str | Path | bytes, brand: str, label: str | None, source: str | None) -> dict[str, Any]:
        if isinstance(src, (bytes, bytearray, memoryview)):
            data, origin = bytes(src), source
        else:
            data, origin = Path(src).read_bytes(), source or str(src)
        im = _decode.decode(data, max_pixels=self._max_pixels, max_bytes=self._max_bytes)
        thumb = make_thumbnail(im)
        hs = hashing.compute(im, hashing.GALLERY_VARIANTS)
        sha = hashlib.sha256(data).hexdigest()
        width, height = im.info.get("original_size", im.size)
        return {
            "id": "g_" + sha[:16], "brand": brand, "label": label, "source": origin, "note": None,
            "added_at": time.time(), "sha256": sha, "width": width, "height": height,
            "hashes": hs.variants, "thumbnail": thumb,
        }

    @staticmethod
    def _expand(sources: list[str | Path | bytes]) -> list[str | Path | bytes]:
        out: list[str | Path | bytes] = []
        for s in sources:
            if isinstance(s, (str, Path)) and Path(s).is_dir():
                out.extend(sorted(p for p in Path(s).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES))
            else:
                out.append(s)
        return out

    def add(self, sources: list[str | Path | bytes], *, brand: str, label: str | None = None,
            source: str | None = None) -> list[dict]:
        """Hash and store images (files, directories, raw bytes) in ONE transaction.

        Raises ImageInputError (with the file named) if any image is unusable; nothing is
        stored in that case.
        """
        if not brand or not str(brand).strip():
            raise ValueError("brand is required")
        prepared = []
        for src in self._expand(list(sources)):
            try:
                prepared.append(self._prepare(src, brand.strip(), label, source))
            except ImageInputError as e:
                name = "<bytes>" if isinstance(src, (bytes, bytearray, memoryview)) else str(src)
                raise ImageInputError(e.code, f"{name}: {e.message}") from None
        if prepared:
            self._store.upsert(prepared)
            with self._lock:
                self._reload()
        return [self._public(e) for e in prepared]

    @staticmethod
    def _public(e: dict[str, Any]) -> dict[str, Any]:
        return {k: e.get(k) for k in ("id", "brand", "label", "source", "added_at", "sha256", "width", "height")}

    def list(self) -> list[dict]:
        return self._store.list()

    def get(self, entry_id: str) -> dict | None:
        return self._store.get(entry_id)

    def thumbnail(self, entry_id: str) -> bytes | None:
        """The entry's thumbnail (JPEG bytes; an imported one may be PNG), or None for an unknown
        id or an entry stored without one (added before schema 3)."""
        return self._store.thumbnail(entry_id)

    def remove(self, entry_id: str) -> bool:
        removed = self._store.remove(entry_id)
        if removed:
            with self._lock:
                self._reload()
        return removed

    def export(self, path) -> int:
        """Write every entry with its hashes as JSONL (hashes as hex: portable without images;
        the thumbnail, when the entry has one, as base64 under "thumbnail")."""
        version, entries = self._store.load()
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps({"_gallery": {"algorithm": hashing.ALGORITHM_VERSION, "version": version,
                                             "entries": len(entries)}}) + "\n")
            for e in entries:
                doc = {k: e.get(k) for k in ("id", "brand", "label", "source", "note", "added_at", "sha256",
                                             "width", "height")}
                doc["hashes"] = {v: {h: format(hs[h], f"0{hashing.HASH_BITS[h] // 4}x") for h in hashing.ALL_HASHES}
                                 for v, hs in e["hashes"].items()}
                thumb = self._store.thumbnail(e["id"])
                if thumb:
                    doc["thumbnail"] = base64.b64encode(thumb).decode("ascii")
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
        return len(entries)

    def import_(self, path) -> int:
        """Read an export (JSONL, or a JSON list/{"entries": [...]}) and upsert it in one transaction."""
        text = Path(path).read_text("utf-8")
        stripped = text.lstrip()
        if stripped.startswith("["):
            docs = json.loads(text)
        elif stripped.startswith("{") and "\n" not in stripped.strip():
            one = json.loads(text)
            docs = one.get("entries", [one])
        else:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        entries = []
        for n, doc in enumerate(docs, 1):
            if "_gallery" in doc:
                algo = doc["_gallery"].get("algorithm")
                if algo != hashing.ALGORITHM_VERSION:
                    raise GalleryError(f"{path}: exported with hash algorithm {algo!r}, this scanner uses "
                                       f"{hashing.ALGORITHM_VERSION!r}")
                continue
            try:
                hashes = {v: {h: int(hs[h], 16) for h in hashing.ALL_HASHES} for v, hs in doc["hashes"].items()}
                # entries exported before the crop views existed carry only the v1 views: they
                # still load (and match through those views); re-adding the image adds the rest
                missing = set(hashing.BASE_GALLERY_VARIANTS) - set(hashes)
                if missing or not doc.get("id") or not doc.get("brand"):
                    raise ValueError(f"missing {sorted(missing) or 'id/brand'}")
                # optional: exports written before thumbnails existed have none
                thumb = _thumbnail_from_export(doc["thumbnail"]) if doc.get("thumbnail") else None
            except (KeyError, TypeError, ValueError) as e:
                raise GalleryError(f"{path}: record {n} is not a gallery entry ({e})") from None
            entries.append({**doc, "hashes": hashes, "thumbnail": thumb})
        if entries:
            self._store.upsert(entries)
            with self._lock:
                self._reload()
        return len(entries)

    def close(self) -> None:
        self._store.close()
