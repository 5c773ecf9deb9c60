"""A wheel carries the bundled word lists and gallery seed (setup.py copies them into
scanner/_bundled/); a checkout reads them where they stand (scanner/config.py `bundled`)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.config import BUNDLED_FIXTURES, BUNDLED_WORDLISTS, PROJECT_ROOT, bundled
from scanner.text.wordlists import load_wordlists

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("packaged_has, expected", [(True, "packaged"), (False, "checkout")])
def test_the_package_copy_wins_when_there_is_one(tmp_path, packaged_has, expected):
    packaged, checkout = tmp_path / "packaged", tmp_path / "checkout"
    (checkout / "wordlists").mkdir(parents=True)
    if packaged_has:
        (packaged / "wordlists").mkdir(parents=True)
    assert bundled("wordlists", packaged, checkout) == tmp_path / expected / "wordlists"


def test_a_checkout_reads_its_top_level_data():
    assert BUNDLED_WORDLISTS == PROJECT_ROOT / "wordlists" == ROOT / "wordlists"
    assert BUNDLED_FIXTURES == ROOT / "fixtures"


def test_a_wheel_build_carries_the_word_lists_and_gallery_seed(tmp_path):
    """setup.py's build_py (what a wheel is made of) copies the data; the copy loads as the
    same word-list version (versions are content hashes) and holds the same gallery seed."""
    run = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    packaged = tmp_path / "scanner" / "_bundled"
    elsewhere = tmp_path / "no-checkout"
    words = bundled("wordlists", packaged, elsewhere)
    assert words == packaged / "wordlists"
    assert load_wordlists(words).version == load_wordlists(ROOT / "wordlists").version
    seed = sorted(p.relative_to(ROOT / "fixtures" / "gallery") for p in (ROOT / "fixtures" / "gallery").rglob("*") if p.is_file())
    assert seed, "fixtures/gallery is the default gallery's seed and must not be empty"
    copied = sorted(p.relative_to(packaged / "fixtures" / "gallery") for p in (packaged / "fixtures" / "gallery").rglob("*") if p.is_file())
    assert copied == seed


def test_setup_py_bundles_what_config_reads():
    tree = ast.parse((ROOT / "setup.py").read_text())
    listed = next(
        ast.literal_eval(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "BUNDLED_DATA" for t in node.targets)
    )
    assert set(listed) == {"wordlists", "fixtures/gallery"}  # scanner.images seeds from fixtures/gallery
    manifest = (ROOT / "MANIFEST.in").read_text().split()
    assert all(name in manifest for name in listed), "an sdist must carry them too (MANIFEST.in)"
