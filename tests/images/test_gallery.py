"""Gallery: add/list/show/remove/export/import, versions, snapshots, matching, failures."""
import sqlite3
import threading
from dataclasses import fields, replace

import numpy as np
from PIL import Image

import pytest

from scanner.images import GalleryError, ImageScanner, explain, hashing, index, snapshot, verify
from tools import evalset
from scanner.images.gallery import EMPTY_VERSION, GalleryStore
from scanner.results import ImageInputError

from tests.support import FIXTURES, encode

IMG = [encode(evalset.product_image(s)) for s in (11, 12, 13)]


def test_round_trip_and_version_changes_on_every_edit(scanner, tmp_path):
    versions = [scanner.version]
    assert versions[0] == EMPTY_VERSION
    a = scanner.add([IMG[0]], brand="Nova", label="one", source="ticket-1")
    versions.append(scanner.version)
    b = scanner.add([IMG[1], IMG[2]], brand="Aero")
    versions.append(scanner.version)
    assert [e["id"] for e in scanner.list()] == [a[0]["id"]] + [e["id"] for e in b]
    shown = scanner.get(a[0]["id"])
    assert shown["brand"] == "Nova" and shown["label"] == "one" and set(shown["hashes"]) >= {"orig", "top"}
    out = tmp_path / "g.jsonl"
    assert scanner.export(out) == 3
    assert scanner.remove(b[0]["id"]) is True
    versions.append(scanner.version)
    assert scanner.remove("nope") is False
    assert len(set(versions)) == len(versions)
    assert all(v.startswith("sha256:") and len(v) == 71 for v in versions)

    other = ImageScanner(GalleryStore(tmp_path / "other.sqlite3"))
    assert other.import_(out) == 3
    assert other.version == versions[2]  # same content, same version, no images needed
    assert {e["id"] for e in other.list()} == {e["id"] for e in scanner.list()} | {b[0]["id"]}
    other.close()


BASE_RULES = dict(thresholds=dict(index.DEFAULT_THRESHOLDS), proposal=dict(verify.PROPOSAL_THRESHOLDS),
                  limits=verify.DEFAULT_LIMITS)


@pytest.mark.parametrize("change", [
    dict(thresholds={**index.DEFAULT_THRESHOLDS, "phash64": 12}),  # an operator's stricter hash rule
    dict(proposal={**verify.PROPOSAL_THRESHOLDS, "phash": 96}),  # a wider proposal
] + [dict(limits=replace(verify.DEFAULT_LIMITS, **{f.name: getattr(verify.DEFAULT_LIMITS, f.name) * 2}))
     for f in fields(verify.VerifyLimits)])  # any recalibrated limit
def test_rules_version_moves_with_every_limit(change):
    base = snapshot.rules_version(**BASE_RULES)
    assert base.startswith("sha256:") and len(base) == 71
    assert snapshot.rules_version(**BASE_RULES) == base  # a value of its inputs, not of the call
    assert snapshot.rules_version(**{**BASE_RULES, **change}) != base


def test_rules_version_reads_numbers_by_value():
    as_floats = dict(BASE_RULES, thresholds={k: float(v) for k, v in index.DEFAULT_THRESHOLDS.items()})
    assert snapshot.rules_version(**as_floats) == snapshot.rules_version(**BASE_RULES)


@pytest.mark.parametrize("module, name", [(snapshot, "MATCH_RULES"), (hashing, "ALGORITHM_VERSION"),
                                          (verify, "MAX_CANDIDATES"), (verify, "MARK_DIFF"),
                                          (verify, "RESIDUAL_GREY")])
def test_rules_version_moves_with_the_rules_code_version(monkeypatch, module, name):
    base = snapshot.rules_version(**BASE_RULES)
    monkeypatch.setattr(module, name, getattr(module, name) * 2)  # "v4.3v4.3", 16: any other value
    assert snapshot.rules_version(**BASE_RULES) != base


