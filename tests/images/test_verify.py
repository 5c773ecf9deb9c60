"""Issue #17: the trimmer reaches a fixed point, verification decides between proposed entries
(transformed copies accepted, same-template look-alikes refused), and an old-algorithm gallery
is refused with the rehash message and upgraded in place by `rehash`."""
import sqlite3

import numpy as np
import pytest
from PIL import Image

from scanner.cli import main
from scanner.images import GalleryError, ImageScanner, hashing, verify
from scanner.images.canonical import canonical_copy, derive, reference, stored_fields
from scanner.images.gallery import GalleryAlgorithmError, GalleryStore
from scanner.images.index import DEFAULT_THRESHOLDS, HashIndex
from scanner.images import decode
from tools import evalset

from tests.support import encode

# --- the trimmer -----------------------------------------------------------------------


def _shaded_with_product() -> np.ndarray:
    """100x100: a vertical grey gradient 190 -> 220 (a studio background, darker than the
    white pad by more than hashing.BORDER_TOLERANCE) with a dark rectangle at rows 30..69,
    columns 20..79."""
    a = np.repeat(np.linspace(190, 220, 100)[:, None], 100, axis=1).astype(np.float32)
    a[30:70, 20:80] = 60
    return a


@pytest.mark.parametrize("pad, fill, want", [
    (0, None, (30, 70, 20, 80)),             # the original: one pass reaches the product
    (15, 255.0, (45, 85, 35, 95)),           # white pad: pass 1 -> old canvas, pass 2 -> product
    (15, 205.0, (45, 85, 35, 95)),           # pad in the background's own colour: one pass
    (30, 255.0, (60, 100, 50, 110)),
])
def test_trimmer_reaches_the_product_through_a_pad(pad, fill, want):
    a = _shaded_with_product()
    if pad:
        a = np.pad(a, pad, constant_values=fill)
    assert hashing.trim_box(a) == want


def _rotated(a: np.ndarray, deg: float, pad: int = 0) -> np.ndarray:
    """`a` padded with white, then rotated in place with white corners (as evalset.rotate does)."""
    if pad:
        a = np.pad(a, pad, constant_values=255.0)
    return np.asarray(Image.fromarray(a.astype(np.uint8)).rotate(deg, resample=Image.Resampling.BICUBIC,
                                                                fillcolor=255), dtype=np.float32)


def _dark_box(a: np.ndarray) -> tuple[int, int, int, int]:
    """The dark product's bounding box, by a threshold (the oracle the trimmer is checked by)."""
    rows, cols = np.nonzero(a < 125)
    return int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1


@pytest.mark.parametrize("deg, pad", [
    (2, 0),      # white corners over the shaded background
    (-3, 0),
    (2, 10),     # padded 10 % white, then rotated: the rotated canvas has white corners inside the pad
    (-2, 15),
])
def test_rotation_views_trim_past_white_wedges_to_the_product(deg, pad):
    a = np.repeat(np.linspace(210, 240, 100)[:, None], 100, axis=1).astype(np.float32)  # evalset's studio shade
    a[30:70, 20:80] = 60
    a = _rotated(a, deg, pad)
    got, want = hashing.trim_box(a, wedges=True), _dark_box(a)
    assert all(abs(g - w) <= 2 for g, w in zip(got, want)), (got, want)
    # the entries' views (and a query's other views) trim as before: past the pad at most, never to the product
    r0, r1, c0, c1 = hashing.trim_box(a)
    assert (r1 - r0) > (want[1] - want[0]) + 10


def test_a_light_product_with_rounded_corners_on_white_keeps_its_body():
    """The entries' trim (no wedges) of a light body with rounded white corners and a logo: the body, not the
    logo (what on every view made verify15's hashing v5 unusable)."""
    a = np.full((100, 100), 255.0)
    a[20:80, 20:80] = 200.0  # a light body: above STUDIO_MIN, so it could pass for a studio shade
    a[20:24, 20:24] = a[20:24, 76:80] = a[76:80, 20:24] = a[76:80, 76:80] = 255.0  # rounded corners
    a[45:55, 45:55] = 90.0  # a logo
    assert hashing.trim_box(a) == (20, 80, 20, 80)


