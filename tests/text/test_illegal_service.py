"""Illegal services (#20 item 3): services sold in a listing that are violations whatever the goods.

Positives are written fresh, Chinese and English, some disguised (half pinyin, separators,
traditional characters, leetspeak); each row names the exact words a moderator would mark. The hard
negatives are the innocent senses of the same words: a calligrapher's couplets, bedding sets, phone
benchmarks, card sleeves, casino-themed games, a shop's own invoices, overseas shopping agents. They
must pass. Each row: listing fields, the expected decision, (category, exact text) pairs that must be
among the findings that count.
"""
import pytest

from tests.text.test_scan_families import assert_counted

IS = "illegal_service"

FAKED_TRAFFIC = [  # 刷销量, 刷粉, 水军: 网络交易监督管理办法 第十四条
    ({"title": "淘宝刷销量 真人下单 安全不降权"}, "block", [(IS, "刷销量")]),
    ({"title": "抖音刷粉丝 1000个 秒到"}, "block", [(IS, "刷粉丝")]),
    ({"title": "小红书笔记 刷赞 刷收藏 上热门"}, "block", [(IS, "刷赞"), (IS, "刷收藏")]),
    ({"description": "专业网络水军，品牌口碑维护，负面压制。"}, "block", [(IS, "网络水军")]),
    ({"title": "补单平台招募 日结 佣金高"}, "block", [(IS, "补单平台")]),
    ({"title": "Buy Instagram followers, 10k real accounts, instant"}, "block", [(IS, "Buy Instagram followers")]),
    ({"title": "Amazon order brushing service with real buyer accounts"}, "block", [(IS, "order brushing service")]),
    ({"title": "刷xiao量 真人 包上首页"}, "block", [(IS, "刷xiao量")]),  # half pinyin
    ({"title": "兼职刷单 日结 手机就能做"}, "block", [(IS, "兼职刷单 日结")]),  # recruiting brushers
    ({"title": "Buy TikTok likes and views, fast delivery"}, "block", [(IS, "Buy TikTok likes")]),
]
EXAMS_AND_PAPERS = [  # 刑法 第二百八十四条之一, contract-cheating laws
    ({"title": "毕业论文代做 本硕博 包查重"}, "block", [(IS, "毕业论文代做")]),
    ({"title": "网课代刷 学习通 智慧树 全包"}, "block", [(IS, "网课代刷")]),
    ({"title": "托福 帮考 代上 全国可接"}, "block", [(IS, "托福 帮考 代上")]),
    ({"title": "代写 毕业设计 程序 源码"}, "block", [(IS, "代写 毕业设计")]),
    ({"title": "We write your essay, any subject, plagiarism-free, 24h"}, "block", [(IS, "We write your essay")]),
    ({"title": "Take my online class for me, A grade guaranteed"}, "block", [(IS, "Take my online class")]),
    ({"title": "We take your online class and exams, guaranteed A"}, "block", [(IS, "We take your online class")]),
    ({"title": "帮忙写论文 研究生 本科"}, "block", [(IS, "帮忙写论文")]),
    ({"title": "Dissertation writing service, PhD writers, UK"}, "block", [(IS, "Dissertation writing service")]),
    ({"title": "电工证 免考 快速拿证"}, "block", [(IS, "电工证 免考 快速拿证")]),
    ({"title": "健康证 不用体检 当天出证"}, "block", [(IS, "健康证 不用体检")]),
    ({"title": "学历提升 买学历 全日制本科"}, "block", [(IS, "买学历")]),
    ({"title": "一级建造师 证书挂靠 价格高"}, "block", [(IS, "证书挂靠")]),
]
INVOICES = [  # 刑法 第二百零五条之一 / 第二百零九条
    ({"title": "代开各类发票 可验真"}, "block", [(IS, "各类发票")]),  # 代开发票 itself is an illegal_service term too
    ({"title": "出售发票 各行业都有"}, "block", [(IS, "出售发票")]),
    ({"title": "代 开 各 类 发 票 长期合作"}, "block", [(IS, "各 类 发 票")]),  # separators
]
GAMBLING = [  # 刑法 第三百零三条, 彩票管理条例
    ({"title": "网赌平台 注册就送88元"}, "block", [(IS, "网赌平台")]),
    ({"title": "菠菜平台 官方直营 大额无忧"}, "block", [(IS, "菠菜平台")]),
    ({"title": "重庆时时彩 计划群 稳赚"}, "block", [(IS, "重庆时时彩")]),
    ({"title": "真人百家乐 秒上分"}, "block", [(IS, "真人百家乐 秒上分")]),
    ({"title": "Online casino, no deposit bonus, instant withdrawals"}, "block", [(IS, "Online casino")]),
    ({"title": "網上賭場 註冊送彩金"}, "block", [(IS, "網上賭場")]),  # traditional characters
    ({"title": "crypto c4sino, instant payouts"}, "block", [(IS, "crypto c4sino")]),  # leetspeak
    ({"title": "彩票代购 双色球 大乐透"}, "block", [(IS, "彩票代购")]),
    ({"title": "真人视讯 百家乐 注册送"}, "block", [(IS, "真人视讯 百家乐 注册送")]),
    ({"title": "电子游艺 充值 返水"}, "block", [(IS, "电子游艺 充值 返水")]),
]
SEXUAL_SERVICES = [  # 刑法 第三百五十九条, 治安管理处罚法 第六十六条
    ({"title": "高端外围女 模特 酒店"}, "block", [(IS, "外围女")]),
    ({"title": "同城约炮 快速匹配"}, "block", [(IS, "同城约炮")]),
    ({"title": "Happy ending massage, outcall, 24/7"}, "block", [(IS, "Happy ending massage")]),
    ({"title": "外围 学生妹 空降 酒店"}, "block", [(IS, "外围 学生妹 空降")]),
]
ACCOUNTS_AND_CARDS = [  # 反电信网络诈骗法 第三十一条, 刑法 第二百八十七条之二 (帮信罪)
    ({"title": "出售抖音号 万粉 带货权限"}, "block", [(IS, "出售抖音号")]),
    ({"title": "支付宝账号 出租 已实名"}, "block", [(IS, "支付宝账号 出租 已实名")]),
    ({"title": "Verified accounts for sale, PVA, bulk"}, "block", [(IS, "Verified accounts for sale")]),
    ({"title": "美区ID 秒发 独享"}, "block", [(IS, "美区ID 秒发")]),
    ({"title": "出售抖yin号 秒发"}, "block", [(IS, "出售抖yin号 秒发")]),  # half pinyin in a slot word
    ({"title": "对公账户 出租 长期合作"}, "block", [(IS, "对公账户 出租")]),
    ({"title": "U盾 转让 网银齐全"}, "block", [(IS, "U盾 转让")]),
    ({"title": "收购电话卡 长期有效"}, "block", [(IS, "收购电话卡")]),
    ({"title": "跑分兼职 在家可做"}, "block", [(IS, "跑分兼职")]),
    ({"title": "USDT跑分 高收益"}, "block", [(IS, "USDT跑分 高收益")]),
    ({"title": "短信接码 全国号段 秒收"}, "block", [(IS, "短信接码")]),
    ({"description": "专业帮走账，日结。"}, "block", [(IS, "帮走账")]),
    ({"title": "公户四件套 齐全"}, "block", [(IS, "公户四件套")]),
]

