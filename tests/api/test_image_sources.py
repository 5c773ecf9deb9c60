"""scanner.image_sources: strict base64, local paths only when allowed, SSRF-safe URL fetching.

URL tests talk to a throwaway HTTP server on 127.0.0.1 (loopback only)."""
from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scanner.config import Settings
from scanner.image_sources import address_allowed, host_allowed, load_image_bytes
from scanner.results import ImageInputError
from tests.api.conftest import b64, png_bytes

IMG = png_bytes()


def code_of(ref, settings):
    with pytest.raises(ImageInputError) as err:
        load_image_bytes(ref, settings)
    return err.value.code


def test_base64_roundtrip_and_data_url():
    s = Settings()
    assert load_image_bytes({"data": b64(IMG)}, s) == IMG
    assert load_image_bytes({"data": "data:image/png;base64," + b64(IMG)}, s) == IMG


@pytest.mark.parametrize("value, code", [
    ("abc", "image_bad_base64"),                 # length not a multiple of 4
    ("ab$d", "image_bad_base64"),                # outside the alphabet
    ("YWJj\nZGVm", "image_bad_base64"),          # whitespace is not accepted
    ("YWJj-_==", "image_bad_base64"),            # url-safe alphabet is not standard base64
    ("5L2g5aW9", None),                          # fine
    ("data:image/png,abcd", "image_bad_base64"), # data URL without ;base64
    ("", "image_invalid"),
])
def test_strict_base64(value, code):
    if code is None:
        assert load_image_bytes({"data": value}, Settings())
    else:
        assert code_of({"data": value}, Settings()) == code


def test_size_is_checked_before_decoding():
    s = Settings(max_image_bytes=1000)
    assert code_of({"data": "A" * 4000}, s) == "image_too_large"
    with pytest.raises(ImageInputError) as err:
        load_image_bytes({"data": "A" * 4000}, s)
    assert "SCANNER_MAX_IMAGE_BYTES" in err.value.message


def test_local_paths_only_when_allowed(tmp_path):
    p = tmp_path / "a.png"
    p.write_bytes(IMG)
    assert code_of({"path": str(p)}, Settings()) == "image_path_not_allowed"
    allowed = Settings(allow_local_image_paths=True)
    assert load_image_bytes({"path": str(p)}, allowed) == IMG
    assert code_of({"path": str(tmp_path / "missing.png")}, allowed) == "image_not_found"
    assert code_of({"path": str(p)}, Settings(allow_local_image_paths=True, max_image_bytes=10)) == "image_too_large"


@pytest.mark.parametrize("ref", [{}, {"data": "AAAA", "path": "x"}, {"data": 5}, {"url": None}])
def test_reference_shape(ref):
    assert code_of(ref, Settings()) == "image_invalid"


def test_host_allow_list_matching():
    assert host_allowed("cdn.example.com", ["cdn.example.com"])
    assert host_allowed("CDN.Example.com.", ["cdn.example.com"])
    assert not host_allowed("evilcdn.example.com", ["cdn.example.com"])
    assert host_allowed("a.cdn.example.com", ["*.cdn.example.com"])
    assert not host_allowed("cdn.example.com", ["*.cdn.example.com"])
    assert not host_allowed("cdn.example.com.evil.net", ["cdn.example.com"])


