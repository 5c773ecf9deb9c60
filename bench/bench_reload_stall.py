"""Reload stall: the longest time a word-list reload keeps a worker's other threads (its event loop) from running.

    python bench/bench_reload_stall.py [--rounds 6]

A thread that sleeps 0.2 ms in a loop (the event loop's stand-in) records every gap longer than 10 ms while the
main thread reloads the bundled word lists, the service's way (GIL switch interval 0.5 ms, the heap settled and
frozen first, as `scanner serve` does at start-up). Arrangements, alternated round by round in one process:

* `reload+freeze` (before): `reload_wordlists()` with collections on, then `settle_heap(full=False)`;
* `rebuild` (shipped): `api.runtime.rebuild(reload_wordlists)`: collections paused during the build, its objects
  frozen before they resume.

Both settle at most once a minute in full (FULL_SETTLE_EVERY_S); this bench's rounds are seconds apart, so the
once-a-minute full collection lands in the first round only, which is reported apart. Writes
bench/results/reload_stall.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "results" / "reload_stall.json"
GAP_S = 0.010


class GapRecorder:
    """A thread sleeping 0.2 ms at a time; any longer wait is time it could not get the GIL (or a core)."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.0002)
            now = time.perf_counter()
            if now - last > GAP_S:
                self.gaps.append(now - last)
            last = now

    def __enter__(self) -> "GapRecorder":
        self._thread.start()
        time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        time.sleep(0.05)  # an old engine freed after the swap counts too
        self._stop.set()
        self._thread.join()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=6)
    args = ap.parse_args(argv)

    from api import runtime
    from scanner.engine import Scanner

    sys.setswitchinterval(0.0005)  # the service's default (SCANNER_GIL_SWITCH_INTERVAL_MS)
    scanner = Scanner.from_defaults(with_images=False)
    runtime.settle_heap()

    def before() -> None:
        scanner.reload_wordlists()
        runtime.settle_heap(full=False)

    def shipped() -> None:
        runtime.rebuild(scanner.reload_wordlists)

    arrangements = {"reload+freeze": before, "rebuild": shipped}
    rows = {name: [] for name in arrangements}
    for r in range(args.rounds + 1):
        for name, reload in (arrangements.items() if r % 2 else reversed(arrangements.items())):
            runtime._last_full[0] = time.monotonic()  # no full settle inside the measured rounds
            with GapRecorder() as rec:
                t0 = time.perf_counter()
                reload()
                took = time.perf_counter() - t0
            if r:  # round 0 warms both
                rows[name].append({"longest_ms": round(max(rec.gaps, default=0) * 1000, 1),
                                   "gaps_over_10ms": len(rec.gaps),
                                   "stalled_ms": round(sum(rec.gaps) * 1000, 1), "reload_s": round(took, 3)})
    summary = {}
    for name, runs in rows.items():
        longest = [x["longest_ms"] for x in runs]
        summary[name] = {"longest_ms_median": statistics.median(longest), "longest_ms_max": max(longest),
                         "stalled_ms_median": statistics.median(x["stalled_ms"] for x in runs),
                         "reload_s_median": statistics.median(x["reload_s"] for x in runs)}
        print(f"{name:14s} longest gap per reload (ms): {longest}  median {summary[name]['longest_ms_median']}"
              f"  stalled total median {summary[name]['stalled_ms_median']} ms"
              f"  reload {summary[name]['reload_s_median']} s")
    ratio = summary["reload+freeze"]["longest_ms_median"] / max(summary["rebuild"]["longest_ms_median"], 0.1)
    print(f"longest stall, before / shipped (medians): {ratio:.2f}x")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M"), "rounds": rows, "summary": summary,
                               "ratio_longest": round(ratio, 2)}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
