"""A word-list reload must let the old engine go (issue #13, the soak's memory): nothing a scan caches may keep
an engine of an earlier version alive. Found by the 10-minute soak of 2026-12-04 (a reload every 5 s): each
worker grew ~5 MB per reload because the per-profile versions cache held every earlier version's profiles,
and with them their engine's lists (about 19 MB per reload in one process)."""
from __future__ import annotations

import gc
import shutil
import weakref

import pytest

from scanner.config import BUNDLED_WORDLISTS, Settings
from scanner.engine import Scanner

LISTINGS = [
    ({"id": "a", "title": "高仿耐克 运动鞋 全网最低价"}, None),
    ({"id": "b", "title": "最有效的保湿面霜 50ml"}, "cosmetics"),
    ({"id": "c", "title": "闲置 九成新 单肩包"}, "secondhand"),
    ({"id": "d", "kind": "review", "text": "好评返现5元，加我微信"}, None),
]


@pytest.fixture
def reloading_scanner(tmp_path):
    wordlists = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wordlists)
    return Scanner.from_settings(Settings.model_construct(wordlists=wordlists, scan_budget_s=0.0),
                                 with_images=False)


def test_after_a_reload_no_earlier_engine_stays_alive(reloading_scanner):
    earlier = []
    for _ in range(3):
        for listing, policy in LISTINGS:
            assert reloading_scanner.scan(listing, policy=policy).decision in ("pass", "review", "block")
        engine = reloading_scanner.text_engine
        # the engine, and what its profiles hold (its verify context: word lists, segmenter, cues)
        earlier.append([weakref.ref(engine), weakref.ref(engine.verifying)]
                       + [weakref.ref(engine.profile(name)) for name in ("default", "cosmetics", "secondhand")]
                       + [weakref.ref(engine.profile(name).verifying) for name in ("cosmetics", "secondhand")])
        del engine
        reloading_scanner.reload_wordlists()
    for listing, policy in LISTINGS:  # the new engine serves, and caches what it caches
        reloading_scanner.scan(listing, policy=policy)
    gc.collect()
    assert [[ref() is None for ref in refs] for refs in earlier] == [[True] * 7] * 3
    assert reloading_scanner.text_engine is not None


def test_the_versions_a_result_carries_follow_the_reload(reloading_scanner):
    listing, policy = LISTINGS[1]
    before = reloading_scanner.scan(listing, policy=policy).versions
    (reloading_scanner.settings.wordlists / "terms" / "zz_probe.tsv").write_text(
        "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n"
        "zqxprobe\tprohibited_goods\thigh\t\t\t\ta probe row\n", encoding="utf-8")
    reloading_scanner.reload_wordlists()
    after = reloading_scanner.scan(listing, policy=policy).versions
    assert before["wordlists"] != after["wordlists"]
    assert before["policy"]["name"] == after["policy"]["name"] == "cosmetics"
    assert reloading_scanner.scan({"title": "zqxprobe"}).decision == "block"


def test_the_old_engine_goes_by_reference_counting_alone(reloading_scanner):
    """After a reload the service only freezes the new engine (api/runtime.rebuild): an engine
    part caught in a reference cycle would then stay until a full collection. The segmenter's window cache once
    held the segmenter through a bound method (its jieba dictionary, ~15 MB per reload)."""
    for listing, policy in LISTINGS:
        reloading_scanner.scan(listing, policy=policy)
    engine = reloading_scanner.text_engine
    refs = [weakref.ref(engine), weakref.ref(engine.verifying), weakref.ref(engine.segmenter),
            weakref.ref(engine.matcher), weakref.ref(engine.profile("cosmetics"))]
    del engine
    gc.collect()
    gc.disable()
    try:
        reloading_scanner.reload_wordlists()
        for listing, policy in LISTINGS:
            reloading_scanner.scan(listing, policy=policy)
        assert [ref() is None for ref in refs] == [True] * len(refs)
    finally:
        gc.enable()
