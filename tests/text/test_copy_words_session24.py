"""Twenty-fourth session (#15): goods and services told by what they do, as slot pairs rather than fused strings
(wordlists/proximity.tsv, rows marked "twenty-fourth session"; one term row in prohibited_goods.tsv): an exam sat
while the candidate stays away, a product sold on knocking someone else out, bets placed on a tipster's lead, card
swipes a device stores, intrusion for hire, notes that pass a counterfeit detector; and wider slots for the lottery,
card-skimmer, stun-device and DDoS rows. Positives and hard negatives are our own wording, not any evaluation set's.
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught

IS, PG = "illegal_service", "prohibited_goods"

# (listing, category, words a counting finding of the category must cover)
CAUGHT = [
    ({"title": "英语四六级 稳过", "description": "不需要本人进考场，出分再付。"}, IS, "不需要本人"),
    ({"title": "科目一 包过", "description": "无需亲自考，身份证发我就行。"}, IS, "无需亲自"),
    ({"title": "防狼喷雾 特强款", "description": "对着对方一喷，三秒就昏迷。"}, PG, "对方"),
    ({"title": "Party drops, colourless", "description": "A few drops and the victim passes out within minutes."}, PG, "victim"),
    ({"title": "VIP群 跟着导师下注", "description": "每天三场，稳定回血。"}, IS, "导师下注"),
    ({"title": "Football picks", "description": "Bet on credit with our tipster, pay after you win."}, IS, "Bet on credit"),
    ({"title": "幸运飞艇 精准计划 进群跟单", "description": "每期推送，当天回本。"}, IS, "幸运飞艇"),
    ({"title": "Mini reader, USB", "description": "Stores up to 3000 swipes, download to laptop."}, PG, "Stores up to 3000 swipes"),
    ({"title": "出卡口 贴片 超薄 盗刷专用", "description": "一次安装用一个月。"}, PG, "出卡口"),
    ({"title": "黑客接单 微信号找回", "description": "查聊天记录，定位手机。"}, IS, "黑客接单"),
    ({"title": "Hacker for hire", "description": "Instagram recovery, grades changed, phones unlocked."}, IS, "Hacker for hire"),
    ({"title": "服务器压力测试 包打瘫", "description": "对手网站半小时见效。"}, IS, "打瘫"),
    ({"title": "百元 练功券 高仿", "description": "水印清晰，验钞机能过。"}, PG, "验钞机能过"),
    ({"title": "Prop bills, movie grade", "description": "Passes the counterfeit pen every time."}, PG, "Passes the counterfeit pen"),
    ({"title": "防身手电 强光", "description": "Self defense flashlight with built-in zapper."}, PG, "zapper"),
]

# hard negatives: the same words in an innocent sense
PASSED = [
    {"title": "电脑远程安装 无需到场", "description": "软件装好再付款。"},
    {"title": "驾考科目一 题库 电子版", "description": "本人亲测，考试前刷三遍。"},
    {"title": "褪黑素 睡眠软糖", "description": "睡前一粒，让你安稳入睡。"},
    {"title": "德州扑克 筹码套装 500片", "description": "家庭聚会下注练手，不涉及真钱。"},
    {"title": "Bug zapper lamp", "description": "Electric mosquito zapper for the patio."},
    {"title": "USB 读卡器 SD/TF 二合一", "description": "可存照片视频，复制文件快。"},
    {"title": "黑客松 参赛T恤", "description": "48小时编程马拉松纪念款。"},
    {"title": "验钞机 家用 小型", "description": "紫光磁性检测，一验就知真假。"},
    {"title": "Counterfeit detector pens, 12 pack", "description": "Marks fake bills dark; genuine notes stay yellow."},
    {"title": "Ethical hacking course book", "description": "Learn penetration testing for your own network."},
    {"title": "高防CDN CC攻击防护", "description": "流量清洗，防止网站瘫痪。"},
    {"title": "DDoS protection plan", "description": "Keeps your shop from being knocked offline during sales."},
]


@pytest.mark.parametrize("listing,category,words", CAUGHT)
def test_caught(text_scanner, listing, category, words):
    assert_caught(text_scanner.scan(listing), listing, category, words, "block")


@pytest.mark.parametrize("listing", PASSED)
def test_passes(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.explanation) for f in result.findings]
