"""Twenty-second session (#15): constructions a blind listing writer used that no row had, each added as a class
(wordlists/proximity.tsv's last block, a few terms and variants) with positives and hard negatives of our own
wording here, and one spelling mechanism (scanner/text/wordlists.py mixed_spellings):

- an inner character written as its initial (黑h药, 听h水), and the half-pinyin spellings of a term's Chinese
  variants of three or four characters (听话水 is a variant of 迷药: 听hua水);
- fake urgency (a price rise at a set time), endorsements and crowds nobody can check, a 100 % rate;
- goods told by what they do (a switch for a pistol, a camera without its light, what a gun pierces, a gas that makes
  you laugh, drops that leave someone senseless, fireworks made at home, CBD in China, a medicine without a doctor);
- services (orders from real accounts, an exam taken for you, a sick note from any clinic, loans with the interest
  taken first, records looked up, a payment code lent out, credit cashed out, a thesis done for you, SMS codes for
  any site, hidden bought reviews, a casino's cash-out);
- contact on a social app (DM me on Insta, ins 私我);
- false alarms: 复刻 counts only beside a brand (wordlists/with_brand/counterfeit.tsv), banknote checkers and a
  label's first ingredient are allow-listed, licensed goods and platforms' own stores are provenance cues.
"""
from __future__ import annotations

import pytest

from scanner.text.wordlists import mixed_spellings
from tests.support import assert_caught, assert_passes