def test_a_photo_is_not_trimmed():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 256, (80, 120)).astype(np.float32)
    assert hashing.trim_box(a) == (0, 80, 0, 120)


# --- verification --------------------------------------------------------------------

SIZE = (640, 640)  # the size the limits were calibrated at (tools.calibrate_verify)
T = dict(evalset.hard_transforms())


def _view(im: Image.Image) -> verify.View:
    return verify.view_of(decode.decode(encode(im, "JPEG", quality=90)))


@pytest.fixture(scope="module")
def entries():
    """Two templates (one on white, one on a shaded background), stored as `add` stores them."""
    out = {}
    for seed in (1006, 1007):
        image, _ = canonical_copy(encode(evalset.template_product(seed, size=SIZE), "PNG"))
        d = derive(image)
        out[seed] = reference(image, d.keypoints)
    return out


# Known misses/false matches of the calibrated limits are listed as strict xfails: they flip
# to failures the day they are fixed (docs/images.md, "Known limits").
KNOWN = {
}


def _cases(seeds, names):
    return [pytest.param(seed, name, marks=pytest.mark.xfail(strict=True, reason=KNOWN[(seed, name)]))
            if (seed, name) in KNOWN else (seed, name) for seed in seeds for name in names]


@pytest.mark.parametrize("seed, transform", _cases(
    (1006, 1007), ("jpeg_q15", "resize_0.4", "crop_10_corner", "pad_12_white", "pad_12_bg", "rotate_-3", "mirror",
                   "bright_-30", "banner_15", "banner_20_top", "resize+jpeg")))
def test_transformed_copies_are_accepted(entries, seed, transform):
    v = verify.verify(_view(T[transform](evalset.template_product(seed, size=SIZE))), entries[seed])
    assert v.accepted, v


@pytest.mark.parametrize("seed, variant", _cases((1006, 1007), ("colour", "pattern", "logo", "recolour")))
def test_same_template_other_products_are_refused(entries, seed, variant):
    base = evalset.template_product(seed, size=SIZE)
    im = evalset.recolour(base) if variant == "recolour" else evalset.template_product(seed, variant, size=SIZE)
    v = verify.verify(_view(im), entries[seed])
    assert not v.accepted, v
    assert v.reason in ("colour", "structure", "residual", "detail", "marks")  # fitted (same outline), then refused


def _reference(seed: int) -> verify.View:
    image, _ = canonical_copy(encode(evalset.template_product(seed, size=SIZE), "PNG"))
    return reference(image, derive(image).keypoints)


# Calibration set A's templates that the checks of 2026-12-06 decide the other way from v4 (which accepted these
# look-alikes and refused these copies, for the reason given)
@pytest.mark.parametrize("seed", [1001, 1012, 1022])  # rings for crosses; the same rings in a dull colour
def test_a_monogram_of_other_marks_or_colour_is_refused_by_its_fine_detail(seed):
    v = verify.verify(_view(evalset.template_product(seed, "pattern", size=SIZE)), _reference(seed))
    assert not v.accepted and v.reason == "detail", v


# (what v4 refused each copy by, in the comment)
@pytest.mark.parametrize("seed, transform", [
    (1016, "rotate_+2"),  # structure: plain body cells with faint shading, either side of flat
    (1016, "jpeg_q15"),  # structure
    (1023, "pad_15_white"),  # residual: the outline a pixel off
    (1009, "resize_0.5"),  # residual
    (1023, "bright_+30"),  # colour: brightened 30 %, the body's red channel clipped and its hue moved
    (1019, "bright_+30"),  # detail (v4.1): clipped marks lose their texture
    pytest.param(1004, "bright_+30", marks=pytest.mark.xfail(
        strict=True, reason="clipped marks: detail 0.85 < 0.95 even against the entry brightened")),
    (1000, "bright_+30"),  # structure
])
def test_copies_with_a_fit_a_pixel_off_faint_shading_or_clipped_are_accepted(seed, transform):
    v = verify.verify(_view(T[transform](evalset.template_product(seed, size=SIZE))), _reference(seed))
    assert v.accepted, v


