"""What the "has text?" gate before OCR costs and saves (issue #16; never asserted in tests).

    python bench/bench_ocr_gate.py [--per-style 8]

Every image of tools.ocr_eval (six styles + the faint stress style; planted, harmless and no-text;
800 px, 400 px, 800 px q40) is read twice by `OcrReader` with no cache, gate on and gate off, in the
same process, alternating: CPU time of each read (thread_time: one intra-op thread) and what it read.
Reports: share of no-text images gated, images gated although the full read found text (and whether
that text was the planted one), CPU saved per gated image, cost added per image the gate let through.
The recall that counts (findings of the planted category) is `python -m tools.ocr_eval` vs `--no-gate`.
Writes bench/results/ocr_gate.json and prints a markdown table.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.images import ocr  # noqa: E402
from tools import ocr_eval  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "ocr_gate.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-style", type=int, default=8)
    args = ap.parse_args(argv)
    on, off = ocr.OcrReader(gate=True), ocr.OcrReader(gate=False)
    off.read(ocr_eval.encode(ocr_eval.cases(1)[0].image, "800"), "warm")  # build the engine outside the timings
    rows = []
    for case in ocr_eval.cases(args.per_style):
        kind = "no text" if case.text is None else "planted" if case.category else "harmless"
        for size in ocr_eval.SIZES:
            data = ocr_eval.encode(case.image, size)
            gated_before = on.stats()["ocr_gated"]
            t = time.thread_time()
            read_on = on.read(data, "images[0]")
            cpu_on = time.thread_time() - t
            t = time.thread_time()
            read_off = off.read(data, "images[0]")
            cpu_off = time.thread_time() - t
            rows.append({"case": case.name, "style": case.style, "size": size, "kind": kind,
                         "gated": on.stats()["ocr_gated"] > gated_before, "lines_without_gate": len(read_off.lines),
                         "text_without_gate": read_off.text, "same_read": read_on.text == read_off.text,
                         "cpu_on_ms": 1000 * cpu_on, "cpu_off_ms": 1000 * cpu_off})
    report = summarise(rows)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"summary": report, "rows": rows}, ensure_ascii=False, indent=1), "utf-8")
    print(markdown(report))
    return 0


def summarise(rows: list[dict]) -> dict:
    out: dict = {}
    for kind in ("no text", "harmless", "planted"):
        for size in ocr_eval.SIZES:
            sel = [r for r in rows if r["kind"] == kind and r["size"] == size]
            gated = [r for r in sel if r["gated"]]
            passed = [r for r in sel if not r["gated"]]
            out[f"{kind} / {size}"] = {
                "images": len(sel), "gated": len(gated),
                "gated_with_text": [(r["case"], r["text_without_gate"]) for r in gated if r["lines_without_gate"]],
                "changed_reads": [r["case"] for r in passed if not r["same_read"]],
                "saved_ms_per_gated": statistics.median([r["cpu_off_ms"] - r["cpu_on_ms"] for r in gated]) if gated else None,
                "added_ms_per_passed": statistics.median([r["cpu_on_ms"] - r["cpu_off_ms"] for r in passed]) if passed else None,
                "cpu_off_ms": statistics.median([r["cpu_off_ms"] for r in sel]) if sel else None,
            }
    return out


def markdown(report: dict) -> str:
    def ms(v):
        return "–" if v is None else f"{v:.0f}"
    lines = ["| images / size | gated | gated although the full read found text | CPU saved per gated image, ms "
             "| CPU added per image let through, ms | CPU per image without the gate, ms |", "|---|---|---|---|---|---|"]
    for key, v in report.items():
        lost = "; ".join(f"{c}: {t!r}" for c, t in v["gated_with_text"]) or "none"
        lines.append(f"| {key} | {v['gated']}/{v['images']} | {lost} | {ms(v['saved_ms_per_gated'])} "
                     f"| {ms(v['added_ms_per_passed'])} | {ms(v['cpu_off_ms'])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
