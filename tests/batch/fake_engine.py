"""A tiny deterministic stand-in for the Scanner, for testing the batch plumbing.

It speaks the engine interface the runner relies on (`scan(listing)` returning an
object with `to_dict()`, never raising on bad input, and `versions`) and produces
contract-shaped rows, so the runner, resume, diff and Spark tests do not depend on
the state of the real word lists. Behaviour is controlled through EngineSpec.settings:

* ``terms``: {term: [category, effect]} overrides the default dictionary;
* ``fake_version``: the "wordlists" version string;
* ``crash_on``: a substring; a listing whose title contains it kills the worker process;
* ``delay_s``: sleep per row (to make a run slow enough to kill);
* ``hang_on``: a substring; a listing whose title contains it never finishes (a Python-level loop,
  which the worker's alarm can interrupt);
* ``hard_hang_on``: the same, but with SIGALRM ignored, like a hang inside C code: only killing
  the worker ends it;
* ``config``: a JSON file whose keys are merged into the above (the CLI's --config).
"""
from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

DEFAULT_TERMS = {
    "高仿": ("counterfeit", "block"), "复刻": ("counterfeit", "block"), "replica": ("counterfeit", "block"),
    "最佳": ("absolute_term", "review"), "全网第一": ("absolute_term", "review"),
    "耐克": ("brand", "review"), "Nike": ("brand", "review"), "加微信": ("diversion", "review"),
}


class _Result:
    def __init__(self, d: dict[str, Any]) -> None:
        self._d = d
        self.decision = d.get("decision")

    def to_dict(self) -> dict[str, Any]:
        return dict(self._d)


class FakeScanner:
    def __init__(self, settings: dict[str, Any]) -> None:
        terms = settings.get("terms") or DEFAULT_TERMS
        self.terms = {t: tuple(v) for t, v in terms.items()}
        self.versions = {"wordlists": settings.get("fake_version", "fake:1"), "gallery": "none", "scanner": "test"}
        self.crash_on = settings.get("crash_on")
        self.delay_s = float(settings.get("delay_s", 0))
        self.hang_on = settings.get("hang_on")
        self.hard_hang_on = settings.get("hard_hang_on")

    def scan(self, raw: Any) -> _Result:
        if self.delay_s:
            time.sleep(self.delay_s)
        if not isinstance(raw, dict):
            return _Result({"id": None, "error": {"code": "invalid_listing",
                                                  "message": f"a listing must be a JSON object, got {type(raw).__name__}"},
                            "versions": self.versions})
        for name in ("title", "description"):
            if raw.get(name) is not None and not isinstance(raw.get(name), str):
                return _Result({"id": raw.get("id"), "error": {"code": "invalid_listing",
                                                               "message": f"field {name!r} must be a string"},
                                "versions": self.versions})
        if self.crash_on and self.crash_on in (raw.get("title") or ""):
            os._exit(3)
        if self.hang_on and self.hang_on in (raw.get("title") or ""):
            while True:
                try:
                    time.sleep(0.05)
                except Exception:  # an engine that swallows errors must still be stoppable
                    pass
        if self.hard_hang_on and self.hard_hang_on in (raw.get("title") or ""):
            signal.signal(signal.SIGALRM, signal.SIG_IGN)  # the alarm is never seen, as inside C code
            while True:
                time.sleep(0.05)
        findings = []
        for name in ("title", "description"):
            text = raw.get(name) or ""
            for term, (category, effect) in self.terms.items():
                start = text.find(term)
                if start >= 0:
                    findings.append({"kind": "text", "category": category, "field": name, "start": start,
                                     "end": start + len(term), "text": term, "term": term, "severity": "high",
                                     "score": 0.9, "effect": effect,
                                     "brand": "Nike" if category == "brand" else None,
                                     "suggestion": None, "explanation": "fake engine"})
        effects = {f["effect"] for f in findings}
        decision = "block" if "block" in effects else "review" if "review" in effects else "pass"
        score = {"block": 95, "review": 60, "pass": 0}[decision]
        return _Result({"id": raw.get("id"), "decision": decision, "score": score, "findings": findings,
                        "versions": self.versions, "took_ms": 0.01})


def build(spec) -> FakeScanner:
    settings = dict(spec.settings)
    if settings.get("config"):  # the CLI's --config file carries the knobs in subprocess tests
        with open(settings["config"], encoding="utf-8") as fh:
            settings.update(json.load(fh))
    return FakeScanner(settings)


class NullScanner:
    """Does nothing: measures the batch plumbing alone."""

    versions = {"wordlists": "null", "gallery": "none", "scanner": "null"}

    def scan(self, raw: Any) -> _Result:
        return _Result({"id": raw.get("id") if isinstance(raw, dict) else None, "decision": "pass", "score": 0,
                        "findings": [], "versions": self.versions, "took_ms": 0.0})


def build_null(spec) -> NullScanner:
    return NullScanner()


class ImageTextScanner:
    """Answers every listing as a scan with OCR would (docs/ocr.md): one finding read in images[0], with its box
    and confidence, and the image's text. Checks that these survive a batch or Spark round trip."""

    versions = {"wordlists": "fake:1", "gallery": "none", "scanner": "test", "ocr": "fake-ocr:1"}
    FINDING = {"kind": "image_text", "category": "diversion", "field": "images[0]", "start": 0, "end": 3,
               "text": "加微信", "term": "加微信", "severity": "high", "score": 0.8, "effect": "review", "brand": None,
               "suggestion": "", "explanation": "off-platform contact '加微信'", "box": [51, 105, 163, 153],
               "ocr_confidence": 0.998}
    IMAGE_TEXT = [{"field": "images[0]", "text": "加微信abc12345\n高仿1:1",
                   "lines": [{"text": "加微信abc12345", "box": [51, 105, 402, 153], "confidence": 0.998},
                             {"text": "高仿1:1", "box": [60, 180, 220, 226], "confidence": 0.87}]}]

    def scan(self, raw: Any) -> _Result:
        return _Result({"id": raw.get("id") if isinstance(raw, dict) else None, "decision": "review", "score": 61,
                        "findings": [dict(self.FINDING)], "image_text": [dict(t) for t in self.IMAGE_TEXT],
                        "versions": self.versions, "took_ms": 1.0})


def build_image_text(spec) -> ImageTextScanner:
    return ImageTextScanner()
