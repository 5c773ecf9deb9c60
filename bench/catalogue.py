"""A realistic synthetic catalogue: Chinese and English listings with violations and evasions.

    python bench/catalogue.py --rows 1000000 --out /tmp/catalogue.jsonl [--seed 7] [--bad-rate 0.001]

Listings are 100-300 characters of title + description (sometimes bullets and
attributes), about 3 in 4 Chinese. Roughly 72% are clean; the rest carry one or two
problems drawn with realistic weights -- brand names (some from authorized sellers,
some as "compatible with" mentions), absolute/false/medical claims, counterfeit
wording, off-platform diversion, review bribes, prohibited goods -- and about a third
of those are disguised the way sellers do (spaces and symbols between characters,
pinyin, full-width letters, traditional characters, look-alike spellings).
`bad_rate` adds malformed lines (broken JSON, wrong types, blank lines).

Deterministic for a given seed; streams, so a million rows take constant memory.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any, Iterator

PRODUCTS_ZH = [
    ("运动鞋", "鞋服"), ("跑步鞋", "鞋服"), ("双肩包", "箱包"), ("斜挎包", "箱包"), ("连衣裙", "鞋服"),
    ("羽绒服", "鞋服"), ("蓝牙耳机", "数码"), ("手机壳", "数码"), ("充电宝", "数码"), ("保温杯", "家居"),
    ("护肤精华液", "美妆"), ("面膜", "美妆"), ("口红", "美妆"), ("电动牙刷", "个护"), ("按摩仪", "个护"),
    ("枕头", "家居"), ("四件套", "家居"), ("儿童积木", "玩具"), ("瑜伽垫", "运动"), ("茶叶", "食品"),
    ("蜂蜜", "食品"), ("机械手表", "配饰"), ("太阳镜", "配饰"), ("猫粮", "宠物"), ("空气炸锅", "家电"),
]
PRODUCTS_EN = [
    "running shoes", "leather handbag", "wireless earbuds", "phone case", "power bank", "travel mug",
    "face serum", "lipstick set", "electric toothbrush", "yoga mat", "mechanical watch", "sunglasses",
    "down jacket", "kids building blocks", "air fryer", "silk pillowcase", "dog harness", "green tea",
]
ADJ_ZH = ["新款", "2024秋季", "轻便透气", "大容量", "加厚保暖", "简约百搭", "ins风", "网红同款", "男女通用",
          "防水", "静音", "便携", "纯棉", "进口", "手工"]
ADJ_EN = ["new", "lightweight", "breathable", "waterproof", "unisex", "premium", "compact", "handmade", "soft"]
DESC_ZH = [
    "采用优质材料，做工精细，细节处理到位。", "多色可选，尺码齐全，欢迎咨询客服。", "支持七天无理由退换，放心购买。",
    "实物拍摄，颜色以实物为准。", "适合日常通勤、旅行和运动。", "包装精美，送礼自用两相宜。",
    "现货速发，下午四点前下单当天发货。", "清洗方便，耐磨耐用。", "尺寸：长30cm，宽20cm，高12cm。",
    "温馨提示：不同显示器可能存在色差。", "本店所有商品均为正规渠道进货。", "累计销量超过一万件，回头客多。",
]
DESC_EN = [
    "Made from durable materials with careful stitching.", "Available in several colours and sizes.",
    "Ships within 24 hours from our warehouse.", "Easy to clean and built to last.",
    "Perfect for commuting, travel and the gym.", "Colours may vary slightly between screens.",
    "30-day returns, no questions asked.", "Gift box included.",
]
BRANDS = [  # (canonical, chinese name, pinyin, look-alike spelling)
    ("Nike", "耐克", "naike", "N1ke"), ("Adidas", "阿迪达斯", "adidasi", "Adldas"), ("Louis Vuitton", "路易威登", "lv", "L.V"),
    ("Gucci", "古驰", "guchi", "Guccl"), ("Apple", "苹果", "pingguo", "Appie"), ("Chanel", "香奈儿", "xiangnaier", "Chanell"),
    ("Rolex", "劳力士", "laolishi", "Rolx"), ("Dyson", "戴森", "daisen", "Dys0n"), ("Yeezy", "椰子", "yezi", "Yeezy"),
]
ABSOLUTE_ZH = ["全网第一", "最佳", "国家级", "史上最强", "顶级", "销量第一", "最好用"]
ABSOLUTE_EN = ["best in the world", "No.1", "the best ever"]
FALSE_ZH = ["100%有效", "无效退款", "永不褪色", "零风险", "绝对正品"]
MEDICAL_ZH = ["治疗失眠", "根治脱发", "抗癌", "降血压", "消炎杀菌", "治愈湿疹"]
MEDICAL_EN = ["cures arthritis", "treats insomnia", "lowers blood pressure"]
COUNTERFEIT_ZH = ["高仿", "A货", "1:1", "原单", "复刻", "超A", "莆田"]
COUNTERFEIT_EN = ["replica", "dupe", "1:1 copy", "mirror quality", "AAA quality"]
DIVERSION_ZH = ["加微信{n}", "VX:{n}", "QQ号{n}", "私聊加v优惠", "联系电话{phone}", "加我微信有惊喜"]
DIVERSION_EN = ["WhatsApp {phone}", "DM me on WeChat {n}", "contact telegram @{handle}"]
REVIEW_ZH = ["好评返现", "晒图返现5元", "五星好评送礼品", "追评返红包"]
REVIEW_EN = ["5-star review for a refund", "leave a review get cashback"]
PROHIBITED_ZH = ["仿真枪", "象牙手串", "电击器", "代开发票", "窃听器"]
PROHIBITED_EN = ["stun gun", "ivory bracelet"]
TRAD = str.maketrans({"高": "高", "仿": "仿", "网": "網", "第": "第", "国": "國", "级": "級", "复": "復", "刻": "刻",
                      "现": "現", "返": "返", "发": "發", "票": "票", "电": "電", "击": "擊", "器": "器", "微": "微",
                      "信": "信", "单": "單", "疗": "療", "压": "壓", "枪": "槍", "图": "圖", "团": "團"})

# category, weight (per violating listing)
VIOLATIONS = [("brand", 30), ("absolute_term", 18), ("counterfeit", 12), ("diversion", 10), ("false_claim", 8),
              ("medical_claim", 7), ("incentivized_review", 6), ("prohibited_goods", 3), ("brand_counterfeit", 6)]


def _evade(term: str, rnd: random.Random) -> str:
    """Disguise a term the way sellers do."""
    how = rnd.choice(("space", "symbol", "fullwidth", "traditional", "emoji", "case"))
    if how == "space" and len(term) > 1:
        return " ".join(term)
    if how == "symbol" and len(term) > 1:
        return rnd.choice(("*", "·", "-", "_", "/")).join(term)
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in term)
    if how == "traditional":
        return term.translate(TRAD)
    if how == "emoji" and len(term) > 1:
        return term[0] + rnd.choice(("🔥", "⭐", "❤")) + term[1:]
    return term.upper() if term.isascii() else term


class CatalogueGenerator:
    def __init__(self, seed: int = 7, violation_rate: float = 0.28, evasion_rate: float = 0.33,
                 bad_rate: float = 0.0, images: list[str] | None = None, image_rate: float = 0.0) -> None:
        self.rnd = random.Random(seed)
        self.violation_rate, self.evasion_rate, self.bad_rate = violation_rate, evasion_rate, bad_rate
        self.images, self.image_rate = images or [], image_rate
        self._cats = [c for c, _ in VIOLATIONS]
        self._weights = [w for _, w in VIOLATIONS]

    def _n(self) -> str:
        return str(self.rnd.randint(10_000_000, 999_999_999))

    def _phone(self) -> str:
        return "1" + self.rnd.choice("3589") + "".join(self.rnd.choice("0123456789") for _ in range(9))

    def _violation(self, zh: bool, kind: str) -> tuple[str, str]:
        """(phrase for the title, phrase for the description)."""
        r = self.rnd
        brand = r.choice(BRANDS)
        pick = {
            "absolute_term": ABSOLUTE_ZH if zh else ABSOLUTE_EN, "false_claim": FALSE_ZH,
            "medical_claim": MEDICAL_ZH if zh else MEDICAL_EN, "counterfeit": COUNTERFEIT_ZH if zh else COUNTERFEIT_EN,
            "diversion": DIVERSION_ZH if zh else DIVERSION_EN, "incentivized_review": REVIEW_ZH if zh else REVIEW_EN,
            "prohibited_goods": PROHIBITED_ZH if zh else PROHIBITED_EN,
        }
        if kind == "brand":
            style = r.random()
            name = brand[1] if zh and style < 0.5 else brand[0]
            if style > 0.85:
                name = r.choice((brand[2], brand[3]))
            if r.random() < 0.25:  # a harmless compatibility mention
                return "", (f"适用于{name}" if zh else f"compatible with {name}")
            return name, ""
        if kind == "brand_counterfeit":
            cf = r.choice(COUNTERFEIT_ZH if zh else COUNTERFEIT_EN)
            return f"{cf}{brand[1] if zh else ' ' + brand[0]}", ""
        phrase = r.choice(pick[kind]).format(n=self._n(), phone=self._phone(), handle=f"shop{r.randint(1, 999)}")
        if r.random() < self.evasion_rate:
            phrase = _evade(phrase, r)
        return (phrase, "") if r.random() < 0.4 else ("", phrase)

    def listing(self, i: int) -> dict[str, Any]:
        r = self.rnd
        zh = r.random() < 0.75
        extra_title, extra_desc = [], []
        problems = []
        if r.random() < self.violation_rate:
            kinds = r.choices(self._cats, self._weights, k=1 if r.random() < 0.8 else 2)
            for kind in kinds:
                t, d = self._violation(zh, kind)
                problems.append(kind)
                (extra_title if t else extra_desc).append(t or d)
        if zh:
            product, _ = r.choice(PRODUCTS_ZH)
            title = "".join(r.sample(ADJ_ZH, 2)) + " ".join(extra_title) + product
            desc_parts = r.sample(DESC_ZH, r.randint(4, 8))
        else:
            product = r.choice(PRODUCTS_EN)
            title = " ".join(r.sample(ADJ_EN, 2) + extra_title + [product]).strip()
            title = title[0].upper() + title[1:]
            desc_parts = r.sample(DESC_EN, r.randint(3, 6))
        for phrase in extra_desc:
            desc_parts.insert(r.randint(0, len(desc_parts)), phrase + ("，" if zh else "."))
        listing: dict[str, Any] = {"id": f"sku-{i:08d}", "title": title,
                                   "description": ("" if zh else " ").join(desc_parts)}
        if r.random() < 0.15:
            listing["bullets"] = r.sample(DESC_ZH if zh else DESC_EN, 2)
        if r.random() < 0.2:
            listing["attributes"] = {"材质" if zh else "material": r.choice(["棉", "聚酯纤维", "cotton", "leather"])}
        if "brand" in problems and r.random() < 0.3:
            listing["seller"] = {"authorized_brands": [b[0] for b in BRANDS if b[0] in title or b[1] in title][:1]
                                 or [r.choice(BRANDS)[0]]}
        if self.images and r.random() < self.image_rate:
            listing["images"] = [{"path": r.choice(self.images)}]
        listing["locale"] = "zh-CN" if zh else "en-US"
        return listing

    def bad_line(self, i: int) -> str:
        r = self.rnd
        return r.choice([
            '{"id": "sku-%08d", "title": "破损的行' % i,                 # truncated JSON
            '{"id": "sku-%08d", "title": 12345}' % i,                   # wrong type
            "",                                                          # blank line
            "not json at all",
            '["a", "list"]',
            '{"id": "sku-%08d", "bullets": "should be a list"}' % i,
        ])

    def lines(self, rows: int) -> Iterator[str]:
        for i in range(rows):
            if self.bad_rate and self.rnd.random() < self.bad_rate:
                yield self.bad_line(i)
            else:
                yield json.dumps(self.listing(i), ensure_ascii=False)


def write_catalogue(path: str, rows: int, **kwargs) -> None:
    gen = CatalogueGenerator(**kwargs)
    with open(path, "w", encoding="utf-8") as fh:
        for line in gen.lines(rows):
            fh.write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--out", default="-")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--bad-rate", type=float, default=0.0)
    p.add_argument("--violation-rate", type=float, default=0.28)
    p.add_argument("--image", action="append", default=[], help="image path to attach to some listings")
    p.add_argument("--image-rate", type=float, default=0.0)
    args = p.parse_args(argv)
    gen = CatalogueGenerator(seed=args.seed, violation_rate=args.violation_rate, bad_rate=args.bad_rate,
                             images=args.image, image_rate=args.image_rate)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    try:
        for line in gen.lines(args.rows):
            out.write(line + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
