"""Session-wide fixtures: heavy objects are built once per test session."""
from __future__ import annotations

import pytest

from scanner.config import BUNDLED_WORDLISTS


@pytest.fixture(scope="session")
def text_scanner():
    """A text-only Scanner on the bundled word lists (no gallery)."""
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    return Scanner(TextEngine.load(BUNDLED_WORDLISTS))
