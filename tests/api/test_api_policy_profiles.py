"""Policy profiles over HTTP (#20): options.policy per request, a key's default or pinned profile."""
from __future__ import annotations

from api.auth import KeyRing, hash_key
from tests.api.conftest import KEYS, SCAN_KEY

import pytest

BEAUTY_KEY = "sk_test_beauty_0123456789"
RESALE_KEY = "sk_test_resale_0123456789"
PROFILE_KEYS = KEYS + [
    {"name": "beauty-shop", "role": "scan", "hash": hash_key(BEAUTY_KEY), "policy": "cosmetics"},
    {"name": "resale-app", "role": "scan", "hash": hash_key(RESALE_KEY), "policy": "secondhand",
     "policy_mode": "pinned"},
]
CLAIM = {"id": "c1", "title": "最有效的保湿面霜 50ml"}  # default review, secondhand pass, cosmetics block

# (key, listing options, expected status, expected decision or error code, profile named in versions)
CASES = [
    (SCAN_KEY, None, 200, "review", "default"),
    (SCAN_KEY, {"policy": "cosmetics"}, 200, "block", "cosmetics"),
    (SCAN_KEY, {"policy": "nope"}, 422, "unknown_policy", None),
    (BEAUTY_KEY, None, 200, "block", "cosmetics"),              # the key's default
    (BEAUTY_KEY, {"policy": "secondhand"}, 200, "pass", "secondhand"),  # the request wins over a default
    (RESALE_KEY, None, 200, "pass", "secondhand"),
    (RESALE_KEY, {"policy": "secondhand"}, 200, "pass", "secondhand"),
    (RESALE_KEY, {"policy": "cosmetics"}, 422, "policy_pinned", None),  # pinned: refused, never overridden
]


@pytest.mark.parametrize("key,options,status,outcome,profile", CASES)
def test_scan_policy_by_request_and_key(make_client, key, options, status, outcome, profile):
    client = make_client(api_keys=PROFILE_KEYS)
    listing = {**CLAIM, "options": options} if options else CLAIM
    resp = client.post("/v1/scan", json=listing, headers={"X-API-Key": key})
    assert resp.status_code == status, resp.text
    body = resp.json()
    if status == 200:
        assert body["decision"] == outcome and body["versions"]["policy"]["name"] == profile
    else:
        assert body["error"]["code"] == outcome


def test_batch_options_policy_and_a_pinned_key_refuse_per_listing(make_client):
    client = make_client(api_keys=PROFILE_KEYS)
    doc = {"options": {"policy": "cosmetics"},
           "listings": [CLAIM, {**CLAIM, "id": "c2", "options": {"policy": "secondhand"}}]}
    rows = client.post("/v1/scan/batch", json=doc, headers={"X-API-Key": SCAN_KEY}).json()["results"]
    assert [(r["decision"], r["versions"]["policy"]["name"]) for r in rows] == [("block", "cosmetics"),
                                                                                ("pass", "secondhand")]
    rows = client.post("/v1/scan/batch", json={"listings": [CLAIM, {**CLAIM, "id": "c2", "options": {
        "policy": "cosmetics"}}]}, headers={"X-API-Key": RESALE_KEY}).json()["results"]
    assert rows[0]["decision"] == "pass" and rows[1]["error"]["code"] == "policy_pinned"


@pytest.mark.parametrize("entry,message", [
    ({"policy": 7}, '"policy" must be a profile name'),
    ({"policy": ""}, '"policy" must be a profile name'),
    ({"policy_mode": "pinned"}, '"pinned" needs a "policy"'),
    ({"policy": "cosmetics", "policy_mode": "locked"}, '"policy_mode" must be one of'),
])
def test_bad_key_policy_settings_refused(entry, message):
    with pytest.raises(ValueError, match=message):
        KeyRing([{"name": "k", "role": "scan", "hash": hash_key("sk_x_0123456789"), **entry}])
