"""The Scanner: one listing in, one contract result out.

The whole pipeline is `Scanner.scan`: parse → normalise each field → match
dictionaries and detectors → verify each candidate in context → match images →
score → decide. Each stage lives in its own module; this file only wires them.
"""
from __future__ import annotations

import hashlib
import threading
import time
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

from scanner import __version__
from scanner.budget import BudgetSpent, Caps, ScanState, deadline_after
from scanner.config import Settings, load_settings
from scanner.listing import InvalidListing, Listing, parse_listing
from scanner.options import DEFAULT_LANGUAGE, check_language
from scanner.results import OCR_UNREAD_CODES, FailedScan, ImageInputError, ListingSignal, ScanError, ScanResult
from scanner.speakers import CONTACT_TERMS, rules_for, split
from scanner.text import clause_model, speech
from scanner.text.engine import PolicyProfile, TextEngine
from scanner.text.normalize import normalise
from scanner.text.personal_data import hide_what_others_mask, mask, mask_whole, masked_fields, unreported
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
                 budget_s: float | None = None, ocr: bool | None = None, ocr_reader=None) -> None:
        self._text = text_engine
        self._images = images
        self.settings = settings or Settings()
        self.budget_s = budget_s or None
        # OCR of listing images (issue #16): off unless asked (ocr=True, SCANNER_OCR, or a listing's
        # "options": {"ocr": true}); the reader (engine + cache) is built on first use.
        self.ocr = self.settings.ocr if ocr is None else ocr
        self.listing_model = self.settings.listing_model  # scan listings with the learned listing model (#15)
        self._ocr_reader = ocr_reader
        self._reload_lock = threading.Lock()
        self._versions_cached: tuple[TextEngine, Any, Mapping[str, str], Any] | None = None
        self._ocr_versions_cached: tuple[Mapping[str, str], Mapping[str, str]] | None = None
        # (versions, {id(profile): (profile, mapping)}): only the current versions' profiles, so a reload
        # lets the old engine (its profiles hold its lists) go
        self._policy_versions_cached: tuple[Mapping[str, Any], dict] | None = None
        self._required_profiles: Mapping[str, tuple[str, ...]] = {}  # see require_profiles

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, with_images: bool = True,
                      cached_text_engine: bool = False) -> "Scanner":
        """`cached_text_engine`: take the text engine from the user's cache when it holds this version of the
        word lists and code (scanner/text/engine_cache.py; `scanner check` does, a one-listing process),
        else build it and cache it. Same results; a long-running process gains nothing from it."""
        settings = settings or load_settings()
        images = None
        if with_images:
            from scanner.images import ImageScanner

            images = ImageScanner.from_settings(settings)
        if settings.ocr:
            from scanner.images import ocr

            if not ocr.available():  # said once at start, not only as each image's ocr_unavailable
                import logging

                logging.getLogger("scanner.images").warning("SCANNER_OCR is on but %s", ocr.INSTALL_HINT)
        if cached_text_engine:
            from scanner.text import engine_cache

            text = engine_cache.load(settings.wordlists)
        else:
            text = TextEngine.load(settings.wordlists)
        if not cached_text_engine:  # a long-running process: a damaged review model stops start-up, not the first
            clause_model.shipped()  # review (`scanner check`, one listing, loads it only if it scans a review: 0.3 s)
        if settings.listing_model:
            clause_model.shipped_listing()  # every listing scan asks it: a damaged file stops start-up
        return cls(text, images, settings, budget_s=settings.scan_budget_s)

    @classmethod
    def from_defaults(cls, *, with_images: bool = True) -> "Scanner":
        """Bundled word lists and the default gallery, ignoring SCANNER_* variables; no time budget."""
        return cls.from_settings(Settings.model_construct(scan_budget_s=0.0), with_images=with_images)

    def require_profiles(self, needed: Mapping[str, Iterable[str]]) -> None:
        """Policy profiles that must stay loaded: name -> who names them (the service: its API keys' labels).
        WordlistError now if the loaded word lists lack one (start-up stops), and from then on every
        reload_wordlists refuses lists that lack one, keeping the old version serving."""
        needed = {name: tuple(who) for name, who in needed.items()}
        with self._reload_lock:
            self._text.check_profiles(needed)
            self._required_profiles = needed

    def reload_wordlists(self) -> tuple[str, str]:
        """Rebuild from disk, then swap; returns (version before, version after). WordlistError (nothing
        swapped) if the new lists do not load or lack a profile require_profiles named."""
        with self._reload_lock:
            before = self._text.version
            text = TextEngine.load(self.settings.wordlists)
            text.check_profiles(self._required_profiles)
            self._text = text
            return before, self._text.version

    def ocr_reader(self):
        """The OCR reader (scanner.images.ocr.OcrReader), built on first use from the settings."""
        if self._ocr_reader is None:
            with self._reload_lock:
                if self._ocr_reader is None:
                    from scanner.images.ocr import OcrReader

                    self._ocr_reader = OcrReader.from_settings(self.settings)
        return self._ocr_reader

    def ocr_stats(self) -> dict[str, int]:
        """OCR runs and cache hits so far (zeros before the first OCR'd image)."""
        reader = self._ocr_reader
        return reader.stats() if reader is not None else {"ocr_runs": 0, "ocr_cache_hits": 0, "ocr_gated": 0}

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

    def _listing_model(self):
        """The listing model listings are scanned with: None when switched off (SCANNER_LISTING_MODEL=0) or
        not installed."""
        return clause_model.shipped_listing() if self.listing_model else None

    def _versions(self, text: TextEngine, gallery) -> dict[str, str]:
        model = self._listing_model()
        return {
            "wordlists": text.version,
            "gallery": gallery.version if gallery is not None else "none",
            "image_rules": gallery.rules_version if gallery is not None else "none",  # how it was matched
            "listing_model": model.version if model is not None else ("none" if self.listing_model else "off"),
            "scanner": __version__,
        }

    def _scan_versions(self, text: TextEngine, gallery) -> Mapping[str, str]:
        """The versions a result carries: one read-only mapping per (word lists, gallery, listing model),
        shared by every result scanned with them instead of a dict per scan."""
        cached = self._versions_cached  # a tuple, replaced whole: safe to read from any thread
        model = self._listing_model()
        if cached is not None and cached[0] is text and cached[1] is gallery and cached[3] is model:
            return cached[2]
        versions = MappingProxyType(self._versions(text, gallery))
        self._versions_cached = (text, gallery, versions, model)
        return versions

    def _with_policy_version(self, versions: Mapping[str, Any], profile: PolicyProfile) -> Mapping[str, Any]:
        """`versions` plus `policy` = {name, hash} of the profile that decided (one shared mapping per pair)."""
        cached = self._policy_versions_cached  # a tuple, replaced whole: safe to read from any thread
        if cached is None or cached[0] is not versions:
            cached = (versions, {})
            self._policy_versions_cached = cached
        hit = cached[1].get(id(profile))
        if hit is not None and hit[0] is profile:
            return hit[1]
        out = MappingProxyType({**versions, "policy": profile.version})
        cached[1][id(profile)] = (profile, out)  # holds the profile: its id stays its own
        return out

    def _with_speech_version(self, versions: Mapping[str, Any]) -> Mapping[str, Any]:
        """`versions` plus `speech`, the version of the review and Q&A phrases (scanner/text/speech.py), and
        `clause_model`, the version of the learned review model (scanner/text/clause_model.py)."""
        model = clause_model.shipped()
        cached = getattr(self, "_speech_versions_cached", None)
        if cached is not None and cached[0] is versions and cached[2] is model:
            return cached[1]
        out = MappingProxyType({**versions, "speech": speech.VERSION,
                                "clause_model": model.version if model is not None else "none"})
        self._speech_versions_cached = (versions, out, model)
        return out

    def _with_ocr_version(self, versions: Mapping[str, str], reader) -> Mapping[str, str]:
        """`versions` plus the OCR version, for a result whose images OCR read (one shared mapping)."""
        cached = self._ocr_versions_cached
        if cached is not None and cached[0] is versions:
            return cached[1]
        from scanner.images import ocr_words

        try:
            ocr = f"{reader.version}; words {ocr_words.version()}"
        except ImageInputError:
            ocr = "unavailable"
        out = MappingProxyType({**versions, "ocr": ocr})
        self._ocr_versions_cached = (versions, out)
        return out

    # -- scanning -------------------------------------------------------------------
    def scan(self, raw: Any, *, image_loader=None, deadline: float | None = None,
             mask: bool | None = None, language: str | None = None, ocr: bool | None = None,
             suggest: bool | None = None, policy: str | None = None) -> ScanResult | FailedScan:
        """Scan one listing (contract dict). Never raises for bad input: a listing that
        cannot be scanned at all comes back as a FailedScan carrying the error.

        `deadline` (a time.monotonic() value; default: now + budget_s, if any) is looked at
        between fields, stages and images; past it the scan stops and the result is `review`
        (`block` if a finding made so far blocks) with `incomplete` saying why. Findings are
        capped per field and per listing (SCANNER_MAX_FINDINGS_PER_FIELD / _PER_LISTING).

        `mask=True` (or `"options": {"mask": true}` in the listing; the argument wins) adds
        `masked`: each text field with its personal data replaced by * of the same length.
        Personal-data findings show masked `text` either way.
        `language` ("en" or "zh", scanner.categories.LANGUAGES) is the findings' explanations' language; an
        unknown one raises scanner.options.InvalidOptions (a ValueError): a caller's mistake, not the listing's.
        `ocr`: read the text in the images and scan it like copy (default: the scanner's `ocr`, SCANNER_OCR).
        `suggest=True` adds `suggested` (the text fields scanner/text/rewrite.py rewrote), `suggested_manual`
        (findings that count and no rewrite fixes) and `suggested_decision` (the suggested copy scanned again,
        text only: "pass" unless something is left for a person). Findings and decision are unchanged.
        `policy`: the named policy profile deciding this listing (wordlists/profiles/<name>.toml over policy.toml,
        #20; default `default`, policy.toml itself); the result's versions.policy names it and its hash. A name the
        loaded word lists do not have gives this listing a FailedScan `unknown_policy`, never the default.
        Each of these may also come in the listing's own `"options"` (scanner/options.py); an argument
        given here wins over it."""
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
        if policy is None:
            policy = listing.options.policy
        try:
            profile = text.profile(policy)
        except KeyError:
            known = ", ".join(sorted(text.profiles))
            return FailedScan(listing.id, ScanError("unknown_policy", f"no policy profile {policy!r}; known: {known}"),
                              versions)
        versions = self._with_policy_version(versions, profile)

        caps = Caps(self.settings.max_findings_per_field, self.settings.max_findings_per_listing)
        state = ScanState(caps, deadline_after(self.budget_s) if deadline is None else deadline, started)
        if ocr is None:
            ocr = self.ocr if listing.options.ocr is None else listing.options.ocr
        use_ocr = bool(listing.images) and ocr
        reader = self.ocr_reader() if use_ocr else None
        try:
            self._match_text(text, listing, state)
            if reader is not None:  # the images' text is matched first, then verified with the copy
                self._scan_images(listing, gallery, image_loader, state, text, reader)
                self._verify_text(profile, listing, state)
            else:
                self._verify_text(profile, listing, state)
                if listing.images:
                    self._scan_images(listing, gallery, image_loader, state)
        except BudgetSpent:
            self._verify_text(profile, listing, state)  # what was matched so far: bounded by the caps
        if reader is not None:
            versions = self._with_ocr_version(versions, reader)
            if state.image_texts:
                from scanner.images.ocr_findings import as_image_text

                state.findings = as_image_text(state.findings, state.image_texts)
        findings = state.findings + state.image_findings if state.image_findings else state.findings
        signals = None
        if listing.kind == "listing":  # the listing model's second opinion on what no row names (#15)
            findings = _with_listing_model(self._listing_model(), listing, findings, profile, state.norms)
        else:  # a review or Q&A entry: who is speaking decides what counts (#20)
            findings, signals = _by_speaker(listing, findings, profile, dict(state.norms))
            signals = state.cap_signals(signals)  # bounded like findings, and said so (SCANNER_MAX_FINDINGS_PER_LISTING)
        findings = score_findings(findings, profile.policy)
        decision, listing_score = decide(findings, profile.policy)
        findings = state.cap_findings(findings)
        if language is None:
            language = listing.options.language
        if language != DEFAULT_LANGUAGE and findings:
            findings = _in_language(findings, language)  # rendered at the end: the hot path stays English
        # what a scan the caps cut short did not report is masked all the same (findings over it, the masked copy)
        cut_short = _cut_by_caps(listing, state)
        unreported_ = unreported(cut_short, findings, listing.kind != "listing" and rules_for(
            listing.kind, listing.speaker).masks_contacts) if cut_short else ()
        # last, on the texts as returned: no finding or signal shows what a personal-data or buyer-contact one masks
        findings, signals = hide_what_others_mask(findings, listing.fields, signals, unreported_)
        if signals is None:
            result = state.result(listing.id, decision, listing_score, findings, versions)
        else:
            result = state.result(listing.id, decision, listing_score, findings, self._with_speech_version(versions),
                                  kind=listing.kind, listing_id=listing.listing_id, speaker=listing.speaker,
                                  listing_signals=signals)
        if mask if mask is not None else listing.options.mask:
            masked = masked_fields(listing.fields, findings, unreported_)
            if state.spent_while is not None:  # a field the budget left unread was never checked: hidden whole
                read = {field for field, _ in state.norms}
                masked.update((field, mask_whole(original)) for field, original in listing.fields if field not in read)
            result = result._replace(masked=masked)
        if suggest if suggest is not None else listing.options.suggest:
            result = self._with_suggested(result, raw, listing, deadline, profile.name)
        return result

    def _with_suggested(self, result: ScanResult, raw: Any, listing: Listing, deadline: float | None,
                        policy: str) -> ScanResult:
        """`result` with the suggested copy and what a re-scan of it decides (its text fields only: an image
        finding is left for a person and counted in suggested_manual)."""
        from scanner.text.rewrite import suggest, with_suggested

        began = time.perf_counter()
        # under the scan's budget: past it no field is rewritten, and the re-scan answers review (unfinished)
        suggested = suggest(listing.fields, result.findings, deadline)
        again = {k: v for k, v in with_suggested(raw, suggested.fields).items() if k not in ("images", "options")}
        rescanned = self.scan(again, deadline=deadline, suggest=False, mask=False, ocr=False, policy=policy)
        return result._replace(suggested=MappingProxyType(dict(suggested.fields)), suggested_manual=suggested.manual,
                               suggested_decision=rescanned.decision,
                               took_ms=result.took_ms + (time.perf_counter() - began) * 1000)  # the whole request's

    def scan_many(self, listings: Iterable[Any], **kwargs) -> Iterator[ScanResult | FailedScan]:
        for raw in listings:
            yield self.scan(raw, **kwargs)

    def scan_text(self, text: str, *, language: str | None = None) -> ScanResult | FailedScan:
        """Convenience for one piece of copy: scanned as the listing's description."""
        return self.scan({"description": text}, language=language)

    @staticmethod
    def _match_text(text: TextEngine, listing: Listing, state: ScanState) -> None:
        """Normalise and match the fields, a step at a time, capping the candidates. A buyer's words are not looked
        up in the lists of the seller's advertising rules (scanner/speakers.py: SpeakerRules.unmatched) unless
        that could change the result (TextMatcher.find_all: a finding whose denial reads the others' spans, or a
        cap within reach)."""
        without = rules_for(listing.kind, listing.speaker).unmatched if listing.kind != "listing" else _NONE
        for fields in state.steps(listing.fields):
            norms = []
            for field, original in fields:
                state.check(f"reading {field}")
                norms.append((field, normalise(original)))
            state.norms += norms
            state.add_candidates(text.matcher.find_all(norms, without, state.uncapped()) if without
                                 else text.matcher.find_all(norms))
            state.check("matching")

    @staticmethod
    def _verify_text(profile: PolicyProfile, listing: Listing, state: ScanState) -> None:
        if not state.verified:
            state.verified = True
            if state.candidates:
                unread = rules_for(listing.kind, listing.speaker).never_findings if listing.kind != "listing" else _NONE
                state.findings = verify(state.candidates, listing, state.norms, profile.verifying, unread)

    def _scan_images(self, listing: Listing, gallery, image_loader, state: ScanState, text: TextEngine | None = None,
                     reader=None) -> None:
        """Only called for a listing with images (scan checks first). With an OCR `reader`, each image's
        text is read (at most SCANNER_OCR_MAX_IMAGES_PER_LISTING images) and matched as field images[i]."""
        from scanner.images.sources import load_image_bytes

        loader = image_loader or (lambda ref: load_image_bytes(ref, self.settings))
        findings = state.image_findings
        for i, ref in enumerate(listing.images):
            field = f"images[{i}]"
            state.check(f"matching {field}")
            try:
                if gallery is None and reader is None:  # refused before anything is loaded or fetched
                    raise ImageInputError("images_disabled", "this scanner was built without an image gallery")
                data = loader(ref)
                if isinstance(data, (bytes, bytearray)):  # which pixels were judged: a URL can serve others later
                    state.image_sha256[field] = hashlib.sha256(data).hexdigest()
                if gallery is not None:
                    findings.extend(gallery.match(data, field))
                if reader is not None:
                    state.check(f"reading the text of {field}")
                    self._read_image_text(text, reader, data, field, i, state)
            except ImageInputError as exc:
                state.image_errors.append(ScanError(exc.code, exc.message, field=field))
                if exc.code in OCR_UNREAD_CODES:
                    state.ocr_unread = True
            except Exception as exc:  # one bad image must never sink the listing
                state.image_errors.append(
                    ScanError("image_error", f"could not process image: {type(exc).__name__}", field=field))

    def _read_image_text(self, text: TextEngine, reader, data: bytes, field: str, i: int, state: ScanState) -> None:
        cap = self.settings.ocr_max_images_per_listing
        if i >= cap:
            raise ImageInputError(
                "ocr_images_capped",
                f"only the first {cap} images of a listing are read by OCR (SCANNER_OCR_MAX_IMAGES_PER_LISTING)")
        try:
            read = reader.read(data, field, wait_until=state.deadline)
        except ImageInputError:
            raise
        except Exception as exc:  # an OCR failure must not let the listing pass unread
            raise ImageInputError("ocr_failed", f"OCR could not read this image: {type(exc).__name__}") from None
        if read.text:  # OCR reads glued English words ("AAAreplica"): part them, never cutting a listed word
            from scanner.images import ocr_words

            read = read._replace(breaks=ocr_words.breaks(read.text, text.matcher.is_listed_word))
        state.image_texts.append(read)
        if read.text:
            norms = [(field, normalise(read.scanned))]
            state.norms += norms
            state.add_candidates(text.matcher.find_all(norms))


