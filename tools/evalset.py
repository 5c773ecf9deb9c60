"""The calibration/evaluation image set and the seller transforms (used by calibrate, tests, fixtures).

Real photographs come from scikit-image's bundled data (no download); product-like
images are generated: white background, a centred object, logo-like marks and text,
which is exactly the kind of picture that fools a plain 64-bit pHash (large flat white
areas make unrelated product shots share their low frequencies).

Everything is deterministic for a given seed, so the numbers in docs/images.md can be
reproduced with `python -m tools.calibrate`.
"""
from __future__ import annotations

import io
import random
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

# scikit-image data bundled in the wheel. `cat` is `chelsea` again and the right stereo
# view is the same scene as the left, so neither is used as an "unrelated" image.
SKIMAGE_PHOTOS = (
    "astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "moon", "page", "text",
    "brick", "grass", "gravel", "retina", "hubble_deep_field", "immunohistochemistry", "cell",
    "logo", "microaneurysms", "clock", "colorwheel", "stereo_motorcycle", "horse",
)


def skimage_photos() -> list[tuple[str, Image.Image]]:
    """The scikit-image photographs as RGB PIL images (empty list if scikit-image is missing)."""
    try:
        import skimage.data as data
    except ImportError:  # optional: calibration then runs on synthetic images only
        return []
    out = []
    for name in SKIMAGE_PHOTOS:
        try:
            a = getattr(data, name)()
        except Exception:  # some images need pooch/network in some versions: skip them
            continue
        if isinstance(a, tuple):
            a = a[0]
        a = np.asarray(a)
        if a.dtype == bool:
            a = a.astype(np.uint8) * 255
        elif a.dtype != np.uint8:
            a = np.clip(a * 255 if a.max() <= 1.0 else a, 0, 255).astype(np.uint8)
        im = Image.fromarray(a)
        if im.mode == "RGBA":
            bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
            im = Image.alpha_composite(bg, im)
        out.append((f"photo:{name}", im.convert("RGB")))
    return out


_WORDS = ("NOVA", "AERO", "LUXE", "KITE", "ORBIT", "ZEN", "VOLT", "MIRA", "PRIME", "ECHO",
          "SOLAR", "ARC", "FLUX", "NORD", "TERRA", "PULSE", "ONYX", "RIVA", "VEGA", "CORA")


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except Exception:  # Pillow built without FreeType
        return ImageFont.load_default()


