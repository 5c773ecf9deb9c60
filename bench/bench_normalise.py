"""The normaliser alone: compiled (scanner/text/_normalise_c.pyx) vs the pure-Python reference.

    python bench/bench_normalise.py [--listings 5000] [--repeat 5]

µs per listing for `normalise` over every field of the first N listings of the synthetic
catalogue (bench/catalogue.py, seed 11), both implementations in the same process, best of
--repeat runs after a warm-up run (the character caches are filled then). Nothing is asserted.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalogue import CatalogueGenerator  # noqa: E402

from scanner.text import normalize  # noqa: E402
from scanner.listing import parse_listing  # noqa: E402


def best_of(fn, fields: list[str], repeat: int) -> float:
    for t in fields:  # warm-up
        fn(t)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for t in fields:
            fn(t)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listings", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    g = CatalogueGenerator(seed=11)
    listings = [g.listing(i) for i in range(args.listings)]
    fields = [text for listing in listings for _, text in parse_listing(listing).fields]
    chars = sum(map(len, fields))
    print(f"{len(listings)} listings, {len(fields) / len(listings):.2f} fields and {chars / len(listings):.0f} chars per listing")

    impls = [("python (normalise_python)", normalize.normalise_python)]
    if normalize._compiled is not None:
        impls.append(("compiled (scanner.text._normalise_c)", normalize._compiled.normalise))
    else:
        print("compiled normaliser not built: only the Python path is measured")
    print("| implementation | µs per listing | Mchars/s |\n|---|---|---|")
    for name, fn in impls:
        seconds = best_of(fn, fields, args.repeat)
        print(f"| {name} | {seconds / len(listings) * 1e6:.2f} | {chars / seconds / 1e6:.1f} |")
    print(f"normalise in use: {'compiled' if normalize.COMPILED else 'python'}")


if __name__ == "__main__":
    main()