@pytest.mark.parametrize("seed", [1001, 1003, 1011, 1012])
def test_a_thumbnail_smaller_than_the_work_size_is_accepted(seed):
    """A 160 px listing thumbnail of a 640 px product shot (calibration set A's templates, which the detail check
    refused at the entry's resolution, 0.51-0.83): the entry's texture finer than the thumbnail holds is not asked of
    it (_detail compares at the thumbnail's resolution, as _residual does)."""
    small = evalset.template_product(seed, size=SIZE).resize((160, 160), Image.Resampling.LANCZOS)
    v = verify.verify(_view(small), _reference(seed))
    assert v.accepted, v


@pytest.mark.parametrize("factor", [1.3, 1.1, 1.0])
def test_the_entry_brightened_is_what_pil_brightening_gives(factor):
    """verify._brightened against its definition, PIL's ImageEnhance.Brightness (each channel times the factor,
    clipped), on a product shot with saturated colours: the same Y, Cb, Cr within JPEG-free rounding."""
    from PIL import ImageEnhance

    im = evalset.template_product(1023, size=(160, 160)).convert("RGB")
    ycc = np.asarray(im.convert("YCbCr"), dtype=np.float32)
    y, c = ycc[:, :, 0], ycc[:, :, 1:] - 128.0
    want = np.asarray(ImageEnhance.Brightness(im).enhance(factor).convert("YCbCr"), dtype=np.float32)
    got_y, got_c = verify._brightened(y, c, factor)
    assert np.abs(got_y - want[:, :, 0]).max() <= 3
    assert np.abs(got_c - (want[:, :, 1:] - 128.0)).max() <= 3


def _dots(shift: int = 0, contrast: float = 60.0) -> np.ndarray:
    """A 128 px grey body (level 100) with a grid of 3x3 marks every 12 px, moved `shift` px."""
    a = np.full((128, 128), 100.0, np.float32)
    for y in range(6 + shift, 128 - 3, 12):
        for x in range(6 + shift, 128 - 3, 12):
            a[y - 1:y + 2, x - 1:x + 2] += contrast
    return a


def _detail_of(q: np.ndarray, g: np.ndarray) -> float:
    use = np.ones(g.shape, bool)
    rows, cols = verify._cells(use)
    mf = use.astype(np.float64)

    def cells(x):
        return np.add.reduceat(np.add.reduceat(x * mf, rows[:-1], axis=0), cols[:-1], axis=1)

    count = cells(np.ones_like(mf))
    return verify._detail(q, g, cells, count, count > 0)


@pytest.mark.parametrize("query, agrees", [
    (_dots(), True),                      # the same marks
    (_dots(contrast=40.0), True),         # fainter by a third (JPEG, resizing)
    (_dots(shift=6), False),              # the marks between the entry's
    (_dots(contrast=12.0), False),        # the same places, a fifth as strong: another colour, dull in grey
    (np.full((128, 128), 100.0, np.float32), False),  # no marks at all
])
def test_detail_agrees_only_for_the_same_marks_about_as_strong(query, agrees):
    assert (_detail_of(query, _dots()) >= verify.DEFAULT_LIMITS.min_detail) is agrees


