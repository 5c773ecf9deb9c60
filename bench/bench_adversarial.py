"""Hostile fields (issue #13): the text stages on the inputs that were super-linear.

    python bench/bench_adversarial.py [--sizes 10000,100000] [--naive-size 10000] [--json bench/results/adversarial.json]

For each hostile input family: the stage it attacked (detectors or the normaliser) at the two sizes,
the growth ratio (linear is ~10x for 10x the input), and a whole `Scanner.scan` of a listing whose
description is the 100k-character field (what one HTTP request costs). Beside it, the same stage
as it was before the fix (commit c61c887, loaded from git: detectors.py as a module, the old QQ and
spaced-link patterns as plain `re`), timed at --naive-size only, since at 100k it ran for minutes.
Best of --repeat runs each. Nothing is asserted (tests/text/test_linear_time.py asserts the ratios).
"""
from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.text import clause_model, detectors, normalize  # noqa: E402

OLD_COMMIT = "c61c887"  # the code the red team measured


def fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# name -> (stage, input of n characters); stages are "detect", "normalise", "review" (a whole review scan) or
# "clause_model" (the review model's step on the normalised text: split, score, compare; scanner/text/clause_model.py)
FAMILIES = {
    '"qq" + " "*n + "x"': ("detect", lambda n: "qq" + " " * (n - 3) + "x"),
    '"qq" + "\\t"*n + "x"': ("detect", lambda n: "qq" + "\t" * (n - 3) + "x"),
    '"www.a.com" + " "*n + "x"': ("detect", lambda n: "www.a.com" + " " * (n - 10) + "x"),
    '"a.cn "*n + "b. cn"': ("detect", lambda n: fill("a.cn ", n - 5) + "b. cn"),
    '"dm @x a@b.cn "*n': ("detect", lambda n: fill("dm @x a@b.cn ", n)),
    '"010-1234-5678 "*n': ("detect", lambda n: fill("010-1234-5678 ", n)),
    '"a@b.cn "*n': ("detect", lambda n: fill("a@b.cn ", n)),
    '"o"*n': ("normalise", lambda n: "o" * n),
    '"1o "*n': ("normalise", lambda n: fill("1o ", n)),
    '"高仿 "*n': ("normalise", lambda n: fill("高仿 ", n)),
    # reviews (#20; redteam15): İ lower-cases to two characters, so every phrase row runs case-insensitively
    'review "İ dm me "*n': ("review", lambda n: fill("İ dm me ", n)),
    'review "五星好评返5元 "*n': ("review", lambda n: fill("五星好评返5元 ", n)),
    'review "，"*n': ("review", lambda n: "明显是假的" + "，" * (n - 5)),
    'review "\\ud800明显是假的 "*n': ("review", lambda n: fill("\ud800明显是假的 ", n)),
    # 2026-12-05 (#20): the session's review rows and personal-data readings, each on its densest repeated unit
    'review "好评就送"*n': ("review", lambda n: fill("好评就送", n)),
    'review "rate 5* + "*n': ("review", lambda n: fill("rate 5* + ", n)),
    'review "搜“aa”比"*n': ("review", lambda n: fill("搜“aa”比", n)),
    'detect "4 4 0 3 0 5 - "*n': ("detect", lambda n: fill("4 4 0 3 0 5 - ", n)),
    'detect "Blk 1 Aa St 2 #0 9123 4567 "*n': ("detect", lambda n: fill("Blk 1 Aa St 2 #0 9123 4567 ", n)),
    'detect "孙伟 一三九 路六十五号 "*n': ("detect", lambda n: fill("孙伟 一三九 路六十五号 ", n)),
    # pd19 (#20): the digit reading (one run as long as the field: words, numerals, keycaps, look-alikes, spaced) and
    # the bank and ID checks
    'detect "five one two - "*n': ("detect", lambda n: fill("five one two - ", n)),
    'detect "一八九 叁贰 "*n': ("detect", lambda n: fill("一八九 叁贰 ", n)),
    'detect "3\ufe0f\u20e3 O9 ６ "*n': ("detect", lambda n: fill("3\ufe0f\u20e3 O9 ６ ", n)),
    'detect "1 2 1 "*n': ("detect", lambda n: fill("1 2 1 ", n)),
    'detect "IBAN DE89 3704 routing 011000015 sort code 40-47-84 "*n': (
        "detect", lambda n: fill("IBAN DE89 3704 routing 011000015 sort code 40-47-84 ", n)),
    # session 16 (#20): messaging ids after 是/an arrow or a symbol, the buyer's own circle and the deal around it,
    # refusals and denials between a pair's words, the paid-review phrase
    'detect "v 是 ab_12 "*n': ("detect", lambda n: fill("v 是 ab_12 ", n)),
    'detect "威❤️ ab_12 "*n': ("detect", lambda n: fill("威\u2764\ufe0f ab_12 ", n)),
    'review "to my sister on WhatsApp "*n': ("review", lambda n: fill("to my sister on WhatsApp ", n)),
    'review "专业团队，绝不刷单"*n': ("review", lambda n: fill("专业团队，绝不刷单", n)),
    'review "paid me $5 to remove this review "*n': ("review", lambda n: fill("paid me $5 to remove this review ", n)),
    # the review model (eighteenth session): one clause of n characters (its seen-table grows with it), n clauses,
    # repeated grams, astral characters
    'model "x"*n': ("clause_model", lambda n: "x" * n),
    'model "好评返现加微信"*n': ("clause_model", lambda n: fill("好评返现加微信", n)),
    'model "a，"*n': ("clause_model", lambda n: fill("a，", n)),
    'model "refund for five stars "*n': ("clause_model", lambda n: fill("refund for five stars ", n)),
    'model "\U0001F600好评"*n': ("clause_model", lambda n: fill("\U0001F600好评", n)),
}


