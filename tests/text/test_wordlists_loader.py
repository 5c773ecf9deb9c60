"""The word-list loader: formats, derived pinyin, content-hash versions, and loud failures."""
import shutil
from pathlib import Path

import pytest

from scanner.config import BUNDLED_WORDLISTS
from scanner.text import wordlists as wordlists_module
from scanner.text.wordlists import WordlistError, content_version, derive_pinyin, load_wordlists

TERMS_HEADER = "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n"
BRANDS_HEADER = "brand\towner\tsector\tzh\ten\tslang\tpinyin\tambiguous\tcontext\tnote\n"
PROXIMITY_HEADER = "rule\tcategory\tseverity\tsuggestion\tfirst\tsecond\twindow\torder\tnote\n"
# The smallest directory the loader accepts: every required list with one entry, the optional-content
# files with their header only. Tests overlay what they are about.
SKELETON = {
    **{f"terms/{c}.tsv": TERMS_HEADER + f"zq{c}\t{c}\tlow\t\t\t\t\n" for c in (
        "absolute_term", "false_claim", "medical_claim", "counterfeit", "prohibited_goods", "diversion",
        "incentivized_review", "illegal_service")},
    "with_brand/counterfeit.tsv": TERMS_HEADER + "1:1\tcounterfeit\tmedium\t-\t\t\t\n",
    "brands.tsv": BRANDS_HEADER + "Zqbrand\tZq Inc.\tother\t\tZqbrand\t\t\t\t\t\n",
    "proximity.tsv": PROXIMITY_HEADER + "zq\tdiversion\tlow\t\tzqa\tzqb\t10\tany\t\n",
    "allowlist.tsv": "phrase\tcategory\tnote\n",
    "compatibility.tsv": "cue\tposition\tnote\n",
    "exemptions.tsv": "cue\trule\tnote\n",
    "policy.toml": "",
}


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def minimal(tmp_path):
    return write(
        tmp_path,
        {
            **SKELETON,
            "terms/counterfeit.tsv": TERMS_HEADER + "# a comment\n高仿\tcounterfeit\thigh\t-\t搞仿|高纺\tauto\tslang\n",
            "terms/absolute_term.tsv": TERMS_HEADER + "最好\tabsolute_term\tmedium\t优质\t\t\t广告法第九条\n",
            "brands.tsv": BRANDS_HEADER + "Nike\tNike, Inc.\tsportswear\t耐克\tNike\t\tauto\t\t\t\n"
            "Apple\tApple Inc.\telectronics\t苹果\tApple|iPhone\t\t\t苹果|Apple\t手机|phone\t\n",
        },
    )


def test_loads_terms_brands_and_derives_pinyin(minimal):
    wl = load_wordlists(minimal)
    by_term = {t.term: t for t in wl.terms}
    assert by_term["高仿"].suggestion == ""  # "-" means delete
    assert by_term["高仿"].variants == ("搞仿", "高纺", "高亻方")  # + generated split spelling (#15)
    assert by_term["高仿"].pinyin == ("gaofang", "gao fang", "gao仿", "高fang", "高f")  # + generated half-pinyin (#15)
    assert by_term["最好"].suggestion == "优质"
    assert by_term["最好"].source == "terms/absolute_term.tsv:2"
    nike, apple = wl.brands
    assert nike.pinyin == ("naike", "nai ke")
    assert apple.ambiguous == frozenset({"苹果", "Apple"})
    assert wl.counts()["brand"] == 2 and wl.counts()["counterfeit"] == 2  # 高仿 and with_brand's 1:1


def test_version_is_a_content_hash(minimal):
    v1 = load_wordlists(minimal).version
    assert v1 == load_wordlists(minimal).version
    path = minimal / "terms/counterfeit.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "A货\tcounterfeit\thigh\t-\t\t\t\n", encoding="utf-8")
    v2 = load_wordlists(minimal).version
    assert v2 != v1 and v2.startswith("sha256:")


