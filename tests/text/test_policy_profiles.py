"""Named policy profiles (#20 item 4): wordlists/profiles/<name>.toml over policy.toml.

Expected decisions are written by hand from the profile files' rules: cosmetics blocks medical,
absolute and false claims (化妆品监督管理条例 art. 37/43, 化妆品功效宣称评价规范); secondhand lets
absolute wording of a personal resale pass; everything else is the default's.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.config import BUNDLED_WORDLISTS
from scanner.engine import Scanner
from scanner.text.engine import TextEngine
from scanner.text.wordlists import WordlistError, load_wordlists

PROFILES = ("default", "secondhand", "cosmetics")

# listing -> expected decision under (default, secondhand, cosmetics)
CASES = [
    # medical claims on a cosmetic: review in general, forbidden outright for cosmetics
    ({"title": "祛斑精华液 三十天淡化色斑", "description": "专业治疗痘痘，温和不刺激"},
     ("review", "review", "block")),
    # an absolute claim alone: review in general, not advertising in a personal resale, block for cosmetics
    ({"title": "最有效的保湿面霜 50ml"}, ("review", "pass", "block")),
    ({"title": "闲置 全网最低价 九成新 单肩包"}, ("review", "pass", "block")),
    # counterfeit wording blocks under every profile
    ({"title": "高仿 口红 1:1 专柜品质"}, ("block", "block", "block")),
    # off-platform contact is the same under every profile
    ({"title": "二手相机 九成新", "description": "详情加微信聊"}, ("review", "review", "review")),
    # hard negatives: ordinary copy, compatibility wording and resale with provenance pass everywhere
    ({"title": "保湿面霜 50ml 适合干性肌肤", "description": "质地清爽，每日早晚使用"}, ("pass", "pass", "pass")),
    ({"title": "适用于 iPhone 15 的硅胶手机壳"}, ("pass", "pass", "pass")),
    ({"title": "Gucci 马衔扣包 二手 附小票 专柜购入"}, ("pass", "pass", "pass")),
]


@pytest.mark.parametrize("listing,expected", CASES, ids=[c[0]["title"] for c in CASES])
def test_same_listing_under_each_profile(text_scanner, listing, expected):
    got = tuple(text_scanner.scan(listing, policy=name).decision for name in PROFILES)
    assert got == expected


def test_options_policy_in_the_listing_equals_the_argument_and_the_argument_wins(text_scanner):
    listing = {"title": "最有效的保湿面霜 50ml"}
    assert text_scanner.scan({**listing, "options": {"policy": "cosmetics"}}).decision == "block"
    assert text_scanner.scan({**listing, "options": {"policy": "cosmetics"}}, policy="secondhand").decision == "pass"


@pytest.mark.parametrize("name", ["cosmetic", "Cosmetics", "default ", "policy"])
def test_unknown_profile_is_that_listings_error_never_the_default(text_scanner, name):
    result = text_scanner.scan({"id": "a1", "title": "最有效的保湿面霜"}, policy=name)
    row = result.to_dict()
    assert row["id"] == "a1" and "decision" not in row
    assert row["error"]["code"] == "unknown_policy" and repr(name) in row["error"]["message"]
    # the next listing is unaffected
    assert text_scanner.scan({"title": "最有效的保湿面霜"}).decision == "review"


@pytest.mark.parametrize("options", [{"policy": 3}, {"policy": ""}, {"policy": "x" * 41}])
def test_malformed_policy_option_is_invalid_options(text_scanner, options):
    row = text_scanner.scan({"title": "面霜", "options": options}).to_dict()
    assert row["error"]["code"] == "invalid_options"


def test_versions_name_the_profile_and_its_hash(text_scanner):
    rows = {name: text_scanner.scan({"title": "面霜"}, policy=name).to_dict()["versions"] for name in PROFILES}
    assert [rows[n]["policy"]["name"] for n in PROFILES] == list(PROFILES)
    hashes = [rows[n]["policy"]["hash"] for n in PROFILES]
    assert all(h.startswith("sha256:") for h in hashes) and len(set(hashes)) == 3
    assert text_scanner.scan({"title": "面霜"}).to_dict()["versions"]["policy"] == rows["default"]["policy"]
    assert len({r["wordlists"] for r in rows.values()}) == 1  # one word-list version holds all profiles


def _copy(tmp_path) -> Path:
    directory = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, directory)
    return directory


def test_policy_hash_is_of_the_merged_content_not_the_file(tmp_path):
    directory = _copy(tmp_path)
    # restates two defaults: decides exactly as policy.toml, so it hashes as default does
    (directory / "profiles" / "same-as-default.toml").write_text(
        '# nothing changes\nbrand_with_counterfeit = "block"\n[thresholds]\nmin_finding_score = 0.3\n', encoding="utf-8")
    (directory / "profiles" / "stricter.toml").write_text('[thresholds]\nmin_finding_score = 0.31\n', encoding="utf-8")
    engine = TextEngine.load(directory)
    assert engine.profile("same-as-default").hash == engine.profile("default").hash
    assert engine.profile("stricter").hash != engine.profile("default").hash
    assert engine.profile(None) is engine.profile("default")


def test_a_profile_file_changes_the_word_list_version(tmp_path):
    directory = _copy(tmp_path)
    before = load_wordlists(directory).version
    (directory / "profiles" / "strict.toml").write_text('brand_with_provenance = "review"\n', encoding="utf-8")
    assert load_wordlists(directory).version != before


def test_a_profile_that_sets_provenance_to_review_sends_resale_to_review(tmp_path):
    directory = _copy(tmp_path)
    (directory / "profiles" / "strict-brand.toml").write_text('brand_with_provenance = "review"\n', encoding="utf-8")
    scanner = Scanner(TextEngine.load(directory))
    listing = {"title": "Gucci 马衔扣包 二手 附小票 专柜购入"}
    assert scanner.scan(listing).decision == "pass"
    assert scanner.scan(listing, policy="strict-brand").decision == "review"


BAD_PROFILES = [
    # (file name, text, message expected in the error: file:line first)
    ("typo.toml", '# a comment\n[thresholds]\nblock_scor = 90\n', "profiles/typo.toml:3: thresholds.block_scor"),
    ("range.toml", '[thresholds]\n\nblock_score = -5\n', "profiles/range.toml:3: thresholds.block_score"),
    ("type.toml", '[actions]\nbrand = "review"\nmedical_claim = true\n', "profiles/type.toml:3: actions.medical_claim"),
    ("action.toml", '[actions]\nmedical_claim = "ban"\n', "profiles/action.toml:2: actions.medical_claim"),
    ("category.toml", '[actions]\ncosmetic_claim = "block"\n', "profiles/category.toml:2: actions.cosmetic_claim"),
    ("score.toml", '[severity_scores]\nhigh = 1.5\n', "profiles/score.toml:2: severity_scores.high"),
    ("table.toml", 'actions = "block"\n', "profiles/table.toml:1: actions"),
    ("syntax.toml", '[actions]\nbrand = = "block"\n', "profiles/syntax.toml:2: Invalid value"),
    ("default.toml", 'brand_with_provenance = "review"\n', "profiles/default.toml: a profile name"),
    ("Cosmetics_EU.toml", '', "profiles/Cosmetics_EU.toml: a profile name"),
]


@pytest.mark.parametrize("name,text,message", BAD_PROFILES, ids=[b[0] for b in BAD_PROFILES])
def test_a_bad_profile_refuses_the_whole_load_with_file_and_line(tmp_path, name, text, message):
    directory = _copy(tmp_path)
    (directory / "profiles" / name).write_text(text, encoding="utf-8")
    with pytest.raises(WordlistError) as exc:
        load_wordlists(directory)
    assert str(exc.value).startswith(message), str(exc.value)


def test_bundled_profiles_load(text_engine):
    assert set(text_engine.profiles) == {"default", "cosmetics", "medicine", "secondhand"}
    assert text_engine.profile("cosmetics").policy.action("medical_claim") == "block"
    assert text_engine.profile("secondhand").policy.action("absolute_term") == "none"
    assert text_engine.profile("default").policy.action("medical_claim") == "review"
