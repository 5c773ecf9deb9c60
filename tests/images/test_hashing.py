"""Hashes: pinned golden values (a Pillow/numpy change that moves bits must fail here),
and the transforms the pipeline is built to survive."""
import numpy as np
import pytest
from PIL import Image

from scanner.images import evalset, hashing, image_hashes

from .conftest import FIXTURES, encode

# If these change, every stored gallery silently stops matching: bump
# hashing.ALGORITHM_VERSION and re-hash instead of editing the numbers.
GOLDEN = {
    "nova_sneaker.jpg": {
        "phash": 0xADBCE924F0E96186A596638732DB638E621A975F175DE238E32C9679036D6231,
        "dhash": 0x17007180C084C09000100011801185850185801180100010001000144210420,
        "phash64": 0xADE9F061A5633263,
    },
    "astronaut_poster.jpg": {
        "phash": 0xC25692764C9F550F3228BD90DFB9C09BCC15B60A7B25B5E29CF34A51B50A67AC,
        "dhash": 0xF9F6D2D6F656F47674F666D220D4A1E6E366E0E049480D14990ECB25E92D6D0D,
        "phash64": 0xC2924C5532BDDFC8,
    },
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_hashes(name):
    h = image_hashes((FIXTURES / "gallery" / name).read_bytes())
    assert h["orig"] == GOLDEN[name]
    assert all(isinstance(v, int) for v in h["orig"].values())


def test_bit_order_matches_imagehash():
    bits = np.zeros((2, 4), bool)
    bits[0, 0] = True
    assert hashing.bits_to_int(bits) == 0x80


def test_trim_removes_padding():
    a = np.full((100, 100), 255.0)
    a[30:60, 20:70] = np.random.default_rng(0).uniform(0, 200, (30, 50))
    assert hashing.trim(a).shape == (30, 50)


def test_trim_leaves_photos_alone():
    a = np.random.default_rng(1).uniform(0, 255, (80, 90))
    assert hashing.trim(a).shape == (80, 90)


def _d(a, b, k):
    return (a ^ b).bit_count()


PROD = evalset.product_image(1003)


@pytest.mark.parametrize("name,fn", [
    ("pad", lambda im: evalset.pad(im, 0.1)),
    ("jpeg", lambda im: evalset.jpeg(im, 25)),
    ("resize", lambda im: evalset.resize(im, 0.5)),
])
def test_transforms_stay_within_thresholds(name, fn):
    from scanner.images.index import DEFAULT_THRESHOLDS as T
    g = image_hashes(encode(PROD))["orig"]
    q = image_hashes(encode(fn(PROD)), variants=("orig",))["orig"]
    assert all(_d(g[k], q[k], k) <= T[k] for k in T)


def test_mirror_view_equals_hash_of_mirrored_image():
    a = image_hashes(encode(PROD), variants=("mirror",))["mirror"]
    b = image_hashes(encode(evalset.mirror(PROD)), variants=("orig",))["orig"]
    assert _d(a["phash"], b["phash"], "phash") <= 16


def test_unrelated_products_are_far_apart():
    a = image_hashes(encode(evalset.product_image(1)))["orig"]
    b = image_hashes(encode(evalset.product_image(2)))["orig"]
    assert _d(a["phash"], b["phash"], "phash") > 40
