"""Thirty-seventh session (#15): illegal services and prohibited goods told by what they do, a trade name or a count
(wordlists/proximity.tsv and terms/, rows marked "thirty-seventh session"). Read from the misses of holdout31–33 (the
two categories stood at 23–39 % recall); the listings below are our own wording of the same families, most of which
passed or were flagged under another category on the lists before this session. Beside them, innocent listings
holding the same cue words (bedding 四件套, a phone's 跑分, receipt books printed for a shop, a 病历本, airport
transfers, a slot-machine money box, a bomber model, a home camera's manual, a smoke alarm): a family must not catch
its cue's everyday sense. Last, what a red-team pass found still firing on older rows, as strict xfails.
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

IS, PG = "illegal_service", "prohibited_goods"

# (listing, category, words a counting finding covers, decision)
CAUGHT = [
    # a stand-in sent into the exam hall, or a certificate without its check
    ({"title": "成人高考 全科 稳过", "description": "考试当天我们安排人进考场，你在家等通知。"}, IS, "安排人进考场", "block"),
    ({"title": "科目四 包过 外地可接", "description": "报名后不用本人到场，有人替你去考。"}, IS, "替你去考", "block"),
    ({"title": "健康证 加急办理", "description": "健康证不用去体检，提供照片即可，三天出证。"}, IS, "不用去体检", "block"),
    ({"title": "四六级 考试辅导", "description": "开考后十五分钟同步发送答案，耳机接收。"}, IS, "开考后", "block"),
    ({"title": "考研 考场同步 服务", "description": "名额有限，先到先得。"}, IS, "考场同步", "block"),
    # papers and receipts made to order
    ({"title": "病假条 当天出", "description": "各地医院都有，带章可查，请假报销都能用。"}, IS, "病假条", "block"),
    ({"title": "Expense Receipts Made Fast", "description": "Any restaurant or hotel, any date you need, PDF in an hour."}, IS, "Receipts", "block"),
    ({"title": "出差报销 酒店水单", "description": "酒店水单可定制，金额日期按你要求。"}, IS, "酒店水单", "block"),
    ({"title": "毕业证 补办 全国院校", "description": "钢印清晰，防伪线齐全，七天出。"}, IS, "毕业证", "block"),
    ({"title": "Replacement Diploma Service", "description": "Any university, with an embossed seal and a matching transcript."}, IS, "matching transcript", "block"),
    # surrogacy and a chosen sex
    ({"title": "海外助孕 一站式", "description": "爱心妈妈资源多，三代技术可选男宝，不成功不收费。"}, IS, "爱心妈妈", "block"),
    ({"title": "泰国 代怀 全程陪同", "description": "签约医院，宝宝出生后协助回国。"}, IS, "代怀", "block"),
    # orders brushed for a shop's ranking
    ({"title": "新店 补单 提升权重", "description": "真人手工下单，三天见效。"}, IS, "补单", "block"),
    ({"title": "拼多多 S单 真实物流", "description": "帮新品破零，一单佣金5元。"}, IS, "S单", "block"),
    ({"title": "电商代发", "description": "提供空包发货，物流信息可查。"}, IS, "空包发货", "block"),
    # loans, bank accounts, payment codes, money moved on
    ({"title": "急用钱 当天放", "description": "黑白户都能下，只要身份证。"}, IS, "黑白户", "block"),
    ({"title": "长期高价收 一类卡", "description": "带U盾带手机卡，一套1200，当面交易。"}, IS, "一类卡", "block"),
    ({"title": "招码商 平台日结", "description": "用你的收款码帮平台收款，按流水抽佣。"}, IS, "码商", "block"),
    ({"title": "Remote Payments Assistant", "description": "Receive transfers into your own account and send them on by crypto ATM; 8% commission."}, IS, "Receive transfers", "block"),
    ({"title": "USDT 出售 当面交易", "description": "现金换USDT，同城线下，汇率好商量。"}, IS, "USDT", "block"),
    # gambling
    ({"title": "香港马会 内部资料", "description": "每期精准推荐，一肖一码，群内发布。"}, IS, "一肖一码", "block"),
    ({"title": "Fish Table Credits – Any Amount", "description": "Play fish games from your phone; instant cashout to CashApp."}, IS, "Fish Table", "block"),
    # someone else's identity, accounts, data
    ({"title": "游戏 防沉迷 解除", "description": "实名认证代过，人脸也能过，五分钟上号。"}, IS, "实名认证", "block"),
    ({"title": "出 实名老号 朋友圈正常", "description": "注册六年，可换绑手机。"}, IS, "实名老号", "block"),
    ({"title": "DoorDash Driver Account Rental", "description": "Background check passed, weekly rental, I send your payouts."}, IS, "Driver Account", "block"),
    ({"title": "客户资料 一手", "description": "宝妈名单带手机号和住址，按条计价。"}, IS, "名单", "block"),
    ({"title": "号码 轰炸 服务", "description": "给我一个手机号，电话短信不停，按小时收费。"}, IS, "轰炸", "block"),
    ({"title": "韩国化妆品 人肉带回", "description": "每周往返，不报关所以价格低。"}, IS, "人肉带回", "block"),
    ({"title": "口碑维护 负面处理", "description": "大众点评差评可以帮你删掉，48小时见效。"}, IS, "差评", "block"),
    # a seller paying its own buyer to delete a bad review stays an incentivized review, not a removal service
    ({"title": "电饭煲 3L", "description": "如有中差评请先联系客服，删除差评补偿10元。"}, "incentivized_review", "删除差评", "review"),
    ({"title": "高速 节点 月付", "description": "支持 Clash 和小火箭，看外网不卡。"}, IS, "节点", "block"),
    # invoices and lottery named in new ways
    ({"title": "各类服务票 点数优惠", "description": "可验真，当天出。"}, IS, "服务票", "block"),
    ({"title": "ssc 带单 回血", "description": "五分钟一期，跟计划走。"}, IS, "ssc", "block"),
]

# prohibited goods told by a trade name, a count or what they do (the same session, from holdout31–33's misses)
CAUGHT_GOODS = [
    ({"title": "果味 香薰棒 一次性 8000口", "description": "冰薄荷味，抽完即扔。"}, PG, "8000口", "block"),
    ({"title": "烟油 补充装", "description": "尼古丁3%，30ml一瓶。"}, PG, "尼古丁3%", "block"),
    ({"title": "华子 条装 现货", "description": "一条起发，顺丰包邮。"}, PG, "华子", "block"),
    ({"title": "炮甲片 中药材 50克", "description": "老药行出的，产后下奶用。"}, PG, "炮甲片", "block"),
    ({"title": "Chuan Shan Jia, TCM slices", "description": "Wild-harvested, 50 g."}, PG, "Chuan Shan Jia", "block"),
    ({"title": "清中期 杯 包老", "description": "亚洲角火烧有焦发味，老犀料非水牛角。"}, PG, "亚洲角", "block"),
    ({"title": "Antique Shawl", "description": "Genuine chiru down, not pashmina; sold as is."}, PG, "chiru", "block"),
    ({"title": "游隼 幼鸟 手养", "description": "已开食，同城自提。"}, PG, "游隼", "block"),
    ({"title": "玩具枪 改装件", "description": "金属撞针装上后能打钢珠，威力大。"}, PG, "撞针", "block"),
    ({"title": "户外 EDC 小刀", "description": "刀身直接弹出，刃长9cm。"}, PG, "刀身直接弹出", "block"),
    ({"title": "Solid Brass", "description": "A heavy brass paperweight that fits snug over your fingers."}, PG, "paperweight", "block"),
    ({"title": "助眠 小瓶 无色无味", "description": "放饮料里喝下，醒来什么都不记得。"}, PG, "放饮料里", "block"),
    ({"title": "改号 设备", "description": "对方看到的号码可自定义，开机即用。"}, PG, "对方看到的号码", "block"),
    ({"title": "插卡 定位 器", "description": "打电话过去就能听到周围声音，待机30天。"}, PG, "打电话过去", "block"),
    ({"title": "Pinhole Camera Module, 1080p", "description": "Small enough for any Airbnb bathroom vent."}, PG, "Pinhole Camera", "block"),
    ({"title": "Gas pump kit", "description": "Card reader overlay that fits most ATM slots too."}, PG, "overlay", "block"),
    ({"title": "GPS Tracker, magnetic", "description": "Slip it under your wife's car seat; she'll never know."}, PG, "GPS", "block"),
    ({"title": "16口 猫池 设备", "description": "支持改IMEI，批量注册。"}, PG, "猫池", "block"),
]

# the same cue words in their everyday sense
PASSED = [
    {"title": "纯棉床上四件套 1.8m床", "description": "被套床单枕套一套四件，长期有货，可邮寄。"},
    {"title": "骁龙8 游戏手机 12+256", "description": "安兔兔跑分200万，发热控制好。"},
    {"title": "二联收据本 定制印刷", "description": "可印店名和电话，50本起订，收据格式可选。"},
    {"title": "病历本 通用 门诊", "description": "二甲三甲医院通用，A5大小，20本装。"},
    {"title": "日本自由行 行程单 定制规划", "description": "按你的时间定制每日路线，含交通和餐厅建议。"},
    {"title": "Slot Machine Piggy Bank", "description": "Pull the lever after every coin deposit; lights and sounds."},
    {"title": "1:72 B-52 轰炸机 合金模型", "description": "带展示底座，适合收藏。"},
    {"title": "机场接送 专车 24小时", "description": "提前一天预约，航班延误免费等候。"},
    {"title": "百年老号 手工月饼", "description": "老号出品，每天现做。"},
    {"title": "员工花名册 Excel 模板", "description": "含入职日期、部门、岗位等栏目，可直接填写。"},
    {"title": "成人高考 复习资料 全套", "description": "历年真题和考点总结，考试前两个月开始刷。"},
    {"title": "家用监控摄像头 室外", "description": "请勿安装在卫生间、更衣室等侵犯隐私的位置。"},
    {"title": "光电烟感报警器 3C认证", "description": "安装在卧室客厅，不建议装在浴室和厨房。"},
    {"title": "一次性 纸杯 6000只装", "description": "加厚款，商用。"},
    {"title": "Peregrine Falcon Print, A3", "description": "A photo of a peregrine chick on a cliff ledge."},
    {"title": "Diploma Frame, Cherry Wood", "description": "Fits any university diploma; the mat shows its embossed seal."},
    {"title": "Test Leads Kit for Multimeters", "description": "Silicone leads with alligator clips and probe tips."},
    {"title": "试管 玻璃 带盖 100支", "description": "实验室用，包成功到货，破损包赔。"},
    {"title": "真实评价 店铺承诺", "description": "我们从不删差评，也不刷好评，欢迎真实反馈。"},
]


# A red-team pass, shown only this session's illegal-service rows, wrote 40 innocent listings aimed at them: 39 were flagged at first,
# 15 after the rows were narrowed (two more after it), and every one still flagged is an older row's (six below; the
# others: an ID-photo service, an exam hall's ID checker, a casino-odds book, a reviews NFC card) or an ordinary
# review of a brand or an absolute term. Kept as strict xfails: each passes when its row is fixed.
RED_TEAM_KNOWN = [
    {"title": "针式票据打印机 24针 发票打印点数高 连打不卡纸", "description": "适用增值税发票、快递单、送货单打印。24针打印头，发票打印点数高字迹清晰，支持一次原件+3份拷贝。USB+并口，附送色带一根，开机即用，专票普票都能对齐套打。"},  # invoices row: 票据/发票 … 点数 (a printer's dots)
    {"title": "《彩票里的数学》概率科普读物 看穿包中骗局", "description": "作者是统计学老师，用双色球、大乐透的真实开奖规则讲清中奖概率。书里专门一章讲：网上所有彩票包中都是骗局，为什么“稳赚计划”不可能存在。理性购彩，适合高中生和家长一起读。"},  # lottery tips row: 彩票 … 包中 (a book against it)
    {"title": "出租车收款码牌 亚克力挂牌 车载支付码立牌", "description": "出租车收款码牌，网约车/出租车副驾椅背挂式，可放微信支付宝二维码，亚克力材质防刮，附魔术贴和挂钩。支持定制车队LOGO。"},  # payment-code row: 收款码 … 出租 (a taxi's)
    {"title": "儿童医生玩具套装 听诊器+针筒+病假条盖章小印章 过家家", "description": "仿真医生工具箱，含听诊器、体温计、针筒、小药瓶，还有一本病假条盖章小印章可以给玩偶“开证明”。ABS环保材质，3岁以上适用，送收纳箱。"},  # papers row: 病假条 … 盖章 (a toy stamp)
    {"title": "幼儿园毕业证书定制 带钢印 烫金封面 大班毕业纪念", "description": "幼儿园毕业证书外壳+内页定制，可加园所钢印，烫金封面，内页印宝宝照片和寄语。仅限园所老师下单（需提供园所名称），家长毕业纪念款也可以做。"},  # certificate row: 毕业证 … 钢印 (a kindergarten's own)
    {"title": "铝合金伸缩梯子 人字梯 4米 翻墙修屋檐摘果", "description": "家用加厚铝合金梯子翻墙修屋檐、摘果子、换灯泡都能用，伸缩收纳只占1米，承重150kg，防滑脚垫，带安全锁扣。"},  # 科学上网's variant 翻墙 (over a wall, on a ladder)
]


@pytest.mark.parametrize("listing,category,words,decision", CAUGHT + CAUGHT_GOODS)
def test_service_family_caught(text_scanner, listing, category, words, decision):
    assert_caught(text_scanner.scan(listing), listing, category, words, decision)


@pytest.mark.parametrize("listing", PASSED)
def test_cue_in_everyday_sense_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))


@pytest.mark.xfail(strict=True, reason="an older row's cue in its everyday sense (red-team pass, thirty-seventh session)")
@pytest.mark.parametrize("listing", RED_TEAM_KNOWN)
def test_red_team_known_false_positive(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))
