"""A profile's own word lists (#20 item 4, "extra lists"): wordlists/profiles/<name>/terms/*.tsv count only in
listings scanned under that profile. The shipped one is `medicine` (药品、医疗器械、保健食品: wording their
advertising rules forbid that general goods may use).

Expected decisions are written by hand from profiles/medicine.toml's sources (广告法 art. 16; 药品、医疗器械、
保健食品和特殊医学用途配方食品广告审查管理暂行办法 art. 11). The other profiles' results are checked against the
oracle that defines "only under that profile": the same word lists with the medicine lists deleted.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scanner.config import BUNDLED_WORDLISTS
from scanner.engine import Scanner
from scanner.text.engine import TextEngine
from scanner.text.wordlists import WordlistError, load_wordlists

ROOT = Path(__file__).resolve().parents[2]

# (listing, decision under default, decision under medicine, words the medicine profile flags as false_claim)
CASES = [
    # efficacy and cure rates: any figure, not only 100 % (the default's rule)
    ({"title": "颈椎理疗仪 家用", "description": "临床观察总有效率达93.6%，每天20分钟"}, "pass", "block", {"总有效率"}),
    ({"title": "Knee brace", "description": "Physiotherapists report a recovery rate of 88% within six weeks."},
     "pass", "block", {"recovery rate of"}),
    # safety as a property of the product, a traditional medicine called natural and therefore safe
    ({"title": "感冒灵颗粒", "description": "纯中药制剂更安全，老人小孩都能喝"}, "pass", "block", {"纯中药制剂更安全"}),
    ({"title": "Blood glucose meter", "description": "Totally safe and accurate for the whole family."},
     "pass", "block", {"Totally safe"}),
    # comparisons with other medicines or with hospitals
    ({"title": "丹参滴丸 180丸", "description": "效果优于同类，胜过进口药"}, "pass", "block", {"效果优于同类", "胜过进口药"}),
    # inducements and designations that a kettle may use
    ({"title": "维生素C泡腾片", "description": "全国热销 买二送一疗程"}, "pass", "block", {"全国热销", "买二送一疗程"}),
    ({"title": "医用外科口罩", "description": "医院指定产品 独立包装"}, "pass", "block", {"医院指定"}),
    ({"title": "Joint supplement", "description": "Real patient stories on our page! Free trial pack with every order."},
     "pass", "block", {"Real patient stories", "Free trial pack"}),
    # hard negatives: a registered indication, instructions, dates and storage pass under both
    ({"title": "布洛芬缓释胶囊 24粒", "description": "用于缓解轻至中度疼痛。请按说明书使用，有效期至2027年6月"},
     "pass", "pass", set()),
    ({"title": "电子血压计", "description": "上臂式 全自动 数据存储 两节七号电池"}, "pass", "pass", set()),
    ({"title": "Digital thermometer", "description": "Reads in 10 seconds. Store in a dry place. Safety cap included."},
     "pass", "pass", set()),
    # the same inducement on general goods: only the medicine profile's listings are held to it
    ({"title": "电热水壶 1.7L", "description": "全国热销 限时抢购"}, "pass", "block", {"全国热销", "限时抢购"}),
]


@pytest.mark.parametrize("listing,default,medicine,words", CASES, ids=[c[0]["title"] for c in CASES])
def test_medicine_lists_count_only_under_medicine(text_scanner, listing, default, medicine, words):
    plain = text_scanner.scan(listing)
    strict = text_scanner.scan(listing, policy="medicine")
    assert (plain.decision, strict.decision) == (default, medicine)
    own = {f.text for f in strict.findings if f.category == "false_claim" and f.reasons
           and any("profiles/medicine/" in str(r) for r in f.reasons)}
    assert own == words
    for f in strict.findings:  # every span slices the caller's text
        assert listing[f.field][f.start:f.end] == f.text


@pytest.fixture(scope="module")
def without_medicine_lists(tmp_path_factory) -> Scanner:
    directory = tmp_path_factory.mktemp("lists") / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, directory)
    shutil.rmtree(directory / "profiles" / "medicine")
    return Scanner(TextEngine.load(directory))


def _fixture_listings(limit: int = 600) -> list[dict]:
    rows = []
    for name in ("labelled.jsonl", "holdout10.jsonl", "holdout9.jsonl"):
        with open(ROOT / "fixtures" / "listings" / name, encoding="utf-8") as f:
            rows += [{k: v for k, v in json.loads(line).items() if k != "expected"} for line in f if line.strip()]
    return rows[:limit]


def _comparable(result) -> dict:
    row = result.to_dict()
    row.pop("versions", None)  # the word-list version differs by construction
    row.pop("took_ms", None)
    return row


@pytest.mark.parametrize("profile", ["default", "cosmetics", "secondhand"])
def test_other_profiles_scan_as_if_the_lists_were_not_there(text_scanner, without_medicine_lists, profile):
    """The oracle: under any other profile, every result equals the one from word lists without the medicine
    directory (the lists share the automaton, but not the segmenter, the rules or the findings)."""
    listings = _fixture_listings()
    assert len(listings) >= 500
    differ = [l.get("id") for l in listings
              if _comparable(text_scanner.scan(l, policy=profile)) != _comparable(without_medicine_lists.scan(l, policy=profile))]
    assert differ == []


def test_the_profile_hash_covers_its_own_lists(tmp_path):
    directory = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, directory)
    before = TextEngine.load(directory)
    listed = directory / "profiles" / "medicine" / "terms" / "false_claim.tsv"
    listed.write_text(listed.read_text(encoding="utf-8") + "神奇疗效保证\tfalse_claim\thigh\t\t\t\ttest row\n", encoding="utf-8")
    after = TextEngine.load(directory)
    assert after.profile("medicine").hash != before.profile("medicine").hash
    for name in ("default", "cosmetics", "secondhand"):  # no other profile decides differently
        assert after.profile(name).hash == before.profile(name).hash
    assert after.wordlists.version != before.wordlists.version


BAD_LISTS = [
    # (path under profiles/, text, message the load error starts with)
    ("pharmacy/terms/false_claim.tsv", "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n包治百病\tfalse_claim\thigh\t\t\t\tx\n",
     "profiles/pharmacy/: no profile 'pharmacy'"),
    ("medicine/notes.txt", "why these rows\n", "profiles/medicine/notes.txt: a profile's directory holds only terms/*.tsv"),
    ("medicine/terms/extra.tsv", "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n",
     "profiles/medicine/terms/extra.tsv: holds no terms"),
    ("medicine/terms/extra.tsv", "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n包治百病\tmiracle\thigh\t\t\t\tx\n",
     "profiles/medicine/terms/extra.tsv:2: unknown category 'miracle'"),
    ("medicine/terms/extra.tsv", "term\tcategory\tseverity\n包治百病\tfalse_claim\thigh\n", "profiles/medicine/terms/extra.tsv"),
]


@pytest.mark.parametrize("path,text,message", BAD_LISTS, ids=[b[0] + ":" + b[2][-20:] for b in BAD_LISTS])
def test_a_bad_profile_list_refuses_the_whole_load(tmp_path, path, text, message):
    directory = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, directory)
    target = directory / "profiles" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    with pytest.raises(WordlistError) as exc:
        load_wordlists(directory)
    assert str(exc.value).startswith(message), str(exc.value)


def test_an_empty_terms_directory_refuses_the_load(tmp_path):
    directory = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, directory)
    shutil.rmtree(directory / "profiles" / "medicine" / "terms")
    (directory / "profiles" / "medicine" / "terms").mkdir()
    with pytest.raises(WordlistError) as exc:
        load_wordlists(directory)
    assert str(exc.value).startswith("profiles/medicine/terms/: no *.tsv list"), str(exc.value)
