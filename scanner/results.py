"""Value types shared by every stage and every interface (see CONTRACT.md).

Results are immutable value types turned into contract JSON in one place
(`to_dict`), so the library, HTTP API, CLI, batch files and Spark job cannot drift
apart. `Finding` and `ScanResult`, built for every finding and every scan, are named
tuples: a frozen dataclass of 16 fields cost 2.6 µs to build and 5-7 µs to copy with a
change (`dataclasses.replace`), a named tuple about 1 µs for either (`_replace`). The
rare ones (`ScanError`, `FailedScan`) stay frozen dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, NamedTuple

Decision = Literal["pass", "review", "block"]
Severity = Literal["low", "medium", "high"]
# What a finding did to the listing's decision. "none" marks a finding that context
# made harmless (authorized brand, compatibility mention): still shown, never counted.
Effect = Literal["block", "review", "none"]

SEVERITIES = ("low", "medium", "high")


class Reason(NamedTuple):
    """One rule that fired, as data: decisions read these, never the explanation text, which is
    rendered from them in one place (scanner/text/verify/explain.py). Internal for now: not in
    the contract JSON."""

    code: str
    params: Mapping[str, Any]


class Finding(NamedTuple):
    kind: Literal["text", "image", "image_text"]  # image_text: text read from an image by OCR
    category: str
    field: str
    severity: Severity
    score: float
    explanation: str
    effect: Effect = "review"
    start: int | None = None
    end: int | None = None
    text: str | None = None
    term: str | None = None
    brand: str | None = None
    suggestion: str | None = None
    # image findings only
    gallery_id: str | None = None
    distance: dict[str, int] | None = None
    gallery_label: str | None = None
    # why, as data (text findings); `explanation` is their English rendering
    reasons: tuple[Reason, ...] = ()
    # image_text findings only: where in the ORIGINAL image ([x0, y0, x1, y1]) and how sure OCR was
    box: tuple[int, int, int, int] | None = None
    ocr_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "category": self.category,
            "field": self.field,
        }
        if self.kind != "image":  # text, and image_text (start/end index the image's recognised text)
            d.update(start=self.start, end=self.end, text=self.text, term=self.term)
        d.update(
            severity=self.severity,
            score=round(self.score, 4),
            effect=self.effect,
            brand=self.brand,
            suggestion=self.suggestion,
            explanation=self.explanation,
        )
        if self.kind == "image":
            d.update(gallery_id=self.gallery_id, distance=self.distance, label=self.gallery_label)
        elif self.kind == "image_text":
            d.update(box=list(self.box) if self.box is not None else None,
                     ocr_confidence=None if self.ocr_confidence is None else round(self.ocr_confidence, 4))
        return d


@dataclass(frozen=True, slots=True)
class ScanError:
    code: str
    message: str
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            d = {"field": self.field, **d}
        return d


class ListingSignal(NamedTuple):
    """Something a buyer's review or question says about the LISTING (#20: "明显是假的" is a buyer's report, not
    the buyer's violation): carried beside the findings, never counted in the review's own decision."""

    category: str
    start: int
    end: int
    text: str
    explanation: str
    explanation_zh: str

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class ScanResult(NamedTuple):
    id: Any
    decision: Decision
    score: int
    findings: tuple[Finding, ...]
    versions: Mapping[str, str]  # read-only, shared by the results of one data version
    took_ms: float
    image_errors: tuple[ScanError, ...] = ()
    # Why the scan is not complete (time budget spent, findings capped, a row that timed out):
    # an incomplete result is never "pass" (`unfinished` and the engine raise it to review).
    incomplete: tuple[ScanError, ...] = ()
    # Asked for with options.mask: each text field with its personal data masked (same length).
    masked: Mapping[str, str] | None = None
    # What OCR read from each image it read (scanner.images.ocr.ImageText), when OCR was on
    image_text: tuple = ()
    # Asked for with options.suggest (scanner/text/rewrite.py): the text fields the rewrite changed, the
    # findings that count and are left for a person, and the decision a re-scan of the suggested copy gets
    suggested: Mapping[str, str] | None = None
    suggested_manual: int = 0
    suggested_decision: Decision | None = None
    # #20: a review's or Q&A entry's kind, speaker and listing (None for a listing: its JSON is unchanged), and what
    # a buyer's text says about that listing (scanner/speakers.py)
    kind: str | None = None
    listing_id: Any = None
    speaker: str | None = None
    listing_signals: tuple[ListingSignal, ...] = ()
    # The SHA-256 of each image's bytes as the scan read them ("images[i]" -> hex; absent when no image was read):
    # what the image findings are of, since a URL can serve other bytes tomorrow (the review queue's item key, #19)
    image_sha256: Mapping[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "decision": self.decision,
            "score": self.score,
            "findings": [f.to_dict() for f in self.findings],
            "versions": versions_dict(self.versions),
            "took_ms": round(self.took_ms, 3),
        }
        if self.image_errors:
            d["image_errors"] = [e.to_dict() for e in self.image_errors]
        if self.incomplete:
            d["incomplete"] = [e.to_dict() for e in self.incomplete]
        if self.masked is not None:
            d["masked"] = dict(self.masked)
        if self.image_text:
            d["image_text"] = [t.to_dict() for t in self.image_text]
        if self.suggested is not None:
            d["suggested"] = dict(self.suggested)
            d["suggested_manual"] = self.suggested_manual
            d["suggested_decision"] = self.suggested_decision
        if self.kind is not None:
            d["kind"] = self.kind
            d["listing_id"] = self.listing_id
            d["speaker"] = self.speaker
            d["listing_signals"] = [s.to_dict() for s in self.listing_signals]
        if self.image_sha256:
            d["image_sha256"] = dict(self.image_sha256)
        return d



# The listing score (0-100) reads as the decision: every block scores above every review and every
# review above every pass, so sorting or thresholding on `score` agrees with `decision`. Inside its band
# a listing's raw risk (1 - prod(1 - finding score) over the findings that count, policy.decide) places it
# linearly, so two reviews still compare. The one table of bands (docs/api.md "Scores").
SCORE_BANDS: dict[str, tuple[int, int]] = {"pass": (0, 29), "review": (30, 69), "block": (70, 100)}


def band_score(decision: str, risk: float) -> int:
    """The listing score of a `decision` with raw risk `risk` (0..1): its band's low end at risk 0, its
    high end at risk 1."""
    low, high = SCORE_BANDS[decision]
    return low + int(round(min(max(risk, 0.0), 1.0) * (high - low)))


# The score an unfinished listing gets: the lowest a review can have.
UNFINISHED_SCORE = SCORE_BANDS["review"][0]

# image_errors codes for an image whose text OCR did not read although asked to: not the caller's
# input at fault (the service never refuses a listing for them), but the listing is at least `review`.
OCR_UNREAD_CODES = frozenset({"ocr_unavailable", "ocr_budget_exceeded", "ocr_images_capped", "ocr_failed", "ocr_busy"})


def versions_dict(versions: Mapping[str, Any]) -> dict[str, Any]:
    """A result's versions as plain JSON values: each is a string, but `policy` is {"name", "hash"} (#20)."""
    return {k: dict(v) if isinstance(v, Mapping) else v for k, v in versions.items()}


