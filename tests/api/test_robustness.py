"""Whatever a caller sends, the answer is a 200 result or a 4xx error envelope, never a 5xx."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.cli import build_parser
from scanner.cli.common import settings_from_args

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
listing_like = st.fixed_dictionaries({}, optional={
    "id": json_values, "title": json_values | st.text(max_size=40), "description": json_values,
    "bullets": json_values, "attributes": json_values, "images": json_values, "seller": json_values,
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values | listing_like)
def test_any_json_gets_result_or_4xx(client, body):
    for path, payload in (("/v1/scan", body), ("/v1/scan/batch", {"listings": [body]}), ("/v1/scan/batch", body)):
        resp = client.post(path, content=json.dumps(body if path == "/v1/scan" else payload),
                           headers={"content-type": "application/json"})
        assert resp.status_code < 500, resp.text
        out = resp.json()
        if resp.status_code == 200:
            rows = out["results"] if path.endswith("batch") else [out]
            for row in rows:
                assert ("decision" in row) != ("error" in row), row
        else:
            assert set(out["error"]) == {"code", "message"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=64))
def test_any_bytes_get_a_4xx_or_result(client, raw):
    resp = client.post("/v1/scan", content=raw, headers={"content-type": "application/json"})
    assert resp.status_code < 500
    assert "error" in resp.json() or "decision" in resp.json()


def test_serve_defaults_to_loopback(monkeypatch):
    for var in ("SCANNER_HOST", "SCANNER_PORT", "SCANNER_WORKERS", "SCANNER_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    args = build_parser().parse_args(["serve"])
    s = settings_from_args(args, host=args.host, port=args.port, workers=args.workers)
    assert (s.host, s.port, s.workers) == ("127.0.0.1", 8000, 1)
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001", "--workers", "2"])
    s = settings_from_args(args, host=args.host, port=args.port, workers=args.workers)
    assert (s.host, s.port, s.workers) == ("0.0.0.0", 9001, 2)
