"""Constants and helpers shared by the e2e conftest and tests (a unique module name, unlike `conftest`)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
OCR_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # Debian fonts-wqy-microhei: Chinese text drawn in test images
CHROMIUM = os.environ.get("SCANNER_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Small enough that fixtures/images/clean_coffee.jpg (22 KB) is refused: the page must show that error plainly.
MAX_IMAGE_BYTES = 16 * 1024
SCAN_KEY = "sk_e2e_editor_0123456789"

# Gallery entries the transformed copies in fixtures/images/ must match (see fixtures/gallery/manifest.json).
GALLERY = [("nova_sneaker.jpg", "Nova", "sneaker product shot"),
           ("astronaut_poster.jpg", "OrbitWear", "astronaut print")]


def fixture_image(name: str) -> str:
    return str(ROOT / "fixtures" / "images" / name)
