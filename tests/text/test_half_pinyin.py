"""Half-pinyin spellings are generated for every listed Chinese word (#15, engine16): terms, slot words and a
rule's own cue words, with the first character written as its syllable too (zhi疗, fan现). A spelled syllable
counts as one character of the word it stands for, so jieba still has to see the word's Chinese end as a word end
(fan现货 is 现货, not 返现)."""
import pytest

# (listing, decision, [(category, exact original text)]): written fresh, none copied from a fixture set
FOUND = [
    ({"description": "这款药膏能zhi疗湿疹，三天见效"}, "review", [("medical_claim", "zhi疗")]),
    ({"description": "好评晒图找客服领fan现5元，先到先得"}, "review", [("incentivized_review", "fan现")]),
    ({"description": "fan现 5元 好评后联系"}, "review", [("incentivized_review", "fan现")]),
    ({"description": "各类发piao 可开，点数低"}, "block", [("illegal_service", "各类发piao 可开")]),
    ({"description": "喝了降xue压，停药也不反弹"}, "review", [("medical_claim", "降xue压")]),
    ({"title": "gaofang版本 运动鞋 男"}, "block", [("counterfeit", "gaofang")]),  # gaofang版 needs a brand; gaofang not
]

# English words glued to Chinese in ordinary copy: a syllable-led spelling must not read them
STILL_PASS = [
    {"description": "Fan现货速发 正品保证"},
    {"description": "ban型很正 显瘦 百搭"},
    {"description": "Pro版本 支持快充"},
    {"description": "tie染T恤 宽松 男女同款"},
    {"description": "Gao端大气 送礼佳品"},
    {"description": "Zhi造工艺 手工打磨"},
    {"description": "mini款 小巧便携 ins风"},
]


@pytest.mark.parametrize("listing,decision,expected", FOUND)
def test_half_pinyin_words_are_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert result.decision == decision, [(f.category, f.text) for f in result.findings]
    field = next(iter(listing))
    for category, text in expected:
        at = listing[field].index(text)
        assert any(f.category == category and f.start < at + len(text) and at < f.end for f in result.findings), \
            (category, text, [(f.category, f.text) for f in result.findings])
    for f in result.findings:
        assert listing[f.field][f.start : f.end] == f.text


@pytest.mark.parametrize("listing", STILL_PASS)
def test_english_glued_to_chinese_still_passes(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]
