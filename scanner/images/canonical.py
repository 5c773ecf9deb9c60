"""The canonical copy of a gallery image, and everything derived from it.

`add` keeps a downscaled copy of each image (longest side CANONICAL_SIZE, JPEG quality
CANONICAL_QUALITY) in the gallery and derives the hashes, the verification keypoints and the
thumbnail from that copy -- never from the original file. `rehash` (after an algorithm
change) runs the very same `derive` on the stored copy, so a re-hashed gallery is exactly
what adding the images again would give, without the original files.

The copy is made from the safely decoded original (`decode.decode_colour`: the same size
caps, format allow-list and orientation as every decode), and is itself decoded like a
listing photo (`decode.decode`).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from scanner.images import decode as _decode
from scanner.images import hashing, verify
from scanner.images.thumbnails import make_thumbnail

CANONICAL_SIZE = 384  # px, longest side: > decode.WORK_SIZE (256), so re-hashing loses nothing it uses
CANONICAL_QUALITY = 90


def canonical_copy(data: bytes, *, max_pixels: int = _decode.DEFAULT_MAX_PIXELS,
                   max_bytes: int = _decode.DEFAULT_MAX_BYTES) -> tuple[bytes, tuple[int, int]]:
    """Image bytes -> (the gallery's canonical copy as JPEG bytes, the upright original's
    (width, height)). Raises ImageInputError."""
    im = _decode.decode_colour(data, max_pixels=max_pixels, max_bytes=max_bytes, max_side=CANONICAL_SIZE)
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=CANONICAL_QUALITY, optimize=True)
    return buf.getvalue(), im.info["original_size"]


@dataclass(frozen=True, slots=True)
class Derived:
    hashes: dict[str, dict[str, int]]
    keypoints: bytes
    thumbnail: bytes


def derive(image: bytes) -> Derived:
    """Canonical copy -> hashes (gallery views), keypoints, thumbnail. Raises ImageInputError."""
    im = _decode.decode(image)
    hs = hashing.compute(im, hashing.GALLERY_VARIANTS)
    kp = verify.keypoints(np.asarray(im, dtype=np.uint8))
    return Derived(hs.variants, kp.to_bytes(), make_thumbnail(im))


def stored_fields(image: bytes) -> dict:
    """`derive` as the gallery stores it (GalleryStore.rehash's callback)."""
    d = derive(image)
    return {"hashes": d.hashes, "keypoints": d.keypoints, "thumbnail": d.thumbnail}


def reference(image: bytes, keypoints: bytes) -> verify.View:
    """A stored entry (canonical copy + its keypoints) -> what verification compares with."""
    im = _decode.decode(image)
    return verify.view_of(im, verify.Keypoints.from_bytes(keypoints))
