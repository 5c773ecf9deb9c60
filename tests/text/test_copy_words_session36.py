"""Thirty-sixth session (#15): the innocent compounds a proximity row's cue sits in (wordlists/allowlist.tsv, the
section "thirty-sixth session"). A red-team pass found them as false positives (tests/text/test_copy_words_session35.py,
RED_TEAM_*); the rows below are our own listings of the same compounds' families, each of which blocked or went to
review on the lists before this session, and beside them the violations the same cue words still catch: an
allow-list phrase must not become a way to say the violation.
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

# hard negatives: a cue inside a compound that names the thing sold
PASSED = [
    # 五星 as the national flag, or a hotel's grade, beside a gift
    {"title": "国庆手摇旗 五星红旗 100面装", "description": "学校活动用，五星红旗手摇旗送小礼物贴纸一包。"},
    {"title": "五星级酒店同款浴巾 纯棉加厚", "description": "五星级酒店同款浴巾送小礼物，吸水不掉毛。"},
    {"title": "Waffle Bathrobe – Five-Star Hotel Quality", "description": "Five-star hotel quality cotton with a complimentary laundry bag."},
    # review as a study or reading product
    {"title": "SAT Exam Review Book 2025 Edition", "description": "Full-length practice tests; this exam review book comes with a free gift of 200 flashcards."},
    # a phone free of carrier locks, graded
    {"title": "Galaxy S21 128GB – Excellent Rating – Carrier Unlocked", "description": "Works on any network. Charger included."},
    # padding that takes a blow
    {"title": "Youth Sparring Pad", "description": "Self-defense kick pad with a shock absorbing foam core, for classes of all ages."},
    # a game's attackers
    {"title": "Siege Party Game – Cardboard Castle", "description": "The attacker's ram knocks over the cardboard gate to win the round."},
    # 隐形 as contact lenses or clear film, beside 高清 as their clarity (高清透氧, 高清透亮: the allow-list takes the
    # second cue, not 隐形, which hid a camera in a red-team pass)
    {"title": "隐形车衣 TPU 全车膜", "description": "隐形车衣高清透亮，防刮自修复，包施工。"},
    {"title": "硅水凝胶隐形眼镜 月抛 6片", "description": "隐形眼镜高清透氧，戴一整天不干涩。"},
    # 快手 as quick cooking
    {"title": "快手菜谱 上班族版", "description": "快手菜便宜又省事，五分钟出锅。"},
    # 签名 as a pen, 号 as its size
    {"title": "加大号签名笔 金属笔杆", "description": "加大号签名笔，书写顺滑，配礼盒。"},
    # 钉钉 as driving nails
    {"title": "钉钉子神器 防砸手 木工辅助夹", "description": "钉钉子不再砸到手，用法详情见第三张图。"},
    # a card sleeve that blocks reading
    {"title": "门禁卡套 RFID 屏蔽", "description": "防读取，门禁卡和别人的卡放一起也不串。"},
]

# hard negatives read from the clean listings of sets already scored first-seen (holdout28–30), as their families
# in our own wording: a slogan, advice, a place, news, a detector, a customs rule, a spec, a toy, a pouch, a contest
PASSED_FAMILIES = [
    {"title": "安全第一 反光贴 车尾警示", "description": "夜间行车安全第一，3M反光材质。"},
    {"title": "自制蛋黄酥 6枚装", "description": "收到后最好尽快吃完，放冰箱最好冷藏不超过3天。"},
    {"title": "山寨土鸡 散养一年 整只", "description": "贵州山寨老乡家养的土鸡，现杀冷链发货。"},
    {"title": "纪录片 守护象群 DVD", "description": "记录非洲反象牙盗猎巡护队的一年。"},
    {"title": "点钞机 充电款 家用", "description": "紫外线加磁性双重鉴别假币，语音报警。"},
    {"title": "日本直邮 保温杯 500ml", "description": "海外直邮，下单后请提供收件人身份证做清关。"},
    {"title": "KN95 口罩 独立包装 20只", "description": "过滤效率≥95%，符合GB2626-2019。"},
    {"title": "Foam Crossbow Blaster for Kids", "description": "Shoots soft foam darts up to 10 m; a foam crossbow safe for indoor play."},
    {"title": "Chilli Garlic Pest Spray", "description": "Natural pepper spray for plants: keeps aphids and mites off roses."},
    {"title": "Signal Blocking Key Fob Box", "description": "Metal-lined box that blocks relay attacks on keyless cars."},
    {"title": "Cybersecurity Workbook", "description": "50 CTF challenges with solutions, for beginners."},
    {"title": "三年级 数学 练习册", "description": "第一单元到第六单元同步练习，附答案。"},
    # a size or shade number, a gift slogan, stickers made for an app (read from holdout2–30's clean listings)
    {"title": "Steel Crochet Hooks", "description": "Set of 4 in US No.1 to US No.4, for lace and doilies."},
    {"title": "Kolinsky Watercolour Brush", "description": "A No.1 round for fine lines; sold singly."},
    {"title": "丝绒口红 小样", "description": "色号No.1 正红，2g试色装。"},
    {"title": "Engraved Mug – No.1 Grandpa", "description": "Ceramic, 11 oz, dishwasher safe."},
    {"title": "宝宝照片 定制微信表情包", "description": "16个一套，GIF文件在平台内交付。"},
    # a picture of the animal, said by the title (exemptions.tsv depiction / depicted; listing_rules.depiction_per_listing)
    {"title": "穿山甲玩偶 40cm 软萌", "description": "以濒危的穿山甲为原型设计，PP棉填充，可机洗。"},
    {"title": "濒危动物图鉴 儿童版", "description": "收录穿山甲、雪豹、朱鹮等80种动物，手绘插图。"},
    {"title": "Pangolin Stuffed Animal, 12 inch", "description": "A soft pangolin to raise awareness of the most trafficked mammal."},
    {"title": "Helmeted Hornbill Sticker Pack", "description": "Vinyl stickers of the hornbill, the toucan and the kingfisher."},
]

PG, IR, DV, IS = "prohibited_goods", "incentivized_review", "diversion", "illegal_service"

# the same cue words in the violation: still caught (listing, category, words a counting finding covers, decision)
CAUGHT = [
    ({"title": "好评有礼", "description": "给五星好评送小礼物一份。"}, IR, "五星", "review"),
    ({"title": "Bath towel", "description": "Leave a 5-star review for our 5-star hotel towel and get a free gift."}, IR, "review", "review"),
    ({"title": "Stun flashlight", "description": "Knocks out an attacker in one touch, rechargeable."}, PG, "attacker", "block"),
    ({"title": "手机后台隐藏运行 对方不知情", "description": "隐形软件，高清看聊天记录。"}, PG, "隐形软件", "block"),
    ({"title": "女生防身手电", "description": "防身神器，一碰就麻，充电款。"}, PG, "防身", "block"),
    ({"title": "同款低价", "description": "快手搜同名店铺更便宜。"}, DV, "快手", "review"),
    ({"title": "山寨 iPhone 15", "description": "山寨机 外观一样 便宜出。"}, "counterfeit", "山寨", "block"),
    ({"title": "面霜", "description": "全网最好用的面霜，回购无数。"}, "absolute_term", "最好", "review"),
    ({"title": "猛犸象牙 雕件 手把件", "description": "象牙老料，包浆浓厚。"}, PG, "象牙", "block"),
    ({"title": "Hunting crossbow 175 lbs", "description": "Compound crossbow with scope and 12 bolts."}, PG, "crossbow", "block"),
    ({"title": "Pepper spray for women", "description": "Self-defense pepper spray keychain, 10 ft range."}, PG, "pepper spray", "block"),
    # what a red-team pass of this session's first allow-list let through (its phrases were then narrowed or dropped)
    ({"title": "晒图有奖", "description": "收到货给我们五星级打分截图找客服领2元红包。"}, IR, "五星", "review"),
    ({"title": "Bath towel", "description": "Feels 5-star hotel to you – say so on Amazon and we'll send a matching pillowcase set."}, IR, "5-star", "review"),
    ({"title": "SAT prep", "description": "Share this review book on Amazon and we'll PayPal you $5."}, IR, "review", "review"),
    ({"title": "Self Defense Keychain", "description": "Self defense: one touch knocks a grown man to the ground."}, PG, "knocks a", "block"),
    ({"title": "Tactical torch", "description": "Knocks down any attacker instantly, rechargeable."}, PG, "attacker", "block"),
    ({"title": "隐形眼镜盒造型 微型摄像头", "description": "卫生间一放，手机远程查看，对方看不出来。"}, PG, "隐形", "block"),
    ({"title": "商务手提包 隐形拉链夹层藏录音笔", "description": "谈判开会随时录音，对方根本察觉不了。"}, PG, "录音", "block"),
    ({"title": "RFID读卡器 手持便携", "description": "别人的卡就算套了防读取卡套也照样读出来。"}, PG, "别人的卡", "block"),
    ({"title": "Paint brush", "description": "The No.1 brush on the market for pros."}, "absolute_term", "No.1", "review"),
    ({"title": "表情包", "description": "加微信表情包群领优惠券。"}, DV, "加微信", "review"),
    # the animal's parts, or the animal without a picture in the title, still block
    ({"title": "穿山甲片 送毛绒公仔", "description": "正宗穿山甲片，量大从优。"}, PG, "穿山甲片", "block"),
    ({"title": "穿山甲 活体", "description": "送毛绒玩偶一个。"}, PG, "穿山甲", "block"),
    ({"title": "Pangolin scales, with a free plush", "description": "Genuine scales, 100 g."}, PG, "Pangolin scales", "block"),
]


@pytest.mark.parametrize("listing", PASSED + PASSED_FAMILIES)
def test_innocent_compound_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))


@pytest.mark.parametrize("listing,category,words,decision", CAUGHT)
def test_cue_words_still_caught(text_scanner, listing, category, words, decision):
    assert_caught(text_scanner.scan(listing), listing, category, words, decision)