def test_an_edit_moves_the_gallery_version_not_the_rules_version(scanner, tmp_path):
    rules, version = scanner.snapshot().rules_version, scanner.version
    assert rules == snapshot.rules_version(**BASE_RULES)  # the defaults
    scanner.add([IMG[0]], brand="Nova")
    assert scanner.version != version and scanner.snapshot().rules_version == rules
    stricter = ImageScanner(GalleryStore(tmp_path / "strict.sqlite3"),
                            thresholds={**index.DEFAULT_THRESHOLDS, "phash64": 10})
    try:
        assert stricter.version == EMPTY_VERSION == version and stricter.snapshot().rules_version != rules
    finally:
        stricter.close()


def _colour_wheel(size: int = 360, turn: float = 0.0) -> Image.Image:
    """Hue by angle, saturation by radius: a product shot with no corners, so no keypoints for a fit."""
    y, x = np.mgrid[-1:1:size * 1j, -1:1:size * 1j]
    hue = ((np.arctan2(y, x) / (2 * np.pi) + turn) % 1.0 * 255).astype(np.uint8)
    sat = (np.clip(np.hypot(x, y), 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(np.stack([hue, sat, np.full_like(hue, 255)], axis=2), "HSV").convert("RGB")


@pytest.mark.parametrize("name, query, matched", [
    ("the same wheel as a JPEG", _colour_wheel(), True),
    ("halved", _colour_wheel().resize((180, 180)), True),
    ("mirrored", _colour_wheel().transpose(Image.Transpose.FLIP_LEFT_RIGHT), True),
    ("hues turned by 11 degrees", _colour_wheel(turn=0.03), False),
    ("hues turned half way", _colour_wheel(turn=0.5), False),
])
def test_an_entry_too_plain_to_verify_is_decided_by_the_hash_rule(scanner, name, query, matched):
    # v4.3 refused every copy of such an entry: a fit needs min_inliers keypoints and it has none
    (entry,) = scanner.add([encode(_colour_wheel(), "PNG")], brand="Spin")
    findings = scanner.snapshot().match(encode(query, "JPEG", quality=40), "images[0]")
    assert [f.gallery_id for f in findings] == ([entry["id"]] if matched else []), name
    if matched:
        (why,) = [r for r in findings[0].reasons if r.code == "gallery_unverified"]
        assert why.params["keypoints"] < verify.DEFAULT_LIMITS.min_inliers
        assert "fewer than a fit needs; decided by the hashes" in findings[0].explanation
        assert "不足以对齐；按哈希的校准上限判定" in explain.render(findings[0].reasons, "zh")


def test_an_entry_with_keypoints_is_still_verified(scanner):
    # the same path for an ordinary product shot: verification decides, never the hash rule alone
    (entry,) = scanner.add([IMG[0]], brand="Nova")
    (finding,) = scanner.snapshot().match(IMG[0], "images[0]")
    assert finding.gallery_id == entry["id"]
    assert [r.code for r in finding.reasons] == ["gallery_match", "gallery_verified"]


# A grey listing photo carries no colour to check: a verified match of it could be the same product in another
# colour, which looks alike in grey. It asks a person instead of blocking.
@pytest.mark.parametrize("entry_grey, query_grey, effect", [
    (False, False, "block"),   # the copy in colour: verified in colour too
    (False, True, "review"),   # the copy sent as a greyscale JPEG
    (True, True, "review"),    # both grey (a grey gallery photo is kept as a colour JPEG without colour: a colour
])                             # listing photo of it is refused by colour, as before)
def test_a_match_whose_colour_could_not_be_compared_asks_a_person(scanner, entry_grey, query_grey, effect):
    im = evalset.product_image(11)
    (entry,) = scanner.add([encode(im.convert("L")) if entry_grey else IMG[0]], brand="Nova")
    (finding,) = scanner.snapshot().match(encode(im.convert("L") if query_grey else im), "images[0]")
    assert finding.gallery_id == entry["id"] and finding.effect == effect
    unchecked = [r for r in finding.reasons if r.code == "gallery_colour_unchecked"]
    assert bool(unchecked) is (effect == "review")
    if unchecked:  # and no share of cells agreeing in a colour nobody compared
        assert "colour not compared" in finding.explanation and "agree in colour" not in finding.explanation
        zh = explain.render(finding.reasons, "zh")
        assert "未比较颜色" in zh and "颜色一致" not in zh
    else:
        assert "100% of the product's cells agree in colour" in finding.explanation


def test_add_directory_and_bad_file_rolls_back(scanner, tmp_path):
    d = tmp_path / "imgs"
    d.mkdir()
    (d / "a.png").write_bytes(IMG[0])
    (d / "b.png").write_bytes(IMG[1])
    assert len(scanner.add([d], brand="X")) == 2
    (d / "c.jpg").write_bytes(b"<html>")
    v = scanner.version
    with pytest.raises(ImageInputError) as e:
        scanner.add([d], brand="X")
    assert "c.jpg" in e.value.message and e.value.code == "image_unsupported_format"
    assert scanner.version == v and len(scanner.list()) == 2


# Fixture copies the calibrated verification refuses (strict: the test fails the day one is matched again)
# (match_astronaut_mirrored_small.jpg, halved + JPEG ~q30 + mirrored, was one from v4.2 to v4.6: residual 0.0063; v4.7
# compares such a copy again with the entry recompressed, docs/images.md)
KNOWN_MISSES: dict[str, str] = {}


def test_transformed_copy_matches_unrelated_does_not(seeded):
    snap = seeded.snapshot()
    for f in sorted((FIXTURES / "images").glob("match_*")):
        found = snap.match(f.read_bytes(), "images[0]")
        if f.name in KNOWN_MISSES:
            assert not found, f"{f.name} is matched again: take it out of KNOWN_MISSES"
            continue
        assert found, f.name
        top = found[0]
        assert (top.kind, top.category, top.severity, top.effect) == ("image", "counterfeit_image", "high", "block")
        assert top.field == "images[0]" and top.brand and top.gallery_id and 0.5 <= top.score <= 1
        assert set(top.distance) == {"phash64", "phash", "dhash", "colour"} and "view" in top.explanation
    for f in sorted((FIXTURES / "images").glob("clean_*")):
        assert snap.match(f.read_bytes(), "images[1]") == [], f.name


def test_match_raises_for_bad_input(seeded):
    with pytest.raises(ImageInputError):
        seeded.snapshot().match(b"", "images[0]")


def test_snapshot_isolation(scanner):
    scanner.add([IMG[0]], brand="Nova")
    before = scanner.snapshot()
    v = before.version
    scanner.add([IMG[1]], brand="Aero")
    assert before.version == v and len(before) == 1
    assert before.match(IMG[1], "images[0]") == []
    assert scanner.snapshot().match(IMG[1], "images[0]")[0].brand == "Aero"


def test_other_process_edits_are_noticed(tmp_path):
    path = tmp_path / "shared.sqlite3"
    a = ImageScanner(GalleryStore(path), reload_interval_s=0)
    b = ImageScanner(GalleryStore(path), reload_interval_s=0)
    b.add([IMG[0]], brand="Nova")
    assert a.version == b.version and len(a.snapshot()) == 1
    a.close(), b.close()


def test_threads_share_one_scanner(scanner):
    scanner.add([IMG[0]], brand="Nova")
    snap = scanner.snapshot()
    errors = []

    def work():
        try:
            for _ in range(5):
                assert snap.match(IMG[0], "images[0]")
                scanner.snapshot()
        except Exception as e:  # pragma: no cover
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert not errors


@pytest.mark.parametrize("content", [b"this is not sqlite at all" * 100, b"SQLite format 3\x00" + b"\xff" * 200])
def test_corrupt_gallery_file_raises_clearly(tmp_path, content):
    p = tmp_path / "bad.sqlite3"
    p.write_bytes(content)
    with pytest.raises(GalleryError) as e:
        GalleryStore(p)
    assert str(p) in str(e.value)


def test_import_rejects_garbage(scanner, tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"id": "a", "brand": "b"}\n')
    with pytest.raises(GalleryError):
        scanner.import_(p)


def test_default_gallery_is_seeded(tmp_path, monkeypatch):
    from scanner.config import Settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    sc = ImageScanner.from_settings(Settings(gallery=None))
    assert len(sc.list()) == 4 and (tmp_path / "listing-scanner" / "gallery.sqlite3").exists()
    sc.close()


def _as_old_algorithm(path):
    import sqlite3

    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE meta SET value = 'v1' WHERE key = 'algorithm'")
    raw.close()


def test_gallery_of_an_older_algorithm_is_refused_clearly(tmp_path):
    from scanner.images.gallery import GalleryAlgorithmError

    path = tmp_path / "g.sqlite3"
    GalleryStore(path).close()
    _as_old_algorithm(path)
    with pytest.raises(GalleryAlgorithmError) as e:
        GalleryStore(path)
    # a gallery with image copies (schema 4) can be re-derived in place: the message says how
    assert "scanner gallery rehash" in str(e.value) and "'v1'" in str(e.value)


def test_gallery_without_image_copies_of_an_older_algorithm_says_re_add(tmp_path):
    from scanner.images.gallery import GalleryAlgorithmError

    path = tmp_path / "g.sqlite3"
    GalleryStore(path).close()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE meta SET value = 'v3' WHERE key = 'algorithm'")
    raw.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")  # schema 3 kept no image copies
    raw.close()
    for for_rehash in (False, True):
        with pytest.raises(GalleryAlgorithmError) as e:
            GalleryStore(path, for_rehash=for_rehash)
        assert "re-add the images" in str(e.value) and "'v3'" in str(e.value)


def test_default_gallery_of_an_older_algorithm_is_moved_aside_and_reseeded(tmp_path, monkeypatch):
    from scanner.config import Settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    sc = ImageScanner.from_settings(Settings(gallery=None))
    sc.close()
    path = tmp_path / "listing-scanner" / "gallery.sqlite3"
    _as_old_algorithm(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")  # v1-v3 galleries kept no image copies
    raw.close()
    sc = ImageScanner.from_settings(Settings(gallery=None))
    assert len(sc.list()) == 4 and sc.snapshot().match((FIXTURES / "gallery" / "nova_sneaker.jpg").read_bytes(), "f")
    assert list((tmp_path / "listing-scanner").glob("gallery.sqlite3.old-*"))
    sc.close()
    with pytest.raises(GalleryError):  # an explicitly configured gallery is never moved
        _as_old_algorithm(path)
        ImageScanner.from_settings(Settings(gallery=str(path)))


def test_default_gallery_with_image_copies_is_rehashed_in_place(tmp_path, monkeypatch):
    from scanner.config import Settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    sc = ImageScanner.from_settings(Settings(gallery=None))
    added = sc.add([IMG[0]], brand="Mine")  # a user's own addition must survive the upgrade
    version = sc.version
    sc.close()
    path = tmp_path / "listing-scanner" / "gallery.sqlite3"
    _as_old_algorithm(path)
    sc = ImageScanner.from_settings(Settings(gallery=None))
    assert sc.version == version and len(sc.list()) == 5 and sc.get(added[0]["id"])["brand"] == "Mine"
    assert not list((tmp_path / "listing-scanner").glob("gallery.sqlite3.old-*"))  # nothing moved aside
    sc.close()


def test_killed_writer_leaves_old_or_new(tmp_path):
    """A transaction that never commits (the process dies) leaves the old content."""
    path = tmp_path / "g.sqlite3"
    sc = ImageScanner(GalleryStore(path))
    sc.add([IMG[0]], brand="Nova")
    v = sc.version
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("DELETE FROM hashes")
    raw.close()  # no COMMIT: like kill -9 mid-edit
    sc.close()
    again = ImageScanner(GalleryStore(path))
    assert again.version == v and len(again.snapshot()) == 1
    again.close()


def test_entries_with_only_v1_views_still_load_and_match(scanner, tmp_path):
    """Galleries hashed before the 95 % crop views existed keep loading and matching."""
    import json

    from scanner.images import hashing

    scanner.add([IMG[0]], brand="Nova")
    out = tmp_path / "g.jsonl"
    scanner.export(out)
    lines = out.read_text("utf-8").splitlines()
    doc = json.loads(lines[1])
    doc["hashes"] = {v: h for v, h in doc["hashes"].items() if v in hashing.BASE_GALLERY_VARIANTS}
    out.write_text(lines[0] + "\n" + json.dumps(doc) + "\n", "utf-8")
    other = ImageScanner(GalleryStore(tmp_path / "old.sqlite3"))
    assert other.import_(out) == 1
    assert set(other.get(doc["id"])["hashes"]) == set(hashing.BASE_GALLERY_VARIANTS)
    found = other.snapshot().match(IMG[0], "images[0]")
    assert found and found[0].gallery_id == doc["id"]
    other.close()


def test_an_entry_imported_without_its_image_copy_is_decided_by_the_hash_rule(scanner, tmp_path):
    import json

    (entry,) = scanner.add([IMG[0]], brand="Nova")
    out = tmp_path / "g.jsonl"
    scanner.export(out)
    head, line = out.read_text("utf-8").splitlines()
    doc = json.loads(line)
    del doc["image"]  # an export made without image copies
    out.write_text(head + "\n" + json.dumps(doc) + "\n", "utf-8")
    other = ImageScanner(GalleryStore(tmp_path / "bare.sqlite3"))
    try:
        assert other.import_(out) == 1
        (found,) = other.snapshot().match(IMG[0], "images[0]")
        assert found.gallery_id == entry["id"]
        assert [(r.code, r.params) for r in found.reasons][1:] == [("gallery_unverified", {"keypoints": None})]
        assert "the gallery keeps no image copy of this entry" in found.explanation
        assert other.snapshot().match(IMG[1], "images[0]") == []  # another product: the hash rule refuses it
    finally:
        other.close()


def test_cropped_photo_matches_through_a_crop_view(seeded):
    from PIL import Image

    im = Image.open(FIXTURES / "gallery" / "astronaut_poster.jpg").convert("RGB")
    w, h = im.size
    # 5 % off the left, 2.5 % off top and bottom: lines up with the gallery's "r95" view
    cropped = im.crop((round(w * 0.05), round(h * 0.025), w, round(h * 0.975)))
    found = seeded.snapshot().match(encode(cropped, "JPEG", quality=70), "images[0]")
    assert found and found[0].brand == "OrbitWear"
    assert "right 95% crop" in found[0].explanation


def test_a_result_names_the_bytes_it_judged_and_the_queue_keys_its_item_by_them(scanner, text_engine, tmp_path):
    """The same URL serving other bytes later (a seller replacing the picture) is other content: the result says
    which bytes were read (image_sha256), and a reviewer's approval of the first picture does not carry over to
    the second (#19)."""
    import hashlib

    from scanner.config import Settings
    from scanner.engine import Scanner
    from scanner.review import verdicts
    from scanner.review.queue import Entry, ReviewQueue
    from scanner.review.store import Store

    served = {"bytes": IMG[0]}
    sc = Scanner(text_engine, scanner, Settings())
    listing = {"id": "sku-31", "title": "全网最低价 女士手提包", "images": [{"url": "https://img.example/sku-31.jpg"},
                                                                      {"url": "https://img.example/gone.jpg"}]}

    def loader(ref):
        if ref["url"].endswith("gone.jpg"):
            raise ImageInputError("url_fetch_failed", "not served")
        return served["bytes"]

    first = sc.scan(listing, image_loader=loader).to_dict()
    assert first["decision"] == "review"
    assert first["image_sha256"] == {"images[0]": hashlib.sha256(IMG[0]).hexdigest()}  # the unread image: none
    assert "image_sha256" not in sc.scan({"title": "原单 女士手提包"}).to_dict()
    store = Store(f"sqlite:///{tmp_path}/review.sqlite3")
    try:
        q = ReviewQueue(store)
        assert q.enqueue_many([Entry(listing, first, "api")])["queued"] == 1
        item = q.claim("alice")
        verdicts.submit(store, item["id"], "alice", {"decision": "approve"})
        assert q.enqueue_many([Entry(listing, sc.scan(listing, image_loader=loader).to_dict(), "api")])["queued"] == 0
        served["bytes"] = IMG[1]
        second = sc.scan(listing, image_loader=loader).to_dict()
        assert second["image_sha256"] == {"images[0]": hashlib.sha256(IMG[1]).hexdigest()}
        assert q.enqueue_many([Entry(listing, second, "api")])["queued"] == 1
    finally:
        store.close()
