"""What a reviewer may see of a listing (data minimisation, issue #19 item 5).

The review store never holds a listing as the caller sent it. It holds a reviewer's copy:

* text fields (named as findings name them: `title`, `bullets[0]`, `attributes.材质`), in which
  - every `personal_data` finding's span is replaced by the finding's own masked text (the
    maskers of scanner/text/personal_data.py, the one definition of how personal data is masked);
  - every other phone number, ID, card or long digit run is masked the same way (first 3 and last
    4 characters kept), EXCEPT inside a span another finding flagged (a `diversion` phone
    number, say): that is what the reviewer has to judge, so it stays as the seller wrote it;
* image references without their bytes (`{"sha256", "bytes"}` for inline data; URLs as sent);
* the seller's authorized brands and the locale (they change decisions).

A customer's text (a review, a buyer's question: `speaker` "buyer", #20) is a private person's, not a
seller's business copy: its phone numbers, IDs and cards are masked even inside a span another finding
flagged (a buyer's number is `diversion` by the word lists, and still the buyer's own number), a contact the
scan found (its finding's text comes masked: scanner/speakers.py) is replaced by that text, and the
findings' and listing signals' `text` in the stored result are cut from the masked text. The reviewer's copy
of such an item says what it is: `kind`, `listing_id` (the listing it is about) and `speaker`.

Every masked text has the original's length, so findings' start/end still slice it, and the
spans that were masked are stored beside it (a missed span may not reach into one: its text
would be hidden from the reviewer who marks it and would end up in a word list).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from scanner.listing import parse_listing
from scanner.speakers import CONTACT_TERMS
from scanner.text.personal_data import CATEGORY as PERSONAL_DATA
from scanner.text.personal_data import mask, mask_whole, unreported

# Runs of 7+ digits (separators inside allowed): phone numbers, IDs, cards, account numbers.
# Shorter numbers (sizes, prices, years, model numbers) stay readable.
_DIGIT_RUN = re.compile(r"(?<![0-9０-９])[0-9０-９+](?:[ \-]?[0-9０-９]){6,}[XxＸｘ]?(?![0-9０-９])")
# Six digits in a row (one separator allowed between two): inside every _DIGIT_RUN match, and a plain
# search for it is 2-3x cheaper than the lookbehind pattern's, so most fields (no such run) skip the latter.
_SIX_DIGITS = re.compile(r"[0-9０-９][ \-]?[0-9０-９](?:[ \-]?[0-9０-９]){4}")


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def reviewer_text(text: str, findings: list[dict[str, Any]], private: bool = False,
                  digits: bool | None = None) -> tuple[str, list[tuple[int, int]]]:
    """(text as a reviewer sees it, the spans masked) for one field and its text findings. `private`: a
    customer's text, whose digit runs are masked inside flagged spans too. `digits`: whether the text holds
    six digits in a row (_SIX_DIGITS), when the caller has looked already.

    Masks are laid character by character, so two that overlap (a buyer's phone finding inside a person's block)
    hide the union of what each hides: a finding's text that differs from the text it slices shows what it hides."""
    chars: list[str] | None = None
    masked: list[tuple[int, int]] = []
    flagged: list[tuple[int, int]] = []

    def lay(start: int, end: int, shown: str, whole: bool = True) -> None:
        """Lay `shown` over text[start:end]; the span is masked as a whole, or (`whole` False: a finding of
        another kind whose text hides a contact inside it) only its characters that differ."""
        nonlocal chars
        if chars is None:
            chars = list(text)
        for i, c in enumerate(shown, start):
            if c != text[i]:
                chars[i] = c
                if not whole:
                    masked.append((i, i + 1))
        if whole:
            masked.append((start, end))

    for f in findings:
        start, end = f.get("start"), f.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            continue
        shown = f.get("text")
        hides = f.get("category") == PERSONAL_DATA or (private and f.get("category") == "diversion"
                                                       and f.get("term") in CONTACT_TERMS)
        if not isinstance(shown, str) or len(shown) != end - start:
            if hides:  # never trust a text we cannot line up: mask it all
                lay(start, end, mask_whole(text[start:end]))
            else:
                flagged.append((start, end))
        elif hides:
            lay(start, end, shown)
        else:
            if shown != text[start:end]:  # a finding's text that hides something inside it (a phrase over a contact)
                lay(start, end, shown, whole=False)
            flagged.append((start, end))
    if digits if digits is not None else _SIX_DIGITS.search(text) is not None:
        personal = list(masked)
        for m in _DIGIT_RUN.finditer(text):
            if (not private and _overlaps(flagged, m.start(), m.end())) or _overlaps(personal, m.start(), m.end()):
                continue
            lay(m.start(), m.end(), mask("phone", m.group()))
    if chars is None:  # most fields: nothing to hide
        return text, []
    masked.sort()
    merged: list[tuple[int, int]] = []
    for a, b in masked:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return "".join(chars), merged


