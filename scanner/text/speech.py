"""What buyers and answerers say that listing copy does not: extra phrases for reviews and Q&A (#20).

The word lists (wordlists/) were written for a seller's copy. A review says the same things in another voice:
"明显是假的" (a buyer's counterfeit report), "received it free in exchange for my honest review" (an incentive
revealed), "DM me for cheaper" (a push off the platform). These phrases run only for kinds other than `listing`,
after the ordinary engine, on the caller's original text (offsets slice it); what becomes of each category is the
speaker table's business (scanner/speakers.py), not this module's.

Kept here as one table, not in wordlists/, so that adding them leaves every listing's result (and
`versions.wordlists`) unchanged; their own version is `versions.speech` on review and qa results.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from typing import NamedTuple

from scanner.results import Finding
from scanner.text.prefilter import Prefilter
from scanner.text.verify.explain import reason, render


class Phrase(NamedTuple):
    category: str
    severity: str
    pattern: str       # a regex over the original text, matched case-insensitively
    note: str          # the basis, shown in the explanation
    # lower-case words every match contains, as the row's author saw them. No longer read: which rows run on a text
    # is derived from the patterns themselves (scanner/text/prefilter.py), so it cannot drift from them
    anchors: tuple[str, ...] = ()


_SENT = r"[^。！？!?.\n]"  # inside one sentence

PHRASES: tuple[Phrase, ...] = (
    # -- a buyer's report that the goods are copies (a listing signal when a buyer says it)
    Phrase("counterfeit", "high",
           r"(?:明显|肯定|绝对|一看就|一眼就(?:能)?(?:看出)?|分明|根本就|竟然|居然|完全|没想到)(?:是|就是)?(?:假的|假货|仿的|仿品|高仿)",
           "buyer reports the goods are fake", ("假", "仿")),
    Phrase("counterfeit", "high",
           r"(?:跟|和|与)(?:专柜|官网|官方|正品|实体店|门店|商场)(?:的|买的|里的|卖的)?(?:完全|根本|明显|一点都)?(?:不一样|不同)",
           "buyer reports the goods differ from the genuine ones", ("不一样", "不同")),
    Phrase("counterfeit", "high", r"(?<![不会说是])(?:不是|不像)(?:正品|真的|真货)(?![吗吧么？?])",
           "buyer reports the goods are not genuine", ("不是", "不像")),
    Phrase("counterfeit", "high",
           r"\b(?:clearly|obviously|definitely|totally|total|complete|an? obvious|a cheap|100%)\s+(?:an?\s+)?(?:fake|knock-?off|counterfeit|replica)s?\b",
           "buyer reports the goods are fake", ("fake", "knock", "counterfeit", "replica")),
    Phrase("counterfeit", "high", r"\b(?:not|isn't|aren't|wasn't)\s+(?:genuine|authentic|the real thing|real)\b(?!\s*\?)",
           "buyer reports the goods are not genuine", ("genuine", "authentic", "real")),
    Phrase("counterfeit", "high",
           r"\bnot (?:the same|identical) (?:as|to) (?:the )?(?:ones?|pair|item)?\s*(?:at|in|from|sold at|sold in) (?:the )?(?:counter|store|official store|boutique|mall|shop)\b",
           "buyer reports the goods differ from the genuine ones", ("not the same", "not identical")),
    # -- an incentive revealed by the writer (FTC 16 CFR 465; 反不正当竞争法 第八条)
    Phrase("incentivized_review", "medium",
           r"\bin exchange for (?:an?|my|this|our) (?:honest |unbiased |fair |truthful |5[- ]star |five[- ]star )?(?:review|rating|feedback)\b",
           "review written in exchange for the goods (FTC 16 CFR 465)", ("exchange for",)),
    Phrase("incentivized_review", "medium",
           rf"\b(?:received|got|was given|was sent|were sent|sent me)\b{_SENT}{{0,30}}?\b(?:for free|free(?: of charge)?|at no cost|a free sample)\b{_SENT}{{0,30}}?\b(?:review|rating|feedback|stars?)\b",
           "goods received free for a review (FTC 16 CFR 465)", ("free", "no cost")),
    Phrase("incentivized_review", "medium",
           r"\b(?:refund(?:ed)?|rebate|gift card|cash ?back|paypal)\b[^.!?\n]{0,25}\b(?:for|after|if)\b[^.!?\n]{0,15}\b(?:5|five)[- ]stars?\b",
           "money back for a five-star review (FTC 16 CFR 465)", ("star",)),
    Phrase("incentivized_review", "medium",
           r"(?:五星|好评|晒图|追评|带图评价)[^。！？\n]{0,6}(?:送|返|给|领)[^。！？\n]{0,4}(?:红包|现金|\d+\s*元|元|券|礼品)",
           "反不正当竞争法 第八条：以利益换取好评", ("五星", "好评", "晒图", "追评", "带图评价")),
    # -- the writer pushes a reader off the platform
    Phrase("diversion", "medium", r"\b(?:dm|pm|inbox)\s+me\b", "asks readers to message the writer privately", ("dm", "pm", "inbox")),
    Phrase("diversion", "medium",
           r"\b(?:message|text|contact|whatsapp|email) me\b[^.!?\n]{0,30}\b(?:cheap|cheaper|price|deal|discount|wholesale|order)",
           "asks readers to contact the writer for a deal", ("message me", "text me", "contact me", "whatsapp me", "email me")),
    Phrase("diversion", "medium",
           r"(?:私聊|私信|私我|加我|找我|联系我)[^。！？\n]{0,10}(?:更便宜|便宜|优惠|低价|拿货|代购|价格|团购)",
           "引导私下联系交易", ("私聊", "私信", "私我", "加我", "找我", "联系我")),
)

# Matched on the lower-cased text (as fast again as re.IGNORECASE); a text whose length lower() changes (a
# handful of characters such as İ) is matched as it is, with re.IGNORECASE.
_COMPILED = tuple((p, re.compile(p.pattern)) for p in PHRASES)
_COMPILED_ANY_CASE = tuple((p, re.compile(p.pattern, re.IGNORECASE)) for p in PHRASES)
# Which rows may match a lower-cased text, and from where, from one pass over the strings each row's every match
# must contain (read off the patterns by scanner/text/prefilter.py): a text holding none (most reviews) is done.
_GATE = Prefilter(p.pattern for p in PHRASES)
_ALL_ROWS = tuple((row, 0) for row in range(len(PHRASES)))

# The table's content hash: `versions.speech` of every review and qa result.
VERSION = "sha256:" + hashlib.sha256(
    "\n".join("\t".join(p[:4]) for p in PHRASES).encode("utf-8")).hexdigest()


# A report denied, doubted or asked about is no report: "不是假货", "以为是假的", "会不会是假的？", "not a fake".
_CLAUSE_END = re.compile(r"[，,。！？!?.;；\n]")
_DOUBT_BEFORE = re.compile(
    r"(?:不是|不会是|并非|绝非|没有(?!想到)|没(?!想到)|以为|还以为|不知道|不确定|担心|怕|害怕|怀疑|会不会|是不是|是否|"
    r"\bnot|\bisn't|\bis not|\bwasn't|\bno|\bnever|\bworried|\bafraid|\bthought|\bif|\bwhether|\bin case)"
    r"[^，,。！？!?.;；\n]{0,12}$", re.IGNORECASE)


# Longest doubt word (8) + the 12 characters the pattern allows after it, with room: a report's doubt is always
# inside this many characters before it, so a long clause is never re-read for each report in it.
_DOUBT_REACH = 40


class Clauses:
    """Where the clauses of one text end, found once: each report then looks its clause up in O(log n), so a text
    of many reports (a hostile review repeats one 100,000 characters long) stays linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = [m.start() for m in _CLAUSE_END.finditer(text)]
        self._asked: dict[int, bool] = {}  # clause end -> is that clause a question

    def doubted(self, start: int, end: int) -> bool:
        text, ends = self.text, self.ends
        i = bisect_left(ends, start)  # clause ends before the report
        clause_start = max(ends[i - 1] + 1 if i else 0, start - _DOUBT_REACH)
        if _DOUBT_BEFORE.search(text, clause_start, start):
            return True
        j = bisect_left(ends, end)
        after = ends[j] if j < len(ends) else len(text)
        asked = self._asked.get(after)
        if asked is None:  # once per clause, however many reports it holds
            tail = text[end:after].rstrip()
            asked = self._asked[after] = ((after < len(text) and text[after] in "？?")
                                          or tail.endswith(("吗", "么", "嘛")))
        return asked


