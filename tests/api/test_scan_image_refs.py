"""Image references through the HTTP service: URL images reach the fetcher with the service's
settings, and the service never reads a local path (library cases: tests/images/test_sources.py)."""
from __future__ import annotations

import pytest

from tests.support import loopback_image_server, png_bytes

IMG = png_bytes()


@pytest.fixture(scope="module")
def server():
    with loopback_image_server(lambda port: {"/ok.png": (200, {"Content-Type": "image/png"}, IMG)}) as running:
        yield running


def test_url_image_through_the_service(server, make_client):
    base, _ = server
    client = make_client(image_url_hosts=["127.0.0.1"], image_url_allow_private=True)
    resp = client.post("/v1/scan", json={"id": 1, "images": [{"url": f"{base}/ok.png"}]})
    assert resp.status_code == 200, resp.text
    strict = make_client(image_url_hosts=["127.0.0.1"])
    resp = strict.post("/v1/scan", json={"id": 1, "images": [{"url": f"{base}/ok.png"}]})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "url_address_not_allowed"


# Issue #13, finding 7: with SCANNER_ALLOW_LOCAL_IMAGE_PATHS=true the HTTP API read local files, and its
# answers were a file-existence oracle (/root: "is a directory"; /etc/shadow: unsupported format). The
# refusal also named that variable. Every path, real or not, must now get the same refusal.
LOCAL_PATHS = [
    "/root",                  # a directory
    "/etc/shadow",            # exists, not an image
    "/etc/hostname",
    "/no/such/file.png",      # does not exist
    "{tmp}/real.png",         # a real image the server could read
]


@pytest.mark.parametrize("path", LOCAL_PATHS)
def test_the_service_never_reads_local_paths_whatever_the_settings(make_client, tmp_path, monkeypatch, path):
    (tmp_path / "real.png").write_bytes(IMG)
    monkeypatch.setenv("SCANNER_ALLOW_LOCAL_IMAGE_PATHS", "true")
    client = make_client(allow_local_image_paths=True)  # even when the code that builds it asks for it
    resp = client.post("/v1/scan", json={"id": "p", "images": [{"path": path.format(tmp=tmp_path)}]})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "image_path_not_allowed"
    assert "SCANNER_" not in error["message"] and "path" in error["message"]
    assert path.format(tmp=tmp_path) not in resp.text
