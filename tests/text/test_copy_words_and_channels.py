"""Twenty-first session (#15): sense from the rest of the listing for three false-alarm families that every recent
blind writer brought (a scale model's "replica", an original maker's "不做仿款", a brand named by its own channel),
and what must still be caught beside them.

- wordlists/with_brand/counterfeit.tsv: `replica` and `fake` count only beside a brand, or with their letters
  disguised (scanner/text/verify/rules.py LETTER_DISGUISES), or beside designer / luxury / a copy grade
  (proximity.tsv "replica of designer goods");
- scanner/text/verify/negation.py: counterfeit words refused (不做任何仿款, 不是仿品), but not asked about (是不是高仿);
- wordlists/exemptions.tsv `provenance`: the maker's channels, warranties and proof of purchase (官方旗舰, 全球联保,
  official refurbished, 带发票); listing_rules._disguised: a brand's own dotted spelling (Dr. Martens) is not a disguise;
- proximity.tsv "forged documents (en)": a replica degree, a fake receipt;
- a link to the maker's own site is not off-platform contact (rules._brand_site);
- proximity.tsv's last block: illegal services four writers told in words no row had (ILLEGAL_SERVICES below).
"""
from __future__ import annotations

import pytest

# (listing, decision, findings that must be among the counting ones)
CAUGHT = [
    # a copy word beside a brand, as before
    ({"title": "Rolex Submariner replica 40mm", "description": "Automatic movement, sapphire glass."}, "block",
     [("counterfeit", "replica"), ("brand", "Rolex")]),
    ({"title": "Fake Gucci belt gold buckle", "description": "Looks just like the real one."}, "block",
     [("counterfeit", "Fake")]),
    # disguised letters: hiding from a filter is the tell, no brand needed
    ({"title": "R3plica Sub Diver Watch 40mm Green Dial"}, "block", [("counterfeit", "R3plica")]),
    ({"title": "rep1ica handbag, dust bag included"}, "block", [("counterfeit", "rep1ica")]),
    # no brand named, but designer goods or a copy grade
    ({"title": "Premium Replica Designer Belt Gold H Buckle"}, "block", [("counterfeit", "Replica Designer")]),
    ({"title": "Football jersey 24/25 home, AAA replica"}, "block", [("counterfeit", "AAA replica")]),
    # a refusal does not clear a copy the listing also claims
    ({"title": "运动鞋 男", "description": "不是高仿，是原单，细节看图。"}, "block", [("counterfeit", "原单")]),
    # a question is no refusal
    ({"title": "二手 外套 L码", "description": "不知道是不是高仿，穿过一次，介意勿拍。"}, "block", [("counterfeit", "高仿")]),
    # the channel does not clear counterfeit wording
    ({"title": "耐克 AJ1 官方旗舰 高仿", "description": "细节对比图私聊。"}, "block", [("counterfeit", "高仿")]),
    # documents made to pass as real
    ({"title": "Diploma printing – replica degree from any university, embossed seal"}, "block",
     [("prohibited_goods", "replica degree")]),
    ({"title": "Designer belt, dust bag", "description": "Comes with dust bag and fake receipt."}, "block",
     [("prohibited_goods", "fake receipt")]),
]

# (listing, words a finding must cover): each row of proximity.tsv's twenty-first-session block; an ID or a degree is
# goods (prohibited_goods, as tests/text/test_service_or_goods.py has it), the rest are services
DOCUMENTS = [
    ({"title": "Novelty Driver License - Scannable, Any State", "description": "Passes bouncer scanners."}, "Passes bouncer"),
    ({"title": "Scannable Novelty ID", "description": "Hologram, any state."}, "Scannable Novelty"),
    ({"title": "Novelty Degree Certificate", "description": "Embossed seal, any university."}, "Novelty Degree"),
]
ILLEGAL_SERVICES = [
    ({"title": "招募兼职 手机操作", "description": "拍指定商品，好评后本金加佣金一起返。"}, "本金加佣金"),
    ({"title": "上门按摩 全套服务", "description": "同城可约，快餐包夜。"}, "按摩 全套服务"),
    ({"title": "Discreet companion", "description": "Incall/Outcall, hourly rates."}, "Incall/Outcall"),
    ({"title": "证件办理 加急", "description": "学历、职称、健康证都能做，三天出证。"}, "健康证都能做"),
    ({"title": "精准客户资源", "description": "本地宝妈名单5000条，含姓名电话。"}, "宝妈名单"),
    ({"title": "私家调查", "description": "可查开房记录，保密。"}, "查开房记录"),
    ({"title": "手机卡 批发", "description": "出实名卡 不用本人，可收验证码。"}, "实名卡 不用本人"),
    ({"title": "DDoS Booter Stresser", "description": "Take down any server in seconds."}, "Booter Stresser"),
    ({"title": "Account recovery", "description": "We hack any Instagram in 24 hours."}, "hack any Instagram"),
    ({"title": "Social media access", "description": "Any IG/FB account, no password needed."}, "Any IG/FB account, no password"),
    ({"title": "Peace of mind", "description": "Spouse's phone monitoring, reads messages remotely."}, "Spouse's phone monitoring"),
    ({"title": "Netflix Premium 1 Year Account", "description": "Private profile, 4K."}, "Netflix Premium 1 Year Account"),
    ({"title": "Reputation boost", "description": "Buy 5-Star Google Reviews from real profiles."}, "Buy 5-Star Google Reviews"),
    ({"title": "娱乐城 注册", "description": "首存送彩金，提现秒到。"}, "首存送彩金"),
    ({"title": "Sports picks", "description": "Offshore casino access, crypto sportsbook, no KYC."}, "Offshore casino"),
    ({"title": "兼职 日结", "description": "对公走账稳定，佣金当天结。"}, "走账稳定"),
    ({"title": "Business accounts", "description": "Verified PayPal accounts, SSN-verified, ready to receive funds."}, "SSN-verified, ready to receive funds"),
    ({"title": "信用卡 提额", "description": "养卡 T现，黑户包下卡。"}, "养卡 T现"),
]

