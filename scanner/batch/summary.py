"""What a run did, in numbers: counters folded from output rows, the run summary, and progress.

Counters are built from output rows (contract dicts) only, so a resumed run rebuilds the
counts of its first part from the output file and ends with the same summary as an
uninterrupted run.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

DECISIONS = ("block", "review", "pass", "error")


def new_stats() -> dict[str, Counter]:
    return {
        "decisions": Counter(),   # pass/review/block/error -> rows
        "errors": Counter(),      # error code -> rows
        "categories": Counter(),  # category -> rows with >=1 effective finding in it
        "brands": Counter(),      # brand -> rows naming it (effective findings)
        "terms": Counter(),       # "category\tterm" -> rows
        "gallery": Counter(),     # gallery id -> rows matching it
        "image_errors": Counter(),  # code -> images
        "findings": Counter(),    # "effective"/"neutralised" -> findings
        "incomplete": Counter(),  # reason code (scan_timeout, ...) -> rows flagged for review unfinished
    }


def merge_stats(into: dict[str, Counter], other: dict[str, Counter]) -> None:
    for key, counter in other.items():
        into.setdefault(key, Counter()).update(counter)


def accumulate(stats: dict[str, Counter], row: dict[str, Any]) -> None:
    """Fold one output row (contract dict) into the counters."""
    error = row.get("error")
    if error is not None:
        stats["decisions"]["error"] += 1
        stats["errors"][error.get("code", "unknown")] += 1
        return
    stats["decisions"][row.get("decision")] += 1
    categories, brands, terms, gallery = set(), set(), set(), set()
    for f in row.get("findings") or ():
        if f.get("effect") == "none":
            stats["findings"]["neutralised"] += 1
            continue
        stats["findings"]["effective"] += 1
        category = f.get("category")
        categories.add(category)
        if f.get("brand"):
            brands.add(f["brand"])
        if f.get("kind") == "image":
            gallery.add(str(f.get("gallery_id")))
        elif f.get("term"):
            terms.add(f"{category}\t{f['term']}")
    for name, values in (("categories", categories), ("brands", brands), ("terms", terms), ("gallery", gallery)):
        stats[name].update(values)
    for e in row.get("image_errors") or ():
        stats["image_errors"][e.get("code", "unknown")] += 1
    for e in row.get("incomplete") or ():
        stats["incomplete"][e.get("code", "unknown")] += 1


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _top(counter: Counter, n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]


def build_summary(stats: dict[str, Counter], rows: int, resumed_from: int, elapsed: float, versions,
                  inp: Path, out: Path, workers: int, restarts: int = 0, top: int = 30) -> dict[str, Any]:
    scanned = rows - resumed_from
    return {
        "input": str(inp), "output": str(out), "rows": rows,
        "decisions": {k: stats["decisions"].get(k, 0) for k in DECISIONS},
        "errors": dict(_top(stats["errors"], 100)),
        "categories": dict(_top(stats["categories"], 100)),
        "brands": dict(_top(stats["brands"], top)),
        "terms": [{"category": k.split("\t", 1)[0], "term": k.split("\t", 1)[1], "listings": v}
                  for k, v in _top(stats["terms"], top)],
        "gallery": dict(_top(stats["gallery"], top)),
        "image_errors": dict(_top(stats["image_errors"], 100)),
        "incomplete": dict(_top(stats["incomplete"], 100)),
        "findings": {"effective": stats["findings"].get("effective", 0),
                     "neutralised": stats["findings"].get("neutralised", 0)},
        "versions": versions or {},
        # this run's OCR work (a resumed run's first part is not counted): images read vs served by the cache, and of
        # those read, how many stopped at the has-text gate (no text detected: nothing recognised, docs/ocr.md)
        "ocr": {"runs": stats.get("ocr", Counter()).get("ocr_runs", 0),
                "cache_hits": stats.get("ocr", Counter()).get("ocr_cache_hits", 0),
                "gated": stats.get("ocr", Counter()).get("ocr_gated", 0)},
        # --review-queue: the workers' CPU making the queue's records (the writer's is in its own totals)
        **({"review_queue": {"prepare_cpu_s": round(stats["review_queue"].get("prepare_cpu_ns", 0) / 1e9, 3)}}
           if "review_queue" in stats else {}),
        "resumed_from": resumed_from, "scanned_this_run": scanned,
        "seconds": round(elapsed, 3), "rows_per_s": round(scanned / elapsed, 1) if elapsed > 0 else None,
        "workers": workers, "worker_restarts": restarts, "finished_at": now(),
    }


def format_summary(summary: dict[str, Any]) -> str:
    d = summary["decisions"]
    lines = [
        f"scanned {summary['rows']:,} rows in {_duration(summary['seconds'])}"
        + (f" ({summary['rows_per_s']:,.0f} rows/s, {summary['workers']} workers)" if summary.get("rows_per_s") else "")
        + (f", resumed after {summary['resumed_from']:,}" if summary.get("resumed_from") else ""),
        f"  block {d['block']:,}   review {d['review']:,}   pass {d['pass']:,}   error {d['error']:,}",
    ]
    if summary["errors"]:
        lines.append("  errors: " + ", ".join(f"{k} {v:,}" for k, v in summary["errors"].items()))
    ocr = summary.get("ocr") or {}
    if ocr.get("runs") or ocr.get("cache_hits"):
        lines.append(f"  OCR: {ocr['runs']:,} images read ({ocr.get('gated', 0):,} without text, stopped at the gate), "
                     f"{ocr['cache_hits']:,} from the cache")
    if summary.get("incomplete"):
        lines.append("  incomplete: " + ", ".join(f"{k} {v:,}" for k, v in summary["incomplete"].items()))
    if summary["categories"]:
        lines.append("  categories: " + ", ".join(f"{k} {v:,}" for k, v in summary["categories"].items()))
    if summary["brands"]:
        lines.append("  brands: " + ", ".join(f"{k} {v:,}" for k, v in list(summary["brands"].items())[:10]))
    if summary["terms"]:
        lines.append("  top terms: " + ", ".join(f"{t['term']} {t['listings']:,}" for t in summary["terms"][:10]))
    if summary.get("versions"):
        lines.append("  versions: " + ", ".join(f"{k}={v}" for k, v in summary["versions"].items()))
    return "\n".join(lines)


class Progress:
    """tqdm on a terminal; plain periodic log lines otherwise (or when forced)."""

    def __init__(self, total: int | None, initial: int, mode: str = "auto", interval: float = 10.0,
                 stream=None) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "log"
        self.mode, self.total, self.done, self.interval = mode, total, initial, interval
        self.started = time.monotonic()
        self.initial = initial
        self.last_log = self.started
        self.bar = None
        if mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="rows", unit_scale=True, dynamic_ncols=True,
                            file=self.stream, smoothing=0.1, desc="scanning")

    def update(self, n: int, decisions: Counter) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.set_postfix_str(_decision_text(decisions), refresh=False)
            self.bar.update(n)
        elif self.mode == "log":
            now = time.monotonic()
            if now - self.last_log >= self.interval:
                self.last_log = now
                self.stream.write(self.line(decisions) + "\n")
                self.stream.flush()

    def line(self, decisions: Counter) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = (self.done - self.initial) / elapsed
        parts = [f"batch: {self.done:,} rows"]
        if self.total:
            parts[0] = f"batch: {self.done:,}/{self.total:,} rows ({100 * self.done / self.total:.1f}%)"
            if rate > 0:
                parts.append(f"ETA {_duration(max(self.total - self.done, 0) / rate)}")
        parts.insert(1, f"{rate:,.0f} rows/s")
        parts.append(_decision_text(decisions))
        return ", ".join(parts)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _decision_text(decisions: Counter) -> str:
    return " ".join(f"{k}={decisions.get(k, 0):,}" for k in DECISIONS)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"
