"""Choose the match thresholds from a measured curve, then report held-out match rates.

    python -m tools.calibrate [--write docs/images.md] [--products 60]

1. Calibration set A: half of the scikit-image photographs + synthetic product shots
   (seeds 1000...) form a gallery; the other half are non-matching images. Every image is
   put through the seller transforms of `evalset.transforms()`.
2. For every colour limit (steps of 10) and threshold pair (phash64, phash) the largest dHash
   threshold that still gives ZERO false matches on set A is found; the best true-match rate
   wins. The colour limit is the middle of the range of limits that reach that best rate
   (a margin on both sides: tighter loses true copies, looser lets look-alikes through);
   for it, ties go to the smallest hash thresholds (the most conservative point).
3. Held-out set B (the other half of the photos as gallery, products from seeds 5000...)
   is scored with those thresholds, beside plain 64-bit `imagehash.phash` at threshold 10
   measured in the same run on the same files.

Everything is deterministic; the markdown table is printed and, with --write, placed
between the CALIBRATION markers of docs/images.md.
"""
from __future__ import annotations

import argparse
import collections
import io
import sys
import time
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

from scanner.images import hashing, image_hashes
from scanner.images.index import COLOUR_KEEP, DEFAULT_THRESHOLDS
from scanner.results import ImageInputError
from tools import evalset

KEYS = ("phash64", "phash", "dhash", "colour")
COLOUR_LIMITS = range(0, 170, 10)
BEGIN, END = "<!-- CALIBRATION:BEGIN -->", "<!-- CALIBRATION:END -->"


def _jpeg(im: Image.Image, q: int = 90) -> bytes:
    b = io.BytesIO()
    im.convert("RGB").save(b, "JPEG", quality=q)
    return b.getvalue()


def _png(im: Image.Image) -> bytes:
    b = io.BytesIO()
    im.save(b, "PNG")
    return b.getvalue()


def build(split: int, product_seed: int, n_products: int):
    """Hash one evaluation set. Returns (gallery, positives, negatives, refused)."""
    photos = evalset.skimage_photos()
    prods = evalset.product_images(n_products, seed=product_seed)
    gal_imgs = photos[split::2] + prods[0::2]
    neg_imgs = photos[1 - split::2] + prods[1::2]
    T = evalset.transforms()
    refused: collections.Counter = collections.Counter()

    def feats(im: Image.Image, variants, encode=_jpeg):
        data = encode(im)
        plain = imagehash.phash(Image.open(io.BytesIO(data)))
        try:
            return image_hashes(data, variants=variants).variants, plain
        except ImageInputError as e:
            refused[e.code] += 1
            return None, plain

    gallery = [(name,) + feats(im, hashing.GALLERY_VARIANTS, _png) for name, im in gal_imgs]
    pos = [(gi, tn) + feats(f(im), hashing.QUERY_VARIANTS) for gi, (_, im) in enumerate(gal_imgs) for tn, f in T]
    neg = [(-1, tn) + feats(f(im), hashing.QUERY_VARIANTS)
           for _, im in neg_imgs for tn, f in [("none", lambda x: x)] + T]
    return gallery, pos, neg, refused


def _points(q, g) -> np.ndarray:
    """(compared view pairs, 4): phash64, phash, dhash distances and the colour distance
    (index.colour_distance, vectorised over the pairs)."""
    pairs = [(qv, gv) for qv, gv in hashing.COMPARE if qv in q and gv in g]
    out = np.array([[(q[qv][k] ^ g[gv][k]).bit_count() for k in KEYS[:3]] + [0] for qv, gv in pairs],
                   dtype=np.int64)
    a = np.stack([hashing.colour_cells(q[qv]["colour"]) for qv, _ in pairs])
    b = np.stack([hashing.colour_cells(g[gv]["colour"]) for _, gv in pairs])
    out[:, 3] = np.sort(np.abs(a - b).sum(axis=2), axis=1)[:, :COLOUR_KEEP].sum(axis=1)
    return out


def _ok(p: np.ndarray, th: dict[str, int]) -> np.ndarray:
    return (p[..., 0] <= th["phash64"]) & (p[..., 1] <= th["phash"]) & (p[..., 2] <= th["dhash"]) \
        & (p[..., 3] <= th["colour"])


def distances(gallery, pos, neg):
    P = np.stack([_points(q, gallery[gi][1]) if q else np.full((len(hashing.COMPARE), 4), 999)
                  for gi, _, q, _ in pos])
    N = np.concatenate([_points(q, g[1]) for _, _, q, _ in neg if q for g in gallery if g[1]])
    return P, N


def _choose_at(P: np.ndarray, N: np.ndarray, limit: int):
    """Best zero-false-match hash thresholds at one colour limit: (tp, thresholds, curve)."""
    R = N[(N[:, 3] <= limit) & (N[:, 0] <= 24) & (N[:, 1] <= 96)]
    # M[a, b] = smallest dhash distance of a non-matching pair with phash64 <= a and phash <= b
    M = np.full((25, 97), 129, dtype=np.int64)
    np.minimum.at(M, (R[:, 0], R[:, 1]), R[:, 2])
    M = np.minimum.accumulate(np.minimum.accumulate(M, axis=0), axis=1)
    col = P[:, :, 3] <= limit
    best = None
    curve = {}
    for a in range(0, 25):
        pa = col & (P[:, :, 0] <= a)
        for b in range(0, 97):
            c = min(int(M[a, b]) - 1, 128)
            if c < 0:
                continue
            tp = int((pa & (P[:, :, 1] <= b) & (P[:, :, 2] <= c)).any(1).sum())
            key = (-tp, a / 64 + b / 256 + c / 256)
            if best is None or key < best[0]:
                best = (key, {"phash64": a, "phash": b, "dhash": c, "colour": limit})
            if tp > curve.get(a, (-1,))[0]:
                curve[a] = (tp, b, c)
    return -best[0][0], best[1], curve