@pytest.mark.parametrize("change, differs", [
    ("none", False),
    ("shift one pixel", False),        # a fit a pixel off: the outline is inside the other's 3x3 range
    ("a 10 px patch", True),           # a changed mark
])
def test_residual_tolerates_a_pixel_of_misalignment_not_a_change(change, differs):
    g = np.full((96, 96), 220.0, np.float32)
    g[20:76, 24:72] = 60.0  # a product on a light background
    q = g.copy()
    if change == "shift one pixel":
        q = np.roll(g, 1, axis=1)
    elif change == "a 10 px patch":
        q[40:50, 40:50] = 180.0
    residual, blob = verify._residual(q, g, np.ones(g.shape, bool))
    assert (residual > verify.DEFAULT_LIMITS.max_residual) is differs, residual


@pytest.mark.parametrize("change, differs", [
    ("none", False),
    ("shift one pixel", False),        # the outline and the word's strokes are edges in both images
    ("another word", True),            # 1 px strokes where the other image is plain ground
    ("a word taken away", True),
])
def test_marks_tell_a_thin_word_on_plain_ground_from_a_fit_a_pixel_off(change, differs):
    g = np.full((96, 96), 220.0, np.float32)
    g[10:60, 24:72] = 60.0  # a product on a light background, its brand word below it
    word = [(70, x) for x in range(30, 40)] + [(y, 35) for y in range(70, 80)]  # a thin "T"
    for y, x in word:
        g[y, x] = 90.0
    q = g.copy()
    if change == "shift one pixel":
        q = np.roll(g, 1, axis=1)
    elif change == "another word":
        for y, x in word:
            q[y, x + 20] = 90.0  # the same strokes further right: a word of other letters
    elif change == "a word taken away":
        q[66:84, 26:44] = 220.0
    marks = verify._marks(q, g, np.ones(g.shape, bool))
    assert (marks > verify.DEFAULT_LIMITS.max_marks) is differs, marks
    # the residual opens away lines this thin: this is what the marks check is for
    assert verify._residual(q, g, np.ones(g.shape, bool))[1] <= verify.DEFAULT_LIMITS.max_blob


# another brand word at the frame's foot or under the body, in nearly the same grey (residual 0, detail 1.0 for
# both; 1007 was a pinned false match of v4.3); 1039 is from calibration set A measured with 72 templates
@pytest.mark.parametrize("seed", [1007, 1039])
def test_another_brand_word_under_the_product_is_caught_by_its_marks(seed):
    v = verify.verify(_view(evalset.template_product(seed, "logo", size=SIZE)), _reference(seed))
    assert not v.accepted and v.marks > verify.DEFAULT_LIMITS.max_marks, v  # v4.8: 1039's structure refuses it first
    for transform in ("jpeg_q30", "resize_0.4", "pad_12_white", "rotate_+2"):  # and its copies are not
        assert verify.verify(_view(T[transform](evalset.template_product(seed, size=SIZE))), _reference(seed)).accepted


# v4.7: a copy the residual refuses is compared again with the entry JPEG-compressed at RECOMPRESSED_QUALITY (v4.9:
# one the fine detail refuses too, its detail read again). The copies of 1006/1007 resized to 0.45 and JPEG q25 were
# pinned misses of v4.3-v4.6 (residual 0.0036, 0.0021 > 0.002) and are accepted above; the look-alikes the residual
# or the fine detail refuses stay refused.
@pytest.mark.parametrize("seed, variant, transform", [
    (1054, "logo", None),           # another brand word: residual 0.0037, not only JPEG ringing
    (1054, "logo", "jpeg_q30"),     # a false match of v4.4-v4.7 (residual 0.0004, marks 0): its word is on white
    (1001, "pattern", "jpeg_q30"),  # rings for crosses: a false match of the detail retry at v4.7's limit 0.9 ...
    (1001, "pattern", "banner_15"),  # ... and the other one
    (1001, "pattern", None),
    (1001, "pattern", "resize+jpeg"),
    (1013, "logo", None),
])
def test_a_look_alike_is_not_let_through_by_the_recompressed_entry(seed, variant, transform):
    im = evalset.template_product(seed, variant, size=SIZE)
    v = verify.verify(_view(T[transform](im) if transform else im), _reference(seed))
    assert not v.accepted, v


