"""ImageScanner: the SQLite gallery (gallery.GalleryStore) and the snapshot scans use.

Every edit builds a new immutable `GallerySnapshot` and swaps it in. Edits made by another
process are noticed via `PRAGMA data_version`, checked at most every
`Settings.gallery_reload_interval_s`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from scanner.images import decode as _decode
from scanner.images import hashing
from scanner.images.canonical import canonical_copy, derive, stored_fields
from scanner.images.gallery import GalleryAlgorithmError, GalleryError, GalleryStore
from scanner.images.index import DEFAULT_THRESHOLDS
from scanner.images.snapshot import GallerySnapshot
from scanner.images.thumbnails import thumbnail_from_export
from scanner.results import ImageInputError

log = logging.getLogger("scanner.images")  # the name its warnings had before the split (log filters, JSON lines)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
DEFAULT_GALLERY_NAME = "gallery.sqlite3"


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
                raise  # a user's gallery: refused, the message says `rehash` (or re-add the images)
            # The default gallery: re-derived in place when it keeps image copies (schema 4 on),
            # as `scanner gallery rehash` would; otherwise (older) kept aside and re-seeded.
            if cls._rehash_default(Path(path)):
                return cls.from_settings(settings)
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

    @staticmethod
    def _rehash_default(path: Path) -> bool:
        """Re-derive the default gallery in place; False when it cannot be (no image copies)."""
        try:
            store = GalleryStore(path, for_rehash=True)
        except GalleryError:
            return False
        try:
            before = store.algorithm()
            n = store.rehash(stored_fields)
        except (GalleryError, ImageInputError):
            return False
        finally:
            store.close()
        log.warning("default gallery %s was hashed by algorithm %s; re-derived %d entries in place from its "
                    "image copies", path, before, n)
        return True

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
        # everything stored is derived from the canonical copy (canonical.py), exactly as
        # `rehash` will re-derive it after an algorithm change
        image, (width, height) = canonical_copy(data, max_pixels=self._max_pixels, max_bytes=self._max_bytes)
        d = derive(image)
        sha = hashlib.sha256(data).hexdigest()
        return {
            "id": "g_" + sha[:16], "brand": brand, "label": label, "source": origin, "note": None,
            "added_at": time.time(), "sha256": sha, "width": width, "height": height,
            "hashes": d.hashes, "thumbnail": d.thumbnail, "image": image, "keypoints": d.keypoints,
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

    def listing_document(self) -> dict:
        """The gallery's entries as one document: the shape `GET /v1/gallery` and
        `scanner gallery list --json` both answer with."""
        items = self.list()
        return {"version": self.version, "count": len(items), "items": items}

    def get(self, entry_id: str) -> dict | None:
        return self._store.get(entry_id)

    def rehash(self) -> int:
        """Re-derive every entry's hashes, keypoints and thumbnail from its stored canonical
        copy with this scanner's algorithm (one transaction; see GalleryStore.rehash)."""
        n = self._store.rehash(stored_fields)
        with self._lock:
            self._reload()
        return n

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
                image = self._store.image(e["id"])
                if image:  # the canonical copy: verification and `rehash` need it
                    doc["image"] = base64.b64encode(image).decode("ascii")
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
                thumb = thumbnail_from_export(doc["thumbnail"]) if doc.get("thumbnail") else None
                image = keypoints = None
                if doc.get("image"):  # re-derived here: the keypoints are not exported
                    image = base64.b64decode(doc["image"], validate=True)
                    if len(image) > self._max_bytes:
                        raise ValueError("image copy too large")
                    keypoints = derive(image).keypoints
            except ImageInputError as e:
                raise GalleryError(f"{path}: record {n}: image copy: {e.message}") from None
            except (KeyError, TypeError, ValueError) as e:
                raise GalleryError(f"{path}: record {n} is not a gallery entry ({e})") from None
            entries.append({**doc, "hashes": hashes, "thumbnail": thumb, "image": image, "keypoints": keypoints})
        if entries:
            self._store.upsert(entries)
            with self._lock:
                self._reload()
        return len(entries)

    def close(self) -> None:
        self._store.close()
