"""The Spark job on local[2] gives the same results as the local batch for the same catalogue."""
from __future__ import annotations

import json
import os
import sys
import time
from argparse import Namespace

import pytest
from batch_helpers import FIXTURE_CATALOGUE, HERE, ROOT, read_rows

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install .[spark])")
pytestmark = pytest.mark.spark

from scanner.batch import BatchOptions, EngineSpec, run_batch  # noqa: E402
from scanner.results import UNFINISHED_SCORE  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    # Spark's Python workers must run this interpreter and find the package and the fake engine.
    # Restored afterwards: later tests (and the subprocesses they start) must not inherit them.
    names = ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "PYTHONPATH")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")])
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("scanner-batch-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .getOrCreate())
    try:
        yield session
    finally:
        session.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _local_file(catalogue, tmp_path, spec: EngineSpec):
    out = tmp_path / "local.jsonl"
    run_batch(catalogue, out, spec, BatchOptions(workers=2, chunk_size=40, progress="none"))
    return out


def _local(catalogue, tmp_path, spec: EngineSpec) -> dict:
    out = _local_file(catalogue, tmp_path, spec)
    return {str(r["id"]) if r["id"] is not None else f"line{r['line']}": r for r in read_rows(out)}


def _normalise(row: dict) -> dict:
    """Contract row -> what must agree: decision, score, findings (no None fields), error code."""
    if row.get("error"):
        return {"error": row["error"]["code"]}
    return {"decision": row["decision"], "score": row["score"],
            "findings": [{k: v for k, v in f.items() if v is not None} for f in row["findings"]]}


def _spark_rows(spark, output) -> list[dict]:
    from scanner.batch.spark import result_rows_as_contract

    return result_rows_as_contract(spark.read.parquet(str(output)).collect())


def _job_args(inp, out, fmt, factory=None) -> Namespace:
    return Namespace(input=str(inp), output=str(out), format=fmt, partitions=None, mode="overwrite", wordlists=None,
                     gallery=None, config=None, no_images=True, engine_factory=factory, row_timeout=30.0)


ENGINES = [pytest.param("fake_engine:build", id="fake"), pytest.param(None, id="real")]


@pytest.mark.parametrize("factory", ENGINES)
def test_spark_job_agrees_with_local_batch(spark, tmp_path, factory, real_engine_reason):
    if factory is None and real_engine_reason:
        pytest.skip(f"real engine not buildable yet: {real_engine_reason}")
    from scanner.batch import spark_job

    args = _job_args(FIXTURE_CATALOGUE, tmp_path / "spark_out", "jsonl", factory)
    started = time.monotonic()
    summary = spark_job.run(spark, args)
    print(f"spark job on {summary['rows']} rows: {time.monotonic() - started:.1f}s")
    local = _local(FIXTURE_CATALOGUE, tmp_path, spark_job.spec_from_args(args))
    remote = _spark_rows(spark, args.output)

    assert summary["rows"] == len(remote) == len(local) == 300
    # ids: every listing with an id appears once; rows without one (malformed lines) are counted
    remote_ids = sorted(str(r["id"]) for r in remote if r["id"] is not None)
    assert remote_ids == sorted(k for k in local if not k.startswith("line"))
    assert sum(r["id"] is None for r in remote) == sum(k.startswith("line") for k in local)
    # a single JSONL file keeps its line numbers, so rows without an id pair up too
    assert sorted(r["line"] for r in remote) == list(range(1, 301))
    assert {r["source"].rsplit("/", 1)[-1] for r in remote} == {FIXTURE_CATALOGUE.name}
    for r in remote:
        if r["id"] is None:
            assert _normalise(r) == _normalise(local[f"line{r['line']}"])
    for r in remote:
        if r["id"] is not None:
            assert _normalise(r) == _normalise(local[str(r["id"])]), r["id"]
    errors_remote = sorted(r["error"]["code"] for r in remote if r.get("error"))
    errors_local = sorted(r["error"]["code"] for r in local.values() if r.get("error"))
    assert errors_remote == errors_local and errors_local
    if factory:  # the fake engine finds something in the fixture: findings survive the struct round trip
        assert sum(len(r.get("findings", [])) for r in remote) > 0


def test_spark_job_reads_parquet_listings(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner.batch import spark_job

    listings = []
    for line in FIXTURE_CATALOGUE.read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("title"), str) and not isinstance(obj.get("bullets"), str):
            listings.append(obj)
    clean = tmp_path / "clean.jsonl"
    clean.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in listings), encoding="utf-8")
    parquet_in = tmp_path / "listings.parquet"
    pq.write_table(pa.Table.from_pylist(listings), parquet_in)

    args = _job_args(parquet_in, tmp_path / "spark_pq_out", "parquet", "fake_engine:build")
    spark_job.run(spark, args)
    remote = {r["id"]: r for r in _spark_rows(spark, args.output)}
    local = _local(clean, tmp_path, spark_job.spec_from_args(args))
    assert set(remote) == set(local) and len(remote) == len(listings)
    assert all(_normalise(remote[k]) == _normalise(local[k]) for k in local)
    assert any(remote[k]["decision"] == "block" for k in remote)


