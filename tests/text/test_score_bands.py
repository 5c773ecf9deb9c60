"""The listing score means what the decision says (issue #18 item 2): every block scores above every
review and every review above every pass, on every fixture listing. Before this, `加 V 信 … QQ` was a
review scoring 100 while `仿真枪` blocked at 95 and a mirrored gallery image at 59."""
from __future__ import annotations

import json

import pytest

from tests.support import FIXTURES


def _fixture_listings() -> list:
    listings = []
    for path in sorted((FIXTURES / "listings").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                listings.append(json.loads(line))  # catalogue.jsonl holds malformed rows on purpose
    return listings


def _ranges(results) -> dict[str, tuple[int, int]]:
    by_decision: dict[str, list[int]] = {}
    for r in results:
        if r.decision is not None:
            by_decision.setdefault(r.decision, []).append(r.score)
    return {d: (min(s), max(s)) for d, s in by_decision.items()}


def test_every_fixture_score_orders_with_its_decision(text_scanner):
    ranges = _ranges(text_scanner.scan(x) for x in _fixture_listings())
    assert set(ranges) == {"pass", "review", "block"}, ranges  # all three decisions are exercised
    assert ranges["pass"][1] < ranges["review"][0], ranges
    assert ranges["review"][1] < ranges["block"][0], ranges


# The cases the issue named, and the edges of each band.
CASES = [
    ("diversion stacked up (was review 100)", {"title": "加 V 信 abc123 或 QQ 12345678 微信 shop888 联系"}, "review"),
    ("one prohibited word (was block 95)",     {"title": "仿真枪 玩具"},                                   "block"),
    ("one absolute claim",                     {"title": "全网最低价 纯棉T恤"},                             "review"),
    ("counterfeit and brand",                  {"title": "高仿耐克 运动鞋 A货"},                            "block"),
    ("clean copy",                             {"title": "纯棉T恤 男款 夏季"},                              "pass"),
    ("authorized brand only",                  {"title": "耐克 运动鞋", "seller": {"authorized_brands": ["耐克"]}}, "pass"),
]


@pytest.mark.parametrize("name,listing,decision", CASES, ids=[c[0] for c in CASES])
def test_named_cases_score_inside_their_band(text_scanner, name, listing, decision):
    from scanner.results import SCORE_BANDS

    r = text_scanner.scan(listing)
    low, high = SCORE_BANDS[decision]
    assert r.decision == decision and low <= r.score <= high, (r.decision, r.score)


def test_bands_tile_0_to_100_in_decision_order():
    from scanner.results import SCORE_BANDS, UNFINISHED_SCORE

    bands = [SCORE_BANDS[d] for d in ("pass", "review", "block")]
    assert bands[0][0] == 0 and bands[-1][1] == 100
    assert all(a[1] + 1 == b[0] for a, b in zip(bands, bands[1:]))
    assert UNFINISHED_SCORE == SCORE_BANDS["review"][0]  # unfinished is review: the lowest review


@pytest.mark.parametrize("decision", ["pass", "review", "block"])
def test_raw_risk_maps_monotonically_inside_its_band(decision):
    from scanner.results import SCORE_BANDS, band_score

    scores = [band_score(decision, risk / 100) for risk in range(101)]
    assert scores == sorted(scores)
    assert (scores[0], scores[-1]) == SCORE_BANDS[decision]


def test_gallery_image_matches_score_in_the_block_band(text_engine, tmp_path):
    """An image match blocks on its own (a mirrored one scored 59 before); with copy that only
    reviews beside it, the listing still scores as a block."""
    import io

    from PIL import Image, ImageOps

    from scanner.engine import Scanner
    from scanner.images import GalleryStore, ImageScanner
    from scanner.results import SCORE_BANDS
    from tests.support import b64, gallery_image_bytes

    images = ImageScanner(GalleryStore(tmp_path / "g.sqlite3"))
    images.seed_from(FIXTURES / "gallery")
    mirrored = io.BytesIO()
    ImageOps.mirror(Image.open(io.BytesIO(gallery_image_bytes(0))).convert("RGB")).save(mirrored, "PNG")
    try:
        scanner = Scanner(text_engine, images)
        for data in (gallery_image_bytes(0), mirrored.getvalue()):
            for title in ("纯棉T恤", "全网最低价 纯棉T恤"):
                r = scanner.scan({"title": title, "images": [{"data": b64(data)}]})
                assert r.decision == "block", r.findings
                assert SCORE_BANDS["block"][0] <= r.score <= 100, r.score
    finally:
        images.close()


@pytest.mark.parametrize("block_score,decision", [(101, "review"), (99, "block"), (100, "block")])
def test_block_score_reads_the_raw_risk_and_its_blocks_score_as_blocks(text_engine, block_score, decision):
    """Two diversion findings: raw risk 0.997 (as 0-100: 100). block_score compares with that raw risk,
    not with the banded score (69 as a review), and a listing it blocks scores in the block band."""
    import dataclasses

    from scanner.engine import Scanner
    from scanner.results import SCORE_BANDS
    from scanner.text.policy import Policy

    policy = Policy.from_dict({"thresholds": {"block_score": block_score}})
    engine = dataclasses.replace(text_engine, verifying=dataclasses.replace(text_engine.verifying, policy=policy))
    r = Scanner(engine).scan({"title": "加 V 信 abc123 或 QQ 12345678"})
    low, high = SCORE_BANDS[decision]
    assert r.decision == decision and low <= r.score <= high, (r.decision, r.score)
