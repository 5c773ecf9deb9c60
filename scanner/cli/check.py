"""`scanner check` — one listing for an editor at the terminal.

    scanner check "高仿耐克 运动鞋" --description "全网最低价，加微信 abc123"
    scanner check --file listing.json --json --fail-on block
    scanner check "高仿耐克 运动鞋" --lang zh          # explanations in Chinese
    scanner check --file order-note.json --mask        # show the copy with personal data masked

The suggested copy (the contract's `suggested`, scanner/text/rewrite.py) is printed under the findings and is
in the --json output with `suggested_manual` and `suggested_decision`.

Exit status, so a script or CI job can gate on it: 0 pass (or below --fail-on), 3 review, 4 block,
2 for a usage error, an unreadable listing or one that cannot be scanned.
"""
from __future__ import annotations

import argparse
import os
import sys

from scanner import jsonio

from scanner.categories import LANGUAGES
from scanner.results import version_label
from scanner.cli.common import settings_from_args

COLOURS = {  # ANSI colours per category, used only on a terminal
    "counterfeit": "41;97",
    "prohibited_goods": "41;97",
    "illegal_service": "41;97",
    "brand": "45;97",
    "absolute_term": "43;30",
    "false_claim": "43;30",
    "medical_claim": "43;30",
    "diversion": "44;97",
    "incentivized_review": "46;30",
}
DECISION_COLOURS = {"pass": "1;32", "review": "1;33", "block": "1;31"}
EXIT_USAGE = 2
EXIT_CODES = {"pass": 0, "review": 3, "block": 4}
FAIL_ON = ("review", "block", "never")  # the least decision that exits non-zero


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="scan one listing and show every finding where it stands",
        epilog="exit status: 0 pass, 3 review, 4 block (decisions below --fail-on exit 0); "
        "2 usage error, unreadable listing or a listing that cannot be scanned",
    )
    p.add_argument("title", nargs="?", default=None, help="listing title")
    p.add_argument("--description", "-d", default=None)
    p.add_argument("--bullet", "-b", action="append", default=None, help="a bullet point (repeatable)")
    p.add_argument("--image", "-i", action="append", default=None, help="a local image file (repeatable)")
    p.add_argument("--authorized-brand", action="append", default=None, help="a brand the seller may name")
    p.add_argument("--file", "-f", help="a listing as contract JSON ('-' for standard input)")
    p.add_argument("--json", action="store_true", help="print the contract JSON result")
    p.add_argument("--no-images", action="store_true", help="skip loading the image gallery")
    p.add_argument("--lang", choices=LANGUAGES, default=None,
                   help="language of the explanations (default: the listing's options.language, else en)")
    p.add_argument("--ocr", action=argparse.BooleanOptionalAction, default=None,
                   help="read the text in the images and scan it like copy (needs the `ocr` extra; "
                   "default: SCANNER_OCR, off)")
    p.add_argument("--mask", action="store_true",
                   help="show the copy with personal data (ids, cards, a buyer's contact block) masked, "
                        "and add `masked` to --json output")
    p.add_argument("--no-engine-cache", action="store_true",
                   help="build the text engine from the word lists (~1.5 s) instead of reading it from the user "
                   "cache dir (SCANNER_CACHE_DIR, else $XDG_CACHE_HOME/listing-scanner); same results")
    p.add_argument("--policy", default=None, metavar="NAME",
                   help="named policy profile (wordlists/profiles/NAME.toml, e.g. cosmetics) that decides; wins over "
                   "a --file listing's own options.policy (default: that, else `default`, policy.toml); "
                   "a name the word lists do not have is a usage error")
    p.add_argument("--fail-on", choices=FAIL_ON, default="review",
                   help="the least decision that exits non-zero (default: review; never: always 0 unless an error)")
    p.set_defaults(func=run)


