"""What scanning one listing may cost: a time budget and caps on findings (issue #13).

Without bounds one request could cost anything: 400,000 bullets of 高仿 made 800,000 candidates,
each verified, and a 111 MB response. Here

* the fields are read a step (FIELDS_PER_STEP fields) at a time, and the clock is looked at
  between fields, steps, stages and images: a scan whose deadline passed stops there (BudgetSpent);
* the candidate stream is capped per field and per listing *before* verification, so a field
  that is one term 50,000 times costs a few hundred verifications, not 50,000 -- and at most
  `per_field` candidates of one spelling are kept in a field, so stuffing one word cannot
  crowd out a different word later in the field;
* the findings are capped per field and per listing after scoring, keeping the most severe.

Whatever was left out is said in the result's `incomplete` (`findings_capped`, with the field,
or `scan_budget_exceeded`), and such a result is never `pass`. A listing far from the caps
(the fixtures have at most 7 findings and 14 candidates in a field) is scanned exactly as before:
one step, nothing capped.
"""
from __future__ import annotations

import time
from types import MappingProxyType
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

from scanner.results import UNFINISHED_SCORE, Finding, ScanError, ScanResult, unfinished

FIELDS_PER_STEP = 256  # fields normalised and matched at once; a listing with more is unusual
# ...and at most this many characters in a step (at least one field): a step's candidates are all built before the
# cap can stop the reading, and dense copy makes one per few characters (400 hits in each of 256 bullets: 100k
# candidates for a cap of 2,000, 0.36 s of a worker's GIL). A listing shorter than this is read in one step.
CHARS_PER_STEP = 65_536
# Candidates verified per finding a cap keeps: overlapping spellings and allow-list phrases make
# a field's candidates about twice its findings (fixtures: at most 14 candidates for 7 findings).
CANDIDATES_PER_FINDING = 4
_SEVERITY_ORDER = {"block": 0, "review": 1, "none": 2}


class BudgetSpent(Exception):
    """The scan's deadline passed; raised between steps, caught in Scanner.scan."""


class Caps(NamedTuple):
    per_field: int
    per_listing: int


