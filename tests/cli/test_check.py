"""`scanner check`: the editor's terminal view and its --json contract output."""
import json

from scanner.cli import main


def test_check_json_prints_the_contract_result(capsys):
    code = main(["check", "高*仿耐克 运动鞋", "--description", "全网最好 加薇信", "--json", "--no-images"])
    assert code == 4  # block
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


import pytest  # noqa: E402


@pytest.mark.parametrize("argv, fail_on, status", [
    (["纯棉圆领T恤 男款 白色"], None, 0),                       # pass
    (["纯棉T恤 全网最低价"], None, 3),                          # review: an absolute claim
    (["高仿耐克 运动鞋"], None, 4),                              # block: counterfeit wording + brand
    (["纯棉T恤 全网最低价"], "block", 0),                       # review is below --fail-on block
    (["高仿耐克 运动鞋"], "block", 4),
    (["高仿耐克 运动鞋"], "never", 0),
    (["纯棉圆领T恤"], "review", 0),
])
def test_exit_status_follows_the_decision_and_fail_on(argv, fail_on, status, capsys):
    extra = ["--fail-on", fail_on] if fail_on else []
    assert main(["check", *argv, "--no-images", *extra]) == status
    capsys.readouterr()


@pytest.mark.parametrize("argv, message", [
    ([], "nothing to check"),
    (["--description", ""], "nothing to check"),
    (["标题", "--image", "/no/such/photo.jpg"], "no such image file: /no/such/photo.jpg"),
])
def test_unusable_command_lines_are_usage_errors(argv, message, capsys):
    assert main(["check", *argv, "--no-images"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "PASS" not in captured.out


def test_an_unknown_fail_on_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "x", "--fail-on", "sometimes"])
    assert exc.value.code == 2
    capsys.readouterr()


def test_versions_and_image_distances_read_as_words_not_python_reprs(capsys):
    from pathlib import Path

    image = Path(__file__).resolve().parents[2] / "fixtures" / "images" / "match_sneaker_banner.jpg"
    status = main(["check", "运动鞋", "--image", str(image)])
    out = capsys.readouterr().out
    assert status == 4, out  # a gallery match blocks
    assert "{" not in out and "}" not in out, out
    assert "versions: wordlists sha256:" in out
    assert "images:" in out and "[1] images[0] counterfeit_image: gallery entry" in out
    assert "suggested copy" not in out.split("images:")[1]


@pytest.mark.parametrize("lang,why", [
    (None, "why: counterfeit wording '高仿'"),
    ("en", "why: counterfeit wording '高仿'"),
    ("zh", "why: 假冒用语“高仿”"),
])
def test_lang_chooses_the_explanations_language(lang, why, capsys):
    argv = ["check", "高*仿耐克 运动鞋", "--no-images"] + (["--lang", lang] if lang else [])
    assert main(argv) == 4
    out = capsys.readouterr().out
    assert why in out, out


def test_an_unknown_lang_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "x", "--lang", "fr"])
    assert exc.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_check_ocr_shows_what_an_image_reads_and_where(tmp_path, capsys, monkeypatch):
    from scanner.images import ocr
    from tests.images.test_ocr import FONT, WECHAT, drawn

    if not ocr.available() or not __import__("os").path.exists(FONT):
        pytest.skip("needs the `ocr` extra and fonts-wqy-microhei")
    monkeypatch.setenv("SCANNER_OCR_CACHE", str(tmp_path / "ocr.sqlite3"))
    image = tmp_path / "banner.jpg"
    image.write_bytes(drawn(WECHAT)[0])
    assert main(["check", "纯棉T恤", "--image", str(image), "--no-images", "--ocr"]) == 3  # review: diversion
    out = capsys.readouterr().out
    assert "images[0] reads: '加微信kaez299656看实拍'" in out
    assert "[1] images[0] diversion '加微信' → '加微信' (high, review) at [" in out
    assert main(["check", "纯棉T恤", "--image", str(image), "--no-images"]) == 0  # off unless asked


ORDER_NOTE = "备注：收货人 王建国 13912345678 杭州市西湖区文三路100号 请尽快发货"


@pytest.mark.parametrize("argv,shown,hidden", [
    # --mask: the copy is printed masked, so no one reading the terminal (or its log) sees the number
    (["--mask"], "收货人 王** 139****5678", ["13912345678", "王建国"]),
    # without it the editor sees their own copy as written (the finding's text is masked either way)
    ([], "收货人 王建国 13912345678", []),
])
def test_mask_prints_the_copy_with_personal_data_masked(argv, shown, hidden, capsys):
    assert main(["check", ORDER_NOTE, "--no-images"] + argv) == 3  # review
    out = capsys.readouterr().out
    assert shown in out, out
    for secret in hidden:
        assert secret not in out, out


def test_mask_adds_the_masked_copy_to_json(capsys):
    main(["check", ORDER_NOTE, "--no-images", "--mask", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["masked"]["title"].startswith("备注：收货人 王** 139****5678")
    assert len(result["masked"]["title"]) == len(ORDER_NOTE)  # same length: offsets still hold


# --policy (#20): the listing the profiles disagree on (tests/api/test_api_policy_profiles.py CLAIM), by hand:
# an absolute efficacy claim is review by default, blocks for cosmetics, passes for a personal resale.
CLAIM = "最有效的保湿面霜 50ml"


@pytest.mark.parametrize("policy, decision, status", [
    (None, "review", 3),
    ("default", "review", 3),
    ("cosmetics", "block", 4),
    ("secondhand", "pass", 0),
])
def test_check_policy_decides_and_is_named(policy, decision, status, capsys):
    extra = ["--policy", policy] if policy else []
    assert main(["check", CLAIM, "--json", "--no-images", *extra]) == status
    result = json.loads(capsys.readouterr().out)
    assert result["decision"] == decision and result["versions"]["policy"]["name"] == (policy or "default")


def test_check_policy_flag_wins_over_the_files_own(tmp_path, capsys):
    path = tmp_path / "listing.json"
    path.write_text(json.dumps({"title": CLAIM, "options": {"policy": "secondhand"}}, ensure_ascii=False), "utf-8")
    assert main(["check", "--file", str(path), "--json", "--no-images"]) == 0  # the file's own: secondhand
    assert json.loads(capsys.readouterr().out)["versions"]["policy"]["name"] == "secondhand"
    assert main(["check", "--file", str(path), "--json", "--no-images", "--policy", "cosmetics"]) == 4
    assert json.loads(capsys.readouterr().out)["versions"]["policy"]["name"] == "cosmetics"


def test_check_human_output_names_the_profile(capsys):
    main(["check", CLAIM, "--no-images", "--policy", "cosmetics"])
    assert "policy cosmetics sha256:" in capsys.readouterr().out


@pytest.mark.parametrize("policy, message", [
    ("cosmetic", "--policy 'cosmetic': no such profile in the word lists (known: cosmetics, default, medicine, secondhand)"),
    ("Cosmetics", "--policy 'Cosmetics': a profile name is lower-case letters"),
    ("x" * 41, "a profile name is lower-case letters, digits and '-' (at most 40)"),
])
def test_check_unknown_or_malformed_policy_is_a_usage_error(policy, message, capsys):
    assert main(["check", CLAIM, "--json", "--no-images", "--policy", policy]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
