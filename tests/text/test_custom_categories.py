"""An operator's own restricted list as a category without code (#20 item 3): wordlists/custom/<id>.tsv.

The list declares its category id, labels, severity and action in `# key: value` lines before the
header; the engine loads it with the other lists (the version hash covers it), its findings carry the
operator's id, policy.toml can still switch it off, and every malformed file is refused with its
file and line. The words are made up (紫晶会, zqx pledge): these tests are about the mechanism.
"""
from __future__ import annotations

import shutil

import pytest

from scanner.config import BUNDLED_WORDLISTS
from scanner.text.wordlists import WordlistError, load_wordlists

HEADER = """# A platform's own list of words it must screen (test data)
# category: restricted_terms
# label_en: Restricted term
# label_zh: 平台限制词
# severity: high
# action: review
term\tvariants\tnote
"""
GOOD = HEADER + "紫晶会\t紫晶會社|紫晶协会\tplatform rule 3.2; a made-up banned organisation\nzqx pledge\tzqx oath\tplatform rule 3.2\n"


def _copy(tmp_path, files: dict[str, str], policy: str | None = None):
    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    (wl / "custom").mkdir(exist_ok=True)
    for name, text in files.items():
        (wl / "custom" / name).write_text(text, "utf-8")
    if policy is not None:
        (wl / "policy.toml").write_text(policy, "utf-8")
    return wl


@pytest.fixture(scope="module")
def custom_scanner(tmp_path_factory):
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    wl = _copy(tmp_path_factory.mktemp("custom"), {"restricted_terms.tsv": GOOD})
    with (wl / "allowlist.tsv").open("a", encoding="utf-8") as f:  # an operator's hard negative
        f.write("紫晶会员卡\trestricted_terms\ta shop's amethyst loyalty card\n")
    return Scanner(TextEngine.load(wl))


# listing, decision, (category, exact text) that must be among the findings (effect as declared: review)
CASES = [
    ({"title": "纪念紫晶会 徽章 限量"}, "review", [("restricted_terms", "紫晶会")]),
    ({"title": "紫晶會社 周年纪念册"}, "review", [("restricted_terms", "紫晶會社")]),  # traditional variant
    ({"title": "Take the ZQX Pledge t-shirt"}, "review", [("restricted_terms", "ZQX Pledge")]),
    ({"title": "紫 晶 会 胸针"}, "review", [("restricted_terms", "紫 晶 会")]),  # separators
    ({"title": "紫晶会员卡 积分兑换"}, "pass", []),  # the operator's allow-list row
    ({"title": "天然紫晶 原石摆件"}, "pass", []),
    ({"title": "出售发票 各行业都有", "description": "紫晶会"}, "block", [("illegal_service", "出售发票"), ("restricted_terms", "紫晶会")]),
]


@pytest.mark.parametrize("listing,decision,expected", CASES)
def test_operator_category_is_found_under_its_own_id(custom_scanner, listing, decision, expected):
    result = custom_scanner.scan(listing)
    got = {(f.category, f.text) for f in result.findings if f.effect != "none"}
    assert all(e in got for e in expected), (expected, got)
    assert result.decision == decision, got
    for f in result.findings:
        assert listing[f.field][f.start : f.end] == f.text
        if f.category == "restricted_terms":
            assert f.effect == "review" and f.severity == "high"


def test_explained_with_the_operators_labels(custom_scanner):
    en = custom_scanner.scan({"title": "纪念紫晶会 徽章"}).findings[0]
    zh = custom_scanner.scan({"title": "纪念紫晶会 徽章"}, language="zh").findings[0]
    assert en.explanation.startswith("Restricted term '紫晶会' [custom/restricted_terms.tsv:8]"), en.explanation
    assert "platform rule 3.2" in en.explanation
    assert zh.explanation.startswith("平台限制词“紫晶会” [custom/restricted_terms.tsv:8]"), zh.explanation


def test_versioned_and_counted_with_the_word_lists(custom_scanner, text_engine):
    wl = custom_scanner.text_engine.wordlists
    assert wl.version != text_engine.version
    assert wl.counts()["restricted_terms"] == 2
    assert [(c.id, c.en, c.zh, c.default_action, c.kind) for c in wl.custom_categories] == [
        ("restricted_terms", "Restricted term", "平台限制词", "review", "text")]
    assert text_engine.wordlists.custom_categories == ()  # the bundled lists ship none


@pytest.mark.parametrize("policy,decision,effect", [
    ('[actions]\nrestricted_terms = "none"\n', "pass", "none"),  # switched off
    ('[actions]\nrestricted_terms = "block"\n', "block", "block"),
    ("", "review", "review"),  # the file's own default
])
def test_policy_still_decides(tmp_path, policy, decision, effect):
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    scanner = Scanner(TextEngine.load(_copy(tmp_path, {"restricted_terms.tsv": GOOD}, policy)))
    result = scanner.scan({"title": "纪念紫晶会 徽章"})
    assert result.decision == decision
    assert [f.effect for f in result.findings if f.category == "restricted_terms"] == [effect]


