"""Resident memory of `scanner serve` (one worker) with bundled data, with 50,000 extra terms and with
a 1M-entry gallery.

    python bench/bench_memory.py [--extra-terms 50000] [--gallery-entries 1000000]

Each configuration starts its own `python -m scanner serve --workers 1` subprocess on a free
loopback port, waits for /readyz, reads VmRSS (now) and VmHWM (peak, i.e. during start-up)
from /proc/PID/status, sends 200 scans to warm caches, and reads VmRSS again.

* bundled      -- bundled word lists, a temp gallery seeded from fixtures/gallery;
* +N terms     -- a temp copy of wordlists/ plus one terms/*.tsv of N random Chinese terms
                  (bench_text.wordlists_with_extra, the same terms the text benchmark uses);
* M gallery    -- bundled word lists, a temp gallery of M synthetic entries (8 views x 3
                  hashes each, random) written straight into the gallery's SQLite schema in
                  bulk (GalleryStore creates the schema; rows go in with executemany), with a
                  version consistent with the rows.

Writes bench/results/memory.json. Nothing is asserted. Needs Linux (/proc).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

OUT = ROOT / "bench" / "results" / "memory.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS / VmHWM of one process in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def seeded_gallery(path: Path) -> Path:
    from scanner.config import BUNDLED_FIXTURES, Settings
    from scanner.images import ImageScanner

    s = ImageScanner.from_settings(Settings(gallery=path))
    s.seed_from(BUNDLED_FIXTURES / "gallery")
    s.close()
    return path


def synthetic_gallery(path: Path, entries: int, seed: int = 0, chunk: int = 20_000) -> dict:
    """A gallery database of `entries` random entries, written in bulk through SQL."""
    import numpy as np

    from scanner.images.gallery import GalleryStore
    from scanner.images.hashing import ALL_HASHES, GALLERY_VARIANTS, HASH_BITS

    GalleryStore(path).close()  # schema + meta exactly as the service expects
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    version = hashlib.sha256()
    digests = []
    sizes = [HASH_BITS[h] // 8 for h in ALL_HASHES]  # one BLOB column per stored hash, in schema order
    per_view = sum(sizes)
    hash_sql = f"INSERT INTO hashes(entry_id, view, {', '.join(ALL_HASHES)}) VALUES (?,?{',?' * len(ALL_HASHES)})"
    now = time.time()
    for base in range(0, entries, chunk):
        n = min(chunk, entries - base)
        blob = rng.bytes(n * len(GALLERY_VARIANTS) * per_view)
        rows, hrows = [], []
        for k in range(n):
            i = base + k
            eid = f"g_{i:016x}"
            digest = hashlib.sha256(eid.encode()).hexdigest()
            digests.append(digest)
            rows.append((eid, f"Brand{i % 500}", None, "bench", None, now + i * 1e-6, None, 800, 800, digest))
            off = k * len(GALLERY_VARIANTS) * per_view
            for v, view in enumerate(GALLERY_VARIANTS):
                o = off + v * per_view
                cells = []
                for size in sizes:
                    cells.append(blob[o:o + size])
                    o += size
                hrows.append((eid, view, *cells))
        db.executemany("INSERT INTO entries(id, brand, label, source, note, added_at, sha256, width, height, digest)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany(hash_sql, hrows)
    for d in sorted(zip((f"g_{i:016x}" for i in range(entries)), digests)):
        version.update(d[1].encode())
        version.update(b"\n")
    db.execute("UPDATE meta SET value = ? WHERE key = 'version'", ("sha256:" + version.hexdigest(),))
    db.execute("COMMIT")
    db.close()
    return {"entries": entries, "build_s": round(time.perf_counter() - started, 1),
            "db_mb": round(path.stat().st_size / 2**20, 1)}


def measure(name: str, env_extra: dict[str, str], workdir: Path, ready_timeout: float) -> dict:
    import httpx

    port = free_port()
    env = {**os.environ, "SCANNER_LOG_REQUESTS": "false", "SCANNER_AUDIT_LOG": str(workdir / "audit.jsonl"),
           **env_extra}
    for k in ("SCANNER_API_KEYS", "PROMETHEUS_MULTIPROC_DIR", "SCANNER_CONFIG"):
        env.pop(k, None)
    log_path = workdir / f"serve-{name.replace(' ', '_')}.log"
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "scanner", "serve", "--port", str(port), "--workers", "1",
                                 "--log-level", "warning"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                return {"config": name, "error": "server exited: " + log_path.read_text()[-2000:]}
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > ready_timeout:
                return {"config": name, "error": f"not ready after {ready_timeout:.0f} s"}
            time.sleep(0.1)
        ready_s = time.perf_counter() - started
        at_ready = proc_status(proc.pid)
        versions = httpx.get(base + "/readyz", timeout=5).json().get("versions")
        with httpx.Client(base_url=base, timeout=30) as c:
            for i in range(200):
                c.post("/v1/scan", json={"id": i, "title": f"高仿耐克 运动鞋 {i}", "description": "全网最低价 加微信"})
        warm = proc_status(proc.pid)
        return {"config": name, "ready_s": round(ready_s, 1), "rss_ready_mb": at_ready["VmRSS"],
                "rss_warm_mb": warm["VmRSS"], "peak_rss_mb": warm["VmHWM"], "versions": versions}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extra-terms", type=int, default=50_000)
    ap.add_argument("--gallery-entries", type=int, default=1_000_000)
    ap.add_argument("--ready-timeout", type=float, default=900.0)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)

    from bench_text import wordlists_with_extra
    from scanner.config import BUNDLED_WORDLISTS

    workdir = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    results: dict = {"runs": []}
    extra_dir = None
    try:
        seeded = seeded_gallery(workdir / "seeded.sqlite3")
        results["runs"].append(measure("bundled", {"SCANNER_WORDLISTS": str(BUNDLED_WORDLISTS),
                                                   "SCANNER_GALLERY": str(seeded)}, workdir, args.ready_timeout))
        extra_dir = wordlists_with_extra(args.extra_terms)
        results["runs"].append(measure(f"+{args.extra_terms} terms", {"SCANNER_WORDLISTS": str(extra_dir),
                                                                    "SCANNER_GALLERY": str(seeded)},
                                       workdir, args.ready_timeout))
        big = workdir / "big.sqlite3"
        results["gallery_build"] = synthetic_gallery(big, args.gallery_entries)
        results["runs"].append(measure(f"{args.gallery_entries} gallery entries",
                                       {"SCANNER_WORDLISTS": str(BUNDLED_WORDLISTS), "SCANNER_GALLERY": str(big)},
                                       workdir, args.ready_timeout))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if extra_dir:
            shutil.rmtree(extra_dir, ignore_errors=True)
    base = next((r for r in results["runs"] if r["config"] == "bundled" and "rss_warm_mb" in r), None)
    for r in results["runs"]:
        if base and "rss_warm_mb" in r:
            r["delta_vs_bundled_mb"] = round(r["rss_warm_mb"] - base["rss_warm_mb"], 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))

    print("| configuration | ready s | RSS at ready MB | RSS warm MB | peak RSS MB | Δ vs bundled MB |")
    print("|---|---|---|---|---|---|")
    for r in results["runs"]:
        if "error" in r:
            print(f"| {r['config']} | error: {r['error'][:200]} | | | | |")
        else:
            print(f"| {r['config']} | {r['ready_s']} | {r['rss_ready_mb']} | {r['rss_warm_mb']} | {r['peak_rss_mb']} "
                  f"| {r.get('delta_vs_bundled_mb', '')} |")
    if "gallery_build" in results:
        print(f"synthetic gallery: {results['gallery_build']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