def _image_ref(image: Any) -> dict[str, Any]:
    if not isinstance(image, dict):
        return {"invalid": True}
    if image.get("data") is not None:  # {"url": …, "data": null} is the URL's image, not an empty upload
        data = image.get("data")
        try:
            raw = base64.b64decode(data, validate=False) if isinstance(data, str) else b""
        except (binascii.Error, ValueError):
            raw = b""
        return {"sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw)}
    if "url" in image:
        return {"url": str(image.get("url"))}
    if "upload" in image:
        return {"upload": image.get("upload")}
    return {"ref": sorted(str(k) for k in image)}


def reviewer_copy(listing: Any, result: dict[str, Any], parsed: Any = None) -> tuple[dict[str, Any], dict[str, list]]:
    """(the listing as stored for reviewers, {field: masked spans}). `parsed`: parse_listing(listing), when the
    caller has it (None: parsed here)."""
    if parsed is None:
        parsed = parse_unlimited(listing)
    fields = list(parsed.fields) if parsed is not None else []
    private = parsed.speaker == "buyer" if parsed is not None else is_private(result)
    by_field: dict[str, list[dict[str, Any]]] = {}
    for f in result.get("findings") or ():
        if f.get("kind") == "text":
            by_field.setdefault(f.get("field"), []).append(f)
    if result.get("incomplete"):  # a scan cut short (caps, budget): what it did not report is hidden all the same
        for u in unreported(fields, (), private):
            by_field.setdefault(u.field, []).append(u._asdict())
    out_fields: dict[str, str] = {}
    spans: dict[str, list] = {}
    for name, text in fields:
        found = by_field.get(name)
        digits = _SIX_DIGITS.search(text) is not None
        if found is None and not digits:  # nothing flagged, nothing to mask
            out_fields[name] = text
            continue
        shown, masked = reviewer_text(text, found or [], private, digits)
        out_fields[name] = shown
        if masked:
            spans[name] = [list(s) for s in masked]
    copy: dict[str, Any] = {"id": result.get("id"), "fields": out_fields}
    if parsed is not None and parsed.kind != "listing":  # a review or Q&A entry: what it is, and about which listing
        copy.update(kind=parsed.kind, listing_id=parsed.listing_id, speaker=parsed.speaker)
    if isinstance(listing, dict):
        images = listing.get("images")
        if isinstance(images, list) and images:
            copy["images"] = [_image_ref(i) for i in images]
        seller = listing.get("seller")
        if isinstance(seller, dict) and seller.get("authorized_brands"):
            copy["seller"] = {"authorized_brands": list(seller["authorized_brands"])}
        if isinstance(listing.get("locale"), str):
            copy["locale"] = listing["locale"]
    return copy, spans


def parse_unlimited(listing: Any) -> Any:
    """parse_listing without the request limits (the scan applied them), or None if it cannot be parsed (a result
    row exists, so the listing parsed once; be safe anyway)."""
    try:
        return parse_listing(listing, max_field_chars=10**9, max_fields=10**9)
    except Exception:  # noqa: BLE001
        return None


def is_private(result: dict[str, Any]) -> bool:
    """Whether a result is of a customer's text (a review, a buyer's question), masked more strictly."""
    return result.get("speaker") == "buyer"


def _cut(entries: Any, fields: dict[str, str]) -> list:
    """Findings or listing signals with `text` cut from the masked field they index (same length as the
    original, so start/end still line up); an entry that does not line up has its digits masked."""
    out = []
    for e in entries or ():
        if not isinstance(e, dict) or not isinstance(e.get("text"), str):
            out.append(e)
            continue
        shown = fields.get(e.get("field", "text"))
        start, end = e.get("start"), e.get("end")
        if (isinstance(shown, str) and isinstance(start, int) and isinstance(end, int)
                and 0 <= start <= end <= len(shown) and end - start == len(e["text"])):
            out.append({**e, "text": shown[start:end]})
        else:
            out.append({**e, "text": reviewer_text(e["text"], [], True)[0]})
    return out


def reviewer_result(result: dict[str, Any], fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The result as stored: without the `masked` copy (the reviewer's copy replaces it), and with the
    text OCR read from images masked like a field (its findings index that text). For a customer's text,
    `fields` (the reviewer's copy's fields) gives the findings' and listing signals' `text`."""
    out = {k: v for k, v in result.items() if k != "masked"}
    if is_private(out):
        text_fields = fields or {}
        out["findings"] = _cut(out.get("findings"), text_fields)
        if out.get("listing_signals"):
            out["listing_signals"] = _cut(out["listing_signals"], text_fields)
    if out.get("image_text"):
        by_field: dict[str, list] = {}
        for f in out.get("findings") or ():
            if f.get("kind") == "image_text":
                by_field.setdefault(f.get("field"), []).append(f)
        read = []
        for entry in out["image_text"]:
            text, _ = reviewer_text(entry.get("text") or "", by_field.get(entry.get("field"), []))
            lines = [{**line, "text": reviewer_text(line.get("text") or "", [])[0]} for line in entry.get("lines") or ()]
            read.append({**entry, "text": text, "lines": lines})
        out["image_text"] = read
    return out
