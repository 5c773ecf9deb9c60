"""scanner.images.sources: strict base64, local paths only when allowed, SSRF-safe URL fetching.

URL tests talk to a throwaway HTTP server on 127.0.0.1 (loopback only). What the HTTP service does
with image references is in tests/api/test_scan_image_refs.py."""
from __future__ import annotations

import ipaddress
import time

import pytest

from scanner.config import Settings
from scanner.images.sources import address_allowed, host_allowed, load_image_bytes
from scanner.results import ImageInputError
from tests.support import b64, loopback_image_server, png_bytes

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


def _trickle(handler) -> None:
    """Header lines just faster than any per-read timeout."""
    try:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(40):
            handler.wfile.write(f"X-Pad-{i}: x\r\n".encode())
            handler.wfile.flush()
            time.sleep(0.15)
        handler.wfile.write(f"Content-Length: {len(IMG)}\r\n\r\n".encode() + IMG)
    except OSError:
        pass


def routes(port: int) -> dict:
    return {
        "/ok.png": (200, {"Content-Type": "image/png"}, IMG),
        "/big.png": (200, {}, b"x" * 5000),
        "/big-chunked.png": (200, {"Transfer-Encoding": "chunked"}, b"x" * 5000),
        "/redir-same": (302, {"Location": "/ok.png"}, b""),
        "/redir-other": (302, {"Location": f"http://127.0.0.2:{port}/ok.png"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/gone": (404, {}, b""),
        "/trickle": _trickle,
    }


@pytest.fixture(scope="module")
def server():
    with loopback_image_server(routes) as running:
        yield running


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
