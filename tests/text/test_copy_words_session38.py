"""Thirty-eighth session (#15): illegal services told in a trade's own shorthand (wordlists/proximity.tsv and terms/,
rows and cues marked "thirty-eighth session"). Read from the thirty-seventh session's red-team pass, whose 30 evasions
of the service rows were caught 5 times: pinyin initials (skm, fp, ssq/dlt), trade names (Fire Kirin, HT/FT),
euphemisms (爱心宝妈帮怀, 礼品代发 一毛一单, 收U出U) and the service told by its result (差评 … 小时内消失). The
listings below are our own wording of those families, not the red team's. Beside them, innocent listings holding
the same cue words (a pregnancy pillow, a third-generation feeding bottle, a receipt book filled in by hand, a
hardware wallet met in person, a parcel's tracking number, zodiac gifts, a travel guide to New Zealand and
Australia): a family must not catch its cue's everyday sense.

Then the families holdout35 missed once it had been scored first-seen (56.2 % recall; illegal services 25 of 63,
prohibited goods 29 of 63): the same constructions in our own wording, and innocent listings beside them (a curling
stone, a Smurfs toy, a car's push-start kit, an oyster-mushroom kit, an anti-money-laundering handbook, a see-through
storage bag, a data-recovery app for the buyer's own phone).
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

IS, PG, FC, MC = "illegal_service", "prohibited_goods", "false_claim", "medical_claim"

# (listing, category, words a counting finding covers, decision)
CAUGHT = [
    # a licence or certificate with nobody sitting the test
    ({"title": "摩托车驾照 人不用去 包拿证", "description": "提供身份证和照片，其余我们安排。"}, IS, "人不用去", "block"),
    # receipts and invoices by their shorthand
    ({"title": "餐饮小票 补打", "description": "各大连锁餐厅小票都能打，金额随便填，公司报销用。"}, IS, "小票", "block"),
    ({"title": "Restaurant Receipt Reprint", "description": "Any restaurant receipt reprinted with the amount you want on it."}, IS, "receipt", "block"),
    ({"title": "代开 各行业 低至2个点", "description": "全国可验，月底量大可谈。"}, IS, "代开", "block"),
    ({"title": "住院证明 盖红章", "description": "全国公立医院，请假用，当天出。"}, IS, "住院证明", "block"),
    # a baby of the chosen sex, a stranger carrying it
    ({"title": "海外PGS 可指定性别", "description": "一站式服务，医院签约。"}, IS, "PGS", "block"),
    ({"title": "怀不上别着急", "description": "专业团队，代怀全程陪护，宝宝出生手续齐全。"}, IS, "代怀", "block"),
    # orders brushed, tracking numbers sold for them
    ({"title": "招兼职 真人单 返本金", "description": "按要求下单，当天结算。"}, IS, "真人单", "block"),
    ({"title": "快递单号出售", "description": "全国物流，单号几毛一单，批量优惠。"}, IS, "单号", "block"),
    # payment codes and accounts taking strangers' money
    ({"title": "闲置skm 租给我们", "description": "每天几笔，日结，skm出租不用投资。"}, IS, "skm", "block"),
    ({"title": "找人帮收款 按流水给提成", "description": "你有支付宝就行，在家就能做。"}, IS, "帮收款", "block"),
    ({"title": "Work From Home – Payment Agent", "description": "Receive transfers, keep a cut, buy Bitcoin at the kiosk we name for the rest."}, IS, "Receive transfers", "block"),
    ({"title": "长期收u出u 汇率比平台高", "description": "同城可约，大额可谈。"}, IS, "收u出u", "block"),
    # gambling and lottery picks
    ({"title": "Fire Kirin & Orion Stars Agent", "description": "Redeem winnings to CashApp fast, 24/7."}, IS, "Fire Kirin", "block"),
    ({"title": "排列五 专家团 每期杀号", "description": "付费入群看推荐。"}, IS, "排列五", "block"),
    ({"title": "新澳门 今晚开 四肖", "description": "会员每期提前发送。"}, IS, "新澳门", "block"),
    ({"title": "六肖中特 免费试看", "description": "历史记录可查。"}, IS, "六肖中特", "block"),
    ({"title": "Correct Score Tips – Confirmed Games", "description": "Weekend fixtures, pay after win."}, IS, "Correct Score", "block"),
    # identities and accounts passed to the buyer
    ({"title": "防沉迷解除", "description": "用家长身份帮验，提供号码就行。"}, IS, "家长身份", "block"),
    ({"title": "出 老vx 已实名 可换绑", "description": "朋友圈正常，量大优惠。"}, IS, "已实名", "block"),
    ({"title": "Texas Homeowners List", "description": "Name, mobile + addr, est. equity. CSV delivered in an hour."}, IS, "Homeowners", "block"),
    # harassment, smuggling, reviews removed, the firewall
    ({"title": "帮你要账", "description": "给我对方手机，一天上千个电话打过去。"}, IS, "上千个电话", "block"),
    ({"title": "韩国代购 随身携带入境 免关税", "description": "每周往返，化妆品都能带。"}, IS, "随身携带入境", "block"),
    ({"title": "店铺差评 72小时内消失", "description": "各大平台，按条收费。"}, IS, "差评", "block"),
    ({"title": "Unwanted Reviews on Your Yelp Page?", "description": "We get unwanted reviews taken down, pay per review."}, IS, "unwanted reviews", "block"),
    ({"title": "翻墙 看油管 手机电脑通用", "description": "月付10元，订阅一键导入。"}, IS, "翻墙", "block"),
]

# families holdout35 showed (after its first-seen score)
CAUGHT_HOLDOUT35 = [
    ({"title": "泰国试管 可选性别", "description": "全程陪同，医院正规。"}, IS, "泰国试管", "block"),
    ({"title": "驾照分 代办 当天", "description": "一分多少钱私聊。"}, IS, "驾照分", "block"),
    ({"title": "长期收购 实名账户", "description": "支付宝微信都要，当天结。"}, IS, "实名账户", "block"),
    ({"title": "加拿大28 计划群", "description": "每天带你回本。"}, IS, "加拿大28", "block"),
    ({"title": "离婚证 制作 内页清晰", "description": "全国各地都可做。"}, PG, "离婚证", "block"),
    ({"title": "Rent my Amazon seller account", "description": "Approved in 2021, good health."}, IS, "Rent my", "block"),
    ({"title": "Online quizzes done", "description": "Send me the course link, I log in and finish them."}, IS, "quizzes", "block"),
    ({"title": "Refund help for any store", "description": "We file disputes on orders you already received."}, IS, "file disputes", "block"),
    ({"title": "Pay Per Head Bookie Software", "description": "Turnkey, agents and collections included."}, IS, "Pay Per Head", "block"),
    ({"title": "和平精英 科技 透视 锁头", "description": "稳定更新。"}, IS, "透视", "block"),
    ({"title": "快手 涨粉 真人粉", "description": "下单秒到。"}, IS, "涨粉", "block"),
    ({"title": "足球推荐 跟单稳赚", "description": "每日三场，会员群。"}, IS, "跟单", "block"),
    ({"title": "恢复对方聊天记录", "description": "远程操作，无需对方手机。"}, IS, "对方聊天记录", "block"),
    ({"title": "查开房 记录 全国", "description": "姓名即可，两小时出。"}, IS, "查开房", "block"),
    ({"title": "Bank statements for rentals", "description": "Edited to any income you need, PDF same day."}, IS, "Bank statements", "block"),
    ({"title": "Account Recovery Service", "description": "We get into any account, no owner needed."}, IS, "Account Recovery", "block"),
    ({"title": "Google Voice numbers", "description": "Bulk orders, PVA, instant delivery."}, IS, "Google Voice", "block"),
    ({"title": "亚马逊 测评 招募", "description": "下单后全额返款，另付佣金。"}, IS, "测评", "block"),
    ({"title": "贷款 包装流水 下款快", "description": "征信花也可以做。"}, IS, "包装流水", "block"),
    ({"title": "四六级 代k", "description": "包过。"}, IS, "代k", "block"),
    ({"title": "插座造型 无线监控", "description": "手机远程看，放哪都行。"}, PG, "插座造型", "block"),
    ({"title": "Signal Repeater Pair", "description": "Box A by the house, the keyless car unlocks at box B."}, PG, "Box A", "block"),
    ({"title": "进口果子狸 活体", "description": "两只一起出。"}, PG, "果子狸", "block"),
    ({"title": "玻璃冰壶 溜冰专用", "description": "带吸管，耐高温。"}, PG, "冰壶", "block"),
    ({"title": "白货 老料 雕件", "description": "满肉无裂，老货。"}, PG, "白货", "block"),
    ({"title": "小蓝丸 男士持久", "description": "一粒见效。"}, PG, "小蓝丸", "block"),
    ({"title": "Penis Envy grow kit", "description": "Colonized and ready to fruit in a week."}, PG, "Penis Envy", "block"),
    ({"title": "道具钞 高品质", "description": "可过机，批量优惠。"}, PG, "道具钞", "block"),
    ({"title": "防身手电 高压", "description": "碰一下人就站不起来。"}, PG, "防身", "block"),
    ({"title": "插卡远程听音器", "description": "超长待机。"}, PG, "远程听音器", "block"),
    ({"title": "侧跳 户外小刀", "description": "一按即出。"}, PG, "侧跳", "block"),
]

# claims holdout35 showed (after its first-seen score): a disease waved goodbye, a medicine given up, an authority's
# endorsement, 100 % of the sun blocked
CLAIMS = [
    ({"title": "Turmeric Joint Capsules", "description": "Goodbye arthritis, hello mornings."}, MC, "Goodbye arthritis", "review"),
    ({"title": "Bitter Melon Tea", "description": "Grandma got off metformin after two months of this."}, MC, "got off metformin", "review"),
    ({"title": "Blood Sugar Reset Tea", "description": "Diabetes reversal in a cup."}, MC, "Diabetes reversal", "review"),
    ({"title": "磁疗护膝", "description": "我妈戴了三个月，降糖药都不吃了。"}, MC, "降糖药都不吃了", "review"),
    ({"title": "智能插座 省电", "description": "国家电网推荐，一年省几百。"}, FC, "国家电网推荐", "review"),
    ({"title": "保温杯 钛合金", "description": "航天员同款材料，摔不坏。"}, FC, "航天员同款", "review"),
    ({"title": "防晒伞 黑胶", "description": "100%防紫外线，夏天必备。"}, FC, "100%防紫外线", "review"),
]

PASSED = [
    {"title": "孕妇枕 护腰侧睡", "description": "帮怀孕的妻子缓解腰酸，U型设计，可拆洗。"},
    {"title": "第三代防胀气奶瓶 男宝女宝通用", "description": "宽口径，PPSU材质，耐高温。"},
    {"title": "二联收据本 无碳复写 50本装", "description": "单位财务用，金额手写，带存根。"},
    {"title": "二手 硬件钱包 支持USDT", "description": "可当面验货，同城自提。"},
    {"title": "文具店 发货快", "description": "下单当天发出，快递单号在订单里可查。"},
    {"title": "十二生肖 钥匙扣 一套", "description": "十二生肖中特别受欢迎的是龙和兔。"},
    {"title": "新澳两国 自由行攻略书", "description": "新西兰和澳大利亚的景点、交通和签证资料，附地图。"},
    {"title": "代收快递 小区驿站 招加盟", "description": "提供货架和系统，收入按件计算。"},
    {"title": "Thermal Receipt Paper 80mm, 50 Rolls", "description": "Fits most POS printers; any amount of rolls ships free over 20."},
    {"title": "Smart Thermostat for Homeowners", "description": "Schedules, a mobile app and energy reports."},
    {"title": "除味剂 车用", "description": "零差评好物，喷完异味马上散去。"},
    {"title": "Football Scoreboard, Magnetic", "description": "Shows the correct score at half time and full time."},
    {"title": "油管博主同款 外网爆款 收纳盒", "description": "桌面整理神器，三层抽屉。"},
    {"title": "驾校报名 科目一 理论课", "description": "周末班，人不用去驾校也能在线学理论。"},
    {"title": "冰壶 比赛用 花岗岩", "description": "标准尺寸，冰壶运动训练用。"},
    {"title": "蓝精灵 毛绒玩具 男孩女孩", "description": "经典动画形象，柔软可水洗。"},
    {"title": "Push Start Button Kit, Keyless Entry", "description": "Remote start; the car unlocks as you walk up."},
    {"title": "Oyster Mushroom Grow Kit", "description": "Colonized block, ready to fruit in ten days."},
    {"title": "Anti-Money Laundering Handbook", "description": "KYC rules for crypto exchanges, explained for compliance staff."},
    {"title": "透视收纳袋 加厚", "description": "透明可视，衣物整理。"},
    {"title": "手机数据恢复 软件", "description": "误删照片和自己的聊天记录恢复。"},
    {"title": "酒店 前台 查房记录本", "description": "开房登记用，100页。"},
    {"title": "Coat Hook, Brass", "description": "Two screws included; holds a winter coat."},
    {"title": "白货 家电 清仓", "description": "冰箱洗衣机，满减。"},
    {"title": "CCTV 监控摄像头 店长推荐", "description": "400万像素，夜视清晰。"},
    {"title": "《航天员的故事》 少儿科普", "description": "讲述中国航天员训练的绘本。"},
    {"title": "Goodbye Moon Picture Book", "description": "A bedtime story for toddlers."},
    {"title": "Pill Organizer, 7 Day", "description": "Never forget your metformin or blood pressure pills again."},
]


@pytest.mark.parametrize("listing,category,words,decision", CAUGHT + CAUGHT_HOLDOUT35 + CLAIMS)
def test_service_shorthand_caught(text_scanner, listing, category, words, decision):
    assert_caught(text_scanner.scan(listing), listing, category, words, decision)


@pytest.mark.parametrize("listing", PASSED)
def test_cue_in_everyday_sense_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))