class ScanState:
    """What one scan has read, matched and found so far: kept when the scan stops early."""

    __slots__ = ("caps", "deadline", "started", "norms", "candidates", "findings", "image_errors", "capped",
                 "verified", "spent_while",
                 "image_findings", "image_texts", "ocr_unread", "image_sha256")

    def __init__(self, caps: Caps, deadline: float | None, started: float) -> None:
        self.caps = caps
        self.deadline = deadline  # time.monotonic() value, or None: no budget
        self.started = started
        self.norms: list = []
        self.candidates: list = []
        self.findings: list[Finding] = []
        self.image_errors: list[ScanError] = []
        # (what, field) -> why it was capped: what is "findings" or "listing signals", field None for the listing
        self.capped: dict[tuple[str, str | None], ScanError] = {}
        self.verified = False
        self.spent_while: str | None = None
        self.image_findings: list[Finding] = []  # gallery matches, kept apart from the text stage's findings
        self.image_texts: list = []  # scanner.images.ocr.ImageText of each image OCR read
        self.ocr_unread = False  # an image OCR was asked to read was not read (budget, cap, no extra)
        self.image_sha256: dict[str, str] = {}  # "images[i]" -> the SHA-256 of the bytes read (ScanResult.image_sha256)

    # -- the clock ---------------------------------------------------------------------
    def check(self, doing: str) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.spent_while = doing
            raise BudgetSpent(doing)

    # -- reading fields, capping candidates -------------------------------------------------
    def steps(self, fields: Sequence[tuple[str, str]]) -> Iterator[Sequence[tuple[str, str]]]:
        """The listing's fields, up to FIELDS_PER_STEP and CHARS_PER_STEP at a time, until the listing's candidate
        cap is reached."""
        limit = self.caps.per_listing * CANDIDATES_PER_FINDING
        at = 0
        while at < len(fields):
            if len(self.candidates) >= limit:
                self._cap(None, self.caps.per_listing, "SCANNER_MAX_FINDINGS_PER_LISTING",
                          f"; {at} of {len(fields)} fields were read")
                return
            end, chars = at + 1, len(fields[at][1])
            while end < len(fields) and end - at < FIELDS_PER_STEP and chars + len(fields[end][1]) <= CHARS_PER_STEP:
                chars += len(fields[end][1])
                end += 1
            yield fields[at:end]
            at = end

    def uncapped(self) -> int:
        """How many candidates add_candidates takes next without looking at any cap."""
        per_field, per_listing = self.caps
        return min(per_field, per_listing * CANDIDATES_PER_FINDING - len(self.candidates))

    def add_candidates(self, found: list) -> None:
        per_field, per_listing = self.caps
        room = per_listing * CANDIDATES_PER_FINDING - len(self.candidates)
        if len(found) <= self.uncapped():  # the usual case: no cap can be reached
            self.candidates += found
            return
        field_limit = per_field * CANDIDATES_PER_FINDING
        seen: dict[Any, int] = {}
        kept = []
        for c in found:
            spelling = (c.field, c.pattern.kind, c.pattern.alias)
            n_spelling, n_field = seen.get(spelling, 0), seen.get(c.field, 0)
            if n_spelling >= per_field or n_field >= field_limit:
                self._cap(c.field, per_field, "SCANNER_MAX_FINDINGS_PER_FIELD", "; the field was not read in full")
                continue
            if len(kept) >= room:
                self._cap(None, per_listing, "SCANNER_MAX_FINDINGS_PER_LISTING", "; the listing was not read in full")
                break
            seen[spelling], seen[c.field] = n_spelling + 1, n_field + 1
            kept.append(c)
        self.candidates += kept

    # -- capping findings ---------------------------------------------------------------------
    def cap_findings(self, findings: list[Finding]) -> list[Finding]:
        """At most per_field findings in a field and per_listing in the listing, the most severe
        first, in the order they came (score_findings' reading order)."""
        per_field, per_listing = self.caps
        if len(findings) <= per_field:
            return findings
        by_field: dict[str, list[int]] = {}
        for i, f in enumerate(findings):
            by_field.setdefault(f.field, []).append(i)
        keep: list[int] = []
        for field, indexes in by_field.items():
            if len(indexes) > per_field:
                self._cap(field, per_field, "SCANNER_MAX_FINDINGS_PER_FIELD", "")
                indexes = _most_severe(findings, indexes, per_field)
            keep += indexes
        if len(keep) > per_listing:
            self._cap(None, per_listing, "SCANNER_MAX_FINDINGS_PER_LISTING", "")
            keep = _most_severe(findings, keep, per_listing)
        return [findings[i] for i in sorted(keep)]

    def cap_signals(self, signals: Sequence) -> tuple:
        """At most per_listing listing signals (a review or Q&A entry's reports about the listing), in reading
        order: a review repeating one report 100,000 characters long must not answer with ten thousand
        signals, and one that had some left out says so like a findings cap (and is never `pass`)."""
        per_listing = self.caps.per_listing
        if len(signals) > per_listing:
            self._cap(None, per_listing, "SCANNER_MAX_FINDINGS_PER_LISTING",
                      f"; {len(signals) - per_listing} of {len(signals)} were left out", what="listing signals")
            signals = signals[:per_listing]
        return tuple(signals)

    def _cap(self, field: str | None, cap: int, setting: str, note: str, what: str = "findings") -> None:
        key = (what, field)  # a field's or the listing's findings, or the listing signals: each said once
        if key in self.capped:
            return
        where = f"field {field!r}" if field is not None else "the listing"
        first = "the most severe first" if what == "findings" else "the first in reading order"
        self.capped[key] = ScanError(
            "findings_capped",
            f"{where} has more matches than a scan keeps: at most {cap} {what} ({setting}), {first}{note}",
            field=field,
        )

    # -- the result --------------------------------------------------------------------------
    def result(self, item_id: Any, decision: str, score: int, findings: list[Finding],
               versions: Mapping[str, str], **about: Any) -> ScanResult:
        """`about`: what a review or Q&A result adds (kind, listing_id, speaker, listing_signals), set here
        rather than by a copy of the finished result."""
        took_ms = (time.perf_counter() - self.started) * 1000
        capped = tuple(self.capped.values())
        if self.image_sha256:
            about["image_sha256"] = MappingProxyType(self.image_sha256)
        if self.spent_while is not None:
            message = (f"the scan's time budget (SCANNER_SCAN_BUDGET_S) ran out after {took_ms:.0f} ms while "
                       f"{self.spent_while}; the findings made before it are listed")
            row = unfinished(item_id, "scan_budget_exceeded", message, versions, took_ms, tuple(findings))
            row = row._replace(image_errors=tuple(self.image_errors), incomplete=row.incomplete + capped,
                               image_text=tuple(self.image_texts), **about)
            if decision == "block":
                return row._replace(decision="block", score=score)
            return row._replace(score=max(score, UNFINISHED_SCORE))  # a review's own score, or the lowest review
        if (capped or self.ocr_unread) and decision == "pass":  # not read in full: never pass
            decision, score = "review", max(score, UNFINISHED_SCORE)
        return ScanResult(id=item_id, decision=decision, score=score, findings=tuple(findings), versions=versions,
                          took_ms=took_ms, image_errors=tuple(self.image_errors), incomplete=capped,
                          image_text=tuple(self.image_texts), **about)


def _most_severe(findings: list[Finding], indexes: list[int], n: int) -> list[int]:
    ranked = sorted(indexes, key=lambda i: (_SEVERITY_ORDER.get(findings[i].effect, 1), -findings[i].score, i))
    return ranked[:n]


def deadline_after(seconds: float | None) -> float | None:
    return time.monotonic() + seconds if seconds else None
