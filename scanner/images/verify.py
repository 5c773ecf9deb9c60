"""Stage 3b: verification. The hash index *proposes* gallery entries; this stage *decides*.

Hashes are good proposers and poor deciders: two product shots made from one template (same
outline, different body colour, monogram pattern or logo word) hash alike. For each proposed
entry this stage

1. matches ORB keypoints of the listing photo (and, if that fails, of its mirror image) with
   the entry's stored keypoints (Hamming distance, ratio test) and fits a similarity transform
   with RANSAC (`cv2.estimateAffinePartial2D`): rotation, scale, shift -- what padding,
   cropping, resizing and small rotations do;
2. warps the listing photo onto the entry's reference image with that fit and compares them
   cell by cell over the entry's product (its non-background pixels; the whole frame for a
   photo): brightness-normalised colour (Cb/Y, Cr/Y) and structure (correlation of the
   lightly blurred grey). A band at the top or bottom of the listing photo that disagrees
   almost everywhere is a banner and is left out (at most BANNER_MAX of the photo).
   Then pixel by pixel (a residual that tolerates a pixel of misalignment) and, per cell, the
   fine texture (`_detail`: a monogram's marks, which the blurred structure check cannot see).

A transformed copy agrees in nearly every cell; a same-template product differs in colour
over the body, or in structure where its logo/pattern differs. All thresholds are in
`VerifyLimits` and are chosen on calibration set A (tools/calibrate.py, docs/images.md).

What is stored per gallery entry (gallery.py, table `verify`, read only for candidates):
`Keypoints` (x, y as float16, 32-byte ORB descriptors). The reference image itself is the
entry's canonical copy (table `images`), decoded exactly like a listing photo.
"""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
from PIL import Image

from scanner.images.hashing import colour_array

MAX_KEYPOINTS = 300
_ORB_LOCAL = threading.local()  # cv2.ORB objects are not documented as thread-safe


def _orb():
    orb = getattr(_ORB_LOCAL, "orb", None)
    if orb is None:
        orb = cv2.ORB_create(nfeatures=MAX_KEYPOINTS, scaleFactor=1.2, nlevels=6, edgeThreshold=15,
                             patchSize=15, fastThreshold=10)
        _ORB_LOCAL.orb = orb
    return orb


@dataclass(frozen=True, slots=True)
class Keypoints:
    """ORB keypoints of one image at decode.WORK_SIZE: positions (n, 2) and descriptors (n, 32)."""

    xy: np.ndarray
    desc: np.ndarray

    def __len__(self) -> int:
        return len(self.xy)

    def to_bytes(self) -> bytes:
        n = len(self.xy)
        return n.to_bytes(2, "big") + self.xy.astype("<f2").tobytes() + self.desc.astype(np.uint8).tobytes()

    @staticmethod
    def count(b: bytes) -> int:
        """How many keypoints a stored record holds, from its header (the record is not parsed); a record
        whose length does not match its header raises ValueError, as `from_bytes` would."""
        n = int.from_bytes(b[:2], "big")
        if len(b) != 2 + n * (4 + 32):
            raise ValueError(f"keypoint record has {len(b)} bytes, expected {2 + n * 36}")
        return n

    @classmethod
    def from_bytes(cls, b: bytes) -> "Keypoints":
        n = int.from_bytes(b[:2], "big")
        if len(b) != 2 + n * (4 + 32):
            raise ValueError(f"keypoint record has {len(b)} bytes, expected {2 + n * 36}")
        xy = np.frombuffer(b, dtype="<f2", count=2 * n, offset=2).astype(np.float32).reshape(n, 2)
        desc = np.frombuffer(b, dtype=np.uint8, count=32 * n, offset=2 + 4 * n).reshape(n, 32)
        return cls(xy, desc)


def keypoints(grey: np.ndarray) -> Keypoints:
    kps, desc = _orb().detectAndCompute(np.ascontiguousarray(grey, dtype=np.uint8), None)
    if desc is None or not kps:
        return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))
    xy = np.array([k.pt for k in kps], dtype=np.float32)
    # stored as float16: sub-pixel positions at 256 px survive (0.125 px steps above 256)
    return Keypoints(xy.astype(np.float16).astype(np.float32), desc)


