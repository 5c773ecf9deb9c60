"""Gallery thumbnails: a small JPEG per entry for the editor page (`ImageScanner.thumbnail(id)`).

Built from the same safely decoded image the hashes come from, so no second decode of
untrusted bytes; an imported thumbnail (from an export) is checked before it is stored.
"""
from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from PIL import Image

from scanner.images import decode as _decode
from scanner.results import ImageInputError

THUMBNAIL_SIZE = 160        # longest side, px
THUMBNAIL_QUALITY = 80      # JPEG quality
MAX_THUMBNAIL_BYTES = 64 * 1024  # an imported thumbnail above this is refused (ours are a few KB)


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


def thumbnail_from_export(value: Any) -> bytes:
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
