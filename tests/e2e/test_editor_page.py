"""The editor page at `/`, driven in a real headless Chromium against a real `scanner serve`.

Flow: paste a listing with a counterfeit term, a brand and an absolute term → three coloured highlights and
a `block` badge; apply the absolute-term suggestion from the keyboard; dismiss the brand as authorized;
delete the counterfeit word → `pass`. Then emoji offsets through "Apply all", "Copy cleaned text", images
(a transformed gallery copy matches; a too-large file shows its error plainly), the language toggle, and
the API key kept in sessionStorage.
"""
from __future__ import annotations

import pytest

from e2e_support import MAX_IMAGE_BYTES, SCAN_KEY, fixture_image

pytestmark = pytest.mark.e2e

WAIT = 15_000  # ms: generous waits for UI state, never timing assertions

TITLE = "高仿耐克运动鞋 全网最好"  # counterfeit 高仿, brand 耐克 (Nike), absolute term 最好 → 优质


def badge_is(page, decision: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#badge")).to_have_attribute("data-decision", decision, timeout=WAIT)
    expect(page.locator("#badge")).to_have_attribute("aria-busy", "false", timeout=WAIT)


def finding(page, category: str):
    return page.locator(f'#findings li.finding[data-category="{category}"]')


def test_editor_block_to_pass(server, page, shot):
    from playwright.sync_api import expect

    page.goto(server.base + "/")
    expect(page.locator("#key-panel")).to_be_hidden()  # no keys configured: never asks
    page.locator("#f-title").fill(TITLE)
    badge_is(page, "block")

    # three highlights in place, one per category, over exactly the right characters
    marks = page.locator('.hl-wrap[data-field="title"] mark.hl')
    expect(marks).to_have_count(3, timeout=WAIT)
    assert marks.all_text_contents() == ["高仿", "耐克", "最好"]
    classes = [m.get_attribute("class") for m in marks.all()]
    assert "cat-counterfeit" in classes[0] and "cat-brand" in classes[1] and "cat-absolute_term" in classes[2]
    assert int(page.locator("#score").inner_text()) > 0

    # hovering the highlighted word inside the textarea explains it
    box = marks.nth(2).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator("#tip")
    expect(tip).to_be_visible(timeout=WAIT)
    expect(tip).to_contain_text("最好")
    expect(tip).to_contain_text("优质")
    expect(tip).to_contain_text("Advertising Law")
    shot(page, "1-block")
    page.mouse.move(5, 5)
    expect(tip).to_be_hidden()
    # keyboard: moving the caret onto a finding explains it too
    page.locator("#f-title").press("End")
    expect(tip).to_be_visible(timeout=WAIT)
    expect(tip).to_contain_text("优质")
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()

    # keyboard: focus the absolute-term finding, Tab to its "Apply suggestion" button, press Enter
    head = finding(page, "absolute_term").locator(".f-head")
    head.focus()  # the item itself says it all; its words are outlined in the editor
    expect(page.locator('.hl-wrap[data-field="title"] mark.hl.active')).to_have_text("最好")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.role") == "apply"
    page.keyboard.press("Enter")
    expect(page.locator("#f-title")).to_have_value("高仿耐克运动鞋 全网优质", timeout=WAIT)
    expect(finding(page, "absolute_term")).to_have_count(0, timeout=WAIT)
    badge_is(page, "block")

    # the brand is fine for this seller
    finding(page, "brand").locator('[data-role="authorize"]').click()
    expect(page.locator("#authorized-list")).to_contain_text("Nike", timeout=WAIT)
    assert "Nike" in page.evaluate("sessionStorage.getItem('scanner.authorizedBrands')")
    badge_is(page, "block")  # still: counterfeit wording

    # delete the counterfeit word (its suggestion is "": delete)
    finding(page, "counterfeit").locator('[data-role="apply"]').click()
    expect(page.locator("#f-title")).to_have_value("耐克运动鞋 全网优质", timeout=WAIT)
    badge_is(page, "pass")
    expect(page.locator("#score")).to_have_text("0")
    brand = finding(page, "brand")
    expect(brand).to_have_attribute("data-effect", "none", timeout=WAIT)  # still shown, made harmless
    expect(brand.locator('[data-role="authorize"]')).to_have_count(0)
    expect(page.locator('.hl-wrap[data-field="title"] mark.hl.eff-none')).to_have_text("耐克")
    shot(page, "2-pass")

    # astral characters: Python offsets are code points, emoji are two JS units each
    page.locator("#f-description").fill("😀🎉 限时特价 史上最强 跑鞋 👟 加微信购买")
    badge_is(page, "review")
    marks = page.locator('.hl-wrap[data-field="description"] mark.hl')
    expect(marks).to_have_count(2, timeout=WAIT)
    assert marks.all_text_contents() == ["史上最强", "加微信"]
    # "Apply all" puts in the service's suggested copy: the contact clause goes whole (加微信购买), not just 加微信
    page.locator("#apply-all").click()
    expect(page.locator("#f-description")).to_have_value("😀🎉 限时特价 强劲 跑鞋 👟", timeout=WAIT)
    badge_is(page, "pass")

    # bullets are scanned too, one per line (empty lines skipped, offsets still right)
    page.locator("#f-bullets").fill("透气网布\n\n😀 100%有效 防滑")
    expect(finding(page, "false_claim")).to_have_count(1, timeout=WAIT)
    expect(page.locator('.hl-wrap[data-field="bullets"] mark.hl')).to_have_text("100%有效")

    # copy cleaned text: the service's suggested copy, the editor itself untouched
    page.locator("#copy-clean").click()
    expect(page.locator("#action-status")).to_contain_text("Copied", timeout=WAIT)
    copied = page.locator("#copy-clean").get_attribute("data-copied")
    assert copied == "耐克运动鞋 全网优质\n\n😀🎉 限时特价 强劲 跑鞋 👟\n\n透气网布\n防滑"
    assert "100%有效" not in copied
    expect(page.locator("#f-bullets")).to_have_value("透气网布\n\n😀 100%有效 防滑")
    page.locator("#f-bullets").fill("")
    badge_is(page, "pass")

    assert not page.problems, page.problems


def test_editor_images(server, page, shot):
    from playwright.sync_api import expect

    page.goto(server.base + "/")
    page.locator("#f-title").fill("运动鞋 透气")
    badge_is(page, "pass")
    page.locator("#file-input").set_input_files([
        fixture_image("match_sneaker_banner.jpg"),   # gallery nova_sneaker.jpg with a banner over the bottom
        fixture_image("clean_product.jpg"),          # unrelated product shot
        fixture_image("clean_coffee.jpg"),           # 22 KB > the server's 16 KB limit in this test
    ])
    results = page.locator("#image-results li.image-result")
    expect(results).to_have_count(3, timeout=WAIT)
    expect(results.locator('[data-status="scanning"]')).to_have_count(0, timeout=WAIT)

    match = results.nth(0)
    expect(match).to_have_attribute("data-decision", "block", timeout=WAIT)
    expect(match.locator(".match-brand")).to_have_text("Nova")
    expect(match).to_contain_text("sneaker product shot")
    expect(match).to_contain_text("phash64")
    expect(match.locator("code")).to_contain_text("g_")
    # the matched gallery entry's stored thumbnail is shown beside the seller's image
    expect(match.locator(".gallery-thumb img")).to_have_count(1, timeout=WAIT)

    expect(results.nth(1)).to_have_attribute("data-status", "done", timeout=WAIT)
    expect(results.nth(1)).to_have_attribute("data-decision", "pass")
    expect(results.nth(1)).to_contain_text("No match")

    too_big = results.nth(2)
    expect(too_big).to_have_attribute("data-status", "error", timeout=WAIT)
    expect(too_big).to_contain_text(f"image too large: limit {MAX_IMAGE_BYTES // 1024} KB")
    expect(too_big).to_contain_text("image_too_large")

    badge_is(page, "block")  # the matching image blocks the listing; the text alone passes
    expect(page.locator("#verdict-detail")).to_contain_text("text: Pass")
    shot(page, "3-images")

    expect(page.locator("#badge")).to_have_text("Block")
    expect(match.locator(".match-why p")).to_contain_text("matches counterfeit gallery image g_")

    # the same page in Chinese: the badge says just the decision; the service explains in Chinese (issue #18)
    page.locator("#lang-toggle").click()
    expect(page.locator("h1")).to_have_text("商品文案合规检查")
    expect(page.locator("#badge")).to_have_text("拦截")
    expect(page.locator("#verdict-detail")).to_contain_text("文字：通过")
    expect(match.locator(".match-why p")).to_contain_text("与假冒图库图片 g_", timeout=WAIT)
    expect(too_big).to_contain_text("图片太大：上限 16 KB")
    page.locator("#f-title").fill(TITLE)
    expect(page.locator('.hl-wrap[data-field="title"] mark.hl')).to_have_count(3, timeout=WAIT)
    expect(finding(page, "brand").locator('[data-role="authorize"]')).to_have_text("我已获得该品牌授权")
    expect(finding(page, "counterfeit").locator(".f-why")).to_contain_text("原因：假冒用语“高仿”", timeout=WAIT)
    expect(finding(page, "brand").locator(".f-why")).to_contain_text("品牌“Nike”")

    # a file that is not an image: a plain note where the picture would be (no broken-image icon), and why
    page.locator("#file-input").set_input_files([{"name": "notes.txt", "mimeType": "text/plain",
                                                  "buffer": "收货地址 清单".encode("utf-8")}])
    not_image = results.nth(3)
    expect(not_image).to_have_attribute("data-status", "error", timeout=WAIT)
    expect(not_image.locator(".no-preview")).to_have_text("不是图片")
    expect(not_image).to_contain_text("不支持的图片格式")
    expect(not_image.locator("img")).to_have_count(0)
    expect(page.locator("#image-list li").nth(3).locator("img")).to_have_count(0)
    shot(page, "4-zh")

    # removing the matching image leaves the text decision
    page.locator("#image-list li").first.get_by_role("button").click()
    expect(results).to_have_count(3, timeout=WAIT)
    assert not page.problems, page.problems


def test_api_key_asked_once_per_session(keyed_server, page, shot):
    from playwright.sync_api import expect

    page.goto(keyed_server.base + "/")
    expect(page.locator("#key-panel")).to_be_visible(timeout=WAIT)
    expect(page.locator("#error-box")).to_contain_text("needs an API key", timeout=WAIT)
    page.locator("#key-input").fill("sk_wrong")
    page.locator("#key-input").press("Enter")
    expect(page.locator("#error-box")).to_contain_text("not accepted", timeout=WAIT)
    page.locator("#key-input").fill(SCAN_KEY)
    page.locator("#key-input").press("Enter")
    expect(page.locator("#key-panel")).to_be_hidden(timeout=WAIT)
    page.locator("#f-title").fill(TITLE)
    badge_is(page, "block")
    expect(page.locator("#error-box")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('scanner.apiKey')") == SCAN_KEY

    page.reload()  # same tab session: no second prompt
    page.locator("#f-title").fill(TITLE)
    badge_is(page, "block")
    expect(page.locator("#key-panel")).to_be_hidden()
    # (match_astronaut_mirrored_small.jpg was used here until v4.2's limits refused it: tests/images/test_gallery.py)
    page.locator("#file-input").set_input_files([fixture_image("match_sneaker_banner.jpg")])
    result = page.locator("#image-results li.image-result")
    expect(result).to_have_attribute("data-decision", "block", timeout=WAIT)
    expect(result.locator(".match-brand")).to_have_text("Nova")
    shot(page, "5-keyed")
    assert not page.problems, page.problems


def test_personal_data_is_marked_though_its_text_comes_masked(server, page, shot):
    """A personal_data finding's text is masked (110105********002X): the page still marks the
    caller's words at its span, and applying its suggestion deletes them."""
    from playwright.sync_api import expect

    page.goto(server.base + "/")
    page.locator("#f-description").fill("清关用身份证 11010519491231002X 谢谢")
    badge_is(page, "review")
    mark = page.locator('.hl-wrap[data-field="description"] mark.hl.cat-personal_data')
    expect(mark).to_have_text("11010519491231002X", timeout=WAIT)
    expect(finding(page, "personal_data")).to_contain_text("110105********002X")
    shot(page, "personal-data")
    finding(page, "personal_data").locator('[data-role="apply"]').click()
    expect(page.locator("#f-description")).to_have_value("清关用身份证 谢谢", timeout=WAIT)
    badge_is(page, "pass")
    assert not page.problems, page.problems


from e2e_support import OCR_FONT  # noqa: E402


def banner_image(tmp_path):
    """A product shot with an off-platform contact drawn in its lower right part; and where its first words stand."""
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("RGB", (800, 600), (245, 245, 240))
    d = ImageDraw.Draw(im)
    d.ellipse((220, 120, 520, 420), fill=(70, 110, 160))  # the "product"
    at, font = (380, 470), ImageFont.truetype(OCR_FONT, 46)
    d.text(at, "加微信 abc12345", font=font, fill=(20, 20, 20))
    drawn = d.textbbox(at, "加微信", font=font)  # where the finding's words stand in the line
    path = tmp_path / "banner.jpg"
    im.save(path, "JPEG", quality=90)
    return str(path), drawn, im.size


def test_editor_draws_ocr_boxes_where_the_text_is(ocr_server, page, shot, tmp_path):
    from playwright.sync_api import expect

    path, (tx0, ty0, tx1, ty1), (w, h) = banner_image(tmp_path)
    page.goto(ocr_server.base + "/")
    page.locator("#f-title").fill("陶瓷马克杯 350ml")
    badge_is(page, "pass")
    page.locator("#file-input").set_input_files([path])
    result = page.locator("#image-results li.image-result")
    expect(result).to_have_attribute("data-status", "done", timeout=60_000)  # first OCR loads the models
    expect(result).to_have_attribute("data-decision", "review")
    box = result.locator('.ocr-box[data-category="diversion"]')
    expect(box).to_have_count(1, timeout=WAIT)
    expect(box).to_be_visible(timeout=WAIT)
    expect(result.locator('.ocr-finding[data-category="diversion"]')).to_contain_text("加微信")
    expect(result.locator(".ocr-whole")).to_contain_text("abc12345")  # the whole line read, for the editor

    # The outline sits over the drawn text: compare both in fractions of the shown image.
    img = result.locator(".boxed-img").bounding_box()
    b = box.bounding_box()
    fx0, fy0 = (b["x"] - img["x"]) / img["width"], (b["y"] - img["y"]) / img["height"]
    fx1, fy1 = fx0 + b["width"] / img["width"], fy0 + b["height"] / img["height"]
    # the drawn words' centre lies inside the outline, and the outline is not the whole image or line
    cx, cy = (tx0 + tx1) / 2 / w, (ty0 + ty1) / 2 / h
    assert fx0 <= cx <= fx1 and fy0 <= cy <= fy1, ((fx0, fy0, fx1, fy1), (cx, cy))
    assert fx0 > 0.4 and fy0 > 0.7 and (fx1 - fx0) < 0.3, (fx0, fy0, fx1, fy1)
    badge_is(page, "review")
    shot(page, "4-ocr-boxes")

    page.locator("#lang-toggle").click()  # the list under the image speaks the page's language
    expect(result).to_contain_text("图片中识别出的文字", timeout=WAIT)
    assert not page.problems, page.problems
