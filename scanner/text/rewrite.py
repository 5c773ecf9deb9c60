"""Suggested copy: the listing's text fields rewritten so an editor can publish them (issue #18).

One definition, used by `Scanner.scan(suggest=True)` (the contract's `suggested`), `scanner check`, the
editor page's "Apply all" and "Copy cleaned text" (which show what the server sends) and tools/rewrite_eval.py.

Every finding that counts (effect other than "none") gets a strategy by its category (`STRATEGY`):

* `replace`: the word list's compliant phrase (`suggestion`, non-empty) takes the words' place; where the
  phrase ends with what follows (顶级 -> 高品质 before 品质) the repeat is dropped, so no 高品质品质.
* `words`: delete the words themselves (高仿, replica, 国家级, #1 Rated), with a following 的/款/版 or a
  dangling reward amount; if what is left of the clause is only filler (领券, 哦, now), the clause goes.
* `clause`: delete the whole clause the words stand in -- its verb, amount, id and punctuation with it
  (好评返现5元 / 加VX: abc123 领券 / 晒图送红包 / 治疗失眠 / 收件人：张三 …). A clause is the text between
  punctuation (，。；！？、,.;!?| and newlines), or between blanks that stand between Chinese words (in a
  title: beside one, a title being keywords); a blank inside Latin words, numbers or ids separates nothing.
  When deleting the clause would empty the field, only the words (`words`) go.
* `manual`: left for a person and counted in `manual`: a brand named without authorization outside a
  counterfeit context (the seller may be allowed to name it; deleting it would change what is sold), a
  prohibited good in the title (the listing itself must come down), any finding on an image, and every
  finding of a field that would be left empty (晒图送红包 as the whole title: a person writes that field).

A brand named *with* counterfeit wording is the violation itself and is deleted (`words`); a brand the seller
is authorized for, or a compatibility mention (effect "none"), is never touched: a clause holding one loses only
the violation's words.

A clause that deletions leave holding nothing that reads as copy goes whole (`_leftover_is_not_copy`). After
the edits the field is tidied: blanks collapsed, no separator doubled (，，), none leading or trailing, no blank
before punctuation; two rewrites that became the same clause are said once; Latin copy starts upper-case as it
did. Offsets are those of the caller's original field text (findings' start/end, Python str indices).
"""
from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

# category -> strategy when the word list offers no compliant phrase (a non-empty suggestion always replaces)
STRATEGY: dict[str, str] = {
    "absolute_term": "words",
    "false_claim": "clause",
    "medical_claim": "clause",
    "counterfeit": "words",
    "brand": "manual",            # "words" when named with counterfeit wording (reason with_counterfeit)
    "diversion": "clause",
    "incentivized_review": "clause",
    "prohibited_goods": "clause",  # "manual" in the title: the goods themselves may not be listed
    "illegal_service": "clause",   # likewise: the service in the title is the listing (#20.3 moved rows here)
    "personal_data": "clause",
}

_SEP = "，,。；;！!？?、|｜\n\r\t"          # clause separators (a '.' only ends a clause before a blank or the end)
_FILLER = re.compile(
    r"^(?:[领送享拿返得]?(?:券|优惠券?|福利|红包|礼品?|现金|折扣)|有礼|咨询|即可|立即|马上|速来|哦|噢|呢|吧|啦|了|的|"
    r"now|today|asap|for (?:a |an )?(?:discount|coupon|refund|deal|gift)s?|to (?:order|buy)|and|or|please|"
    r"[\d.]+\s*(?:元|块|rmb|%|\$|usd)?|\$\s*[\d.]+|[\s\-–—:：~～+＋·•*]+)+$",
    re.I,
)
_AFTER_WORDS = re.compile(
    r"^(?:的|款|版|之[选王]|\s*[\d.]+\s*(?:元|块)|\s+of the (?:original|real (?:one|thing))|\s*-(?=\s))")
_AFTER_CONTACT = re.compile(r"^[:：]?\s*[A-Za-z0-9_\-]*\d[A-Za-z0-9_\-]*")  # the id after 微信 / WhatsApp
_BEFORE_WORDS = re.compile(r"(?:加|添加|联系|私聊|私信|[+＋])\s*$")
_HANGING = re.compile(r"^(?:of|for|with|to|from|by|on|and|or)\b|\b(?:of|for|with|to|from|by|on|a|the|me|us)$|"
                      r"(?:^|\s)(?:加|添加|联系|私聊|私信)$", re.I)