def _edit_while_loading(monkeypatch, directory, edits):
    """Append one counterfeit row to terms/counterfeit.tsv during each of the first `edits` loads, after the terms
    were parsed (when the brands are read): what an operator's or a publisher's write does to a worker reloading."""
    real = wordlists_module._load_brands
    done = []

    def load_brands(*args, **kwargs):
        if len(done) < edits:
            done.append(f"A货{len(done)}")
            path = directory / "terms/counterfeit.tsv"
            path.write_text(path.read_text(encoding="utf-8") + f"{done[-1]}\tcounterfeit\thigh\t-\t\t\t\n",
                            encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(wordlists_module, "_load_brands", load_brands)
    return done


def test_a_file_changed_during_the_load_is_read_again_so_the_version_names_what_was_parsed(minimal, monkeypatch):
    added = _edit_while_loading(monkeypatch, minimal, edits=1)
    wl = load_wordlists(minimal)
    assert added == ["A货0"]
    assert wl.version == content_version(minimal)  # the hash of the files as parsed, the edit included
    assert "A货0" in {t.term for t in wl.terms}


def test_a_directory_that_keeps_changing_is_refused(minimal, monkeypatch):
    _edit_while_loading(monkeypatch, minimal, edits=wordlists_module.LOAD_ATTEMPTS)
    with pytest.raises(WordlistError, match="kept changing"):
        load_wordlists(minimal)


@pytest.mark.parametrize(
    "files,message",
    [
        ({"terms/x.tsv": "term\tcat\n"}, "header must be"),
        ({"terms/x.tsv": TERMS_HEADER + "高仿\tcounterfeit\tsevere\t\t\t\t\n"}, "severity"),
        ({"terms/x.tsv": TERMS_HEADER + "高仿\tfakes\thigh\t\t\t\t\n"}, "unknown category"),
        ({"brands.tsv": BRANDS_HEADER + "Apple\tApple\telectronics\t苹果\t\t\t\tMango\t\t\n"}, "ambiguous aliases"),
        ({"policy.toml": "[actions\n"}, "policy.toml"),
        ({"proximity.tsv": PROXIMITY_HEADER + "zq\tdiversion\tlow\t\t@nosuch\tzqb\t10\tany\t\n"}, "unknown slot lexicon '@nosuch'"),
        ({"lexicons/empty.tsv": "word\tsource\n"}, "lexicons/empty.tsv: no entries"),
        ({"lexicons/x.tsv": "term\tsource\n"}, "lexicons/x.tsv:1: header must be"),
    ],
)
def test_bad_rows_fail_with_file_and_line(tmp_path, files, message):
    write(tmp_path, {**SKELETON, **files})
    with pytest.raises(WordlistError, match=message):
        load_wordlists(tmp_path)


@pytest.mark.parametrize(
    "chinese,expected",
    [("耐克", "naike"), ("高仿", "gaofang"), ("迪奥", None), ("LV", None), ("路易威登", "luyiweideng")],
)
def test_derive_pinyin(chinese, expected):
    # "diao" is shorter than 5 letters: too likely to be an ordinary syllable
    assert derive_pinyin(chinese) == expected


def bundled_copy(tmp_path) -> Path:
    directory = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, directory)
    return directory


HEADER_ONLY = {"brands.tsv": BRANDS_HEADER, "proximity.tsv": PROXIMITY_HEADER}

# Issue #13, finding 4: deleting brands.tsv or terms/counterfeit.tsv, or emptying the directory, was
# accepted (the empty directory's version was the sha256 of nothing, and every listing passed).
REFUSED = [
    # what happens to the bundled copy          file named           why
    ("delete", "brands.tsv",                     "brands.tsv",        "missing"),
    ("delete", "terms/counterfeit.tsv",          "terms/counterfeit.tsv", "missing"),
    ("delete", "terms/medical_claim.tsv",        "terms/medical_claim.tsv", "missing"),
    ("delete", "with_brand/counterfeit.tsv",     "with_brand/counterfeit.tsv", "missing"),
    ("delete", "proximity.tsv",                  "proximity.tsv",     "missing"),
    ("delete", "allowlist.tsv",                  "allowlist.tsv",     "missing"),
    ("delete", "policy.toml",                    "policy.toml",       "missing"),
    ("header only", "brands.tsv",                "brands.tsv",        "no entries"),
    ("header only", "terms/counterfeit.tsv",     "terms/counterfeit.tsv", "no entries"),
    ("header only", "proximity.tsv",             "proximity.tsv",     "no entries"),
    ("empty file", "terms/diversion.tsv",        "terms/diversion.tsv", "no entries"),
    ("comments only", "with_brand/counterfeit.tsv", "with_brand/counterfeit.tsv", "no entries"),
    ("a directory", "brands.tsv",                "brands.tsv",        "not a file"),
    ("empty the directory", "",                  "brands.tsv",        "missing"),
]


