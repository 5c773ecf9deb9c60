"""The buyer-phrase gate (scanner/text/prefilter.py) and the review path's shortcuts (#20) change no result.

Oracles: `re` itself (a pattern that matches a text must be a candidate for it), the ungated definition (every
row of speech.PHRASES run on every text), and a Scanner with the shortcuts switched off (every row run, every
explanation rendered). Required strings of a few patterns are written by hand.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scanner.text import personal_data, speech
from scanner.text.prefilter import Prefilter, prefix, required

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("pattern,want", [
    ("fake", [{"fake"}]),
    (r"\b(?:dm|pm|inbox)\s+me\b", [{"dm", "pm", "inbox"}, {"me"}]),                  # \s+ splits the strings
    (r"(?:是|就是)?(?:假的|假货)", [{"假的", "假货", "是假的", "是假货", "就是假的", "就是假货"}]),
    (r"refund(?:ed)?\b[^.]{0,25}(?:5|five)[- ]stars?", [{"refund", "refunded"},
                                                          {"5 star", "5-star", "5 stars", "5-stars", "five star",
                                                           "five-star", "five stars", "five-stars"}]),
    (r"(?<![不会])(?:不是|不像)(?:正品|真货)(?![吗？])", [{"不是正品", "不是真货", "不像正品", "不像真货"}]),
    (r"[ab]c", [{"ac", "bc"}]),
    (r"x(?:a|.)y", [{"x"}, {"y"}]),                  # a branch with a wildcard requires nothing of its own
    (r"(?:ab)+c", [{"ab"}, {"c"}]),
    (r"(?:ab)*c", [{"c"}]),
    (r"\d+\s*元", [{"元"}]),
    (r".*", []),                                      # matches the empty text: nothing is required
    (r"[^a]b?", []),
    (r"(?i)fake", []),                               # case-insensitive: not gated (speech matches lower-cased text)
    (r"(?i:fake)x", [{"x"}]),
])
def test_required_strings(pattern, want):
    assert [set(s) for s in required(pattern)] == want


@pytest.mark.parametrize("pattern,want", [
    # each branch's own sets, one from each, joined: (a and b) or (c and d) needs (a or c), (a or d), (b or c), (b or d)
    (r"(?:好评|五星)[^。]{0,4}截图|(?:好评|晒图)[^。]{0,8}客服",
     [{"截图", "客服"}, {"截图", "好评", "晒图"}, {"好评", "五星", "客服"}, {"好评", "五星", "晒图"}]),
    # a string both branches need stands alone; the unions holding it ask less and go
    (r"review\s*=\s*cash|5 stars\s*=\s*refund",
     [{"review", "5 stars"}, {"review", "="}, {"review", "refund"}, {"=", "5 stars"}, {"="}, {"=", "refund"},
      {"cash", "5 stars"}, {"cash", "="}, {"cash", "refund"}]),
    (r"a\s*b|c", [{"a", "c"}, {"b", "c"}]),
    (r"a\s*b|.", []),                                # a branch that needs nothing: nothing is needed
])
def test_required_strings_of_alternatives(pattern, want):
    got = [set(s) for s in required(pattern)]
    assert all(s in got for s in want if not any(o < s for o in want))  # the strictest sets are all there
    assert all(not any(o < s for o in got) for s in got)                # and none that another set implies
    assert len(got) == len([s for s in want if not any(o < s for o in want)])


def test_a_clean_review_opens_no_phrase_row():
    """Cost guard (#20): reviews that name customer service, stars or prices in passing run no phrase regex. A row
    whose gate only asked for one branch's common string (客服, a letter) ran on nearly every review and made a
    clean review cost 2.6 times a listing; the gate reads every branch's strings since."""
    from bench.bench_kinds import CLEAN

    for sentence in CLEAN:
        assert speech._GATE.plan(sentence.lower()) == [], sentence


@pytest.mark.parametrize("pattern,want", [
    (r"\b(?:dm|pm|inbox)\s+me\b", {"dm", "pm", "inbox"}),
    (r"(?<![不会])(?:不是|不像)(?:正品|真货)", {"不是正品", "不是真货", "不像正品", "不像真货"}),  # look-behind: nothing
    (r"(?:是|就是)?假的", {"假的", "是假的", "就是假的"}),  # the optional part is spelt out
    (r"(?:是|就是)?假的|x", {"假的", "是假的", "就是假的", "x"}),
    (r"(?:是|就是)?.假", None),                         # a match may start with any character
    (r"[ab]c.d", {"ac", "bc"}),
    (r".fake", None),
    (r"(?i)fake", None),
])
def test_prefix_strings(pattern, want):
    assert prefix(pattern) == (frozenset(want) if want is not None else None)


def _texts() -> list[str]:
    from bench.bench_kinds import CLEAN, texts

    out = []
    for path in sorted((ROOT / "fixtures" / "reviews").glob("*.jsonl")):
        out += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    out += texts() + texts(sentences=CLEAN)
    out += ["İ DM ME for cheaper, CLEARLY A FAKE", "text me for a better price", "ſtar", "dm\tme", "refund if five-star"]
    return out + [t.upper() for t in out] + [t.title() for t in out]


TEXTS = _texts()


def test_every_row_that_matches_a_fixture_text_is_a_candidate():
    """The gate never hides a match: over every review fixture, bench text and their upper/title-cased forms."""
    hidden, gated_out = [], 0
    for text in TEXTS:
        lowered = text.lower()
        candidates = speech._GATE.candidates(lowered)
        for i, (phrase, rx) in enumerate(speech._COMPILED):
            if rx.search(lowered) and i not in candidates:
                hidden.append((i, text))
            gated_out += i not in candidates
    assert not hidden
    assert gated_out > len(TEXTS) * len(speech.PHRASES) // 2  # and it does gate: most rows skip most texts


def test_the_plan_is_every_row_whose_strings_all_occur():
    """Brute force is the oracle: a row is planned exactly when each of its required sets has a string in the text
    (plan looks only at the rows the strings found name)."""
    gate = speech._GATE
    for text in TEXTS:
        lowered = text.lower()
        want = [i for i, sets in enumerate(gate.required)
                if not sets or all(any(s in lowered for s in strings) for strings in sets)]
        assert [row for row, _begin in gate.plan(lowered)] == want, text


@pytest.mark.parametrize("text", [
    "Sent to my mum: Margaret Ellison, 22 Hawthorn Road, Leeds", "ship to 14 Elm St, Springfield", "1 Main Pkwy",
    "地址写的赵德明，四川省成都市武侯区人民南路四段27号", "住在3栋2单元", "A幢101", "İstanbul Cd. 5 Ave",
])
def test_the_gate_sees_every_address_part(text):
    """The address row answers personal_data.could_hold_address from the same pass, on the lower-cased text (which
    also opens it for " ROAD", that could_hold_address then refuses on the text as written)."""
    assert personal_data.could_hold_address(text)
    for t in (text, text.upper(), text.title()):
        assert speech._ADDRESS_ROW in speech._GATE.candidates(t.lower()), t


def test_the_address_row_is_never_hidden():
    """Over every fixture and bench text: wherever could_hold_address says yes, the gate's address row is there."""
    for text in TEXTS:
        if len(text.lower()) == len(text) and personal_data.could_hold_address(text):
            assert speech._ADDRESS_ROW in speech._GATE.candidates(text.lower()), text
    assert any(not personal_data.could_hold_address(t) for t in TEXTS)  # and the gate has texts to shut


# Small alphabets so that generated patterns and texts meet often.
_ATOMS = ["a", "b", "c", "不", "是", " ", r"\s", r"\b", ".", "[ab]", "[^a]", r"\d", "1", r"(?=a)", r"(?!b)", r"(?<!c)"]


@st.composite
def _patterns(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 5 if depth < 2 else 0))
        if kind <= 2:
            part = draw(st.sampled_from(_ATOMS))
        elif kind == 3:
            part = "(?:" + "|".join(draw(st.lists(_patterns(depth + 1), min_size=1, max_size=3))) + ")"
        else:
            part = "(?:" + draw(_patterns(depth + 1)) + ")"
        if not part.startswith(("(?=", "(?!", "(?<", r"\b")):
            part += draw(st.sampled_from(["", "", "?", "*", "+", "{1,2}", "{2}", "{0,2}", "+?"]))
        parts.append(part)
    return "".join(parts)