def _listing_from_args(args) -> dict:
    if args.file:
        raw = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
        listing = jsonio.loads(raw)
    else:
        listing = {"title": args.title, "description": args.description}
        if args.bullet:
            listing["bullets"] = args.bullet
        if args.image:
            listing["images"] = [{"path": p} for p in args.image]
    if args.authorized_brand:
        listing.setdefault("seller", {})["authorized_brands"] = args.authorized_brand
    return listing


def with_masked_fields(listing: dict, masked: dict[str, str]) -> dict:
    """The listing with each field the scan masked replaced by its masked text (same length, so every
    finding's start/end still marks the same place)."""
    shown = dict(listing)
    if "title" in masked:
        shown["title"] = masked["title"]
    if "description" in masked:
        shown["description"] = masked["description"]
    bullets = list(listing.get("bullets") or [])
    for i in range(len(bullets)):
        bullets[i] = masked.get(f"bullets[{i}]", bullets[i])
    if bullets:
        shown["bullets"] = bullets
    attributes = dict(listing.get("attributes") or {})
    for k in attributes:
        attributes[k] = masked.get(f"attributes.{k}", attributes[k])
    if attributes:
        shown["attributes"] = attributes
    return shown


def _paint(code: str, text: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def render(result: dict, listing: dict, colour: bool) -> str:
    """Human-readable report: each field with findings marked in place, then the details."""
    if "error" in result:
        return f"error {result['error']['code']}: {result['error']['message']}"
    lines = []
    decision = result["decision"]
    lines.append(_paint(DECISION_COLOURS[decision], f"{decision.upper()}  (score {result['score']}/100)", colour))
    by_field: dict[str, list[dict]] = {}
    for f in result["findings"]:
        by_field.setdefault(f["field"], []).append(f)
    texts = {"title": listing.get("title"), "description": listing.get("description")}
    for i, b in enumerate(listing.get("bullets") or []):
        texts[f"bullets[{i}]"] = b
    for k, v in (listing.get("attributes") or {}).items():
        texts[f"attributes.{k}"] = v
    n = 0
    for field, text in texts.items():
        if not text:
            continue
        marked, pos = [], 0
        for f in sorted((f for f in by_field.get(field, []) if f["kind"] == "text"), key=lambda f: f["start"]):
            if f["start"] < pos:
                continue  # overlapping findings of different categories: mark the first
            n += 1
            marked.append(text[pos : f["start"]])
            label = f"{text[f['start']:f['end']]}"
            code = COLOURS.get(f["category"], "7") if f["effect"] != "none" else "2"
            marked.append(_paint(code, label, colour) + f"[{n}]")
            pos = f["end"]
        marked.append(text[pos:])
        lines.append(f"\n{field}: " + "".join(marked))
    n = 0
    lines.append("")
    for field in texts:
        for f in sorted((f for f in by_field.get(field, []) if f["kind"] == "text"), key=lambda f: f["start"]):
            n += 1
            effect = "harmless" if f["effect"] == "none" else f["effect"]
            line = f"[{n}] {f['category']} {f['text']!r} → {f['term']!r} ({f['severity']}, {effect})"
            if f.get("suggestion") is not None:
                line += "  suggestion: " + (repr(f["suggestion"]) if f["suggestion"] else "delete")
            lines.append(line)
            lines.append(f"    why: {f['explanation']}")
    suggested = result.get("suggested")
    if suggested:
        lines.append("\nsuggested copy (every automatic rewrite applied, scanner.text.rewrite):")
        for field in texts:
            if field in suggested:
                lines.append(f"{field}: {suggested[field]}")
    if suggested is not None and result["decision"] != "pass":
        manual = result.get("suggested_manual", 0)
        if manual:
            lines.append(f"{manual} finding(s) have no automatic rewrite and need a manual edit")
        again = result.get("suggested_decision")
        if suggested and again and again != "pass":
            lines.append(f"the suggested copy scanned again: {again}")
    images = [f for f in result["findings"] if f["kind"] == "image"]
    read = [f for f in result["findings"] if f["kind"] == "image_text"]
    if images or read or result.get("image_errors") or result.get("image_text"):
        lines.append("\nimages:")
    for t in result.get("image_text", []):
        lines.append(f"{t['field']} reads: {t['text']!r}")
    for f in read:
        n += 1
        effect = "harmless" if f["effect"] == "none" else f["effect"]
        lines.append(f"[{n}] {f['field']} {f['category']} {f['text']!r} → {f['term']!r} ({f['severity']}, {effect}) "
                     f"at {f['box']} (OCR confidence {f['ocr_confidence']})")
        lines.append(f"    why: {f['explanation']}")
    for f in images:
        n += 1
        effect = "harmless" if f["effect"] == "none" else f["effect"]
        lines.append(f"[{n}] {f['field']} {f['category']}: gallery entry {f['gallery_id']} ({f['brand']}; {effect}), "
                     f"distance {_pairs(f.get('distance') or {})}")
    for e in result.get("image_errors", []):
        lines.append(f"{e['field']}: {e['code']}: {e['message']}")
    for e in result.get("incomplete", []):
        lines.append(f"incomplete: {e['code']}: {e['message']}")
    if not result["findings"]:
        lines.append("no findings")
    lines.append("\nversions: " + ", ".join(f"{k} {version_label(v)}" for k, v in result["versions"].items()))
    return "\n".join(lines)


def _pairs(mapping: dict) -> str:
    """{'phash': 3, 'dhash': 5} -> 'phash 3, dhash 5': for people, not a Python repr."""
    return ", ".join(f"{k} {v}" for k, v in mapping.items())


def exit_status(result: dict, fail_on: str) -> int:
    if "error" in result:
        return EXIT_USAGE
    decision = result["decision"]
    if fail_on == "never" or EXIT_CODES[decision] < EXIT_CODES[fail_on]:
        return 0
    return EXIT_CODES[decision]


def run(args) -> int:
    from scanner.engine import Scanner

    try:
        listing = _listing_from_args(args)
    except (OSError, ValueError) as exc:  # JSONDecodeError and jsonio.InvalidNumber are ValueErrors
        print(f"scanner check: cannot read listing: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problem = _unusable(listing, args)
    if problem:
        print(f"scanner check: {problem}", file=sys.stderr)
        return EXIT_USAGE
    settings = settings_from_args(args, allow_local_image_paths=True)
    scanner = Scanner.from_settings(settings, with_images=not args.no_images,
                                    cached_text_engine=not args.no_engine_cache)
    if args.policy is not None and args.policy not in scanner.text_engine.profiles:
        known = ", ".join(sorted(scanner.text_engine.profiles))
        print(f"scanner check: --policy {args.policy!r}: no such profile in the word lists (known: {known})",
              file=sys.stderr)
        return EXIT_USAGE
    result = scanner.scan(listing, language=args.lang, ocr=args.ocr, mask=args.mask or None, suggest=True,
                          policy=args.policy).to_dict()
    if args.json:
        print(jsonio.dumps(result, indent=2).decode("utf-8"))
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        shown = listing if isinstance(listing, dict) else {}
        if args.mask:
            shown = with_masked_fields(shown, result.get("masked") or {})
        print(render(result, shown, colour))
    return exit_status(result, args.fail_on)


def _unusable(listing, args) -> str | None:
    """What makes a command line unusable before anything is scanned (None if nothing)."""
    from scanner.text.wordlists import PROFILE_NAME

    if args.policy is not None and not PROFILE_NAME.fullmatch(args.policy):
        return f"--policy {args.policy!r}: a profile name is lower-case letters, digits and '-' (at most 40)"
    if args.file:
        return None  # the engine answers a malformed listing with a precise error
    if not any((args.title, args.description, args.bullet, args.image)):
        return "nothing to check: give a title, --description, --bullet, --image or --file"
    missing = [p for p in args.image or () if not os.path.isfile(p)]
    if missing:
        return "no such image file: " + ", ".join(missing)
    return None
