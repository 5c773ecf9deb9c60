"""Helpers shared by the batch tests (kept out of conftest.py so they import by a unique name)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
for p in (str(HERE), str(ROOT / "bench"), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

FIXTURE_CATALOGUE = ROOT / "fixtures" / "listings" / "catalogue.jsonl"

from scanner.batch import BatchOptions, EngineSpec, run_batch  # noqa: E402  (after the path set-up)

FAKE = EngineSpec(factory="fake_engine:build", with_images=False)


def opts(**kw) -> BatchOptions:
    kw.setdefault("workers", 2)
    kw.setdefault("chunk_size", 7)
    kw.setdefault("progress", "none")
    return BatchOptions(**kw)


def scanner_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "scanner", *args]


def subprocess_env() -> dict[str, str]:
    """Environment for CLI subprocesses: the package and the fake engine importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("SCANNER_CONFIG", None)
    return env


def real_engine_available() -> str | None:
    """None if the real Scanner can be built text-only, else the reason it cannot."""
    try:
        from scanner.batch import build_engine

        build_engine(EngineSpec(with_images=False))
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def comparable(row: dict) -> dict:
    """A result row without the fields that legitimately differ between runs."""
    return {k: v for k, v in row.items() if k not in ("took_ms",)}


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN or Infinity)")


def strict_json(data: bytes):
    """Parse like a strict consumer: UTF-8 only, no NaN/Infinity literals."""
    return json.loads(data.decode("utf-8"), parse_constant=_no_constant)


def strict_rows(path: Path) -> list[dict]:
    """Every line of a result file, each one strict JSON."""
    return [strict_json(line) for line in path.read_bytes().splitlines()]


def assert_timed_out(row: dict, listing_id) -> None:
    """A row we could not finish scanning in time: flagged for review (never pass), the reason in
    `incomplete`, its id kept -- not an error row a seller could slip through."""
    from scanner.results import UNFINISHED_SCORE

    assert "error" not in row, row
    assert row["decision"] == "review" and row["score"] == UNFINISHED_SCORE, row
    assert [e["code"] for e in row["incomplete"]] == ["scan_timeout"], row
    assert "--row-timeout" in row["incomplete"][0]["message"], row
    assert row["id"] == listing_id, row


def hang_catalogue(tmp_path, n: int, hang: dict[int, str]):
    cat = tmp_path / "c.jsonl"
    rows = [{"id": f"r{i}", "title": hang.get(i, f"mug {i} 高仿" if i % 3 == 0 else f"mug {i}")} for i in range(n)]
    cat.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return cat


def fake_results(tmp_path: Path, name: str, cat: Path, terms: dict | None) -> Path:
    settings = {"terms": terms} if terms else {}
    out = tmp_path / name
    run_batch(cat, out, EngineSpec(factory="fake_engine:build", settings=settings, with_images=False),
              BatchOptions(workers=1, progress="none"))
    return out
