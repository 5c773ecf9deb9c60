"""tools.rewrite_eval: its fluency checks on hand-written bad and good copy, and the sets' shares."""
from __future__ import annotations

import pytest

from tools.rewrite_eval import DEFAULT_SET, check, run

ORIGINAL = {"title": "顶级品质 面膜 史上最强补水", "description": "好评返现5元，加VX: abc123 领券，全网最低价"}

# suggested fields, product words, the checks that must fail (written by hand: what an editor would object to)
CASES = [
    ({"title": "高品质 面膜 强劲补水", "description": "优惠价"}, ["面膜"], set()),
    ({"title": "高品质品质 面膜 强劲补水"}, ["面膜"], {"doubled"}),
    ({"description": "5元，加 领券，优惠价"}, [], {"dangling"}),
    ({"description": "优惠价，，"}, [], {"punct"}),
    ({"description": "，优惠价"}, [], {"punct"}),
    ({"description": ""}, [], {"empty"}),
    ({"title": "高品质 强劲补水"}, ["面膜"], {"product"}),
]


@pytest.mark.parametrize("suggested, product, failing", CASES)
def test_checks(suggested, product, failing):
    assert set(check(ORIGINAL, suggested, product)) == failing


def test_english_checks():
    original = {"description": "The best mat on the market, extra thick. Contact me on WhatsApp +1 555 123 4567 for bulk orders."}
    assert set(check(original, {"description": "Extra thick."}, [])) == set()
    assert set(check(original, {"description": "extra thick."}, [])) == {"case"}
    assert set(check(original, {"description": "Extra thick. Contact me on for bulk orders."}, [])) == {"dangling"}


def test_the_references_pass_and_the_suggestions_meet_the_target():
    assert run(DEFAULT_SET, "reference")["share"] == 1.0
    assert run(DEFAULT_SET, "suggest")["share"] >= 0.9
    later = DEFAULT_SET.with_name("rewrites2.jsonl")
    assert run(later, "reference")["share"] == 1.0
    assert run(later, "suggest")["share"] >= 0.9