@dataclass(frozen=True)
class View:
    """One image as verification sees it: grey (h, w) uint8 at decode.WORK_SIZE, its colour as
    (h, w, 3) float32 Y, Cb-128, Cr-128 at the same size (None for a grey image), keypoints."""

    grey: np.ndarray
    ycc: np.ndarray | None
    kp: Keypoints
    _mirror: list = field(default_factory=list, repr=False, compare=False)

    def mirrored(self) -> "View":
        if not self._mirror:  # computed once, only when the unmirrored fit fails
            g = np.ascontiguousarray(self.grey[:, ::-1])
            c = None if self.ycc is None else np.ascontiguousarray(self.ycc[:, ::-1])
            self._mirror.append(View(g, c, keypoints(g)))
        return self._mirror[0]


def view_of(im: Image.Image, kp: Keypoints | None = None) -> View:
    """A `decode.decode()` result -> View (keypoints computed unless given: stored ones)."""
    grey = np.asarray(im, dtype=np.uint8)
    col = im.info.get("colour_work")  # decode's YCbCr at the work size (a JPEG's own planes)
    if col is None and im.info.get("colour_full") is not None:  # another format: reduce it once, here
        col = im.info["colour_full"].resize(im.size, Image.Resampling.BOX)
    if col is None:
        col = im.info.get("colour")
    ycc = None
    if col is not None:
        c = colour_array(col if col.size == im.size else col.resize(im.size, Image.Resampling.BILINEAR))
        c[:, :, 0] = grey  # the full-resolution luma
        ycc = c
    return View(grey, ycc, keypoints(grey) if kp is None else kp)


@dataclass(frozen=True, slots=True)
class VerifyLimits:
    """The decision rule's limits. Defaults = chosen on calibration set A by
    `python -m tools.calibrate_verify` (min_inliers, min_colour, min_structure, max_residual,
    max_blob, min_detail, max_marks: the fewest false matches at >= 90 % true matches on A); the
    others are set by hand."""

    ratio: float = 0.8  # Lowe's ratio test on descriptor distances
    reproj_px: float = 4.0  # RANSAC inlier distance at WORK_SIZE
    min_inliers: int = 16
    min_scale: float = 0.4
    max_scale: float = 2.5
    max_rotation_deg: float = 12.0
    cell_colour: float = 10.0  # per-cell |d(Cb/Y)| + |d(Cr/Y)|, x64 (the colour signature's unit)
    cell_structure: float = 0.5  # per-cell correlation of the blurred grey
    min_colour: float = 1.0  # share of product cells that must agree in colour
    min_structure: float = 1.0  # share of product cells that must agree in structure
    min_cells: int = 4
    max_residual: float = 0.002  # share of compared pixels that differ after alignment
    max_blob: float = 0.002  # the largest connected differing region (a changed logo, a patch)
    max_residual_mirrored: float = 0.002  # chosen equal to the unmirrored ones (calibration)
    max_blob_mirrored: float = 0.002
    min_detail: float = 0.95  # share of textured product cells whose fine texture agrees (_detail)
    max_marks: float = 0.0001  # the largest mark in one image only (_marks), as a share of the compared pixels


DEFAULT_LIMITS = VerifyLimits()
# Stage 1 limits: looser than the calibrated hash rule (index.DEFAULT_THRESHOLDS), so that
# transformed copies the hashes alone miss are proposed; verification then decides.
PROPOSAL_THRESHOLDS: dict[str, int] = {"phash64": 20, "phash": 112, "dhash": 128, "colour": 200}
MAX_CANDIDATES = 8
GRID = 8
SATURATED = 250.0  # grey level: a brightened listing photo's pixels at or above it are left out of the comparison
BANNER_MAX = 0.25  # at most this share of the listing photo's height is ignored as a banner
BG_TOLERANCE = 24.0


@dataclass(frozen=True, slots=True)
class Verdict:
    accepted: bool
    inliers: int
    colour: float  # share of product cells agreeing in colour (0 when no fit)
    structure: float  # share agreeing in structure
    cells: int
    mirrored: bool
    banner: float  # share of the listing photo's height ignored as a banner
    reason: str  # "", or why it was refused: no_fit, geometry, cells, colour, structure, residual, detail, marks
    residual: float = 1.0  # share of compared pixels that differ (after alignment)
    blob: float = 1.0  # the largest connected differing region, as a share of compared pixels
    detail: float = 0.0  # share of the textured product cells whose fine texture agrees (_detail)
    marks: float = 1.0  # the largest region where one image has a mark and the other none (_marks)
    colour_compared: bool = True  # False when either image is grey: no colour check could be made

    def measures(self) -> dict[str, float]:
        return {"inliers": self.inliers, "colour": round(self.colour, 3), "structure": round(self.structure, 3),
                "residual": round(self.residual, 4), "blob": round(self.blob, 4), "detail": round(self.detail, 3),
                "marks": round(self.marks, 4)}


