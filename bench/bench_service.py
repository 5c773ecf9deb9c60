"""Drive a running `scanner serve` over loopback and report throughput and latency.

    python bench/bench_service.py                      # starts `scanner serve --workers 2` itself
    python bench/bench_service.py --url http://127.0.0.1:8000 --api-key KEY   # an existing server

What it does
* starts the service (unless --url) with auth on, request logging on (to a file) and a
  gallery seeded from fixtures/gallery, and measures spawn -> /readyz;
* for text-only listings (fixtures/listings/catalogue.jsonl, images stripped) and for
  listings with one inline JPEG (fixtures/images), runs
  - a closed-loop maximum-throughput run (N keep-alive connections, back to back), and
  - open-loop runs at fixed request rates: request i is due at t0 + i/rate whatever
    happened before, and latency is measured from that due time (so queueing counts —
    no coordinated omission);
* records CPU seconds used by the server processes and by this client process (both
  compete for the same cores) and the workers' RSS;
* `--only healthz`: /healthz latency (p50/p99/max, one probe every 20 ms on its own connection)
  with the server idle, then while 2, 4, 8 clients (--heavy-clients) send the heaviest linear
  inputs back to back (400,000 bullets of 高仿 = 6.8 MB, a batch of 100 x 30k chars = 9 MB),
  reported side by side from the same run (issue #13: p99 <= 100 ms is the goal);
* writes bench/results/service.json and prints a markdown table.

The client is a small asyncio HTTP/1.1 keep-alive client (uvloop if installed) running in
this process, separate from the server's processes.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.listing import InvalidListing, parse_listing  # noqa: E402

BENCH_KEY = "sk_bench_" + "x" * 24


# -- payloads ------------------------------------------------------------------------------
def text_listings(n: int = 300) -> list[dict]:
    path = ROOT / "fixtures" / "listings" / "catalogue.jsonl"
    rows = []
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if not isinstance(row, dict):
                    continue
                row.pop("images", None)
                try:  # the catalogue also holds deliberately broken rows: bench valid listings only
                    parse_listing(row)
                except InvalidListing:
                    continue
                rows.append(row)
    if not rows:
        rows = [{"id": i, "title": "高仿耐克 运动鞋" if i % 5 == 0 else "纯棉T恤 男款", "description": "透气舒适"}
                for i in range(n)]
    return rows[:n]


HEAVY_TEXT = ("高仿耐克 运动鞋 最好 加微信 abc123 " * 1500)[:30_000]


def heavy_requests(key: str | None) -> list[bytes]:
    """The heaviest inputs that every stage scans in linear time (issue #13)."""
    return [http_request("/v1/scan", {"id": "bullets", "bullets": ["高仿"] * 400_000}, key),
            http_request("/v1/scan/batch", {"listings": [{"id": i, "description": HEAVY_TEXT} for i in range(100)]}, key)]


def image_listings(texts: list[dict]) -> list[dict]:
    images = sorted((ROOT / "fixtures" / "images").glob("*.jpg"))
    data = [base64.b64encode(p.read_bytes()).decode("ascii") for p in images]
    out = []
    for i, row in enumerate(texts[:60]):
        out.append({**row, "images": [{"data": data[i % len(data)]}]})
    return out


def http_request(path: str, body: dict, key: str | None) -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n")
    if key:
        head += f"X-API-Key: {key}\r\n"
    return head.encode("ascii") + b"\r\n" + payload


# -- client ---------------------------------------------------------------------------------
class Conn:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> "Conn":
        reader, writer = await asyncio.open_connection(host, port)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def call(self, raw: bytes) -> int:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
                break
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


class CpuMeter:
    """CPU seconds of the server processes (parent + workers) and of this client."""

    def __init__(self, server_pid: int | None):
        self.server_pid = server_pid

    def _server(self) -> float:
        if self.server_pid is None:
            return float("nan")
        import psutil

        total = 0.0
        try:
            parent = psutil.Process(self.server_pid)
            for p in [parent, *parent.children(recursive=True)]:
                try:
                    t = p.cpu_times()
                    total += t.user + t.system
                except psutil.NoSuchProcess:
                    pass
        except psutil.NoSuchProcess:
            pass
        return total

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        self.s0 = self._server()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        self.client_cpu = time.process_time() - self.c0
        self.server_cpu = self._server() - self.s0


async def closed_loop(host, port, requests: list[bytes], connections: int, duration: float) -> dict:
    conns = [await Conn.open(host, port) for _ in range(connections)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop_at = time.perf_counter() + duration

    async def worker(conn: Conn, offset: int):
        i = offset
        while time.perf_counter() < stop_at:
            raw = requests[i % len(requests)]
            i += connections
            t = time.perf_counter()
            status = await conn.call(raw)
            latencies.append(time.perf_counter() - t)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(c, k) for k, c in enumerate(conns)))
    elapsed = time.perf_counter() - started
    for c in conns:
        c.close()
    return {"requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "statuses": statuses, **_lat(latencies)}


async def open_loop(host, port, requests: list[bytes], rate: float, duration: float, connections: int) -> dict:
    idle: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await Conn.open(host, port))
    latencies: list[float] = []
    service: list[float] = []
    statuses: dict[int, int] = {}
    total = int(rate * duration)
    tasks = []
    t0 = time.perf_counter() + 0.05

    async def one(i: int, due: float):
        conn = await idle.get()
        sent = time.perf_counter()
        try:
            status = await conn.call(requests[i % len(requests)])
        except Exception:
            status = 0
        done = time.perf_counter()
        idle.put_nowait(conn)
        latencies.append(done - due)
        service.append(done - sent)
        statuses[status] = statuses.get(status, 0) + 1

    for i in range(total):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    while not idle.empty():
        idle.get_nowait().close()
    out = {"target_rps": rate, "requests": total, "seconds": elapsed, "achieved_rps": total / elapsed,
           "statuses": statuses, **_lat(latencies)}
    out["service_p99_ms"] = round(pct(service, 99) * 1000, 3)
    return out