def test_result_schema_has_findings_as_array_of_structs():
    from pyspark.sql.types import ArrayType, StructType

    from scanner.batch.spark import result_schema

    schema = result_schema()
    findings = schema["findings"].dataType
    assert isinstance(findings, ArrayType) and isinstance(findings.elementType, StructType)
    assert {"category", "term", "start", "end", "effect", "gallery_id"} <= set(findings.elementType.fieldNames())
    assert schema.fieldNames()[:4] == ["id", "line", "decision", "score"]


# 8,000 bytes: the three files (50, 11 and 47 kB) are read as 7, 2 and 6 blocks, each file in several and
# 15 in all (the check below wants more than 9); 3,000 bytes made 37, a Spark task each in every pass over them
@pytest.mark.parametrize("max_partition_bytes", [None, 8000], ids=["whole-files", "split-files"])
def test_multi_file_input_has_source_and_line_per_file(spark, tmp_path, max_partition_bytes):
    """A directory of JSONL files: every result row names its file and its line in that file, and
    agrees with the local batch run on that file -- also when Spark splits files into blocks and
    packs blocks of different files into one partition (max_partition_bytes)."""
    from scanner.batch import spark_job

    lines = FIXTURE_CATALOGUE.read_text(encoding="utf-8").splitlines()
    inp = tmp_path / "in"
    inp.mkdir()
    parts = {"a.jsonl": lines[:140], "b.jsonl": lines[140:170], "c.jsonl": lines[170:]}
    for name, chunk in parts.items():
        (inp / name).write_text("".join(x + "\n" for x in chunk), encoding="utf-8")
    old = spark.conf.get("spark.sql.files.maxPartitionBytes")
    if max_partition_bytes:
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(max_partition_bytes))
    try:
        args = _job_args(inp, tmp_path / "out", "jsonl", "fake_engine:build")
        summary = spark_job.run(spark, args)
        if max_partition_bytes:  # the point of this case: files really are split into several blocks
            from pyspark.sql import functions as F

            blocks = (spark.read.text(str(inp)).select("_metadata.file_path", "_metadata.file_block_start")
                      .distinct().count())
            assert blocks > len(parts) * 3, blocks
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", old)
    remote = _spark_rows(spark, args.output)
    assert summary["rows"] == len(remote) == len(lines)
    by_file: dict[str, list[int]] = {}
    for r in remote:
        assert r["source"] and r["line"] is not None, r
        by_file.setdefault(r["source"].rsplit("/", 1)[-1], []).append(r["line"])
    assert {k: sorted(v) for k, v in by_file.items()} == {k: list(range(1, len(v) + 1)) for k, v in parts.items()}
    spec = spark_job.spec_from_args(args)
    for name in parts:
        out = tmp_path / f"local-{name}"
        run_batch(inp / name, out, spec, BatchOptions(workers=1, progress="none"))
        local = {r["line"]: r for r in read_rows(out)}
        for r in remote:
            if r["source"].endswith("/" + name):
                assert r["id"] == (None if local[r["line"]]["id"] is None else str(local[r["line"]]["id"])), (name, r)
                assert _normalise(r) == _normalise(local[r["line"]]), (name, r["line"])