@pytest.mark.parametrize("change, target, named, why", REFUSED)
def test_a_missing_or_empty_required_list_stops_the_load(tmp_path, change, target, named, why):
    directory = bundled_copy(tmp_path)
    path = directory / target
    if change == "delete":
        path.unlink()
    elif change == "header only":
        path.write_text(HEADER_ONLY.get(target, TERMS_HEADER), encoding="utf-8")
    elif change == "empty file":
        path.write_text("", encoding="utf-8")
    elif change == "comments only":
        path.write_text("# nothing here yet\n" + TERMS_HEADER.replace("term", "# term", 1), encoding="utf-8")
    elif change == "a directory":
        path.unlink()
        path.mkdir()
    else:
        shutil.rmtree(directory)
        directory.mkdir()
    with pytest.raises(WordlistError) as err:
        load_wordlists(directory)
    assert f"{named}: " in str(err.value) and why in str(err.value), str(err.value)


# redteam15: a required list "emptied" by rows the matcher silently drops (every spelling normalises to fewer than
# two letters: punctuation, one Latin letter, a control character) passed the no-entries check above, and every
# listing that list was for passed. A row that can never match is refused, naming file:line.
NEVER_MATCH = [
    ("terms/counterfeit.tsv", "***\tcounterfeit\thigh\t\t\t\tplaceholder\n"),
    ("terms/counterfeit.tsv", "x\tcounterfeit\thigh\t\t\t\tone letter\n"),
    ("terms/diversion.tsv", "-\tdiversion\thigh\t\t/\t\tdash, a slash as variant\n"),
    ("terms/counterfeit.tsv", "\x00\tcounterfeit\thigh\t\t\t\ta NUL\n"),
    ("profiles/medicine/terms/false_claim.tsv", "…\tfalse_claim\thigh\t\t\t\tan ellipsis\n"),
]


@pytest.mark.parametrize("target, row", NEVER_MATCH)
def test_a_term_that_can_never_match_stops_the_load(tmp_path, target, row):
    directory = bundled_copy(tmp_path)
    (directory / target).write_text(TERMS_HEADER + row, encoding="utf-8")
    with pytest.raises(WordlistError) as err:
        load_wordlists(directory)
    assert f"{target}:2: " in str(err.value) and "can never match" in str(err.value), str(err.value)


def test_short_terms_that_can_match_still_load(tmp_path):
    """One CJK character (弩) is a key of its own; a short Latin term with a longer variant matches by the variant."""
    directory = bundled_copy(tmp_path)
    (directory / "terms" / "counterfeit.tsv").write_text(
        TERMS_HEADER + "弩\tcounterfeit\thigh\t\t\t\tone CJK character\nA\tcounterfeit\thigh\t\tA货\t\tvariant\n",
        encoding="utf-8")
    assert len(load_wordlists(directory).terms) > 2


@pytest.mark.parametrize("name", ["allowlist.tsv", "compatibility.tsv", "exemptions.tsv"])
def test_lists_that_only_ever_find_less_may_be_empty(tmp_path, name):
    directory = bundled_copy(tmp_path)
    header = (directory / name).read_text(encoding="utf-8").splitlines()
    (directory / name).write_text(next(line for line in header if not line.startswith("#")) + "\n", "utf-8")
    assert load_wordlists(directory).version != load_wordlists(BUNDLED_WORDLISTS).version


