"""The editor page's policy profile (#20): a <select> filled from GET /v1/policies, sent as options.policy and
kept across scans; the verdict names the profile that decided. A real `scanner serve` in a real headless Chromium.

The listing is the one the shipped profiles disagree on (tests/api/test_api_policy_profiles.py CLAIM, by hand):
an absolute efficacy claim is `review` under default, `block` under cosmetics (化妆品功效宣称评价规范) and
`pass` under secondhand (a personal resale is not advertising).
"""
from __future__ import annotations

import json

import pytest

from conftest import Server

pytestmark = pytest.mark.e2e

WAIT = 15_000  # ms: generous waits for UI state, never timing assertions
CLAIM = "最有效的保湿面霜 50ml"
PINNED_KEY = "sk_e2e_resale_0123456789"


def decided(page, decision: str, profile: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#badge")).to_have_attribute("data-decision", decision, timeout=WAIT)
    expect(page.locator("#badge")).to_have_attribute("aria-busy", "false", timeout=WAIT)
    expect(page.locator("#verdict-policy")).to_contain_text(profile, timeout=WAIT)


def test_switching_profile_changes_the_decision_and_is_kept(server, page, shot):
    from playwright.sync_api import expect

    page.goto(server.base + "/")
    select = page.locator("#policy-select")
    expect(select).to_be_enabled(timeout=WAIT)
    assert select.locator("option").all_text_contents() == ["default (default)", "cosmetics", "medicine", "secondhand"]
    expect(select).to_have_value("default")
    expect(page.locator("#policy-desc")).to_contain_text("general goods")

    page.locator("#f-title").fill(CLAIM)
    decided(page, "review", "Decided under profile default")

    select.select_option("cosmetics")
    decided(page, "block", "Decided under profile cosmetics")
    expect(page.locator("#policy-desc")).to_contain_text("Cosmetics and personal care")
    shot(page, "policy-cosmetics")

    # kept across scans: more typing is still decided under cosmetics
    page.locator("#f-title").press("End")
    page.keyboard.type(" 补水")
    expect(page.locator("#f-title")).to_have_value(CLAIM + " 补水")
    decided(page, "block", "cosmetics")
    assert page.evaluate("ScannerEditor.state.text.versions.policy.name") == "cosmetics"

    # bilingual: the label and the verdict line follow the language; the choice stays
    page.locator("#lang-toggle").click()
    expect(page.locator('label[for="policy-select"]')).to_have_text("策略配置")
    decided(page, "block", "判定所用策略：cosmetics")
    expect(select).to_have_value("cosmetics")
    expect(page.locator("#policy-desc")).to_contain_text("化妆品与个人护理")  # the profile's own zh description
    page.locator("#lang-toggle").click()

    select.select_option("secondhand")
    decided(page, "pass", "Decided under profile secondhand")
    assert page.problems == []
    assert page.problems == []


@pytest.fixture(scope="module")
def pinned_server(gallery_dir):
    """`scanner serve` whose one scan key is pinned to `secondhand`."""
    from api.auth import hash_key

    keys = [{"name": "resale-e2e", "role": "scan", "hash": hash_key(PINNED_KEY), "policy": "secondhand",
             "policy_mode": "pinned"}]
    srv = Server(gallery_dir, SCANNER_API_KEYS=json.dumps(keys))
    yield srv
    srv.stop()


def test_a_pinned_key_shows_its_profile_fixed(pinned_server, page):
    from playwright.sync_api import expect

    page.goto(pinned_server.base + "/")
    select = page.locator("#policy-select")
    expect(select).to_have_value("default", timeout=WAIT)  # the list is public: before a key, the service default
    expect(page.locator("#key-panel")).to_be_visible(timeout=WAIT)  # the scan asked for a key
    page.locator("#key-input").fill(PINNED_KEY)
    page.locator("#key-input").press("Enter")
    expect(select).to_have_value("secondhand", timeout=WAIT)
    expect(select).to_be_disabled()
    expect(page.locator("#policy-desc")).to_contain_text("fixed by your API key")
    page.locator("#f-title").fill(CLAIM)
    decided(page, "pass", "Decided under profile secondhand")
    assert page.problems == []