@pytest.mark.parametrize("addr, ok", [
    ("8.8.8.8", True), ("2606:4700::1111", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
    ("224.0.0.1", False),
])
def test_address_policy(addr, ok):
    assert address_allowed(ipaddress.ip_address(addr), allow_private=False) is ok


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/trickle":  # header lines just faster than any per-read timeout
            import time

            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for i in range(40):
                    self.wfile.write(f"X-Pad-{i}: x\r\n".encode())
                    self.wfile.flush()
                    time.sleep(0.15)
                self.wfile.write(f"Content-Length: {len(IMG)}\r\n\r\n".encode() + IMG)
            except OSError:
                pass
            return
        # Record before answering: the client may return (and the test read this list)
        # as soon as the body is written, before this thread runs another line.
        self.server.seen_hosts.append(self.headers.get("Host"))
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if headers.get("Transfer-Encoding") == "chunked":
            for i in range(0, len(body), 1000):
                part = body[i:i + 1000]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.seen_hosts = []
    port = srv.server_address[1]
    _Handler.routes = {
        "/ok.png": (200, {"Content-Type": "image/png"}, IMG),
        "/big.png": (200, {}, b"x" * 5000),
        "/big-chunked.png": (200, {"Transfer-Encoding": "chunked"}, b"x" * 5000),
        "/redir-same": (302, {"Location": "/ok.png"}, b""),
        "/redir-other": (302, {"Location": f"http://127.0.0.2:{port}/ok.png"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/gone": (404, {}, b""),
    }
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}", srv
    srv.shutdown()
    srv.server_close()


def local(**kw):
    return Settings(image_url_hosts=["127.0.0.1"], image_url_allow_private=True, image_url_timeout_s=5, **kw)


def test_url_fetch_from_allow_listed_host(server):
    base, srv = server
    srv.seen_hosts.clear()  # the module's server is shared: look at this test's request only
    assert load_image_bytes({"url": f"{base}/ok.png"}, local()) == IMG
    assert len(srv.seen_hosts) == 1 and srv.seen_hosts[0].startswith("127.0.0.1"), srv.seen_hosts


def test_private_address_refused_unless_allowed(server):
    base, _ = server
    s = Settings(image_url_hosts=["127.0.0.1", "localhost"])
    assert code_of({"url": f"{base}/ok.png"}, s) == "url_address_not_allowed"
    port = base.rsplit(":", 1)[1]
    assert code_of({"url": f"http://localhost:{port}/ok.png"}, s) == "url_address_not_allowed"


def test_host_not_allow_listed(server):
    base, _ = server
    assert code_of({"url": f"{base}/ok.png"}, Settings(image_url_allow_private=True)) == "url_host_not_allowed"


def test_redirects(server):
    base, _ = server
    assert load_image_bytes({"url": f"{base}/redir-same"}, local()) == IMG
    s = Settings(image_url_hosts=["127.0.0.1", "127.0.0.2"], image_url_allow_private=True)
    assert code_of({"url": f"{base}/redir-other"}, s) == "url_redirect_not_allowed"
    assert code_of({"url": f"{base}/loop"}, local()) == "url_redirect_not_allowed"


def test_size_caps_on_fetch(server):
    base, _ = server
    assert code_of({"url": f"{base}/big.png"}, local(max_image_bytes=1000)) == "image_too_large"
    assert code_of({"url": f"{base}/big-chunked.png"}, local(max_image_bytes=1000)) == "image_too_large"


def test_trickled_headers_hit_the_overall_deadline(server):
    base, _ = server
    s = Settings(image_url_hosts=["127.0.0.1"], image_url_allow_private=True, image_url_timeout_s=1.0)
    assert code_of({"url": f"{base}/trickle"}, s) == "image_fetch_timeout"


def test_fetch_errors(server):
    base, _ = server
    assert code_of({"url": f"{base}/gone"}, local()) == "image_fetch_failed"
    assert code_of({"url": "ftp://127.0.0.1/x.png"}, local()) == "url_scheme_not_allowed"
    assert code_of({"url": f"http://user:pw@{base[7:]}/ok.png"}, local()) == "url_invalid"


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


def test_no_environment_or_settings_file_turns_local_paths_on(tmp_path, monkeypatch):
    from scanner.config import load_settings

    config = tmp_path / "scanner.toml"
    config.write_text("allow_local_image_paths = true\n", "utf-8")
    monkeypatch.setenv("SCANNER_ALLOW_LOCAL_IMAGE_PATHS", "true")
    assert Settings().allow_local_image_paths is False
    assert load_settings().allow_local_image_paths is False
    assert load_settings(config=str(config)).allow_local_image_paths is False
    # The CLI and batch tools say so in code; that still works.
    assert load_settings(allow_local_image_paths=True).allow_local_image_paths is True


def test_the_library_refusal_names_no_environment_variable():
    with pytest.raises(ImageInputError) as err:
        load_image_bytes({"path": "/etc/hostname"}, Settings())
    assert err.value.code == "image_path_not_allowed" and "SCANNER_" not in err.value.message