def _with(key: str, value: str) -> str:
    return HEADER.replace(f"# {key}: " + dict(line[2:].split(": ", 1) for line in HEADER.splitlines()[1:6])[key],
                          f"# {key}: {value}") + "紫晶会\t\tnote\n"


# file name, content, the start of the error message (file:line: what is wrong)
REFUSED = [
    ("Restricted.tsv", _with("category", "Restricted"), "custom/Restricted.tsv:2: category id 'Restricted' must be"),
    ("restricted-terms.tsv", _with("category", "restricted-terms"), "custom/restricted-terms.tsv:2: category id"),
    ("counterfeit.tsv", _with("category", "counterfeit"), "custom/counterfeit.tsv:2: category 'counterfeit' clashes with a built-in category"),
    ("illegal_service.tsv", _with("category", "illegal_service"), "custom/illegal_service.tsv:2: category 'illegal_service' clashes"),
    ("allowlist.tsv", _with("category", "allowlist"), "custom/allowlist.tsv:2: category 'allowlist' clashes"),
    ("other_name.tsv", HEADER + "紫晶会\t\t\n", "custom/other_name.tsv:2: category 'restricted_terms' must be the file's name"),
    ("restricted_terms.tsv", HEADER, "custom/restricted_terms.tsv:7: no entries"),
    ("restricted_terms.tsv", _with("action", "delete"), "custom/restricted_terms.tsv:6: action must be block or review, got 'delete'"),
    ("restricted_terms.tsv", _with("action", "none"), "custom/restricted_terms.tsv:6: action must be block or review, got 'none'"),
    ("restricted_terms.tsv", _with("severity", "urgent"), "custom/restricted_terms.tsv:5: severity must be low/medium/high"),
    ("restricted_terms.tsv", _with("label_zh", ""), "custom/restricted_terms.tsv:4: label_zh must be 1-60 characters"),
    ("restricted_terms.tsv", _with("label_en", "x" * 61), "custom/restricted_terms.tsv:3: label_en must be 1-60 characters"),
    ("restricted_terms.tsv", HEADER.replace("# label_zh: 平台限制词\n", "") + "紫晶会\t\t\n",
     "custom/restricted_terms.tsv:1: missing # label_zh: …"),
    ("restricted_terms.tsv", HEADER.replace("# action: review\n", "# action: review\n# action: block\n") + "紫晶会\t\t\n",
     "custom/restricted_terms.tsv:7: action declared twice (first on line 6)"),
    ("restricted_terms.tsv", HEADER + "紫晶会\t\t\nzqx\t\t\n紫晶会\t\t\n", "custom/restricted_terms.tsv:10: term '紫晶会' already on line 8"),
    ("restricted_terms.tsv", HEADER + "\tzqx\t\n", "custom/restricted_terms.tsv:8: empty term"),
    ("restricted_terms.tsv", HEADER.replace("term\tvariants\tnote", "term\tcategory\tnote") + "紫晶会\t\t\n",
     "custom/restricted_terms.tsv:7: header must be term / variants / note"),
    ("restricted_terms.tsv", HEADER + "紫晶会\t\t\t\textra\n", "custom/restricted_terms.tsv:8: 5 cells, expected at most 3"),
]


@pytest.mark.parametrize("name,text,message", REFUSED, ids=[m.split(": ", 1)[1][:40] for _, _, m in REFUSED])
def test_a_malformed_operator_list_is_refused_naming_file_and_line(tmp_path, name, text, message):
    wl = _copy(tmp_path, {name: text})
    with pytest.raises(WordlistError) as err:
        load_wordlists(wl)
    assert str(err.value).startswith(message), str(err.value)


@pytest.mark.parametrize("policy,message", [
    ('[actions]\nrestricted_terms = "maybe"\n', "policy.toml: actions.restricted_terms: Input should be 'block', 'review' or 'none' (got 'maybe')"),
    ('[actions]\nrestricted_termz = "none"\n', "policy.toml: actions.restricted_termz: Extra inputs are not permitted"),
])
def test_a_bad_policy_for_an_operator_category_is_refused(tmp_path, policy, message):
    with pytest.raises(WordlistError) as err:
        load_wordlists(_copy(tmp_path, {"restricted_terms.tsv": GOOD}, policy))
    assert str(err.value).startswith(message), str(err.value)


def test_an_unreadable_list_is_refused(tmp_path):
    wl = _copy(tmp_path, {})
    (wl / "custom" / "restricted_terms.tsv").write_bytes(GOOD.encode("gb18030"))
    with pytest.raises(WordlistError, match=r"^custom/restricted_terms.tsv: not UTF-8 text"):
        load_wordlists(wl)


def test_a_policy_line_for_a_deleted_list_is_refused(tmp_path):
    # the list is gone but policy.toml still names it: refused, never silently ignored
    wl = _copy(tmp_path, {}, '[actions]\nrestricted_terms = "none"\n')
    with pytest.raises(WordlistError, match=r"^policy.toml: actions.restricted_terms: Extra inputs are not permitted"):
        load_wordlists(wl)
