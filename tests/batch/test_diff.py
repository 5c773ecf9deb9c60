"""`scanner diff`: which listings changed decision between two result files, and why."""
from __future__ import annotations

import json
import subprocess

from batch_helpers import ROOT, fake_results, scanner_cmd, subprocess_env


def test_diff_explains_decision_changes(tmp_path):
    cat = tmp_path / "c.jsonl"
    listings = [
        {"id": "a", "title": "复刻 运动鞋"},          # 复刻 newly listed as counterfeit: pass -> block
        {"id": "b", "title": "最佳 保温杯"},          # 最佳 escalated from review to block
        {"id": "c", "title": "加微信 下单"},          # 加微信 dropped from the list: review -> pass
        {"id": "d", "title": "plain mug"},           # unchanged
        {"id": "e", "title": 5},                     # error in both
    ]
    cat.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in listings), encoding="utf-8")
    old_terms = {"最佳": ["absolute_term", "review"], "加微信": ["diversion", "review"]}
    new_terms = {"最佳": ["absolute_term", "block"], "复刻": ["counterfeit", "block"]}
    old = fake_results(tmp_path, "old.jsonl", cat, old_terms)
    new = fake_results(tmp_path, "new.jsonl", cat, new_terms)

    proc = subprocess.run(scanner_cmd("diff", str(old), str(new), "--json"), cwd=ROOT, env=subprocess_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    diff = json.loads(proc.stdout)
    assert diff["totals"]["compared"] == 5 and diff["totals"]["decision_changed"] == 3
    assert diff["transitions"] == {"pass -> block": 1, "review -> block": 1, "review -> pass": 1}
    by_id = {c["id"]: c for c in diff["changes"]}
    assert set(by_id) == {"a", "b", "c"}
    assert [c["term"] for c in by_id["a"]["added"]] == ["复刻"] and by_id["a"]["new"]["decision"] == "block"
    assert by_id["b"]["effect_changed"][0] | {} == {"kind": "text", "category": "absolute_term", "term": "最佳",
                                                     "effect": "block", "old_effect": "review"}
    assert [c["term"] for c in by_id["c"]["removed"]] == ["加微信"]
    causes = {(c["change"], c["name"]) for c in diff["causes"]}
    assert causes == {("new", "复刻"), ("gone", "加微信"), ("effect changed", "最佳")}

    text = subprocess.run(scanner_cmd("diff", str(old), str(new), "--exit-code"), cwd=ROOT, env=subprocess_env(),
                          capture_output=True, text=True, timeout=60)
    assert text.returncode == 1  # decisions changed
    assert "3 of 5 listings changed decision" in text.stdout
    assert "a: pass (0) -> block (95)" in text.stdout and "+复刻 [counterfeit, block]" in text.stdout

    same = subprocess.run(scanner_cmd("diff", str(old), str(old), "--exit-code"), cwd=ROOT, env=subprocess_env(),
                          capture_output=True, text=True, timeout=60)
    assert same.returncode == 0 and "0 of 5 listings changed decision" in same.stdout


def test_diff_pairs_listings_by_id_when_order_differs(tmp_path):
    from scanner.batch.diff import diff_files

    cat = tmp_path / "c.jsonl"
    listings = [{"id": f"x{i}", "title": "复刻" if i % 3 == 0 else "mug"} for i in range(30)]
    cat.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in listings), encoding="utf-8")
    old = fake_results(tmp_path, "old.jsonl", cat, {"最佳": ["absolute_term", "review"]})
    new = fake_results(tmp_path, "new.jsonl", cat, {"复刻": ["counterfeit", "block"]})
    rows = new.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(rows[::-1][:-1]) + "\n", encoding="utf-8")  # reversed, and x0 missing
    diff = diff_files(old, shuffled)
    assert diff["totals"]["compared"] == 29 and diff["totals"]["decision_changed"] == 9
    assert diff["only_old"] == ["x0"] and diff["only_new"] == []