async def healthz_under_load(host, port, heavy: list[bytes], clients: int, duration: float, light: bytes) -> dict:
    """Probe /healthz and an ordinary scan (`light`) every 20 ms while `clients` connections send
    `heavy` requests back to back."""
    probe = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"
    stop = asyncio.Event()
    heavy_done: dict[str, list[float]] = {"ok": [], "other": []}

    async def hog(i: int) -> None:
        conn = await Conn.open(host, port)
        try:
            n = i
            while not stop.is_set():
                t0 = time.perf_counter()
                status = await conn.call(heavy[n % len(heavy)])
                heavy_done["ok" if status == 200 else "other"].append(time.perf_counter() - t0)
                n += 1
        finally:
            conn.close()

    hogs = [asyncio.create_task(hog(i)) for i in range(clients)]
    await asyncio.sleep(1.0 if clients else 0)  # the heavy requests are being scanned before probing starts
    conn, scan_conn = await Conn.open(host, port), await Conn.open(host, port)
    latencies: list[float] = []
    scans: list[float] = []
    ended = time.perf_counter() + duration
    while time.perf_counter() < ended:
        t0 = time.perf_counter()
        await conn.call(probe)
        t1 = time.perf_counter()
        await scan_conn.call(light)
        scans.append(time.perf_counter() - t1)
        latencies.append(t1 - t0)
        await asyncio.sleep(0.02)
    conn.close()
    scan_conn.close()
    stop.set()
    await asyncio.gather(*hogs, return_exceptions=True)
    out = _lat(latencies)
    out.update(requests=len(latencies), scan_p50_ms=round(pct(scans, 50) * 1000, 1),
               scan_p99_ms=round(pct(scans, 99) * 1000, 1), heavy_clients=clients, heavy_answered=len(heavy_done["ok"]), heavy_not_200=len(heavy_done["other"]),
               heavy_p50_s=round(pct(heavy_done["ok"], 50), 2) if heavy_done["ok"] else None)
    return out


def _lat(latencies: list[float]) -> dict:
    return {
        "p50_ms": round(pct(latencies, 50) * 1000, 3),
        "p90_ms": round(pct(latencies, 90) * 1000, 3),
        "p99_ms": round(pct(latencies, 99) * 1000, 3),
        "max_ms": round(max(latencies) * 1000, 3) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3) if latencies else None,
    }


