"""Parse a caller's listing (contract JSON) into the fields the engine scans.

Validation is strict about types, lenient about absence: any copy field may be
missing or empty, but a title that is a number or bullets that are a dict are
caller bugs and get a clear `invalid_listing` error naming the field.
"""
from __future__ import annotations

from collections import abc
from typing import Any, Mapping, NamedTuple

from scanner.options import DEFAULT_OPTIONS, InvalidOptions, ScanOptions, parse_options
from scanner.speakers import DEFAULT_SPEAKER, KINDS, RULES


# An attribute's name is a label (材质, Screen size): every finding in its value carries it in `field`, so a long one
# was copied into up to SCANNER_MAX_FINDINGS_PER_FIELD findings, its stored review item and its batch row (red-team
# R07: a 5 MB name cost 1.5 GB of memory and a 100 MB result).
MAX_ATTRIBUTE_NAME_CHARS = 200


class InvalidListing(ValueError):
    def __init__(self, message: str, code: str = "invalid_listing") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Listing(NamedTuple):
    """A parsed listing (a named tuple: built once per scan, so it must be cheap)."""

    id: Any
    fields: tuple[tuple[str, str], ...]          # (field name as in findings, original text)
    images: tuple[Mapping[str, Any], ...]
    authorized_brands: tuple[str, ...]
    locale: str | None
    options: ScanOptions = DEFAULT_OPTIONS  # "options": {...} (scanner/options.py)
    # #20: what the text is and who wrote it (scanner/speakers.py); a listing is the seller's copy
    kind: str = "listing"
    speaker: str = "seller"
    listing_id: Any = None  # a review's or question's listing, echoed back


def _too_long(name: str, value: str, max_chars: int) -> InvalidListing:
    return InvalidListing(
        f"field {name!r} has {len(value)} characters; the limit is {max_chars}", code="field_too_long"
    )


def _add_text(fields: list, name: str, value: Any, max_chars: int) -> None:
    """Append (name, value) if value is a non-empty string; None and "" are absent."""
    if type(value) is str:
        if value:
            if len(value) > max_chars:
                raise _too_long(name, value, max_chars)
            fields.append((name, value))
    elif value is not None:
        if isinstance(value, str):  # a str subclass is still text
            _add_text(fields, name, str(value), max_chars)
            return
        raise InvalidListing(f"field {name!r} must be a string, got {type(value).__name__}")


def _is_mapping(value: Any) -> bool:
    # isinstance against typing.Mapping goes through typing's generic alias (250 ns against
    # 12 ns here); a plain dict, which JSON gives, needs no ABC at all.
    return type(value) is dict or isinstance(value, abc.Mapping)


def _too_many_fields(count: int, max_fields: int) -> InvalidListing:
    return InvalidListing(
        f"the listing has {count} bullets and attributes; the limit is {max_fields}", code="too_many_fields"
    )


# Fields of a listing that a review or Q&A entry may not carry: it is one text, by one speaker.
_LISTING_ONLY = ("title", "description", "bullets", "attributes", "images", "seller")
# ... and the fields of a review or Q&A entry that a listing may not carry.
_TEXT_ITEM_ONLY = ("speaker", "text")


