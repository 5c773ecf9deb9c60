"""Scanning a catalogue with Apache Spark: the same engine, the same rows, beyond one machine.

    from scanner.batch.spark import scan_dataframe, read_listings
    results = scan_dataframe(read_listings(spark, "s3://…/listings/", "parquet"), EngineSpec())
    results.write.parquet("s3://…/results/")

Design (learned from Presidio issue #1406, engines that cannot be broadcast):

* The driver never builds an engine and never ships one. Each Python worker builds
  its own Scanner lazily from an `EngineSpec` (plain JSON configuration) the first
  time a partition reaches it, and keeps it in a module-level cache for the life of
  the worker process (Spark reuses Python workers by default), so the cost is paid
  once per executor core, not per row or per task.
* Rows go through `scanner.batch.rows.process_item`, the exact function the local batch
  workers use, so a JSONL line gives the same result -- including the same error row
  for a malformed line -- on a laptop and on a cluster.
* Results are written with a fixed schema (`result_schema()`): findings are an array
  of structs, errors a struct, versions a map, `incomplete` (why a listing is flagged
  review unfinished, e.g. scan_timeout) an array of structs. `id` is a string (contract
  ids may be strings or integers; Spark columns need one type). Arrow strings must be
  UTF-8, so a lone surrogate echoed from the input is written as U+FFFD.
* One row never fails a task: whatever a row holds, it becomes one result row.

Inputs: JSONL read as text (one listing per line, malformed lines become error rows)
or Parquet/ORC with listing columns (id, title, description, bullets, attributes,
images, seller, locale). Every result row says where it came from: `source` is the input
file (the URI Spark read it from) and, for JSONL, `line` is the line number within that
file (1-based, as in the local batch), also when the input is a directory or glob of many
files split across many partitions. For Parquet/ORC `line` is null.
"""
from __future__ import annotations

import math
from typing import Any, Iterator

from scanner.batch.rows import LISTING, RAW, install_row_alarm, internal_error_row, process_item, scan_row_with_alarm
from scanner.batch.spec import DEFAULT_ROW_TIMEOUT, EngineSpec, build_engine
from scanner.jsonio import utf8_text
from scanner.results import version_label

# new columns go last, so positional readers of an older schema are unaffected
RESULT_COLUMNS = ("id", "line", "decision", "score", "findings", "image_errors", "error", "versions", "took_ms",
                  "source", "incomplete", "masked", "image_text", "suggested", "suggested_manual", "suggested_decision",
                  "kind", "listing_id", "speaker", "listing_signals", "image_sha256")
FINDING_FIELDS = ("kind", "category", "field", "start", "end", "text", "term", "severity", "score", "effect",
                  "brand", "suggestion", "explanation", "gallery_id", "distance", "label", "box", "ocr_confidence")

_ENGINES: dict[str, Any] = {}


def get_engine(spec_json: str):
    """The engine for this configuration in this Python worker, built on first use."""
    engine = _ENGINES.get(spec_json)
    if engine is None:
        engine = _ENGINES[spec_json] = build_engine(EngineSpec.from_json(spec_json))
    return engine


