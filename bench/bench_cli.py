"""Wall time of one `scanner check` (issue #18): the cached text engine beside a full build, same run.

    python bench/bench_cli.py                 # 10 runs of each, interleaved
    python bench/bench_cli.py --runs 3 --json /tmp/cli.json

Each run is a new process (`python -m scanner check <issue #18's example> --json`: the default gallery
too, as the issue's command, in a temporary data dir seeded by the untimed first run), timed from spawn
to exit, so imports, the engine, the gallery and teardown all count. The two variants alternate run by run (the load
of a shared machine hits both alike): `--no-engine-cache` builds the text engine from the word lists as
before #18; the default reads it from a cache directory that one untimed run filled first. The outputs of
both are compared (`--json`, all but took_ms) and must be equal. Reports medians and the ratio
full ÷ cached, for wall time and for the processes' CPU time (user + system: on a shared, loaded machine
wall time is mostly waiting for a core, CPU time is what the command costs); writes bench/results/cli.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ["顶级品质 面膜 史上最强补水", "-d", "好评返现5元，加VX: abc123 领券，全网最低价"]


def run(env: dict, extra: list[str]) -> tuple[float, float, dict]:
    """(wall s, CPU s of the process: user + system, the figure a loaded machine disturbs least, its output)"""
    argv = [sys.executable, "-m", "scanner", "check", *EXAMPLE, "--json", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 3, 4):
        raise SystemExit(f"scanner check failed ({done.returncode}): {done.stderr[-2000:]}")
    out = json.loads(done.stdout)
    out.pop("took_ms", None)
    return wall, cpu, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "cli.json"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SCANNER_CACHE_DIR": str(Path(tmp) / "cache"), "XDG_DATA_HOME": str(Path(tmp) / "data"),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        for name in ("SCANNER_PURE_PYTHON", "SCANNER_GALLERY", "SCANNER_WORDLISTS", "SCANNER_CONFIG", "SCANNER_OCR"):
            env.pop(name, None)
        first, _, expected = run(env, [])  # fills the cache: the cost of the first check after an edit
        cached, full, cached_cpu, full_cpu = [], [], [], []
        for _ in range(args.runs):
            for times, cpus, extra in ((cached, cached_cpu, []), (full, full_cpu, ["--no-engine-cache"])):
                wall, cpu, out = run(env, extra)
                if out != expected:
                    raise SystemExit("outputs differ between the cached and the full build")
                times.append(wall)
                cpus.append(cpu)
    result = {
        "runs": args.runs, "example": " ".join(EXAMPLE),
        "cached_median_s": statistics.median(cached), "full_median_s": statistics.median(full),
        "cached_cpu_median_s": statistics.median(cached_cpu), "full_cpu_median_s": statistics.median(full_cpu),
        "cached_s": cached, "full_s": full, "first_run_s": first,
        "ratio": statistics.median(full) / statistics.median(cached),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))
    print("| figure | ours (cached engine) | comparison (full build) | ratio |\n|---|---|---|---|")
    print(f"| `scanner check` wall time, median of {args.runs} runs, s | {result['cached_median_s']:.2f} | "
          f"{result['full_median_s']:.2f} | {result['ratio']:.1f}× |")
    print(f"| `scanner check` CPU time (user + system), median, s | {result['cached_cpu_median_s']:.2f} | "
          f"{result['full_cpu_median_s']:.2f} | {result['full_cpu_median_s'] / result['cached_cpu_median_s']:.1f}× |")
    print(f"first run (builds and writes the cache): {first:.2f} s; load average {result['loadavg']}")


if __name__ == "__main__":
    main()
