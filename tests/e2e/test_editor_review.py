"""The editor page scans a customer review (#20): the Listing | Review switch shows one text and a listing id, the
review's findings are marked in that text, and a buyer's counterfeit report is listed as being about the listing,
without moving the review's badge. A real `scanner serve` and a real headless Chromium."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

WAIT = 15_000  # ms: generous waits for UI state, never timing assertions


def test_review_mode_marks_findings_and_lists_signals(server, page, shot):
    from playwright.sync_api import expect

    page.goto(server.base + "/")
    expect(page.locator("#f-text")).to_be_hidden()
    page.locator('input[name="kind"][value="review"]').check()
    expect(page.locator("#f-text")).to_be_visible(timeout=WAIT)
    expect(page.locator("#f-title")).to_be_hidden()
    page.locator("#f-listing-id").fill("sku-9")
    page.locator("#f-text").fill("物流第一名快。好评返现5元。跟专柜的不一样，明显是假的")
    expect(page.locator("#badge")).to_have_attribute("data-decision", "review", timeout=WAIT)
    mark = page.locator('.hl-wrap[data-field="text"] mark.hl.cat-incentivized_review')
    expect(mark).to_have_text("好评返现", timeout=WAIT)
    assert page.locator('.hl-wrap[data-field="text"] mark.hl.cat-absolute_term').count() == 0  # a buyer's 第一名
    expect(page.locator("#signals li")).to_have_count(2, timeout=WAIT)
    expect(page.locator("#signals")).to_contain_text("明显是假的")
    shot(page, "review-mode")

    page.locator("#f-text").fill("跟专柜的不一样，明显是假的")
    expect(page.locator("#badge")).to_have_attribute("data-decision", "pass", timeout=WAIT)  # signals do not count
    expect(page.locator("#signals li")).to_have_count(2, timeout=WAIT)

    page.locator('input[name="kind"][value="listing"]').check()
    expect(page.locator("#f-title")).to_be_visible(timeout=WAIT)
    expect(page.locator("#signals-wrap")).to_be_hidden(timeout=WAIT)
    assert not page.problems, page.problems