# v4.9: copies the fine detail refused, accepted by their detail against the recompressed entry (calibration sets A
# and D, v4.8: detail 0.947 and 0.94 < 0.95)
@pytest.mark.parametrize("seed, transform", [(1003, "resize+jpeg"), (13018, "resize_0.5")])
def test_a_copy_whose_fine_detail_compression_blurred_is_accepted(seed, transform):
    v = verify.verify(_view(T[transform](evalset.template_product(seed, size=SIZE))), _reference(seed))
    assert v.accepted, v


def test_a_detail_reading_far_off_is_not_retried_against_the_recompressed_entry(monkeypatch):
    """1001's pattern look-alike reads detail 0.49; against the blurred entry 0.92 (a code review's probe), 0.03 under
    the limit. Below DETAIL_RETRY_FROM there is no second comparison at all."""
    calls = []
    monkeypatch.setattr(verify, "_recompressed", lambda *a, **k: calls.append(a) or pytest.fail("retried"))
    v = verify.verify(_view(evalset.template_product(1001, "pattern", size=SIZE)), _reference(1001))
    assert not v.accepted and v.reason == "detail" and v.detail < verify.DETAIL_RETRY_FROM, v
    assert calls == []


# Found by a code review on fresh templates (seeds 21000-21069, v4.8): adding white ground to the compared pixels
# grows the residual's denominator (~1.1x on white-ground templates), and this pattern look-alike's residual fell
# from 0.0021 (refused) to 0.0018. The same review read 18 -> 13 false matches over its 70 templates x 4 variants.
@pytest.mark.xfail(strict=True, reason="a false match of v4.8-v4.9: residual 0.0018 under 0.002 (denominator)")
def test_a_pattern_look_alike_whose_residual_the_white_ground_diluted_is_refused():
    v = verify.verify(_view(evalset.template_product(21048, "pattern", size=SIZE)), _reference(21048))
    assert not v.accepted, v


# v4.8: a listing photo no brighter than the entry is compared on white ground too; only its white over a light tone
# of the entry is left out (compare). v4.7 left out every white pixel and its 2-px neighbourhood, so a word printed
# on white was never compared, nor a silhouette's outline: set D's 13018 with another word under the body was a
# false match as it is, at q30 and mirrored; the horse's copies were refused by detail and structure (11 of 20).
@pytest.mark.parametrize("transform", [None, "jpeg_q30", "mirror"])
def test_another_word_printed_on_white_is_compared(transform):
    im = evalset.template_product(13018, "logo", size=SIZE)
    v = verify.verify(_view(T[transform](im) if transform else im), _reference(13018))
    assert not v.accepted and v.reason in ("structure", "residual", "marks"), v


@pytest.fixture(scope="module")
def silhouette():
    """skimage's horse: a black shape on white, nothing inside its outline."""
    im = dict(evalset.skimage_photos())["photo:horse"]
    image, _ = canonical_copy(encode(im, "PNG"))
    return im, reference(image, derive(image).keypoints)


@pytest.mark.parametrize("transform", ["jpeg_q30", "jpeg_q15", "resize_0.5", "resize+jpeg", "mirror", "pad_12_white"])
def test_a_silhouette_on_white_is_compared_by_its_outline(silhouette, transform):
    im, ref = silhouette
    assert verify.verify(_view(T[transform](im)), ref).accepted


def test_the_recompressed_entry_keeps_size_and_keypoints():
    g = _reference(1006)
    r = verify._recompressed(g, 2.2)
    assert r.grey.shape == g.grey.shape and r.ycc.shape == g.ycc.shape and r.kp is g.kp
    assert 0 < np.abs(r.grey.astype(int) - g.grey.astype(int)).mean() < 8  # softened, not another image


