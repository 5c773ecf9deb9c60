"""The image half of the scanner: listing photos vs the known-counterfeit gallery.

The whole pipeline for one image, stage by stage (one module each):

    sources.load_image_bytes(ref)  -> bytes                   (base64, allowed paths, SSRF-safe URLs)
    decode.decode(bytes)           -> small greyscale image   (safe: caps, bombs, modes, EXIF)
    hashing.compute(image)         -> hashes of several views  (trim, mirror, rotations, sub-views)
    index.HashIndex.search()       -> gallery hits             (prefilter + verify; == brute_force)
    snapshot.GallerySnapshot.match -> scanner.results.Finding    (one immutable gallery version)

`scanner.ImageScanner` owns the SQLite gallery (`gallery.GalleryStore`) and swaps in a new
snapshot on every edit; `thumbnails` keeps a small JPEG per entry for the editor page.
This module only re-exports the public names.
"""
from __future__ import annotations

from scanner.images.gallery import GalleryError, GalleryStore
from scanner.images.hashing import image_hashes
from scanner.images.scanner import ImageScanner
from scanner.images.snapshot import GallerySnapshot
from scanner.images.thumbnails import THUMBNAIL_SIZE, make_thumbnail

__all__ = ["ImageScanner", "GallerySnapshot", "GalleryError", "GalleryStore", "image_hashes", "make_thumbnail",
           "THUMBNAIL_SIZE"]
