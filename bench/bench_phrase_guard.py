"""The buyer phrases with and without their first-character look-ahead (scanner/text/first_chars.py), same process.

    python bench/bench_phrase_guard.py [--sizes 10000,100000] [--families 40]

For every row of scanner/text/speech.py that `guarded` changes, both compiled patterns (the row as written, and as
speech.py compiles it) run `finditer` over the same hostile texts (a sample of tests/text/test_linear_time.py's
families: repeated units, cue words before runs of blanks) at each size; CPU time of this thread, best of
`--repeat`. Prints the rows' total per size, each size's ratio (as written / guarded), the guarded total's growth
from the smallest to the largest size (linear reads ~10x for 10x), and the five slowest rows as written. Writes
bench/results/phrase_guard.json. Nothing here is asserted; the matches are compared (they must be equal).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.text import speech  # noqa: E402
from scanner.text.first_chars import guarded  # noqa: E402


def families(n: int) -> list[tuple[str, object]]:
    """A fixed sample of the linear-time test's hostile families for the buyer phrases."""
    spec = importlib.util.spec_from_file_location("linear_time", ROOT / "tests" / "text" / "test_linear_time.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    items = sorted(module.SPEECH_FAMILIES.items())
    return random.Random(1).sample(items, min(n, len(items)))


def best(rx: re.Pattern, text: str, repeat: int) -> tuple[float, list]:
    times, spans = [], []
    for _ in range(repeat):
        started = time.thread_time()
        spans = [m.span() for m in rx.finditer(text)]
        times.append(time.thread_time() - started)
    return min(times), spans


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--families", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    rows = [(i, re.compile(p.pattern), re.compile(guarded(p.pattern)))
            for i, p in enumerate(speech.PHRASES) if guarded(p.pattern) != p.pattern]
    sample = families(args.families)
    out = {"rows": len(rows), "of": len(speech.PHRASES), "families": len(sample), "sizes": {}}
    for size in sizes:
        texts = [make(size) for _, make in sample]
        plain_total = guarded_total = 0.0
        per_row = []
        for i, plain, fast in rows:
            t_plain = t_fast = 0.0
            for text in texts:
                a, spans_a = best(plain, text, args.repeat)
                b, spans_b = best(fast, text, args.repeat)
                if spans_a != spans_b:
                    raise SystemExit(f"row {i}: the guarded pattern matched differently")
                t_plain, t_fast = t_plain + a, t_fast + b
            plain_total, guarded_total = plain_total + t_plain, guarded_total + t_fast
            per_row.append({"row": i, "as_written_s": round(t_plain, 4), "guarded_s": round(t_fast, 4)})
        per_row.sort(key=lambda r: -r["as_written_s"])
        out["sizes"][size] = {"as_written_s": round(plain_total, 3), "guarded_s": round(guarded_total, 3),
                              "ratio": round(plain_total / guarded_total, 1) if guarded_total else None,
                              "slowest_as_written": per_row[:5]}
        print(f"{size:>7} chars x {len(texts)} texts, {len(rows)} rows: as written {plain_total:.2f} s, "
              f"guarded {guarded_total:.2f} s ({plain_total / guarded_total:.1f}x); slowest as written: "
              + ", ".join(f"row {r['row']} {r['as_written_s']:.2f} -> {r['guarded_s']:.3f} s" for r in per_row[:3]))
    if len(sizes) > 1:
        lo, hi = out["sizes"][sizes[0]]["guarded_s"], out["sizes"][sizes[-1]]["guarded_s"]
        out["guarded_growth"] = round(hi / lo, 1) if lo else None
        print(f"guarded total grows {out['guarded_growth']}x from {sizes[0]} to {sizes[-1]} characters")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "phrase_guard.json").write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
