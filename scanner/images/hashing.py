"""Stage 2: a decoded greyscale image -> integer hashes (no search logic here).

Hash algorithms (each a pure function of a 64x64 float array; the bits are packed into a
Python int, most significant bit first, row-major -- the same bit order as
`imagehash.ImageHash`):

* ``phash``  -- 256 bits: DCT of the 64x64 image, the 16x16 lowest frequencies, each bit
  "coefficient > median" (imagehash's pHash with hash_size=16).
* ``dhash``  -- 256 bits: horizontal gradient signs on a 17x16 resample (imagehash's dHash,
  hash_size=16). Local, so a banner or a crop only disturbs part of it, and it fails in
  different ways from the global DCT hash: requiring BOTH to agree is what keeps
  unrelated product shots apart.
* ``phash64`` -- 64 bits: the 8x8 lowest frequencies of the same DCT. Used only as the
  index prefilter (it is very robust, not very selective).

Before hashing, `canonical()` trims uniform borders (white padding, a product on a plain
background), so padding and crops of empty background do not move any bit at all.

A *variant* is a view of an image: ``orig``, ``mirror`` (hashed from the mirrored
pixels), and sub-views that let crops and banners match (``top``/``bottom``/``left``/
``right`` keep 80 % of one side; ``center`` keeps the central 84 %). The gallery stores
the hashes of every variant of every entry; a query hashes the same variants and a pair
matches when ANY gallery view agrees with ANY query view on all hash types (see
`scanner.images.index`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from scanner.types import ImageInputError

HASH_TYPES = ("phash", "dhash")  # the hashes a match must agree on (in this order)
HASH_BITS = {"phash": 256, "dhash": 256, "phash64": 64, "colour": 256}  # colour: 32 signed bytes, not a hash
ALL_HASHES = ("phash64", "phash", "dhash", "colour")  # what is stored per view
# bump when any stored bit could change: stored galleries must be re-hashed.
# v2: per-view colour signature added (the three hashes are bit-identical to v1).
ALGORITHM_VERSION = "v2"

_N = 64  # working resolution of the DCT


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * x + 1) * k / (2 * n))
    return m  # unnormalised DCT-II, like scipy.fftpack.dct (up to a factor 2 that the median ignores)


_D = _dct_matrix(_N)


def bits_to_int(bits: np.ndarray) -> int:
    """Bool array -> int, first element = most significant bit (imagehash's order)."""
    flat = np.asarray(bits, dtype=bool).ravel()
    return int.from_bytes(np.packbits(flat).tobytes(), "big")


def int_to_words(value: int, bits: int) -> np.ndarray:
    """An int hash -> uint64 words, most significant word first (the index column layout)."""
    return np.frombuffer(value.to_bytes(bits // 8, "big"), dtype=">u8").astype(np.uint64)


# --- canonical view -----------------------------------------------------------------

BORDER_TOLERANCE = 24  # grey levels: how far a pixel may stray from the border colour
MIN_STD = 6.0  # grey levels: below this the image is "low information" (flat, near-uniform)
MIN_EDGE_ENERGY = 0.5  # mean |gradient| below this is refused too (smooth gradients/blurs)


def trim_box(a: np.ndarray) -> tuple[int, int, int, int]:
    """The (r0, r1, c0, c1) box that `trim` keeps (the whole array when nothing is trimmed).

    The border colour is the median of the outermost pixel frame; it is only trimmed when
    that frame is really uniform (most of it within tolerance), so photos are left alone.
    """
    h, w = a.shape
    whole = (0, h, 0, w)
    frame = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    bg = float(np.median(frame))
    if np.mean(np.abs(frame - bg) <= BORDER_TOLERANCE) < 0.9:
        return whole
    diff = np.abs(a - bg) > BORDER_TOLERANCE
    # a row/column counts as content when more than 1 % of it differs: JPEG ringing and a
    # few stray pixels do not stop the trim.
    rows = np.nonzero(diff.mean(axis=1) > 0.01)[0]
    cols = np.nonzero(diff.mean(axis=0) > 0.01)[0]
    if rows.size == 0 or cols.size == 0:
        return whole
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    if (r1 - r0) < 8 or (c1 - c0) < 8:
        return whole
    return r0, r1, c0, c1


def trim(a: np.ndarray) -> np.ndarray:
    """Cut away uniform borders (padding, plain studio background) around the content."""
    r0, r1, c0, c1 = trim_box(a)
    return a[r0:r1, c0:c1]


def canonical(im: Image.Image) -> np.ndarray:
    """Decoded 'L' image -> float32 array with borders trimmed; refuses low-information images."""
    a = np.asarray(im, dtype=np.float32)
    if a.ndim != 2 or min(a.shape) < 8:
        raise ImageInputError("image_too_small", f"image is {im.width}x{im.height}; at least 8x8 is needed")
    t = trim(a)
    std = float(t.std())
    edge = float(np.abs(np.diff(t, axis=1)).mean() + np.abs(np.diff(t, axis=0)).mean())
    if std < MIN_STD or edge < MIN_EDGE_ENERGY:
        raise ImageInputError(
            "image_low_information",
            f"image is nearly uniform (contrast {std:.1f}, edge energy {edge:.2f}); "
            "flat images all hash alike, so they are not matched",
        )
    return t


def _resample(a: np.ndarray, w: int, h: int) -> np.ndarray:
    im = Image.fromarray(a.astype(np.float32), "F")
    return np.asarray(im.resize((w, h), Image.Resampling.BOX if a.shape[0] >= 2 * h else Image.Resampling.BILINEAR),
                      dtype=np.float64)


def hashes_of(a: np.ndarray) -> dict[str, int]:
    """All hash types of one (already canonical) view."""
    x = _resample(a, _N, _N)
    dct = _D @ x @ _D.T
    low = dct[:16, :16]
    low8 = dct[:8, :8]
    g = _resample(a, 17, 16)
    return {
        "phash": bits_to_int(low > np.median(low)),
        "dhash": bits_to_int(g[:, 1:] > g[:, :-1]),
        "phash64": bits_to_int(low8 > np.median(low8)),
    }


# --- variants -----------------------------------------------------------------------

SUBVIEWS = {
    # name: (top, bottom, left, right) fractions of the UNTRIMMED image kept, then trimmed.
    # A banner over the bottom (top) 15 % leaves the "top" ("bottom") view untouched.
    "top": (0.0, 0.8, 0.0, 1.0),
    "bottom": (0.2, 1.0, 0.0, 1.0),
    "center": (0.04, 0.96, 0.04, 0.96),
    "tl": (0.0, 0.93, 0.0, 0.93),
    "tr": (0.0, 0.93, 0.07, 1.0),
    "bl": (0.07, 1.0, 0.0, 0.93),
    "br": (0.07, 1.0, 0.07, 1.0),
}
ROTATIONS = {"rot+3": 3.0, "rot-3": -3.0}

# Gallery-side crop views at CROP_SCALES of the side, anchored at the corners, edge middles
# and centre ("c95", "tl95", ...): a listing photo cropped by 5-10 % (mirrored or not) then
# lines up with one of them, so the query needs no extra views. Measured on calibration set
# A (docs/images.md): 95 % alone gave all the gain of 90 % + 95 % (96.0 % vs 92.9 %); the 8 original views are kept
# unchanged so galleries hashed before these views were added keep working.
CROP_SCALES = (0.95,)
_ANCHORS = {"tl": (0, 0), "tr": (0, 1), "bl": (1, 0), "br": (1, 1), "c": (0.5, 0.5),
            "t": (0, 0.5), "b": (1, 0.5), "l": (0.5, 0), "r": (0.5, 1)}
CROP_VIEWS: dict[str, tuple[float, float, float, float]] = {}
for _s in CROP_SCALES:
    for _name, (_ty, _tx) in _ANCHORS.items():
        _t, _l = _ty * (1 - _s), _tx * (1 - _s)
        CROP_VIEWS[f"{_name}{round(_s * 100)}"] = (_t, _t + _s, _l, _l + _s)
SUBVIEWS.update(CROP_VIEWS)

# What the gallery stores for each entry, what a query computes, and which query view is
# compared with which gallery view.
BASE_GALLERY_VARIANTS = ("orig", "top", "bottom", "center", "tl", "tr", "bl", "br")  # algorithm v1
GALLERY_VARIANTS = BASE_GALLERY_VARIANTS + tuple(CROP_VIEWS)
QUERY_VARIANTS = ("orig", "mirror", "rot+3", "rot-3", "top", "bottom")
COMPARE = (
    ("orig", "orig"), ("mirror", "orig"), ("rot+3", "orig"), ("rot-3", "orig"),
    ("orig", "center"), ("mirror", "center"),
    ("orig", "tl"), ("orig", "tr"), ("orig", "bl"), ("orig", "br"),
    ("mirror", "tl"), ("mirror", "tr"), ("mirror", "bl"), ("mirror", "br"),
    ("top", "top"), ("bottom", "bottom"),
) + tuple((q, g) for g in CROP_VIEWS for q in ("orig", "mirror"))


def _sub(a: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    h, w = a.shape[:2]
    t, b, l, r = box
    return a[round(h * t): round(h * b), round(w * l): round(w * r)]


def _rotate(a: np.ndarray, deg: float) -> np.ndarray:
    frame = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    im = Image.fromarray(a.astype(np.float32), "F")
    r = im.rotate(deg, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=float(np.median(frame)))
    return np.asarray(r, dtype=np.float32)


def view(raw: np.ndarray, name: str) -> np.ndarray:
    """One named view of the untrimmed float array, trimmed."""
    return view_with_chroma(raw, None, name)[0]


def _untrimmed(a: np.ndarray, name: str, fill: float | None = None) -> np.ndarray:
    if name == "orig":
        return a
    if name == "mirror":
        return a[:, ::-1]
    if name in ROTATIONS:
        if fill is None:
            return _rotate(a, ROTATIONS[name])
        im = Image.fromarray(a.astype(np.float32), "F")
        return np.asarray(im.rotate(ROTATIONS[name], resample=Image.Resampling.BILINEAR, expand=False,
                                    fillcolor=fill), dtype=np.float32)
    return _sub(a, SUBVIEWS[name])


def view_with_chroma(raw: np.ndarray, chroma: np.ndarray | None,
                     name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """One named view of the grey array and (if given) of the (h, w, 2) chroma planes, both
    cut to the box that `trim` finds on the grey view."""
    g = _untrimmed(raw, name)
    r0, r1, c0, c1 = trim_box(g)
    if chroma is None:
        return g[r0:r1, c0:c1], None
    if name in ROTATIONS:
        planes = [_untrimmed(np.ascontiguousarray(chroma[:, :, k]), name, fill=0.0) for k in range(2)]
        return g[r0:r1, c0:c1], np.stack([p[r0:r1, c0:c1] for p in planes], axis=2)
    return g[r0:r1, c0:c1], _untrimmed(chroma, name)[r0:r1, c0:c1]


# --- colour signature ------------------------------------------------------------------
# Per view, a COLOUR_GRID x COLOUR_GRID grid of cell chromaticities: mean Cb and Cr (minus
# 128) divided by the cell's mean luma, so scaling the brightness (which scales Y, Cb-128 and
# Cr-128 alike) leaves it unchanged, stored as signed bytes. Grey images have all zeros.
COLOUR_GRID = 4
COLOUR_SCALE = 64.0  # chromaticity 1.0 -> 64
COLOUR_MIN_LUMA = 32.0  # dark cells: the ratio is unstable, so the luma divisor is at least this


def _cell_means(a: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Means of a (h, w[, k]) array over the grid cells (float64 sums; cells are non-empty)."""
    s = np.add.reduceat(np.add.reduceat(a.astype(np.float64), rows[:-1], axis=0), cols[:-1], axis=1)
    n = np.outer(np.diff(rows), np.diff(cols)).astype(np.float64)
    return s / (n if a.ndim == 2 else n[:, :, None])


def colour_signature(grey: np.ndarray, chroma: np.ndarray | None) -> int:
    """(trimmed grey view, its (h, w, 2) chroma) -> 2*GRID*GRID signed bytes packed as an int (big-endian)."""
    n = COLOUR_GRID
    h, w = grey.shape
    if chroma is None or h < n or w < n:
        return 0
    rows = np.linspace(0, h, n + 1).round().astype(np.intp)
    cols = np.linspace(0, w, n + 1).round().astype(np.intp)
    y = np.maximum(_cell_means(grey, rows, cols), COLOUR_MIN_LUMA)
    c = _cell_means(chroma, rows, cols)
    out = np.clip(np.round(c / y[:, :, None] * COLOUR_SCALE), -127, 127).astype(np.int8)
    return int.from_bytes(out.tobytes(), "big")


def colour_cells(sig: int) -> np.ndarray:
    """A packed signature -> (GRID*GRID, 2) int64 cells."""
    b = sig.to_bytes(2 * COLOUR_GRID * COLOUR_GRID, "big")
    return np.frombuffer(b, dtype=np.int8).astype(np.int64).reshape(-1, 2)


@dataclass(frozen=True, slots=True)
class ImageHashes:
    """Hashes of several views of one image: {view: {hash type: int}}."""

    variants: dict[str, dict[str, int]]

    def __getitem__(self, variant: str) -> dict[str, int]:
        return self.variants[variant]


def compute(im: Image.Image, variants: tuple[str, ...] = GALLERY_VARIANTS) -> ImageHashes:
    """Check information content, then hash the requested views of `im`."""
    raw = np.asarray(im, dtype=np.float32)
    canonical(im)  # raises image_too_small / image_low_information
    chroma = im.info.get("chroma")
    if chroma is not None:
        chroma = chroma.astype(np.float32)
    out = {}
    for name in variants:
        g, c = view_with_chroma(raw, chroma, name)
        hs = hashes_of(np.ascontiguousarray(g))
        hs["colour"] = colour_signature(g, c)
        out[name] = hs
    return ImageHashes(out)
