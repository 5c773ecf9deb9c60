"""Text-only latency in the HTTP service while image scans with OCR are in flight (issue #16; never asserted).

    python bench/bench_ocr_service.py [--duration 20] [--image-clients 20] [--arrangements threads,inline]

For each arrangement a real server (`scanner serve`, one worker, 127.0.0.1) is started with a fresh OCR cache:
`threads` = the shipped one (SCANNER_OCR_THREADS=1: OCR in the reader's own thread, SCANNER_OCR_QUEUE=4, past
it `ocr_busy`), `threads-nice0` = the same without lowering the OCR thread's priority
(SCANNER_OCR_THREAD_NICE=0; shipped: 10), `inline` = the old one (SCANNER_OCR_THREADS=0: OCR in the scan thread that asked, under the
engine's lock). In the same server, two phases of `--duration` s each:
  1. text-only: 2 clients, each sending a text-only listing, waiting for the answer, then 50 ms;
  2. the same text-only clients while `--image-clients` clients send listings with one new 800 px image each
     (generated evaluation images, never the same bytes twice: every image is really read) and `"ocr": true`,
     back to back (after an `ocr_busy` answer a client waits `--busy-backoff` s, 0.2 by default, then sends
     the image again).
Reports text-only p50/p99 of both phases and their ratio (phase 2 / phase 1) per arrangement, and what the
image clients got (images read, ocr_busy, p50 latency). Writes bench/results/ocr_service.json.
The machine is shared (2 cores): compare ratios within a run, not absolute numbers across runs.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_service import BENCH_KEY, Conn, _lat, http_request, start_server, text_listings  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "ocr_service.json"


async def call(conn: Conn, raw: bytes) -> tuple[int, bytes]:
    conn.writer.write(raw)
    head = await conn.reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return int(head[9:12]), (await conn.reader.readexactly(length) if length else b"")


def image_requests(n: int) -> list[bytes]:
    from tools import ocr_eval

    out = []
    for case in ocr_eval.cases(8, seed=17):  # another seed than the evaluation's: new bytes
        for size in ("800", "800q40"):
            data = base64.b64encode(ocr_eval.encode(case.image, size)).decode("ascii")
            out.append(http_request("/v1/scan", {"id": f"{case.name}/{size}", "title": "纯棉T恤",
                                                 "images": [{"data": data}], "options": {"ocr": True}}, BENCH_KEY))
    return out[:n]


async def phase(port: int, texts: list[bytes], images: list[bytes] | None, image_clients: int,
                duration: float, backoff: float = 0.2) -> dict:
    stop = time.perf_counter() + duration
    text_lat: list[float] = []
    img = {"read": 0, "ocr_busy": 0, "other": 0, "latencies": []}
    todo = list(images or [])

    async def text_client(k: int) -> None:
        conn = await Conn.open("127.0.0.1", port)
        i = k
        while time.perf_counter() < stop:
            t = time.perf_counter()
            status, _ = await call(conn, texts[i % len(texts)])
            text_lat.append(time.perf_counter() - t)
            assert status == 200, status
            i += 2
            await asyncio.sleep(0.05)
        conn.close()

    async def image_client() -> None:
        conn = await Conn.open("127.0.0.1", port)
        while time.perf_counter() < stop and todo:
            raw = todo.pop()
            t = time.perf_counter()
            status, body = await call(conn, raw)
            if b'"ocr_busy"' in body:
                img["ocr_busy"] += 1
                todo.insert(0, raw)  # not read: it may be sent again later
                await asyncio.sleep(backoff)
            elif status == 200:
                img["read"] += 1
                img["latencies"].append(time.perf_counter() - t)
            else:
                img["other"] += 1
        conn.close()

    tasks = [text_client(k) for k in range(2)]
    if images:
        tasks += [image_client() for _ in range(image_clients)]
    await asyncio.gather(*tasks)
    out = {"text_only": {**_lat(text_lat), "n": len(text_lat)}}
    if images:
        out["images"] = {"read": img["read"], "ocr_busy": img["ocr_busy"], "other": img["other"],
                         **{k: v for k, v in _lat(img["latencies"]).items() if k in ("p50_ms", "p99_ms")}}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--image-clients", type=int, default=20)
    ap.add_argument("--arrangements", default="threads,inline")
    ap.add_argument("--busy-backoff", type=float, default=0.2, help="seconds an image client waits after ocr_busy")
    args = ap.parse_args(argv)
    texts = [http_request("/v1/scan", row, BENCH_KEY) for row in text_listings(300)]
    images = image_requests(400)
    report: dict = {"duration_s": args.duration, "image_clients": args.image_clients, "text_clients": 2,
                    "busy_backoff_s": args.busy_backoff}
    for name in args.arrangements.split(","):
        threads = {"threads": "1", "inline": "0", "threads-nice0": "1"}[name]
        with tempfile.TemporaryDirectory() as tmp:
            proc, port, _, _ = start_server(1, Path(tmp), False, {
                "SCANNER_OCR_THREADS": threads, "SCANNER_OCR_QUEUE": "4",
                "SCANNER_OCR_PER_REQUEST": "1",  # image clients ask with "ocr": true; text clients send no images
                "SCANNER_OCR_THREAD_NICE": "0" if name == "threads-nice0" else "10",
                "SCANNER_OCR_CACHE": str(Path(tmp) / "ocr.sqlite3")})
            try:
                asyncio.run(phase(port, texts, images[:1], 1, 3.0))  # build the OCR engine, warm up
                alone = asyncio.run(phase(port, texts, None, 0, args.duration))
                loaded = asyncio.run(phase(port, texts, images[1:], args.image_clients, args.duration,
                                             args.busy_backoff))
            finally:
                proc.terminate()
                proc.wait(10)
        a, b = alone["text_only"], loaded["text_only"]
        report[name] = {"alone": alone, "with_images": loaded,
                        "ratio_p50": round(b["p50_ms"] / a["p50_ms"], 2), "ratio_p99": round(b["p99_ms"] / a["p99_ms"], 2)}
        print(name, json.dumps(report[name]), flush=True)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1), "utf-8")
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    lines = ["| arrangement | text-only p50 / p99 alone, ms | with image scans in flight, ms | ratio p50 / p99 "
             "| images read (p50 ms) | ocr_busy answers |", "|---|---|---|---|---|---|"]
    for name in ("threads", "threads-nice0", "inline"):
        if name not in report:
            continue
        r = report[name]
        a, b, im = r["alone"]["text_only"], r["with_images"]["text_only"], r["with_images"]["images"]
        lines.append(f"| {name} | {a['p50_ms']:.1f} / {a['p99_ms']:.1f} | {b['p50_ms']:.1f} / {b['p99_ms']:.1f} "
                     f"| {r['ratio_p50']} / {r['ratio_p99']} | {im['read']} ({im['p50_ms']:.0f}) | {im['ocr_busy']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