# -- server ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int, workdir: Path, log_requests: bool,
                 extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int, float, Path]:
    from api.auth import hash_key
    from scanner.config import BUNDLED_FIXTURES, Settings
    from scanner.images import ImageScanner

    gallery = workdir / "gallery.sqlite3"
    ImageScanner.from_settings(Settings(gallery=gallery)).seed_from(BUNDLED_FIXTURES / "gallery")
    port = free_port()
    env = {**os.environ,
           "SCANNER_API_KEYS": json.dumps([{"name": "bench", "role": "scan", "hash": hash_key(BENCH_KEY)}]),
           "SCANNER_GALLERY": str(gallery), "SCANNER_AUDIT_LOG": str(workdir / "audit.jsonl"),
           "SCANNER_LOG_REQUESTS": "true" if log_requests else "false", **(extra_env or {})}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log_path = workdir / "serve.log"
    log = open(log_path, "wb")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "scanner", "serve", "--port", str(port), "--workers", str(workers)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    import httpx

    while True:
        if proc.poll() is not None:
            raise SystemExit("server exited:\n" + log_path.read_text())
        try:
            # every worker must be up: poll until `workers` startup lines are logged
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                lines = [x for x in log_path.read_text().splitlines() if '"event": "startup"' in x]
                if len(lines) >= workers:
                    break
        except httpx.HTTPError:
            pass
        if time.perf_counter() - started > 120:
            proc.kill()
            raise SystemExit("server did not become ready")
        time.sleep(0.02)
    return proc, port, time.perf_counter() - started, log_path


def worker_rss(pid: int) -> dict:
    import psutil

    parent = psutil.Process(pid)
    procs = [parent, *parent.children(recursive=True)]
    return {str(p.pid): round(p.memory_info().rss / 2**20, 1) for p in procs}


# -- main -----------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="benchmark an already running server instead of starting one")
    ap.add_argument("--api-key", default=None)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--duration", type=float, default=8.0, help="seconds per run")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--text-rates", default="250,500,750,1000,1500")
    ap.add_argument("--image-rates", default="25,50,100")
    ap.add_argument("--no-request-log", action="store_true", help="start the server with SCANNER_LOG_REQUESTS=false")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for the server, e.g. SCANNER_THREADPOOL_SIZE=4")
    ap.add_argument("--only", choices=["text", "one_image", "healthz"], help="run one scenario")
    ap.add_argument("--heavy-clients", default="2,4,8", help="healthz scenario: heavy clients per run")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "service.json"))
    args = ap.parse_args()
    try:
        import uvloop

        uvloop.install()
        loop_name = "uvloop"
    except ImportError:
        loop_name = "asyncio"

    workdir = Path(tempfile.mkdtemp(prefix="bench-service-"))
    proc = None
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
                                "platform": platform.platform()}, "client": {"loop": loop_name,
                                                                             "connections": args.connections}}
    try:
        if args.url:
            host, port = args.url.split("//", 1)[1].split(":")
            port = int(port)
            key = args.api_key
            server_pid = None
        else:
            host, key = "127.0.0.1", BENCH_KEY
            extra_env = dict(kv.split("=", 1) for kv in args.env)
            proc, port, startup, log_path = start_server(args.workers, workdir, not args.no_request_log, extra_env)
            server_pid = proc.pid
            starts = [json.loads(x)["ms"] for x in log_path.read_text().splitlines() if '"event": "startup"' in x]
            report["server"] = {"workers": args.workers, "request_log": not args.no_request_log, "env": extra_env,
                                "spawn_to_ready_s": round(startup, 3), "scanner_build_ms_per_worker": starts}

        texts = text_listings()
        scenarios = {
            "text": ([http_request("/v1/scan", t, key) for t in texts], [float(x) for x in args.text_rates.split(",") if x]),
            "one_image": ([http_request("/v1/scan", t, key) for t in image_listings(texts)],
                          [float(x) for x in args.image_rates.split(",") if x]),
        }
        report["runs"] = {}
        if args.only == "healthz":
            light = http_request("/v1/scan", {"id": "light", "title": "高仿耐克 运动鞋", "description": "透气舒适"}, key)
            report["healthz"] = [asyncio.run(healthz_under_load(host, port, heavy_requests(key), n, args.duration, light))
                                 for n in [0] + [int(x) for x in args.heavy_clients.split(",") if x]]
            scenarios = {}
        for name, (requests, rates) in scenarios.items():
            if args.only and name != args.only:
                continue
            # warm-up (jieba caches, connection setup, thread pools)
            asyncio.run(closed_loop(host, port, requests, 8, 1.0))
            runs = []
            with CpuMeter(server_pid) as cpu:
                r = asyncio.run(closed_loop(host, port, requests, args.connections, args.duration))
            r.update(mode="max", loadavg_1m=round(os.getloadavg()[0], 2), server_cpu_s=round(cpu.server_cpu, 2),
                     client_cpu_s=round(cpu.client_cpu, 2),
                     server_cpu_ms_per_request=round(cpu.server_cpu * 1000 / max(1, r["requests"]), 3),
                     client_cpu_ms_per_request=round(cpu.client_cpu * 1000 / max(1, r["requests"]), 3),
                     server_cores=round(cpu.server_cpu / cpu.wall, 2), client_cores=round(cpu.client_cpu / cpu.wall, 2))
            runs.append(r)
            for rate in rates:
                with CpuMeter(server_pid) as cpu:
                    r = asyncio.run(open_loop(host, port, requests, rate, args.duration, args.connections))
                r.update(mode="fixed", loadavg_1m=round(os.getloadavg()[0], 2),
                         server_cpu_ms_per_request=round(cpu.server_cpu * 1000 / max(1, r["requests"]), 3),
                         server_cores=round(cpu.server_cpu / cpu.wall, 2),
                         client_cores=round(cpu.client_cpu / cpu.wall, 2))
                runs.append(r)
            report["runs"][name] = runs
        if server_pid is not None:
            report["server"]["rss_mb"] = worker_rss(server_pid)
            per_pid: dict[str, int] = {}
            for line in log_path.read_text().splitlines():
                if '"event": "request"' in line:
                    pid = str(json.loads(line).get("pid"))
                    per_pid[pid] = per_pid.get(pid, 0) + 1
            report["server"]["requests_per_worker"] = per_pid
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(markdown(report))
    print(f"\nwritten: {out}")
    return 0


