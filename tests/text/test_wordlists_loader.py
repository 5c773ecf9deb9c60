"""The word-list loader: formats, derived pinyin, content-hash versions, and loud failures."""
from pathlib import Path

import pytest

from scanner.wordlists import WordlistError, derive_pinyin, load_wordlists

TERMS_HEADER = "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n"
BRANDS_HEADER = "brand\towner\tsector\tzh\ten\tslang\tpinyin\tambiguous\tcontext\tnote\n"


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
    assert by_term["高仿"].variants == ("搞仿", "高纺")
    assert by_term["高仿"].pinyin == ("gaofang", "gao fang")
    assert by_term["最好"].suggestion == "优质"
    assert by_term["最好"].source == "terms/absolute_term.tsv:2"
    nike, apple = wl.brands
    assert nike.pinyin == ("naike", "nai ke")
    assert apple.ambiguous == frozenset({"苹果", "Apple"})
    assert wl.counts()["brand"] == 2 and wl.counts()["counterfeit"] == 1


def test_version_is_a_content_hash(minimal):
    v1 = load_wordlists(minimal).version
    assert v1 == load_wordlists(minimal).version
    path = minimal / "terms/counterfeit.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "A货\tcounterfeit\thigh\t-\t\t\t\n", encoding="utf-8")
    v2 = load_wordlists(minimal).version
    assert v2 != v1 and v2.startswith("sha256:")


@pytest.mark.parametrize(
    "files,message",
    [
        ({"terms/x.tsv": "term\tcat\n"}, "header must be"),
        ({"terms/x.tsv": TERMS_HEADER + "高仿\tcounterfeit\tsevere\t\t\t\t\n"}, "severity"),
        ({"terms/x.tsv": TERMS_HEADER + "高仿\tfakes\thigh\t\t\t\t\n"}, "unknown category"),
        ({"brands.tsv": BRANDS_HEADER + "Apple\tApple\telectronics\t苹果\t\t\t\tMango\t\t\n"}, "ambiguous aliases"),
        ({"policy.toml": "[actions\n"}, "policy.toml"),
    ],
)
def test_bad_rows_fail_with_file_and_line(tmp_path, files, message):
    write(tmp_path, files)
    with pytest.raises(WordlistError, match=message):
        load_wordlists(tmp_path)


@pytest.mark.parametrize(
    "chinese,expected",
    [("耐克", "naike"), ("高仿", "gaofang"), ("迪奥", None), ("LV", None), ("路易威登", "luyiweideng")],
)
def test_derive_pinyin(chinese, expected):
    # "diao" is shorter than 5 letters: too likely to be an ordinary syllable
    assert derive_pinyin(chinese) == expected
