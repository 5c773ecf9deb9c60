"""`scanner check`: the editor's terminal view and its --json contract output."""
import json

from scanner.cli import main


def test_check_json_prints_the_contract_result(capsys):
    code = main(["check", "高*仿耐克 运动鞋", "--description", "全网最好 加薇信", "--json", "--no-images"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["decision"] == "block"
    texts = {(f["category"], f["text"]) for f in result["findings"]}
    assert {("counterfeit", "高*仿"), ("brand", "耐克"), ("absolute_term", "最好"), ("diversion", "加薇信")} <= texts
    assert result["versions"]["wordlists"].startswith("sha256:")


def test_check_human_output_marks_findings_in_place(capsys):
    main(["check", "高*仿耐克 运动鞋", "--no-images"])
    out = capsys.readouterr().out
    assert out.startswith("BLOCK")
    assert "高*仿[1]" in out and "耐克[2]" in out  # numbered where they stand
    assert "why:" in out and "suggestion: delete" in out


def test_check_reads_a_listing_file_with_authorized_brands(tmp_path, capsys):
    path = tmp_path / "listing.json"
    path.write_text(json.dumps({"title": "Nike Air Zoom", "seller": {"authorized_brands": ["Nike"]}}), "utf-8")
    main(["check", "--file", str(path), "--json", "--no-images"])
    assert json.loads(capsys.readouterr().out)["decision"] == "pass"


def test_check_reports_an_unreadable_file(tmp_path, capsys):
    assert main(["check", "--file", str(tmp_path / "missing.json"), "--no-images"]) == 2
    assert "cannot read listing" in capsys.readouterr().err
