"""Precision and recall of the personal-data recognisers (issue #20 item 2).

    PYTHONPATH=. python bench/bench_personal_data.py [--n 20000] [--presidio]

1. The table of tests/text/test_personal_data.py: recall over FOUND (exact span and recogniser),
   false positives over NOT_FOUND. The table was written with the rules, so this is in-sample.
2. Random populations of numbers that are NOT personal data, made here with a fixed seed: how
   often each is taken for an ID, a card or a passport, bare and after a neutral word. This is
   the rate at which chance alone passes the checks (the check digit, Luhn, the date).
3. With --presidio (presidio-analyzer importable): Presidio's CreditCardRecognizer on the same
   card rows and near-misses, for comparison (Presidio ships no Chinese ID, passport or address
   recogniser, so those rows have nothing to compare with).
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner.text import detectors, personal_data as pd  # noqa: E402
from tests.text.test_personal_data import FOUND, NOT_FOUND  # noqa: E402


def personal(text: str) -> list[tuple[int, int, str]]:
    return [(a, b, name) for a, b, name, category, _ in detectors.detect(text) if category == pd.CATEGORY]


def table() -> dict:
    found = sum(personal(t) == [(t.index(v), t.index(v) + len(v), n)] for t, v, n, _ in FOUND)
    false = sum(bool(personal(t)) for t in NOT_FOUND)
    return {"positives": len(FOUND), "found": found, "near_misses": len(NOT_FOUND), "flagged": false}


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _luhn_complete(body: str) -> str:
    return next(body + d for d in "0123456789" if pd.luhn(body + d))


def _ean13(body12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


POPULATIONS = {
    "order number, 18 digits (20YYMMDD…)": lambda r: "20" + f"{r.randint(19, 26):02d}{r.randint(1, 12):02d}{r.randint(1, 28):02d}" + _digits(r, 10),
    "order number, 19 digits (random)": lambda r: str(r.randint(1, 9)) + _digits(r, 18),
    "order number, 16 digits (random)": lambda r: str(r.randint(1, 9)) + _digits(r, 15),
    "18 digits, random": lambda r: str(r.randint(1, 9)) + _digits(r, 17),
    "18 digits, province + real date, random check": lambda r: "110105" + f"{r.randint(1950, 2005)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}" + _digits(r, 4),
    "IMEI (TAC 35/86, Luhn-valid)": lambda r: _luhn_complete(r.choice(["35", "86"]) + _digits(r, 12)),
    "EAN-13 (690-699 / 400-440)": lambda r: _ean13(r.choice([str(r.randint(690, 699)), str(r.randint(400, 440))]) + _digits(r, 9)),
    "16 digits starting 62, random": lambda r: "62" + _digits(r, 14),
    "15 digits, random": lambda r: str(r.randint(1, 9)) + _digits(r, 14),
    "model code E/G + 8 digits": lambda r: r.choice("EG") + _digits(r, 8),
}


def populations(n: int) -> dict:
    rng = random.Random(20)
    out = {}
    for name, make in POPULATIONS.items():
        bare = sum(bool(personal(make(rng))) for _ in range(n))
        worded = sum(bool(personal("商品编号 " + make(rng))) for _ in range(n))
        out[name] = (bare / n, worded / n)
    return out


def presidio_cards() -> dict:
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

    rec = CreditCardRecognizer()

    def flagged(text: str) -> list[tuple[int, int]]:
        return [(r.start, r.end) for r in rec.analyze(text, ["CREDIT_CARD"], None) if r.score >= 0.3]

    cards = [(t, v) for t, v, n, _ in FOUND if n == "bank_card"]
    found = sum((t.index(v), t.index(v) + len(v)) in flagged(t) for t, v in cards)
    ours = sum(any(p[2] == "bank_card" for p in personal(t)) for t in NOT_FOUND)
    theirs = sum(bool(flagged(t)) for t in NOT_FOUND)
    return {"card rows": len(cards), "presidio found": found, "near-misses flagged by presidio": theirs,
            "near-misses flagged as cards by us": ours,
            "presidio flagged": [t for t in NOT_FOUND if flagged(t)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--presidio", action="store_true")
    args = parser.parse_args()
    t = table()
    print(f"table: recall {t['found']}/{t['positives']} = {t['found'] / t['positives']:.1%}; "
          f"near-misses flagged {t['flagged']}/{t['near_misses']}; "
          f"precision {t['found'] / max(1, t['found'] + t['flagged']):.1%}")
    print(f"random populations (n={args.n} each): share flagged as personal data, bare / after 商品编号")
    for name, (bare, worded) in populations(args.n).items():
        print(f"  {name:48s} {bare:8.3%} {worded:8.3%}")
    if args.presidio:
        print("presidio CreditCardRecognizer:", presidio_cards())


if __name__ == "__main__":
    main()