ORACLE_BUDGET_S = 2.0  # every usable example takes microseconds; a backtracking blow-up never ends


class _OracleTooSlow(Exception):
    pass


def _oracle_matches(rx: re.Pattern, texts: list[str]) -> list[list[re.Match]] | None:
    """Every match of rx in each text, or None when `re` backtracks past the budget. Nested quantifiers over
    parts that may match empty (`(?:(?:1{0,2}|[^a]{0,2}){3})+?a+`) are exponential in the text's length: one
    such draw ran for over five minutes and held the whole test run. `re` checks for signals while it matches,
    so a timer stops it; an oracle that cannot answer decides nothing, and the example is dropped."""
    import signal

    def stop(_signum, _frame):
        raise _OracleTooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, ORACLE_BUDGET_S)
    try:
        return [list(rx.finditer(text)) for text in texts]
    except _OracleTooSlow:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns(), st.lists(st.text(alphabet="abc不是1 \t", max_size=12), min_size=1, max_size=8))
def test_required_strings_are_in_every_match(pattern, texts):
    """Brute force is the oracle: wherever `re` finds a match, each required set has a string inside it."""
    try:
        rx = re.compile(pattern)
    except re.error:  # a generated shape `re` refuses (a repeated lookaround)
        assume(False)
    found = _oracle_matches(rx, texts)
    assume(found is not None)
    sets = required(pattern)
    gate = Prefilter([pattern])
    for text, matches in zip(texts, found):
        for m in matches:
            for strings in sets:
                assert any(s in m.group() for s in strings), (pattern, text, m.group(), strings)
        plan = dict(gate.plan(text))
        if matches:
            assert 0 in plan, (pattern, text)
            assert all(m.start() >= plan[0] for m in matches), (pattern, text, plan)
        starts = prefix(pattern)
        if starts is not None:
            assert all(m.group().startswith(tuple(starts)) for m in matches), (pattern, text, starts)


