"""A service is `illegal_service`, goods are `prohibited_goods` (#20.3): one category for each kind of thing.

The rows prohibited_goods.tsv used to hold for services (代考, 代写论文, 代开发票, 代办驾照, 私刻公章, 银行卡四件套,
代过人脸, 账号解封, 微信号出售, 代扣分, 银行流水制作, 信用卡套现, 代孕, 私彩, 科学上网, 改串, 里程修改,
手机定位查询) moved to illegal_service.tsv with the proximity rules of the same services. The contract's line: a
service is something someone performs for the buyer (sits the exam, issues the invoice, passes the face check,
rolls back the odometer); goods are a thing handed over. A forged document is the thing handed over whoever
made it, so 假身份证, fake IDs, 假毕业证 and 办证 / 办假证 / 各类证件制作 (the forged paper) stay prohibited_goods,
as do the tools someone could use for a service (作弊耳机, a mileage blocker, 透视扑克).

Listings are written fresh for this file. Each row: listing, decision, the category the words must have, the
exact texts found in it; a finding of the other category on the same listing is a failure (the same words
would be reported twice under two names).
"""
import csv
from pathlib import Path

import pytest

TERMS_DIR = Path(__file__).resolve().parents[2] / "wordlists" / "terms"

IS, PG = "illegal_service", "prohibited_goods"

SERVICES = [
    ({"title": "期末代考 四六级 计算机二级 全国可接"}, ["代考"]),
    ({"title": "本科毕业论文代写 查重率15%以下 包修改"}, ["毕业论文代写"]),
    ({"description": "代开增值税发票，餐饮住宿建筑各行业，当天出票"}, ["代开增值税发票"]),
    ({"title": "科目一科目四 代办驾照 免考拿证 三天到手"}, ["代办驾照", "免考拿证"]),
    ({"title": "驾照销分 12分 当天处理 不用本人到场"}, ["驾照销分"]),
    ({"title": "银行流水代做 房贷 签证 留学 可盖章"}, ["银行流水代做"]),
    ({"title": "信用卡套现 花呗套现 秒到账 费率低"}, ["信用卡套现", "花呗套现"]),
    ({"title": "微信解封 专业团队 不成功不收费"}, ["微信解封"]),
    ({"title": "出售微信号 老号 已实名 可改绑"}, ["出售微信号", "老号 已实名 可改绑"]),  # 可改绑: the real-name row (#15)
    ({"title": "代过人脸 代实名认证 各大平台"}, ["代过人脸", "代实名认证"]),
    ({"title": "机场节点 翻墙梯子 月付 稳定不掉线"}, ["机场节点", "翻墙梯子"]),
    ({"title": "代孕 包成功 试管婴儿 性别选择"}, ["代孕"]),
    ({"title": "二手车 里程表调校 调公里数 仪表同步"}, ["里程表调校", "调公里数"]),
    ({"title": "手机改串 改imei 黑机洗白"}, ["改串", "改imei", "黑机洗白"]),
    ({"title": "手机定位查询 查开房记录 24小时出结果"}, ["手机定位查询", "查开房记录"]),
    ({"title": "私刻公章 财务章 合同章 当天取"}, ["私刻公章"]),
    ({"title": "对公账户四件套 收购 长期合作"}, ["对公账户四件套"]),
    ({"title": "Aged Facebook accounts for ads, bulk discount"}, ["Aged Facebook accounts"]),
    ({"title": "Odometer rollback for any car, we come to you"}, ["Odometer rollback"]),
]

GOODS = [
    ({"title": "假身份证 可过机器 现货"}, ["假身份证"]),
    ({"title": "Fake ID scannable, passes bouncer scans, any state"}, ["Fake ID", "passes bouncer scans"]),
    ({"title": "假毕业证 学位证 学信网可查"}, ["假毕业证", "学信网可查"]),
    ({"title": "办证 各类证件制作 毕业证 驾驶证"}, ["办证", "各类证件制作"]),  # the forged paper
    ({"title": "考试作弊耳机 隐形 四六级专用"}, ["作弊耳机"]),  # a tool, not the stand-in
    ({"title": "Mileage blocker module, stops odometer counting"}, ["Mileage blocker"]),  # a device
    ({"title": "透视扑克 麻将作弊器 现货"}, ["透视扑克", "麻将作弊器"]),
    ({"title": "GPS干扰器 屏蔽定位 货车专用"}, ["GPS干扰器", "屏蔽定位"]),
]


def _case(text_scanner, listing, category, other, texts):
    result = text_scanner.scan(listing)
    found = [(f.category, f.text) for f in result.findings]
    assert result.decision == "block", found
    assert [t for t in texts if (category, t) not in found] == [], found
    assert [t for c, t in found if c == other] == [], found


@pytest.mark.parametrize("listing,texts", SERVICES)
def test_a_service_is_an_illegal_service(text_scanner, listing, texts):
    _case(text_scanner, listing, IS, PG, texts)


@pytest.mark.parametrize("listing,texts", GOODS)
def test_goods_stay_prohibited_goods(text_scanner, listing, texts):
    _case(text_scanner, listing, PG, IS, texts)


def _strings(category):
    with open(TERMS_DIR / f"{category}.tsv", encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t",
                              quoting=csv.QUOTE_NONE)
        out = set()
        for r in rows:
            out.add(r["term"])
            out.update(v for v in (r["variants"] or "").split("|") if v)
        return out


# Every string of the moved rows (terms and their variants, as they stood in prohibited_goods.tsv) is still listed,
# now under illegal_service, and nowhere in prohibited_goods.
MOVED = [
    "代开发票", "代开增值税发票", "代开票", "代办驾照", "免考驾照", "免考拿证", "私刻公章", "刻假章", "代刻公章",
    "公章刻制", "刻章办证", "出售银行卡", "银行卡出售", "代考", "替考", "考试枪手", "枪手代考", "找枪手",
    "手机定位查询", "查开房记录", "查手机号定位", "代孕", "私彩", "银行卡四件套", "对公账户四件套", "卡农",
    "收银行卡", "代过人脸", "代刷脸", "代实名认证", "账号解封", "微信解封", "代解封", "微信号出售", "出售微信号",
    "aged accounts", "pva accounts", "代写论文", "论文代写", "代写作业", "代扣分", "驾照销分", "买分卖分",
    "银行流水制作", "流水美化", "fake bank statement", "信用卡套现", "套现", "花呗套现", "科学上网", "翻墙",
    "机场节点", "翻墙软件", "改串", "改imei", "黑机洗白", "imei repair service", "里程修改", "调里程表",
    "odometer rollback", "mileage correction",
]


@pytest.mark.parametrize("string", MOVED)
def test_moved_strings_are_still_listed_once(string):
    assert string in _strings(IS)
    assert string not in _strings(PG)


@pytest.mark.parametrize("string", ["办证", "办假证", "假证件", "假身份证", "fake id", "mileage blocker", "考试作弊器"])
def test_goods_strings_stay(string):
    assert string in _strings(PG)
    assert string not in _strings(IS)
