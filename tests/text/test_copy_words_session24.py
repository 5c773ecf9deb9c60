"""Twenty-fourth session (#15): goods and services told by what they do, as slot pairs rather than fused strings
(wordlists/proximity.tsv, rows marked "twenty-fourth session"): an exam passed while the candidate stays away, a
product sold on what it does to the person it is given to, bets on a tipster's lead or on credit, intrusion for hire,
prop or fake notes sold on passing a detector; and wider slots for the private-lottery, card-skimmer and DDoS rows. Positives and hard negatives are our own wording, not any evaluation set's; the hard negatives include
the innocent listings a code review of the first version found flagged (first aid, attendance clocks, anti-skimming
wallets, poker books, counting machines).
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

IS, PG = "illegal_service", "prohibited_goods"

# (listing, category, words a counting finding of the category must cover)
CAUGHT = [
    ({"title": "英语四六级 稳过", "description": "不需要本人进考场，出分再付。"}, IS, "不需要本人进考场"),
    ({"title": "科目一 包过", "description": "无需亲自考，身份证发我就行。"}, IS, "无需亲自考"),
    ({"title": "防狼喷雾 特强款", "description": "对着对方一喷，三秒就昏迷。"}, PG, "对着对方"),
    ({"title": "Party drops, colourless", "description": "Slip it into a drink and they pass out within minutes."}, PG, "Slip it into"),
    ({"title": "VIP群 带单下注", "description": "每天三场，稳赚不赔。"}, IS, "带单下注"),
    ({"title": "Football picks", "description": "Bet on credit with our tipster, pay after you win."}, IS, "Bet on credit"),
    ({"title": "幸运飞艇 精准计划 进群跟单", "description": "每期推送，当天回本。"}, IS, "幸运飞艇"),
    ({"title": "出卡口 贴片 超薄 盗刷专用", "description": "一次安装用一个月。"}, PG, "出卡口"),
    ({"title": "黑客接单 微信号找回", "description": "查聊天记录，定位手机。"}, IS, "黑客接单"),
    ({"title": "Hacker for hire", "description": "Instagram recovery, grades changed, phones unlocked."}, IS, "Hacker for hire"),
    ({"title": "ip stresser 月卡", "description": "半小时打瘫，不限次数。"}, IS, "打瘫"),
    ({"title": "百元 练功券 高仿", "description": "水印清晰，验钞机能过。"}, PG, "验钞机能过"),
    ({"title": "Prop bills, movie grade", "description": "Passes the counterfeit pen every time."}, PG, "Passes the counterfeit pen"),
]

# hard negatives: the same words in an innocent sense
PASSED = [
    {"title": "电脑远程安装 无需到场", "description": "软件装好再付款。"},
    {"title": "驾驶证照片回执", "description": "驾照换证照片回执，无需本人到场，手机自拍即可。"},
    {"title": "科目一科目四 VIP题库", "description": "不用亲自去驾校，在家刷题，考试一次过。"},
    {"title": "驾考 模拟考试 App会员", "description": "不用到场，手机在线考试练习。"},
    {"title": "褪黑素 睡眠软糖", "description": "睡前一粒，让你安稳入睡。"},
    {"title": "CPR心肺复苏训练假人", "description": "学会在他人晕倒时正确施救。"},
    {"title": "Smelling salts", "description": "Revive someone who passes out."},
    {"title": "Medical ID bracelet", "description": "Tells responders your allergies if you are unconscious."},
    {"title": "德州扑克 筹码套装 500片", "description": "家庭聚会下注练手，不涉及真钱。"},
    {"title": "德州扑克策略书", "description": "职业导师教你何时跟注、何时加注。"},
    {"title": "考公上岸 速记手册", "description": "考公上岸必备，每天背十页。"},
    {"title": "闲置回血 戴森吹风机", "description": "闲置回血，九成新，自提优先。"},
    {"title": "Bug zapper lamp", "description": "Electric mosquito zapper for the patio."},
    {"title": "Solar camping lantern", "description": "Built-in bug zapper, loud SOS alarm for self defense."},
    {"title": "IC卡考勤机", "description": "可存储10万条刷卡记录，U盘导出报表。"},
    {"title": "RFID blocking wallet", "description": "Anti-skimming card slot protection."},
    {"title": "ETC卡套", "description": "插卡口专用，防盗刷屏蔽。"},
    {"title": "黑客松 参赛T恤", "description": "48小时编程马拉松纪念款。"},
    {"title": "企业级硬件防火墙", "description": "防黑客攻击，服务器安全防护。"},
    {"title": "Ethical hacking services", "description": "Penetration testing for your own network, with a signed scope."},
    {"title": "高防CDN CC攻击防护", "description": "流量清洗，防止网站瘫痪。"},
    {"title": "DDoS protection plan", "description": "Keeps your shop from being knocked offline during sales."},
    {"title": "RTX3080 显卡 已压力测试", "description": "Offline pickup available in KL."},
    {"title": "验钞机 家用 小型", "description": "紫光磁性检测，一验就知真假。"},
    {"title": "点钞机 商用", "description": "这台点钞机能过新旧混币。"},
    {"title": "验钞笔", "description": "真钞一过验钞笔就知道。"},
    {"title": "Counterfeit detector pens, 12 pack", "description": "If a note passes the counterfeit pen, it is likely real."},
]


@pytest.mark.parametrize("listing,category,words", CAUGHT)
def test_caught(text_scanner, listing, category, words):
    assert_caught(text_scanner.scan(listing), listing, category, words, "block")


@pytest.mark.parametrize("listing", PASSED)
def test_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))