PASSED = [
    # replicas that copy no brand: models, museum pieces, props, decor
    {"title": "Titanic Replica 1:350 Scale Model Kit", "description": "Detailed plastic replica, 80cm assembled."},
    {"title": "Terracotta Warrior Ceramic Replica 30cm", "description": "Museum shop replica made in Xi'an."},
    {"title": "Decorative Viking Shield Replica 60cm", "description": "Wooden shield, hand painted, for wall decor."},
    {"title": "Replica 1920s Candlestick Telephone - Decorative, Non-Working"},
    {"title": "Fake Succulent Plants Set of 6", "description": "Artificial succulents in mini pots, no watering."},
    # a maker or workshop saying what it will not copy
    {"title": "无品牌 羊毛混纺 大衣 原创设计", "description": "原创设计款，不是任何品牌，也不做仿款。"},
    {"title": "服装加工 来图来样", "description": "接原创品牌小单，不接任何品牌仿款，需提供商标授权。"},
    {"title": "复古风 机械表 男 国产机芯", "description": "表盘为自有设计，非任何品牌复刻。"},
    {"title": "1:18 合金 车模 保时捷 911 官方授权", "description": "这里的1:18是比例，不是仿品。"},
    # a brand named by its own channel, warranty or proof of purchase
    {"title": "海尔 冰箱 BCD-470 十字对开门 官方旗舰"},
    {"title": "天梭 力洛克 男士机械表 全球联保"},
    {"title": "Dyson V12 吸尘器 Refurbished", "description": "Dyson official refurbished, 1 year warranty."},
    {"title": "小米手环8 全新未拆", "description": "小米之家购入，发票在，可激活查保。"},
    {"title": "Dr. Martens 1460 Boots Preowned", "description": "Bought from the Dr. Martens store in 2022."},
    {"title": "iPhone screen repair", "description": "Apple Authorized Service Provider, repair record kept."},
    # documents that are products or are genuine
    {"title": "Leather passport cover with card slots"},
    {"title": "Gold pendant, receipt included", "description": "Certificate of authenticity and receipt."},
    # the maker's own site for set-up or support
    {"title": "Nike Air Max 90 Men's Size 10 - New in Box", "description": "Bought at the Nike store, receipt kept. Sizing guide on Nike.com."},
    {"title": "Microsoft 365 Personal 1年 订阅 零售版", "description": "Activate at microsoft.com/setup with the key inside."},
    # hard negatives of the illegal-service block
    {"title": "Espresso machine 15 bar", "description": "Scans at the touch of a button? No - but it pulls at 15 bars."},
    {"title": "Novelty mug - World's okayest driver", "description": "Novelty licence plate design, 11oz."},
    {"title": "按摩椅 家用 全身", "description": "全套配件，包邮到家。"},
    {"title": "家政保洁 上门服务", "description": "可提供过夜保姆，持健康证上岗。"},
    {"title": "GPS定位器 汽车防盗", "description": "手机APP可查实时位置和行车轨迹回放。"},
    {"title": "安兔兔跑分 30万 旗舰机", "description": "性能稳定，兼容主流游戏。"},
    {"title": "Password manager lifetime", "description": "Get access to any account from any device, end-to-end encrypted."},
    {"title": "Wireless earbuds", "description": "Buy now - read our 5-star reviews below."},
    {"title": "服务器 压力测试 工具", "description": "模拟高并发访问，帮你找到性能瓶颈。"},
    {"title": "Accounting ledger books", "description": "Offshore company bookkeeping made simple."},
    {"title": "PayPal card reader", "description": "Ready to receive payments in minutes, no contract."},
]


@pytest.mark.parametrize("listing,decision,expected", CAUGHT)
def test_still_caught(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    found = {(f.category, f.text) for f in result.findings if f.effect != "none"}
    missing = [e for e in expected if e not in found]
    assert not missing, f"missing {missing}; got {[(f.category, f.text, f.explanation) for f in result.findings]}"
    assert result.decision == decision
    for f in result.findings:
        assert listing[f.field][f.start:f.end] == f.text


# a brand named is still a brand finding (review): these must only not be read as the service
NOT_SERVICES = [
    {"title": "Netflix gift card $50", "description": "Redeem on your own account at netflix.com/redeem."},
    {"title": "Spotify Premium gift card 12 months", "description": "Add it to your account in the app."},
]


@pytest.mark.parametrize("listing", NOT_SERVICES)
def test_not_read_as_a_service(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert not [f for f in result.findings if f.category == "illegal_service"], [(f.category, f.text) for f in result.findings]
    assert not [f for f in result.findings if f.category == "diversion" and f.effect != "none"]  # the maker's own site


@pytest.mark.parametrize("listing,words,category", [(*c, "prohibited_goods") for c in DOCUMENTS]
                         + [(*c, "illegal_service") for c in ILLEGAL_SERVICES])
def test_services_and_documents_told_in_new_words(text_scanner, listing, words, category):
    result = text_scanner.scan(listing)
    assert result.decision == "block", [(f.category, f.text, f.explanation) for f in result.findings]
    services = [f for f in result.findings if f.category == category and f.effect != "none"]
    where = [(f, listing[f.field].find(words)) for f in services]
    assert any(0 <= at < f.end and f.start < at + len(words) for f, at in where), \
        [(f.category, f.text, f.explanation) for f in result.findings]


@pytest.mark.parametrize("listing", PASSED)
def test_passes(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.explanation) for f in result.findings]
