"""The automaton against brute force: every key of the matcher looked for with str.find in
every field's matching key, the Latin word-edge rule applied character by character, and
proximity cues without a partner in their field dropped. find_all (detectors aside) must
return exactly these candidates."""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.listing import parse_listing
from scanner.text.normalize import normalise

ROOT = Path(__file__).resolve().parents[2]


def _edge(ch):
    return 1 if ch.isascii() and ch.isalpha() else 2 if ch.isascii() and ch.isdigit() else 0


_BY_FIRST_CHARACTER: dict = {}


def _keys_by_first_character(matcher) -> dict:
    """The matcher's keys grouped by their first character: a key can only be found in a text holding it."""
    groups = _BY_FIRST_CHARACTER.get(id(matcher.keys))
    if groups is None:
        groups = {}
        for term_key, ids in matcher.keys.items():
            groups.setdefault(term_key[0], []).append((term_key, ids))
        _BY_FIRST_CHARACTER[id(matcher.keys)] = groups
    return groups


def brute_force(matcher, norms, without=frozenset()):
    found = []
    by_first = _keys_by_first_character(matcher)
    for field, norm in norms:
        key, text = norm.key, norm.text
        for term_key, ids in (pair for c in set(key) for pair in by_first.get(c, ())):
            first, last = _edge(term_key[0]), _edge(term_key[-1])
            at = key.find(term_key)
            while at >= 0:
                end = at + len(term_key)
                ok = not (first and at > 0 and _edge(text[at - 1]) == first)
                if ok and last and end < len(text) and _edge(text[end]) == last:
                    plural = last == 1 and text[end] == "s" and (end + 1 == len(text) or _edge(text[end + 1]) != 1)
                    ok = plural
                if ok:
                    s, e = norm.span(at, end)
                    found += [(field, s, e, pid, at, end) for pid in ids
                              if matcher.patterns[pid].category not in without]
                at = key.find(term_key, at + 1)
    # a proximity cue counts only with a cue of the other kind in the same field
    forms = {}
    for field, s, e, pid, a, b in found:
        p = matcher.patterns[pid]
        if p.kind == "cue":
            forms.setdefault((field, p.index), set()).add(p.form)
    return sorted(
        h for h in found
        if matcher.patterns[h[3]].kind != "cue" or len(forms[(h[0], matcher.patterns[h[3]].index)]) == 2
    )


def automaton(matcher, norms, without=frozenset()):
    pid = {id(p): i for i, p in enumerate(matcher.patterns)}
    return sorted(
        (c.field, c.start, c.end, pid[id(c.pattern)], c.norm_start, c.norm_end)
        for c in matcher.find_all(norms, without) if c.pattern.kind != "detector"
    )


CASES = [
    [("title", "送礼佳品 五星好评送礼品"), ("description", "做工精细，好评返现")],
    [("title", "gift box included"), ("description", "Free gift for a 5-star review")],
    [("title", "好评"), ("description", "送礼")],  # partners in different fields do not pair
    [("title", "Nike replicas, N1KE dupes, nikes"), ("description", "classic mike")],
    [("title", "高 仿 耐 克 A货 1:1"), ("description", "ＮＩＫＥ 國家級 最佳")],
    # symbol gaps inside and between words, leet digits at a word's end, O for zero
    [("title", "O🔥MEGA Nike🔥Air Gu💎cci North⭐Face Ro⭐lex⌚watch"), ("description", "Gucc1 Prad4 1OO%有效 Insta36O")],
    # symbol gaps in place of letters, and letters drawn as emoji
    [("title", "Chan🌸l Herm💎s Lu🍋lemon Sum🌸mer"), ("description", "🅽🅸🅺🅴 Pr🅰da 🅶🆄🅲🅲🅸 🅿️")],
    # shorter keys at the start of and inside longer keys of other rows (#15, engine16): every hit is reported
    [("title", "儿童 蜡笔 绝对安全 溶脂针 老威信号出售"), ("description", "柜姐都看不出区别，加微信支付宝都可以")],
    [("title", "网课代刷 微信解封"), ("description", "nobody will know it's not authentic, looks identical to the original")],
]


def test_table_cases_equal_brute_force(text_scanner):
    matcher = text_scanner.text_engine.matcher
    for fields in CASES:
        norms = [(f, normalise(t)) for f, t in fields]
        assert automaton(matcher, norms) == brute_force(matcher, norms)


def test_fixture_listings_equal_brute_force(text_scanner):
    matcher = text_scanner.text_engine.matcher
    n = 0
    for name in ("labelled.jsonl", "holdout3.jsonl"):
        for line in (ROOT / "fixtures" / "listings" / name).read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            listing = parse_listing({k: v for k, v in raw.items() if k != "expected"})
            norms = [(f, normalise(t)) for f, t in listing.fields]
            assert automaton(matcher, norms) == brute_force(matcher, norms), raw.get("id")
            n += 1
    assert n > 300


