"""`scanner gallery ...` in-process with a temporary gallery."""
import json

from scanner.cli import main

from tests.support import FIXTURES


def test_gallery_cli(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    g = ["--gallery", db, "gallery"]
    assert main(g + ["add", str(FIXTURES / "gallery" / "nova_sneaker.jpg"), "--brand", "Nova", "--label", "shoe",
                     "--source", "case-9"]) == 0
    assert main(g + ["add", str(FIXTURES / "gallery"), "--brand", "Mixed"]) == 0
    capsys.readouterr()
    assert main(g + ["list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["version"].startswith("sha256:") and doc["count"] == len(doc["items"]) == 4
    eid = doc["items"][0]["id"]
    assert main(g + ["show", eid]) == 0
    assert "phash" in capsys.readouterr().out
    out = str(tmp_path / "e.jsonl")
    assert main(g + ["export", out]) == 0
    assert main(g + ["remove", eid]) == 0
    assert main(g + ["remove", eid]) == 1
    assert main(g + ["show", eid]) == 1
    assert main(g + ["import", out]) == 0
    capsys.readouterr()
    assert main(g + ["list"]) == 0
    assert "4 entries" in capsys.readouterr().out


def test_cli_bad_inputs(tmp_path, capsys):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"<html>")
    db = tmp_path / "g.sqlite3"
    assert main(["--gallery", str(db), "gallery", "add", str(bad), "--brand", "X"]) == 1
    assert "image_unsupported_format" in capsys.readouterr().err
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"garbage" * 100)
    assert main(["--gallery", str(corrupt), "gallery", "list"]) == 2
    assert "not a usable SQLite database" in capsys.readouterr().err
