"""`scanner batch INPUT --out OUTPUT` and `scanner diff OLD NEW`."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from scanner.batch.spec import BatchOptions, spec_from_args
from scanner.batch.listings_table import DEFAULT_PER_DECISION
from scanner.categories import LANGUAGES

EPILOG_BATCH = """\
Every input row gives exactly one output row, in input order; rows that cannot be read
or scanned become {"id":…, "line":N, "error":{"code","message"}} rows (e.g. invalid_json,
invalid_number for NaN, 1e400 or an integer of thousands of digits). A row that runs past
--row-timeout is flagged: decision "review" with "incomplete":[{"code":"scan_timeout",…}].
After a crash or kill, run the same command with --resume to continue where it stopped.
"""


def register(sub) -> None:
    p = sub.add_parser("batch", help="scan a catalogue file (JSONL or CSV) into a JSONL of results",
                       description="Scan a catalogue file (JSONL or CSV) into a JSONL of results, in input order.",
                       epilog=EPILOG_BATCH, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="listings: .jsonl (optionally .gz) or .csv/.tsv with title/description/image columns")
    p.add_argument("--out", "-o", required=True, help="results JSONL (one row per input row)")
    p.add_argument("--format", choices=("auto", "jsonl", "csv"), default="auto", help="input format (default: by extension)")
    p.add_argument("--workers", "-j", type=int, default=0, help="worker processes (default: all cores)")
    p.add_argument("--chunk-size", type=int, default=BatchOptions.chunk_size,
                   help="rows per work unit (default %(default)s)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run of the same input")
    p.add_argument("--overwrite", action="store_true", help="start over even if OUTPUT holds an unfinished run")
    p.add_argument("--allow-version-change", action="store_true",
                   help="with --resume: continue although word lists/gallery changed since the run started")
    p.add_argument("--no-images", action="store_true", help="text only: do not load the gallery or images")
    p.add_argument("--lang", choices=LANGUAGES, default=None,
                   help="language of the explanations for rows that do not ask themselves (default en)")
    p.add_argument("--mask", action="store_true",
                   help="add `masked` (the copy with personal data masked) to every row that does not say otherwise")
    p.add_argument("--policy", default=None, metavar="NAME",
                   help="named policy profile (wordlists/profiles/NAME.toml, e.g. cosmetics) for rows that do not "
                   "ask themselves (default: `default`, policy.toml); --resume refuses a different one")
    p.add_argument("--suggest", action="store_true",
                   help="add `suggested` (the copy rewritten, docs/api.md), `suggested_manual` and "
                   "`suggested_decision` to every row that does not say otherwise")
    p.add_argument("--ocr", action=argparse.BooleanOptionalAction, default=None,
                   help="read the text in the images and scan it like copy (the `ocr` extra; default: SCANNER_OCR, "
                   "off); each image's text is cached by content hash, so a rescan runs no OCR for unchanged images")
    p.add_argument("--image-url-host", action="append", default=None, metavar="HOST",
                   help="allow image URLs from HOST (repeatable; default: settings image_url_hosts)")
    p.add_argument("--review-queue", action=argparse.BooleanOptionalAction, default=None,
                   help="queue review results (and sampled ones) for reviewers, chunk by chunk during the run, in the review store "
                        "(SCANNER_DATABASE_URL; default: SCANNER_REVIEW_BATCH, off)")
    p.add_argument("--summary", metavar="FILE", help="write the run summary as JSON")
    p.add_argument("--report", metavar="FILE.html", help="write an HTML report with charts and the flagged listings")
    p.add_argument("--report-listings", type=int, default=DEFAULT_PER_DECISION, metavar="N",
                   help=f"listings per decision in the report's table, highest score first (default {DEFAULT_PER_DECISION}; 0: none)")
    p.add_argument("--compare-to", metavar="OLD_RESULTS", help="after the run, diff against an earlier result file")
    p.add_argument("--diff-out", metavar="FILE", help="with --compare-to: write the diff as JSON")
    p.add_argument("--progress", choices=("auto", "bar", "log", "none"), default="auto",
                   help="progress bar on a terminal, periodic log lines otherwise (default auto)")
    p.add_argument("--log-interval", type=float, default=BatchOptions.log_interval,
                   help="seconds between progress log lines")
    p.add_argument("--max-line-bytes", type=int, default=BatchOptions.max_line_bytes,
                   help="longer input lines become error rows")
    p.add_argument("--row-timeout", type=float, default=BatchOptions.row_timeout, metavar="SECONDS",
                   help="a row that takes longer is flagged for review, marked incomplete (scan_timeout), "
                   "and the run goes on (default %(default)g; 0 = no limit)")
    p.add_argument("--engine-factory", default=None, help=argparse.SUPPRESS)  # tests/benchmarks: module:callable
    p.add_argument("--start-method", choices=("fork", "spawn", "forkserver"), default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=_run_batch)

    d = sub.add_parser("diff", help="listings whose decision changed between two result files, and why",
                       description="Compare two batch result files (e.g. before and after a word-list change).")
    d.add_argument("old", help="earlier results JSONL")
    d.add_argument("new", help="later results JSONL")
    d.add_argument("--json", action="store_true", help="machine-readable output")
    d.add_argument("--all", action="store_true", help="also list listings whose findings changed but not the decision")
    d.add_argument("--limit", type=int, default=50, help="listings shown in text output (default 50)")
    d.add_argument("--exit-code", action="store_true", help="exit 1 if any decision changed (like git diff)")
    d.set_defaults(func=_run_diff)


def _run_batch(args) -> int:
    from scanner.batch import BatchError, format_summary, run_batch

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    opts = BatchOptions(
        workers=args.workers, chunk_size=args.chunk_size, resume=args.resume, overwrite=args.overwrite,
        allow_version_change=args.allow_version_change, fmt=args.format, max_line_bytes=args.max_line_bytes,
        progress=args.progress, log_interval=args.log_interval, start_method=args.start_method,
        row_timeout=max(0.0, args.row_timeout),
    )
    review = _review_writer(args)
    try:
        summary = run_batch(args.input, args.out, spec_from_args(args), opts,
                            review=review[1] if review else None)
    except BatchError as exc:
        print(f"scanner batch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("scanner batch: interrupted; rerun the same command with --resume to continue", file=sys.stderr)
        return 130
    finally:
        if review:  # what reached the output reaches the queue too, however the run ended
            service, writer = review
            try:
                counts = writer.close()
                print("review queue: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), file=sys.stderr)
            finally:
                service.close()
    print(format_summary(summary), file=sys.stderr)

    diff = None
    if args.compare_to:
        from scanner.batch.diff import diff_files, format_diff

        diff = diff_files(args.compare_to, args.out, max_listed=10_000)
        print("\n" + format_diff(diff, limit=20), file=sys.stderr)
        if args.diff_out:
            _write(args.diff_out, diff)
    if args.summary:
        _write(args.summary, summary)
    if args.report:
        from scanner.batch.listings_table import collect_file
        from scanner.batch.report import render_html

        listings = collect_file(args.out, args.report_listings) if args.report_listings else None
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(render_html(summary, diff, listings=listings), encoding="utf-8")
    return 0


def _run_diff(args) -> int:
    from scanner.batch.diff import diff_files, format_diff

    for path in (args.old, args.new):
        if not os.path.isfile(path):
            print(f"scanner diff: file not found: {path}", file=sys.stderr)
            return 2
    try:
        diff = diff_files(args.old, args.new, include_unchanged_decisions=args.all,
                          max_listed=None if args.json else max(args.limit, 0) * 20 + 1000)
    except ValueError as exc:
        print(f"scanner diff: {exc}", file=sys.stderr)
        return 2
    if args.json:
        from scanner import jsonio

        sys.stdout.write(jsonio.dumps(diff, indent=2).decode("utf-8") + "\n")
    else:
        print(format_diff(diff, limit=args.limit))
    return 1 if args.exit_code and diff["totals"]["decision_changed"] else 0


def _review_writer(args):
    """(review service, its batch writer) when the run queues its results (--review-queue or
    SCANNER_REVIEW_BATCH), else None. Opened before the run, so a bad SCANNER_DATABASE_URL stops it at once."""
    from scanner.config import load_settings

    settings = load_settings()
    if not (settings.review_batch if args.review_queue is None else args.review_queue):
        return None
    from scanner.review import ReviewService
    from scanner.review.batch import BatchQueueWriter

    service = ReviewService.from_settings(settings)
    return service, BatchQueueWriter(service.queue)


def _write(path: str, data: dict) -> None:
    """A summary or diff as strict JSON (scanner.jsonio: ids or paths may hold lone surrogates)."""
    from scanner import jsonio

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(jsonio.dumps(data, indent=2) + b"\n")