def choose(P: np.ndarray, N: np.ndarray):
    """Best zero-false-match thresholds; also returns the curve (best rate per phash64 limit)
    at the chosen colour limit, and the true-match count per colour limit."""
    runs = {L: _choose_at(P, N, L) for L in COLOUR_LIMITS}
    top = max(r[0] for r in runs.values())
    plateau = [L for L, r in runs.items() if r[0] == top]
    limit = plateau[len(plateau) // 2]
    _, th, curve = runs[limit]
    return th, curve, {L: r[0] for L, r in runs.items()}


def evaluate(gallery, pos, neg, th: dict[str, int]):
    P, N = distances(gallery, pos, neg)
    ok = _ok(P, th).any(1)
    fp = int(_ok(N, th).sum())
    ours = collections.defaultdict(list)
    base = collections.defaultdict(list)
    for (gi, tn, _, plain), hit in zip(pos, ok):
        ours[tn].append(bool(hit))
        base[tn].append(plain - gallery[gi][2] <= 10)
    # false matches = (query, gallery image) pairs, not view pairs
    fp_pairs = 0
    for _, _, q, _ in neg:
        if not q:
            continue
        for g in gallery:
            p = _points(q, g[1])
            if _ok(p, th).any():
                fp_pairs += 1
    base_fp = sum(1 for _, _, _, plain in neg for g in gallery if plain - g[2] <= 10)
    n_pairs = len(neg) * len(gallery)
    return ours, base, fp_pairs, base_fp, n_pairs, fp


def table(ours, base, fp, base_fp, n_pairs, th, refused, n_gal, n_negq) -> str:
    lines = [
        f"Thresholds (chosen on set A, zero false matches): phash64 <= {th['phash64']}, "
        f"phash <= {th['phash']}, dhash <= {th['dhash']} bits; colour distance <= {th['colour']} "
        f"(sum of the {COLOUR_KEEP} closest of 16 grid cells).",
        "",
        f"Held-out set B: {n_gal} gallery images, {n_negq} non-matching queries "
        f"(unrelated images and their transforms), {n_pairs} non-matching (query, gallery) pairs.",
        "",
        "| transform | n | ours: true-match rate | plain pHash-64 @10 |",
        "|---|---|---|---|",
    ]
    tot_o = tot_b = tot = 0
    for tn in ours:
        o, b = ours[tn], base[tn]
        lines.append(f"| {tn} | {len(o)} | {np.mean(o):.1%} | {np.mean(b):.1%} |")
        tot_o += sum(o)
        tot_b += sum(b)
        tot += len(o)
    lines.append(f"| **all** | {tot} | **{tot_o / tot:.1%}** | {tot_b / tot:.1%} |")
    lines.append(f"| false matches (pairs) | {n_pairs} | **{fp}** | {base_fp} |")
    if refused:
        lines.append("")
        lines.append("Refused as low-information/too small (counted as non-matches above): "
                     + ", ".join(f"{k}: {v}" for k, v in sorted(refused.items())))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.calibrate")
    ap.add_argument("--products", type=int, default=60, help="synthetic product images per set")
    ap.add_argument("--write", metavar="MARKDOWN", help="replace the CALIBRATION section of this file")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    ga, pa, na, _ = build(0, 1000, args.products)
    P, N = distances(ga, pa, na)
    th, curve, by_colour = choose(P, N)
    print(f"set A: {len(ga)} gallery, {len(pa)} positive, {len(na)} negative queries", file=sys.stderr)
    colour_md = ["", "Colour limit on set A (best true-match rate at zero false matches; the middle of "
                 "the best plateau is used):", "", "| colour <= | " + " | ".join(str(L) for L in by_colour) + " |",
                 "|---|" + "---|" * len(by_colour),
                 "| true matches | " + " | ".join(f"{tp / len(pa):.1%}" for tp in by_colour.values()) + " |"]
    curve_md = colour_md + ["", f"Curve on set A at colour <= {th['colour']} (best true-match rate at zero false matches, per phash64 limit):", "",
                "| phash64 <= | phash <= | dhash <= | true matches |", "|---|---|---|---|"]
    for a, (tp, b, c) in sorted(curve.items()):
        if a % 2 == 0:
            curve_md.append(f"| {a} | {b} | {c} | {tp / len(pa):.1%} |")
    gb, pb, nb, refused = build(1, 5000, args.products)
    ours, base, fp, base_fp, n_pairs, _ = evaluate(gb, pb, nb, th)
    md = table(ours, base, fp, base_fp, n_pairs, th, refused, len(gb), len(nb)) + "\n" + "\n".join(curve_md)
    md += f"\n\nIn code (scanner/images/index.py DEFAULT_THRESHOLDS): {DEFAULT_THRESHOLDS}. "
    md += f"Run time {time.perf_counter() - t0:.0f} s.\n"
    print(md)
    if args.write:
        path = Path(args.write)
        text = path.read_text("utf-8") if path.exists() else f"{BEGIN}\n{END}\n"
        if BEGIN not in text:
            text += f"\n{BEGIN}\n{END}\n"
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        path.write_text(f"{head}{BEGIN}\n{md}\n{END}{tail}", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
