"""Forty-second session (#15): the families a fresh writer's set showed missed (holdout37, read after its first-seen
score), as cues of wordlists/proximity.tsv and terms, and the genuine listings it showed flagged, as allow phrases,
a documentary's subject (exemptions.tsv `depiction`), a store brand's comparison (compatibility.tsv) and a third
party's phone number as personal data (scanner/text/personal_data.py). Our own wording, with the hard case beside each
family: the same words in their everyday sense.
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

# (listing, category, words a counting finding covers, decision)
CAUGHT = [
    # goods told by slang, by what they do or by the object that hides them
    ({"title": "户外狩猎 十字弓 碳纤维", "description": "配三支箭。"}, "prohibited_goods", "十字弓", "block"),
    ({"title": "Waklert 150 - focus - 30 tabs", "description": "Ships from India."}, "prohibited_goods", "Waklert", "block"),
    ({"title": "3-CMC 5g research", "description": "Lab grade."}, "prohibited_goods", "3-CMC", "block"),
    ({"title": "Test Cyp 250 + Tren Ace bundle", "description": "12 week cycle, pins included."}, "prohibited_goods", "cycle", "block"),
    ({"title": "户外 狗粮 5.5 铅头 一盒500粒", "description": "精度高。"}, "prohibited_goods", "铅头", "block"),
    ({"title": "收藏邮票 一版十格", "description": "贴舌头等二十分钟。"}, "prohibited_goods", "贴舌头", "block"),
    ({"title": "Wall charger with built-in camera, 2K", "description": "Records to micro SD."}, "prohibited_goods", "built-in camera", "block"),
    ({"title": "Magnetic GPS tracker", "description": "Finally see where your husband goes after work."}, "prohibited_goods", "where your husband", "block"),
    ({"title": "Marked cards + contact lenses set", "description": "Read every hand."}, "prohibited_goods", "contact lenses", "block"),
    ({"title": "Car GPS privacy box", "description": "Blocks GPS within 10 meters, plugs into the 12V socket."}, "prohibited_goods", "within", "block"),
    ({"title": "Unwashed poppy pods 500g", "description": "Great for tea."}, "prohibited_goods", "poppy pods", "block"),
    ({"title": "Key fob extender pair", "description": "Works on push-start cars."}, "prohibited_goods", "fob extender", "block"),
    # services told by what they do
    ({"title": "欧冠 外围 代投", "description": "稳定出款。"}, "illegal_service", "代投", "block"),
    ({"title": "棋牌银商 诚信回收金币", "description": "量大优先。"}, "illegal_service", "银商", "block"),
    ({"title": "查人 服务", "description": "只要对方手机号，出轨迹和实时位置。"}, "illegal_service", "轨迹", "block"),
    ({"title": "Walmart测评 真人买家号", "description": "美国站可做。"}, "illegal_service", "测评", "block"),
    ({"title": "四级包过", "description": "考场里戴隐形耳机，答案实时发给你。"}, "illegal_service", "答案", "block"),
    ({"title": "证件套 定做", "description": "结婚本离婚本都能做。"}, "prohibited_goods", "离婚本", "block"),
    ({"title": "Green card help", "description": "We arrange a marriage with a citizen partner, interview prep included."}, "illegal_service", "citizen partner", "block"),
    # contact elsewhere, said by an app's colour or its name after "hit me on"
    ({"title": "Vintage Levi's jacket", "description": "DM me on the blue app, same name."}, "diversion", "blue app", "review"),
    ({"title": "Rare vinyl", "description": "Serious buyers hit me on Signal."}, "diversion", "Signal", "review"),
    ({"title": "手工耳环", "description": "更多款式斗音搜同名店铺。"}, "diversion", "斗音", "review"),
    # a remedy said to replace chemotherapy
    ({"title": "Soursop capsules", "description": "Take it instead of chemo."}, "medical_claim", "chemo", "review"),
    # a disease fixed, starved or cured, and the diseases listed before "all treated" (lexicons/disease_outcome.tsv)
    ({"title": "Copper insoles", "description": "Fixed my gout in a month."}, "medical_claim", "Fixed my gout", "review"),
    ({"title": "Alkaline water drops", "description": "Starves cancer cells of oxygen."}, "medical_claim", "Starves cancer cells", "review"),
    ({"title": "Herbal Psoriasis Cure Cream", "description": "Natural."}, "medical_claim", "Psoriasis Cure", "review"),
    ({"title": "生发精华液", "description": "斑秃、脂溢性脱发都能治。"}, "medical_claim", "都能治", "review"),
    # never smells, never breaks in ten years, an award with no giver, returns doubling daily
    ({"title": "竹纤维抹布 永不发臭", "description": "吸水快。"}, "false_claim", "永不发臭", "review"),
    ({"title": "铸铁锅", "description": "加厚锅底，用十年都不会坏。"}, "false_claim", "都不会坏", "review"),
    ({"title": "Memory foam mattress", "description": "Voted the best mattress of the year."}, "false_claim", "Voted the best", "review"),
    ({"title": "理财入门课", "description": "学会这套方法，收益每天翻倍。"}, "false_claim", "每天翻倍", "review"),
    # the same words' hard cases: the phone of a third party in the listing
    ({"title": "二手冰箱 自提", "description": "我已经搬走了，看货请联系邻居刘阿姨 13712345678。"}, "personal_data", "13712345678", "review"),
]

PASSED = [
    # a repair shop that says it does not remove the lock, a Faraday pouch, bouquet poppies, lenses alone
    {"title": "手机维修 换屏", "description": "需出示购机凭证，不去除激活锁。"},
    {"title": "Faraday pouch for key fobs", "description": "Blocks the signal so nobody can relay it."},
    {"title": "Dried poppy heads for wreaths", "description": "Natural colour, 20 stems."},
    {"title": "Daily contact lenses 30 pack", "description": "Comfortable all day."},
    # dog food, stamps, smoke detectors and trackers in their own sense
    {"title": "成犬狗粮 10kg 鸡肉味", "description": "颗粒适中。"},
    {"title": "生肖邮票 小版张", "description": "品相完好，集邮收藏。"},
    {"title": "Smoke detector 10-year battery", "description": "Loud 85 dB alarm."},
    {"title": "Luggage GPS tracker", "description": "Find your suitcase at the airport."},
    # a store brand's comparison, an award title, a tortoiseshell pattern said not real, jade grading
    {"title": "Ibuprofen 200mg 100 tablets", "description": "Compare to the active ingredient in Advil."},
    {"title": "定制奖牌 刻字", "description": "可刻最佳员工、最佳新人。"},
    {"title": "玳瑁纹发夹", "description": "只是花纹，不是真玳瑁。"},
    {"title": "翡翠手镯", "description": "天然。", "attributes": {"品质": "A货（天然翡翠）"}},
    {"title": "Antique telegram, 1952", "description": "Original paper telegram in its envelope."},
    # a fixed cord, an engraved award title
    {"title": "Hair dryer", "description": "The fixed cord is 2 m long and fixes to the wall."},
    {"title": "年会奖杯", "description": "可刻被评为最佳员工。"},
    # a red-team pass's everyday senses of the same cues (helper, forty-second session)
    {"title": "iPhone 13 128G 二手", "description": "Clean IMEI, not blacklisted, unlocked."},
    {"title": "世界杯期间 抖音千川广告代投", "description": "按效果付费。"},
    {"title": "法斗专用狗粮 短鼻圆头犬", "description": "小颗粒好咀嚼。"},
    {"title": "Primo BMX frame 20 inch", "description": "Great for a cycle park, gear bag not included."},
    {"title": "亚马逊 Kindle 测评 博主推荐款", "description": "送保护套。"},
    {"title": "银商POS机", "description": "刷卡秒到账，个人可办。"},
    {"title": "OBD2 code reader", "description": "Pull data from the ECU in seconds."},
    {"title": "Trail camera 4K", "description": "No light flash at night, records video to SD."},
    {"title": "Smart display alarm clock with built-in camera", "description": "Video calls with family."},
    {"title": "AirTag 定位器 防丢", "description": "仅用于找物品，不能用于查岗。"},
    {"title": "薄荷糖 小方块", "description": "放舌头上即溶，清新口气。"},
    {"title": "Hidden Figures DVD", "description": "The NASA scientists who sent John Glenn to orbit."},
    {"title": "作业辅导", "description": "有老师替你批改作业，期中考试前加课。"},
    {"title": "Coffee mug", "description": "Voted Best Teacher 2024 print."},
    # a landlord selling on their own behalf, a seller's own number after a neighbour is named
    {"title": "房东直租 一室户", "description": "看房打我电话。"},
]


# what the red-team narrowing took back and rows that say it more exactly (a dose after the slang, the removal service
# by its name, odds offered on a match)
RESTORED = [
    ({"title": "Test E 250 - 10ml", "description": "For a bulking cycle."}, "prohibited_goods", "Test E 250", "block"),
    ({"title": "iCloud activation lock removal", "description": "Any model, remote."}, "prohibited_goods", "activation lock removal", "block"),
    ({"title": "欧冠比赛 竞猜 高赔率", "description": "当天结算。"}, "illegal_service", "高赔率", "block"),
]


@pytest.mark.parametrize("listing,category,words,decision", CAUGHT + RESTORED)
def test_family_caught(text_scanner, listing, category, words, decision):
    assert_caught(text_scanner.scan(listing), listing, category, words, decision)


@pytest.mark.parametrize("listing", PASSED)
def test_everyday_sense_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))

