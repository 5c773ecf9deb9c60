"""Run every benchmark and write docs/benchmarks.md: each figure beside its comparison from the same run.

    python bench/run_all.py            # full sizes (about 30 min on 2 cores)
    python bench/run_all.py --quick    # small sizes, a few minutes: checks the machinery, not the numbers
    python bench/run_all.py --only text,images --doc /tmp/b.md

Every benchmark runs as its own subprocess (one failure or crash does not stop the rest; its
exit code and the tail of its stderr are reported), writes its JSON to bench/results/, and is
summarised in one table per area: figure, ours, comparison, ratio, target, met?
Old results of a benchmark are deleted before it runs, so a failed run never shows stale numbers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

# name -> (script, full args, quick args, result file)
BENCHES: dict[str, tuple[str, list[str], list[str], str]] = {
    "text": ("bench_text.py", ["--listings", "20000", "--extra-terms", "50000"],
             ["--listings", "2000", "--extra-terms", "50000"], "text.json"),
    "images": ("bench_images.py", ["--sizes", "10000,100000,1000000", "--queries", "20"],
               ["--sizes", "10000,100000", "--queries", "5"], "images.json"),
    "bktree": ("bench_bktree.py", ["--sizes", "10000,100000,1000000", "--queries", "20"],
               ["--sizes", "10000", "--queries", "3", "--bktree-seconds", "3"], "bktree.json"),
    "index": ("bench_index.py", ["--full"],
              ["--sizes", "10000", "--queries", "10", "--rounds", "2", "--load-entries", "5000"], "index.json"),
    "service": ("bench_service.py", [],
                ["--duration", "2", "--text-rates", "250,500", "--image-rates", "25"], "service.json"),
    "batch": ("bench_batch.py", ["--rows", "200000", "--json", str(RESULTS / "batch.json")],
              ["--rows", "5000", "--json", str(RESULTS / "batch.json")], "batch.json"),
    "memory": ("bench_memory.py", ["--extra-terms", "50000", "--gallery-entries", "1000000"],
               ["--extra-terms", "50000", "--gallery-entries", "20000"], "memory.json"),
    "adversarial": ("bench_adversarial.py", ["--json", str(RESULTS / "adversarial.json")],
                    ["--sizes", "2000,20000", "--naive-size", "2000", "--repeat", "1",
                     "--json", str(RESULTS / "adversarial.json")], "adversarial.json"),
    "ocr": ("bench_ocr.py", [], ["--per-style", "1", "--rounds", "1"], "ocr.json"),
    "ocr_gate": ("bench_ocr_gate.py", [], ["--per-style", "1"], "ocr_gate.json"),
    "ocr_service": ("bench_ocr_service.py", ["--arrangements", "threads,threads-nice0,inline", "--busy-backoff", "1.0"],
                    ["--duration", "3", "--image-clients", "6"], "ocr_service.json"),
    "report": ("bench_report.py", ["--sizes", "10000,100000,1000000", "--json", str(RESULTS / "report.json")],
               ["--sizes", "10000", "--json", str(RESULTS / "report.json")], "report.json"),
    "cli": ("bench_cli.py", ["--runs", "10"], ["--runs", "2"], "cli.json"),
}


def machine() -> dict:
    mem_kb = 0
    cpu_model = platform.processor()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=False).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True, check=False).stdout.strip())
    except OSError:
        commit, dirty = "", False
    return {"cores": os.cpu_count(), "ram_gb": round(mem_kb / 2**20, 1), "cpu": cpu_model,
            "python": platform.python_version(), "platform": platform.platform(),
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "commit": commit + (" (with uncommitted changes in the tree)" if dirty else ""),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def run_one(name: str, quick: bool, timeout: float) -> dict:
    script, full, small, result = BENCHES[name]
    out = RESULTS / result
    out.unlink(missing_ok=True)
    args = [sys.executable, str(HERE / script), *(small if quick else full)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")]))
    started = time.perf_counter()
    print(f"== {name}: {' '.join(args[1:])}", flush=True)
    try:
        proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        rc, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, stdout, stderr = "timeout", exc.stdout or "", (exc.stderr or "") + f"\n(timed out after {timeout:.0f} s)"
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
        stderr = stderr.decode() if isinstance(stderr, bytes) else stderr
    seconds = time.perf_counter() - started
    print(stdout, flush=True)
    status = {"bench": name, "args": args[2:], "exit": rc, "seconds": round(seconds, 1),
              "result_file": str(out.relative_to(ROOT)), "ok": rc == 0 and out.exists()}
    if not status["ok"]:
        status["stderr_tail"] = stderr[-1500:]
        print(f"!! {name} failed (exit {rc}):\n{stderr[-1500:]}", flush=True)
    return status


def load(name: str) -> dict | None:
    path = RESULTS / BENCHES[name][3]
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


# -- tables ---------------------------------------------------------------------------------
def fmt(x: float | None, digits: int = 1, unit: str = "") -> str:
    if x is None:
        return "—"
    if abs(x) >= 1e6:
        return f"{x / 1e6:.{digits}f} M{unit}"
    if abs(x) >= 1e4:
        return f"{x:,.0f}{unit}"
    return f"{x:.{digits}f}{unit}"


def row(figure: str, ours: str, comparison: str, ratio: float | None, target: str = "—",
        met: bool | None = None) -> str:
    r = "—" if ratio is None else (f"{ratio:.1f}×" if ratio < 100 else f"{ratio:,.0f}×")
    m = "—" if met is None else ("**yes**" if met else "**no**")
    return f"| {figure} | {ours} | {comparison} | {r} | {target} | {m} |"


HEAD = "| figure | ours | comparison | ratio | target | met? |\n|---|---|---|---|---|---|"


def text_section(d: dict) -> list[str]:
    out = ["## Text: dictionary matching and full scans (`bench/bench_text.py`)", "",
           "Dictionary matching is the automaton alone over normalised keys (chars/s); full scans are the whole "
           "`Scanner.scan` on the synthetic catalogue (`bench/catalogue.py`) on one core, beside a naive pipeline "
           "(`jieba.lcut` of the whole text + a `str` automaton over the raw terms). The naive pipeline does far "
           "less (no normalisation, no disguises, no context rules, no offsets into the original), so the ratio "
           "is a floor on what the extra work costs us, not a like-for-like race. Both pipelines first scan 2,000 other "
           "listings from the same generator (steady state: jieba's dictionary, our per-character table and "
           "segmentation cache are filled). The two then take turns on 5,000-listing slices, so that this "
           "machine's drift in speed (tens of percent over seconds) hits both: timed one after the other, the "
           "ratio moved between 7.9x and 10.6x over four runs of the same code. Taking turns, most slices of a "
           "run agree within about 1x, but a slow spell inside one slice still shows, so the spread per slice "
           "is given below the table. The catalogue draws its "
           "sentences from small pools, so our segmentation cache hits more often than on real copy.", "", HEAD]
    build = d.get("build")
    if build:
        python = [name for name, on in build["twins"].items() if not on]
        python += [f"{name}.py" for name, how in build["glue"].items() if how != "compiled"]
        out[-1:-1] = ["Build: " + ("every compiled module in use (the three twins, and the glue compiled from "
                                   f"{', '.join(n + '.py' for n in build['glue'])})." if not python else
                                   f"**running as Python: {', '.join(python)}** (not the shipped build)."), ""]
    for m in d.get("matching", []):
        label = f"{m['dictionary']} ({m['keys']:,} keys)"
        out.append(row(f"matching, {label}: vs pyahocorasick over `str`",
                       fmt(m["ours_chars_per_s"], 1, " chars/s"), fmt(m["str_automaton_chars_per_s"], 1, " chars/s"),
                       m["ratio_vs_str_automaton"]))
        out.append(row(f"matching, {label}: vs one `re` alternation",
                       fmt(m["ours_chars_per_s"], 1, " chars/s"), fmt(m["re_alternation_chars_per_s"], 2, " chars/s"),
                       m["ratio_vs_re"]))
    s = d.get("scans")
    if s:
        out.append(row(f"full scans, {s['listings']:,} listings: listings/s, 1 core",
                       fmt(s["ours_listings_per_s"], 0), fmt(s["naive_listings_per_s"], 0), s["ratio_vs_naive"],
                       "≥ 10× naive", s["ratio_vs_naive"] >= 10))
        out.append(row("full scans: chars/s per core, end to end", fmt(s["ours_chars_per_s"], 2, " chars/s"),
                       fmt(s["naive_chars_per_s"], 2, " chars/s"), s["ratio_vs_naive"], "≥ 5 M chars/s",
                       s["ours_chars_per_s"] >= 5e6))
        if "chunk_ratio_median" in s:
            out += ["", f"The ratio per {s['chunk']:,}-listing turn: min {s['chunk_ratio_min']:.1f}×, median "
                        f"{s['chunk_ratio_median']:.1f}×, max {s['chunk_ratio_max']:.1f}×."]
    st = d.get("stages")
    if st:
        out += ["", f"Where a scan's time goes (µs per listing on one core, best of 3 over the first 5,000 catalogue "
                    f"listings; {st['flagged_share']:.0%} of them are flagged). The whole scan also builds the result "
                    "(versions, score, decision).", "",
                "| listings | parse | normalise | match + detectors | verify in context | whole scan |",
                "|---|---|---|---|---|---|"]
        for name in ("clean", "flagged"):
            if name in st:
                t = st[name]
                out.append(f"| {name} ({t['listings']:,}) | {t['parse_us']:.1f} | {t['normalise_us']:.1f} "
                           f"| {t['match_us']:.1f} | {t['verify_us']:.1f} | {t['whole_scan_us']:.1f} |")
    load_s = d.get("engine_load_s")
    if load_s:
        out += ["", f"Engine build: bundled {load_s['bundled']:.2f} s, with the extra terms "
                    f"{load_s['with_extra_terms']:.2f} s."]
    return out


def images_section(d: dict | None, bk: dict | None) -> list[str]:
    out = ["## Images: hashing and gallery search (`bench/bench_images.py`, `bench/bench_bktree.py`)", "", HEAD]
    if d and "hashing" in d:
        h = d["hashing"]
        out.append(row(f"hashing ms/image, {h['images']} JPEGs 600–4000 px (ours: draft decode + all query views) "
                       "vs `imagehash.phash(Image.open(...))`", f"{h['ours_ms']:.1f} ms",
                       f"{h['plain_phash_ms']:.1f} ms", h["ratio"], "≥ 3×", h["ratio"] >= 3))
    bk_rows = {r["entries"]: r for r in (bk or {}).get("search", [])}
    for r in (d or {}).get("search", []):
        n = r["entries"]
        out.append(row(f"search ms/query, {n:,} entries: vs brute force in Python (timed on 2,000, scaled)",
                       f"{r['index_ms']:.2f} ms", f"{r['python_brute_force_ms']:,.0f} ms",
                       r["python_brute_force_ms"] / r["index_ms"]))
        b = bk_rows.get(n)
        if b:
            note = f" (1 tree built, queried {bk.get('pairs_per_query', 16)}×)" if b["emulated"] else ""
            out.append(row(f"search ms/query, {n:,} entries: vs BK-tree over phash64{note}",
                           f"{b['index_ms']:.2f} ms", f"{b['bktree_ms']:,.1f} ms", b["ratio_vs_bktree"]))
    for n, b in bk_rows.items():
        if not any(r["entries"] == n for r in (d or {}).get("search", [])):
            out.append(row(f"search ms/query, {n:,} entries: vs BK-tree over phash64",
                           f"{b['index_ms']:.2f} ms", f"{b['bktree_ms']:,.1f} ms", b["ratio_vs_bktree"]))
    if bk:
        a = bk.get("agreement", {})
        out += ["", f"The BK-tree answers the same match rule (one tree per gallery view over `phash64`, radius "
                    f"{bk['thresholds']['phash64']}, candidates verified on the other hashes "
                    f"({', '.join(h for h in bk['thresholds'] if h != 'phash64')}) with the index's own distance); checked equal to "
                    f"`HashIndex` and the brute-force oracle on {a.get('queries')} queries "
                    f"({a.get('hits')} hits) over {a.get('entries'):,} entries. Hashes are uniformly random — the "
                    f"worst case for a metric tree at radius {bk['thresholds']['phash64']} of 64 bits, which ends up visiting most nodes."]
        sizes = ", ".join(f"{r['entries']:,}: {r['bktree_queries']} queries" for r in bk.get("search", []))
        out.append(f"BK-tree queries timed per size (time-boxed): {sizes}.")
    if d and d.get("search"):
        out.append(f"Index memory: {d['search'][0]['bytes_per_entry']:.0f} bytes per entry.")
    return out


def index_section(d: dict) -> list[str]:
    out = ["## Images: the gallery index (`bench/bench_index.py`)", "",
           "Ours (`HashIndex`: exact multi-index hashing on phash64, verify records in a mapped file) beside today's "
           "numpy scan of every phash64 column (the index before #17, full search) and faiss `IndexBinaryFlat` "
           "(range search at the same radius, one thread; the prefilter stage only, so it is compared with our "
           "prefilter). Same synthetic gallery (uniformly random hashes, all 17 views) and the same queries (half "
           "random, half near-duplicates of an entry) in the same process; every query's answers were checked "
           "equal (ours = scan; our prefilter = faiss). ms/query: wall (CPU of the thread) — the machine is "
           "shared, so the CPU figure and the ratios are the steadier ones; ratios are of CPU time.", "", HEAD]
    if d.get("faiss") is None:
        out.insert(-1, "faiss was not installed for this run: its rows are missing.\n")
    for r in d.get("search", []) + ([d["sim10m"]] if d.get("sim10m") else []):
        n, tm = r["entries"], r["times"]
        sim = " (simulated)" if r is d.get("sim10m") else ""

        def ms(k: str) -> str:
            return f"{tm[k]['wall_ms']:.2f} ms ({tm[k]['cpu_ms']:.2f})"

        # the #17 targets are set at 1 M entries; the ms target is judged on CPU time (shared machine)
        at_target = n == 1_000_000 and not sim
        met = tm["ours"]["cpu_ms"] <= 5 if at_target else None
        target = "≤ 5 ms (CPU) at 1 M" if at_target else "—"
        if "scan" in tm:
            out.append(row(f"search ms/query, {n:,} entries{sim}: vs numpy scan (today's index)", ms("ours"),
                           ms("scan"), r["ratio_scan"]["cpu_ms"], target, met))
        else:
            out.append(row(f"search ms/query, {n:,} entries{sim}", ms("ours"), "—", None, target, met))
        if at_target:
            out.append(row(f"search ms/query, {n:,} entries, wall time (load average in the note below)",
                           f"{tm['ours']['wall_ms']:.2f} ms", f"{tm['scan']['wall_ms']:.2f} ms" if "scan" in tm else "—",
                           tm["scan"]["wall_ms"] / tm["ours"]["wall_ms"] if "scan" in tm else None,
                           "≤ 5 ms at 1 M", tm["ours"]["wall_ms"] <= 5))
        if "faiss_prefilter" in tm:
            out.append(row(f"prefilter ms/query, {n:,} entries: vs faiss IndexBinaryFlat", ms("ours_prefilter"),
                           ms("faiss_prefilter"), r["ratio_faiss_prefilter"]["cpu_ms"]))
        ram = r["ram_bytes_per_entry"]
        out.append(row(f"RAM bytes per entry, {n:,} entries (+ {r['mapped_bytes_per_entry']:,.0f} in the mapped file)",
                       f"{ram:,.0f}", f"{r['scan_bytes_per_entry']:,.0f}" if "scan_bytes_per_entry" in r else "—",
                       r["scan_bytes_per_entry"] / ram if "scan_bytes_per_entry" in r else None,
                       "≤ 1,024 at 1 M" if at_target else "—", ram <= 1024 if at_target else None))
    ld = d.get("load")
    if ld:
        out.append(row(f"gallery load s, {ld['entries']:,} entries from SQLite (`GallerySnapshot.from_store`)",
                       f"{ld['load_s']:.1f} s ({ld['load_cpu_s']:.1f} CPU)", "—", None,
                       "≤ 10 s at 1 M" if ld["entries"] == 1_000_000 else "—",
                       ld["load_s"] <= 10 if ld["entries"] == 1_000_000 else None))
    out += ["", f"Load average at start {[round(x, 2) for x in d.get('load_average_start', [])]}, at end "
                f"{[round(x, 2) for x in d.get('load_average_end', [])]}; compiled probe: {d.get('compiled_probe')}."]
    return out


def service_section(d: dict) -> list[str]:
    out = ["## HTTP service under load (`bench/bench_service.py`)", "",
           "A real `scanner serve` on loopback, auth and request logging on, client in a separate process on the "
           "same cores. No comparison is set for the service: the table shows its own figures (closed loop = max "
           "throughput; fixed = open-loop at a set rate, latency from the due time, so queueing counts).", ""]
    srv = d.get("server", {})
    if srv:
        out.append(f"Server: {srv.get('workers')} workers, spawn→ready {srv.get('spawn_to_ready_s')} s, "
                   f"RSS MB by pid {srv.get('rss_mb')}.")
        out.append("")
    out += ["| listings | mode | target req/s | achieved req/s | p50 ms | p99 ms | non-200 | server cores |",
            "|---|---|---|---|---|---|---|---|"]
    for name, runs in d.get("runs", {}).items():
        for r in runs:
            non200 = sum(v for k, v in r["statuses"].items() if int(k) != 200)
            target = "max" if r["mode"] == "max" else f"{r['target_rps']:.0f}"
            achieved = r.get("rps") or r.get("achieved_rps")
            out.append(f"| {name} | {r['mode']} | {target} | {achieved:.0f} | {r['p50_ms']} | {r['p99_ms']} | "
                       f"{non200} | {r.get('server_cores')} |")
    return out


def batch_section(d: dict) -> list[str]:
    res = d["results"]
    b, n, p = res["batch"], res["naive"], res.get("per-row")
    out = ["## Batch (`bench/bench_batch.py`)", "", f"{d['rows']:,} listings, {d['workers']} workers.", "", HEAD]
    rate_1m = 1e6 / b["rows_per_s"] / 60
    out.append(row("rows/s: `scanner batch` vs the same engine in one process", fmt(b["rows_per_s"], 0),
                   fmt(n["rows_per_s"], 0), b["rows_per_s"] / n["rows_per_s"]))
    if p:
        out.append(row("rows/s: vs a fresh engine per listing", fmt(b["rows_per_s"], 0), fmt(p["rows_per_s"], 2),
                       b["rows_per_s"] / p["rows_per_s"]))
    out.append(row("1,000,000 listings at the batch rate", f"{rate_1m:.1f} min", "—", None, "≤ 5 min (≥ 3,300 rows/s)",
                   b["rows_per_s"] >= 3300))
    q = res.get("batch@1/4")
    if q:
        out.append(row("peak RSS of the largest worker: all rows vs a quarter of them (must not grow)",
                       f"{b['peak_rss_worker_mb']:.0f} MB", f"{q['peak_rss_worker_mb']:.0f} MB",
                       b["peak_rss_worker_mb"] / max(q["peak_rss_worker_mb"], 1)))
    return out


def memory_section(d: dict) -> list[str]:
    out = ["## Memory of `scanner serve` (`bench/bench_memory.py`)", "",
           "One worker; VmRSS from /proc after /readyz and after 200 warm-up scans; peak = VmHWM (start-up).", "",
           "| configuration | ready s | RSS at ready MB | RSS warm MB | peak RSS MB | Δ warm vs bundled MB |",
           "|---|---|---|---|---|---|"]
    for r in d.get("runs", []):
        if "error" in r:
            out.append(f"| {r['config']} | failed: {r['error'][:300]} | | | | |")
        else:
            out.append(f"| {r['config']} | {r['ready_s']} | {r['rss_ready_mb']} | {r['rss_warm_mb']} | "
                       f"{r['peak_rss_mb']} | {r.get('delta_vs_bundled_mb', '')} |")
    g = d.get("gallery_build")
    if g:
        out += ["", f"Synthetic gallery: {g['entries']:,} entries written in bulk in {g['build_s']} s, "
                    f"database {g['db_mb']:,} MB."]
    return out


def adversarial_section(d: dict) -> list[str]:
    small, big = d["sizes"]
    out = ["## Hostile fields (`bench/bench_adversarial.py`)", "",
           "The inputs of issue #13 that were super-linear, one field each. *stage* is the stage they attacked "
           f"(`detect`: every detector; `normalise`: the normaliser in use), timed at {small:,} and {big:,} "
           "characters, best of a few runs; linear grows about 10× for 10× the input "
           "(tests/text/test_linear_time.py fails above 15×). *scan* is a whole `Scanner.scan` of a listing "
           f"with the {big:,}-character field. *before* is the same stage as it was (detectors.py at "
           f"{d.get('old_commit', 'the old commit')}, loaded from git) at the size given, since at {big:,} it ran "
           "for minutes; for the normaliser it is the Python reference twin, which was never quadratic.", "",
           f"| input | stage | {small:,} chars | {big:,} chars | growth | scan, {big:,} chars | before | ours, same size |",
           "|---|---|---|---|---|---|---|---|"]
    for r in d.get("families", []):
        before = (f"{r['naive_s'] * 1000:,.0f} ms at {r['naive_chars']:,} ({r['naive']})" if "naive_s" in r else "—")
        same = f"{r['ours_at_naive_size_s'] * 1000:.2f} ms" if "ours_at_naive_size_s" in r else "—"
        out.append(f"| `{r['family']}` | {r['stage']} | {r['t_small_s'] * 1000:.2f} ms | {r['t_big_s'] * 1000:.2f} ms "
                   f"| {r['ratio']:.1f}× | {r['scan_big_s'] * 1000:,.0f} ms | {before} | {same} |")
    return out


def ocr_section(d: dict) -> list[str]:
    out = ["## OCR of listing images (`bench/bench_ocr.py`)", "",
           "CPU ms per image (process time, one intra-op thread; the median over the generated evaluation images "
           "of `tools/ocr_eval.py`, JPEG q90, fastest of the rounds) for `OcrReader` without its cache: decode, "
           "downscale, CLAHE, detect, recognise. Comparison: RapidOCR with its default settings on the same "
           "bytes (its detector scales the short side up to 736 px; all cores). The rescan row is a listing "
           "(title + one image) with every image's text in the OCR cache, beside the same listing with OCR off "
           "(both without a gallery).", "", HEAD]
    targets = {"400": 150, "800": 500}
    for side, r in d["sizes"].items():
        out.append(row(f"OCR, {side} px image ({r['images']} images), CPU ms", fmt(r["ours_cpu_ms"]),
                       f"{fmt(r['default_cpu_ms'])} (RapidOCR defaults)", r["default_cpu_ms"] / r["ours_cpu_ms"],
                       f"≤ {targets[side]} ms", r["ours_cpu_ms"] <= targets[side]))
    warm, text_only = d["warm_rescan_ms_per_listing"], d["text_only_ms_per_listing"]
    out.append(row("rescan with a warm OCR cache, ms per listing", fmt(warm, 3), f"{fmt(text_only, 3)} (OCR off)",
                   text_only / warm, "≤ 2× OCR off", warm <= 2 * text_only))
    g = d.get("with_gallery")
    if g:
        out.append(row("the same rescan with the bundled gallery on both sides, ms per listing",
                       fmt(g["warm_rescan_ms_per_listing"], 3), f"{fmt(g['text_only_ms_per_listing'], 3)} (OCR off)",
                       g["text_only_ms_per_listing"] / g["warm_rescan_ms_per_listing"], "≤ 2× OCR off",
                       g["warm_rescan_ms_per_listing"] <= 2 * g["text_only_ms_per_listing"]))
    out.append(row("OCR engine cold start (3 ONNX models), ms", fmt(d["cold_start_ms"], 0), "—", None))
    per_s = d.get("images_per_s_800")
    if per_s:  # results written before the throughput figure have none
        many = max(per_s, key=lambda k: int(k.split("_")[1]))
        out.append(row(f"images/s at 800 px, {many.split('_')[1]} worker processes", fmt(per_s[many], 2),
                       f"{fmt(per_s['workers_1'], 2)} (one worker)", per_s[many] / per_s["workers_1"]))
    return out


def ocr_gate_section(d: dict) -> list[str]:
    from bench_ocr_gate import markdown

    return ["## The \"has text?\" gate before OCR (`bench/bench_ocr_gate.py`)", "",
            "Every evaluation image read with the gate on and off in one process (CPU medians, thread time): "
            "images gated, images gated although the full read found text, CPU saved per gated image and added "
            "per image let through. Recall is `python -m tools.ocr_eval` against `--no-gate`.", "",
            markdown(d["summary"])]


def ocr_service_section(d: dict) -> list[str]:
    from bench_ocr_service import markdown

    return ["## Text-only latency while OCR image scans run (`bench/bench_ocr_service.py`)", "",
            f"A real `scanner serve` (one worker) per arrangement; text-only p50/p99 of 2 clients alone and with "
            f"{d['image_clients']} clients sending new 800 px images with OCR on, same server and run "
            f"({d['duration_s']:g} s each; {d['busy_backoff_s']:g} s back-off after `ocr_busy`).", "",
            markdown(d)]


def report_section(d: dict) -> list[str]:
    out = ["## The batch report's listing table (`bench/bench_report.py`)", "",
           f"Reading a results file into the report's table (the {d['per_decision']:,} highest-scoring listings of "
           "each decision, one streaming pass with a bounded heap) beside reading every row into a list and sorting "
           "it. Both pick the same rows (checked in the run). Peak RSS growth is read from the process's high-water "
           "mark, so 0 means the step stayed under an earlier peak.", "", HEAD]
    for r in d["sizes"]:
        out.append(row(f"{r['rows']:,} result rows, s (HTML {r['html_kb']} KB; peak RSS +{r['ours_peak_rss_growth_mb']} "
                       f"MB vs +{r['naive_peak_rss_growth_mb']} MB)", fmt(r["ours_s"], 2), f"{fmt(r['naive_s'], 2)} (read all, sort)",
                       r["ratio"], "bounded memory and HTML", None))
    return out


def cli_section(d: dict) -> list[str]:
    out = ["## `scanner check` (`bench/bench_cli.py`)", "",
           f"Wall time of one `scanner check` process (spawn to exit; issue #18's example with `--json` and the default gallery), "
           f"median of {d['runs']} runs each, the two variants alternating: the text engine read from the user "
           "cache (scanner/text/engine_cache.py) beside `--no-engine-cache`, which builds it from the word lists "
           "as before. The outputs are compared in the run and equal. The first run after the word lists or the "
           f"code change builds and writes the cache: {d['first_run_s']:.2f} s. Load average at the end "
           f"{d['loadavg']}.", "", HEAD]
    out.append(row("`scanner check`, median wall time, s", fmt(d["cached_median_s"], 2),
                   f"{fmt(d['full_median_s'], 2)} (full build)", d["ratio"], "≤ 1 s", d["cached_median_s"] <= 1.0))
    out.append(row("`scanner check`, median CPU time (user + system), s", fmt(d["cached_cpu_median_s"], 2),
                   f"{fmt(d['full_cpu_median_s'], 2)} (full build)", d["full_cpu_median_s"] / d["cached_cpu_median_s"]))
    return out


def write_doc(path: Path, info: dict, statuses: list[dict], quick: bool) -> None:
    lines = ["# Benchmarks", "",
             "Every figure beside its comparison, measured in the same run by `python bench/run_all.py"
             f"{' --quick' if quick else ''}` (each benchmark a subprocess; raw JSON in `bench/results/`, "
             "not committed). Ratios are comparison time ÷ our time (higher is better for us).", "",
             f"* date: {info['date']}; commit {info['commit']}",
             f"* machine: {info['cores']} cores ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']}, "
             f"{info['platform']}",
             f"* load average at start {info['loadavg_at_start']}, at end {info.get('loadavg_at_end')}. "
             "The machine is shared with other engineers' test runs; single-run timings can be off by 10–30 %.",
             f"* sizes: {'QUICK (small sizes: machinery check, not the published numbers)' if quick else 'full'} — "
             + "; ".join(f"{s['bench']} `{' '.join(s['args']) or '(defaults)'}`" for s in statuses), ""]
    sections = [("text", text_section), ("index", index_section), ("service", service_section), ("batch", batch_section),
                ("memory", memory_section), ("adversarial", adversarial_section), ("ocr", ocr_section),
                ("ocr_gate", ocr_gate_section), ("ocr_service", ocr_service_section),
                ("report", report_section), ("cli", cli_section)]
    data = {s["bench"]: load(s["bench"]) for s in statuses}
    if data.get("images") or data.get("bktree"):
        lines += images_section(data.get("images"), data.get("bktree")) + [""]
    for name, fn in sections:
        if data.get(name):
            try:
                lines += fn(data[name]) + [""]
            except (KeyError, TypeError, ZeroDivisionError) as exc:
                lines += [f"## {name}", "", f"(result file present but not summarised: {type(exc).__name__}: {exc})", ""]
    targets = [ln for ln in lines if ln.endswith(("| **yes** |", "| **no** |"))]
    if targets:
        head = next(i for i, ln in enumerate(lines) if ln.startswith("* sizes")) + 2  # after the machine facts
        summary = ["## Targets", "", "The issue's targets, collected from the tables below.", "", HEAD, *targets, "",
                   "Missed targets are reported as measured, not tuned away. Timings come from a 2-core machine "
                   "shared with other engineers' test runs (see the load averages), so single figures can move "
                   "by 10–30 % between runs; ratios measured in the same process are steadier than absolute rates.",
                   ""]
        lines[head:head] = summary
    lines += ["## Runs", "", "| benchmark | exit | seconds | result |", "|---|---|---|---|"]
    for s in statuses:
        lines.append(f"| {s['bench']} | {s['exit']} | {s['seconds']} | "
                     f"{'ok' if s['ok'] else 'FAILED: ' + s.get('stderr_tail', '')[-300:].replace(chr(10), ' ').replace('|', '/')} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    ap.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)}")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per benchmark before it is killed")
    ap.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    ap.add_argument("--doc-only", action="store_true", help="rewrite the document from the last results, run nothing")
    args = ap.parse_args(argv)
    if args.doc_only:
        last = json.loads((RESULTS / "run_all.json").read_text())
        write_doc(Path(args.doc), last["machine"], last["runs"], last["quick"])
        print(f"written: {args.doc}")
        return 0
    names = [n for n in BENCHES if not args.only or n in args.only.split(",")]
    RESULTS.mkdir(parents=True, exist_ok=True)
    info = machine()
    statuses = [run_one(n, args.quick, args.timeout) for n in names]
    info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    previous = RESULTS / "run_all.json"
    if args.only and previous.exists():  # keep the other benchmarks' last results in the document
        try:
            before = json.loads(previous.read_text())
        except ValueError:
            before = {}
        rerun = {s["bench"] for s in statuses}
        kept = [dict(s, rerun_at=None) for s in before.get("runs", []) if s["bench"] not in rerun]
        if kept:
            info["date"] += f" ({', '.join(sorted(rerun))}); other benchmarks {before['machine']['date']}"
            statuses = sorted(kept + statuses, key=lambda s: list(BENCHES).index(s["bench"]))
    (RESULTS / "run_all.json").write_text(json.dumps({"machine": info, "quick": args.quick, "runs": statuses}, indent=2))
    write_doc(Path(args.doc), info, statuses, args.quick)
    print(f"written: {args.doc}")
    failed = [s["bench"] for s in statuses if not s["ok"]]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
