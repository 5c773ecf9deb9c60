"""Reload under concurrent scanning: no failed request, no mixed versions.

Scanning threads hammer /v1/scan and /v1/scan/batch while another thread rewrites a tmp
copy of the word lists (adding/removing one counterfeit term) and calls
POST /v1/admin/reload. Every result must name one of the two known versions, and its
findings must agree with that version (the term is found iff the version has it).
"""
from __future__ import annotations

import shutil
import threading

import pytest

from tests.api.conftest import ADMIN_KEY, SCAN_KEY, assert_error

TERM = "zqxreplica"
LISTING = {"title": f"{TERM} 运动鞋", "description": "透气网布"}
ROW = f"{TERM}\tcounterfeit\thigh\t-\t\t\treload test term\n"


def test_reload_during_concurrent_scans(make_client, tmp_path):
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    terms = wl / "terms" / "counterfeit.tsv"
    original = terms.read_text("utf-8")
    with_term = original + ("" if original.endswith("\n") else "\n") + ROW
    version_without = TextEngine.load(wl).version
    terms.write_text(with_term, "utf-8")
    version_with = TextEngine.load(wl).version
    terms.write_text(original, "utf-8")
    assert version_with != version_without
    has_term = {version_without: False, version_with: True}

    client = make_client(keys=True, wordlists=wl, scanner=None, threadpool_size=8)
    client.app.state.scanner = Scanner(TextEngine.load(wl), None, client.app.state.settings)

    done = threading.Event()
    results: list[tuple[str, dict]] = []
    failures: list[str] = []
    reloads: list[dict] = []
    lock = threading.Lock()

    def scanning(batch: bool) -> None:
        while not done.is_set():
            try:
                if batch:
                    resp = client.post("/v1/scan/batch", json={"listings": [LISTING] * 5},
                                       headers={"X-API-Key": SCAN_KEY})
                else:
                    resp = client.post("/v1/scan", json=LISTING, headers={"X-API-Key": SCAN_KEY})
            except Exception as exc:  # pragma: no cover - reported below
                with lock:
                    failures.append(repr(exc))
                continue
            with lock:
                if resp.status_code != 200:
                    failures.append(f"{resp.status_code} {resp.text}")
                elif batch:
                    body = resp.json()
                    for row in body["results"]:
                        # each row also names its policy profile (#20); the data versions are the batch's
                        if {k: v for k, v in row["versions"].items() if k != "policy"} != body["versions"]:
                            failures.append(f"mixed batch: {row['versions']} vs {body['versions']}")
                        results.append(("batch", row))
                else:
                    results.append(("single", resp.json()))

    def reloading() -> None:
        try:
            for i in range(6):
                terms.write_text(with_term if i % 2 == 0 else original, "utf-8")
                resp = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
                if resp.status_code != 200:
                    failures.append(f"reload {resp.status_code} {resp.text}")
                reloads.append(resp.json())
        finally:
            done.set()

    threads = [threading.Thread(target=scanning, args=(b,)) for b in (False, False, True)]
    threads.append(threading.Thread(target=reloading))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures[:5]
    assert [r["after"] for r in reloads] == [version_with, version_without] * 3
    assert all(r["changed"] for r in reloads)

    seen = set()
    for kind, row in results:
        version = row["versions"]["wordlists"]
        assert version in has_term, row["versions"]
        seen.add(version)
        found = any(f.get("term") == TERM for f in row["findings"])
        assert found is has_term[version], (kind, version, row["findings"])
        assert row["decision"] == ("block" if has_term[version] else "pass"), row
    assert seen == {version_with, version_without}
    audit = client.app.state.audit.read()
    assert [(e["before"], e["after"]) for e in audit if e["action"] == "wordlists.reload" and e["outcome"] == "ok"] == [
        (version_without, version_with), (version_with, version_without)] * 3