def test_parquet_rows_carry_their_source_file(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner.batch.spark import read_listings, scan_dataframe

    pq.write_table(pa.Table.from_pylist([{"id": "p1", "title": "高仿 包"}, {"id": "p2", "title": "mug"}]),
                   tmp_path / "listings.parquet")
    df, mode = read_listings(spark, str(tmp_path / "listings.parquet"), "parquet")
    rows = scan_dataframe(df, EngineSpec(factory="fake_engine:build", with_images=False), mode=mode).collect()
    assert {r["id"]: r["decision"] for r in rows} == {"p1": "block", "p2": "pass"}
    assert all(r["source"].endswith("/listings.parquet") and r["line"] is None for r in rows)


def test_a_row_past_the_time_limit_becomes_a_scan_timeout_row(spark, tmp_path):
    """As in the local batch: one listing that never finishes must not stall the job."""
    import json
    import time

    from scanner.batch.spark import read_listings, scan_dataframe

    inp = tmp_path / "listings.jsonl"
    rows = [{"id": "a", "title": "mug"}, {"id": "b", "title": "stuck HANG here"}, {"id": "c", "title": "高仿 包"}]
    inp.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    df, mode = read_listings(spark, str(inp), "jsonl")
    spec = EngineSpec(factory="fake_engine:build", with_images=False, settings={"hang_on": "HANG"})
    started = time.monotonic()
    out = {r["id"]: r for r in scan_dataframe(df, spec, mode=mode, partitions=1, row_timeout=1.0).collect()}
    assert time.monotonic() - started < 120  # generous: proves it does not hang, not how fast it is
    assert out["b"]["line"] == 2 and out["b"]["error"] is None
    assert out["b"]["decision"] == "review" and out["b"]["score"] == UNFINISHED_SCORE
    assert [e["code"] for e in out["b"]["incomplete"]] == ["scan_timeout"]
    assert out["a"]["decision"] == "pass" and out["c"]["decision"] == "block"
    assert out["a"]["incomplete"] is None


def test_bad_rows_do_not_fail_the_job(spark, tmp_path):
    """The local batch's bad rows (lone surrogate, 5,000-digit integer, NaN, 1e400) on Spark: one
    result row each, the same answers as the local batch, and the job finishes."""
    from test_rows import ROWS

    from scanner.batch import spark_job

    inp = tmp_path / "bad.jsonl"
    inp.write_text("".join(line + "\n" for line, _ in ROWS), encoding="utf-8")
    args = _job_args(inp, tmp_path / "out", "jsonl", "fake_engine:build")
    summary = spark_job.run(spark, args)
    remote = sorted(_spark_rows(spark, args.output), key=lambda r: r["line"])
    assert summary["rows"] == len(remote) == len(ROWS)
    assert [r["line"] for r in remote] == list(range(1, len(ROWS) + 1))
    local = read_rows(_local_file(inp, tmp_path, spark_job.spec_from_args(args)))
    for r, want in zip(remote, local):
        assert _normalise(r) == _normalise(want), r
        # ids are strings in Spark; a lone surrogate cannot be UTF-8, so it arrives replaced (U+FFFD)
        expected_id = None if want["id"] is None else str(want["id"]).replace("\udfff", "\ufffd")
        assert r["id"] == expected_id
    assert summary["decisions"]["error"] == sum(e[0] == "invalid_number" for _, e in ROWS)


def test_personal_data_is_masked_and_a_row_may_ask_for_the_masked_copy(spark, tmp_path, real_engine_reason):
    """As in the local batch (tests/batch/test_personal_data_batch.py): masked finding text, and
    `masked` for a row with options.mask, in the job's Parquet output."""
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    from scanner.batch import spark_job

    inp = tmp_path / "pd.jsonl"
    rows = [{"id": "a", "description": "身份证 11010519491231002X"},
            {"id": "b", "description": "卡号 6222526018159080", "options": {"mask": True}}]
    inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = _job_args(inp, tmp_path / "out", "jsonl")
    spark_job.run(spark, args)
    out = {r["id"]: r for r in _spark_rows(spark, args.output)}
    assert [f["text"] for f in out["a"]["findings"]] == ["110105********002X"] and "masked" not in out["a"]
    assert out["b"]["masked"] == {"description": "卡号 6222********9080"}


def test_policy_flag_applies_to_rows_that_do_not_ask_as_the_local_batch(spark, tmp_path, real_engine_reason):
    """`--policy` (as scanner batch --policy, tests/batch/test_policy_batch.py): the run's profile under each row's
    own options.policy; the Parquet versions map names the profile as "name sha256:…"."""
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    from scanner.batch import spark_job
    from scanner.results import version_label

    inp = tmp_path / "claims.jsonl"
    rows = [{"id": "a", "title": "最有效的保湿面霜 50ml"},                                   # absolute claim
            {"id": "b", "title": "最有效的保湿面霜 50ml", "options": {"policy": "secondhand"}},  # its own wins
            {"id": "c", "title": "保湿面霜 50ml 适合干性肌肤"}]                                # hard negative
    inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = _job_args(inp, tmp_path / "out", "jsonl")
    args.policy = "cosmetics"
    spark_job.run(spark, args)
    out = {r["id"]: r for r in _spark_rows(spark, args.output)}
    got = {i: (r["decision"], r["versions"]["policy"].split(" ")[0]) for i, r in out.items()}
    assert got == {"a": ("block", "cosmetics"), "b": ("pass", "secondhand"), "c": ("pass", "cosmetics")}
    local = _local(inp, tmp_path, spark_job.spec_from_args(args))
    assert {i: version_label(r["versions"]["policy"]) for i, r in local.items()} == {
        i: r["versions"]["policy"] for i, r in out.items()}
    assert {i: _normalise(r) for i, r in local.items()} == {i: _normalise(r) for i, r in out.items()}


@pytest.mark.parametrize("policy, message", [
    ("cosmetic", "--policy 'cosmetic': no such profile in the word lists (known: cosmetics, default, medicine, secondhand)"),
    ("x" * 41, "options.policy"),
])
def test_spark_job_unknown_policy_stops_before_spark_starts(tmp_path, capsys, policy, message):
    from scanner.batch import spark_job

    inp = tmp_path / "in.jsonl"
    inp.write_text('{"id": "a", "title": "T恤"}\n', encoding="utf-8")
    code = spark_job.main(["--input", str(inp), "--output", str(tmp_path / "out"), "--no-images", "--policy", policy])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_suggest_adds_the_suggested_copy_columns_as_the_local_batch(spark, tmp_path, real_engine_reason):
    """`--suggest` (as scanner batch --suggest, tests/batch/test_suggest_batch.py): the suggested copy, the findings
    left for a person and the re-scan's decision in the job's Parquet output; a row's own option wins."""
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    from scanner.batch import spark_job

    inp = tmp_path / "suggest.jsonl"
    rows = [{"id": "a", "title": "顶级品质 面膜 史上最强补水", "description": "好评返现5元，加VX: abc123 领券，全网最低价"},
            {"id": "b", "title": "耐克 运动短裤 全网最好", "options": {"suggest": False}},
            {"id": "c", "title": "纯棉圆领T恤 男款 白色"},
            {"id": "d", "title": "高仿耐克 运动鞋"}]
    inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = spark_job.parse_args(["--input", str(inp), "--output", str(tmp_path / "out"), "--no-images", "--suggest",
                                 "--mode", "overwrite"])
    args.engine_factory = None
    spark_job.run(spark, args)
    out = {r["id"]: r for r in _spark_rows(spark, args.output)}
    a = out["a"]
    assert a["suggested"] == {"title": "高品质 面膜 强劲补水", "description": "优惠价"}
    assert (a["suggested_manual"], a["suggested_decision"]) == (0, "pass")
    assert "suggested" not in out["b"]  # the row's own option wins
    assert (out["c"]["suggested"], out["c"]["suggested_decision"]) == ({}, "pass")  # nothing to rewrite: an empty map
    local = tmp_path / "local.jsonl"
    run_batch(inp, local, EngineSpec(with_images=False, options={"suggest": True}),
              BatchOptions(workers=1, progress="none"))
    for want in read_rows(local):
        got = out[want["id"]]
        assert {k: got.get(k) for k in ("suggested", "suggested_manual", "suggested_decision")} == \
            {k: want.get(k) for k in ("suggested", "suggested_manual", "suggested_decision")}, want["id"]


def test_ocr_boxes_confidence_and_image_text_survive_the_parquet_round_trip(spark, tmp_path):
    """A finding read in an image keeps its `box` and `ocr_confidence`, and the result its `image_text`,
    in the job's Parquet output as in the JSON rows (docs/ocr.md)."""
    from fake_engine import ImageTextScanner

    from scanner.batch import spark_job

    inp = tmp_path / "ocr.jsonl"
    inp.write_text(json.dumps({"id": "o1", "title": "马克杯", "images": [{"path": "banner.jpg"}]}) + "\n", "utf-8")
    args = _job_args(inp, tmp_path / "out", "jsonl", "fake_engine:build_image_text")
    spark_job.run(spark, args)
    [row] = _spark_rows(spark, args.output)
    [finding] = row["findings"]
    assert finding["box"] == [51, 105, 163, 153] and finding["ocr_confidence"] == pytest.approx(0.998)
    assert finding == {k: v for k, v in ImageTextScanner.FINDING.items() if v is not None}
    assert row["image_text"] == ImageTextScanner.IMAGE_TEXT
    assert row["versions"]["ocr"] == "fake-ocr:1"


def test_review_and_qa_rows_carry_kind_and_listing_signals_as_the_local_batch(spark, tmp_path, real_engine_reason):
    """#20: review and qa rows in the job's Parquet output: kind, listing_id, speaker and listing_signals, the same
    as the local batch; a listing row has none of them."""
    if real_engine_reason:
        pytest.skip(f"real engine not buildable: {real_engine_reason}")
    from scanner.batch import spark_job

    inp = tmp_path / "reviews.jsonl"
    rows = [{"id": "l1", "title": "纯棉圆领T恤"},
            {"kind": "review", "id": "r1", "listing_id": "sku-9", "text": "好评返现5元，明显是假的"},
            {"kind": "qa", "id": "q1", "listing_id": 9, "speaker": "seller", "text": "亲，全网最低价"}]
    inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = _job_args(inp, tmp_path / "out", "jsonl")
    spark_job.run(spark, args)
    out = {r["id"]: r for r in _spark_rows(spark, args.output)}
    assert "kind" not in out["l1"]
    r1 = out["r1"]
    assert (r1["kind"], r1["listing_id"], r1["speaker"], r1["decision"]) == ("review", "sku-9", "buyer", "review")
    assert [(s["category"], s["text"]) for s in r1["listing_signals"]] == [("counterfeit", "明显是假的")]
    assert (out["q1"]["listing_id"], out["q1"]["listing_signals"]) == ("9", [])
    local = tmp_path / "local.jsonl"
    run_batch(inp, local, EngineSpec(with_images=False), BatchOptions(workers=1, progress="none"))
    for want in read_rows(local):
        if "kind" in want:
            got = out[want["id"]]
            assert [s["text"] for s in got["listing_signals"]] == [s["text"] for s in want["listing_signals"]]
            assert [f["text"] for f in got["findings"]] == [f["text"] for f in want["findings"]]
