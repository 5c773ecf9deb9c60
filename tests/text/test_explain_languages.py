"""Explanations in the caller's language (issue #18): rendered from the findings' reasons, each reason
code written once with every language; English stays as it was (test_same_results_as_baseline)."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from scanner.categories import LANGUAGES
from scanner.images import explain as image_explain
from scanner.options import InvalidOptions
from scanner.text.verify import explain
from tests.support import FIXTURES, ROOT


def _reason_codes_made_in(folder: Path) -> set[str]:
    """Every `reason("code", ...)` the code base makes (the stages' reasons, as written)."""
    codes = set()
    for path in folder.rglob("*.py"):
        codes |= set(re.findall(r'\breason\("([a-z_]+)"', path.read_text("utf-8")))
    return codes


def test_every_reason_code_has_a_template_in_every_language():
    for table in (explain._TEMPLATES, image_explain._TEMPLATES):
        missing = {code: sorted(set(LANGUAGES) - set(t)) for code, t in table.items() if set(t) != set(LANGUAGES)}
        assert missing == {}
    made = _reason_codes_made_in(ROOT / "scanner")
    assert made and made <= set(explain._TEMPLATES), sorted(made - set(explain._TEMPLATES))


def test_every_detector_detail_has_a_chinese_wording():
    tree = ast.parse((ROOT / "scanner" / "text" / "detectors.py").read_text("utf-8"))
    # hits are (start, end, name, category, detail) tuples: the detail is the tuple's last string
    details = {n.elts[-1].value for n in ast.walk(tree)
               if isinstance(n, ast.Tuple) and len(n.elts) == 5 and isinstance(n.elts[-1], ast.Constant)
               and isinstance(n.elts[-1].value, str) and isinstance(n.elts[3], ast.Constant)}
    assert len(details) >= 10
    assert sorted(details - set(explain._DETECTOR_DETAILS_ZH)) == []


def _fixture_listings() -> list:
    out = []
    for path in sorted((FIXTURES / "listings").glob("*.jsonl")):
        out += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return out


# Words only the English templates use: none may be left in a Chinese explanation.
_ENGLISH_TEMPLATE_WORDS = re.compile(r"\b(normalised|detector|brand|clause|confirmed|compatib\w+|counterfeit wording|"
                                     r"authorized|owner unknown|listing names|below the policy)\b")
_QUOTED = re.compile(r"“[^”]*”")  # a quoted cue or term: the listing's words


def test_chinese_changes_only_the_explanations(text_scanner):
    """Every fixture listing: same decision, score, spans and reasons; explanations in Chinese."""
    seen = 0
    for listing in _fixture_listings():
        en, zh = text_scanner.scan(listing), text_scanner.scan(listing, language="zh")
        if en.decision is None:
            assert zh.to_dict() == en.to_dict()
            continue
        a, b = en.to_dict(), zh.to_dict()
        a.pop("took_ms"), b.pop("took_ms")
        for fa, fb in zip(a["findings"], b["findings"]):
            assert fb["explanation"] != fa["explanation"]
            # the template's own words, not the listing's words it quotes (a cue such as smoke detector style camera)
            template = _QUOTED.sub("", fb["explanation"].split("[")[0])
            assert not _ENGLISH_TEMPLATE_WORDS.search(template), fb["explanation"]
            fa.pop("explanation"), fb.pop("explanation")
            seen += 1
        assert a == b
    assert seen > 1000


CASES = [  # (copy, language, the first finding's explanation)
    ("高仿耐克 运动鞋", "zh", "假冒用语“高仿” [terms/counterfeit.tsv:8]；seller slang；商品提到品牌“Nike”"),
    ("高仿耐克 运动鞋", "en", "counterfeit wording '高仿' [terms/counterfeit.tsv:8]; seller slang; listing names brand 'Nike'"),
    ("加我 QQ 12345678 详聊", "zh", "站外引流：QQ 号 [检测器 qq_number]；请改用平台内的消息沟通"),
    ("手机壳 适用于 iPhone 15", "zh", "品牌“Apple”（Apple Inc.）[brands.tsv:223]；兼容说明（“适用于”），并非自称该品牌"),
    ("史上最强 充电宝", "zh", "极限词“史上最强” [terms/absolute_term.tsv:37]；广告法第九条第三项"),
]


@pytest.mark.parametrize("copy,language,expected", CASES)
def test_explanations_read_in_the_asked_language(text_scanner, copy, language, expected):
    r = text_scanner.scan({"title": copy}, language=language)
    assert r.findings[0].explanation == expected


def test_disguises_are_named_in_chinese(text_scanner):
    r = text_scanner.scan({"title": "N.i.k.e 运动鞋"}, language="zh")
    assert "已还原写法：去掉了分隔符或不可见字符" in r.findings[0].explanation


def test_a_reason_added_after_rendering_is_in_chinese_too(text_engine):
    """below_minimum is appended to the English explanation by policy.score_findings; Chinese is rendered whole."""
    import dataclasses

    from scanner.engine import Scanner
    from scanner.text.policy import Policy

    policy = Policy.from_dict({"thresholds": {"min_finding_score": 0.99}})
    strict = dataclasses.replace(text_engine, verifying=dataclasses.replace(text_engine.verifying, policy=policy))
    scanner = Scanner(strict)
    en, zh = (scanner.scan({"title": "史上最强 充电宝"}, language=lang).findings[0] for lang in ("en", "zh"))
    assert en.explanation.endswith("; confidence 0.75 below the policy minimum"), en.explanation
    assert zh.explanation.endswith("；置信度 0.75 低于策略下限"), zh.explanation
    assert zh.effect == en.effect == "none"


@pytest.mark.parametrize("language", ["fr", "EN", "", 1])
def test_an_unknown_language_is_refused_by_name(text_scanner, language):
    with pytest.raises(InvalidOptions, match="options.language must be one of 'en', 'zh'"):
        text_scanner.scan({"title": "纯棉T恤"}, language=language)


@pytest.mark.parametrize("own, argument, starts", [
    (None, None, "counterfeit wording"),   # neither: English
    ("zh", None, "假冒用语"),               # the listing's own option
    ("zh", "en", "counterfeit wording"),   # the argument wins over it
    ("en", "zh", "假冒用语"),
])
def test_the_listings_own_language_option_unless_the_caller_says_otherwise(text_scanner, own, argument, starts):
    listing = {"title": "高仿耐克 运动鞋"} | ({"options": {"language": own}} if own else {})
    first = text_scanner.scan(listing, language=argument).findings[0]
    assert first.explanation.startswith(starts), first.explanation


def test_gallery_matches_are_explained_in_chinese(text_engine, tmp_path):
    from scanner.engine import Scanner
    from scanner.images import GalleryStore, ImageScanner
    from tests.support import b64, gallery_image_bytes

    images = ImageScanner(GalleryStore(tmp_path / "g.sqlite3"))
    images.seed_from(FIXTURES / "gallery")
    try:
        listing = {"title": "运动鞋", "images": [{"data": b64(gallery_image_bytes(0))}]}
        en, zh = (Scanner(text_engine, images).scan(listing, language=lang) for lang in ("en", "zh"))
    finally:
        images.close()
    (fe,), (fz,) = ([f for f in r.findings if f.kind == "image"] for r in (en, zh))
    assert fe.explanation.startswith(f"matches counterfeit gallery image {fe.gallery_id} ")
    assert fz.explanation.startswith(f"与假冒图库图片 {fe.gallery_id}“")
    # the hashes are taken from the stored canonical copy (#17), so which view pair is closest is not fixed
    assert "各项哈希与颜色均一致" in fz.explanation and "商品图视角：" in fz.explanation and "图库视角：" in fz.explanation
    assert "对齐验证通过" in fz.explanation and "verified by alignment" in fe.explanation
    assert "top 80%" not in fz.explanation and "bits" not in fz.explanation  # every part in Chinese
    assert fz._replace(explanation="") == fe._replace(explanation="")


@pytest.mark.parametrize("field,zh", [("title", "标题"), ("description", "描述"), ("bullets[2]", "卖点[2]"),
                                      ("attributes.材质", "属性.材质"), ("attributes.title", "属性.title")])
def test_fields_are_named_as_the_editor_names_them(field, zh):
    r = explain.reason("with_counterfeit", text="高仿", field=field)
    assert explain.render((r,), "zh") == f"与假冒用语“高仿”（{zh}）同时出现"
    assert explain.render((r,)) == f"named together with counterfeit wording '高仿' ({field})"
