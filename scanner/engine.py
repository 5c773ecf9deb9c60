"""The Scanner: one listing in, one contract result out.

The whole pipeline is `Scanner.scan`: parse → normalise each field → match
dictionaries and detectors → verify each candidate in context → match images →
score → decide. Each stage lives in its own module; this file only wires them.
"""
from __future__ import annotations

import threading
import time
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

from scanner import __version__
from scanner.budget import BudgetSpent, Caps, ScanState, deadline_after
from scanner.config import Settings, load_settings
from scanner.listing import InvalidListing, Listing, parse_listing
from scanner.options import DEFAULT_LANGUAGE, check_language
from scanner.results import FailedScan, ImageInputError, ScanError, ScanResult
from scanner.text.engine import TextEngine
from scanner.text.normalize import normalise
from scanner.text.personal_data import masked_fields
from scanner.text.policy import decide, score_findings
from scanner.text.verify import verify
from scanner.text.verify import explain


class Scanner:
    """Thread-safe. `reload_wordlists()` swaps the text engine atomically: a scan in
    flight keeps the engine (and gallery snapshot) it started with.

    `budget_s`: seconds each scan may take (see `scan`); None, the library default, means no
    budget, so a result never depends on the machine's speed. `from_settings` (the service,
    batch and Spark build theirs there) uses SCANNER_SCAN_BUDGET_S."""

    def __init__(self, text_engine: TextEngine, images=None, settings: Settings | None = None, *,
                 budget_s: float | None = None) -> None:
        self._text = text_engine
        self._images = images
        self.settings = settings or Settings()
        self.budget_s = budget_s or None
        self._reload_lock = threading.Lock()
        self._versions_cached: tuple[TextEngine, Any, Mapping[str, str]] | None = None

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, with_images: bool = True) -> "Scanner":
        settings = settings or load_settings()
        images = None
        if with_images:
            from scanner.images import ImageScanner

            images = ImageScanner.from_settings(settings)
        return cls(TextEngine.load(settings.wordlists), images, settings, budget_s=settings.scan_budget_s)

    @classmethod
    def from_defaults(cls, *, with_images: bool = True) -> "Scanner":
        """Bundled word lists and the default gallery, ignoring SCANNER_* variables; no time budget."""
        return cls.from_settings(Settings.model_construct(scan_budget_s=0.0), with_images=with_images)

    def reload_wordlists(self) -> tuple[str, str]:
        """Rebuild from disk, then swap; returns (version before, version after)."""
        with self._reload_lock:
            before = self._text.version
            self._text = TextEngine.load(self.settings.wordlists)
            return before, self._text.version

    # -- introspection --------------------------------------------------------------
    @property
    def text_engine(self) -> TextEngine:
        return self._text

    @property
    def images(self):
        """The ImageScanner (gallery management), or None for a text-only scanner."""
        return self._images

    @property
    def versions(self) -> dict[str, str]:
        return self._versions(self._text, self._images.snapshot() if self._images else None)

    @staticmethod
    def _versions(text: TextEngine, gallery) -> dict[str, str]:
        return {
            "wordlists": text.version,
            "gallery": gallery.version if gallery is not None else "none",
            "scanner": __version__,
        }

    def _scan_versions(self, text: TextEngine, gallery) -> Mapping[str, str]:
        """The versions a result carries: one read-only mapping per (word lists, gallery)
        pair, shared by every result scanned with them instead of a dict per scan."""
        cached = self._versions_cached  # a tuple, replaced whole: safe to read from any thread
        if cached is not None and cached[0] is text and cached[1] is gallery:
            return cached[2]
        versions = MappingProxyType(self._versions(text, gallery))
        self._versions_cached = (text, gallery, versions)
        return versions

    # -- scanning -------------------------------------------------------------------
    def scan(self, raw: Any, *, image_loader=None, deadline: float | None = None,
             mask: bool | None = None, language: str | None = None) -> ScanResult | FailedScan:
        """Scan one listing (contract dict). Never raises for bad input: a listing that
        cannot be scanned at all comes back as a FailedScan carrying the error.

        `deadline` (a time.monotonic() value; default: now + budget_s, if any) is looked at
        between fields, stages and images; past it the scan stops and the result is `review`
        (`block` if a finding made so far blocks) with `incomplete` saying why. Findings are
        capped per field and per listing (SCANNER_MAX_FINDINGS_PER_FIELD / _PER_LISTING).

        `mask=True` (or `"options": {"mask": true}` in the listing; the argument wins) adds
        `masked`: each text field with its personal data replaced by * of the same length.
        Personal-data findings show masked `text` either way.
        `language` ("en" or "zh", scanner.categories.LANGUAGES; or the listing's `"options": {"language": …}`,
        the argument wins) is the findings' explanations' language; an unknown one raises
        scanner.options.InvalidOptions (a ValueError): a caller's mistake, not the listing's."""
        if language is not None and language != DEFAULT_LANGUAGE:
            check_language(language)
        started = time.perf_counter()
        text, gallery = self._text, (self._images.snapshot() if self._images else None)
        versions = self._scan_versions(text, gallery)
        try:
            listing = parse_listing(
                raw, max_field_chars=self.settings.max_field_chars, max_fields=self.settings.max_fields_per_listing
            )
        except InvalidListing as exc:
            listing_id = raw.get("id") if isinstance(raw, dict) else None
            return FailedScan(listing_id, ScanError(exc.code, exc.message), versions)

        caps = Caps(self.settings.max_findings_per_field, self.settings.max_findings_per_listing)
        state = ScanState(caps, deadline_after(self.budget_s) if deadline is None else deadline, started)
        try:
            self._match_text(text, listing, state)
            self._verify_text(text, listing, state)
            if listing.images:
                self._scan_images(listing, gallery, image_loader, state)
        except BudgetSpent:
            self._verify_text(text, listing, state)  # what was matched so far: bounded by the caps
        findings = score_findings(state.findings, text.policy)
        decision, listing_score = decide(findings, text.policy)
        findings = state.cap_findings(findings)
        if language is None:
            language = listing.options.language
        if language != DEFAULT_LANGUAGE and findings:
            findings = _in_language(findings, language)  # rendered at the end: the hot path stays English
        result = state.result(listing.id, decision, listing_score, findings, versions)
        if mask if mask is not None else listing.options.mask:
            result = result._replace(masked=masked_fields(listing.fields, findings))
        return result

    def scan_many(self, listings: Iterable[Any], **kwargs) -> Iterator[ScanResult | FailedScan]:
        for raw in listings:
            yield self.scan(raw, **kwargs)

    def scan_text(self, text: str, *, language: str | None = None) -> ScanResult | FailedScan:
        """Convenience for one piece of copy: scanned as the listing's description."""
        return self.scan({"description": text}, language=language)

    @staticmethod
    def _match_text(text: TextEngine, listing: Listing, state: ScanState) -> None:
        """Normalise and match the fields, a step at a time, capping the candidates."""
        for fields in state.steps(listing.fields):
            norms = []
            for field, original in fields:
                state.check(f"reading {field}")
                norms.append((field, normalise(original)))
            state.norms += norms
            state.add_candidates(text.matcher.find_all(norms))
            state.check("matching")

    @staticmethod
    def _verify_text(text: TextEngine, listing: Listing, state: ScanState) -> None:
        if not state.verified:
            state.verified = True
            if state.candidates:
                state.findings = verify(state.candidates, listing, state.norms, text.verifying)

    def _scan_images(self, listing: Listing, gallery, image_loader, state: ScanState) -> None:
        """Only called for a listing with images (scan checks first)."""
        from scanner.images.sources import load_image_bytes

        loader = image_loader or (lambda ref: load_image_bytes(ref, self.settings))
        findings = list(state.findings)
        state.findings = findings
        for i, ref in enumerate(listing.images):
            field = f"images[{i}]"
            state.check(f"matching {field}")
            try:
                if gallery is None:
                    raise ImageInputError("images_disabled", "this scanner was built without an image gallery")
                findings.extend(gallery.match(loader(ref), field))
            except ImageInputError as exc:
                state.image_errors.append(ScanError(exc.code, exc.message, field=field))
            except Exception as exc:  # one bad image must never sink the listing
                state.image_errors.append(
                    ScanError("image_error", f"could not process image: {type(exc).__name__}", field=field))


def _in_language(findings: list, language: str) -> list:
    """The findings a scan returns, their explanations rendered again from their reasons in `language`:
    once, at the end, so a scan in the default language pays nothing."""
    out = []
    for f in findings:
        if f.kind == "text":
            f = f._replace(explanation=explain.render(f.reasons, language))
        elif f.reasons:
            from scanner.images.explain import render as render_image

            f = f._replace(explanation=render_image(f.reasons, language))
        out.append(f)
    return out
