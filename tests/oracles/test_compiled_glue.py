"""The compiled glue (matcher, context, engine, listing, policy built by Cython from their
own .py files) gives exactly the results of the same files run by Python.

The Python run is the oracle: a subprocess with SCANNER_PURE_PYTHON=1 (which also switches
the compiled twins off) scans the same corpus, and every result field except the timing
must be identical -- findings, offsets, scores to the last bit, explanations, errors.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

import scanner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from glue_snapshot import snapshots  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from catalogue import CatalogueGenerator  # noqa: E402

# Pieces sellers use to disguise copy, spliced into real listings at random places.
_SPLICE = ["\u200b", "\u200d", "\ufeff", "\u202e", "\u0301", "\ufe0f", "*", " ", "·", "-", "_", "/", "🔥", "💯",
           "ＮＩＫＥ", "Ｇｕｃｃｉ", "高仿", "A货", "1:1", "原單", "加V", "vx", "微信", "138 0013 8000", "最佳", "國家級",
           "第一", "无副作用", "好评返现", "N1ke", "G*U*C*C*I", "rep1ica", "\n", "。", "!", "适用于", "苹果", "iPhone 15"]
_MALFORMED = [
    None, [], "a string", 5, {}, {"title": 5}, {"title": None, "description": ["x"]}, {"id": [1], "title": "最好"},
    {"title": "高仿" * 40_000}, {"title": "\ud800高仿\udfff"}, {"title": "x", "authorized_brands": "Nike"},
    {"title": "正品耐克", "authorized_brands": ["Nike", 3]}, {"title": "ok", "images": ["http://127.0.0.1/a.jpg"]},
]


def _fixture_listings() -> list:
    out = []
    for path in sorted((ROOT / "fixtures" / "listings").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(row)  # catalogue.jsonl holds some malformed rows on purpose: kept
    return out


def _spliced(listings: list, n: int, seed: int) -> list:
    rnd = random.Random(seed)
    texts = [v for l in listings if isinstance(l, dict) for k, v in l.items() if k in ("title", "description") and isinstance(v, str)]
    out = []
    for i in range(n):
        text = rnd.choice(texts)
        for _ in range(rnd.randint(1, 6)):
            at = rnd.randint(0, len(text))
            text = text[:at] + rnd.choice(_SPLICE) + text[at:]
        out.append({"id": f"spliced-{i}", "title": text[: rnd.randint(0, 60)], "description": text})
    return out


def _corpus() -> list:
    fixtures = _fixture_listings()
    generator = CatalogueGenerator(seed=5)
    return fixtures + [generator.listing(i) for i in range(2000)] + _spliced(fixtures, 1500, seed=9) + _MALFORMED


def test_compiled_glue_matches_the_python_source_exactly(tmp_path, text_scanner):
    compiled = [name for name, how in scanner.COMPILED_GLUE.items() if how == "compiled"]
    if not compiled:
        pytest.skip(f"no glue module is compiled in this run ({scanner.COMPILED_GLUE}): nothing to compare")
    corpus = _corpus()
    (tmp_path / "corpus.json").write_text(json.dumps(corpus), encoding="ascii")  # \u escapes keep lone surrogates
    env = {**os.environ, "SCANNER_PURE_PYTHON": "1"}
    # The Python side runs in its own process while this one scans the same corpus: on two cores the two
    # sides overlap instead of running one after the other.
    python_run = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("glue_snapshot.py")), str(tmp_path / "corpus.json"), str(tmp_path / "python.json")],
        env=env, cwd=ROOT,
    )
    try:
        # The same corpus through JSON, as the subprocess saw it (lone surrogates and all).
        ours = json.loads(json.dumps(snapshots(json.loads(json.dumps(corpus)), text_scanner)))
        assert python_run.wait(timeout=600) == 0, f"the pure-Python side failed ({python_run.returncode})"
    finally:
        if python_run.poll() is None:
            python_run.kill()
            python_run.wait()
    python_side = json.loads((tmp_path / "python.json").read_text(encoding="utf-8"))

    assert set(python_side[0]["glue"].values()) <= {"source", "source: SCANNER_PURE_PYTHON is set"}
    assert ours[0]["glue"] == scanner.COMPILED_GLUE
    assert len(ours) == len(python_side) == len(corpus) + 1
    flagged = sum(1 for r in ours[1:] if r.get("findings"))
    assert flagged > 1000, "the corpus should exercise the verify stage, not only clean listings"
    mismatches = [(i, corpus[i - 1], a, b) for i, (a, b) in enumerate(zip(ours, python_side)) if i and a != b]
    assert not mismatches, f"{len(mismatches)} results differ; first: {mismatches[0]}"