HARD_NEGATIVES = [
    {"title": "手写代写春联 书法定制 红纸洒金"},  # 代写 for a calligrapher: no exam, no paper
    {"title": "书法家代写对联 福字 定制"},
    {"title": "论文格式排版", "description": "本店只做排版，不代写。"},  # a refusal (allowlist)
    {"title": "毛笔字帖 代写祝福语 贺卡"},
    {"title": "赌场主题桌游 德州扑克筹码套装 500片"},  # a board game about casinos
    {"title": "Las Vegas casino themed board game for family game night"},
    {"title": "Casino night party decorations, poker theme banner"},
    {"title": "Poker chip set 500 pcs, casino grade clay chips"},
    {"title": "老虎机存钱罐 儿童玩具 投币"},  # a slot-machine piggy bank
    {"title": "棋牌室 自动麻将机 四口机"},
    {"title": "捕鱼玩具 儿童 磁性钓鱼 套装"},
    {"title": "双色球 开奖号码 走势图 挂历"},
    {"title": "日本代购 防晒霜 保湿乳液 免税店小票"},  # 代购 of goods is legal
    {"title": "海外代购 保税仓发货"},
    {"title": "办公椅 人体工学", "description": "可开正规增值税发票，公司采购请备注抬头。"},  # a shop's own invoices
    {"title": "各类发票收纳册 财务用品"},  # invoice storage (allowlist)
    {"title": "二手 游戏机 Switch 出售 九成新"},  # a used console, not an account
    {"title": "床上用品四件套 纯棉 1.8m"},  # bedding
    {"title": "骁龙8 手机 安兔兔跑分 180万"},  # a phone benchmark
    {"title": "银行卡套 防消磁 透明 10个装"},  # a card sleeve (allowlist)
    {"title": "手机卡托 取卡针 SIM卡套装"},
    {"title": "老电话卡 收藏 回收 九十年代 IC卡"},  # collectors (allowlist)
    {"title": "流量卡 正规运营商 实名办理 月租19"},  # a carrier's SIM, sold with the real-name check
    {"title": "收款码立牌 亚克力 定制 微信支付宝二合一"},  # a payment-code stand
    {"title": "反洗钱合规培训教材 2024版"},  # anti-money-laundering training (allowlist)
    {"title": "考研英语真题 2010-2024 解析"},  # past papers name an exam but no stand-in
    {"title": "四六级真题试卷 听力音频"},
    {"title": "小学生作业本 田字格 20本"},
    {"title": "电工证考试培训教材 包教包会"},
    {"title": "驾考 科目一 题库 手机版 题目全"},  # a question bank names the exam, no stand-in  # training that teaches, not a pass without the exam
    {"title": "自考教材 2024", "description": "已有学历可申请免考部分课程，详见考试院公告。"},  # a legal exemption
    {"title": "Essay writing guide for high school students, 2nd edition"},
    {"title": "Learn how to write your essay in five steps, workbook"},
    {"title": "Homework planner for kids, weekly"},
    {"title": "Exam pad A4, 80 sheets, lined"},
    {"title": "Escort radar detector Max 360"},  # a brand, no service
    {"title": "健身私教 上门服务 一对一"},
    {"title": "抖音同款 网红零食大礼包"},
    {"title": "棋牌桌 折叠 麻将桌 注册送会员卡"},  # a card table (allowlist)
    {"title": "上门服务 家电维修 小姐姐 快速上门"},  # a home visit
    {"title": "外围尺寸 120cm 内径 100cm 收纳箱"},  # an outer size
    {"title": "跑步机 家用 折叠 静音"},
]