def best(fn, arg, repeat: int) -> float:
    """Fastest of `repeat` runs, the cyclic GC paused during each (its passes swung single runs 2x)."""
    out = float("inf")
    for _ in range(repeat):
        gc.disable()
        try:
            started = time.perf_counter()
            fn(arg)
            out = min(out, time.perf_counter() - started)
        finally:
            gc.enable()
    return out


def old_detectors() -> types.ModuleType | None:
    """detectors.py as of OLD_COMMIT, as a module of its own (None outside a git checkout)."""
    try:
        source = subprocess.run(["git", "show", f"{OLD_COMMIT}:scanner/text/detectors.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("old_detectors")
    exec(compile(source, f"{OLD_COMMIT}:scanner/text/detectors.py", "exec"), module.__dict__)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--naive-size", type=int, default=10000, help="size at which the old code is timed")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "adversarial.json"))
    args = ap.parse_args()
    small, big = (int(x) for x in args.sizes.split(","))

    warnings.simplefilter("ignore")
    from scanner.engine import Scanner

    scanner = Scanner.from_defaults(with_images=False)
    old = old_detectors()
    model = clause_model.shipped()
    stages = {"detect": detectors.detect, "normalise": normalize.normalise,
              "review": lambda text: scanner.scan({"kind": "review", "id": "r", "text": text}),
              "clause_model": lambda key: model.flagged(key)}
    naive = {"detect": old.detect if old else None, "normalise": normalize.normalise_python, "review": None,
             "clause_model": model.flagged_python}
    naive_label = {"detect": f"detectors.py at {OLD_COMMIT}", "normalise": "normalise_python (reference twin)",
                   "clause_model": "flagged_python (the Python scorer)"}
    rows = []
    for name, (stage, make) in FAMILIES.items():
        if stage == "clause_model":  # the model reads the normalised text, as in a scan
            make = (lambda m: lambda n: normalize.normalise(m(n)).key)(make)
        t_small, t_big = best(stages[stage], make(small), args.repeat), best(stages[stage], make(big), args.repeat)
        scan = best(lambda text: scanner.scan({"id": "x", "description": text}), make(big), args.repeat)
        row = {"family": name, "stage": stage, "small": small, "big": big, "t_small_s": t_small, "t_big_s": t_big,
               "ratio": t_big / t_small, "scan_big_s": scan}
        if naive[stage] is not None:
            n = args.naive_size if stage == "detect" else big  # the reference twin is linear: same size
            row.update(naive=naive_label[stage], naive_chars=n, naive_s=best(naive[stage], make(n), 1),
                       ours_at_naive_size_s=best(stages[stage], make(n), args.repeat))
        rows.append(row)
        print(f"{name:28s} {stage:9s} {t_small * 1000:8.2f} ms {t_big * 1000:8.2f} ms x{row['ratio']:5.1f} "
              f"scan {scan * 1000:8.1f} ms" + (f"   naive {row['naive_s']:.3f} s at {row['naive_chars']}" if "naive_s" in row else ""),
              flush=True)
    result = {"sizes": [small, big], "repeat": args.repeat, "old_commit": OLD_COMMIT,
              "compiled": {"normalise": normalize.COMPILED, "hints": detectors.COMPILED}, "families": rows}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
