"""The real `scanner batch` / `scanner diff` commands as subprocesses: kill -9 and resume, diff output."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from batch_helpers import ROOT, assert_timed_out, comparable, fake_results, read_rows, scanner_cmd, subprocess_env


def _children(pid: int) -> list:
    """pid's descendants as psutil.Process objects (they know their start time: a reused pid is not them)."""
    try:
        import psutil
    except ImportError:
        return []
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(p) -> bool:
    import psutil

    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE  # a zombie is dead
    except psutil.NoSuchProcess:
        return False


def _kill_when_output_appears(proc: subprocess.Popen, out: Path, timeout: float = 180) -> tuple[int, list]:
    """SIGKILL the run as soon as it has written output. `timeout` only bounds a run that never writes
    (the real engine's workers build their word lists first: seconds, more on a loaded machine)."""
    deadline = time.monotonic() + timeout
    workers: list = []
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            workers = _children(proc.pid) or workers
            if out.exists() and out.stat().st_size > 0:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:  # never wrote anything in time: do not leave it (and its workers) running
            workers = _children(proc.pid) or workers
            proc.kill()
            proc.wait()
    return proc.returncode, workers


@pytest.mark.parametrize("engine", ["fake", "real"])
def test_kill_dash_nine_then_resume_gives_exactly_one_row_per_input(engine, make_catalogue, tmp_path,
                                                                     real_engine_reason):
    if engine == "real" and real_engine_reason:
        pytest.skip(f"real engine not buildable yet: {real_engine_reason}")
    rows = 4000 if engine == "fake" else 8000
    cat = make_catalogue(rows, bad_rate=0.01, seed=5)
    out = tmp_path / "results.jsonl"
    args = [str(cat), "--out", str(out), "--workers", "2", "--chunk-size", "25", "--no-images", "--progress", "log"]
    args_env = subprocess_env()
    if engine == "fake":
        # slow enough (0.3 ms per row) to be killed mid-run
        args = ["--config", str(_fake_config(tmp_path, delay_s=0.0003)), "batch", *args,
                "--engine-factory", "fake_engine:build"]
    else:
        args = ["batch", *args]

    proc = subprocess.Popen(scanner_cmd(*args), cwd=tmp_path, env=args_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    code, workers = _kill_when_output_appears(proc, out)
    assert code == -signal.SIGKILL, f"the run ended before it could be killed ({code}): {proc.stderr.read()[-2000:]}"
    partial_rows = out.read_bytes().count(b"\n")
    print(f"killed with {partial_rows} of {rows} rows written")
    assert 0 < partial_rows < rows
    # orphaned workers notice their parent is gone and leave (they check every 0.5 s)
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    stayed = [w for w in workers if _alive(w)]
    for w in stayed:  # do not leave them to disturb the rest of the suite
        w.kill()
    assert not stayed, f"workers {[w.pid for w in stayed]} outlived their killed parent"

    summary_file = tmp_path / "summary.json"
    done = subprocess.run(scanner_cmd(*args, "--resume", "--summary", str(summary_file)), cwd=tmp_path,
                          env=args_env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    result = read_rows(out)
    expected_ids = []
    for n, line in enumerate(cat.read_text(encoding="utf-8").split("\n")[:-1], 1):
        try:
            obj = json.loads(line)
            expected_ids.append(obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), (str, int))
                                else None)
        except json.JSONDecodeError:
            expected_ids.append(None)
    assert len(result) == rows
    assert [r["line"] for r in result] == list(range(1, rows + 1))
    assert [r["id"] for r in result] == expected_ids
    summary = json.loads(summary_file.read_text())
    assert summary["rows"] == rows and summary["resumed_from"] >= partial_rows > 0
    assert sum(summary["decisions"].values()) == rows

    # and the resumed file is what an uninterrupted run writes
    fresh = tmp_path / "fresh.jsonl"
    fresh_args = [a if a != str(out) else str(fresh) for a in args]
    subprocess.run(scanner_cmd(*fresh_args, "--progress", "none"), cwd=tmp_path, env=args_env, check=True,
                   capture_output=True, timeout=240)
    assert [comparable(r) for r in result] == [comparable(r) for r in read_rows(fresh)]


def _fake_config(tmp_path: Path, **settings) -> Path:
    # the fake engine reads its knobs from the settings file named by the global --config flag
    path = tmp_path / "fake.json"
    path.write_text(json.dumps(settings))
    return path


