"""The schema of wordlists/policy.toml. This is the one place that holds its defaults and its limits.

A policy value of the wrong type or out of range stops the load (`PolicyError`, naming the key). A reload
therefore keeps the old version serving, and start-up stops. Unknown keys are refused too, so a typo
(`block_scor`) is never silently ignored. Strict types: TOML gives ints and floats as such, and a bool or a
string is never read as a number.

This is plain Python on purpose: scanner/text/policy.py is compiled by Cython, and pydantic reads class
annotations at run time.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Mapping, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from scanner.categories import DEFAULT_ACTIONS

Action = Literal["block", "review", "none"]
ACTIONS: tuple[str, ...] = get_args(Action)
Score = Annotated[float, Field(ge=0.0, le=1.0)]  # a finding's confidence

_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True)


# What an active finding of each category does to the listing (CONTRACT.md "Decisions"): one field
# per category, its default from scanner/categories.py.
Actions = create_model(
    "Actions", __config__=_CONFIG, **{category: (Action, default) for category, default in DEFAULT_ACTIONS.items()}
)


class SeverityScores(BaseModel):
    """Per-finding confidence by severity, before context adjustments."""

    model_config = _CONFIG
    high: Score = 0.95
    medium: Score = 0.75
    low: Score = 0.5


OCR_BLOCK_MIN_CONFIDENCE = 0.8


class Thresholds(BaseModel):
    model_config = _CONFIG
    # A raw risk (0-100, before policy.decide bands the score by decision) at or above this blocks the
    # listing. 101 switches it off. At least 1: a clean listing (risk 0) must never block.
    block_score: int = Field(default=101, ge=1, le=101)
    # Findings below this confidence do not move the decision.
    min_finding_score: Score = 0.3
    # A finding read from an image (OCR) that would block is lowered to review when the reader was less sure
    # than this: a misread banner must not block a seller on its own; a person looks at it instead.
    # 0 switches it off. Chosen from tools.ocr_eval's confidences (docs/ocr.md).
    ocr_block_min_confidence: Score = OCR_BLOCK_MIN_CONFIDENCE


class PolicyFile(BaseModel):
    model_config = _CONFIG
    brand_with_counterfeit: Action = "block"  # a brand named beside counterfeit wording
    # a brand in a listing that says where the goods came from (附小票, 二手, authenticated, 官方授权店)
    brand_with_provenance: Action = "none"
    actions: Actions = Actions()
    severity_scores: SeverityScores = SeverityScores()
    thresholds: Thresholds = Thresholds()


class Description(BaseModel):
    """A profile's `description` table (shown by GET /v1/policies and the editor page's profile list): what the
    profile is for, in English and Chinese. Text for people only: it never changes a decision, so it is not part
    of the policy hash. One line each, no control characters."""

    model_config = _CONFIG
    en: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
    zh: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


DESCRIPTION_KEY = "description"


class PolicyError(ValueError):
    """`locs`: the key path of each bad value (("thresholds", "block_score"), ...), so a loader can name its line."""

    def __init__(self, message: str, locs: tuple[tuple[Any, ...], ...] = ()) -> None:
        super().__init__(message)
        self.locs = locs


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def custom_actions(raw: Any, defaults: Mapping[str, str]) -> tuple[Any, dict[str, str]]:
    """Split the operator's own categories (wordlists/custom/, #20) out of `[actions]`: (the policy
    without them, for parse_policy; each one's action, its file's default unless policy.toml sets
    one). Their ids come from the loaded lists, so the fixed Actions model cannot name them; each is
    checked here the same way (block, review or none: none switches the category off)."""
    if not defaults or not isinstance(raw, dict) or not isinstance(raw.get("actions"), dict):
        return raw, dict(defaults)
    actions = dict(raw["actions"])
    out = dict(defaults)
    for category in defaults:
        if category in actions:
            value = actions.pop(category)
            if value not in ACTIONS:
                raise PolicyError(f"actions.{category}: Input should be 'block', 'review' or 'none' (got {_shown(value)})",
                                  (("actions", category),))
            out[category] = value
    return {**raw, "actions": actions}, out


def parse_policy(raw: Any) -> PolicyFile:
    """The validated policy. Raises PolicyError naming each bad key (at most five), e.g.
    `thresholds.block_score: Input should be greater than or equal to 1 (got -5)`."""
    try:
        return PolicyFile.model_validate(raw)
    except ValidationError as exc:
        raise _policy_error(exc) from None


def _policy_error(exc: ValidationError, prefix: tuple[Any, ...] = ()) -> PolicyError:
    errors = exc.errors(include_url=False)
    parts = []
    for err in errors[:5]:
        got = "" if err["type"] == "extra_forbidden" else f" (got {_shown(err.get('input'))})"
        parts.append(f"{_where(prefix + tuple(err['loc']))}: {err['msg']}{got}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return PolicyError("; ".join(parts) + more, tuple(prefix + tuple(err["loc"]) for err in errors))


def parse_description(raw: Any) -> dict[str, str]:
    """The validated `description` table ({"en", "zh"}). Raises PolicyError naming each bad key like parse_policy."""
    try:
        return Description.model_validate(raw).model_dump()
    except ValidationError as exc:
        raise _policy_error(exc, (DESCRIPTION_KEY,)) from None


def merge_policy(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A profile (wordlists/profiles/<name>.toml) over the default policy: tables merge key by key, any other
    value replaces the default's. The result is validated like policy.toml itself."""
    out = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_policy(out[key], value)
        else:
            out[key] = value
    return out


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of TOML `text` that sets the key at path `loc` (or the nearest enclosing key or
    table it names), for errors that say file:line; None if the key is not written in `text`."""
    table: tuple[str, ...] = ()
    best: tuple[int, int] | None = None  # (matched depth, line)
    want = tuple(str(part) for part in loc)
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            table = tuple(part.strip().strip('"') for part in stripped.strip("[]").split("."))
            path = table
        elif "=" in stripped:
            key = stripped.split("=", 1)[0].strip()
            path = table + tuple(part.strip().strip('"') for part in key.split("."))
        else:
            continue
        if want[: len(path)] == path and (best is None or len(path) > best[0]):
            best = (len(path), n)
    return best[1] if best else None