_QUALITY = re.compile(r"^(?:[A-Za-z]{1,3}级?|品质|质量|做工|工艺|品牌|水准|水平|标准|级别?|版本?|货)$")
_CLAIMS = ("false_claim",)
_SCOPE_BEFORE = re.compile(r"(?:史上|有史以来)\s*$")  # a scope that only a superlative completes
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _get(f: Any, name: str) -> Any:
    return f.get(name) if isinstance(f, Mapping) else getattr(f, name, None)


def _reason_codes(f: Any) -> set[str]:
    reasons = _get(f, "reasons") or ()
    return {r[0] if isinstance(r, tuple) else _get(r, "code") for r in reasons}


def strategy(f: Any) -> str:
    """How one finding (a Finding or its contract dict) is rewritten: replace, words, clause or manual."""
    if _get(f, "kind") != "text":
        return "manual"  # an image or a banner read by OCR: a person replaces the image
    suggestion = _get(f, "suggestion")
    if suggestion:
        return "replace"
    category = _get(f, "category")
    if category == "brand":
        # the brand is the violation only beside counterfeit wording: then effect "block" (policy) or the reason says so
        if "with_counterfeit" in _reason_codes(f) or _get(f, "effect") == "block":
            return "words"
        return "manual"
    if category in ("prohibited_goods", "illegal_service") and _get(f, "field") == "title":
        return "manual"
    return STRATEGY.get(category, "words")


@dataclass(frozen=True)
class Suggested:
    """The copy with every automatic rewrite applied. `fields` holds only the fields that changed."""

    fields: Mapping[str, str]
    applied: int  # findings rewritten
    manual: int   # findings that count and are left for a person


def _is_sep(text: str, i: int, mode: str = "copy") -> bool:
    """Whether text[i] ends a clause. `mode`: "copy" (a description, a bullet), "title" (keywords), or
    "sentence" (punctuation only)."""
    c = text[i]
    if c in _SEP:
        return True
    if c == ".":  # a full stop, not a decimal point or a domain: followed by a blank or the end
        return i + 1 == len(text) or text[i + 1] in " \n"
    if c in " 　" and mode != "sentence":
        j, k = i - 1, i + 1
        while j >= 0 and text[j] in " 　":
            j -= 1
        while k < len(text) and text[k] in " 　":
            k += 1
        if j < 0 or k >= len(text):
            return False
        if mode == "title":  # keywords: a blank beside a Chinese word ends one (面膜 SPF50, 祛斑霜 100%有效)
            return not (text[j].isascii() and text[k].isascii())
        # copy: a blank between Chinese words or symbols (限时特价 强劲 跑鞋 👟), not one inside Latin
        # words, numbers or ids (Message me on WhatsApp, 加VX: abc123 领券)
        return not (text[j].isascii() or text[k].isascii())
    return False


def _clause(text: str, start: int, end: int, mode: str = "copy") -> tuple[int, int]:
    """[a, b) of the clause holding [start, end): from just after the previous separator to the next one."""
    a = start
    while a > 0 and not _is_sep(text, a - 1, mode):
        a -= 1
    b = end
    while b < len(text) and not _is_sep(text, b, mode):
        b += 1
    return a, b


def _words_span(text: str, start: int, end: int, category: str) -> tuple[int, int]:
    """The finding's words with what only serves them: a verb before a contact (加, add) and the id after it,
    a reward amount, a 的/款/版 that would dangle."""
    if category == "diversion":
        m = _BEFORE_WORDS.search(text[:start])
        if m:
            start = m.start()
        m = _AFTER_CONTACT.match(text[end:])
        if m:
            end += m.end()
    m = _AFTER_WORDS.match(text[end:])
    if m:
        end += m.end()
    return start, end


