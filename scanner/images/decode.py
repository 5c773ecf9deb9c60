"""Stage 1: bytes -> a small greyscale image, safely.

Everything that reaches the hashing stage (gallery images and listing images alike)
goes through `decode()`. It

* refuses empty, oversized (bytes) and non-image inputs before Pillow decodes anything;
* reads the declared dimensions first (`Image.open` is lazy) and refuses anything
  above `max_pixels` -- a cap far below Pillow's own bomb threshold -- so a PNG that
  claims 100000x100000 costs a header read, not gigabytes;
* never lets Pillow's DecompressionBombWarning/Error escape (both become
  `ImageInputError("image_too_large", ...)`);
* asks the JPEG decoder for a reduced-size greyscale decode (`Image.draft`), which is
  where most of the speed-up over a plain `imagehash.phash(Image.open(...))` comes from;
* applies EXIF orientation, composites alpha onto white, handles P/PA/LA/RGBA/CMYK/
  I;16/I/F/1/L, and uses the first frame of animated GIF/WebP.

Errors are `scanner.results.ImageInputError(code, message)` with these codes:
``image_empty``, ``image_too_large``, ``image_unsupported_format``, ``image_corrupt``,
``image_truncated``.
"""
from __future__ import annotations

import io
import threading
import warnings
from contextlib import contextmanager

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from scanner.results import ImageInputError

# Formats we let Pillow sniff. Everything else (EPS, PSD, ICO, ...) is refused before any
# plugin code runs: fewer parsers exposed to hostile bytes.
ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")

# Longest side of the image handed to the hashing stage. The hashes work on 64x64 and
# the border trimmer on this; more pixels only cost time.
WORK_SIZE = 256
# Longest side of the small YCbCr image kept for the colour signature (a 4x4 grid of means:
# a few pixels per cell are plenty) in `im.info["colour"]`.
COLOUR_SIZE = 64

DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF", b"BM", b"II*\x00", b"MM\x00*")


def _looks_like_image(data: bytes) -> bool:
    return any(data.startswith(m) for m in _MAGIC)


def decode(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    work_size: int = WORK_SIZE,
) -> Image.Image:
    """Decode `data` into a greyscale ('L') image whose longest side is <= work_size.

    Raises ImageInputError for anything that is not a decodable, reasonably sized image.
    """
    return _safely(data, max_bytes, lambda: _decode(data, max_pixels, work_size))


def decode_colour(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_side: int = 960,
) -> Image.Image:
    """Decode `data` into an 'RGB' image whose longest side is <= max_side (never upscaled), for OCR.

    The same checks, limits and error codes as `decode` (declared size before any pixel, bombs,
    allowed formats, EXIF orientation, alpha onto white, first frame only); a JPEG is decoded
    DCT-reduced to no less than max_side. `im.info["original_size"]` is the (width, height)
    of the upright original, so boxes found on it can be scaled back to the caller's pixels.
    """
    return _safely(data, max_bytes, lambda: _decode_colour(data, max_pixels, max_side))


def _safely(data: bytes, max_bytes: int, work):
    """Run `work()` (a decode of `data`) with the size check first and every decoder failure
    turned into an ImageInputError with a stable code."""
    if data is None or len(data) == 0:
        raise ImageInputError("image_empty", "image is empty (0 bytes)")
    if len(data) > max_bytes:
        raise ImageInputError(
            "image_too_large", f"image is {len(data)} bytes; the limit is {max_bytes} bytes"
        )
    with warnings.catch_warnings():
        # Pillow's bomb check warns (or raises) from inside open()/load(): make the warning an
        # exception we catch below, so nothing leaks to the caller's warning filters.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return work()
        except ImageInputError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise ImageInputError("image_too_large", f"image refused as a decompression bomb: {e}") from None
        except UnidentifiedImageError:
            if _looks_like_image(data):
                raise ImageInputError("image_corrupt", "image header is damaged or not decodable") from None
            raise ImageInputError(
                "image_unsupported_format",
                "not an image in a supported format (JPEG, PNG, GIF, WebP, BMP, TIFF)",
            ) from None
        except MemoryError:
            raise ImageInputError("image_too_large", "image needs too much memory to decode") from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError,
                struct_error, ZeroDivisionError) as e:
            text = str(e)
            if "truncated" in text.lower() or isinstance(e, EOFError):
                raise ImageInputError("image_truncated", f"image data is truncated: {text}") from None
            raise ImageInputError("image_corrupt", f"image data is corrupt: {text}") from None