@pytest.mark.parametrize("seed, transform", [  # calibration set A's copies the hashes did not propose before
    (1009, "pad+rotate"), (1013, "pad+rotate"), (1015, "pad+rotate"), (1021, "pad+rotate"), (1023, "rotate_-3"),
])
def test_a_rotated_shot_on_a_studio_shade_is_proposed(seed, transform):
    image, _ = canonical_copy(encode(evalset.template_product(seed, size=SIZE), "PNG"))
    index = HashIndex([derive(image).hashes], {**DEFAULT_THRESHOLDS, **verify.PROPOSAL_THRESHOLDS})
    query = hashing.compute(decode.decode(encode(T[transform](evalset.template_product(seed, size=SIZE)), "JPEG",
                                                 quality=90)), hashing.QUERY_VARIANTS)
    assert [h.entry for h in index.search(query.variants)] == [0]


def test_an_unrelated_image_has_no_fit(entries):
    photo = evalset.skimage_photos()[0][1] if evalset.skimage_photos() else evalset.product_image(5)
    v = verify.verify(_view(photo), entries[1006])
    assert not v.accepted and v.reason in ("no_fit", "geometry", "cells", "colour", "structure", "residual", "detail",
                                           "marks")


def test_keypoints_round_trip_through_bytes(entries):
    kp = entries[1006].kp
    back = verify.Keypoints.from_bytes(kp.to_bytes())
    assert np.array_equal(back.xy, kp.xy) and np.array_equal(back.desc, kp.desc)
    with pytest.raises(ValueError):
        verify.Keypoints.from_bytes(kp.to_bytes()[:-1])


# --- the gallery: matching through the snapshot, rehash, old algorithms refused -------------


def _gallery(tmp_path):
    sc = ImageScanner(GalleryStore(tmp_path / "g.sqlite3"), reload_interval_s=0)
    a = sc.add([encode(evalset.template_product(1006, size=SIZE), "PNG")], brand="Nova", label="bag")
    b = sc.add([encode(evalset.template_product(1007, size=SIZE), "PNG")], brand="Orbit", label="box")
    return sc, a[0]["id"], b[0]["id"]


def test_snapshot_finds_the_copy_and_not_the_look_alike(tmp_path):
    sc, a, b = _gallery(tmp_path)
    snap = sc.snapshot()
    # rotated 2 deg, padded 12 %, JPEG q40: phash 58 bits from the entry, beyond the hash rule's
    # 56 -- proposed by the looser limits, then accepted by verification
    copy = encode(evalset.pad(evalset.rotate(evalset.template_product(1006, size=SIZE), -2), 0.12), "JPEG", quality=40)
    assert [f.gallery_id for f in snap.match(copy, "images[0]")] == [a]
    for variant in ("colour", "logo"):
        look_alike = encode(evalset.template_product(1006, variant, size=SIZE), "JPEG", quality=85)
        assert snap.match(look_alike, "images[0]") == []
    sc.close()


def test_a_snapshot_from_the_index_file_verifies_like_sqlite_and_eager_data(tmp_path, monkeypatch):
    """The index file holds hashes only: verification still reads each candidate's canonical copy
    and keypoints from the gallery (lazily), and decides exactly as with them held in the entries."""
    from scanner.images import GallerySnapshot

    sc, a, b = _gallery(tmp_path)
    store, args = sc._store, (sc._thresholds, sc._max_pixels, sc._max_bytes)
    path = tmp_path / "g.index"
    from_db = GallerySnapshot.from_store(store, *args, index_file=path, index_file_min_entries=0)
    monkeypatch.setattr(store, "load_packed", lambda *a, **k: pytest.fail("read SQLite, not the index file"))
    from_file = GallerySnapshot.from_store(store, *args, index_file=path, index_file_min_entries=0)
    version, entries = store.load()
    eager = GallerySnapshot(version, [dict(e, **dict(zip(("image", "keypoints"), store.verification(e["id"]))))
                                      for e in entries], *args)  # verification data held in the entries
    product = evalset.template_product(1006, size=SIZE)
    images = {
        "rotated, padded copy of a": (encode(evalset.pad(evalset.rotate(product, -2), 0.12), "JPEG", quality=40), [a]),
        "b as JPEG": (encode(evalset.template_product(1007, size=SIZE), "JPEG", quality=70), [b]),
        "colour look-alike of a": (encode(evalset.template_product(1006, "colour", size=SIZE), "JPEG", quality=85), []),
        "logo look-alike of a": (encode(evalset.template_product(1006, "logo", size=SIZE), "JPEG", quality=85), []),
    }
    for name, (data, want) in images.items():
        got = from_file.match(data, "images[0]")
        assert [f.gallery_id for f in got] == want, name
        assert got == from_db.match(data, "images[0]") == eager.match(data, "images[0]"), name
    sc.close()


