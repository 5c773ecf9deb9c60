"""Fixtures for the image tests: an empty gallery per test, the seeded gallery once per session."""
import pytest

from scanner.images import GalleryStore, ImageScanner
from tests.support import FIXTURES


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
