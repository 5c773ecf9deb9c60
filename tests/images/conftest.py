import io
from pathlib import Path

import pytest
from PIL import Image

from scanner.images import ImageScanner
from scanner.images.gallery import GalleryStore

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def encode(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.fixture
def scanner(tmp_path):
    sc = ImageScanner(GalleryStore(tmp_path / "g.sqlite3"))
    yield sc
    sc.close()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    sc = ImageScanner(GalleryStore(tmp_path_factory.mktemp("seed") / "g.sqlite3"))
    sc.seed_from(FIXTURES / "gallery")
    yield sc
    sc.close()