def test_failed_reload_keeps_serving_the_old_version(make_client, tmp_path):
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    client = make_client(keys=True, wordlists=wl, scanner=None)
    client.app.state.scanner = Scanner(TextEngine.load(wl), None, client.app.state.settings)
    version = client.get("/v1/wordlists", headers={"X-API-Key": SCAN_KEY}).json()["versions"]["wordlists"]
    (wl / "policy.toml").write_text("this is = = not toml [", "utf-8")
    resp = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "reload_failed"
    assert version in resp.json()["error"]["message"]
    after = client.post("/v1/scan", json=LISTING, headers={"X-API-Key": SCAN_KEY}).json()
    assert after["versions"]["wordlists"] == version
    entry = client.app.state.audit.read()[-1]
    assert entry["action"] == "wordlists.reload" and entry["outcome"] == "error" and entry["after"] == version


COUNTERFEIT = {"id": "fake", "title": "高仿耐克 运动鞋 莆田货"}
CLEAN = {"id": "clean", "title": "透气网布 运动鞋", "description": "舒适耐穿"}

# Issue #13, finding 4: each of these reloads was accepted (200) and put a version in force that passed
# counterfeits, blocked clean listings or answered 500. Each must now be refused, naming the file.
BROKEN_ON_DISK = [
    # what happens to the word-list directory               file the error names
    ("delete brands.tsv",               lambda wl: (wl / "brands.tsv").unlink(),                  "brands.tsv"),
    ("delete terms/counterfeit.tsv",    lambda wl: (wl / "terms" / "counterfeit.tsv").unlink(),   "terms/counterfeit.tsv"),
    ("empty the directory",             lambda wl: [shutil.rmtree(wl), wl.mkdir()],               "brands.tsv"),
    ("header-only counterfeit list",    lambda wl: (wl / "terms" / "counterfeit.tsv").write_text(
        "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n", "utf-8"),              "terms/counterfeit.tsv"),
    ('high = "x"',                      lambda wl: (wl / "policy.toml").write_text(
        '[severity_scores]\nhigh = "x"\n', "utf-8"),                                               "policy.toml"),
    ("block_score = -5",                lambda wl: (wl / "policy.toml").write_text(
        "[thresholds]\nblock_score = -5\n", "utf-8"),                                              "policy.toml"),
    ("min_finding_score = 7",           lambda wl: (wl / "policy.toml").write_text(
        "[thresholds]\nmin_finding_score = 7\n", "utf-8"),                                         "policy.toml"),
    ("high = 500",                      lambda wl: (wl / "policy.toml").write_text(
        "[severity_scores]\nhigh = 500\n", "utf-8"),                                               "policy.toml"),
]


@pytest.mark.parametrize("what, change, named", BROKEN_ON_DISK, ids=[c[0] for c in BROKEN_ON_DISK])
def test_a_broken_directory_is_refused_and_the_old_version_keeps_serving(make_client, text_engine, tmp_path,
                                                                          what, change, named):
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner

    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)  # same content: the session's engine is this directory's version
    client = make_client(keys=True, wordlists=wl, scanner=None)
    client.app.state.scanner = Scanner(text_engine, None, client.app.state.settings)
    version = text_engine.version
    change(wl)

    resp = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    body = assert_error(resp, 422, "reload_failed")
    assert f"{named}: " in body["error"]["message"] and version in body["error"]["message"], body
    assert str(tmp_path) not in body["error"]["message"]  # names the file, not where the server keeps it

    scan = {"X-API-Key": SCAN_KEY}
    fake = client.post("/v1/scan", json=COUNTERFEIT, headers=scan).json()
    clean = client.post("/v1/scan", json=CLEAN, headers=scan).json()
    assert (fake["decision"], clean["decision"]) == ("block", "pass"), (fake, clean)
    assert fake["versions"]["wordlists"] == clean["versions"]["wordlists"] == version
    assert client.app.state.audit.read()[-1]["outcome"] == "error"


def test_serve_refuses_to_start_on_an_empty_word_list_directory(tmp_path):
    import os
    import subprocess
    import sys

    empty = tmp_path / "wordlists"
    empty.mkdir()
    env = {**os.environ, "SCANNER_WORDLISTS": str(empty), "SCANNER_GALLERY": str(tmp_path / "g.sqlite3"),
           "SCANNER_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
           "SCANNER_DATABASE_URL": f"sqlite:///{tmp_path}/review.sqlite3"}
    # Port 0: on old code the server started (and this run hit the timeout instead of an exit).
    proc = subprocess.run([sys.executable, "-m", "scanner", "serve", "--port", "0"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0, proc.stderr[-2000:]
    assert "brands.tsv: missing" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
