"""OCR benchmark (issue #16; never asserted in tests).

    python bench/bench_ocr.py [--per-style 2] [--rounds 2]

1. OCR ms per image at 400 and 800 px (JPEG q90, the generated evaluation images of tools.ocr_eval:
   every style, planted and harmless text, no text): CPU time (process_time, one intra-op thread) and
   wall time of `OcrReader` with no cache (decode + downscale + CLAHE + detect + recognise), fastest
   round per image. Beside it: RapidOCR with its default settings on the same bytes (its detector
   scales the short side UP to 736 px and it uses every core).
2. Cold start: building the engine (loading the three ONNX models) in this process.
3. A rescan with a warm OCR cache: ms per listing (title + one image) with OCR on and every image in
   the cache, beside the same listings scanned with OCR off (target: within 2x); then both with the
   bundled gallery on, as a real rescan runs (without one the OCR-off side decodes no image at all).
4. Throughput: images/s read by one worker process and by one per core (as `scanner batch` runs them), each
   with its own reader and no cache, on the same 800 px images in the same run; the ratio says what the
   extra workers buy on this machine.
Writes bench/results/ocr.json and prints a markdown table.
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.images import ocr  # noqa: E402
from tools import ocr_eval  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "ocr.json"


def _images(per_style: int) -> dict[str, list[bytes]]:
    masters = [c.image for c in ocr_eval.cases(per_style)]
    out: dict[str, list[bytes]] = {}
    for side in (400, 800):
        blobs = []
        for im in masters:
            buf = io.BytesIO()
            (im if side == 800 else im.resize((side, side), Image.Resampling.LANCZOS)).save(buf, "JPEG", quality=90)
            blobs.append(buf.getvalue())
        out[str(side)] = blobs
    return out


def _timed(fn, blobs: list[bytes], rounds: int) -> tuple[float, float]:
    """(median over images of the fastest round's CPU ms, same for wall ms)."""
    cpu, wall = [], []
    for data in blobs:
        best_c = best_w = float("inf")
        for _ in range(rounds):
            c0, w0 = time.process_time(), time.perf_counter()
            fn(data)
            best_c = min(best_c, time.process_time() - c0)
            best_w = min(best_w, time.perf_counter() - w0)
        cpu.append(best_c * 1000)
        wall.append(best_w * 1000)
    return statistics.median(cpu), statistics.median(wall)


_WORKER_READER = None


def _worker_read(data: bytes) -> int:
    """One image read in a pool worker (its own OcrReader, built once per process, no cache)."""
    global _WORKER_READER
    if _WORKER_READER is None:
        _WORKER_READER = ocr.OcrReader()
    return len(_WORKER_READER._run(data))


def _images_per_second(blobs: list[bytes], workers: int, passes: int = 2) -> float:
    """Images/s over `passes` passes of `blobs`, after one warm-up read per worker (model load excluded)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_worker_read, blobs[:workers]))  # each worker loads its models first
        t = time.perf_counter()
        n = sum(1 for _ in pool.map(_worker_read, blobs * passes))
        return n / (time.perf_counter() - t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-style", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    if not ocr.available():
        print("the `ocr` extra is not installed", file=sys.stderr)
        return 1
    images = _images(args.per_style)

    t = time.perf_counter()
    ocr.engine()
    cold_ms = (time.perf_counter() - t) * 1000
    reader = ocr.OcrReader()  # no cache: every call really reads
    from rapidocr_onnxruntime import RapidOCR

    defaults = RapidOCR()

    def default_call(data: bytes) -> None:
        defaults(data)

    rows = {}
    for side, blobs in images.items():
        ours = _timed(reader._run, blobs, args.rounds)
        theirs = _timed(default_call, blobs, args.rounds)
        rows[side] = {"images": len(blobs), "ours_cpu_ms": round(ours[0], 1), "ours_wall_ms": round(ours[1], 1),
                      "default_cpu_ms": round(theirs[0], 1), "default_wall_ms": round(theirs[1], 1)}

    # a rescan after a word-list change: every image's text already in the cache
    from scanner.config import Settings
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_construct(ocr_cache=Path(tmp) / "c.sqlite3", scan_budget_s=0.0)
        text = TextEngine.load(settings.wordlists)
        on = Scanner(text, None, settings, ocr=True)
        off = Scanner(text, None, settings, ocr=False)
        listings = [{"id": i, "title": "夏季新款 纯棉T恤 男款 宽松", "description": "舒适透气，七天无理由退换",
                     "images": [{"data": base64.b64encode(b).decode()}]} for i, b in enumerate(images["800"])]
        for x in listings:
            on.scan(x)  # fill the cache
        hits_before = on.ocr_stats()["ocr_cache_hits"]

        def per_listing(sc) -> float:
            best = float("inf")
            for _ in range(5):
                t = time.perf_counter()
                for x in listings:
                    sc.scan(x)
                best = min(best, time.perf_counter() - t)
            return best * 1000 / len(listings)

        warm, text_only = per_listing(on), per_listing(off)
        assert on.ocr_stats()["ocr_runs"] == len(listings)  # the rescans ran no OCR
        hits = on.ocr_stats()["ocr_cache_hits"] - hits_before

        # the same with the bundled gallery on both sides, as a real catalogue rescan runs: without a gallery
        # the OCR-off side never decodes an image, which makes the ratio above a comparison of different work
        from scanner.config import load_settings
        from scanner.images import ImageScanner

        gallery_settings = load_settings().model_copy(update={"ocr_cache": settings.ocr_cache, "scan_budget_s": 0.0})
        gallery = ImageScanner.from_settings(gallery_settings)
        on_g = Scanner(text, gallery, gallery_settings, ocr=True)
        off_g = Scanner(text, gallery, gallery_settings, ocr=False)
        warm_g, text_only_g = per_listing(on_g), per_listing(off_g)
        assert on_g.ocr_stats()["ocr_runs"] == 0  # every read came from the cache the first scanner filled

    import os

    cores = os.cpu_count() or 1
    one_worker = _images_per_second(images["800"], 1)
    all_workers = _images_per_second(images["800"], cores)

    result = {"sizes": rows, "cold_start_ms": round(cold_ms),
              "images_per_s_800": {"workers_1": round(one_worker, 2), f"workers_{cores}": round(all_workers, 2)}, "warm_rescan_ms_per_listing": round(warm, 3),
              "text_only_ms_per_listing": round(text_only, 3), "warm_rescan_cache_hits": hits,
              "with_gallery": {"warm_rescan_ms_per_listing": round(warm_g, 3),
                               "text_only_ms_per_listing": round(text_only_g, 3)},
              "version": ocr.ocr_version()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1))
    print("| figure | ours | RapidOCR defaults | target |")
    print("|---|---|---|---|")
    for side, r in rows.items():
        target = {"400": "≤ 150 ms CPU", "800": "≤ 500 ms CPU"}[side]
        print(f"| OCR per image, {side} px ({r['images']} images, median) | {r['ours_cpu_ms']} ms CPU "
              f"({r['ours_wall_ms']} ms wall) | {r['default_cpu_ms']} ms CPU ({r['default_wall_ms']} ms wall) | {target} |")
    print(f"| engine cold start | {result['cold_start_ms']} ms | | |")
    print(f"| rescan, warm OCR cache, ms per listing | {result['warm_rescan_ms_per_listing']} | text-only "
          f"{result['text_only_ms_per_listing']} (ratio {warm / text_only:.2f}) | ≤ 2x text-only |")
    print(f"| the same rescan with the bundled gallery on both sides | {warm_g:.3f} | OCR off {text_only_g:.3f} "
          f"(ratio {warm_g / text_only_g:.2f}) | ≤ 2x text-only |")
    print(f"| images/s at 800 px, one worker per core ({cores}) | {all_workers:.2f} | one worker {one_worker:.2f} "
          f"(ratio {all_workers / one_worker:.2f}) | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