def parse_listing(raw: Any, *, max_field_chars: int = 100_000, max_fields: int = 1_000) -> Listing:
    # Runs once per listing on the hot path: exact type checks first, the Mapping ABC
    # (a slower isinstance) only for the rare caller who passes another mapping type.
    if type(raw) is not dict:
        if isinstance(raw, Listing):
            return raw
        if not _is_mapping(raw):
            raise InvalidListing(f"a listing must be a JSON object, got {type(raw).__name__}")
    get = raw.get
    listing_id = get("id")
    if listing_id is not None and (not isinstance(listing_id, (str, int)) or listing_id is True or listing_id is False):
        # (a bool is an int to Python, not to the contract: `"id": true` was echoed as an id, red team 2026-12-06)
        raise InvalidListing("field 'id' must be a string or an integer")
    kind = get("kind")
    if kind is not None and kind != "listing":
        return _parse_text_item(raw, kind, listing_id, max_field_chars)
    # A review or Q&A sent without its kind would be scanned as a listing whose `text` is an unknown field: nothing
    # read, "pass". Refused instead (fail closed), as a review carrying a listing's fields is.
    extra = [name for name in _TEXT_ITEM_ONLY if get(name) is not None]
    if extra:
        raise InvalidListing(f"a listing has no field {', '.join(repr(e) for e in extra)}: a review or Q&A entry needs "
                             f"\"kind\": \"review\" or \"qa\"")

    fields: list[tuple[str, str]] = []
    _add_text(fields, "title", get("title"), max_field_chars)
    _add_text(fields, "description", get("description"), max_field_chars)

    bullets = get("bullets")
    if bullets is not None:
        if not isinstance(bullets, list):
            raise InvalidListing("field 'bullets' must be a list of strings")
        if len(bullets) > max_fields:  # refused before any work: 400,000 bullets held ~150 MB per request
            raise _too_many_fields(len(bullets), max_fields)
        for i, bullet in enumerate(bullets):
            _add_text(fields, f"bullets[{i}]", bullet, max_field_chars)

    attributes = get("attributes")
    if attributes is not None:
        if not _is_mapping(attributes):
            raise InvalidListing("field 'attributes' must be an object of string values")
        if len(attributes) + len(bullets or ()) > max_fields:
            raise _too_many_fields(len(attributes) + len(bullets or ()), max_fields)
        for key, value in attributes.items():
            if len(key) > MAX_ATTRIBUTE_NAME_CHARS:
                raise InvalidListing(f"an attribute's name has {len(key)} characters; the limit is "
                                     f"{MAX_ATTRIBUTE_NAME_CHARS}")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            _add_text(fields, f"attributes.{key}", value, max_field_chars)

    images = get("images")
    if images is None:
        images = ()
    elif not isinstance(images, list) or not all(_is_mapping(i) for i in images):
        raise InvalidListing("field 'images' must be a list of objects like {\"data\": \"<base64>\"}")

    seller = get("seller") or None
    brands = ()
    if seller is not None:
        if not _is_mapping(seller):
            raise InvalidListing("field 'seller' must be an object")
        brands = seller.get("authorized_brands") or ()
        if not isinstance(brands, (list, tuple)) or not all(isinstance(b, str) for b in brands):
            raise InvalidListing("field 'seller.authorized_brands' must be a list of strings")

    locale = get("locale")
    if locale is not None and not isinstance(locale, str):
        raise InvalidListing("field 'locale' must be a string")

    options = get("options")
    if options is not None:
        try:
            options = parse_options(options)
        except InvalidOptions as exc:
            raise InvalidListing(exc.message, code=exc.code) from None
    return Listing(listing_id, tuple(fields), tuple(images), tuple(brands), locale, options or DEFAULT_OPTIONS)



def _parse_text_item(raw: Mapping[str, Any], kind: Any, item_id: Any, max_field_chars: int) -> Listing:
    """A customer review or Q&A entry (#20): `{"kind": "review"|"qa", "id", "listing_id", "text", "speaker",
    "options"}`, scanned as one field named `text`, which has the description's length limit."""
    if kind not in KINDS:
        known = ", ".join(repr(k) for k in KINDS)
        raise InvalidListing(f"field 'kind' must be one of {known}; got {kind!r}")
    extra = [name for name in _LISTING_ONLY if raw.get(name) is not None]
    if extra:
        raise InvalidListing(f"a {kind} has one field 'text'; it may not carry {', '.join(repr(e) for e in extra)}")
    speaker = raw.get("speaker")
    if speaker is None:
        speaker = DEFAULT_SPEAKER[kind]
    if not isinstance(speaker, str) or (kind, speaker) not in RULES:
        speakers = sorted(s for k, s in RULES if k == kind)
        raise InvalidListing(f"field 'speaker' of a {kind} must be one of {', '.join(repr(s) for s in speakers)}; "
                             f"got {speaker!r}")
    listing_id = raw.get("listing_id")
    if listing_id is not None and (not isinstance(listing_id, (str, int)) or listing_id is True or listing_id is False):
        raise InvalidListing("field 'listing_id' must be a string or an integer")
    fields: list[tuple[str, str]] = []
    _add_text(fields, "text", raw.get("text"), max_field_chars)
    locale = raw.get("locale")
    if locale is not None and not isinstance(locale, str):
        raise InvalidListing("field 'locale' must be a string")
    options = raw.get("options")
    if options is not None:
        try:
            options = parse_options(options)
        except InvalidOptions as exc:
            raise InvalidListing(exc.message, code=exc.code) from None
    return Listing(item_id, tuple(fields), (), (), locale, options or DEFAULT_OPTIONS, kind, speaker, listing_id)
