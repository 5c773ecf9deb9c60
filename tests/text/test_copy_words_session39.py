"""Thirty-ninth session (#15): genuine listings a fresh writer's clean set showed flagged (holdout36, read after its
first-seen score), as rules: a brand resold with its provenance in a field spaced out throughout (闲 置 出 … 专 柜 购 入;
scanner/text/verify/listing_rules.py, `_spaced_like_its_field`), provenance words for licensed retail units, receipts
and condition grades (wordlists/exemptions.tsv), allow-list phrases for a colour, a car antenna and a documentary's
subject, a health food's approval number that has a passport's shape (scanner/text/personal_data.py), and the
disease told as gone after the goods in more words (都能好, 好一半, 降回去; relief from). Our own
wording, with the hard cases beside each: a brand spaced out only where it stands, counterfeit words with the same
provenance, ivory and shark fin sold, a real passport number.
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

PASSED = [
    # a field spaced out throughout: the brand is spaced like every other word, and the resale says where it came from
    {"title": "闲 置 转 让 古 驰 腰 带 ， 商 场 专 柜 购 入", "description": "用过三次，带盒子。"},
    {"title": "出 一 双 耐 克 跑 鞋 二 手 九 成 新", "description": "尺码42，鞋底磨损很少。"},
    {"title": "自 用 闲 置 兰 蔻 粉 水 ， 附 购 买 小 票", "description": "只用了两次，过敏了用不了。"},
    # licensed retail units, receipts, warranty registration, condition grades
    {"title": "全新未拆 索尼 WH-1000XM5 国行", "description": "公司抽奖得的，可官网注册保修。"},
    {"title": "苹果 iPhone 15 港行 双卡", "description": "自用一年，电池健康92%。"},
    {"title": "Canon EOS R50 Camera Kit — International Version, Like New", "description": "Shutter count under 2,000, box and strap included."},
    # a colour, a car part and a film's subject
    {"title": "Acetate Hair Claw 玳瑁花色", "description": "大号抓夹，不伤发。"},
    {"title": "Shark Fin Antenna for Sedans", "description": "Replaces the whip antenna; AM/FM reception kept."},
    {"title": "环保纪录片 蓝光碟", "description": "跟随巡护员调查象牙走私网络，中英字幕。"},
    # a disease named for whom the goods are, or relief from something that is no disease
    {"title": "护颈枕 记忆棉 颈椎病人适用", "description": "睡一晚就知道合不合适，7天无理由。"},
    {"title": "Lavender Bath Salts", "description": "Stress relief from a long day at work."},
    # a health food's approval number (国食健字 + a letter and eight digits, a passport's shape)
    {"title": "钙片 蓝帽子 60片", "description": "保健食品。", "attributes": {"批准文号": "国食健字G20150877"}},
]

# (listing, category, words a counting finding covers, decision)
CAUGHT = [
    # a brand spaced out in copy that is not: the disguise it always was, provenance or not
    ({"title": "古 驰 腰带 商场专柜购入", "description": "全新。"}, "brand", "古 驰", "review"),
    # counterfeit words beside the same provenance still block
    ({"title": "高 仿 古 驰 腰 带 二 手", "description": "做工好。"}, "counterfeit", "高 仿", "block"),
    ({"title": "Canon lens 1:1 replica, Like New", "description": "Looks the same as the original."}, "counterfeit", "1:1", "block"),
    ({"title": "国行 AirPods 原单 尾货", "description": "和专柜一模一样。"}, "counterfeit", "原单", "block"),
    # a grading label is no provenance: proxy slabs and fake labels carry "PSA 10" too
    ({"title": "Pokemon Charizard 1st Edition PSA 10 - Proxy", "description": "Custom slab, looks real."}, "brand", "Pokemon", "review"),
    # the animal goods themselves
    ({"title": "象牙手镯 老料 包浆", "description": "传家的老物件。"}, "prohibited_goods", "象牙", "block"),
    ({"title": "Dried Shark Fin 500g", "description": "Premium grade for soup."}, "prohibited_goods", "Shark Fin", "block"),
    # the disease told as gone after the goods (wordlists/lexicons/disease_outcome.tsv), relief from a disease
    ({"title": "艾草护膝贴", "description": "贴一个月，老寒腿、关节炎都能好。"}, "medical_claim", "关节炎都能好", "review"),
    ({"title": "叶黄素软糖 儿童", "description": "坚持吃，近视度数能降回去。"}, "medical_claim", "近视度数能降回去", "review"),
    ({"title": "Magnetic Insoles", "description": "Customers say they got relief from arthritis in a week."}, "medical_claim", "relief from arthritis", "review"),
    # a passport number is still one
    ({"title": "代购", "description": "护照号 G20120345，按这个报关。"}, "personal_data", "G20120345", "review"),
]


@pytest.mark.parametrize("listing", PASSED)
def test_genuine_listing_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))


@pytest.mark.parametrize("listing,category,words,decision", CAUGHT)
def test_hard_case_still_caught(text_scanner, listing, category, words, decision):
    result = text_scanner.scan(listing)
    assert_caught(result, listing, category, words, decision)


def test_spaced_pairs_counted_once_equal_the_pairs_of_the_field_without_the_brand():
    """listing_rules._spaced_like_its_field counts a field's pairs once and takes out those touching the brand; the
    definition is the pairs of the field with the brand cut out (a line break in its place): brute force is the oracle."""
    import random

    from scanner.text.verify.listing_rules import cjk_pairs

    def definition(text: str) -> tuple[int, int]:
        han = "爱马仕"  # the Chinese characters the texts below are made of
        spaced = sum(1 for i in range(len(text) - 2) if text[i] in han and text[i + 1] == " " and text[i + 2] in han)
        tight = sum(1 for i in range(len(text) - 1) if text[i] in han and text[i + 1] in han)
        return spaced, tight

    rnd = random.Random(39)
    for _ in range(5000):
        text = "".join(rnd.choice("爱马 仕a\n，") for _ in range(rnd.randint(0, 14)))
        start = rnd.randint(0, len(text))
        end = rnd.randint(start, len(text))
        whole, touching = cjk_pairs(text), cjk_pairs(text, start - 2, end, start)
        assert (whole[0] - touching[0], whole[1] - touching[1]) == definition(text[:start] + "\n" + text[end:])