def _view_or_everything(matcher, norms, without):
    """find_all with a buyer's view against brute force: everything when a candidate of a watched category it keeps
    stands (its denial reads the others' spans), else exactly brute force without the left-out categories.
    Returns whether the view was used."""
    everything = brute_force(matcher, norms)
    got = automaton(matcher, norms, without)
    if any(matcher.patterns[h[3]].category in matcher.watched - without for h in everything):
        assert got == everything
        return False
    if got == everything:
        return False
    assert got == brute_force(matcher, norms, without)
    return True


def test_a_buyers_view_equals_brute_force_without_the_sellers_rules(text_scanner):
    """A buyer's review is matched without the seller's advertising rules (speakers.SpeakerRules.unmatched) unless
    a watched category stands: the automaton must then find exactly what brute force finds once those categories
    are left out, and it must leave some out on these reviews (else the test proves nothing)."""
    from scanner.speakers import MATCHER_VIEWS, rules_for

    matcher = text_scanner.text_engine.matcher
    without = rules_for("review", "buyer").unmatched
    assert without in MATCHER_VIEWS and without and "brand" not in without
    assert matcher.watched >= {"incentivized_review", "diversion"}
    viewed, n = 0, 0
    for name in ("reviews14.jsonl", "reviews15.jsonl"):  # two writers' reviews, Q&A and hard negatives
        for line in (ROOT / "fixtures" / "reviews" / name).read_text(encoding="utf-8").splitlines():
            viewed += _view_or_everything(matcher, [("text", normalise(json.loads(line)["text"]))], without)
            n += 1
    assert n > 400 and viewed > 30  # texts where the view left something out (45 of 480)
    for fields in CASES:
        _view_or_everything(matcher, [(f, normalise(t)) for f, t in fields], without)


# Texts where leaving the seller's words out of a buyer's matching would change the result, if done blindly: a
# claim owning the negation word before a contact (a code review's counter-examples), and caps within reach
VIEW_CASES = ["no side effects whatsapp me", "never fades wechat", "never fades WeChat me for more",
              "no more insulin 加微信", "过了今晚永不加微信", "过了今晚永不好评返现", "国家级 " * 101,
              "国家级 世界级 全球级 顶级 " * 110 + " 加微信 abc", "效果很好，一周就到了，包装完好", "最好的一次购物体验",
              "Best purchase ever, works fast", "qq 12345678 最低价"]


@pytest.mark.parametrize("kind", ["review", "qa"])
def test_a_buyers_view_changes_no_scan(text_scanner, monkeypatch, kind):
    """Whole scans with the matcher's views and without any: the same results (decisions, findings, signals,
    incomplete), on the cases above and the review fixtures."""
    matcher = text_scanner.text_engine.matcher
    texts = VIEW_CASES + [json.loads(line)["text"] for line in
                          (ROOT / "fixtures" / "reviews" / "reviews14.jsonl").read_text(encoding="utf-8").splitlines()]

    def scans():
        out = []
        for text in texts:
            d = text_scanner.scan({"kind": kind, "id": "r", "listing_id": "s", "text": text}).to_dict()
            d.pop("took_ms")
            out.append(d)
        return out

    with_views = scans()
    monkeypatch.setattr(matcher, "views", {})
    assert scans() == with_views


PIECES = st.sampled_from(["送礼", "好评", "返现", "做", "gift", "review", "5-star", "高", "仿", "耐克", "nike", "N1", "ke",
                          "s", " ", "-", "微信", "1:1", "最", "佳", "\u200b", "。", "，"])


@given(st.lists(st.lists(PIECES, max_size=10).map("".join), min_size=1, max_size=3))
@settings(max_examples=150, deadline=None)
def test_generated_listings_equal_brute_force(text_scanner, texts):
    matcher = text_scanner.text_engine.matcher
    norms = [(f"bullets[{i}]", normalise(t)) for i, t in enumerate(texts)]
    assert automaton(matcher, norms) == brute_force(matcher, norms)


def test_a_buyers_view_keeps_the_caps_it_would_reach(text_engine, monkeypatch):
    """The caps count the left-out candidates too, and one hit can be several candidates (软化血管 is two rows' term):
    near a cap the text is matched in full (a red-team pass found the bound short past 1,024 hits, at a per-field
    cap of 1,025)."""
    from scanner.config import Settings
    from scanner.engine import Scanner

    scanner = Scanner(text_engine, settings=Settings(max_findings_per_field=1025, max_findings_per_listing=1025))
    matcher = text_engine.matcher
    texts = ["软化血管 " * 1025, "软化血管 " * 1500 + " 高仿耐克", "国家级 " * 101]

    def scans():
        out = []
        for text in texts:
            d = scanner.scan({"kind": "review", "id": "r", "text": text}).to_dict()
            d.pop("took_ms")
            out.append(d)
        return out

    with_views = scans()
    assert with_views[0]["incomplete"]  # capped, as the full match is
    monkeypatch.setattr(matcher, "views", {})
    assert scans() == with_views
