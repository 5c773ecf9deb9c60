"""How often the suggested copy (scanner/text/rewrite.py) is copy an editor can publish (issue #18).

    python -m tools.rewrite_eval [fixtures/rewrites/rewrites1.jsonl] [--show] [--reference] [--legacy PATH]

Each row of the set is a real-looking listing with violations, the reference rewrite written by hand, the
product words its title must keep and how many findings no rewrite can fix (`manual`: a brand named without
authorization, a prohibited good). A suggestion meets the bar when every check below holds:

* rescan     -- the listing with the suggested copy, scanned again, has exactly `manual` findings that count
                (so `pass` when `manual` is 0), and the result's `suggested_manual` says the same number;
* doubled    -- no word doubled that the original did not double (高品质品质, "the the");
* dangling   -- no clause left holding only a verb, an amount, filler or a fragment (加, 5元, 领券, 品质, "for");
                no verb or preposition without its object (加 私聊, "Contact me on for");
* case       -- Latin copy still starts upper-case when the original did;
* punct      -- no doubled separator (，，, ", ,"), none leading or trailing a field;
* empty      -- no field emptied;
* product    -- every product word still in the title.

Reported beside the share, not part of it: how many suggestions keep every piece of the original that the
reference keeps (a rewrite that deletes more than the violation).

The checks are written here from the rules' wording, not from the rewriter's code. `--reference` runs them on
the hand-written references (the set's own check: each must pass); `--legacy PATH` on a module with
`rewrite_listing(listing, findings)` returning {field: object with .text}, e.g. main's old rewrite.py.
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import re
import sys
from pathlib import Path

from scanner.engine import Scanner
from scanner.text.rewrite import listing_fields, with_suggested

DEFAULT_SET = Path(__file__).resolve().parent.parent / "fixtures" / "rewrites" / "rewrites1.jsonl"

SEPS = "，,。；;！!？?、|｜"
_CJK = r"\u3400-\u9fff"
_DOUBLE_CJK = re.compile(rf"([{_CJK}]{{2,4}})\1")
_DOUBLE_EN = re.compile(r"\b(\w{2,})\s+\1\b", re.I)
_DOUBLE_SEP = re.compile(rf"[{SEPS}.]\s*[{SEPS}]|[{SEPS}]\s*\.(?!\d)")
_LEAD_SEP = re.compile(rf"^\s*[{SEPS}.:：\-]")
_TRAIL_SEP = re.compile(r"[，,；;、|｜:：\-]\s*$")
_VERB_ONLY = re.compile(r"^(?:加|添加|联系|私聊|私信|扫码|关注|晒图|好评|五星|返|送|dm|add|contact|message|call|text|"
                        r"leave|get|for|with|on|and|or|me|us)$", re.I)
_AMOUNT_ONLY = re.compile(r"^[现返送]?\s*[¥$]?\s*[\d.]+\s*(?:元|块|rmb|%|usd|dollars?)?$", re.I)
_FILLER_ONLY = re.compile(r"^(?:领券|领取|有礼|咨询|即可|了解更多|更多优惠|now|today)$", re.I)
_TRAILING_EN = re.compile(r"\b(?:on|for|with|me|and|or|to|a|the|of)\s*[.,;!?]?\s*$", re.I)
_VERB_NO_OBJECT = re.compile(rf"(?:加|添加|联系|私聊|扫码)(?=\s*(?:[{SEPS}]|$)|\s+[{_CJK}])")
_PREP_NO_OBJECT = re.compile(r"\b(?:on|for|with|to|of|a|the)\s+(?:on|for|with|to|of)\b|\b(?:a|the|on|for|with|to|of)\s*[.,;!?]", re.I)
_SCOPE_NO_SUPERLATIVE = re.compile(r"史上(?![最第])")
_STARTS_WITH_PREP = re.compile(r"^(?:of|for|with|to|from|by|on|and|or)\b")
_FRAGMENT = re.compile(rf"^(?:[{_CJK}]{{1,2}}|[A-Za-z]{{1,2}}[{_CJK}]?)$")


def clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(rf"[{SEPS}\n]|\.(?=\s|$)", text) if c.strip()]


def check(original: dict, suggested: dict[str, str], product: list[str]) -> dict[str, str]:
    """Fluency checks of the suggested fields -> {check: what failed}; empty when all hold."""
    bad: dict[str, str] = {}
    originals = dict(listing_fields(original))
    for field, text in suggested.items():
        before = originals.get(field, "")
        for m in list(_DOUBLE_CJK.finditer(text)) + list(_DOUBLE_EN.finditer(text)):
            if m.group(0) not in before:
                bad["doubled"] = f"{field}: {m.group(0)!r}"
        if not text.strip():
            bad["empty"] = f"{field} emptied"
            continue
        for c in clauses(text):
            if (_VERB_ONLY.match(c) or _AMOUNT_ONLY.match(c) or _FILLER_ONLY.match(c)) and c not in clauses(before):
                bad["dangling"] = f"{field}: clause {c!r}"
        if len(_SCOPE_NO_SUPERLATIVE.findall(text)) > len(_SCOPE_NO_SUPERLATIVE.findall(before)):
            bad["dangling"] = f"{field}: a scope without its superlative (史上实惠)"
        if len(_VERB_NO_OBJECT.findall(text)) > len(_VERB_NO_OBJECT.findall(before)):
            bad["dangling"] = f"{field}: a verb without its object"
        if len(_PREP_NO_OBJECT.findall(text)) > len(_PREP_NO_OBJECT.findall(before)):
            bad["dangling"] = f"{field}: a preposition or article without its object"
        for c in clauses(text):
            if c not in clauses(before) and (_STARTS_WITH_PREP.match(c) or (
                    _FRAGMENT.match(c) and not any(w.lower() in c.lower() for w in product))):
                bad["dangling"] = f"{field}: fragment {c!r}"
        if before[:1].isupper() and text[:1].isascii() and text[:1].islower():
            bad["case"] = f"{field}: starts lower-case"
        for line in text.split("\n"):
            if _TRAILING_EN.search(line.rstrip(".")) and not _TRAILING_EN.search(before):
                bad["dangling"] = f"{field}: ends on {line.split()[-1]!r}"
        for m in _DOUBLE_SEP.finditer(text):
            if m.group(0) not in before:
                bad["punct"] = f"{field}: {m.group(0)!r}"
        if (_LEAD_SEP.search(text) and not _LEAD_SEP.search(before)) or (
                _TRAIL_SEP.search(text) and not _TRAIL_SEP.search(before)):
            bad["punct"] = f"{field}: separator at an end"
    title = suggested.get("title", original.get("title") or "")
    missing = [w for w in product if w.lower() not in title.lower()]
    if missing:
        bad["product"] = f"title lost {missing}"
    return bad


def over_deleted(fields: dict[str, str], suggested: dict[str, str], reference: dict[str, str]) -> list[str]:
    """Pieces of the original the hand-written reference keeps (its clauses and a title's keywords, as written
    in the original) that the suggestion deleted: the rewrite took more than the violation."""
    lost = []
    for field, original in fields.items():
        ref, got = reference.get(field, original), suggested.get(field, original)
        for piece in clauses(ref) + (ref.split() if field == "title" else []):
            piece = piece.strip(SEPS + ". ")
            if piece and piece in original and piece not in got:
                lost.append(f"{field}: {piece!r}")
    return lost


def counting(result) -> list:
    return [f for f in result.findings if f.effect != "none"]


def run(path: Path, mode: str = "suggest", legacy: str | None = None, show: bool = False) -> dict:
    scanner = Scanner.from_defaults(with_images=False)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    old = None
    if legacy:
        spec = importlib.util.spec_from_file_location("legacy_rewrite", legacy)
        old = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = old
        spec.loader.exec_module(old)
    failures: dict[str, int] = {}
    good, similar, exact, kept = 0, 0.0, 0, 0
    for row in rows:
        listing, want_manual = row["listing"], row.get("manual", 0)
        result = scanner.scan(listing, suggest=(mode == "suggest"))
        if mode == "reference":
            suggested, manual = row["reference"], want_manual
        elif mode == "legacy":
            rewrites = old.rewrite_listing(listing, [f.to_dict() for f in result.findings])
            suggested = {k: r.text for k, r in rewrites.items() if r.text != dict(listing_fields(listing))[k]}
            manual = sum(r.manual for r in rewrites.values())
        else:
            suggested, manual = dict(result.suggested or {}), result.suggested_manual
        bad = check(listing, suggested, row.get("product", []))
        again = scanner.scan(with_suggested(listing, suggested))
        left = counting(again)
        if len(left) != want_manual or manual != want_manual:
            bad["rescan"] = (f"{again.decision}, {len(left)} finding(s) left "
                             f"({', '.join(f'{f.category} {f.text!r}' for f in left)}); manual said {manual}, "
                             f"expected {want_manual}")
        for k in bad:
            failures[k] = failures.get(k, 0) + 1
        good += not bad
        ref = row["reference"]
        fields = dict(listing_fields(listing))
        lost = over_deleted(fields, suggested, ref)
        kept += not lost
        ratios = [difflib.SequenceMatcher(None, suggested.get(k, v), ref.get(k, v)).ratio() for k, v in fields.items()]
        similar += sum(ratios) / len(ratios)
        exact += all(suggested.get(k, v) == ref.get(k, v) for k, v in fields.items())
        if show or bad:
            if show or mode != "reference":
                print(f"{row['id']} {'OK ' if not bad else 'BAD'} {json.dumps(suggested, ensure_ascii=False)}")
            for k, why in bad.items():
                print(f"      {k}: {why}")
        if lost and mode != "reference":
            print(f"{row['id']} deleted what the reference keeps: {lost}")
    n = len(rows)
    summary = {"set": path.name, "mode": mode, "listings": n, "meet_all": good, "share": round(good / n, 3),
               "failures": failures, "keeps_what_reference_keeps": kept, "same_as_reference": exact, "mean_similarity_to_reference": round(similar / n, 3)}
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set", nargs="?", type=Path, default=DEFAULT_SET)
    ap.add_argument("--reference", action="store_true", help="check the hand-written references instead")
    ap.add_argument("--legacy", help="a rewrite.py with rewrite_listing(listing, findings) to compare")
    ap.add_argument("--show", action="store_true", help="print every suggestion, not only the failing ones")
    args = ap.parse_args(argv)
    mode = "reference" if args.reference else "legacy" if args.legacy else "suggest"
    summary = run(args.set, mode, args.legacy, args.show)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