def product_image(seed: int, size: tuple[int, int] = (640, 640)) -> Image.Image:
    """A synthetic product shot: white background, one centred object, a logo mark, text."""
    rng = random.Random(seed)
    w, h = size
    im = Image.new("RGB", size, (255, 255, 255))
    dr = ImageDraw.Draw(im)

    def colour(dark: bool = False) -> tuple[int, int, int]:
        hi = 120 if dark else 235
        return tuple(rng.randint(10, hi) for _ in range(3))  # type: ignore[return-value]

    cx, cy = w // 2 + rng.randint(-w // 12, w // 12), h // 2 + rng.randint(-h // 12, h // 12)
    ow, oh = rng.randint(w // 4, int(w * 0.42)), rng.randint(h // 4, int(h * 0.42))
    body = colour()
    kind = rng.choice(("box", "ellipse", "shoe", "bottle", "bag"))
    if kind == "box":
        dr.rounded_rectangle((cx - ow, cy - oh, cx + ow, cy + oh), radius=rng.randint(0, 40), fill=body)
    elif kind == "ellipse":
        dr.ellipse((cx - ow, cy - oh, cx + ow, cy + oh), fill=body)
    elif kind == "shoe":
        pts = [(cx - ow, cy + oh // 2), (cx - ow, cy - oh // 3), (cx - ow // 3, cy - oh // 2),
               (cx + ow // 4, cy - oh // 6), (cx + ow, cy + oh // 6), (cx + ow, cy + oh // 2)]
        dr.polygon(pts, fill=body)
        dr.rectangle((cx - ow, cy + oh // 2, cx + ow, cy + oh // 2 + oh // 6), fill=colour(True))
    elif kind == "bottle":
        dr.rounded_rectangle((cx - ow // 2, cy - oh // 2, cx + ow // 2, cy + oh), radius=30, fill=body)
        dr.rectangle((cx - ow // 6, cy - oh, cx + ow // 6, cy - oh // 2), fill=colour(True))
    else:
        dr.rounded_rectangle((cx - ow, cy - oh // 2, cx + ow, cy + oh), radius=20, fill=body)
        dr.arc((cx - ow // 2, cy - oh, cx + ow // 2, cy), 180, 360, fill=colour(True), width=14)
    # shading stripes / panels so that the object has some internal structure
    for _ in range(rng.randint(1, 4)):
        x0 = rng.randint(cx - ow, cx + ow // 2)
        y0 = rng.randint(cy - oh // 2, cy + oh // 2)
        dr.rectangle((x0, y0, x0 + rng.randint(10, ow // 2 + 11), y0 + rng.randint(6, 30)), fill=colour())
    # a logo-like mark: circle, triangle or a swoosh-like arc
    lx, ly, lr = cx + rng.randint(-ow // 2, ow // 2), cy + rng.randint(-oh // 3, oh // 3), rng.randint(18, 48)
    mark = rng.choice(("circle", "triangle", "arc", "star"))
    mc = colour(True)
    if mark == "circle":
        dr.ellipse((lx - lr, ly - lr, lx + lr, ly + lr), outline=mc, width=8)
    elif mark == "triangle":
        dr.polygon([(lx, ly - lr), (lx - lr, ly + lr), (lx + lr, ly + lr)], fill=mc)
    elif mark == "arc":
        dr.arc((lx - 2 * lr, ly - lr, lx + 2 * lr, ly + lr), 20, 160, fill=mc, width=10)
    else:
        pts = []
        for i in range(10):
            r = lr if i % 2 == 0 else lr // 2
            a = np.pi / 5 * i - np.pi / 2
            pts.append((lx + r * np.cos(a), ly + r * np.sin(a)))
        dr.polygon(pts, fill=mc)
    # brand-like text under or on the object
    word = rng.choice(_WORDS) + (str(rng.randint(1, 99)) if rng.random() < 0.5 else "")
    dr.text((cx - ow // 2, min(h - 60, cy + oh + 12)), word, fill=colour(True), font=_font(rng.randint(28, 48)))
    return im


def product_images(n: int, seed: int = 1000) -> list[tuple[str, Image.Image]]:
    return [(f"product:{seed + i}", product_image(seed + i)) for i in range(n)]


# --- same-template product families (issue #17) -------------------------------------
# One template = one outline (kind, position, size), drawn in several *variants* that are
# DIFFERENT products a seller could list: another body colour, another monogram pattern,
# another logo mark and word. Hard negatives for the verifier: they hash alike.

TEMPLATE_VARIANTS = ("orig", "colour", "pattern", "logo")


def _rgb(rng: random.Random, lo: int = 10, hi: int = 235) -> tuple[int, int, int]:
    return tuple(rng.randint(lo, hi) for _ in range(3))  # type: ignore[return-value]


def _far_colour(rng: random.Random, base: tuple[int, int, int]) -> tuple[int, int, int]:
    """A colour clearly different from `base` (L1 >= 150 in RGB), as another colourway is."""
    while True:
        c = _rgb(rng)
        if sum(abs(a - b) for a, b in zip(c, base)) >= 150:
            return c


def template_product(seed: int, variant: str = "orig", size: tuple[int, int] = (640, 640)) -> Image.Image:
    """A product shot from template `seed`; `variant` in TEMPLATE_VARIANTS changes one part.

    Half the templates (odd seeds) sit on a shaded studio background (a vertical grey
    gradient), the others on white. Every part draws from its own random stream, so a variant
    changes only its part.
    """
    geo = random.Random(seed * 7919 + 1)
    w, h = size
    shaded = seed % 2 == 1
    im = Image.new("RGB", size, (255, 255, 255))
    if shaded:
        top, bottom = geo.randint(205, 225), geo.randint(228, 245)
        grad = np.linspace(top, bottom, h)[:, None, None] * np.ones((1, w, 3))
        im = Image.fromarray(grad.astype(np.uint8))
    dr = ImageDraw.Draw(im)
    cx, cy = w // 2 + geo.randint(-w // 12, w // 12), h // 2 + geo.randint(-h // 14, h // 14)
    ow, oh = geo.randint(w // 4, int(w * 0.4)), geo.randint(h // 4, int(h * 0.38))
    kind = geo.choice(("box", "shoe", "bottle", "bag"))
    col = random.Random(seed * 7919 + 2)
    body = _rgb(col, 30, 225)
    trim_c = _rgb(col, 10, 110)
    if variant == "colour":
        body = _far_colour(random.Random(seed * 7919 + 20), body)
    if kind == "box":
        dr.rounded_rectangle((cx - ow, cy - oh, cx + ow, cy + oh), radius=geo.randint(0, 40), fill=body)
        region = (cx - ow, cy - oh, cx + ow, cy + oh)
    elif kind == "shoe":
        pts = [(cx - ow, cy + oh // 2), (cx - ow, cy - oh // 3), (cx - ow // 3, cy - oh // 2),
               (cx + ow // 4, cy - oh // 6), (cx + ow, cy + oh // 6), (cx + ow, cy + oh // 2)]
        dr.polygon(pts, fill=body)
        dr.rectangle((cx - ow, cy + oh // 2, cx + ow, cy + oh // 2 + oh // 6), fill=trim_c)
        region = (cx - ow, cy - oh // 6, cx + ow, cy + oh // 2)
    elif kind == "bottle":
        dr.rounded_rectangle((cx - ow // 2, cy - oh // 2, cx + ow // 2, cy + oh), radius=30, fill=body)
        dr.rectangle((cx - ow // 6, cy - oh, cx + ow // 6, cy - oh // 2), fill=trim_c)
        region = (cx - ow // 2, cy - oh // 2, cx + ow // 2, cy + oh)
    else:
        dr.rounded_rectangle((cx - ow, cy - oh // 2, cx + ow, cy + oh), radius=20, fill=body)
        dr.arc((cx - ow // 2, cy - oh, cx + ow // 2, cy), 180, 360, fill=trim_c, width=14)
        region = (cx - ow, cy - oh // 2, cx + ow, cy + oh)
    # monogram pattern over the body: a grid of small marks (dots, diamonds, crosses)
    pat = random.Random(seed * 7919 + (30 if variant == "pattern" else 3))
    shape = pat.choice(("dot", "diamond", "cross", "ring"))
    step = pat.randint(28, 44)
    pc = tuple(max(0, min(255, c + pat.choice((-1, 1)) * pat.randint(40, 80))) for c in body)
    x0, y0, x1, y1 = region
    for yy in range(y0 + step // 2 + pat.randint(0, 8), y1 - 8, step):
        for xx in range(x0 + step // 2 + pat.randint(0, 8), x1 - 8, step):
            r = 6
            if shape == "dot":
                dr.ellipse((xx - r, yy - r, xx + r, yy + r), fill=pc)
            elif shape == "diamond":
                dr.polygon([(xx, yy - r - 2), (xx + r, yy), (xx, yy + r + 2), (xx - r, yy)], fill=pc)
            elif shape == "cross":
                dr.line((xx - r, yy, xx + r, yy), fill=pc, width=3)
                dr.line((xx, yy - r, xx, yy + r), fill=pc, width=3)
            else:
                dr.ellipse((xx - r, yy - r, xx + r, yy + r), outline=pc, width=2)
    # logo mark on the body and the brand word under the product
    lg = random.Random(seed * 7919 + (40 if variant == "logo" else 4))
    lx, ly, lr = cx + geo.randint(-ow // 3, ow // 3), cy + geo.randint(-oh // 5, oh // 5), geo.randint(26, 44)
    mark = lg.choice(("circle", "triangle", "arc", "star", "square"))
    mc = _rgb(lg, 10, 120)
    if mark == "circle":
        dr.ellipse((lx - lr, ly - lr, lx + lr, ly + lr), outline=mc, width=8)
    elif mark == "triangle":
        dr.polygon([(lx, ly - lr), (lx - lr, ly + lr), (lx + lr, ly + lr)], fill=mc)
    elif mark == "arc":
        dr.arc((lx - 2 * lr, ly - lr, lx + 2 * lr, ly + lr), 20, 160, fill=mc, width=10)
    elif mark == "square":
        dr.rectangle((lx - lr, ly - lr, lx + lr, ly + lr), outline=mc, width=8)
    else:
        pts = []
        for i in range(10):
            r = lr if i % 2 == 0 else lr // 2
            a = np.pi / 5 * i - np.pi / 2
            pts.append((lx + r * np.cos(a), ly + r * np.sin(a)))
        dr.polygon(pts, fill=mc)
    word = lg.choice(_WORDS) + (str(lg.randint(1, 99)) if lg.random() < 0.5 else "")
    dr.text((cx - ow // 2, min(h - 60, cy + oh + 12)), word, fill=mc, font=_font(geo.randint(30, 46)))
    return im


def recolour(im: Image.Image, shift: int = 85) -> Image.Image:
    """The same picture in another colourway: hue rotated by `shift`/255 of a turn."""
    hsv = np.asarray(im.convert("HSV")).copy()
    hsv[:, :, 0] = (hsv[:, :, 0].astype(np.int16) + shift) % 256
    return Image.fromarray(hsv, "HSV").convert("RGB")


# --- seller transforms ------------------------------------------------------------


def jpeg(im: Image.Image, quality: int = 25) -> Image.Image:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def resize(im: Image.Image, f: float = 0.5) -> Image.Image:
    return im.resize((max(8, round(im.width * f)), max(8, round(im.height * f))), Image.Resampling.BILINEAR)


def crop(im: Image.Image, frac: float, rng: random.Random) -> Image.Image:
    """Remove `frac` of the width and of the height, split randomly between the two sides."""
    w, h = im.size
    dw, dh = round(w * frac), round(h * frac)
    left = rng.randint(0, dw)
    top = rng.randint(0, dh)
    return im.crop((left, top, w - (dw - left), h - (dh - top)))


def pad(im: Image.Image, frac: float = 0.10) -> Image.Image:
    return ImageOps.expand(im, border=round(max(im.size) * frac), fill=(255, 255, 255))


def rotate(im: Image.Image, deg: float) -> Image.Image:
    return im.rotate(deg, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255))


def mirror(im: Image.Image) -> Image.Image:
    return ImageOps.mirror(im)


def brightness(im: Image.Image, factor: float) -> Image.Image:
    return ImageEnhance.Brightness(im).enhance(factor)


def banner(im: Image.Image, frac: float = 0.15, text: str = "HOT SALE  -50%  FREE SHIPPING") -> Image.Image:
    """A coloured bar with text over the bottom `frac` of the image, as marketplaces see daily."""
    im = im.copy()
    w, h = im.size
    bh = round(h * frac)
    dr = ImageDraw.Draw(im)
    dr.rectangle((0, h - bh, w, h), fill=(200, 20, 30))
    dr.text((w * 0.05, h - bh + bh * 0.2), text, fill=(255, 255, 255), font=_font(max(10, int(bh * 0.5))))
    return im


def transforms(seed: int = 7) -> list[tuple[str, Callable[[Image.Image], Image.Image]]]:
    """The seller transforms named in issue 3, each a deterministic function of the image."""
    rng = random.Random(seed)

    def cropper(lo: float, hi: float) -> Callable[[Image.Image], Image.Image]:
        return lambda im: crop(im, rng.uniform(lo, hi), rng)

    return [
        ("jpeg_q25", lambda im: jpeg(im, 25)),
        ("jpeg_q10", lambda im: jpeg(im, 10)),
        ("resize_0.5", lambda im: resize(im, 0.5)),
        ("crop_5", cropper(0.04, 0.06)),
        ("crop_10", cropper(0.08, 0.10)),
        ("pad_10", lambda im: pad(im, 0.10)),
        ("rotate_+3", lambda im: rotate(im, 3)),
        ("rotate_-3", lambda im: rotate(im, -3)),
        ("mirror", mirror),
        ("bright_+30", lambda im: brightness(im, 1.3)),
        ("bright_-30", lambda im: brightness(im, 0.7)),
        ("banner_15", lambda im: banner(im, 0.15)),
        ("resize+jpeg", lambda im: jpeg(resize(im, 0.5), 30)),
        ("mirror+crop", lambda im: crop(mirror(im), rng.uniform(0.04, 0.08), rng)),
    ]


def pad_colour(im: Image.Image, frac: float) -> Image.Image:
    """Pad with the image's own background colour (the median of its outer frame)."""
    a = np.asarray(im.convert("RGB"))
    frame = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    fill = tuple(int(v) for v in np.median(frame, axis=0))
    return ImageOps.expand(im, border=round(max(im.size) * frac), fill=fill)


def crop_corner(im: Image.Image, frac: float, corner: str) -> Image.Image:
    """Remove `frac` of the width and of the height at one corner ('tl', 'tr', 'bl', 'br')."""
    w, h = im.size
    dw, dh = round(w * frac), round(h * frac)
    left = dw if "l" in corner else 0
    top = dh if "t" in corner else 0
    return im.crop((left, top, w - (dw - left), h - (dh - top)))


def banner_top(im: Image.Image, frac: float) -> Image.Image:
    return banner(im.rotate(180), frac).rotate(180)


def hard_transforms(seed: int = 7) -> list[tuple[str, Callable[[Image.Image], Image.Image]]]:
    """The seller transforms of issue #17 (stronger than `transforms()`), each deterministic."""
    rng = random.Random(seed)
    corners = ("tl", "tr", "bl", "br")
    return [
        ("jpeg_q30", lambda im: jpeg(im, 30)),
        ("jpeg_q15", lambda im: jpeg(im, 15)),
        ("resize_0.4", lambda im: resize(im, 0.4)),
        ("resize_0.5", lambda im: resize(im, 0.5)),
        ("crop_5_corner", lambda im: crop_corner(im, rng.uniform(0.05, 0.07), rng.choice(corners))),
        ("crop_10_corner", lambda im: crop_corner(im, rng.uniform(0.08, 0.10), rng.choice(corners))),
        ("pad_12_white", lambda im: pad(im, 0.12)),
        ("pad_15_white", lambda im: pad(im, 0.15)),
        ("pad_12_bg", lambda im: pad_colour(im, 0.12)),
        ("rotate_+2", lambda im: rotate(im, 2)),
        ("rotate_-3", lambda im: rotate(im, -3)),
        ("mirror", mirror),
        ("bright_+30", lambda im: brightness(im, 1.3)),
        ("bright_-30", lambda im: brightness(im, 0.7)),
        ("banner_15", lambda im: banner(im, 0.15)),
        ("banner_20_top", lambda im: banner_top(im, 0.20)),
        ("resize+jpeg", lambda im: jpeg(resize(im, 0.45), 25)),
        ("mirror+crop", lambda im: crop_corner(mirror(im), rng.uniform(0.05, 0.08), rng.choice(corners))),
        ("pad+rotate", lambda im: rotate(pad(im, 0.1), rng.choice((-2, 2)))),
        ("bright+banner", lambda im: banner(brightness(im, rng.choice((0.75, 1.25))), 0.15)),
    ]


# What every hard negative is put through ("none" = as generated).
NEGATIVE_TRANSFORMS = ("none", "jpeg_q30", "mirror", "banner_15")
