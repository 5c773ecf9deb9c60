"""Twenty-third session (#15): controlled substances by their catalogue names (wordlists/terms/prohibited_goods.tsv,
"controlled substances by catalogue name": the 麻醉药品 and 精神药品 catalogues with their later additions, the
易制毒化学品 list, DEA schedule and street names), and one sense rule for the whole of prohibited goods
(exemptions.tsv `tests_for`, scanner/text/verify/rules.py _tests_for): a test strip or a detector for a prohibited good
is not the good. Positives and hard negatives are our own wording, not any evaluation set's.
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

# (listing, words a counting prohibited-goods finding must cover)
CAUGHT = [
    # narcotics (麻醉药品品种目录)
    ({"title": "进口止咳水 可待因 一箱12瓶", "description": "口感甜，老客户懂的。"}, "可待因"),
    ({"title": "Promethazine codeine syrup 16oz", "description": "Ships same day."}, "codeine syrup"),
    ({"title": "Dilaudid 8mg x 60", "description": "Pain relief, discreet packaging."}, "Dilaudid"),
    ({"title": "Blue M30 pills, 100 count", "description": "Fast stealth delivery."}, "Blue M30"),
    ({"title": "强痛定 片剂", "description": "止痛效果好，不用去医院。"}, "强痛定"),
    ({"title": "Weed gummies 10 pack", "description": "Sour apple, 25mg each."}, "Weed gummies"),
    ({"title": "Coca leaf tea from Peru", "description": "Traditional mate de coca, 100 bags."}, "Coca leaf tea"),
    # psychotropics, first class
    ({"title": "Amphetamine salts 20mg", "description": "Study aid, no questions."}, "Amphetamine"),
    ({"title": "4-MMC 结晶 5g", "description": "科研用途。"}, "4-MMC"),
    ({"title": "恰特草 新鲜 一斤", "description": "嚼着提神，顺丰冷链。"}, "恰特草"),
    ({"title": "Ayahuasca brew kit", "description": "Everything for a ceremony at home."}, "Ayahuasca"),
    ({"title": "Rohypnol 1mg", "description": "Strong sleep aid, imported."}, "Rohypnol"),
    ({"title": "利他林 专注力 考试周", "description": "一粒学一整天。"}, "利他林"),
    ({"title": "K2 spice sheets", "description": "Soaked paper, mail-safe."}, "K2 spice"),
    ({"title": "γ-丁内酯 清洗剂 500ml", "description": "高纯度。"}, "γ-丁内酯"),
    # psychotropics, second class (no online sale at all: 药品网络销售禁止清单)
    ({"title": "艾司唑仑片 1mg 一板", "description": "睡不着的来。"}, "艾司唑仑"),
    ({"title": "Ambien 10mg 30 tablets", "description": "Sleep through the night."}, "Ambien"),
    ({"title": "Modafinil 200mg", "description": "Focus for long shifts."}, "Modafinil"),
    # new substances and precursors
    ({"title": "依托咪酯 烟油", "description": "一口放松。"}, "依托咪酯"),
    ({"title": "Xylazine powder 10g", "description": "Veterinary grade."}, "Xylazine"),
    ({"title": "黄樟油 99% 1L", "description": "精油原料。"}, "黄樟油"),
]

# hard negatives: tests and detectors for prohibited goods, medicines free of a controlled substance
PASSED = [
    {"title": "Fentanyl test strips 10 pack", "description": "Harm-reduction strips, results in 5 minutes."},
    {"title": "吗啡检测试纸 20条装", "description": "尿液检测，5分钟出结果。"},
    {"title": "冰毒检测试剂盒 家用", "description": "唾液检测，单人份。"},
    {"title": "K粉 检测卡 10人份", "description": "公司入职体检用。"},
    {"title": "窃听器检测仪 防定位", "description": "酒店出差随身带。"},
    {"title": "Hidden camera detector", "description": "Sweeps a hotel room for lenses in a minute."},
    {"title": "Cough syrup for kids", "description": "Codeine-free, honey and lemon flavour."},
]

# the sense rule reads nouns only: 检测不出 (it tests clean) is no test kit
STILL_CAUGHT = [
    ({"title": "兴奋剂 赛鸽专用", "description": "吗啡 检测不出。"}, "吗啡"),
    ({"title": "Fentanyl patches 100mcg", "description": "Test them yourself."}, "Fentanyl"),
]


@pytest.mark.parametrize("listing,words", CAUGHT + STILL_CAUGHT)
def test_caught(text_scanner, listing, words):
    assert_caught(text_scanner.scan(listing), listing, "prohibited_goods", words, "block")


@pytest.mark.parametrize("listing", PASSED)
def test_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))