_EVERY_ROW = [(row, 0) for row in range(len(speech._GATE.required))]  # the phrases' rows and the address row


def _ungated(monkeypatch):
    class EveryRow:  # every row, each tried from the text's start
        @staticmethod
        def plan(_text):
            return _EVERY_ROW

    monkeypatch.setattr(speech, "_GATE", EveryRow)


_WORDS = ["clearly", " a ", "fake", "knockoff", "not", "genuine", "real", "dm", "pm", " me", "message me", "for",
          "free", "review", "received", "in exchange for my honest review", "refund", "5 star", "cheaper", "明显",
          "是", "假的", "跟", "专柜", "的", "不一样", "不是", "正品", "好评", "送", "红包", "私聊", "便宜", "，", ". ",
          "?", "吗", "İ", "DM", "Fake", " ",
          # a name and an address with no phone (speech._personal_data, behind the gate's address row)
          "Sent to my mum: Margaret Ellison, 22 Hawthorn Road, Leeds", " ROAD", " St", "收件人赵德明，",
          "四川省成都市武侯区人民南路四段27号", "3栋", "幢"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=25).map("".join))
def test_gated_find_is_the_ungated_find(text):
    """speech.find with the gate gives what running every row gives (spans, categories, explanations)."""
    from scanner.text.policy import Policy

    policy = Policy.from_dict({})
    gated = speech.find("text", text, policy, [])
    with pytest.MonkeyPatch.context() as mp:
        _ungated(mp)
        assert speech.find("text", text, policy, []) == gated


def _as_seen(result) -> dict:
    d = result.to_dict()
    d.pop("took_ms")
    return d