def result_schema():
    from pyspark.sql.types import (ArrayType, DoubleType, IntegerType, LongType, MapType, StringType,
                                   StructField, StructType)

    s, i = StringType(), IntegerType()
    finding = StructType([
        StructField("kind", s), StructField("category", s), StructField("field", s),
        StructField("start", i), StructField("end", i), StructField("text", s), StructField("term", s),
        StructField("severity", s), StructField("score", DoubleType()), StructField("effect", s),
        StructField("brand", s), StructField("suggestion", s), StructField("explanation", s),
        StructField("gallery_id", s), StructField("distance", MapType(s, i)), StructField("label", s),
        # image_text findings (OCR, docs/ocr.md): where in the image, and how sure the reader was
        StructField("box", ArrayType(i)), StructField("ocr_confidence", DoubleType()),
    ])
    ocr_line = StructType([StructField("text", s), StructField("box", ArrayType(i)), StructField("confidence", DoubleType())])
    image_text = StructType([StructField("field", s), StructField("text", s), StructField("lines", ArrayType(ocr_line))])
    image_error = StructType([StructField("field", s), StructField("code", s), StructField("message", s)])
    incomplete = StructType([StructField("field", s), StructField("code", s), StructField("message", s)])
    return StructType([
        StructField("id", s), StructField("line", LongType()), StructField("decision", s), StructField("score", i),
        StructField("findings", ArrayType(finding)), StructField("image_errors", ArrayType(image_error)),
        StructField("error", StructType([StructField("code", s), StructField("message", s)])),
        StructField("versions", MapType(s, s)), StructField("took_ms", DoubleType()),
        StructField("source", s),
        StructField("incomplete", ArrayType(incomplete)),  # e.g. scan_timeout: decision is review, never pass
        StructField("masked", MapType(s, s)),  # only with options.mask: field -> text with personal data masked
        StructField("image_text", ArrayType(image_text)),  # only with OCR: what each image reads
        # only with options.suggest (--suggest): the copy rewritten (field -> text), the findings no rewrite
        # fixes, and what the rewritten copy scans to (docs/api.md, scanner/text/rewrite.py)
        StructField("suggested", MapType(s, s)), StructField("suggested_manual", i),
        StructField("suggested_decision", s),
        # review and qa rows only (#20): the item's kind, listing, speaker and what a buyer says about the listing
        StructField("kind", s), StructField("listing_id", s), StructField("speaker", s),
        StructField("listing_signals", ArrayType(StructType([
            StructField("category", s), StructField("start", i), StructField("end", i), StructField("text", s),
            StructField("explanation", s), StructField("explanation_zh", s)]))),
        StructField("image_sha256", MapType(s, s)),  # "images[i]" -> SHA-256 of the bytes read, when any was
    ])


# -- pandas/arrow values -> plain Python listings ------------------------------------
def _plain(value: Any) -> Any:
    """numpy arrays/scalars, NaN and pandas NA -> plain Python; None-valued keys dropped."""
    if value is None:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # NaN is pandas' "missing"; ±inf is no JSON value
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if _plain(v) is not None}
    if hasattr(value, "tolist") and not isinstance(value, (bytes, bytearray)):
        value = value.tolist()
        if not isinstance(value, list):
            return _plain(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def row_to_listing(record: dict[str, Any]) -> dict[str, Any]:
    listing = {k: v for k, v in ((k, _plain(v)) for k, v in record.items()) if v is not None}
    attrs = listing.get("attributes")
    if isinstance(attrs, list) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in attrs):
        listing["attributes"] = {k: v for k, v in attrs}  # a MapType column as (key, value) pairs
    if isinstance(listing.get("id"), float) and listing["id"].is_integer():
        listing["id"] = int(listing["id"])
    return listing


def _to_record(row: dict[str, Any]) -> dict[str, Any]:
    findings = [{k: _finding_value(k, f.get(k)) for k in FINDING_FIELDS} for f in row.get("findings") or ()]
    errors = {name: [{k: _text(e.get(k)) for k in ("field", "code", "message")} for e in row.get(name) or ()]
              for name in ("image_errors", "incomplete")}
    error = row.get("error")
    return {
        "id": None if row.get("id") is None else utf8_text(str(row["id"])),
        "line": row.get("line"),
        "decision": row.get("decision"),
        "score": row.get("score"),
        "findings": findings if "error" not in row else None,
        "image_errors": errors["image_errors"] or None,
        "error": {"code": _text(error.get("code")), "message": _text(error.get("message"))} if error else None,
        # a map of text: versions.policy ({name, hash}) as "name sha256:…" (results.version_label), not a dict's repr
        "versions": {utf8_text(str(k)): utf8_text(version_label(v)) for k, v in (row.get("versions") or {}).items()} or None,
        "took_ms": row.get("took_ms"),
        "source": _text(row.get("source")),
        "incomplete": errors["incomplete"] or None,
        # options.mask: each text field with its personal data masked
        "masked": {utf8_text(str(k)): _text(v) for k, v in row["masked"].items()} if row.get("masked") is not None else None,
        "image_text": [_image_text(t) for t in row["image_text"]] if row.get("image_text") else None,
        # options.suggest: {} (nothing to rewrite) stays an empty map, distinct from null (not asked)
        "suggested": {utf8_text(str(k)): _text(v) for k, v in row["suggested"].items()}
        if row.get("suggested") is not None else None,
        "suggested_manual": row.get("suggested_manual"),
        "suggested_decision": row.get("suggested_decision"),
        "kind": row.get("kind"),
        "listing_id": None if row.get("listing_id") is None else utf8_text(str(row["listing_id"])),
        "speaker": row.get("speaker"),
        "listing_signals": [{k: _text(sig.get(k)) for k in SIGNAL_FIELDS} for sig in row["listing_signals"]]
        if row.get("listing_signals") is not None else None,
        "image_sha256": dict(row["image_sha256"]) if row.get("image_sha256") else None,
    }