# #15: half-pinyin spellings are generated from each Chinese term at build, led by a syllable too (engine16:
# zhi疗 and fan现 were sellers' spellings the lists missed; a syllable counts as one character, so fan现 in
# "Electric fan现货" still needs jieba's word end after 现 and does not get it); initials after a character,
# for 3+ characters unless curated; never the whole word in pinyin (that is the pinyin column's).
MIXED = [
    ("高仿", True, {"gao仿", "高fang", "高f"}, set()),
    ("降血糖", False, {"降xue糖", "降血tang", "降xuetang", "降xt", "jiang血糖"}, {"jiangxuetang"}),
    ("返现", False, {"返xian", "fan现"}, {"返x", "fanxian"}),
    ("治疗", False, {"治liao", "zhi疗"}, {"治l", "zhiliao"}),
    ("高仿真花", False, {"高仿zhen花", "gao仿真花"}, {"gaofangzhenhua"}),
    ("LV", True, set(), {"LV"}),  # not Chinese: nothing generated
    ("一二三四五", False, set(), {"一er三四五"}),  # longer than MIXED_MAX_CHARS
]


@pytest.mark.parametrize("term,curated,present,absent", MIXED)
def test_mixed_spellings(term, curated, present, absent):
    from scanner.text.wordlists import mixed_spellings

    got = set(mixed_spellings(term, curated))
    assert present <= got
    assert not absent & got


@pytest.mark.parametrize(
    "term,split",
    [
        ("高仿", {"高亻方"}),
        ("治疗", {"氵台疗"}),
        ("弹簧刀", {"弓单簧刀"}),
        ("精仿", {"米青仿", "精亻方", "米青亻方"}),
        ("好评返现", {"好讠平返现", "好评返王见", "好讠平返王见"}),
        ("LV", set()),
        ("耐克", set()),
    ],
)
def test_split_spellings(term, split):
    from scanner.text.wordlists import split_spellings

    assert set(split_spellings(term)) == split


def test_slot_lexicons_fill_proximity_cues_with_generated_spellings(tmp_path):
    # one reviewed noun list serves every rule that names its slot (#15); a slot word gets the
    # same generated spellings as a term (咽炎 → 咽yan), since sellers disguise the disease too
    write(tmp_path, {
        **SKELETON,
        "lexicons/disease.tsv": "# diseases\nword\tsource\n咽炎\tICD-10\ngout\tICD-10-CM\n",
        "proximity.tsv": PROXIMITY_HEADER + "cures\tmedical_claim\thigh\t\t治|cures|@disease\t@disease\t8\tany\t\n",
    })
    rule, = load_wordlists(tmp_path).proximity
    assert rule.second == ("咽炎", "yan炎", "咽yan", "gout")
    # a rule's own cue word gets them too (engine16): 治 written as its two components
    assert rule.first == ("治", "氵台", "cures", "咽炎", "yan炎", "咽yan", "gout")


def test_slot_words_with_a_count_are_one_word_per_count(tmp_path):
    # `{n}` in a slot word is a count (#15): 三天, 3天, 半个月 are one construction, not rows
    write(tmp_path, {
        **SKELETON,
        "lexicons/time_span.tsv": "word\tsource\n{n}天\tad law\n{n}个月\tad law\n一夜\tad law\n",
        "proximity.tsv": PROXIMITY_HEADER + "in a time\tfalse_claim\thigh\t\t@time_span\t瘦\t4\tfirst_then_second\t\n",
    })
    rule, = load_wordlists(tmp_path).proximity
    for word in ("三天", "3天", "十五天", "两天", "半个月", "12个月", "一夜"):
        assert word in rule.first
    assert "{n}天" not in rule.first and "100天" in rule.first and "99天" not in rule.first


def test_any_field_order_pairs_across_fields_and_other_orders_are_refused(tmp_path):
    # order any_field (#15): the drug in the title and 无需处方 in the description are one offer
    write(tmp_path, {
        **SKELETON,
        "proximity.tsv": PROXIMITY_HEADER + "rx\tprohibited_goods\thigh\t-\t伟哥\t无需处方\t40\tany_field\t\n",
    })
    rule, = load_wordlists(tmp_path).proximity
    assert rule.any_field and not rule.ordered
    write(tmp_path, {"proximity.tsv": PROXIMITY_HEADER + "rx\tprohibited_goods\thigh\t-\t伟哥\t无需处方\t40\tlisting\t\n"})
    with pytest.raises(WordlistError, match="order must be any, first_then_second or any_field"):
        load_wordlists(tmp_path)