_NO = dict(colour=0.0, structure=0.0, cells=0, banner=0.0, residual=1.0, blob=1.0)
_BF = cv2.BFMatcher(cv2.NORM_HAMMING)


def _fit(q: Keypoints, g: Keypoints, lim: VerifyLimits) -> tuple[np.ndarray | None, int]:
    if len(q) < 3 or len(g) < 3:
        return None, 0
    pairs = _BF.knnMatch(q.desc, g.desc, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < lim.ratio * p[1].distance]
    if len(good) < 3:
        return None, len(good)
    src = q.xy[[m.queryIdx for m in good]]
    dst = g.xy[[m.trainIdx for m in good]]
    cv2.setRNGSeed(0)  # RANSAC samples: the same answer every run
    M, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=lim.reproj_px,
                                         maxIters=2000, confidence=0.995)
    if M is None:
        return None, 0
    return M, int(inl.sum())


def _geometry_ok(M: np.ndarray, lim: VerifyLimits) -> bool:
    scale = float(np.hypot(M[0, 0], M[1, 0]))
    angle = float(np.degrees(np.arctan2(M[1, 0], M[0, 0])))
    return lim.min_scale <= scale <= lim.max_scale and abs(angle) <= lim.max_rotation_deg


def _product_mask(g: View) -> np.ndarray:
    """The entry's non-background pixels (all pixels when its frame is not mostly plain)."""
    y = g.grey.astype(np.float32)
    frame = np.concatenate([y[0], y[-1], y[:, 0], y[:, -1]])
    bg = float(np.median(frame))
    if np.mean(np.abs(frame - bg) <= BG_TOLERANCE) < 0.5:
        return np.ones(y.shape, bool)
    mask = np.abs(y - bg) > BG_TOLERANCE
    if g.ycc is not None:
        c = g.ycc[:, :, 1:]
        fc = np.concatenate([c[0], c[-1], c[:, 0], c[:, -1]])
        mask |= np.abs(c - np.median(fc, axis=0)).sum(axis=2) > 12
    return cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)


