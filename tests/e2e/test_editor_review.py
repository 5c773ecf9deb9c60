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


# (speaker, text, decision, highlighted categories) -- by hand from docs/contract.md's speaker table: a seller's
# answer is held to the listing's rules; the same words from a buyer are opinion, except contact pushes
QA_CASES = [
    ("seller", "这款是原单尾货，和专柜一模一样，放心拍", "block", {"counterfeit"}),
    ("buyer", "这款是原单尾货，和专柜一模一样，放心拍", "pass", set()),
    ("seller", "全网最低价，用了三天皮肤就白了", "review", {"absolute_term", "false_claim"}),
    ("buyer", "全网最低价，用了三天皮肤就白了", "pass", set()),
    ("buyer", "想便宜点的加我微信 kaez299656", "review", {"diversion"}),
]


def test_qa_mode_scans_as_the_chosen_speaker(server, page, shot):
    """Q&A in the editor (#20): the speaker choice appears only for Q&A and decides what counts."""
    from playwright.sync_api import expect

    page.goto(server.base + "/")
    expect(page.locator("#f-speaker")).to_be_hidden()
    page.locator('input[name="kind"][value="review"]').check()
    expect(page.locator("#f-text")).to_be_visible(timeout=WAIT)
    expect(page.locator("#f-speaker")).to_be_hidden()  # a review is always a buyer's
    page.locator('input[name="kind"][value="qa"]').check()
    expect(page.locator("#f-speaker")).to_be_visible(timeout=WAIT)
    for speaker, text, decision, categories in QA_CASES:
        page.locator("#f-speaker").select_option(speaker)
        page.locator("#f-text").fill(text)
        expect(page.locator("#badge")).to_have_attribute("data-decision", decision, timeout=WAIT)
        marks = page.locator('.hl-wrap[data-field="text"] mark.hl')  # consecutive cases differ in decision,
        # so the badge above is this case's answer, painted with its marks
        found = {c.split("cat-", 1)[1] for m in marks.all() for c in (m.get_attribute("class") or "").split()
                 if c.startswith("cat-")}
        assert found == categories, (speaker, text, found)
    shot(page, "qa-mode")
    page.locator("#lang-toggle").click()  # bilingual: the speaker choice follows the page's language
    expect(page.locator('#f-speaker option[value="seller"]')).to_have_text("卖家（回答）", timeout=WAIT)
    assert not page.problems, page.problems


def test_images_from_listing_mode_stay_out_of_a_reviews_badge(server, page):
    """A counterfeit image dropped while editing a listing blocks the listing; a clean review written next on the same
    page passes (a review has no images), and back in listing mode the image counts again."""
    from playwright.sync_api import expect

    from tests.e2e.e2e_support import fixture_image

    page.goto(server.base + "/")
    page.locator("#f-title").fill("男款休闲运动鞋")
    page.locator("#file-input").set_input_files([fixture_image("match_sneaker_banner.jpg")])
    expect(page.locator("#image-results li.image-result")).to_have_attribute("data-decision", "block", timeout=WAIT)
    expect(page.locator("#badge")).to_have_attribute("data-decision", "block", timeout=WAIT)
    page.locator('input[name="kind"][value="review"]').check()
    page.locator("#f-text").fill("鞋子收到了，尺码合适，穿着挺舒服。")
    expect(page.locator("#badge")).to_have_attribute("data-decision", "pass", timeout=WAIT)
    page.locator('input[name="kind"][value="listing"]').check()
    expect(page.locator("#badge")).to_have_attribute("data-decision", "block", timeout=WAIT)
    assert not page.problems, page.problems