# (listing, category, words a counting finding of that category must cover, decision)
CAUGHT = [
    # spellings
    ({"title": "过年 自制黑h药 配方", "description": "材料清单和比例都有。"}, "prohibited_goods", "黑h药", "block"),
    ({"title": "进口 听hua水 无色无味"}, "prohibited_goods", "听hua水", "block"),
    # fake urgency, endorsements, crowds, rates
    ({"title": "夏季薄款 空调被", "description": "活动价最后一天，明天恢复原价。"}, "false_claim", "明天恢复原价", "review"),
    ({"title": "Linen shirt", "description": "Launch price - the price doubles tomorrow."}, "false_claim", "price doubles tomorrow", "review"),
    ({"title": "网红 气垫粉底", "description": "明星都在用的持妆款。"}, "false_claim", "明星都在用", "review"),
    ({"title": "英语口语课 30节", "description": "已有20万学员见证，零基础也能学。"}, "false_claim", "万学员见证", "review"),
    ({"title": "考研政治 押题卷", "description": "往年押题命中率100%。"}, "false_claim", "命中率100%", "review"),
    ({"title": "副业课程", "description": "宝妈在家也能月入过w。"}, "false_claim", "月入过w", "review"),
    # goods told by what they do
    ({"title": "Auto switch for Glock 19", "description": "Drop-in, ships discreetly."}, "prohibited_goods", "switch for Glock", "block"),
    ({"title": "Sear kit", "description": "Converts your rifle to full auto in minutes."}, "prohibited_goods", "full auto", "block"),
    ({"title": "Spy pen 1080p", "description": "Records for 3 hours."}, "prohibited_goods", "Spy pen", "block"),
    ({"title": "迷你录像笔 无指示灯 1080P", "description": "续航4小时。"}, "prohibited_goods", "无指示灯", "block"),
    ({"title": "PCP 打猎 配件", "description": "二十米可穿透易拉罐。"}, "prohibited_goods", "穿透易拉罐", "block"),
    ({"title": "派对 快乐气球 50个", "description": "吸一口笑个不停。"}, "prohibited_goods", "快乐气球", "block"),
    ({"title": "防身 喷雾", "description": "一喷失去反抗能力，女生必备。"}, "prohibited_goods", "失去反抗能力", "block"),
    ({"title": "进口 小蓝瓶", "description": "无色无味，倒进酒里看不出来。"}, "prohibited_goods", "无色无味", "block"),
    ({"title": "春节 二踢脚", "description": "教你自制炸药，安全又便宜。"}, "prohibited_goods", "自制炸药", "block"),
    ({"title": "进口 CBD软糖 助眠", "description": "每粒10mg。"}, "prohibited_goods", "CBD软糖", "block"),
    ({"title": "魔法蘑菇 干货 20g"}, "prohibited_goods", "魔法蘑菇", "block"),
    ({"title": "悦刻 五代 烟杆", "description": "口味齐全。"}, "prohibited_goods", "悦刻", "block"),
    ({"title": "金刚 10mg 30粒", "description": "不用看医生直接发货，隐私包装。"}, "prohibited_goods", "不用看医生直接发货", "block"),
    ({"title": "逆变器 捕鱼逆变器 大功率"}, "prohibited_goods", "捕鱼逆变器", "block"),
    # services
    ({"title": "店铺 起量", "description": "真人真号下单，配合补单。"}, "illegal_service", "真人真号下单", "block"),
    ({"title": "Online class help", "description": "We take your online exam for you, A guaranteed."}, "illegal_service", "take your online exam for you", "block"),
    ({"title": "Doctor's Note - Any Clinic", "description": "Printed on real clinic letterhead."}, "illegal_service", "Doctor's Note", "block"),
    ({"title": "急用钱 私人放款", "description": "砍头息一成，逾期上门。"}, "illegal_service", "砍头息", "block"),
    ({"title": "信息查询", "description": "手机号查机主，开房、通话记录都能查。"}, "illegal_service", "查机主", "block"),
    ({"title": "兼职 日结", "description": "只需要你的收款码，流水返佣金。"}, "illegal_service", "收款码", "block"),
    ({"title": "额度 提现", "description": "花呗、白条、信用卡都能套，秒到。"}, "illegal_service", "信用卡都能套", "block"),
    ({"title": "毕业论文 辅导", "description": "从开题到答辩一条龙，包过。"}, "illegal_service", "一条龙", "block"),
    ({"title": "虚拟号码", "description": "可接各平台验证码，注册秒到。"}, "illegal_service", "各平台验证码", "block"),
    ({"title": "Seller growth", "description": "50 Amazon reviews, drip-fed to avoid detection."}, "illegal_service", "Amazon reviews", "block"),
    ({"title": "娱乐 平台 注册", "description": "首充送58，稳定提现。"}, "illegal_service", "首充送58，稳定提现", "block"),
    # counterfeit said as passing
    ({"title": "Tote bag, same as retail", "description": "Leather and hardware match."}, "counterfeit", "same as retail", "block"),
    ({"title": "Classic flap bag", "description": "Not original but nobody can tell."}, "counterfeit", "Not original", "block"),
    # 复刻 beside a brand is still a copy of its model
    ({"title": "耐克 AJ1 复刻 黑红", "description": "细节看图。"}, "counterfeit", "复刻", "block"),
    # and split apart it hides from a filter, brand or none (scanner/text/verify/rules.py SPLIT_DISGUISES)
    ({"title": "经典格纹 羊绒围巾 复 刻", "description": "细节对比图私聊。"}, "counterfeit", "复 刻", "block"),
    ({"title": "复\u200b刻 老花 斜挎包"}, "counterfeit", "复\u200b刻", "block"),
    # contact on a social app
    ({"title": "Custom portrait", "description": "DM me on Insta for a quote."}, "diversion", "DM me on Insta", "review"),
    ({"title": "手工耳环", "description": "想要定制 ins 私我。"}, "diversion", "ins 私我", "review"),
    # an id after an app's name (scanner/text/detectors.py _SOCIAL_ID), a reach-me phrase before the colon, a heart
    # for 微, q 群 spaced, an @ with a blank after it
    ({"title": "Pixel art commissions", "description": "Discord: pixelmoth#4410 for rates."}, "diversion", "pixelmoth#4410", "review"),
    ({"title": "日本代购 面膜", "description": "LINE 我：tokyo_buyer21"}, "diversion", "tokyo_buyer21", "review"),
    ({"title": "Vintage denim", "description": "Skype: denim.barn77 for bulk orders."}, "diversion", "denim.barn77", "review"),
    ({"title": "二手相机", "description": "扣扣找我：8 2 7 3 6 1 9 4 0"}, "diversion", "扣扣找我", "review"),
    ({"title": "手机壳 定制", "description": "q 群 ：叁伍柒 贰肆陆 捌玖零"}, "diversion", "q 群", "review"),
    ({"title": "烘焙 蛋糕 定制", "description": "❤信 找我：cake_lin2024"}, "diversion", "cake_lin2024", "review"),
    ({"title": "Crochet bears", "description": "Follow me on ig @ bear.loops for new drops."}, "diversion", "bear.loops", "review"),
]

