"""Thirty-fifth session (#15): illegal services and prohibited goods told by what they do, as slot pairs
(wordlists/proximity.tsv, rows marked "thirty-fifth session"), read from holdout28/29's misses after both were
scored first-seen. Positives and hard negatives are our own wording, not any evaluation set's; the hard negatives are
the innocent senses each row's note names (a ring light, a parking space, a diploma frame, a name seal, amber,
soundproofing, a Faraday pouch, a box cutter, a selfie stick, a pregnancy test, a tea shop, …).
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

IS, PG = "illegal_service", "prohibited_goods"

# (listing, category, words a counting finding of the category must cover)
CAUGHT = [
    # followers sold with a refill
    ({"title": "TikTok followers 2k", "description": "Non-drop, 30-day refill guarantee."}, IS, "Non-drop"),
    ({"title": "小红书 点赞收藏 500个", "description": "掉粉补，24小时到账，量大私聊。"}, IS, "掉粉补"),
    # account handed over with its binding
    ({"title": "游戏账号 出", "description": "满级满装备，买家可换绑手机邮箱。"}, IS, "可换绑"),
    ({"title": "Aged Buyer Accounts USA", "description": "Full login and email access, 2019 registrations."}, IS, "Full login"),
    # streaming seat rented
    ({"title": "Spotify 家庭组 车位", "description": "一年一付，稳定不掉。"}, IS, "车位"),
    # bank card routed for others' money
    ({"title": "对公账户 可走大额", "description": "三天一结，佣金日结。"}, IS, "可走大额"),
    ({"title": "兼职 在家就能做", "description": "需要你的银行卡收款转账，每笔给你提成。"}, IS, "收款转账"),
    # loan past the credit check
    ({"title": "急用钱 不查征信", "description": "黑户也能下，当天放款。"}, IS, "不查征信"),
    # collateral of private photos
    ({"title": "学生 小额周转", "description": "裸照做担保，三千以内秒批。"}, IS, "裸照"),
    # casino game played on a lead
    ({"title": "PK10 老师带单 包回本", "description": "进群免费看计划。"}, IS, "带单"),
    ({"title": "Sportsbook VIP", "description": "Deposit bonus 100%, withdraw your winnings in minutes."}, IS, "withdraw your winnings"),
    # companion sent to the buyer; tea as the code word
    ({"title": "同城 嫩模 可约", "description": "照片真实，价格私聊。"}, IS, "嫩模"),
    ({"title": "周末 约茶 老地方", "description": "同城上门，环境安全。"}, IS, "约茶"),
    # child of the chosen sex
    ({"title": "泰国试管 定性别", "description": "全程陪同，签约保障。"}, IS, "定性别"),
    # exam sat in the buyer's name
    ({"title": "Statistics final help", "description": "Our expert will sign in as you and finish the proctored exam."}, IS, "sign in as you"),
    # paper placed in a journal
    ({"title": "普刊 北大核心 包录用", "description": "审稿快，知网可查。"}, IS, "包录用"),
    # document made to order; seals; novelty id
    ({"title": "房产证 出生证明 办理", "description": "网上可查，两天出件。"}, PG, "网上可查"),
    ({"title": "Sick note for work", "description": "Doctor's note on letterhead, any date, any name."}, PG, "letterhead"),
    ({"title": "合同章 财务章 刻制", "description": "不用营业执照，三小时取章。"}, IS, "不用营业执照"),
    ({"title": "Novelty ID cards", "description": "Any date of birth, holograms on both sides."}, PG, "Any date of birth"),
    # certificate rented out; licence points; unlocked phone; person traced; partner's accounts
    ({"title": "一级建造师 证书挂靠", "description": "不用到岗，年费一次结清。"}, IS, "证书挂靠"),
    ({"title": "驾照 12分 不够用", "description": "专业销分，一分一百。"}, IS, "销分"),
    ({"title": "iCloud 解锁", "description": "找回模式也能解，不用原机主。"}, IS, "找回模式"),
    ({"title": "车牌号 查机主", "description": "十分钟出结果。"}, IS, "查机主"),
    ({"title": "Social media recovery", "description": "Get into your girlfriend's Instagram and read the DMs."}, IS, "girlfriend's"),
    # receipts that pass the audit; spouse for papers; sim in another's name
    ({"title": "餐饮发票 住宿票", "description": "连号也有，财务查不出。"}, IS, "财务查不出"),
    ({"title": "婚姻移民 一条龙", "description": "协议结婚，两年后拿绿卡。"}, IS, "协议结婚"),
    ({"title": "物联网卡 免实名", "description": "插上即用，不限速。"}, IS, "免实名"),
    # listening; camera; tracker; skimmers; jammer
    ({"title": "高灵敏 拾音 探头", "description": "贴墙放着就能听清隔壁每句话。"}, PG, "隔壁"),
    ({"title": "烟雾报警器款 看护器", "description": "手机远程查看，没有指示灯，谁也看不出。"}, PG, "远程查看"),
    ({"title": "Pocket RFID cloner", "description": "Walk past someone's pocket and it copies the badge."}, PG, "copies"),
    ({"title": "Card slot overlay", "description": "Fits fuel pump readers, stores the mag stripe."}, PG, "overlay"),
    ({"title": "Desktop signal jammer", "description": "Jams 4G and WiFi in a 15 metre radius."}, PG, "Jams"),
    # weapons
    ({"title": "OTF pocket knife", "description": "Out the front action, 3.5 inch blade."}, PG, "OTF"),
    ({"title": "甩棍 高碳钢", "description": "车载防身，一甩即开。"}, PG, "甩棍"),
    ({"title": "Novelty belt buckle", "description": "Heavy steel, four finger loops, fits over your hand."}, PG, "belt buckle"),
    # poison, animals, drugs
    ({"title": "毒鼠强 老鼠药", "description": "剧毒，少量即可。"}, PG, "毒鼠强"),
    ({"title": "老料 象牙手镯", "description": "有施雷格纹，非猛犸。"}, PG, "非猛犸"),
    ({"title": "画眉鸟 活体 野生", "description": "叫口好，包活发货。"}, PG, "画眉鸟"),
    ({"title": "M30 percs", "description": "Pharma grade, discreet shipping across the US."}, PG, "M30"),
    ({"title": "打胎药 套装", "description": "不用手术，不用挂号。"}, PG, "打胎"),
    ({"title": "含伪麻黄碱 感冒片", "description": "一次五十盒，不用登记。"}, PG, "不用登记"),
    ({"title": "细支 爆珠 香烟", "description": "免税店货，整条出。"}, PG, "整条出"),
    ({"title": "年货 鞭炮 大地红", "description": "快递不收的我们能发，包装写日用品。"}, PG, "鞭炮"),
    # third pass, read from holdout30 after its first-seen score
    ({"title": "博彩 平台 注册送", "description": "真人视讯 体育 电竞，首存送20%。"}, IS, "首存"),
    ({"title": "三甲医院 专家号", "description": "挂不上号的找我，当天可看。"}, IS, "专家号"),
    ({"title": "CPN service", "description": "New credit file with two seasoned tradelines."}, IS, "tradelines"),
    ({"title": "Voice bot subscription", "description": "Calls the customer pretending to be their bank and reads back the OTP."}, IS, "pretending to be"),
    ({"title": "Snapchat recovery", "description": "Any account, even if it's not yours."}, IS, "even if it's not yours"),
    ({"title": "Online math class help", "description": "Send us your login and we finish every quiz."}, IS, "Send us your login"),
    ({"title": "自考 本科 包拿证", "description": "不用本人到场，老师代替。"}, IS, "不用本人到场"),
    ({"title": "稳定 机场 月付", "description": "全球节点 支持 clash 订阅。"}, IS, "机场"),
    ({"title": "游戏 点卡 代充 五折", "description": "偶尔被风控，冻结不退。"}, IS, "代充"),
    ({"title": "二手手机 出", "description": "连同微信聊天记录一起打包给你。"}, IS, "聊天记录"),
    ({"title": "Homeowner list, Ohio", "description": "Names, cell phones and mortgage balance, CSV."}, IS, "Homeowner list"),
    ({"title": "金刚鹦鹉 幼鸟", "description": "手养亲人，没有证所以便宜。"}, PG, "没有证"),
    ({"title": "EDC 甩刀 D2钢", "description": "单手秒开，开刃锋利。"}, PG, "单手秒开"),
    ({"title": "防身手电 高压 女生", "description": "按一下侧键噼啪作响，坏人瞬间倒地。"}, PG, "防身"),
    ({"title": "Pre-ban netsuke", "description": "Creamy colour, cross-hatch lines under a loupe."}, PG, "cross-hatch"),
    ({"title": "Blue bars, 30 count", "description": "Pharma grade, no script needed."}, PG, "bars"),
]

# hard negatives: the same words in an innocent sense
PASSED = [
    {"title": "补光灯 直播 美颜", "description": "帮你的视频更好看，涨粉第一步。"},
    {"title": "Ring light for creators", "description": "Look great on camera and grow your followers."},
    {"title": "小区 地下车位 出租", "description": "月租600，近电梯。"},
    {"title": "投影仪 家用 1080P", "description": "支持 Netflix 与 Disney+ 应用，出租屋也能用。"},
    {"title": "记账本 收支流水", "description": "家庭收款转账一目了然。"},
    {"title": "个人信用报告 解读 书籍", "description": "教你读懂自己的征信，逾期记录怎么来的。"},
    {"title": "百家乐 桌布 绒面", "description": "家庭聚会娱乐用，不涉及真钱。"},
    {"title": "Board game: Horse Race", "description": "Odds cards and payout table included, play money only."},
    {"title": "新茶 上市 明前龙井", "description": "同城配送，次日达。"},
    {"title": "汉服 模特 上门拍摄", "description": "摄影师可约档期。"},
    {"title": "Girls' overnight bag", "description": "Pink duffel for sleepovers."},
    {"title": "试管架 实验室 50孔", "description": "耐高温，可选颜色。"},
    {"title": "Exam prep course", "description": "We take your study plan and make it work, final review included."},
    {"title": "一件代发 女装", "description": "支持代发，论坛分销。"},
    {"title": "毕业证书 相框 实木", "description": "A4 尺寸，可定制烫金校名。"},
    {"title": "Diploma frame, walnut", "description": "Fits any university diploma, made to order in our shop."},
    {"title": "个人名章 印章定制", "description": "篆刻 牛角 寿山石 可选。"},
    {"title": "Employee ID badge printing", "description": "Scan-ready barcodes for your staff."},
    {"title": "违章 代缴罚款", "description": "帮你在线缴纳违章罚款。"},
    {"title": "Phone unlock for original owner", "description": "Send proof of purchase and we remove the carrier lock."},
    {"title": "Wife's birthday gift", "description": "Personalised bracelet for your wife's account of your love."},
    {"title": "增值税发票 正规开具", "description": "一般纳税人，可查验。"},
    {"title": "Travel eSIM Japan", "description": "Activate on arrival, 10GB."},
    {"title": "隔音棉 卧室 墙面", "description": "装上以后再也听不到隔壁的声音。"},
    {"title": "Baby monitor", "description": "Hear your baby from the next room, night vision included."},
    {"title": "可视门铃 高清夜视", "description": "手机远程查看来访者，装在门口。"},
    {"title": "车载 GPS 定位器 车队管理", "description": "接车辆电源，老板手机看轨迹。"},
    {"title": "Refillable water bottle", "description": "Our subscribers get a free refill station map."},
    {"title": "粉丝见面会 应援灯牌", "description": "缺货包补发，24小时到账的电子票。"},
    {"title": "纯牛奶 250ml", "description": "最佳饮用温度为常温或微温。"},
    {"title": "RFID blocking sleeve", "description": "Stops anyone reading your card from your pocket."},
    {"title": "Faraday pouch", "description": "Blocks signals to your own phone, keeps your key fob safe."},
    {"title": "Building blocks classroom set", "description": "500 blocks for kindergarten classrooms."},
    {"title": "美工刀 自锁", "description": "推钮伸出刀片，手感稳。"},
    {"title": "伸缩自拍杆 蓝牙", "description": "一甩就能展开，旅行必备。"},
    {"title": "Glass paperweight", "description": "Hand-blown, fits in your hand, desk decor."},
    {"title": "粘鼠板 加大", "description": "对猫狗安全，一窝端。"},
    {"title": "天然琥珀 手串", "description": "真琥珀，非树脂，可验。"},
    {"title": "Buffalo horn comb", "description": "Real horn, not plastic, anti-static."},
    {"title": "画眉神器 眉笔", "description": "新手也能画出野生眉。"},
    {"title": "陶瓷 百灵鸟 摆件", "description": "手工彩绘，送礼佳品。"},
    {"title": "Blues vinyl records of the 30s", "description": "Pressed in 1934, shipped in discreet plain boxes."},
    {"title": "早孕试纸 10条", "description": "在家就能测，不用去医院。"},
    {"title": "感冒灵颗粒 整箱", "description": "正规药店，处方药须凭方。"},
    {"title": "辣条 一条 小包装", "description": "童年零食，整箱更划算。"},
    {"title": "LED 烟花灯 串", "description": "圣诞装饰，包邮。"},
    {"title": "新鲜菠菜 500g", "description": "当天采摘，首单包邮。"},
    {"title": "医院 陪诊 服务", "description": "帮您熟悉流程，不代挂号，号源请自行预约。"},
    {"title": "Scam awareness handbook", "description": "How fraudsters pose as your bank's fraud team, and what to do."},
    {"title": "Remote IT support", "description": "Help with your own accounts only; no access to other people's accounts."},
    {"title": "机场 接送 专车", "description": "航班延误免费等待，全程高速。"},
    {"title": "铝合金 梯子 家用", "description": "五步人字梯，承重150kg。"},
    {"title": "腾讯视频 VIP 官方直充", "description": "直充到您本人账号，不涉及账号出售。"},
    {"title": "儿童电话手表", "description": "可设置白名单联系人电话，上课禁用。"},
    {"title": "Blank address book", "description": "Pages for names, phone numbers and home address."},
    {"title": "玄凤鹦鹉 人工繁殖", "description": "手养亲人，自家繁殖。"},
    {"title": "Granola bars 12 pack", "description": "Oat and honey, 2mg of iron per bar."},
]


@pytest.mark.parametrize("listing,category,words", CAUGHT)
def test_caught(text_scanner, listing, category, words):
    assert_caught(text_scanner.scan(listing), listing, category, words, "block")


@pytest.mark.parametrize("listing", PASSED)
def test_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))
