"""Gallery thumbnails: stored on add (schema 3), served by ImageScanner.thumbnail and the
HTTP route, carried through export/import, and absent (None) for schema-2 entries."""
from __future__ import annotations

import base64
import io
import json
import sqlite3

import pytest
from PIL import Image, ImageDraw

from scanner.images import THUMBNAIL_SIZE, ImageScanner
from scanner.images.gallery import SCHEMA_VERSION, GalleryError, GalleryStore

from tests.support import encode
from tests.support import gallery_image_bytes as _gallery_image


def _open(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def _make_schema2(path) -> None:
    """Turn a gallery file into what the schema-2 scanner wrote: no thumbnails table, schema 2."""
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("DROP TABLE thumbnails")
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    db.close()


def _textured(size, colour) -> bytes:
    im = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(im)
    w, h = size
    for i in range(6):  # dark bars on the left half: a flat image is refused by the hasher
        draw.rectangle((i * w // 12, (i % 3) * h // 3, i * w // 12 + w // 30, h), fill=(10, 10, 10))
    return encode(im, "PNG")


def test_add_stores_a_small_jpeg(scanner):
    big = _textured((1200, 600), (30, 120, 200))
    [entry] = scanner.add([big], brand="Nova")
    thumb = scanner.thumbnail(entry["id"])
    assert thumb and thumb.startswith(b"\xff\xd8\xff")
    im = _open(thumb)
    assert im.format == "JPEG" and max(im.size) <= THUMBNAIL_SIZE
    assert im.size == (160, 80)  # aspect ratio kept
    assert len(thumb) < 16 * 1024
    # colour survives (the decoder's small YCbCr image colours the thumbnail)
    r, g, b = im.convert("RGB").getpixel((140, 40))
    assert b > r + 100 and abs(g - 120) < 20

    [real] = scanner.add([_gallery_image()], brand="Nova")
    im = _open(scanner.thumbnail(real["id"]))
    assert im.format == "JPEG" and max(im.size) == THUMBNAIL_SIZE and im.mode == "RGB"


def test_unknown_or_removed_id_is_none(scanner):
    assert scanner.thumbnail("g_0000000000000000") is None
    [entry] = scanner.add([_gallery_image()], brand="Nova")
    assert scanner.remove(entry["id"])
    assert scanner.thumbnail(entry["id"]) is None
    left = sqlite3.connect(str(scanner._store.path)).execute("SELECT COUNT(*) FROM thumbnails").fetchone()[0]
    assert left == 0  # removed with its entry (ON DELETE CASCADE)


def test_thumbnail_does_not_change_the_gallery_version(tmp_path):
    with_thumb = ImageScanner(GalleryStore(tmp_path / "a.sqlite3"))
    with_thumb.add([_gallery_image()], brand="Nova")
    with_thumb.export(tmp_path / "a.jsonl")
    lines = (tmp_path / "a.jsonl").read_text("utf-8").splitlines()
    bare = [json.dumps({k: v for k, v in json.loads(line).items() if k != "thumbnail"}) for line in lines]
    (tmp_path / "bare.jsonl").write_text("\n".join(bare) + "\n", "utf-8")
    without = ImageScanner(GalleryStore(tmp_path / "b.sqlite3"))
    assert without.import_(tmp_path / "bare.jsonl") == 1
    assert without.version == with_thumb.version
    with_thumb.close()
    without.close()


def test_schema2_gallery_opens_migrates_and_returns_none(tmp_path):
    path = tmp_path / "old.sqlite3"
    sc = ImageScanner(GalleryStore(path))
    [entry] = sc.add([_gallery_image()], brand="Nova", label="shoe")
    version = sc.version
    sc.close()
    _make_schema2(path)

    sc = ImageScanner(GalleryStore(path))  # opens: migrated in place
    try:
        db = sqlite3.connect(str(path))
        assert db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == SCHEMA_VERSION == "4"
        assert db.execute("SELECT name FROM sqlite_master WHERE name='thumbnails'").fetchone()
        assert db.execute("SELECT name FROM sqlite_master WHERE name='images'").fetchone()
        db.close()
        assert sc.version == version  # no data lost, content hash unchanged
        assert sc.get(entry["id"])["label"] == "shoe"
        assert len(sc.snapshot()) == 1
        assert sc.thumbnail(entry["id"]) is None
        # matching still works on the migrated gallery
        assert sc.snapshot().match(_gallery_image(), "images[0]")
        # re-adding the image fills the thumbnail in
        sc.add([_gallery_image()], brand="Nova", label="shoe")
        assert _open(sc.thumbnail(entry["id"])).format == "JPEG"
        assert sc.version == version
    finally:
        sc.close()
    GalleryStore(path).close()  # a second open of the migrated file is a no-op


def test_unknown_newer_schema_is_still_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    GalleryStore(path).close()
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.close()
    with pytest.raises(GalleryError, match="schema '99'"):
        GalleryStore(path)


def test_export_import_round_trip_keeps_thumbnail(tmp_path):
    src = ImageScanner(GalleryStore(tmp_path / "src.sqlite3"))
    [entry] = src.add([_gallery_image(1)], brand="Nova")
    thumb = src.thumbnail(entry["id"])
    assert src.export(tmp_path / "g.jsonl") == 1
    record = json.loads((tmp_path / "g.jsonl").read_text("utf-8").splitlines()[1])
    assert base64.b64decode(record["thumbnail"]) == thumb

    dst = ImageScanner(GalleryStore(tmp_path / "dst.sqlite3"))
    assert dst.import_(tmp_path / "g.jsonl") == 1
    assert dst.thumbnail(entry["id"]) == thumb
    assert dst.version == src.version
    # importing the same entry again from an export without thumbnails keeps the stored one
    del record["thumbnail"]
    (tmp_path / "bare.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    assert dst.import_(tmp_path / "bare.jsonl") == 1
    assert dst.thumbnail(entry["id"]) == thumb
    src.close()
    dst.close()


def test_import_refuses_a_bad_thumbnail(tmp_path):
    src = ImageScanner(GalleryStore(tmp_path / "src.sqlite3"))
    src.add([_gallery_image()], brand="Nova")
    src.export(tmp_path / "g.jsonl")
    header, line = (tmp_path / "g.jsonl").read_text("utf-8").splitlines()
    dst = ImageScanner(GalleryStore(tmp_path / "dst.sqlite3"))
    for bad in ("not base64!", base64.b64encode(b"<html><script>alert(1)</script>").decode(),
                base64.b64encode(b"\xff\xd8\xff" + b"\0" * 100).decode()):
        (tmp_path / "bad.jsonl").write_text(header + "\n" + json.dumps({**json.loads(line), "thumbnail": bad}) + "\n")
        with pytest.raises(GalleryError, match="record 2 is not a gallery entry .*thumbnail"):
            dst.import_(tmp_path / "bad.jsonl")
        assert dst.list() == []  # nothing stored
    src.close()
    dst.close()


def test_http_route_serves_the_thumbnail(tmp_path):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from scanner.config import BUNDLED_WORDLISTS, Settings

    gallery = tmp_path / "gallery.sqlite3"
    seed = ImageScanner(GalleryStore(gallery))
    [entry] = seed.add([_gallery_image()], brand="Nova")
    [old] = seed.add([_gallery_image(1)], brand="Nova")
    seed._store._db.execute("DELETE FROM thumbnails WHERE entry_id = ?", (old["id"],))  # as if added by schema 2
    expected = seed.thumbnail(entry["id"])
    seed.close()

    settings = Settings(wordlists=BUNDLED_WORDLISTS, gallery=gallery, audit_log=tmp_path / "audit.jsonl",
                        database_url=f"sqlite:///{tmp_path}/review.sqlite3")  # the app opens a review store
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        resp = client.get(f"/v1/gallery/{entry['id']}/thumbnail")
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"] == "image/jpeg"
        assert resp.content == expected
        assert max(_open(resp.content).size) <= THUMBNAIL_SIZE
        for missing in ("g_0000000000000000", old["id"]):
            resp = client.get(f"/v1/gallery/{missing}/thumbnail")
            assert resp.status_code == 404 and resp.json()["error"]["code"] == "gallery_not_found"