def markdown(report: dict) -> str:
    lines = []
    srv = report.get("server")
    if srv:
        lines.append(f"server: {srv['workers']} workers, request log {'on' if srv['request_log'] else 'off'}, "
                     f"spawn→ready {srv['spawn_to_ready_s']} s (scanner build per worker: "
                     f"{', '.join(f'{x:.0f} ms' for x in srv['scanner_build_ms_per_worker'])}), "
                     f"RSS MB by pid {srv.get('rss_mb')}, requests by worker pid {srv.get('requests_per_worker')}")
    lines.append(f"machine: {report['machine']['cpus']} CPUs; client in a separate process "
                 f"({report['client']['loop']}, {report['client']['connections']} keep-alive connections)\n")
    lines.append("| listings | mode | target req/s | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | non-200 "
                 "| server cores | client cores | server CPU ms/req | load 1m |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    if report.get("healthz"):
        lines.append("| heavy clients | /healthz probes | /healthz p50 ms | p99 ms | max ms | ordinary scan p50 ms | "
                     "p99 ms | heavy answered (200) | heavy non-200 | heavy p50 s |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in report["healthz"]:
            lines.append(f"| {r['heavy_clients'] or 'none (idle)'} | {r['requests']} | {r['p50_ms']} | {r['p99_ms']} | "
                         f"{r['max_ms']} | {r['scan_p50_ms']} | {r['scan_p99_ms']} | {r['heavy_answered']} | "
                         f"{r['heavy_not_200']} | {r['heavy_p50_s']} |")
        return "\n".join(lines)
    for name, runs in report["runs"].items():
        for r in runs:
            non200 = sum(v for k, v in r["statuses"].items() if int(k) != 200)
            target = "max" if r["mode"] == "max" else f"{r['target_rps']:.0f}"
            achieved = r.get("rps") or r.get("achieved_rps")
            lines.append(f"| {name} | {r['mode']} | {target} | {achieved:.0f} | {r['p50_ms']} | {r['p90_ms']} | "
                         f"{r['p99_ms']} | {r['max_ms']} | {non200} | {r.get('server_cores')} | "
                         f"{r.get('client_cores')} | {r.get('server_cpu_ms_per_request')} | {r.get('loadavg_1m')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
