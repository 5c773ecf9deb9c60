"""Apply a scan's suggested rewrites to the copy: what an editor would paste back.

The same rules as the editor page's "Apply all suggestions" (api/static/suggestions.js):
only findings that count (effect other than "none") and carry a suggestion are
applied; an empty suggestion deletes the words, and one blank that deletion
would leave doubled is removed with them; overlapping findings are applied
once (the later one in the text wins, working from the end so earlier offsets
stay valid). Findings without a suggestion -- brands, most claims -- are left
for a person and counted as manual.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class Rewrite:
    text: str
    applied: int  # suggestions applied in this field
    manual: int  # findings that count but have no automatic rewrite


def _get(f: Any, name: str) -> Any:
    return f.get(name) if isinstance(f, Mapping) else getattr(f, name, None)


def rewrite_field(text: str, findings: Iterable[Any]) -> Rewrite:
    """`findings` are this field's text findings (Finding objects or contract dicts)."""
    counting = [f for f in findings if _get(f, "kind") == "text" and _get(f, "effect") != "none"]
    applicable = [f for f in counting if _get(f, "suggestion") is not None]
    applied, limit = 0, len(text) + 1
    for f in sorted(applicable, key=lambda f: (_get(f, "start"), _get(f, "end")), reverse=True):
        start, end, suggestion = _get(f, "start"), _get(f, "end"), _get(f, "suggestion")
        if end > limit:
            continue  # overlaps a rewrite already applied
        if suggestion == "" and end < len(text) and text[end] in " \t" and (start == 0 or text[start - 1] in " \t"):
            end += 1
        text = text[:start] + suggestion + text[end:]
        limit = start
        applied += 1
    return Rewrite(text, applied, len(counting) - len(applicable))


def rewrite_listing(listing: Mapping[str, Any], findings: Iterable[Any]) -> dict[str, Rewrite]:
    """Each text field of a contract listing that has findings, rewritten."""
    by_field: dict[str, list[Any]] = {}
    for f in findings:
        if _get(f, "kind") == "text":
            by_field.setdefault(_get(f, "field"), []).append(f)
    out = {}
    for field, found in by_field.items():
        original = field_text(listing, field)
        if original is not None:
            out[field] = rewrite_field(original, found)
    return out


def field_text(listing: Mapping[str, Any], field: str) -> str | None:
    """The text a finding's `field` names: title, description, bullets[i], attributes.key."""
    if field in ("title", "description"):
        value = listing.get(field)
    elif field.startswith("bullets[") and field.endswith("]"):
        bullets = listing.get("bullets") or []
        try:
            value = bullets[int(field[len("bullets[") : -1])]
        except (ValueError, IndexError, TypeError):
            return None
    elif field.startswith("attributes."):
        value = (listing.get("attributes") or {}).get(field[len("attributes.") :])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
    else:
        return None
    return value if isinstance(value, str) else None