@pytest.mark.parametrize("kind,speaker", [("review", None), ("qa", None), ("qa", "seller"), ("listing", None)])
def test_a_scan_is_the_same_without_the_shortcuts(text_scanner, monkeypatch, kind, speaker):
    """Every review fixture and bench text scanned with the gate and the unrendered explanations, and with both
    off (every row run, every finding's explanation rendered): the same result, in English and Chinese."""
    from scanner.speakers import SpeakerRules

    def item(text):
        if kind == "listing":
            return {"id": "x", "description": text}
        return {"kind": kind, "id": "x", "text": text, **({"speaker": speaker} if speaker else {})}

    texts = TEXTS[: len(TEXTS) // 3]  # as written (their upper-cased forms are for the gate test above)
    fast = [_as_seen(text_scanner.scan(item(t), language=lang)) for t in texts for lang in ("en", "zh")]
    _ungated(monkeypatch)
    monkeypatch.setattr(SpeakerRules, "never_findings", property(lambda self: frozenset()))
    slow = [_as_seen(text_scanner.scan(item(t), language=lang)) for t in texts for lang in ("en", "zh")]
    assert fast == slow


_GATE_STRINGS = sorted({s for sets in speech._GATE.required for strings in sets for s in strings})


def _pairs(found):
    js, starts = found
    assert len(set(js)) == len(js)  # each string once
    return set(zip(js, starts))


@pytest.mark.skipif(not __import__("scanner.text.prefilter", fromlist=["COMPILED"]).COMPILED,
                    reason="scanner.text._prefilter_c is not built (CI builds it: test_compiled_loading)")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_GATE_STRINGS), st.text(max_size=4),
                          st.sampled_from(["İ", "ſ", "😀", "\U0002a6a5", "é", "\x00"])), max_size=20).map("".join))
def test_the_compiled_pass_is_the_automaton(text):
    """scanner/text/_prefilter_c.pyx reports the strings the Aho-Corasick definition reports, and plans the rows
    Prefilter.plan_python plans from them: on generated text (any code point width), the fixtures, and every
    required string alone."""
    gate = speech._GATE
    for t in (text, text.lower()):
        assert _pairs(gate.found_compiled(t)) == _pairs(gate.found_python(t)), t
        assert gate.plan_compiled(t) == gate.plan_python(t), t


def test_the_compiled_pass_on_every_fixture_and_string():
    from scanner.text import prefilter

    if not prefilter.COMPILED:
        pytest.skip("scanner.text._prefilter_c is not built")
    gate = speech._GATE
    planned = 0
    for t in TEXTS + _GATE_STRINGS + [s[:-1] for s in _GATE_STRINGS] + ["", "a" * 1000]:
        for x in (t, t.lower()):
            assert _pairs(gate.found_compiled(x)) == _pairs(gate.found_python(x)), x
            assert gate.plan_compiled(x) == gate.plan_python(x), x  # the rows and where each may first match
            planned += bool(gate.plan_python(x))
    assert planned > 1000  # texts that open rows, not only texts that open none
    assert gate.plan == gate.plan_compiled  # and scans use it


def test_the_compiled_plan_refuses_tables_it_could_read_past():
    """Literals.configure_plan checks every bit and row index before storing it, runs once per object (a second
    call could free tables another thread is reading), and plan() refuses to run before it."""
    from scanner.text import prefilter

    if not prefilter.COMPILED:
        pytest.skip("scanner.text._prefilter_c is not built")
    from scanner.text._prefilter_c import Literals

    table = Literals(["ab", "c"])
    with pytest.raises(ValueError, match="configure_plan first"):
        table.plan("abc")
    with pytest.raises(ValueError, match="bit outside"):
        table.configure_plan([[5], []], [[], []], [[], []], [[0]], frozenset(), 1)
    with pytest.raises(ValueError, match="row outside"):
        table.configure_plan([[0], []], [[3], []], [[], []], [[0]], frozenset(), 1)
    table.configure_plan([[0], []], [[0], []], [[0], []], [[0]], frozenset(), 1)  # row 0 needs "ab", starts there
    assert table.plan("xxabc") == [(0, 2)] and table.plan("xxc") == []
    with pytest.raises(ValueError, match="once"):
        table.configure_plan([[0], []], [[0], []], [[0], []], [[0]], frozenset(), 1)
