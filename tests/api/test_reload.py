"""Reload under concurrent scanning: no failed request, no mixed versions.

Scanning threads hammer /v1/scan and /v1/scan/batch while another thread rewrites a tmp
copy of the word lists (adding/removing one counterfeit term) and calls
POST /v1/admin/reload. Every result must name one of the two known versions, and its
findings must agree with that version (the term is found iff the version has it).
"""
from __future__ import annotations

import shutil
import threading

from tests.api.conftest import ADMIN_KEY, SCAN_KEY

TERM = "zqxreplica"
LISTING = {"title": f"{TERM} 运动鞋", "description": "透气网布"}
ROW = f"{TERM}\tcounterfeit\thigh\t-\t\t\treload test term\n"


def test_reload_during_concurrent_scans(make_client, tmp_path):
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner, TextEngine

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
                        if row["versions"] != body["versions"]:
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
    assert [(e["before"], e["after"]) for e in audit if e["action"] == "wordlists.reload"] == [
        (version_without, version_with), (version_with, version_without)] * 3


def test_failed_reload_keeps_serving_the_old_version(make_client, tmp_path):
    from scanner.config import BUNDLED_WORDLISTS
    from scanner.engine import Scanner, TextEngine

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
