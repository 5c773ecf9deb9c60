"""What grows a worker's memory under hostile input (issue #13: "memory flat" in the soak).

    python bench/bench_hostile_memory.py [--rounds 12] [--variants baseline,fixed_mmap] [--json out.json]

Starts one `scanner serve --workers 1` per variant (same code, different malloc settings), then for each
hostile kind of scripts/soak.py sends, --rounds times, that request together with 5 ordinary scans on
parallel connections (so several scan threads, hence several malloc arenas, take part), to every server in
turn (interleaved: a busy machine slows all variants alike). RSS of each server after warm-up and after
each kind. Variants differ only in the environment, so they are compared within the same run.
Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_service import BENCH_KEY, start_server, text_listings  # noqa: E402
from soak import HOSTILE  # noqa: E402

VARIANTS = {
    # glibc's own behaviour: a sliding mmap threshold (raised up to 32 MiB each time a mapped block is
    # freed) and up to 8 arenas per core
    "glibc_default": {"SCANNER_MALLOC_MMAP_THRESHOLD_BYTES": "0", "SCANNER_MALLOC_ARENA_MAX": "0"},
    "fixed_mmap": {"SCANNER_MALLOC_MMAP_THRESHOLD_BYTES": "131072", "SCANNER_MALLOC_ARENA_MAX": "0"},
    "arena2": {"SCANNER_MALLOC_MMAP_THRESHOLD_BYTES": "0", "SCANNER_MALLOC_ARENA_MAX": "2"},
    "defaults": {},  # the settings' defaults: fixed 128 KiB threshold and 2 arenas
}


def rss_mb(pid: int) -> float:
    import psutil

    p = psutil.Process(pid)
    return round(sum(q.memory_info().rss for q in [p, *p.children(recursive=True)]) / 2**20, 1)


def send(port: int, how: str, payload: bytes, path: str = "/v1/scan") -> int:
    head = (f"POST {path} HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nX-API-Key: {BENCH_KEY}\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        if how == "raw":
            sock.sendall(payload)
        elif how == "no_read":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(head.replace(b"/v1/scan ", b"/v1/scan/batch ") + payload)
            time.sleep(3)  # the server's send timeout (2 s here) aborts it meanwhile
            return -1
        else:
            sock.sendall(head + payload)
        answer = b""
        while chunk := sock.recv(1 << 16):
            answer += chunk
    return int(answer[9:12]) if answer.startswith(b"HTTP/1.1 ") else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=12, help="requests of each kind per cycle")
    ap.add_argument("--cycles", type=int, default=1, help="passes over all the kinds")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--kinds", default="", help="comma-separated substrings of hostile kind names (default: all)")
    ap.add_argument("--root", action="append", default=[], metavar="VARIANT=PATH",
                    help="serve this variant from another checkout (e.g. a worktree of the previous commit), to "
                    "compare code versions in the same run")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    names = [v for v in args.variants.split(",") if v]
    roots = dict(kv.split("=", 1) for kv in args.root)
    kinds = [h for h in HOSTILE if not args.kinds or any(k in h[0] for k in args.kinds.split(","))]
    ordinary = [json.dumps(t, ensure_ascii=False).encode() for t in text_listings(200)]
    servers = {}
    dirs = []
    report: dict = {"loadavg_at_start": os.getloadavg(), "rounds": args.rounds, "variants": {}}
    try:
        for name in names:
            d = Path(tempfile.mkdtemp(prefix=f"hostile-mem-{name}-"))
            dirs.append(d)
            env = {"SCANNER_SEND_TIMEOUT_S": "2", **VARIANTS.get(name.split("@")[0], {})}
            import bench_service

            bench_service.ROOT = Path(roots.get(name, ROOT))  # the server's working directory: its code
            proc, port, _, _ = start_server(1, d, False, env)
            bench_service.ROOT = ROOT
            servers[name] = (proc, port)
        pool = ThreadPoolExecutor(8)
        for name, (proc, port) in servers.items():  # warm-up: ordinary traffic only
            list(pool.map(lambda b, port=port: send(port, "json", b), ordinary * 2))
            report["variants"][name] = {"env": VARIANTS.get(name.split("@")[0], {}), "root": roots.get(name, str(ROOT)), "after_warmup": rss_mb(proc.pid), "kinds": {}}
        print("after warm-up", {n: v["after_warmup"] for n, v in report["variants"].items()}, flush=True)
        for cycle in range(1, args.cycles + 1):
            for kind, how, payload in kinds:
                statuses: dict[str, list[int]] = {n: [] for n in servers}
                for r in range(args.rounds):
                    for name, (proc, port) in servers.items():
                        jobs = [pool.submit(send, port, how, payload)]
                        jobs += [pool.submit(send, port, "json", ordinary[(r * 5 + i) % len(ordinary)])
                                 for i in range(5)]
                        statuses[name].append(jobs[0].result())
                        for j in jobs[1:]:
                            j.result()
                for name, (proc, port) in servers.items():
                    report["variants"][name]["kinds"][f"{cycle}: {kind}"] = {
                        "rss_mb": rss_mb(proc.pid), "statuses": sorted(set(statuses[name]))}
                print(cycle, kind, {n: report["variants"][n]["kinds"][f"{cycle}: {kind}"]["rss_mb"] for n in servers},
                      flush=True)
            for name, (proc, port) in servers.items():
                report["variants"][name].setdefault("after_cycle", []).append(rss_mb(proc.pid))
        for name, (proc, port) in servers.items():
            v = report["variants"][name]
            v["end"] = rss_mb(proc.pid)
            v["growth"] = round(v["end"] - v["after_warmup"], 1)
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
    print("| variant | after warm-up MB | after each cycle MB | growth MB |")
    print("|---|---|---|---|")
    for name, v in report["variants"].items():
        cycles = " → ".join(str(x) for x in v.get("after_cycle", []))
        print(f"| {name} | {v['after_warmup']} | {cycles} | {v.get('growth')} |")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