def doubted(text: str, start: int, end: int, clauses: Clauses | None = None) -> bool:
    """Is the report at text[start:end] denied, doubted or asked about in its clause?"""
    return (clauses or Clauses(text)).doubted(start, end)


def find(field: str, text: str, policy, covered: list[Finding], unread: frozenset = frozenset()) -> list[Finding]:
    """Findings for the phrases in `text` (field `field`), skipping any span overlapping a finding of the same
    category the engine already made (`covered`). A finding of a category in `unread` (never returned as a finding
    to this speaker, scanner/speakers.py) gets no rendered explanation."""
    out: list[Finding] = []
    lowered = text.lower()
    same_length = len(lowered) == len(text)
    # a text whose length lower() changes is matched as it is, case-insensitively: every row runs on it
    if same_length:  # the rows that may match, and where each one's first match can start at the earliest
        plan = _GATE.plan(lowered)
        if not plan:
            return []
    else:
        plan = _ALL_ROWS
    # characters already reported, per category: an overlap test costs the span's length, not the findings' count
    taken: dict[str, bytearray] = {}

    def mark(category: str, start: int, end: int) -> None:
        seen = taken.get(category)
        if seen is None:
            seen = taken[category] = bytearray(len(text))
        seen[start:end] = b"\1" * (end - start)

    for f in covered:
        if f.field == field and f.start is not None:
            mark(f.category, f.start, f.end)
    for row, begin in plan:  # in the table's order: the first row of a category keeps an overlapping span
        phrase, rx = _COMPILED[row]
        rx_any_case = _COMPILED_ANY_CASE[row][1]
        # finditer from `begin` sees the text before it (\b, look-behind) and finds what it would from 0
        for m in (rx.finditer(lowered, begin) if same_length else rx_any_case.finditer(text)):
            start, end = m.span()
            seen = taken.get(phrase.category)
            if start == end or (seen is not None and seen.find(1, start, end) >= 0):
                continue
            mark(phrase.category, start, end)
            words = text[start:end]
            reasons = (reason("term", category=phrase.category, term=words, source="speech"),
                       reason("basis", text=phrase.note))
            out.append(Finding(kind="text", category=phrase.category, field=field,
                               severity=phrase.severity, score=policy.severity_scores.get(phrase.severity, 0.75),
                               explanation="" if phrase.category in unread else render(reasons),
                               effect=policy.action(phrase.category),
                               start=start, end=end, text=words, term=words, reasons=reasons))
    return out
