"""Why a finding fired: the reasons as data, and their English rendering.

The stages attach `Reason(code, params)` to each finding and decide from those; the
explanation text is rendered from them here, once, at the end of verification (`render`).
A reason added after that (policy.score_findings) is appended with `with_reason`.
A language other than English would be one more table of templates beside `_TEMPLATES`.
"""
from __future__ import annotations

import re
from typing import Any

from scanner.categories import EXPLANATION_LABELS as CATEGORY_LABELS
from scanner.results import Finding, Reason
from scanner.text.matcher import Candidate
from scanner.text.normalize import CJK_CLASS, SYMBOL_GAP, normalise_term


def reason(code: str, **params: Any) -> Reason:
    return Reason(code, params)


# -- how a hit was disguised -------------------------------------------------------------------

_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")  # the characters is_cjk accepts
_LEET_CHAR = re.compile(r"[013457@$!|]")
# Disguises that are other ways of writing a word, not attempts to hide it: no score bonus.
SPELLINGS = frozenset({"pinyin", "slang"})


def disguises(c: Candidate) -> tuple[Reason, ...]:
    """How the original differs from the plain spelling: for explanations and scoring."""
    original = c.norm.original[c.start : c.end]
    text = c.norm.text[c.norm_start : c.norm_end]
    notes = []
    if original != text:  # most hits are written plainly: nothing to look for
        if len(original) > len(text):
            notes.append(reason("separators_removed"))
        if any("\uff01" <= ch <= "\uff5e" for ch in original):
            notes.append(reason("full_width"))
        if any("\U0001f150" <= ch <= "\U0001f189" for ch in original):
            notes.append(reason("emoji_letters"))  # 🅽🅸🅺🅴, Pr🅰da
        if _CJK_CHAR.findall(original) != _CJK_CHAR.findall(text):
            notes.append(reason("variant_characters"))
    key = c.norm.key[c.norm_start : c.norm_end]
    if SYMBOL_GAP in key:
        if _alnum_count(key) < _alnum_count(normalise_term(c.pattern.alias)):
            notes.append(reason("symbol_for_letters"))  # Chan🌸l, Lu🍋lemon
        else:
            notes.append(reason("symbol_between_letters"))  # O🔥MEGA, North⭐Face
    if _LEET_CHAR.search(text) and (key != text.replace("l", "i") or _leet_edge(key, normalise_term(c.pattern.alias))):
        notes.append(reason("leetspeak"))  # read as letters by the normaliser, or a leet first or last letter (4didas, Gucc1)
    if c.pattern.form == "variant":
        notes.append(reason("look_alike", alias=c.pattern.alias))
    elif c.pattern.form == "pinyin":
        notes.append(reason("pinyin", alias=c.pattern.alias))
    elif c.pattern.form == "slang":
        notes.append(reason("slang", alias=c.pattern.alias))
    return tuple(notes)


def _alnum_count(key: str) -> int:
    return sum(ch.isalnum() for ch in key)


def _leet_edge(key: str, alias_key: str) -> bool:
    """Does a hit differ from its listed spelling in the first or last character (a digit the
    dictionary carries for that letter)?"""
    return key[:1] != alias_key[:1] or (key[-1:] != alias_key[-1:] and key[-1:].isdigit())


def basis(note: str) -> tuple[Reason, ...]:
    """A word-list note's first clause is its source or legal basis; the rest is for the people
    curating the list."""
    text = note.split(";")[0].strip()
    return (reason("basis", text=text),) if text else ()


def normalised(disguised: tuple[Reason, ...]) -> tuple[Reason, ...]:
    return (reason("normalised", disguises=disguised),) if disguised else ()


# -- rendering -----------------------------------------------------------------------------------

_TEMPLATES = {
    # what was found
    "term": lambda p: f"{CATEGORY_LABELS[p['category']]} {p['term']!r} [{p['source']}]",
    "brand": lambda p: f"brand {p['brand']!r} ({p['owner'] or 'owner unknown'}) [{p['source']}]",
    "detector": lambda p: (f"{CATEGORY_LABELS['diversion']}: {p['detail']} [detector {p['name']}]; "
                           "use the platform's messaging instead"),
    "personal_data": lambda p: (f"{CATEGORY_LABELS['personal_data']}: {p['detail']} [detector {p['name']}]; "
                                "remove it or ask for the masked copy"),
    "proximity": lambda p: (f"{CATEGORY_LABELS[p['category']]}: {p['first']!r} with {p['second']!r} in one clause "
                            f"[{p['source']}]"),
    "basis": lambda p: p["text"],
    "normalised": lambda p: "normalised: " + ", ".join(render_reason(d) for d in p["disguises"]),
    # disguises
    "separators_removed": lambda p: "separators or invisible characters removed",
    "full_width": lambda p: "full-width letters",
    "emoji_letters": lambda p: "letters drawn as emoji",
    "variant_characters": lambda p: "traditional or variant characters",
    "symbol_for_letters": lambda p: "emoji or symbol in place of letters",
    "symbol_between_letters": lambda p: "emoji or symbol between letters skipped",
    "leetspeak": lambda p: "leetspeak",
    "look_alike": lambda p: f"look-alike spelling {p['alias']!r}",
    "pinyin": lambda p: f"pinyin {p['alias']!r}",
    "slang": lambda p: f"seller slang {p['alias']!r}",
    # context that changed the finding
    "ambiguous_confirmed": lambda p: (f"ambiguous name confirmed by {p['cue']!r}" if p["cue"]
                                      else "ambiguous name confirmed by another of the brand's names"),
    "authorized": lambda p: "seller is authorized for this brand",
    "compatibility_mention": lambda p: f"compatibility mention ({p['cue']!r}), not a claim to be the brand",
    "compatibility_not_exempt": lambda p: f"compatibility wording {p['cue']!r} does not exempt {p['sector']} brands",
    "merged_rules": lambda p: f"overlapping rule {', '.join(repr(t) for t in p['terms'])} merged into this finding",
    "compatible_accessory": lambda p: "the listing describes a compatible accessory for this brand",
    "needs_brand": lambda p: "counts because the listing names a brand",
    "with_counterfeit": lambda p: f"named together with counterfeit wording {p['text']!r} ({p['field']})",
    "names_brand": lambda p: f"listing names brand {p['brand']!r}",
    "below_minimum": lambda p: f"confidence {p['score']:.2f} below the policy minimum",
}


def render_reason(r: Reason) -> str:
    return _TEMPLATES[r.code](r.params)


def render(reasons: tuple[Reason, ...]) -> str:
    return "; ".join(render_reason(r) for r in reasons)


def rendered(findings: list[Finding]) -> list[Finding]:
    """Each finding with its explanation rendered from its reasons."""
    return [f._replace(explanation=render(f.reasons)) for f in findings]


def with_reason(f: Finding, r: Reason, **changes: Any) -> Finding:
    """`f` (already rendered) with one more reason, its text appended to the explanation."""
    return f._replace(reasons=f.reasons + (r,), explanation=f"{f.explanation}; {render_reason(r)}", **changes)
