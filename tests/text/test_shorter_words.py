"""A longer listed word never hides another row's shorter word inside it (#15, engine16).

Two mechanisms used to lose the shorter word whatever the wording around it:
- the segmenter learns every listed word, so a longer one (绝对安全, 溶脂针, 微信支付 from the allow-list) became one
  jieba token and the shorter word at its start or inside it (绝对, 溶脂, 加微信) no longer fell on token boundaries;
- a two-word finding (柜姐 … 看不出, nobody will know … not authentic) was skipped where a word that counts only
  beside a brand already covered it, and that word was then dropped because the listing names no brand.
Each row is judged on its own now; overlapping findings of one category still make one highlight.
"""
import pytest

# (listing, decision, [(category, exact original text)]): every pair must be a finding
SHORTER_WORD_FOUND = [
    # a shorter term at the start of a longer term of another category
    ({"title": "儿童 蜡笔 绝对安全 无毒 可水洗"}, "review", [("false_claim", "绝对安全"), ("absolute_term", "绝对")]),
    ({"title": "溶脂针 瘦腿 瘦肚子 注射用"}, "block", [("prohibited_goods", "溶脂针"), ("medical_claim", "溶脂")]),
    # ... and inside one (老威信号出售: an account sold, and the account's app named by a homophone)
    ({"title": "老威信号出售 实名满五年 带朋友圈"}, "block", [("illegal_service", "威信号出售"), ("diversion", "威信")]),
    ({"description": "微信解封 秒完成 注册辅助"}, "block", [("illegal_service", "微信解封"), ("diversion", "微信")]),
    # a term reaching out of an allow-list phrase: 微信支付 is harmless, 加微信 before it is not
    ({"description": "要的话加微信支付宝都可以，价格私聊"}, "review", [("diversion", "加微信")]),
    # a pair under a word that counts only beside a brand, in a listing that names none
    ({"description": "专柜姐妹都说和柜姐都看不出区别，放心背出门。"}, "block", [("counterfeit", "柜姐都看不出区别")]),
    ({"description": "拿去和专柜对比一模一样，五金做工都到位"}, "block", [("counterfeit", "专柜对比一模一样")]),
    ({"description": "Wear it to brunch - nobody will know it's not authentic."}, "block",
     [("counterfeit", "nobody will know it's not authentic")]),
]

# words jieba itself knows still decide, allow-list phrases still hide the words inside them, and a weak word
# without a brand or a partner stays harmless
STILL_PASS = [
    {"description": "第一次使用前请先充电8小时"},
    {"title": "高仿真多肉植物 盆栽 免浇水"},
    {"description": "皮面修补后看不出来，手艺好，欢迎来店"},
    {"description": "Full refund if not authentic. Ships in 2 days."},
    {"title": "象牙白 衬衫 纯棉 长袖"},
    {"description": "支持微信支付 下单即发"},
    {"description": "最佳赏味期 6个月，开封后冷藏"},
    {"description": "Nobody will know you're wearing insoles - adds 2 inches."},
    # a pair wholly inside a word that counts only beside a brand is that word's own wording: it follows the word
    {"title": "OEM TV remote", "description": "Buttons and weight are indistinguishable from the real thing."},
]


def _overlaps(f, text, field_text):
    at = field_text.find(text)
    return at >= 0 and f.start < at + len(text) and at < f.end


@pytest.mark.parametrize("listing,decision,expected", SHORTER_WORD_FOUND)
def test_a_longer_word_does_not_hide_a_shorter_one(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert result.decision == decision, [(f.category, f.text) for f in result.findings]
    for category, text in expected:
        field = next(k for k, v in listing.items() if text in v)
        assert any(f.field == field and f.category == category and _overlaps(f, text, listing[field])
                   for f in result.findings), (category, text, [(f.category, f.text) for f in result.findings])
    for f in result.findings:
        assert listing[f.field][f.start : f.end] == f.text


@pytest.mark.parametrize("listing", STILL_PASS)
def test_jieba_words_allow_phrases_and_weak_words_still_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


@pytest.mark.parametrize("listing,word,pair_rule", [
    ({"description": "Gucci 托特包 柜姐都看不出区别"}, "看不出区别", "experts cannot tell (the difference)"),
    ({"description": "Gucci bag, nobody will know it's not authentic"}, "not authentic", "nobody will know it is a copy (en)"),
])
def test_beside_a_brand_the_weak_word_still_says_it_once(text_scanner, listing, word, pair_rule):
    """With a brand the word that needs one stands, and the pair over it is not a second highlight (as before)."""
    result = text_scanner.scan(listing)
    counterfeit = [f for f in result.findings if f.category == "counterfeit"]
    assert [f.text for f in counterfeit] == [word], [(f.text, f.term) for f in counterfeit]
    assert all(f.term != pair_rule for f in counterfeit)
    assert all(r.code not in ("if_brand", "if_no_brand") for f in result.findings for r in f.reasons)


# A star put for a letter or inside a name is read like an emoji there (normalize._IN_WORD_MARKS); a footnote
# star, a size and a star between single letters change nothing.
@pytest.mark.parametrize("listing,category,text", [
    ({"title": "B*ats Studio Pro 头戴式耳机"}, "brand", "B*ats"),
    ({"title": "G*cci belt, brand new in box"}, "brand", "G*cci"),
    ({"description": "St*n gun, rechargeable, ships fast"}, "prohibited_goods", "St*n gun"),
])
def test_a_star_inside_a_name_is_read_through(text_scanner, listing, category, text):
    result = text_scanner.scan(listing)
    assert (category, text) in [(f.category, f.text) for f in result.findings], [(f.category, f.text) for f in result.findings]


@pytest.mark.parametrize("listing", [
    {"description": "Price* excludes shipping. *Free returns within 30 days"},
    {"description": "Sizes S*M*L, 5*10cm pocket"},
    {"title": "**NEW** arrivals daily, gift*wrap available"},
])
def test_a_star_elsewhere_changes_nothing(text_scanner, listing):
    assert text_scanner.scan(listing).decision == "pass"