def _cells(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.nonzero(mask)
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    return (np.linspace(r0, r1, GRID + 1).round().astype(int), np.linspace(c0, c1, GRID + 1).round().astype(int))


def compare(q: View, g: View, M: np.ndarray, lim: VerifyLimits = DEFAULT_LIMITS) -> dict[str, float]:
    """Warp `q` onto `g` with M (query -> gallery pixels) and compare cell by cell."""
    h, w = g.grey.shape
    gy = g.grey.astype(np.float32)
    # gallery -> query pixels (ECC refinement of the fit was tried: with the levels matched by
    # a gain/offset it changed nothing on calibration set A, cost ~15 ms, and wandered on banners)
    Mi = cv2.invertAffineTransform(M)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    ones = np.ones(q.grey.shape, np.float32)
    valid = cv2.warpAffine(ones, Mi, (w, h), flags=flags, borderValue=0) > 0.99
    qy = cv2.warpAffine(q.grey.astype(np.float32), Mi, (w, h), flags=flags)
    # the listing photo's own row (0 = top, 1 = bottom) at each gallery pixel: banners are bands of the photo
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    qrow = (Mi[1, 0] * xx + Mi[1, 1] * yy + Mi[1, 2]) / q.grey.shape[0]
    product = _product_mask(g)
    use = product & valid
    # the outermost pixels of either image blend with whatever surrounds them (padding, JPEG)
    use &= cv2.erode(valid.astype(np.uint8), np.ones((7, 7), np.uint8), borderType=cv2.BORDER_CONSTANT,
                     borderValue=0).astype(bool)
    if use.sum() < 16:
        return {**_NO}
    if q.ycc is not None and g.ycc is not None:
        qc = np.stack([cv2.warpAffine(np.ascontiguousarray(q.ycc[:, :, k]), Mi, (w, h), flags=flags)
                       for k in (1, 2)], axis=2)
        gc = g.ycc[:, :, 1:]
    else:
        qc = gc = None
    # a brightened photo clips: where a channel reached 255 its colour and texture changed, which no gain undoes.
    # So the entry is brightened the same way (gain, then clipped per channel) and compared with that.
    k = _brightening(qy, gy, use)
    if k > BRIGHTER:
        gy, gc = _brightened(gy, gc, k)
    # first a rough brightness match (median ratio) to find a banner; the level match comes
    # after the banner is left out (its colours would bend the mapping everywhere else)
    gain = float(np.median(gy[use])) / max(1.0, float(np.median(qy[use])))
    bad = np.abs(qy * gain - gy) > 48
    if qc is not None:
        bad |= np.abs(qc / np.maximum(qy, 32)[:, :, None] - gc / np.maximum(gy, 32)[:, :, None]).sum(axis=2) * 64 > 24
    # banner: the largest top/bottom band of the photo (<= BANNER_MAX) where most pixels disagree
    banner = 0.0
    keep = np.ones((h, w), bool)
    for t in (0.25, 0.2, 0.15, 0.1):
        for band in (qrow >= 1 - t, qrow <= t):
            sel = band & valid
            if sel.sum() > 0 and bad[sel].mean() > 0.6 and keep[sel].all():
                keep &= ~band
                banner = max(banner, t)
    if 1 - keep[valid].mean() > BANNER_MAX + 0.05:
        keep[:] = True
        banner = 0.0
    use &= keep
    if use.sum() < 16:
        return {**_NO, "banner": banner}
    # a saturated pixel of a brightened listing photo (past white) says nothing about what was there, nor do its
    # neighbours that resampling and JPEG blended with it. A photo at most BRIGHTER than the entry can have clipped
    # only the entry's lightest tones: elsewhere its white is white, and only white over a tone from CLIPPED_FROM up
    # is left out. (v4.8: before, every white pixel and its 2-px neighbourhood were, so a thin word or a silhouette's
    # outline on white ground was never compared: a label's other word passed, a black-on-white shape's copies were
    # refused.) The cells' colour is still read away from white: JPEG keeps colour at half resolution, so a thin
    # stroke's colour bleeds into the white around it. (The per-pixel chroma of the residual reads all of `use`.)
    away_from_white = use & ~cv2.dilate((qy >= SATURATED).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    if k > BRIGHTER:
        use = away_from_white
    else:
        use &= ~((qy >= SATURATED) & (gy >= CLIPPED_FROM))
    if use.sum() < 16:
        return {**_NO, "banner": banner}
    qn = _match_levels(qy, gy, use)
    rows, cols = _cells(product)
    qb = cv2.GaussianBlur(qn, (0, 0), 1.5)
    gb = cv2.GaussianBlur(gy, (0, 0), 1.5)
    area = np.outer(np.diff(rows), np.diff(cols)).astype(np.float64)
    cells, used, c = _cell_sums(use, rows, cols, area)
    qb64, gb64 = qb.astype(np.float64), gb.astype(np.float64)
    ma, mb = cells(qb64) / c, cells(gb64) / c
    va = np.maximum(cells(qb64 * qb64) / c - ma * ma, 0)
    vb = np.maximum(cells(gb64 * gb64) / c - mb * mb, 0)
    cov = cells(qb64 * gb64) / c - ma * mb
    sa, sb = np.sqrt(va), np.sqrt(vb)
    # a cell flat in one image (std < 4 levels) is compared by its mean when the other is nearly flat too (< 8):
    # one cut-off for both flipped cells of barely any contrast (a plain body with faint shading) to "differs"
    flat_a, flat_b = sa < 4, sb < 4
    ncc = cov / np.maximum(sa * sb, 1e-9)
    s_ok = np.where((flat_a | flat_b) & (np.maximum(sa, sb) < 8), np.abs(ma - mb) < 24,
                    np.where(flat_a | flat_b, False, ncc >= lim.cell_structure))
    n = int(used.sum())
    str_ok = int((s_ok & used).sum())
    if qc is None:
        col_ok = n
    else:
        # over the pixels away from white; a cell with too few of them has no colour of its own to disagree with
        colour_cells, used_c, cc = ((cells, used, c) if use is away_from_white  # a brightened photo: the same
                                    else _cell_sums(away_from_white, rows, cols, area))
        ya = np.maximum(colour_cells(qy.astype(np.float64)) / cc, 32.0)
        yb = np.maximum(colour_cells(gy.astype(np.float64)) / cc, 32.0)
        d = sum(np.abs(colour_cells(qc[:, :, k].astype(np.float64)) / cc / ya
                       - colour_cells(gc[:, :, k].astype(np.float64)) / cc / yb) for k in (0, 1)) * 64
        col_ok = int(((d <= lim.cell_colour) & used_c).sum()) + int((used & ~used_c).sum())
    if n == 0:
        return {**_NO, "banner": banner}
    scale = float(np.hypot(M[0, 0], M[1, 0]))  # > 1: the listing photo was smaller, so it is softer
    chroma = None
    if qc is not None:  # per-pixel chromaticity of each (x64, the colour signature's unit)
        chroma = (qc / np.maximum(qy, 32)[:, :, None] * 64, gc / np.maximum(gy, 32)[:, :, None] * 64)
    res, blob = _residual(qn, gy, use, max(1.0, scale), chroma)
    small = _photo_size(gy.shape, scale)
    if small is not None:  # the listing photo was smaller: the entry's finer texture is not in it, so not compared
        gd = cv2.resize(cv2.resize(gy, small, interpolation=cv2.INTER_AREA), (w, h), interpolation=cv2.INTER_LINEAR)
    else:
        gd = gy
    detail = _detail(qn, gd, cells, c, used)
    marks = _marks(qn, gy, use, max(1.0, scale))
    return {"colour": float(col_ok) / n, "structure": float(str_ok) / n, "cells": n, "banner": banner,
            "colour_compared": qc is not None,
            "residual": res, "blob": blob, "detail": detail, "marks": marks}


CELL_MIN_SHARE = 0.3  # a cell is compared when at least this share of its pixels are


def _cell_sums(mask: np.ndarray, rows: np.ndarray, cols: np.ndarray, area: np.ndarray):
    """(sums(plane): per-cell sums of a plane over `mask`'s pixels, one pass each with no loop over cells; the
    cells holding at least CELL_MIN_SHARE of their area in `mask`; their pixel counts, at least 1)."""
    weight = mask.astype(np.float64)

    def sums(x: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.add.reduceat(x * weight, rows[:-1], axis=0), cols[:-1], axis=1)

    count = sums(np.ones_like(weight))
    return sums, (area > 0) & (count >= CELL_MIN_SHARE * np.maximum(area, 1)), np.maximum(count, 1)


def _photo_size(shape: tuple[int, ...], scale: float) -> tuple[int, int] | None:
    """(width, height) of an entry-sized plane at the listing photo's resolution, when the photo was smaller
    (the fit's scale > 1.05); None when it was not."""
    if scale <= 1.05:
        return None
    return max(8, round(shape[1] / scale)), max(8, round(shape[0] / scale))


def _reduced(size: tuple[int, int], q: np.ndarray, g: np.ndarray, use: np.ndarray):
    """q and g area-averaged to `size`, and the mask of compared pixels with them."""
    return (cv2.resize(q, size, interpolation=cv2.INTER_AREA), cv2.resize(g, size, interpolation=cv2.INTER_AREA),
            cv2.resize(use.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool))


MARK_FLAT = 16.0  # grey levels: a 5x5 neighbourhood whose range is under this holds no mark
MARK_DIFF = 32.0  # a pixel of a mark differs from the other image by at least this


def _marks(q: np.ndarray, g: np.ndarray, use: np.ndarray, scale: float = 1.0) -> float:
    """The largest connected region where one image has a mark (a stroke of a word, a ring, a dot) and the other
    is plain around it, as a share of the compared pixels.

    Why: the residual opens away lines thinner than RESIDUAL_OPEN px (a fit a pixel off draws every outline as
    one), so another logo word or another thin ring in the same place read 0 there. A misaligned outline is an
    edge in both images; a changed word is a stroke in one image over plain ground in the other."""
    size = _photo_size(g.shape, scale)
    if size is not None:  # at the listing photo's resolution, as the residual
        q, g, use = _reduced(size, q, g, use)
    q, g = np.ascontiguousarray(q, np.float32), np.ascontiguousarray(g, np.float32)
    k5 = np.ones((5, 5), np.uint8)
    plain_q = cv2.dilate(q, k5) - cv2.erode(q, k5) < MARK_FLAT
    plain_g = cv2.dilate(g, k5) - cv2.erode(g, k5) < MARK_FLAT
    m = ((np.abs(q - g) > MARK_DIFF) & use & (plain_q != plain_g)).astype(np.uint8)
    total = max(1, int(use.sum()))
    k, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    return (int(stats[1:, cv2.CC_STAT_AREA].max()) if k > 1 else 0) / total


# The fine texture of a cell: grey minus its blur at DETAIL_SIGMA px (a monogram's marks, print, stitching). A
# cell is textured when either image's texture varies by DETAIL_MIN_VAR (grey levels squared) or more there.
DETAIL_SIGMA = 2.0
DETAIL_MIN_VAR = 4.0
DETAIL_CELL = 0.3  # a textured cell agrees when its textures correlate this well ...
DETAIL_RATIO = 0.5  # ... and neither is under half as strong as the other


def _detail(qn: np.ndarray, gy: np.ndarray, cells, count: np.ndarray, used: np.ndarray) -> float:
    """Share of the textured product cells whose fine texture agrees (1.0 when fewer than 4 are textured).

    Why: the structure check compares blurred grey, in which a monogram of 5-px marks at the work size is gone;
    a same-template product with another pattern, or the same marks in another colour (faint in grey where the
    original's were bright), passed it. A transformed copy keeps its marks where they were and about as strong,
    except under heavy JPEG (set A's resized copies at q25 are refused by it five times: docs/images.md). `cells`
    sums a plane over each cell's compared pixels, `count` is their number (>= 1), `used` the cells with enough of
    them (compare)."""
    qh = qn.astype(np.float64) - cv2.GaussianBlur(qn, (0, 0), DETAIL_SIGMA).astype(np.float64)
    gh = gy.astype(np.float64) - cv2.GaussianBlur(gy, (0, 0), DETAIL_SIGMA).astype(np.float64)
    ma, mb = cells(qh) / count, cells(gh) / count
    va = np.maximum(cells(qh * qh) / count - ma * ma, 0)
    vb = np.maximum(cells(gh * gh) / count - mb * mb, 0)
    cov = cells(qh * gh) / count - ma * mb
    textured = used & ((va >= DETAIL_MIN_VAR) | (vb >= DETAIL_MIN_VAR))
    if int(textured.sum()) < 4:
        return 1.0
    sa, sb = np.sqrt(va), np.sqrt(vb)
    agree = (cov >= DETAIL_CELL * sa * sb) & (np.minimum(sa, sb) >= DETAIL_RATIO * np.maximum(sa, sb))
    return float((agree & textured).sum()) / int(textured.sum())


_K3 = np.ones((3, 3), np.uint8)
BRIGHTER = 1.08  # a listing photo this much brighter than the entry is compared with the entry brightened
# a photo at most BRIGHTER can have clipped an entry's tone from SATURATED / BRIGHTER (~231) up; 30 levels lower for
# the error of the brightness estimate and of JPEG (compare): 202 as a grey level
CLIPPED_FROM = SATURATED / BRIGHTER - 30


def _brightening(q: np.ndarray, g: np.ndarray, use: np.ndarray) -> float:
    """How much brighter q is than g: the median ratio over compared pixels that neither clipped nor are dark."""
    ok = use & (q < 240) & (g > 16)
    if ok.sum() < 16:
        return 1.0
    return float(np.median(q[ok] / g[ok]))


def _brightened(y: np.ndarray, c: np.ndarray | None, k: float) -> tuple[np.ndarray, np.ndarray | None]:
    """(Y, (Cb, Cr) centred) of the image brightened by k as PIL's ImageEnhance.Brightness does: each RGB channel
    times k, clipped to 255."""
    if c is None:
        return np.minimum(y * k, 255.0).astype(np.float32), None
    cb, cr = c[:, :, 0], c[:, :, 1]
    rgb = [np.clip((y + 1.402 * cr) * k, 0, 255), np.clip((y - 0.344136 * cb - 0.714136 * cr) * k, 0, 255),
           np.clip((y + 1.772 * cb) * k, 0, 255)]
    r, g, b = rgb
    y2 = 0.299 * r + 0.587 * g + 0.114 * b
    cb2 = -0.168736 * r - 0.331264 * g + 0.5 * b
    cr2 = 0.5 * r - 0.418688 * g - 0.081312 * b
    return y2.astype(np.float32), np.stack([cb2, cr2], axis=2).astype(np.float32)


def _match_levels(q: np.ndarray, g: np.ndarray, use: np.ndarray) -> np.ndarray:
    """q's grey levels scaled onto g's by one gain, the median ratio over the compared pixels:
    a brightness change scales every level alike (`ImageEnhance.Brightness`, exposure).
    (Tried on set A and the fixtures: a 33-quantile map -- its steep steps sent one flat body
    colour far apart; a least-squares gain + offset -- JPEG-softened edges and the background
    ring around the product pulled it to an offset of -20 on a brightened copy.)"""
    x, y = q[use], g[use]
    ok = x > 16
    if ok.sum() < 16:
        return q
    a = float(np.median(y[ok] / x[ok]))
    a = min(max(a, 0.5), 2.0)  # brightness +-30 % is a gain of 0.77-1.43
    return (q * a).astype(np.float32)


def _residual(q: np.ndarray, g: np.ndarray, use: np.ndarray, scale: float = 1.0,
              chroma: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[float, float]:
    """Pixels where the aligned, level-matched images differ by more than RESIDUAL_GREY after
    a light blur, each outside the other's 3x3 range (or their chromaticities, `chroma` =
    (listing photo's, entry's) (h, w, 2) x64, by more than RESIDUAL_CHROMA), with lines thinner
    than RESIDUAL_OPEN opened away: (their share of the compared pixels, the largest connected
    region's share)."""
    size = _photo_size(g.shape, scale)
    if size is not None:  # the listing photo was smaller: compare at its resolution, not the gallery's
        q, g, use = _reduced(size, q, g, use)
        if chroma is not None:
            chroma = tuple(cv2.resize(x.astype(np.float32), size, interpolation=cv2.INTER_AREA) for x in chroma)
    # a grey level differs when it is outside the other image's 3x3 range, both ways: a fit a pixel off drew the
    # product's outline as a 2-3 px line of differences (calibration set A). The price: a mark under ~6 px, or a
    # faint one, is inside that range once opened (tests/images/test_verify.py); fine monogram changes are the
    # detail check's (_detail)
    differs = _outside_range(cv2.GaussianBlur(q, (0, 0), 1.0), cv2.GaussianBlur(g, (0, 0), 1.0)) > RESIDUAL_GREY
    if chroma is not None:  # a changed colour of the same brightness (a recoloured monogram), pixel by pixel: a
        # 3x3 range here too let 6 more look-alikes through on set A (logos told apart by colour alone)
        differs |= cv2.GaussianBlur(np.abs(chroma[0] - chroma[1]).sum(axis=2).astype(np.float32), (0, 0),
                                    1.5) > RESIDUAL_CHROMA
    m = (differs & use).astype(np.uint8)
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((RESIDUAL_OPEN, RESIDUAL_OPEN), np.uint8))
    total = max(1, int(use.sum()))
    k, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    blob = int(stats[1:, cv2.CC_STAT_AREA].max()) if k > 1 else 0
    return float(m.sum()) / total, blob / total


def _outside_range(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pixel, how far a is outside b's 3x3 range and b outside a's, the smaller of the two (0 when either is
    inside the other's range)."""
    a, b = np.ascontiguousarray(a, np.float32), np.ascontiguousarray(b, np.float32)
    ab = np.maximum(np.maximum(a - cv2.dilate(b, _K3), cv2.erode(b, _K3) - a), 0)
    ba = np.maximum(np.maximum(b - cv2.dilate(a, _K3), cv2.erode(a, _K3) - b), 0)
    return np.minimum(ab, ba)


RESIDUAL_CHROMA = 24.0  # per-pixel |d(Cb/Y)| + |d(Cr/Y)| x64 counted as differing
RESIDUAL_OPEN = 3  # px: differing lines thinner than this are edges (resampling, JPEG), not content
RESIDUAL_GREY = 12.0


def _measure(q: View, g: View, lim: VerifyLimits, mirrored: bool) -> Verdict:
    M, inliers = _fit(q.kp, g.kp, lim)
    if M is None or inliers < lim.min_inliers:
        return Verdict(False, inliers, mirrored=mirrored, reason="no_fit", **_NO)
    if not _geometry_ok(M, lim):
        return Verdict(False, inliers, mirrored=mirrored, reason="geometry", **_NO)
    c = compare(q, g, M, lim)
    v = Verdict(False, inliers, c["colour"], c["structure"], int(c["cells"]), mirrored, c["banner"], "",
                c["residual"], c["blob"], c.get("detail", 0.0), c.get("marks", 1.0), c.get("colour_compared", True))
    reason = judge(v, lim)
    # fitted, colour and structure agree, and the residual or the fine detail refused: maybe the photo lost its
    # fine texture (JPEG, resampling). A detail reading far off is another pattern, not a blurred one: not retried
    if reason == "residual" or (reason == "detail" and v.detail >= DETAIL_RETRY_FROM):
        c2 = compare(q, _recompressed(g, float(np.hypot(M[0, 0], M[1, 0]))), M, lim)
        # only the check that refused is read again; the others keep the first comparison's measures (a
        # look-alike's other pattern blurs away in the recompressed entry, so a residual retry keeps the detail)
        res, blob, det = ((c2["residual"], c2["blob"], c["detail"]) if reason == "residual"
                          else (c["residual"], c["blob"], c2["detail"]))
        v2 = replace(v, residual=res, blob=blob, detail=det, marks=max(c["marks"], c2.get("marks", 1.0)))
        if judge(v2, lim) == "":
            v, reason = v2, ""
    return replace(v, accepted=reason == "", reason=reason)


RECOMPRESSED_QUALITY = 30  # the entry is compared again as a JPEG of this quality when the residual or detail refused
# a detail refusal is retried from this first reading up: the copies the retry accepted on sets A and D read 0.83-0.95
# first; a pattern look-alike (rings for crosses) read 0.49, and 0.91-0.92 against the blurred entry
DETAIL_RETRY_FROM = 0.8


def _recompressed(g: View, scale: float, quality: int = RECOMPRESSED_QUALITY) -> View:
    """The entry as a listing photo of its size, JPEG-compressed at `quality`: compared with a heavily
    compressed photo, it carries the same kind of blur and ringing."""
    h, w = g.grey.shape
    if g.ycc is not None:
        y, cb, cr = g.ycc[:, :, 0], g.ycc[:, :, 1], g.ycc[:, :, 2]
        rgb = np.clip(np.stack([y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb], axis=2), 0, 255)
        im = Image.fromarray(rgb.round().astype(np.uint8), "RGB")
    else:
        im = Image.fromarray(g.grey, "L")
    size = _photo_size(g.grey.shape, scale)
    if size is not None:
        im = im.resize(size, Image.Resampling.BOX)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    back = Image.open(io.BytesIO(buf.getvalue()))
    back.load()
    if back.size != (w, h):
        back = back.resize((w, h), Image.Resampling.BILINEAR)
    grey = np.asarray(back.convert("L"), dtype=np.uint8)
    ycc = None
    if g.ycc is not None:
        ycc = colour_array(back.convert("YCbCr"))
        ycc[:, :, 0] = grey
    return View(grey, ycc, g.kp)


def judge(v: Verdict, lim: VerifyLimits) -> str:
    """The decision rule on a fitted pair's measures: "" = accepted, else the first failed check."""
    if v.inliers < lim.min_inliers:
        return "no_fit"
    if v.cells < lim.min_cells:
        return "cells"
    if v.colour < lim.min_colour:
        return "colour"
    if v.structure < lim.min_structure:
        return "structure"
    if v.mirrored:
        if v.residual > max(lim.max_residual_mirrored, lim.max_residual) or v.blob > max(lim.max_blob_mirrored,
                                                                                        lim.max_blob):
            return "residual"
    elif v.residual > lim.max_residual or v.blob > lim.max_blob:
        return "residual"
    if v.detail < lim.min_detail:
        return "detail"
    if v.marks > lim.max_marks:
        return "marks"
    return ""


def can_verify(keypoints: int, lim: VerifyLimits = DEFAULT_LIMITS) -> bool:
    """Is an entry with this many stored keypoints one verification can judge? Not with fewer than
    `min_inliers` (a flat gradient or a plain product has next to none; a thumbnail has few): its fit would
    rest on fewer distinct points than the limit asks for. (The ratio test may pair several of the photo's
    keypoints with one of the entry's, so such a fit can still count min_inliers inliers, now and then,
    over 3-12 stored points: a code review measured it on blurred shapes.) Such an entry is decided by the
    hash rule (snapshot.decide)."""
    return keypoints >= lim.min_inliers


def measure_both(q: View, g: View, lim: VerifyLimits = DEFAULT_LIMITS) -> tuple[Verdict, Verdict]:
    """Both orientations' verdicts (calibration: tools/calibrate.py chooses limits from them)."""
    return _measure(q, g, lim, False), _measure(q.mirrored(), g, lim, True)


def verify(q: View, g: View, lim: VerifyLimits = DEFAULT_LIMITS) -> Verdict:
    """Does listing photo `q` show the same product shot as gallery reference `g`? The
    unmirrored fit first; the mirror image only when that is refused."""
    first = _measure(q, g, lim, False)
    if first.accepted:
        return first
    second = _measure(q.mirrored(), g, lim, True)
    if second.accepted:
        return second
    return max((first, second), key=lambda v: (v.colour + v.structure, v.inliers))