_NONE: frozenset = frozenset()


def _cut_by_caps(listing: Listing, state: ScanState) -> list[tuple[str, str]]:
    """The text fields whose findings a cap cut (all of them under the listing's cap): they may leave out personal
    data or a contact the detectors see."""
    if not state.capped:  # most scans
        return []
    if ("findings", None) in state.capped:
        return list(listing.fields)
    return [(field, original) for field, original in listing.fields if ("findings", field) in state.capped]


def _with_listing_model(model, listing: Listing, findings: list, profile: PolicyProfile, norms: list) -> list:
    """A listing's findings plus the listing model's: a clause of a text field the model flags for a category no
    finding of the engine covers there (scanner/text/clause_model.py: review at most, never counted towards a
    block). `norms`: the fields as the engine normalised them (one the budget cut off before reading is absent)."""
    if model is None or not listing.fields:
        return findings
    read = dict(norms)
    added: list = []
    for field, _ in listing.fields:
        norm = read.get(field)
        if norm is not None:
            flagged = model.flagged(norm.key)  # most fields: nothing, and no Python call past this one
            if flagged:
                added += clause_model.findings(model, field, norm, findings, profile.policy, which="listing",
                                               flagged=flagged)
    return findings + added if added else findings


def _by_speaker(listing: Listing, findings: list, profile: PolicyProfile, norms: dict) -> tuple[list, tuple]:
    """A review's or Q&A entry's findings: the engine's plus the phrases of reviews (scanner/text/speech.py), then
    split by the speaker table (scanner/speakers.py) into findings that count and signals about the listing.
    `norms` holds the fields as the engine normalised them (a field the budget cut off before reading is absent)."""
    rules = rules_for(listing.kind, listing.speaker)
    texts = dict(listing.fields)
    text = listing.fields[0][1] if listing.fields else ""  # a review or qa entry is one field; an empty one has none
    clauses = speech.Clauses(text)  # where its clauses end, found once (on first use) for rewards, phrases and signals
    # what a review says that is no offence although the listing words are there (scanner/text/speech.py): a phone
    # number read inside a longer code, the writer's own family group, a gift said not to depend on a review, a
    # reward negated in its clause (不是商家返现)
    findings = [f for f in findings if not (f.field in texts and f.start is not None and (
        (f.term == "phone_number" and speech.inside_longer_code(texts[f.field], f.start, f.end))
        or (f.category == "diversion" and speech.own_group(texts[f.field], f.start, f.end, listing.speaker == "buyer"))
        or (f.category == "incentivized_review" and (speech.not_for_review(texts[f.field], f.start, f.end)
                                                     or clauses.negated(f.start)))))]
    for field, original in listing.fields:
        findings += speech.find(field, original, profile.policy, findings, rules.never_findings, norms.get(field),
                                clauses if original is text else None)
    model = clause_model.shipped()  # a learned second opinion on what no list names (review level at most)
    if model is not None:
        for field, _ in listing.fields:
            norm = norms.get(field)
            if norm is not None:
                findings += clause_model.findings(model, field, norm, findings, profile.policy, rules.never_findings)
    kept, signals = split(findings, rules)
    if rules.masks_contacts:  # a buyer's phone number or id is a person's data (scanner/speakers.py)
        kept = [f._replace(text=mask(f.term, f.text))
                if f.category == "diversion" and f.term in CONTACT_TERMS and f.kind == "text" else f for f in kept]
    if not signals:  # most reviews
        return kept, ()
    signals = [f for f in signals if not clauses.doubted(f.start, f.end)]
    signals.sort(key=lambda f: (f.start, f.end))
    out: list = []
    for f in signals:  # one signal per stretch of text: the engine's word and a phrase around it are one report
        if out and f.start < out[-1].end:
            if f.end > out[-1].end:
                last = out[-1]
                out[-1] = last._replace(end=f.end, text=listing.fields[0][1][last.start:f.end])
            continue
        out.append(ListingSignal(f.category, f.start, f.end, f.text, explain.render(f.reasons, "en"),
                                 explain.render(f.reasons, "zh")))
    return kept, tuple(out)


def _in_language(findings: list, language: str) -> list:
    """The findings a scan returns, their explanations rendered again from their reasons in `language`:
    once, at the end, so a scan in the default language pays nothing."""
    out = []
    for f in findings:
        if f.kind in ("text", "image_text"):
            f = f._replace(explanation=explain.render(f.reasons, language))
        elif f.reasons:
            from scanner.images.explain import render as render_image

            f = f._replace(explanation=render_image(f.reasons, language))
        out.append(f)
    return out