try:  # struct.error is raised by some Pillow plugins on short headers
    from struct import error as struct_error
except ImportError:  # pragma: no cover
    struct_error = OSError  # type: ignore[misc,assignment]


def _open(data: bytes, max_pixels: int) -> tuple[Image.Image, int, int]:
    im = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    w, h = im.size  # declared size: only the header has been read so far
    if w <= 0 or h <= 0:
        raise ImageInputError("image_corrupt", f"image declares an empty size {w}x{h}")
    if w * h > max_pixels:
        raise ImageInputError(
            "image_too_large",
            f"image declares {w}x{h} = {w * h} pixels; the limit is {max_pixels}",
        )
    return im, w, h


# A decode's memory follows its pixels, not its bytes: a 5 KB palette PNG of 6300x6300 with transparency held ~230 MB
# a copy through RGBA compositing (red-team R02: eight such requests at once, +3.8 GB). Decodes of more than
# LARGE_DECODE_PIXELS (after a JPEG's DCT reduction, so phone photos never wait) take one of LARGE_DECODES_AT_ONCE
# slots per process; the others wait their turn (about a second each at the 40 MP cap).
LARGE_DECODE_PIXELS = 4_000_000
LARGE_DECODES_AT_ONCE = 2
_LARGE_DECODES = threading.BoundedSemaphore(LARGE_DECODES_AT_ONCE)


@contextmanager
def _decode_slot(pixels: int):
    if pixels <= LARGE_DECODE_PIXELS:
        yield
        return
    with _LARGE_DECODES:
        yield


def _decode_colour(data: bytes, max_pixels: int, max_side: int) -> Image.Image:
    im, w, h = _open(data, max_pixels)
    orientation = _exif_orientation(im)
    if im.format in ("JPEG", "MPO") and im.mode in ("RGB", "L", "YCbCr"):
        im.draft("RGB" if im.mode != "L" else "L", (max_side, max_side))
    with _decode_slot(im.size[0] * im.size[1]):
        return _colour_of(im, orientation, max_side, w, h)


def _colour_of(im: Image.Image, orientation: int, max_side: int, w: int, h: int) -> Image.Image:
    im.load()
    if im.mode != "RGB":
        if im.mode in ("P", "PA", "LA", "RGBA", "RGBa", "La") or "transparency" in im.info:
            rgba = im.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            im = Image.alpha_composite(white, rgba).convert("RGB")
        elif im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
            im = _to_grey(im).convert("RGB")
        else:
            im = im.convert("RGB")
    if orientation and orientation != 1:
        im = _apply_orientation(im, orientation)
    if max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=None)
    im.info["original_size"] = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
    return im


def _decode(data: bytes, max_pixels: int, work_size: int) -> Image.Image:
    im, w, h = _open(data, max_pixels)
    # Animated GIF/WebP/APNG: Image.open is positioned on the first frame; we never seek,
    # so the other frames (possibly thousands) are never decoded.
    orientation = _exif_orientation(im)
    rgb_coded = False
    if im.format in ("JPEG", "MPO"):
        # DCT-domain downscale (1/2, 1/4, 1/8) to at least 2*work_size, straight to luma when
        # the file is YCbCr/greyscale. CMYK keeps its mode (draft cannot convert it).
        # A colour JPEG is decoded as YCbCr (no colour conversion): its Y plane is bit-for-bit
        # the 'L' decode, and Cb/Cr feed the colour signature.
        # (An RGB-coded JPEG -- Adobe transform 0 -- cannot be decoded to YCbCr by libjpeg: it
        # takes the 'L' decode, as before, and its colour comes from a second, full decode.)
        rgb_coded = im.info.get("adobe_transform") == 0
        mode = {"RGB": "L" if rgb_coded else "YCbCr", "L": "L"}.get(im.mode, im.mode)
        im.draft(mode, (2 * work_size, 2 * work_size))
    with _decode_slot(w * h if rgb_coded else im.size[0] * im.size[1]):  # an RGB-coded JPEG is decoded in full
        if rgb_coded and im.mode == "L":
            im.load()
            full = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            full.load()
            return _finish(im, full.convert("YCbCr"), orientation, work_size, w, h)
        im.load()
        if im.mode == "YCbCr":
            return _finish(im.getchannel(0), im, orientation, work_size, w, h, y_is_grey=True)
        return _finish(_to_grey(im), _to_ycbcr(im), orientation, work_size, w, h)


