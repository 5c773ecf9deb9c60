"""Prometheus metrics: requests and latency by route and status, findings by category,
decisions, connections refused before reaching the app, and the data versions each
process serves.

Several worker processes: `scanner serve --workers N` sets PROMETHEUS_MULTIPROC_DIR to a
fresh directory before the workers start, so every worker writes its samples there and
/metrics (answered by any worker) aggregates all of them (prometheus_client multiprocess
mode). Version gauges are per process (`pid` label) in that mode.
"""
from __future__ import annotations

import os
import threading

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

try:  # the *_created series double the output and nobody graphs them
    from prometheus_client import disable_created_metrics

    disable_created_metrics()
except ImportError:  # pragma: no cover - older prometheus_client
    pass

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter("scanner_http_requests_total", "HTTP requests", ["route", "method", "status"])
LATENCY = Histogram(
    "scanner_http_request_duration_seconds",
    "HTTP request latency (server side, first byte in to last byte out)",
    ["route", "method", "status"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
FINDINGS = Counter("scanner_findings_total", "Findings reported, by category", ["category"])
DECISIONS = Counter("scanner_decisions_total", "Listings scanned, by decision", ["decision"])
SCAN_ERRORS = Counter("scanner_scan_errors_total", "Listings or images refused, by error code", ["code"])
# Refused by the connection layer (api/edge) before any request reached the app, so
# they never show in the request counters: slow or oversized headers, too many connections.
CONNECTIONS_REFUSED = Counter(
    "scanner_connections_refused_total", "Connections answered and closed before reaching the app, by reason", ["reason"]
)
VERSIONS = Gauge(
    "scanner_versions_loaded", "1 for each data version this process currently serves",
    ["component", "version"], multiprocess_mode="liveall",
)

# Human review (issue #19): counters at each verdict (precision = correct / (correct + false_positive),
# per category or rule, is a ratio of two of these), gauges refreshed from the store (every instance
# reports the same database's numbers, so multiprocess mode keeps the most recent value).
REVIEW_JUDGED = Counter("scanner_review_findings_judged_total", "Findings reviewers judged, by category, rule and verdict",
                        ["category", "rule", "verdict"])
REVIEW_MISSED = Counter("scanner_review_missed_total", "Spans reviewers marked as missed, by category", ["category"])
REVIEW_VERDICTS = Counter("scanner_review_verdicts_total", "Verdicts given, by decision", ["decision"])
REVIEW_TIME_TO_VERDICT = Histogram(
    "scanner_review_time_to_verdict_seconds", "From queued to verdict",
    buckets=(60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400))
REVIEW_QUEUE_DEPTH = Gauge("scanner_review_queue_depth", "Review items by status", ["status"],
                           multiprocess_mode="mostrecent")
REVIEW_PRECISION = Gauge("scanner_review_precision", "Share of judged findings reviewers called correct, by category",
                         ["category"], multiprocess_mode="mostrecent")
REVIEW_MISSED_RATE = Gauge("scanner_review_missed_rate", "Missed spans / (missed spans + findings judged correct)",
                           multiprocess_mode="mostrecent")


def record_verdict(outcome: dict) -> None:
    """Count one verdict (scanner.review.verdicts.submit's answer)."""
    REVIEW_VERDICTS.labels(outcome["decision"]).inc()
    REVIEW_TIME_TO_VERDICT.observe(outcome["seconds_to_verdict"])
    for category, rule, verdict in outcome["judged"]:
        REVIEW_JUDGED.labels(category, rule[:100], verdict).inc()
    for category in outcome["missed"]:
        REVIEW_MISSED.labels(category).inc()


def set_review_stats(stats: dict) -> None:
    """Gauges from scanner.review.stats.compute."""
    for status, n in stats["queue"].items():
        REVIEW_QUEUE_DEPTH.labels(status).set(n)
    for category, v in stats["precision"]["by_category"].items():
        if v["precision"] is not None:
            REVIEW_PRECISION.labels(category).set(v["precision"])
    if stats["missed"]["rate"] is not None:
        REVIEW_MISSED_RATE.set(stats["missed"]["rate"])


_versions_lock = threading.Lock()
_current_versions: dict[str, str] = {}
_request_children: dict[tuple[str, str, int], tuple] = {}


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    key = (route, method, status)
    children = _request_children.get(key)
    if children is None:
        labels = (route, method, str(status))
        children = (REQUESTS.labels(*labels), LATENCY.labels(*labels))
        _request_children[key] = children
    children[0].inc()
    children[1].observe(seconds)


def record_result(result_dict: dict) -> None:
    """Count one listing's outcome (a contract result or error row)."""
    decision = result_dict.get("decision")
    if decision is not None:
        DECISIONS.labels(decision).inc()
        for finding in result_dict.get("findings", ()):
            FINDINGS.labels(finding.get("category", "unknown")).inc()
    error = result_dict.get("error")
    if error:
        SCAN_ERRORS.labels(error.get("code", "unknown")).inc()
    for image_error in result_dict.get("image_errors", ()) if not error else ():
        SCAN_ERRORS.labels(image_error.get("code", "unknown")).inc()


def set_versions(versions: dict[str, str]) -> None:
    with _versions_lock:
        for component, version in versions.items():
            old = _current_versions.get(component)
            if old == version:
                continue
            if old is not None:
                if MULTIPROCESS:
                    VERSIONS.labels(component, old).set(0)
                else:
                    try:
                        VERSIONS.remove(component, old)
                    except KeyError:
                        pass
            VERSIONS.labels(component, version).set(1)
            _current_versions[component] = version


def render() -> tuple[bytes, str]:
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def process_exit() -> None:
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())