def test_batch_compare_to_and_report(tmp_path):
    cat = tmp_path / "c.jsonl"
    cat.write_text('{"id": "a", "title": "复刻 包"}\n{"id": "b", "title": "mug"}\n', encoding="utf-8")
    old = fake_results(tmp_path, "old.jsonl", cat, {"最佳": ["absolute_term", "review"]})
    out, report, diff_out = tmp_path / "new.jsonl", tmp_path / "r.html", tmp_path / "d.json"
    proc = subprocess.run(scanner_cmd("batch", str(cat), "--out", str(out), "--engine-factory", "fake_engine:build",
                                      "--no-images", "--compare-to", str(old), "--report", str(report),
                                      "--diff-out", str(diff_out), "--workers", "1"),
                          cwd=ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 of 2 listings changed decision" in proc.stderr
    assert json.loads(diff_out.read_text())["transitions"] == {"pass -> block": 1}
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and "Changes since" in html and "复刻" in html and "<script" not in html


def test_batch_row_timeout_flag(tmp_path):
    cat = tmp_path / "c.jsonl"
    cat.write_text('{"id": "a", "title": "复刻 包"}\n{"id": "b", "title": "HANG"}\n{"id": "c", "title": "mug"}\n',
                   encoding="utf-8")
    config = tmp_path / "fake.json"
    config.write_text(json.dumps({"hang_on": "HANG"}), encoding="utf-8")
    out, summary, report = tmp_path / "out.jsonl", tmp_path / "s.json", tmp_path / "r.html"
    proc = subprocess.run(scanner_cmd("--config", str(config), "batch", str(cat), "--out", str(out),
                                      "--engine-factory", "fake_engine:build", "--no-images", "--workers", "1",
                                      "--row-timeout", "0.5", "--summary", str(summary), "--report", str(report),
                                      "--progress", "none"),
                          cwd=ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = read_rows(out)
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert_timed_out(rows[1], "b")
    assert rows[0]["decision"] == "block" and rows[2]["decision"] == "pass"
    written = json.loads(summary.read_text())
    assert written["errors"] == {} and written["incomplete"] == {"scan_timeout": 1}
    assert written["decisions"] == {"block": 1, "review": 1, "pass": 1, "error": 0}
    assert "incomplete: scan_timeout 1" in proc.stderr
    html = report.read_text(encoding="utf-8")
    assert "Unfinished scans" in html and "scan_timeout" in html


def test_batch_command_answers_bad_rows_and_exits_cleanly(tmp_path):
    """The same bad rows through the real command: exit 0, one strict row per input, a strict summary."""
    from batch_helpers import strict_json, strict_rows
    from test_rows import ROWS

    cat = tmp_path / "c.jsonl"
    cat.write_text("".join(line + "\n" for line, _ in ROWS), encoding="utf-8")
    out, summary = tmp_path / "out.jsonl", tmp_path / "s.json"
    proc = subprocess.run(scanner_cmd("batch", str(cat), "--out", str(out), "--engine-factory", "fake_engine:build",
                                      "--no-images", "--workers", "2", "--chunk-size", "2", "--progress", "none",
                                      "--summary", str(summary)),
                          cwd=ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = strict_rows(out)
    assert [r["line"] for r in rows] == list(range(1, len(ROWS) + 1))
    assert [r.get("error", {}).get("code") for r in rows] == [
        "invalid_number" if expected[0] == "invalid_number" else None for _, expected in ROWS]
    assert strict_json(summary.read_bytes())["errors"] == {"invalid_number": sum(e[0] == "invalid_number" for _, e in ROWS)}


def test_batch_ocr_rescan_reads_the_cache_not_the_image(tmp_path):
    """`scanner batch --ocr` twice over the same catalogue: the second run (a rescan after, say, a word-list
    change) runs no OCR, and the summary says so."""
    from scanner.images import ocr
    from tests.images.test_ocr import FONT, WECHAT, drawn

    if not ocr.available() or not Path(FONT).exists():
        pytest.skip("needs the `ocr` extra and fonts-wqy-microhei")
    from tests.images.test_ocr_gate import flat, jpeg

    image, photo = tmp_path / "banner.jpg", tmp_path / "plain.jpg"
    image.write_bytes(drawn(WECHAT)[0])
    photo.write_bytes(jpeg(flat()))  # a plain 800x600 product shot: no text, so OCR stops at the has-text gate
    cat = tmp_path / "c.jsonl"
    cat.write_text(json.dumps({"id": "a", "title": "纯棉T恤", "images": [{"path": str(image)}]}) + "\n"
                   + json.dumps({"id": "b", "title": "纯棉短袖", "images": [{"path": str(photo)}]}) + "\n", "utf-8")
    env = {**subprocess_env(), "SCANNER_OCR_CACHE": str(tmp_path / "ocr.sqlite3")}
    rows, summaries = [], []
    for run in ("first", "again"):
        out, summary = tmp_path / f"{run}.jsonl", tmp_path / f"{run}.json"
        proc = subprocess.run(scanner_cmd("batch", str(cat), "--out", str(out), "--no-images", "--ocr", "--workers", "1",
                                          "--summary", str(summary), "--progress", "none"),
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        rows.append(read_rows(out))
        summaries.append(json.loads(summary.read_text()))
    assert [s["ocr"] for s in summaries] == [{"runs": 2, "cache_hits": 0, "gated": 1},
                                             {"runs": 0, "cache_hits": 2, "gated": 0}]
    assert [r["decision"] for r in rows[0]] == ["review", "pass"]
    assert [f["category"] for f in rows[0][0]["findings"]] == ["diversion"]
    assert rows[1][0]["findings"] == rows[0][0]["findings"] and rows[1][0]["image_text"] == rows[0][0]["image_text"]
