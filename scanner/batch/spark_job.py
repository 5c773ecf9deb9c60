"""Spark job: scan a catalogue and write results to Parquet.

    spark-submit scanner/batch/spark_job.py --input listings.jsonl --output results.parquet
    python -m scanner.batch.spark_job --master 'local[*]' --input listings/ --format parquet --output results/

Every Python worker builds its own engine from the configuration given here
(--wordlists/--gallery/--config, or SCANNER_* environment variables on the
executors); nothing heavy is broadcast. On a cluster the executors need the package
(`pip install .[spark]` in their image, or --py-files) and the word lists at a path
they can read (shared storage, or --files plus --wordlists).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file by spark-submit: make `scanner` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scanner import jsonio  # noqa: E402
from scanner.batch.spec import DEFAULT_ROW_TIMEOUT, EngineBuildError, check_run_policy, spec_from_args  # noqa: E402
from scanner.categories import LANGUAGES  # noqa: E402
from scanner.batch.summary import DECISIONS  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True, help="JSONL file/dir (read as text) or Parquet/ORC listings")
    p.add_argument("--output", required=True, help="results directory (Parquet)")
    p.add_argument("--format", choices=("auto", "jsonl", "parquet", "orc"), default="auto")
    p.add_argument("--master", default=None, help="Spark master when run with python (spark-submit sets it)")
    p.add_argument("--partitions", type=int, default=None, help="repartition the listings (default: ≥ cores)")
    p.add_argument("--mode", choices=("overwrite", "errorifexists"), default="errorifexists")
    p.add_argument("--wordlists")
    p.add_argument("--gallery")
    p.add_argument("--config")
    p.add_argument("--no-images", action="store_true")
    p.add_argument("--lang", choices=LANGUAGES, default=None,
                   help="language of the explanations for rows that do not ask themselves (default en)")
    p.add_argument("--mask", action="store_true",
                   help="add `masked` (the copy with personal data masked) to every row that does not say otherwise")
    p.add_argument("--ocr", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--suggest", action="store_true",
                   help="add `suggested` (the copy rewritten), `suggested_manual` and `suggested_decision` to every "
                   "row that does not say otherwise, as scanner batch --suggest")
    p.add_argument("--policy", default=None, metavar="NAME",
                   help="named policy profile (wordlists/profiles/NAME.toml, e.g. cosmetics) for rows that do not "
                   "ask themselves, as scanner batch --policy; an unknown name stops the job before Spark starts")
    p.add_argument("--engine-factory", default=None, help=argparse.SUPPRESS)
    p.add_argument("--summary", help="write counts by decision and the run time as JSON")
    p.add_argument("--row-timeout", type=float, default=DEFAULT_ROW_TIMEOUT,
                   help="seconds per listing, then a review row marked incomplete (scan_timeout; 0 = no limit), "
                   "as in scanner batch")
    return p.parse_args(argv)


def ensure_local_worker_path() -> None:
    """In local mode the Python workers inherit this environment: let them import the
    package from this source tree, and use this interpreter (not the system one)."""
    root = str(Path(__file__).resolve().parents[2])
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)


def job_spec(args):
    """The engine spec of the job's arguments, checked on the driver (a bad --lang/--policy stops it here, not
    as a failed task or a million error rows)."""
    spec = spec_from_args(args)
    check_run_policy(spec)
    return spec


def run(spark, args, spec=None) -> dict:
    from pyspark.sql import functions as F

    from scanner.batch.spark import read_listings, scan_dataframe

    started = time.monotonic()
    spec = spec if spec is not None else job_spec(args)
    df, mode = read_listings(spark, args.input, args.format)
    results = scan_dataframe(df, spec, mode=mode, partitions=args.partitions,
                             row_timeout=args.row_timeout)
    results.write.mode(args.mode).parquet(args.output)
    written = spark.read.parquet(args.output)
    counts = {r["decision"] or "error": r["count"] for r in written.groupBy("decision").count().collect()}
    incomplete = {r["code"]: r["count"] for r in
                  written.select(F.explode("incomplete.code").alias("code")).groupBy("code").count().collect()}
    summary = {"input": args.input, "output": args.output, "rows": sum(counts.values()),
               "decisions": {k: counts.get(k, 0) for k in DECISIONS},
               "incomplete": incomplete,  # reason -> rows flagged review unfinished (counted in decisions too)
               "seconds": round(time.monotonic() - started, 2)}
    return summary


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        spec = job_spec(args)
    except (EngineBuildError, ValueError) as exc:  # InvalidOptions is a ValueError: usage errors, exit 2
        print(f"spark_job: {exc}", file=sys.stderr)
        return 2
    ensure_local_worker_path()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("listing-scanner-batch")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        summary = run(spark, args, spec)
    finally:
        spark.stop()
    print(jsonio.dumps(summary).decode("utf-8"))
    if args.summary:
        Path(args.summary).write_bytes(jsonio.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