SIGNAL_FIELDS = ("category", "start", "end", "text", "explanation", "explanation_zh")


def _image_text(read: dict[str, Any]) -> dict[str, Any]:
    return {"field": _text(read.get("field")), "text": _text(read.get("text")),
            "lines": [{"text": _text(line.get("text")), "box": [int(v) for v in line.get("box") or ()],
                       "confidence": line.get("confidence")} for line in read.get("lines") or ()]}


def _text(value: Any) -> Any:
    return utf8_text(value) if isinstance(value, str) else value


def _finding_value(key: str, value: Any) -> Any:
    if key == "gallery_id" and value is not None:
        return utf8_text(str(value))
    if key == "distance" and value is not None:
        return {str(k): int(v) for k, v in value.items()}
    if key == "box" and value is not None:
        return [int(v) for v in value]
    return _text(value)  # text/term slice the seller's fields, which may hold lone surrogates


def scan_batches(batches: Iterator, spec_json: str, mode: str = "text", row_timeout: float = 0.0) -> Iterator:
    """The mapInPandas function: pandas DataFrames of listings in, of results out. A row that
    runs past `row_timeout` seconds becomes a review row marked incomplete (scan_timeout), as in
    the local batch (SIGALRM in the Python worker's main thread; a row stuck in C code is not cut
    off here: Spark's own task timeout/speculation is the backstop)."""
    import pandas as pd

    engine = get_engine(spec_json)
    if row_timeout and install_row_alarm():
        def scan(line, kind, payload):
            return scan_row_with_alarm(engine, line, kind, payload, row_timeout)
    else:
        def scan(line, kind, payload):
            return process_item(engine, line, kind, payload)
    def one(line, kind, value, source) -> dict[str, Any]:
        """One input row -> one output record, whatever it holds (a bug here must not fail the task)."""
        try:
            line = _int_or_none(line)
            row = scan(line, RAW, value if isinstance(value, str) else "") if kind == RAW else \
                scan(None, LISTING, row_to_listing(value))
            row["source"] = source if isinstance(source, str) else None
            return _to_record(row)
        except Exception as exc:  # noqa: BLE001
            row = internal_error_row(line if isinstance(line, int) else None, exc)
            row["source"] = source if isinstance(source, str) else None
            return _to_record(row)

    for pdf in batches:
        sources = pdf.pop("source").tolist() if "source" in pdf.columns else [None] * len(pdf)
        if mode == "text":
            lines = pdf["line"].tolist() if "line" in pdf.columns else [None] * len(pdf)
            records = [one(line, RAW, v, src) for v, line, src in zip(pdf["value"], lines, sources)]
        else:
            records = [one(None, LISTING, r, src) for r, src in zip(pdf.to_dict("records"), sources)]
        yield pd.DataFrame(records, columns=list(RESULT_COLUMNS))