PASSED = [
    # the time without a rise, a price fixed
    {"title": "夏凉被 纯棉", "description": "不涨价，明天照常发货。"},
    {"title": "Linen shirt", "description": "Ships tomorrow. Price includes tax."},
    # a shop's own sales, a pass rate without 100 %
    {"title": "纯棉T恤 白色", "description": "已售1万件，好评如潮。"},
    {"title": "驾考 科目一 题库", "description": "题库按2024年新规更新，模拟通过率统计见详情。"},
    # a fully automatic machine, a switch for a light, a camera with its light, a nail gun, helium
    {"title": "Fully automatic espresso machine", "description": "Grinder built in, converts beans to espresso in 30 s."},
    {"title": "Light switch cover", "description": "For standard single toggle switches."},
    {"title": "Baby monitor 1080p", "description": "Night vision, two-way audio, status light on the base."},
    {"title": "氦气球 生日派对", "description": "吸一口说话变声，好玩。"},
    # fireworks bought, not made; colourless goods put in water
    {"title": "冷焰火 婚礼 手持", "description": "室内可用，无烟。"},
    {"title": "消毒泡腾片 100片", "description": "无色无味，放入水中即可使用。"},
    # CBD as a place
    {"title": "CBD 写字楼 工位 出租", "description": "近地铁，油烟少。"},
    # a real lender's wording, a home test kit, an exam-prep book, a note pad
    {"title": "论文查重 知网 本科", "description": "出具查重报告，不改稿。"},
    {"title": "Exam prep guide 2025", "description": "Take your exam prep to the next level with 500 questions."},
    {"title": "Sick note pad for school nurses", "description": "50 sheets, carbon copies."},
    {"title": "手机卡 流量卡", "description": "正规运营商，本人实名激活。"},
    # a museum copy and a plain unbranded bag
    {"title": "Unbranded canvas tote", "description": "Not a designer bag - just a sturdy tote."},
    # false alarms the same writer showed, as classes: a reproduction of a period style or a painting without a
    # brand (复刻 now counts only beside one), a banknote checker, a label's first ingredient, licensed goods, a
    # platform's own store, a publisher's book
    {"title": "手工布鞋 千层底", "description": "照着七十年代的老样式复刻，手工纳底。"},
    {"title": "复刻 宋代 山水画 挂轴", "description": "高清微喷，宣纸装裱。"},
    {"title": "Counterfeit money detector pen", "description": "Marks stay light on genuine notes."},
    {"title": "全价猫粮 2kg", "description": "三文鱼为第一原料。"},
    {"title": "万代 高达 RG 拼装模型", "description": "万代正版授权，需自行拼装。"},
    {"title": "双立人 不锈钢锅", "description": "京东双立人自营店发货。"},
    {"title": "哈利波特 精装 全集", "description": "人民文学出版社正版，塑封未拆。"},
    # an app's name before a colon and no id: a product line, a signal strength, a version
    {"title": "Trail shoes", "description": "Line: trail running. Colours: 3."},
    {"title": "Wi-Fi router", "description": "Signal: strong in every room."},
    {"title": "Desk lamp", "description": "Size: M. Line: v2.0 classic."},
    # the platform's own chat
    {"title": "Custom portrait", "description": "Message me through the app for a quote."},
]


@pytest.mark.parametrize("listing,category,words,decision", CAUGHT)
def test_caught(text_scanner, listing, category, words, decision):
    assert_caught(text_scanner.scan(listing), listing, category, words, decision)


@pytest.mark.parametrize("listing", PASSED)
def test_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))


@pytest.mark.parametrize("word,spelling", [("黑火药", "黑h药"), ("听话水", "听h水"), ("降血糖", "降x糖"),
                                           ("降血糖", "降xue糖"), ("降血糖", "降xt")])
def test_inner_initials_are_generated(word, spelling):
    assert spelling in mixed_spellings(word, curated=False)


def test_no_inner_initial_for_two_characters():
    # 高仿 has no inner character: its letters alone (高f) stay curated-only
    assert mixed_spellings("高仿", curated=False) == ("gao仿", "高fang")
