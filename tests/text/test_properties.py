"""Property tests: for any Unicode input the scan never raises and every offset slices the original."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.text.normalize import normalise

# Text that looks like hostile listing copy: CJK, Latin, digits, separators, zero-width,
# combining marks, RTL marks, emoji with ZWJ, full-width forms, lone surrogates.
PIECES = st.sampled_from(
    ["高仿", "耐克", "N", "I", "K", "E", "1", "0", "@", "*", " ", "\u3000", "\u200b", "\u200d", "\u202e", "\u0301",
     "\ufe0f", "👍", "👨\u200d👩\u200d👧", "ＮＩＫＥ", "ß", "ﬁ", "\ud800", "\udfff", "微信", "加", "最好", "象牙白",
     "138", "-", "·", "™", "İ", "\n", "A货", "1:1", "倣"]
)
HOSTILE = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=40).map("".join))


@given(HOSTILE)
@settings(max_examples=400, deadline=None)
def test_normaliser_offsets_always_point_into_the_original(text):
    n = normalise(text)
    assert len(n.text) == len(n.key)
    for i in range(len(n.text)):
        s, e = n.span(i, i + 1)
        assert 0 <= s < e <= len(text)
    if n.text:
        s, e = n.span(0, len(n.text))
        assert 0 <= s < e <= len(text)


@given(title=HOSTILE, description=HOSTILE)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_scan_never_raises_and_findings_slice_the_original(text_scanner, title, description):
    listing = {"title": title, "description": description}
    result = text_scanner.scan(listing)
    assert result.decision in ("pass", "review", "block")
    for f in result.findings:
        original = listing[f.field]
        assert 0 <= f.start < f.end <= len(original)
        assert original[f.start : f.end] == f.text


def test_a_100k_character_field_scans(text_scanner):
    text = ("纯棉T恤 高*仿耐克 全网最好 " * 5000)[:100_000]
    result = text_scanner.scan({"description": text})
    assert result.decision == "block"
    assert all(text[f.start : f.end] == f.text for f in result.findings)