def _merge(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping edits become one: a deletion that covers others wins; of two replacements the first stays."""
    out: list[tuple[int, int, str]] = []
    for a, b, rep in sorted(edits, key=lambda e: (e[0], -e[1])):
        if out and a < out[-1][1]:
            pa, pb, prep = out[-1]
            if prep == "" or rep == "":
                out[-1] = (pa, max(pb, b), "")
            # else: a replacement inside another: the first (longer) one stands
            continue
        out.append((a, b, rep))
    return out


def _drop_repeat(rep: str, before: str, after: str) -> str:
    """高品质 before 品质 -> 高; 品质 after 高品质 -> nothing doubled either way (repeats of 2+ characters)."""
    for k in range(min(len(rep), len(after)), 1, -1):
        if rep.endswith(after[:k]) and (_CJK.match(after[0]) or not after[k:k + 1].isalnum()):
            return rep[:-k]
    for k in range(min(len(rep), len(before)), 1, -1):
        if rep.startswith(before[-k:]) and _CJK.match(before[-1]):
            return rep[k:]
    return rep


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for a, b, rep in sorted(_merge(edits), reverse=True):
        if rep:
            rep = _drop_repeat(rep, text[:a], text[b:])
        text = text[:a] + rep + text[b:]
    return text


_SPACES = re.compile(r"[ \t　]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t　]+(?=[，,。；;！!？?、:：)）])")
_RUN = re.compile(r"([，,。；;！!？?、|｜]|\.(?!\d))(?:\s*(?:[，,。；;！!？?、|｜]|\.(?!\d)))+\s*")
_LEAD = re.compile(r"^[\s，,。；;！!？?、|｜.:：\-–—~～+＋·•*/]+")
_TRAIL = re.compile(r"[\s，,；;、|｜:：\-–—~～+＋·•*/]+$")
_STRONG = "。！!？?.；;"


def tidy(text: str) -> str:
    """Close up what deletions leave: doubled separators, blanks, separators at either end of a line."""
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line)
        line = _SPACE_BEFORE_PUNCT.sub("", line)
        line = _RUN.sub(_strongest, line)
        line = _TRAIL.sub("", _LEAD.sub("", line)).strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def _strongest(m: re.Match) -> str:
    """Of a run of separators left by deletions keep one: the first that ends a sentence (its own clause's),
    else the first; with a blank after it where a Latin mark had one."""
    run = m.group(0)
    marks = [c for c in run if not c.isspace()]
    keep = next((c for c in marks if c in _STRONG), marks[0])
    return keep + (" " if keep in ",.;!?" and run[-1].isspace() else "")


def _clauses_of(text: str, mode: str = "copy") -> list[tuple[int, int]]:
    """[a, b) of each clause of `text`, separators excluded."""
    out, at = [], 0
    for i in range(len(text) + 1):
        if i == len(text) or _is_sep(text, i, mode):
            out.append((at, i))
            at = i + 1
    return out


def _leftover_is_not_copy(remnant: str, mode: str) -> bool:
    """What a deletion left of a clause cannot stand on its own: nothing, filler (领券, 5元, now), words hanging
    on a preposition or verb whose object went (of the original, 加, contact), a bare quality word (品质 of
    原单品质, A级 of A级原单) and, outside a title, any fragment of at most two Chinese characters or one short
    Latin word. A title's two-character keyword (面膜 of 国家级面膜) is the product: it stays."""
    r = tidy(remnant)
    if not r or _FILLER.match(r) or _QUALITY.match(r) or _HANGING.search(r):
        return True
    if mode == "title":
        return False
    cjk = len(_CJK.findall(r))
    latin = re.findall(r"[A-Za-z]+", r)
    return cjk <= 2 and not re.search(r"\d", r) and (cjk > 0 or len(latin) <= 1) and sum(map(len, latin)) <= 3


def _capitalised_like(original: str, text: str) -> str:
    """Latin copy whose first sentence went: start the field and each sentence upper-case as the original did."""
    if not text or not original[:1].isupper() or not text[:1].isascii():
        return text
    text = text[:1].upper() + text[1:]
    return re.sub(r"([.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def _dedupe_clauses(original: str, text: str, mode: str) -> str:
    """Two rewrites that became the same words side by side (效果因人而异 效果因人而异): keep one. Each pair is read on
    the text as it came (a later pair's cut never touches an earlier pair's clauses) and the cuts are made in one
    pass; the original without blanks is made once and asked once per distinct clause (red-team R05: per pair, a
    field of thousands of repeated clauses cost seconds)."""
    spans = _clauses_of(text, mode)
    squeezed: str | None = None
    repeated_in_original: dict[str, bool] = {}
    kept, at = [], 0
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        c = text[a2:b2].strip()
        if not c or c != text[a1:b1].strip():
            continue
        if c not in repeated_in_original:
            if squeezed is None:
                squeezed = original.replace(" ", "")
            repeated_in_original[c] = (c + c) in squeezed
        if not repeated_in_original[c]:
            kept.append(text[at:b1])
            at = b2
    if not kept:
        return tidy(text)
    kept.append(text[at:])
    return tidy("".join(kept))


def rewrite_field(text: str, findings: Iterable[Any], field: str = "description") -> tuple[str, int, int]:
    """One field's text and its findings -> (suggested text, findings rewritten, findings left for a person)."""
    mode = "title" if field == "title" else "copy"
    words: list[tuple[int, int, str]] = []     # each finding's own words (replaced or deleted)
    clauses: list[tuple[int, int, str]] = []   # whole clauses to delete
    applied = manual = 0
    findings = list(findings)
    # harmless words (an authorized brand, a compatibility mention): never deleted with a clause
    harmless = [(_get(f, "start"), _get(f, "end")) for f in findings
                if _get(f, "effect") == "none" and _get(f, "start") is not None]
    for f in findings:
        if _get(f, "effect") == "none":
            continue
        how = strategy(f)
        if how == "manual" or _get(f, "start") is None:
            manual += 1
            continue
        start, end = _get(f, "start"), _get(f, "end")
        applied += 1
        a, b = _clause(text, start, end, mode)
        if how == "replace" and _get(f, "category") in _CLAIMS and text[a:b].strip() != text[start:end]:
            how = "clause"  # a statement (效果因人而异, results may vary) stands for a whole clause, not inside one
        if how == "replace":
            m = _SCOPE_BEFORE.search(text[:start])  # 史上最便宜 -> 实惠, not 史上实惠
            words.append((m.start() if m else start, end, _get(f, "suggestion")))
        elif how == "words":
            words.append((*_words_span(text, start, end, _get(f, "category")), ""))
        else:
            words.append((*_words_span(text, start, end, _get(f, "category")), ""))
            clauses.append((a, b, ""))
    if not applied:
        return text, 0, manual
    # a clause left with only deletions, and nothing that reads as copy, goes whole (the edits touching each clause
    # found by bisection: a scan over every edit per clause made a long field quadratic, red-team R05)
    by_start = sorted(range(len(words)), key=lambda k: words[k][0])
    starts = [words[k][0] for k in by_start]
    by_end = sorted(range(len(words)), key=lambda k: words[k][1])
    ends = [words[k][1] for k in by_end]
    for a, b in _clauses_of(text, mode):
        touching = set(by_start[bisect_left(starts, a):bisect_left(starts, b)])
        touching.update(by_end[bisect_right(ends, a):bisect_right(ends, b)])
        if not touching:
            continue
        inside = [words[k] for k in sorted(touching)]
        if inside and all(rep == "" for _, _, rep in inside):
            remnant = _apply(text[a:b], [(max(x, a) - a, min(y, b) - a, "") for x, y, _ in inside])
            if _leftover_is_not_copy(remnant, mode):
                clauses.append((a, b, ""))
    # filler standing after a deleted clause goes with it (a title's 加VX: abc123 领券, 好评返现 5元)
    spans = _clauses_of(text, mode)
    covers = _Covers(clauses)
    went = False  # the clause before this pair's second went just now (one added in the last step covers it)
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        went = bool(_FILLER.match(text[a2:b2].strip() or "-")) and (went or covers.cover(a1, b1))
        if went:
            clauses.append((a2, b2, ""))
    clauses = [c for c in clauses if not any(c[0] <= x and y <= c[1] for x, y in harmless)]
    out = _finish(text, _apply(text, words + clauses), mode)
    if not out:  # the field was nothing but the violation's clauses: keep what is not the violation's words
        out = _finish(text, _apply(text, words), mode)
    if not out:  # nothing of the field is left to publish: a person writes it
        return text, 0, manual + applied
    return out, applied, manual


class _Covers:
    """Whether some span of a fixed list holds [a, b) (x <= a and b <= y), in log time: spans by start with the
    running furthest end."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        ordered = sorted((x, y) for x, y, _ in spans)
        self.starts = [x for x, _ in ordered]
        self.furthest: list[int] = []
        for _, y in ordered:
            self.furthest.append(max(y, self.furthest[-1]) if self.furthest else y)

    def cover(self, a: int, b: int) -> bool:
        k = bisect_right(self.starts, a)
        return k > 0 and self.furthest[k - 1] >= b


def _finish(original: str, text: str, mode: str) -> str:
    text = _drop_new_filler(original, tidy(text), mode)
    return _capitalised_like(original, _dedupe_clauses(original, text, mode)) if text else text


def _drop_new_filler(original: str, text: str, mode: str) -> str:
    """A clause the deletions left holding only filler (a title's 领券 after 加VX: abc123) goes too."""
    before = {original[a:b].strip() for a, b in _clauses_of(original, mode)}
    kept, at = [], 0
    for a, b in _clauses_of(text, mode):
        c = text[a:b].strip()
        if c and c not in before and _FILLER.match(c):
            kept.append(text[at:a])
            at = b
    if not kept:
        return text
    kept.append(text[at:])
    out = "".join(kept)
    return tidy(out) if out != text else text


# A field longer than this is not rewritten: its findings that count are left for a person (suggested_manual). An
# editor's field is far shorter; a pasted catalogue or a hostile body of repeated clauses is what this bounds (red-team
# R05: 100,000 characters of 高仿 took 17 s, outside the scan's budget).
SUGGEST_MAX_FIELD_CHARS = 20_000


def suggest(fields: Iterable[tuple[str, str]], findings: Iterable[Any], deadline: float | None = None) -> Suggested:
    """`fields`: (name as in findings, original text); `findings`: the scan's findings (objects or dicts).
    `deadline` (time.monotonic()): the scan's budget; a field reached after it, or longer than
    SUGGEST_MAX_FIELD_CHARS, is left as it is and its findings that count are left for a person."""
    by_field: dict[str, list[Any]] = {}
    manual = 0
    for f in findings:
        if _get(f, "kind") != "text":
            if _get(f, "effect") != "none":
                manual += 1  # an image or the text in one: a person replaces the image
            continue
        by_field.setdefault(_get(f, "field"), []).append(f)
    out: dict[str, str] = {}
    applied = 0
    for name, original in fields:
        found = by_field.pop(name, None)
        if not found:
            continue
        if len(original) > SUGGEST_MAX_FIELD_CHARS or (deadline is not None and time.monotonic() > deadline):
            manual += sum(1 for f in found if _get(f, "effect") != "none")
            continue
        text, n, m = rewrite_field(original, found, name)
        applied += n
        manual += m
        if text != original:
            out[name] = text
    for rest in by_field.values():  # findings of fields not given: nothing to rewrite them in
        manual += sum(1 for f in rest if _get(f, "effect") != "none")
    return Suggested(out, applied, manual)


def listing_fields(listing: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The text fields of a contract listing as (name as in findings, text): title, description, bullets[i],
    attributes.key."""
    out = []
    for name in ("title", "description"):
        if isinstance(listing.get(name), str) and listing[name]:
            out.append((name, listing[name]))
    for i, b in enumerate(listing.get("bullets") or []):
        if isinstance(b, str) and b:
            out.append((f"bullets[{i}]", b))
    for k, v in (listing.get("attributes") or {}).items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if isinstance(v, str) and v:
            out.append((f"attributes.{k}", v))
    return out


def with_suggested(listing: Mapping[str, Any], suggested: Mapping[str, str]) -> dict[str, Any]:
    """The listing with each suggested field in place of its text (what a re-scan of the suggested copy reads)."""
    out = dict(listing)
    for name in ("title", "description", "text"):  # text: a review's or Q&A entry's one field (#20)
        if name in suggested:
            out[name] = suggested[name]
    if listing.get("bullets"):
        out["bullets"] = [suggested.get(f"bullets[{i}]", b) for i, b in enumerate(listing["bullets"])]
    if listing.get("attributes"):
        out["attributes"] = {k: suggested.get(f"attributes.{k}", v) for k, v in listing["attributes"].items()}
    return out