def version_label(value: Any) -> str:
    """One data version as text for people and keys: "sha256:…", or for the policy profile "default sha256:…"."""
    if isinstance(value, Mapping):
        return " ".join(str(v) for v in value.values())
    return str(value)


def unfinished(listing_id: Any, code: str, message: str, versions: Mapping[str, str], took_ms: float = 0.0,
               findings: tuple["Finding", ...] = ()) -> ScanResult:
    """A listing we could not finish scanning (budget spent, row timeout): `review` with the
    reason in `incomplete`, never `pass` -- a seller who finds a slow input must not get through.
    Findings already made are kept; if one of them blocks, the caller decides block instead (and a
    caller that scored the findings as a review keeps that higher review score)."""
    return ScanResult(id=listing_id, decision="review", score=UNFINISHED_SCORE, findings=tuple(findings),
                      versions=versions, took_ms=took_ms, incomplete=(ScanError(code, message),))


@dataclass(frozen=True, slots=True)
class FailedScan:
    """A listing that could not be scanned at all: the contract's error row."""

    id: Any
    error: ScanError
    versions: dict[str, str] = field(default_factory=dict)

    decision = None  # lets callers test `result.decision` on either type

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "error": self.error.to_dict()}
        if self.versions:
            d["versions"] = versions_dict(self.versions)
        return d


class ImageInputError(Exception):
    """One image could not be loaded or decoded; becomes an `image_errors` entry.

    `code` is a stable machine-readable reason (e.g. "image_too_large",
    "image_corrupt", "image_unsupported_format", "url_host_not_allowed").
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
