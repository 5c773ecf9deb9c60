"""The reviewers' page at /review, in a real Chromium against a real `scanner serve` (issue #19).

Flow: a listing scanned over the API comes out `review` and waits in the queue; a reviewer opens the page,
gives the reviewer key, claims it with N, marks its one finding a false positive with F and rejects the listing
with R; the verdict's proposal is in an open change set (admin API); its preview lists the listing; publishing it
makes the same listing pass on a rescan. Also: the page in Chinese, and a scan key refused.
"""
from __future__ import annotations

import httpx
import pytest

from conftest import REVIEW_KEYS

pytestmark = pytest.mark.e2e

WAIT = 15_000
LISTING = {"id": "e2e-rv-1", "title": "纯棉短袖T恤 男款 宽松 全网最低价"}  # one absolute-term finding → review


def api(server, method, path, role, **kw):
    return httpx.request(method, server.base + path, headers={"X-API-Key": REVIEW_KEYS[role]}, timeout=30, **kw)


def test_reviewer_claims_marks_a_false_positive_and_the_loop_back_publishes(review_server, page, shot):
    from playwright.sync_api import expect

    first = api(review_server, "POST", "/v1/scan", "scan", json=LISTING).json()
    assert first["decision"] == "review", first
    [finding] = [f for f in first["findings"] if f["effect"] != "none"]

    page.goto(review_server.base + "/review")
    expect(page.locator("#key-panel")).to_be_visible(timeout=WAIT)  # the queue answered 401: asks for a key
    page.locator("#key-input").fill(REVIEW_KEYS["reviewer"])
    page.locator("#key-input").press("Enter")
    expect(page.locator("#rv-items li")).to_have_count(1, timeout=WAIT)  # the enqueuer flushes within ~50 ms
    page.keyboard.press("n")
    mark = page.locator(f'#rv-fields mark[data-index="0"]')
    expect(mark).to_have_text(finding["text"], timeout=WAIT)  # the finding marked where it stands in the copy
    expect(page.locator("#rv-meta")).to_contain_text("#")
    page.keyboard.press("f")
    expect(page.locator('#rv-findings li[data-index="0"]')).to_have_attribute("data-verdict", "false_positive")
    shot(page, "review-1-item")
    page.keyboard.press("r")
    expect(page.locator("#rv-status")).to_contain_text("rejected", timeout=WAIT)
    expect(page.locator("#rv-status")).to_contain_text("1 proposal", timeout=WAIT)
    expect(page.locator("#rv-current")).to_be_hidden()
    # the quality numbers follow the verdict: absolute claims judged 0 correct, 1 false positive
    row = page.locator('#rv-stats tr[data-category="absolute_term"]')
    expect(row).to_contain_text("0.0 %", timeout=WAIT)

    sets = api(review_server, "GET", "/v1/review/changesets", "admin").json()
    open_sets = [c for c in sets["changesets"] if c["status"] == "open"]
    assert open_sets and any(finding["text"] in str(p) for p in open_sets[0]["proposals"]), open_sets
    cs = open_sets[0]["id"]
    preview = api(review_server, "POST", f"/v1/review/changesets/{cs}/preview", "admin")
    assert preview.status_code == 200, preview.text
    published = api(review_server, "POST", f"/v1/review/changesets/{cs}/publish", "admin")
    assert published.status_code == 200, published.text
    again = api(review_server, "POST", "/v1/scan", "scan", json=LISTING).json()
    assert again["decision"] == "pass" and again["versions"]["wordlists"] != first["versions"]["wordlists"], again

    # the page in Chinese; the queue now holds nothing open
    page.locator("#lang-toggle").click()
    expect(page.locator("#queue-heading")).to_have_text("队列")
    page.keyboard.press("n")
    expect(page.locator("#rv-status")).to_contain_text("没有待复核", timeout=WAIT)
    shot(page, "review-2-zh")
    assert not page.problems, page.problems


def test_a_scan_key_cannot_claim(review_server, page):
    from playwright.sync_api import expect

    page.goto(review_server.base + "/review")
    page.locator("#key-input").fill(REVIEW_KEYS["scan"])
    page.locator("#key-input").press("Enter")
    page.locator("#rv-claim").click()
    expect(page.locator("#rv-status")).to_contain_text("forbidden", timeout=WAIT)


def test_two_replicas_on_postgresql_share_the_queue_and_the_published_lists(postgres_replicas, page, shot):
    """Issue #19's end-to-end case: scanned on replica A, reviewed in Chromium on replica B, published on B;
    A follows the published word-list version from the store within seconds."""
    import time

    from playwright.sync_api import expect

    a, b = postgres_replicas
    listing = {"id": "e2e-rv-pg", "title": "手工陶瓷马克杯 350ml 史上最强保温"}
    first = api(a, "POST", "/v1/scan", "scan", json=listing).json()
    assert first["decision"] == "review", first

    page.goto(b.base + "/review")
    page.locator("#key-input").fill(REVIEW_KEYS["reviewer"])
    page.locator("#key-input").press("Enter")
    expect(page.locator("#rv-items li")).to_have_count(1, timeout=WAIT)  # queued on A, listed on B
    page.keyboard.press("n")
    expect(page.locator("#rv-fields mark")).not_to_have_count(0, timeout=WAIT)
    for i in range(page.locator("#rv-findings li").count()):  # every finding judged a false positive
        page.locator(f'#rv-findings li[data-index="{i}"]').click()
        page.keyboard.press("f")
    page.keyboard.press("a")
    expect(page.locator("#rv-status")).to_contain_text("approved", timeout=WAIT)
    shot(page, "review-3-replica-b")

    sets = api(b, "GET", "/v1/review/changesets", "admin").json()["changesets"]
    [cs] = [c for c in sets if c["status"] == "open"]
    assert api(b, "POST", f"/v1/review/changesets/{cs['id']}/publish", "admin").status_code == 200
    assert api(b, "POST", "/v1/scan", "scan", json=listing).json()["decision"] == "pass"
    deadline, seen = time.monotonic() + 30, None
    while time.monotonic() < deadline:  # A polls the store for the live version (every few seconds)
        seen = api(a, "POST", "/v1/scan", "scan", json=listing).json()
        if seen["decision"] == "pass":
            break
        time.sleep(0.5)
    assert seen["decision"] == "pass", seen
    assert not page.problems, page.problems


def test_a_queued_review_shows_what_it_is_about_and_its_masked_text(review_server, page):
    """A customer review (#20) with the buyer's phone number: the queue line says which listing it is about
    (not an empty title), and the claimed copy shows the text with the number masked."""
    from playwright.sync_api import expect

    review = {"kind": "review", "id": "e2e-rv-r1", "listing_id": "sku-e2e-9", "text": "有问题打我电话 13812345678"}
    assert api(review_server, "POST", "/v1/scan", "scan", json=review).json()["decision"] == "review"
    page.goto(review_server.base + "/review")
    page.locator("#key-input").fill(REVIEW_KEYS["reviewer"])
    page.locator("#key-input").press("Enter")
    line = page.locator("#rv-items li", has_text="sku-e2e-9")
    expect(line).to_contain_text("review of listing sku-e2e-9: 有问题打我电话 13*****5678", timeout=WAIT)
    page.keyboard.press("n")
    expect(page.locator("#rv-meta")).to_contain_text("review of listing sku-e2e-9", timeout=WAIT)
    expect(page.locator('#rv-fields [data-field="text"]')).to_have_text("有问题打我电话 13*****5678", timeout=WAIT)
    assert not page.problems, page.problems
