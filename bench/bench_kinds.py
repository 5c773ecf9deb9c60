"""A 200-character review costs no more than a 200-character listing description (#20).

    python bench/bench_kinds.py [--rounds 30]

The same 200-character texts (reviews as buyers write them: clean ones, counterfeit reports, incentives, contact
pushes) are scanned as `{"description": text}` and as `{"kind": "review", "text": text}` by one Scanner, in
alternating rounds in the same process, so the machine's noise falls on both alike. Prints µs per scan for each
and their ratio (review / listing), and writes bench/results/kinds.json. Nothing here is asserted.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.engine import Scanner  # noqa: E402

SENTENCES = [
    "收到了，包装完好，物流很快，第二天就到了。", "鞋码偏大半码，建议拍小一码，穿着挺舒服的。",
    "做工一般，线头有点多，和图片有色差。", "跟专柜的不一样，明显是假的，已经申请退货。",
    "卖家说晒图好评送5元红包，所以来评价一下。", "想要更便宜的私聊我，拿货价更低。",
    "Arrived quickly and fits true to size. ", "I received this free in exchange for my honest review. ",
    "Stitching is sloppy, obviously a knockoff. ", "DM me for a cheaper price on the same pair. ",
    "老板人很好，客服回复也快，会回购的。", "用了一周，效果还可以，味道有点重。",
]


CLEAN = [s for s in SENTENCES if not any(w in s for w in ("假", "红包", "私聊", "free", "knockoff", "DM"))]


def texts(n: int = 40, length: int = 200, sentences: list[str] = SENTENCES) -> list[str]:
    out = []
    for i in range(n):
        t, j = "", i
        while len(t) < length:
            t += sentences[j % len(sentences)]
            j += 5
        out.append(t[:length])
    return out


def one_round(scanner: Scanner, items: list[dict]) -> float:
    start = time.perf_counter()
    for item in items:
        scanner.scan(item)
    return (time.perf_counter() - start) / len(items) * 1e6


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    scanner = Scanner.from_defaults(with_images=False)
    from scanner import COMPILED_GLUE

    result = {"chars": 200, "rounds": args.rounds, "compiled": dict(COMPILED_GLUE)}
    print("| texts | µs as listing description | µs as review | review / listing |\n|---|---|---|---|")
    # dense: every text holds several reports, incentives and contact pushes (the worst case for the review
    # phrases); clean: buyers' ordinary reviews, as most are
    for name, corpus in (("dense", texts()), ("clean", texts(sentences=CLEAN))):
        listings = [{"id": i, "description": t} for i, t in enumerate(corpus)]
        reviews = [{"kind": "review", "id": i, "listing_id": "sku", "text": t} for i, t in enumerate(corpus)]
        for items in (listings, reviews):  # warm up both paths
            one_round(scanner, items)
        per_listing, per_review = [], []
        for r in range(args.rounds):
            first, second = (listings, reviews) if r % 2 == 0 else (reviews, listings)
            a, b = one_round(scanner, first), one_round(scanner, second)
            (per_listing if first is listings else per_review).append(a)
            (per_review if first is listings else per_listing).append(b)
        listing_us, review_us = statistics.median(per_listing), statistics.median(per_review)
        result[name] = {"texts": len(corpus), "listing_us": round(listing_us, 1), "review_us": round(review_us, 1),
                        "ratio_review_over_listing": round(review_us / listing_us, 3)}
        print(f"| {name} ({len(corpus)}) | {listing_us:.1f} | {review_us:.1f} | {review_us / listing_us:.3f} |")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "kinds.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
