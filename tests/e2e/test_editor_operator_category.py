"""The editor page shows an operator's own category (#20 item 3) with no code of its own: its label in the
legend and on the finding (from GET /v1/categories), its words marked in the shared fallback colour, and the
new built-in illegal_service in its own colour. A real `scanner serve` on a word-list copy with one
wordlists/custom/ file, in a real headless Chromium."""
from __future__ import annotations

import shutil

import pytest

from conftest import Server
from tests.text.test_custom_categories import GOOD

pytestmark = pytest.mark.e2e

WAIT = 15_000  # ms: generous waits for UI state, never timing assertions


@pytest.fixture(scope="module")
def operator_server(gallery_dir, tmp_path_factory):
    from scanner.config import BUNDLED_WORDLISTS

    wl = tmp_path_factory.mktemp("operator") / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    (wl / "custom").mkdir()
    (wl / "custom" / "restricted_terms.tsv").write_text(GOOD, "utf-8")
    srv = Server(gallery_dir, SCANNER_WORDLISTS=str(wl))
    yield srv
    srv.stop()


def test_operator_category_is_labelled_and_coloured(operator_server, page, shot):
    from playwright.sync_api import expect

    page.goto(operator_server.base + "/")
    expect(page.locator("#legend")).to_contain_text("Restricted term", timeout=WAIT)
    expect(page.locator("#legend")).to_contain_text("Illegal service")
    page.locator("#f-title").fill("纪念紫晶会 徽章 出售发票")
    expect(page.locator("#badge")).to_have_attribute("data-decision", "block", timeout=WAIT)

    custom = page.locator('.hl-wrap[data-field="title"] mark.hl.cat-restricted_terms')
    service = page.locator('.hl-wrap[data-field="title"] mark.hl.cat-illegal_service')
    expect(custom).to_have_count(1, timeout=WAIT)
    assert custom.inner_text() == "紫晶会" and service.inner_text() == "出售发票"
    background = lambda loc: loc.evaluate("m => getComputedStyle(m).backgroundColor")  # noqa: E731
    assert background(custom) == "rgb(217, 210, 195)"  # --c-custom: no colour of its own, never transparent
    assert background(service) == "rgb(245, 163, 199)"  # --c-illegal_service
    expect(page.locator('#findings li.finding[data-category="restricted_terms"]')).to_contain_text("Restricted term")
    shot(page, "operator-category")
    assert page.problems == []