def _finish(im: Image.Image, col: Image.Image | None, orientation: int, work_size: int,
            w: int, h: int, *, y_is_grey: bool = False) -> Image.Image:
    """Orientation and downscale of the grey image and its YCbCr companion (same geometry).

    `y_is_grey`: `col` is the JPEG's own YCbCr decode and `im` its Y plane. It is then
    downscaled once, all three planes together, and the grey image is its Y plane (bit-for-bit
    the separate 'L' downscale: Pillow resamples every band with the same coefficients).
    The colour image kept in `im.info["colour"]` is small (longest side COLOUR_SIZE), reduced
    from the already downscaled image where there is one.
    """
    if orientation and orientation != 1:
        im = _apply_orientation(im, orientation)
        col = _apply_orientation(col, orientation) if col is not None else None
    if max(im.size) > work_size:
        if y_is_grey and col is not None:
            col.thumbnail((work_size, work_size), Image.Resampling.BOX, reducing_gap=None)
            im = col.getchannel(0)
        else:
            im.thumbnail((work_size, work_size), Image.Resampling.BOX, reducing_gap=None)
    im.info["original_size"] = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
    if col is not None:
        s = min(1.0, COLOUR_SIZE / max(im.size))
        size = (max(1, round(im.width * s)), max(1, round(im.height * s)))
        im.info["colour"] = col if col.size == size else col.resize(size, Image.Resampling.BOX)
        # the YCbCr at the work size for verification (verify.view_of): a JPEG's is already there;
        # another format's full-size one is kept by reference and only reduced when needed
        im.info["colour_work" if col.size == im.size else "colour_full"] = col
    return im


def _to_ycbcr(im: Image.Image) -> Image.Image | None:
    """Colour modes -> 'YCbCr' (alpha onto white) for the chroma planes; None for grey-only modes."""
    mode = im.mode
    if mode in ("L", "1", "I;16", "I;16B", "I;16L", "I;16N", "I", "F", "LA", "La"):
        return None
    if mode in ("P", "PA", "RGBA", "RGBa") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB").convert("YCbCr")
    return im.convert("RGB").convert("YCbCr")


def _exif_orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1) or 1)
    except Exception:  # a broken EXIF block is not a reason to refuse the picture
        return 1


_ORIENT = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


def _apply_orientation(im: Image.Image, orientation: int) -> Image.Image:
    for op in _ORIENT.get(orientation, ()):
        im = im.transpose(op)
    return im


def _to_grey(im: Image.Image) -> Image.Image:
    """Any Pillow mode -> 'L', alpha composited onto white, high bit depths scaled down."""
    mode = im.mode
    if mode == "L":
        return im
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        if mode.startswith("I;16"):
            a = a / 257.0
        else:
            lo, hi = float(a.min()), float(a.max())
            if lo >= 0 and hi <= 255:
                pass
            elif lo >= 0 and hi <= 65535:
                a = a / 257.0
            else:
                a = (a - lo) * (255.0 / (hi - lo)) if hi > lo else a * 0
        return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "L")
    if mode in ("P", "PA", "LA", "RGBA", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    if mode in ("CMYK", "YCbCr", "LAB", "HSV", "1", "RGB", "RGBX"):
        return im.convert("RGB").convert("L") if mode not in ("1", "RGB", "RGBX") else im.convert("L")
    return im.convert("RGB").convert("L")
