"""Parse a caller's listing (contract JSON) into the fields the engine scans.

Validation is strict about types, lenient about absence: any copy field may be
missing or empty, but a title that is a number or bullets that are a dict are
caller bugs and get a clear `invalid_listing` error naming the field.
"""
from __future__ import annotations

from collections import abc
from typing import Any, Mapping, NamedTuple


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
    ocr: bool | None = None                      # "options": {"ocr": …}; None: the scanner's default


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


def parse_listing(raw: Any, *, max_field_chars: int = 100_000) -> Listing:
    # Runs once per listing on the hot path: exact type checks first, the Mapping ABC
    # (a slower isinstance) only for the rare caller who passes another mapping type.
    if type(raw) is not dict:
        if isinstance(raw, Listing):
            return raw
        if not _is_mapping(raw):
            raise InvalidListing(f"a listing must be a JSON object, got {type(raw).__name__}")
    get = raw.get
    listing_id = get("id")
    if listing_id is not None and not isinstance(listing_id, (str, int)):
        raise InvalidListing("field 'id' must be a string or an integer")

    fields: list[tuple[str, str]] = []
    _add_text(fields, "title", get("title"), max_field_chars)
    _add_text(fields, "description", get("description"), max_field_chars)

    bullets = get("bullets")
    if bullets is not None:
        if not isinstance(bullets, list):
            raise InvalidListing("field 'bullets' must be a list of strings")
        for i, bullet in enumerate(bullets):
            _add_text(fields, f"bullets[{i}]", bullet, max_field_chars)

    attributes = get("attributes")
    if attributes is not None:
        if not _is_mapping(attributes):
            raise InvalidListing("field 'attributes' must be an object of string values")
        for key, value in attributes.items():
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

    ocr = None
    options = get("options")
    if options is not None:
        if not _is_mapping(options):
            raise InvalidListing('field \'options\' must be an object like {"ocr": true}')
        ocr = options.get("ocr")
        if ocr is not None and type(ocr) is not bool:
            raise InvalidListing("field 'options.ocr' must be true or false")

    return Listing(listing_id, tuple(fields), tuple(images), tuple(brands), locale, ocr)