def _as_older_algorithm(path) -> None:
    """What a v4 gallery looks like to a later algorithm: its meta says so, and (to prove the
    rehash re-derives them) its hashes and keypoints are garbage."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE meta SET value = 'v3.9' WHERE key = 'algorithm'")
    raw.execute("UPDATE hashes SET phash = zeroblob(32), colour = zeroblob(32)")
    raw.execute("UPDATE verify SET keypoints = x'0000'")
    raw.close()


def test_old_algorithm_gallery_is_refused_then_rehashed_in_place(tmp_path):
    sc, a, b = _gallery(tmp_path)
    version, want = sc.version, sc._store.load()[1]
    copy = encode(evalset.template_product(1007, size=SIZE), "JPEG", quality=60)
    found = sc.snapshot().match(copy, "images[0]")
    assert [f.gallery_id for f in found] == [b]
    path = sc._store.path
    sc.close()
    _as_older_algorithm(path)
    with pytest.raises(GalleryAlgorithmError) as e:
        GalleryStore(path)
    assert "'v3.9'" in str(e.value) and f"scanner gallery rehash --gallery {path}" in str(e.value)

    store = GalleryStore(path, for_rehash=True)
    assert store.algorithm() == "v3.9"
    assert store.rehash(stored_fields) == 2
    store.close()
    again = ImageScanner(GalleryStore(path), reload_interval_s=0)  # opens: same algorithm again
    assert again.version == version  # the same content hash as before: exactly what `add` gave
    assert again._store.load()[1] == want
    assert again.snapshot().match(copy, "images[0]") == found
    again.close()


def test_rehash_cli(tmp_path, capsys):
    sc, a, b = _gallery(tmp_path)
    path = sc._store.path
    sc.close()
    _as_older_algorithm(path)
    assert main(["--gallery", str(path), "gallery", "list"]) == 2
    assert "scanner gallery rehash" in capsys.readouterr().err
    assert main(["--gallery", str(path), "gallery", "rehash"]) == 0
    assert f"re-derived 2 entries (v3.9 -> {hashing.ALGORITHM_VERSION})" in capsys.readouterr().out
    assert main(["--gallery", str(path), "gallery", "list"]) == 0


def test_rehash_without_an_image_copy_changes_nothing(tmp_path):
    sc, a, b = _gallery(tmp_path)
    path = sc._store.path
    sc.close()
    _as_older_algorithm(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("DELETE FROM images WHERE entry_id = ?", (b,))
    before = raw.execute("SELECT entry_id, view, phash FROM hashes ORDER BY 1, 2").fetchall()
    raw.close()
    store = GalleryStore(path, for_rehash=True)
    with pytest.raises(GalleryError, match="no image copy"):
        from scanner.images.canonical import stored_fields
        store.rehash(stored_fields)
    assert store.algorithm() == "v3.9"  # fail closed: still refused, never half re-hashed
    store.close()
    raw = sqlite3.connect(path, isolation_level=None)
    assert raw.execute("SELECT entry_id, view, phash FROM hashes ORDER BY 1, 2").fetchall() == before
    raw.close()