# Other categories may have their say here (刷单 is incentivized_review's word); illegal_service must not.
NOT_AN_ILLEGAL_SERVICE = [
    {"title": "防骗提示", "description": "刷单是违法的，本店拒绝刷单。招聘客服请看店铺公告。"},
    {"title": "谨防刷单诈骗 宣传海报 A3"},
]

POSITIVES = FAKED_TRAFFIC + EXAMS_AND_PAPERS + INVOICES + GAMBLING + SEXUAL_SERVICES + ACCOUNTS_AND_CARDS


def test_tables_are_big_enough():
    assert len(POSITIVES) >= 30 and len(HARD_NEGATIVES) >= 30


@pytest.mark.parametrize("listing,decision,expected", POSITIVES)
def test_illegal_service_is_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)
    for f in result.findings:
        assert listing[f.field][f.start : f.end] == f.text and f.explanation


@pytest.mark.parametrize("listing", HARD_NEGATIVES)
def test_illegal_service_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


@pytest.mark.parametrize("language,label", [("en", "Illegal service"), ("zh", "违法服务")])
def test_explained_in_each_language(text_scanner, language, label):
    result = text_scanner.scan({"title": "出售发票 各行业都有"}, language=language)
    found = [f for f in result.findings if f.category == IS]
    assert found and found[0].effect == "block"
    assert (label.lower() if language == "en" else label) in found[0].explanation, found[0].explanation
    assert "刑法第二百零九条" in found[0].explanation


@pytest.mark.parametrize("listing", NOT_AN_ILLEGAL_SERVICE)
def test_warnings_against_it_are_not_an_illegal_service(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert not [f for f in result.findings if f.category == IS], [(f.category, f.text) for f in result.findings]
