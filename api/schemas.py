"""Pydantic models that DOCUMENT the API (OpenAPI at /docs).

Scan bodies are not parsed through these models: the engine validates listings itself
(with messages naming the field) and the hot path avoids a second validation. The
models are attached to routes via `openapi_extra` / `responses` so /docs shows the exact
contract shapes with examples.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EXAMPLE_LISTING = {
    "id": "sku-123",
    "title": "高仿耐克 运动鞋 男款",
    "description": "原单品质，加微信 abc123 下单",
    "bullets": ["透气网布", "全网最低价"],
    "attributes": {"材质": "网布"},
    "images": [{"data": "/9j/4AAQSkZJRgABAQ…"}],
    "seller": {"authorized_brands": []},
    "locale": "zh-CN",
}
EXAMPLE_REVIEW = {"kind": "review", "id": "r-1", "listing_id": "sku-9",
                  "text": "商家说五星送红包。跟专柜的不一样，明显是假的"}
EXAMPLE_FINDING = {
    "kind": "text", "category": "counterfeit", "field": "title", "start": 0, "end": 2, "text": "高仿",
    "term": "高仿", "severity": "high", "score": 0.95, "effect": "block", "brand": None, "suggestion": None,
    "explanation": "counterfeit wording",
}
EXAMPLE_VERSIONS = {"wordlists": "sha256:3f1c…", "gallery": "sha256:9a0b…", "scanner": "0.1.0"}
EXAMPLE_RESULT = {
    "id": "sku-123", "decision": "block", "score": 97, "findings": [EXAMPLE_FINDING],
    "versions": EXAMPLE_VERSIONS, "took_ms": 0.8,
}


class ImageRef(BaseModel):
    """Exactly one of `data` (standard base64, or a data: URL) or `url` (allow-listed hosts only)."""

    data: str | None = Field(None, description="base64 image bytes (JPEG, PNG, GIF, WebP, BMP, TIFF)")
    url: str | None = Field(None, description="http(s) URL on a host in SCANNER_IMAGE_URL_HOSTS")


class Seller(BaseModel):
    authorized_brands: list[str] = Field(default_factory=list, description="brands this seller may name")


class ScanOptionsIn(BaseModel):
    """What the caller asks of the scan (scanner/options.py). An unknown option or value is a 422 `invalid_options`."""

    language: Literal["en", "zh"] = Field("en", description="language of the findings' explanations")
    mask: bool = Field(False, description="also return `masked`: each text field with its personal data "
                                          "replaced by * of the same length")
    ocr: bool | None = Field(
        None, description="read the text in the images (offline OCR) and scan it like copy; default: the "
        "server's SCANNER_OCR. `true` on a server whose SCANNER_OCR is off is refused, 422 ocr_not_allowed, unless "
        "its operator set SCANNER_OCR_PER_REQUEST (OCR is the costliest stage); `false` is always allowed. Needs "
        "the `ocr` extra; without it each image gets an image_errors entry ocr_unavailable")
    suggest: bool = Field(False, description="also return `suggested`: the text fields rewritten so an editor can "
                                             "publish them, `suggested_manual` and `suggested_decision` (docs/api.md)")
    policy: str | None = Field(
        None, description="named policy profile (wordlists/profiles/<name>.toml, e.g. \"cosmetics\"); default: the "
        "API key's profile, else `default` (policy.toml). An unknown name is the listing's 422 `unknown_policy`")


class ListingIn(BaseModel):
    """One listing, or (with `kind`) a customer review or Q&A entry (#20). Every field is optional; unknown fields
    are ignored. A review or qa has one field, `text` (the description's length limit), and may not carry title,
    description, bullets, attributes, images or seller (422 `invalid_listing`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_LISTING, EXAMPLE_REVIEW]})
    kind: Literal["listing", "review", "qa"] | None = Field(
        None, description="what is scanned: absent or `listing` = a seller's listing (the fields below); `review` = a "
        "buyer's review, `qa` = a question or answer (`speaker`), each one `text`. Who speaks decides which rules "
        "apply (scanner/speakers.py): a buyer's 最好/best/cures/brand name is no violation, a buyer's report that the "
        "goods are fake is a `listing_signals` entry, contact details and incentives revealed are findings")
    listing_id: str | int | None = Field(None, description="review/qa: the listing it is about, echoed back")
    speaker: Literal["buyer", "seller"] | None = Field(
        None, description="qa: who wrote it (default buyer); a seller's answer is held to the listing's rules. "
        "A review is always a buyer's")
    text: str | None = Field(None, description="review/qa: the text; findings name it field `text`")
    id: str | int | None = Field(None, description="caller's id, echoed back")
    title: str | None = None
    description: str | None = None
    bullets: list[str] | None = None
    attributes: dict[str, str] | None = None
    images: list[ImageRef] | None = None
    seller: Seller | None = None
    locale: str | None = None
    options: ScanOptionsIn | None = Field(None, description='scan options, e.g. {"language": "zh", "mask": true, "ocr": true} (scanner/options.py)')


class BatchIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"listings": [EXAMPLE_LISTING, {"id": 2, "title": "纯棉T恤"}]}]})
    listings: list[ListingIn] = Field(description="at most SCANNER_MAX_BATCH_LISTINGS (default 100)")
    options: ScanOptionsIn | None = Field(None, description="scan options for every listing (a listing's own override them)")


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable reason, e.g. body_too_large, invalid_api_key")
    message: str = Field(description="what is wrong and which setting/limit applies")


class ErrorOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"error": {
        "code": "body_too_large", "message": "request body exceeds 20000000 bytes (SCANNER_MAX_BODY_BYTES)"}}]})
    error: ErrorDetail


class ImageErrorOut(BaseModel):
    field: str = Field(description='"images[i]"')
    code: str
    message: str


class IncompleteOut(BaseModel):
    """Why a result is not complete (present only then); the decision is then at least `review`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "field": "title", "code": "findings_capped",
        "message": "field 'title' has more matches than a scan keeps: at most 100 findings "
                   "(SCANNER_MAX_FINDINGS_PER_FIELD), the most severe first"}]})
    field: str | None = Field(None, description="the field concerned, if one")
    code: str = Field(
        description="stable reason, e.g. findings_capped: more matches than SCANNER_MAX_FINDINGS_PER_FIELD / _PER_LISTING keep; "
        "scan_budget_exceeded: SCANNER_SCAN_BUDGET_S ran out (findings made before are listed); "
        "response_capped: the response would exceed SCANNER_MAX_RESPONSE_BYTES, fewer findings are listed "
        "(the decision counts them all)")
    message: str


class FindingOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_FINDING]})
    kind: Literal["text", "image", "image_text"] = Field(
        description="image_text: read by OCR from image `field`; start/end index that image's text in `image_text`")
    category: str
    field: str
    start: int | None = None
    end: int | None = None
    text: str | None = Field(None, description="the caller's original[start:end]; for personal_data masked with * "
                                               "(same length), so no result holds the value")
    term: str | None = None
    severity: Literal["low", "medium", "high"]
    score: float
    effect: Literal["block", "review", "none"] | None = None
    brand: str | None = None
    suggestion: str | None = None
    explanation: str | None = None
    gallery_id: str | None = None
    distance: dict[str, int] | None = None
    label: str | None = None
    box: list[int] | None = Field(None, description="image_text: [x0, y0, x1, y1] in the original image's pixels")
    ocr_confidence: float | None = Field(None, description="image_text: OCR's confidence in the line(s) read")


class Versions(BaseModel):
    wordlists: str
    gallery: str = Field(description='the gallery\'s entries ("sha256:…" over them), or "none"')
    image_rules: str = Field(description='how images were matched against the gallery: "sha256:…" over the match '
                                         'rules\' version, the stored hashes\' algorithm, every threshold and '
                                         'verification limit (docs/images.md), or "none"')
    listing_model: str = Field(description='the learned listing model: "off" unless asked, "sha256:…", or "none" '
                                           '(not installed)')
    scanner: str
    policy: dict[str, str] | None = Field(None, description="the policy profile that decided: {name, hash}")
    ocr: str | None = Field(None, description="when the images were read by OCR: engine, models and settings")
    speech: str | None = Field(None, description="review/qa only: the version of the review and Q&A phrases "
                                                 "(scanner/text/speech.py)")
    clause_model: str | None = Field(None, description="review/qa only: the version of the learned review model "
                                                       "(scanner/text/clause_model.py), or none")


class OcrLineOut(BaseModel):
    text: str
    box: list[int]
    confidence: float


class ImageTextOut(BaseModel):
    field: str = Field(description='"images[i]"')
    text: str = Field(description="the lines read, joined by newlines; image_text findings' start/end index it")
    lines: list[OcrLineOut]


class ListingSignalOut(BaseModel):
    """What a buyer's review or question says about the listing (#20): never counted in the review's decision."""

    category: Literal["counterfeit"] = Field(description="what the buyer reports about the goods")
    start: int = Field(description="offset in the caller's `text`")
    end: int
    text: str = Field(description="exactly text[start:end]")
    explanation: str
    explanation_zh: str


class ScanResultOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_RESULT]})
    id: Any = None
    decision: Literal["pass", "review", "block"]
    score: int
    findings: list[FindingOut]
    versions: Versions
    took_ms: float
    image_errors: list[ImageErrorOut] | None = Field(None, description="only with SCANNER_IMAGE_ERRORS=report")
    incomplete: list[IncompleteOut] | None = Field(
        None, description="only when the scan could not be finished; such a result is never `pass`")
    masked: dict[str, str] | None = Field(
        None, description='only with "options": {"mask": true}: each text field (as named in findings) with its '
        "personal data replaced by * of the same length, so offsets still line up")
    image_text: list[ImageTextOut] | None = Field(None, description="only when OCR read the images")
    suggested: dict[str, str] | None = Field(
        None, description='only with "options": {"suggest": true}: each text field (as named in findings) the '
        "automatic rewrites changed, with every rewrite applied (scanner/text/rewrite.py)")
    suggested_manual: int | None = Field(
        None, description="with `suggested`: findings that count and that no automatic rewrite fixes (brands named "
        "without authorization, prohibited goods in the title, images, a field that would be left empty)")
    suggested_decision: Literal["pass", "review", "block"] | None = Field(
        None, description="with `suggested`: the decision a re-scan of the suggested copy (text fields) gets")
    kind: Literal["review", "qa"] | None = Field(None, description="review/qa only: the item's kind, echoed")
    listing_id: str | int | None = Field(None, description="review/qa only: the listing the item is about, echoed")
    speaker: Literal["buyer", "seller"] | None = Field(None, description="review/qa only: who wrote it")
    listing_signals: list[ListingSignalOut] | None = Field(
        None, description="review/qa only (empty list if none): a buyer's reports about the listing (明显是假的, "
        "clearly a fake), for the listing's risk; they do not move this item's decision")
    image_sha256: dict[str, str] | None = Field(
        None, description='only when an image was read: "images[i]" -> the SHA-256 (hex) of the bytes the scan '
        "judged (a URL can serve other bytes later; the review queue keys its items by them)")


class ErrorRow(BaseModel):
    """A listing that could not be scanned (batch row, or the body of a 4xx for one listing)."""

    id: Any = None
    error: ErrorDetail
    image_errors: list[ImageErrorOut] | None = None
    versions: Versions | None = None


class BatchOut(BaseModel):
    results: list[ScanResultOut | ErrorRow] = Field(description="one row per input listing, same order")
    took_ms: float


class GalleryEntry(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"id": "g_3b1f…", "brand": "Nike", "label": "air-max-box", "source": "api:ops-alice"}]})
    id: str
    brand: str | None = None
    label: str | None = None


class GalleryList(BaseModel):
    version: str
    count: int
    items: list[GalleryEntry]


class GalleryAdded(BaseModel):
    added: list[GalleryEntry]
    version: str


class WordlistsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "versions": EXAMPLE_VERSIONS, "wordlists": {"version": "sha256:3f1c…", "counts": {"counterfeit": 120, "brand": 800}}}]})
    versions: Versions
    wordlists: dict[str, Any]


class CategoryOut(BaseModel):
    id: str
    en: str = Field(description="label on the editor page, English")
    zh: str = Field(description="label on the editor page, Chinese")
    default_action: Literal["block", "review", "none"] = Field(
        description="what an active finding does to the listing unless policy.toml [actions] says otherwise")
    explained_as: str = Field(description="how explanations name the category (empty for image findings)")
    kind: Literal["text", "image"] = Field(description="found in the copy (marks words) or in an image")


class CategoriesOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"categories": [{
        "id": "counterfeit", "en": "Counterfeit wording", "zh": "假冒用语", "default_action": "block",
        "explained_as": "counterfeit wording", "kind": "text"}]}]})
    categories: list[CategoryOut]


class PolicyDescriptionOut(BaseModel):
    en: str | None = Field(None, description="what the profile is for, in English")
    zh: str | None = Field(None, description="what the profile is for, in Chinese (null when the profile file "
                                             "describes itself only in a comment, which gives English)")


class PolicyOut(BaseModel):
    name: str = Field(description="what `options.policy` takes; `default` is policy.toml itself")
    hash: str = Field(description="sha256 of the merged, validated policy: a result's versions.policy.hash")
    description: PolicyDescriptionOut
    default: bool = Field(description="the profile a scan gets when it names none: the key's profile when the "
                                      "request sent a key that carries one, else `default`")
    allowed: bool = Field(description="whether this caller may ask for it: false for every other profile when "
                                      "the key sent is pinned to one")


class PoliciesOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"policies": [
        {"name": "default", "hash": "sha256:5be1…", "description": {
            "en": "Default policy (policy.toml): general goods", "zh": "默认策略（policy.toml）：一般商品"},
         "default": True, "allowed": True},
        {"name": "cosmetics", "hash": "sha256:0c7e…", "description": {
            "en": "For listings of cosmetics and personal-care goods.", "zh": None},
         "default": False, "allowed": True}], "pinned": False}]})
    policies: list[PolicyOut] = Field(description="`default` first, then the profiles by name")
    pinned: bool = Field(description="true when the key sent is pinned to its profile (options.policy naming "
                                     "another is refused with 422 policy_pinned)")


class ReloadOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "before": "sha256:3f1c…", "after": "sha256:77ad…", "changed": True, "versions": EXAMPLE_VERSIONS}]})
    before: str
    after: str
    changed: bool
    versions: Versions


class Health(BaseModel):
    status: str
    versions: Versions | None = None


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "malformed JSON or an unusable body",
        401: "missing or unknown API key (X-API-Key)",
        403: "the key's role may not do this, or no admin key is configured",
        404: "not found",
        409: "conflicts with the current state (an item not claimed by the caller, a closed change set)",
        413: "a size/count limit was exceeded; the message names the setting",
        415: "unsupported media type or image format",
        422: "well-formed but invalid input; the message names the field",
        503: "not ready yet",
    }
    return {s: {"model": ErrorOut, "description": descriptions.get(s, "error")} for s in statuses}


class FindingVerdictIn(BaseModel):
    index: int = Field(description="the finding's index in the item's result.findings")
    verdict: Literal["correct", "false_positive"]


class MissedSpanIn(BaseModel):
    field: str = Field(description="a text field of the item's listing, named as findings name them (title, bullets[0])")
    start: int
    end: int
    category: str = Field(description="a text category (GET /v1/categories)")


class VerdictIn(BaseModel):
    """A reviewer's verdict on a claimed item (docs/review.md). Documentation only: the route parses the
    body itself (scanner/review/verdicts.py), so the messages name the part that is wrong."""

    decision: Literal["approve", "reject"]
    findings: list[FindingVerdictIn] = []
    missed: list[MissedSpanIn] = []
    note: str = ""


DOC_MODELS = (ListingIn, BatchIn, VerdictIn)
