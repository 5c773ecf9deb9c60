"""/healthz latency under soak-like load, for several worker settings compared in ONE run (issue #13).

    python bench/bench_healthz_variants.py [--rounds 4] [--window 6] [--ordinary 4] [--heavy 2]
        [--variants t16_s2,t4_s2,t16_s05,t4_s05] [--json out.json]

One `scanner serve --workers 1` per variant (they differ only in SCANNER_* environment) is started up
front; then, round after round, each variant in turn gets a window of load: --ordinary connections send
ordinary catalogue scans back to back, --heavy connections send the heavy hostile inputs of
scripts/soak.py (hint word + 99k spaces, 100k identical letters, 400k hits in 1,000 bullets) back to back,
and a prober sends GET /healthz every 20 ms on its own connection. Variants are interleaved so that the
other work on a shared machine lands on all of them alike; read ratios, not absolute numbers. Reported
per variant: /healthz p50/p99/max over all its windows, ordinary scans per second, heavy requests
answered (200) and refused (503 busy). Nothing is asserted.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_service import BENCH_KEY, Conn, http_request, pct, start_server, text_listings  # noqa: E402
from soak import HOSTILE  # noqa: E402

# name -> server environment. t = scan threads per worker, s = GIL switch interval (ms).
VARIANTS = {
    "t16_s2": {"SCANNER_THREADPOOL_SIZE": "16", "SCANNER_GIL_SWITCH_INTERVAL_MS": "2"},   # defaults before
    "t4_s2": {"SCANNER_THREADPOOL_SIZE": "4", "SCANNER_GIL_SWITCH_INTERVAL_MS": "2"},
    "t2_s2": {"SCANNER_THREADPOOL_SIZE": "2", "SCANNER_GIL_SWITCH_INTERVAL_MS": "2"},
    "t16_s05": {"SCANNER_THREADPOOL_SIZE": "16", "SCANNER_GIL_SWITCH_INTERVAL_MS": "0.5"},
    "t4_s05": {"SCANNER_THREADPOOL_SIZE": "4", "SCANNER_GIL_SWITCH_INTERVAL_MS": "0.5"},
    "t4_s1": {"SCANNER_THREADPOOL_SIZE": "4", "SCANNER_GIL_SWITCH_INTERVAL_MS": "1"},
    "t8_s05": {"SCANNER_THREADPOOL_SIZE": "8", "SCANNER_GIL_SWITCH_INTERVAL_MS": "0.5"},
    "t4_s025": {"SCANNER_THREADPOOL_SIZE": "4", "SCANNER_GIL_SWITCH_INTERVAL_MS": "0.25"},
    "t16_s025": {"SCANNER_THREADPOOL_SIZE": "16", "SCANNER_GIL_SWITCH_INTERVAL_MS": "0.25"},
    "t16_s5": {"SCANNER_THREADPOOL_SIZE": "16", "SCANNER_GIL_SWITCH_INTERVAL_MS": "5"},
}
HEAVY_KINDS = ("hint word + 99k spaces", "100k identical letters", "400k hits in 1,000 bullets")


def heavy_requests() -> list[bytes]:
    out = []
    for name, how, payload in HOSTILE:
        if name in HEAVY_KINDS:
            out.append(b"POST /v1/scan HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nX-API-Key: "
                       + BENCH_KEY.encode() + b"\r\nContent-Length: " + str(len(payload)).encode() + b"\r\n\r\n"
                       + payload)
    return out


async def window(port: int, ordinary: list[bytes], heavy: list[bytes], n_ordinary: int, n_heavy: int,
                 seconds: float, offset: int) -> dict:
    host = "127.0.0.1"
    stop = asyncio.Event()
    counts = {"ordinary": 0, "ordinary_not_200": 0, "heavy_200": 0, "heavy_503": 0, "heavy_other": 0}

    async def ordinary_client(i: int) -> None:
        conn = await Conn.open(host, port)
        n = offset + i
        try:
            while not stop.is_set():
                status = await conn.call(ordinary[n % len(ordinary)])
                counts["ordinary" if status == 200 else "ordinary_not_200"] += 1
                n += n_ordinary
        finally:
            conn.close()

    async def heavy_client(i: int) -> None:
        conn = await Conn.open(host, port)
        n = offset + i
        try:
            while not stop.is_set():
                status = await conn.call(heavy[n % len(heavy)])
                counts["heavy_200" if status == 200 else "heavy_503" if status == 503 else "heavy_other"] += 1
                if status == 503:
                    await asyncio.sleep(0.2)
                n += 1
        finally:
            conn.close()

    tasks = [asyncio.create_task(ordinary_client(i)) for i in range(n_ordinary)]
    tasks += [asyncio.create_task(heavy_client(i)) for i in range(n_heavy)]
    await asyncio.sleep(0.5)
    probe = b"GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n"
    conn = await Conn.open(host, port)
    lat = []
    started = time.perf_counter()
    count0 = counts["ordinary"]
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        await conn.call(probe)
        lat.append(time.perf_counter() - t0)
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    ordinary_done = counts["ordinary"] - count0
    conn.close()
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"healthz": lat, "ordinary_rps": ordinary_done / elapsed, **counts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", default="t16_s2,t4_s2,t16_s05,t4_s05")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--window", type=float, default=6.0)
    ap.add_argument("--ordinary", type=int, default=4)
    ap.add_argument("--heavy", type=int, default=2)
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="for every variant")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    names = [v for v in args.variants.split(",") if v]
    common = dict(kv.split("=", 1) for kv in args.env)
    ordinary = [http_request("/v1/scan", t, BENCH_KEY) for t in text_listings(300)]
    heavy = heavy_requests()
    servers, dirs = {}, []
    results: dict[str, list[dict]] = {n: [] for n in names}
    load = []
    try:
        for name in names:
            d = Path(tempfile.mkdtemp(prefix=f"healthz-{name}-"))
            dirs.append(d)
            proc, port, _, _ = start_server(1, d, False, {**common, **VARIANTS[name]})
            servers[name] = (proc, port)
        for r in range(args.rounds):
            order = names if r % 2 == 0 else names[::-1]
            for name in order:
                load.append(os.getloadavg()[0])
                results[name].append(asyncio.run(window(servers[name][1], ordinary, heavy, args.ordinary,
                                                        args.heavy, args.window, r * 7)))
            print(f"round {r + 1}/{args.rounds} done", flush=True)
    finally:
        for proc, _ in servers.values():
            os.killpg(proc.pid, signal.SIGTERM)
        for proc, _ in servers.values():
            try:
                proc.wait(timeout=20)
            except Exception:
                os.killpg(proc.pid, signal.SIGKILL)
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
    report = {"load_1m": [round(x, 2) for x in load], "args": vars(args), "variants": {}}
    print(f"load average (1 min) during the run: {min(load):.1f}-{max(load):.1f}")
    print("| variant | env | /healthz probes | p50 ms | p99 ms | max ms | ordinary req/s | heavy 200 | heavy 503 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        lat = [x for w in results[name] for x in w["healthz"]]
        row = {"env": VARIANTS[name], "probes": len(lat), "p50_ms": round(pct(lat, 50) * 1000, 1),
               "p99_ms": round(pct(lat, 99) * 1000, 1), "max_ms": round(max(lat) * 1000, 1),
               "ordinary_rps": round(sum(w["ordinary_rps"] for w in results[name]) / len(results[name]), 1),
               "heavy_200": sum(w["heavy_200"] for w in results[name]),
               "heavy_503": sum(w["heavy_503"] for w in results[name]),
               "heavy_other": sum(w["heavy_other"] for w in results[name]),
               "ordinary_not_200": sum(w["ordinary_not_200"] for w in results[name]),
               "p99_ms_per_window": [round(pct(w["healthz"], 99) * 1000, 1) for w in results[name]]}
        report["variants"][name] = row
        env = " ".join(f"{k.removeprefix('SCANNER_')}={v}" for k, v in VARIANTS[name].items())
        print(f"| {name} | {env} | {row['probes']} | {row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} | "
              f"{row['ordinary_rps']} | {row['heavy_200']} | {row['heavy_503']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
