"""Parse a caller's listing (contract JSON) into the fields the engine scans.

Validation is strict about types, lenient about absence: any copy field may be
missing or empty, but a title that is a number or bullets that are a dict are
caller bugs and get a clear `invalid_listing` error naming the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


class InvalidListing(ValueError):
    def __init__(self, message: str, code: str = "invalid_listing") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Listing:
    id: Any
    fields: tuple[tuple[str, str], ...]          # (field name as in findings, original text)
    images: tuple[Mapping[str, Any], ...]
    authorized_brands: tuple[str, ...]
    locale: str | None


def _text(value: Any, name: str, max_chars: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidListing(f"field {name!r} must be a string, got {type(value).__name__}")
    if len(value) > max_chars:
        raise InvalidListing(
            f"field {name!r} has {len(value)} characters; the limit is {max_chars}", code="field_too_long"
        )
    return value


def parse_listing(raw: Any, *, max_field_chars: int = 100_000) -> Listing:
    if isinstance(raw, Listing):
        return raw
    if not isinstance(raw, (dict, Mapping)):
        raise InvalidListing(f"a listing must be a JSON object, got {type(raw).__name__}")
    listing_id = raw.get("id")
    if listing_id is not None and not isinstance(listing_id, (str, int)):
        raise InvalidListing("field 'id' must be a string or an integer")

    fields: list[tuple[str, str]] = []
    for name in ("title", "description"):
        fields.append((name, _text(raw.get(name), name, max_field_chars)))

    bullets = raw.get("bullets")
    if bullets is not None:
        if not isinstance(bullets, list):
            raise InvalidListing("field 'bullets' must be a list of strings")
        for i, bullet in enumerate(bullets):
            fields.append((f"bullets[{i}]", _text(bullet, f"bullets[{i}]", max_field_chars)))

    attributes = raw.get("attributes")
    if attributes is not None:
        if not isinstance(attributes, Mapping):
            raise InvalidListing("field 'attributes' must be an object of string values")
        for key, value in attributes.items():
            name = f"attributes.{key}"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            fields.append((name, _text(value, name, max_field_chars)))

    images = raw.get("images")
    if images is None:
        images = []
    if not isinstance(images, list) or not all(isinstance(i, Mapping) for i in images):
        raise InvalidListing("field 'images' must be a list of objects like {\"data\": \"<base64>\"}")

    seller = raw.get("seller") or {}
    if not isinstance(seller, Mapping):
        raise InvalidListing("field 'seller' must be an object")
    brands = seller.get("authorized_brands") or []
    if not isinstance(brands, list) or not all(isinstance(b, str) for b in brands):
        raise InvalidListing("field 'seller.authorized_brands' must be a list of strings")

    locale = raw.get("locale")
    if locale is not None and not isinstance(locale, str):
        raise InvalidListing("field 'locale' must be a string")

    return Listing(
        id=listing_id,
        fields=tuple(f for f in fields if f[1]),
        images=tuple(images),
        authorized_brands=tuple(brands),
        locale=locale,
    )