def _int_or_none(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return int(value)


# -- DataFrame level -------------------------------------------------------------------
def read_listings(spark, path: str, fmt: str = "auto", number_lines: bool = True):
    """(DataFrame, mode). JSONL/JSON is read as text so that malformed lines become
    error rows exactly as in the local batch; Parquet/ORC are read as columns.
    Every row carries `source` (its input file). JSONL rows also get `line`, the line
    number within that file (1-based, as in the local batch), at the cost of one extra
    pass that counts the rows of each file split; `number_lines=False` skips it."""
    from pyspark.sql import functions as F

    if fmt == "auto":
        lower = path.lower().rstrip("/")
        fmt = "parquet" if lower.endswith(".parquet") or lower.endswith("parquet") else \
            "orc" if lower.endswith(".orc") else "jsonl"
    if fmt in ("jsonl", "json", "text"):
        df = spark.read.text(path)
        if number_lines:
            return _with_line_numbers(df), "text"
        return df.select("value", F.col("_metadata.file_path").alias("source")), "text"
    if fmt in ("parquet", "orc"):
        df = getattr(spark.read, fmt)(path)
        return df.withColumn("source", F.col("_metadata.file_path")), "columns"
    raise ValueError(f"unknown input format {fmt!r} (jsonl, parquet or orc)")


def _with_line_numbers(df):
    """value, source (file), line (1-based within that file) for a text DataFrame of any number of files.

    Spark splits large files into blocks and packs blocks of several files into one partition,
    ordered by size, not by file position, so a running index over partitions (zipWithIndex) is
    right for one small file only. Within a block the rows are in file order, and the blocks of a
    file, ordered by their start offset, cover it in order. So: one pass counts the rows of each
    (file, block start); a line is the rows of the file's earlier blocks + the row's index in its block.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    base = df.select("value", F.col("_metadata.file_path").alias("source"),
                     F.col("_metadata.file_block_start").alias("block")).rdd  # one RDD: both passes see the same splits

    def count(rows):
        counts: dict = {}
        for _, source, block in rows:
            counts[(source, block)] = counts.get((source, block), 0) + 1
        yield from counts.items()

    per_block: dict = {}
    for key, n in base.mapPartitions(count).collect():
        per_block[key] = per_block.get(key, 0) + n
    offsets, running = {}, {}
    for source, block in sorted(per_block):
        offsets[(source, block)] = running.get(source, 0)
        running[source] = running.get(source, 0) + per_block[(source, block)]

    def number(rows):
        seen: dict = {}
        for value, source, block in rows:
            key = (source, block)
            index = seen.get(key, 0)
            seen[key] = index + 1
            yield value, source, offsets[key] + index + 1

    schema = StructType([StructField("value", StringType()), StructField("source", StringType()),
                         StructField("line", LongType())])
    return df.sparkSession.createDataFrame(base.mapPartitions(number), schema)


def scan_dataframe(df, spec: EngineSpec | None = None, mode: str = "text", partitions: int | None = None,
                   row_timeout: float = DEFAULT_ROW_TIMEOUT):
    """Listings DataFrame -> results DataFrame (schema: `result_schema()`)."""
    from functools import partial

    spec = spec or EngineSpec()
    spark = df.sparkSession
    if partitions is None:
        # a small file is one split; spread it so every executor core works
        parallelism = spark.sparkContext.defaultParallelism
        if df.rdd.getNumPartitions() < parallelism:
            partitions = parallelism
    if partitions:
        df = df.repartition(partitions)
    fn = partial(scan_batches, spec_json=spec.to_json(), mode=mode, row_timeout=row_timeout)
    return df.mapInPandas(fn, schema=result_schema())


def result_rows_as_contract(rows) -> list[dict[str, Any]]:
    """Spark Rows -> contract-shaped dicts (None fields dropped), e.g. for comparing with local output."""
    out = []
    for r in rows:
        d = r.asDict(recursive=True)
        row: dict[str, Any] = {"id": d["id"], "line": d.get("line"), "source": d.get("source")}
        if d.get("error"):
            row["error"] = d["error"]
        else:
            row.update(decision=d["decision"], score=d["score"],
                       findings=[{k: v for k, v in f.items() if v is not None} for f in d.get("findings") or []])
            if d.get("incomplete"):
                row["incomplete"] = [{k: v for k, v in e.items() if v is not None} for e in d["incomplete"]]
            if d.get("masked") is not None:
                row["masked"] = d["masked"]
            if d.get("image_text"):
                row["image_text"] = d["image_text"]
            if d.get("suggested") is not None:
                row.update(suggested=d["suggested"], suggested_manual=d["suggested_manual"],
                           suggested_decision=d["suggested_decision"])
            if d.get("kind") is not None:
                row.update(kind=d["kind"], listing_id=d["listing_id"], speaker=d["speaker"],
                           listing_signals=d["listing_signals"])
            if d.get("image_sha256"):
                row["image_sha256"] = d["image_sha256"]
        row["versions"] = d.get("versions")
        out.append(row)
    return out

