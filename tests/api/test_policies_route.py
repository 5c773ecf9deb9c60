"""GET /v1/policies (#20): the profiles the service knows, which one applies for the key sent; and the
start-up / reload checks that a profile an API key names is loaded (fail closed, the key's label named,
never the key)."""
from __future__ import annotations

import shutil

import pytest

from api.auth import hash_key
from api.main import create_app
from scanner.config import BUNDLED_WORDLISTS
from scanner.text.wordlists import WordlistError
from tests.api.conftest import ADMIN_KEY, KEYS, SCAN_KEY
from tests.api.test_api_policy_profiles import BEAUTY_KEY, PROFILE_KEYS, RESALE_KEY  # one set of keyed profiles

NAMES = ["default", "cosmetics", "medicine", "secondhand"]  # `default` first, then by name: the shipped profiles

# (key sent, the profile marked default, the profiles allowed, pinned)
CASES = [
    (None, "default", NAMES, False),            # public: no key needed even with keys configured
    (SCAN_KEY, "default", NAMES, False),        # a key without a profile
    (BEAUTY_KEY, "cosmetics", NAMES, False),    # the key's default profile; the request may still ask another
    (RESALE_KEY, "secondhand", ["secondhand"], True),  # pinned: the others are not allowed
]


@pytest.mark.parametrize("key,default,allowed,pinned", CASES)
def test_policies_says_which_profile_applies_for_the_key(make_client, key, default, allowed, pinned):
    client = make_client(api_keys=PROFILE_KEYS)
    resp = client.get("/v1/policies", headers={"X-API-Key": key} if key else {})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert [p["name"] for p in body["policies"]] == NAMES
    assert [p["name"] for p in body["policies"] if p["default"]] == [default]
    assert [p["name"] for p in body["policies"] if p["allowed"]] == allowed
    assert body["pinned"] is pinned


def test_policy_hashes_are_the_ones_results_carry(make_client):
    client = make_client()
    listed = {p["name"]: p["hash"] for p in client.get("/v1/policies").json()["policies"]}
    for name in NAMES:
        got = client.post("/v1/scan", json={"id": "x", "title": "最有效的保湿面霜 50ml", "options": {"policy": name}}).json()
        assert got["versions"]["policy"] == {"name": name, "hash": listed[name]}
    assert len(set(listed.values())) == 4  # the four shipped profiles decide differently


def test_descriptions_of_the_shipped_profiles(make_client):
    got = {p["name"]: p["description"] for p in make_client().get("/v1/policies").json()["policies"]}
    assert got == {  # written by hand: policy.toml has none (built-in sentence); the profiles have description tables
        "default": {"en": "Default policy (policy.toml): general goods", "zh": "默认策略（policy.toml）：一般商品"},
        "cosmetics": {"en": "Cosmetics and personal care: medical, absolute and unverifiable efficacy claims block",
                      "zh": "化妆品与个人护理：医疗、绝对化和无法证实的功效宣称直接拦截"},
        "medicine": {"en": "Medicines, medical devices and health foods: efficacy rates, safety guarantees, inducements "
                             "and rankings block",
                     "zh": "药品、医疗器械与保健食品：治愈率/有效率、安全性保证、诱导性用语和排名指定直接拦截"},
        "secondhand": {"en": "Second-hand and personal resale: honest resale of a branded item passes",
                       "zh": "二手与个人闲置：如实描述来源的品牌二手商品放行"},
    }


def test_an_unknown_key_sent_is_refused_not_answered_as_anonymous(make_client):
    resp = make_client(api_keys=PROFILE_KEYS).get("/v1/policies", headers={"X-API-Key": "sk_not_configured_000"})
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "invalid_api_key"


def test_policies_is_in_the_openapi_with_its_response_model(make_client):
    spec = make_client().get("/openapi.json").json()
    op = spec["paths"]["/v1/policies"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PoliciesOut"}
    assert "description" in spec["components"]["schemas"]["PolicyOut"]["properties"]


def _profile_dir(tmp_path, **files):
    wl = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, wl)
    for name, text in files.items():
        (wl / "profiles" / f"{name}.toml").write_text(text, "utf-8")
    return wl


def test_a_description_table_gives_both_languages(make_client, tmp_path, text_engine):
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    wl = _profile_dir(tmp_path, food='description = {en = "Food and drink", zh = "食品饮料"}\n\n'
                                     '[actions]\nmedical_claim = "block"\n',
                      plain='[actions]\nmedical_claim = "block"\n',  # the same policy, undescribed
                      toys='# Profile `toys`: for toys and games.\n# More words.\n[actions]\nbrand = "block"\n')
    policy_toml = wl / "policy.toml"
    policy_toml.write_text('description = {en = "General merchandise", zh = "综合百货"}\n' + policy_toml.read_text("utf-8"),
                           "utf-8")
    client = make_client(scanner=Scanner(TextEngine.load(wl)), wordlists=wl)
    listed = {p["name"]: p for p in client.get("/v1/policies").json()["policies"]}
    assert listed["food"]["description"] == {"en": "Food and drink", "zh": "食品饮料"}
    assert listed["plain"]["description"] == {"en": None, "zh": None}  # no table, no opening comment
    assert listed["toys"]["description"] == {"en": "For toys and games.", "zh": None}  # its first comment line
    assert listed["default"]["description"] == {"en": "General merchandise", "zh": "综合百货"}
    assert listed["food"]["hash"] == listed["plain"]["hash"]  # a description never changes the policy hash
    assert listed["default"]["hash"] == text_engine.profiles["default"].hash  # the bundled policy.toml, undescribed


@pytest.mark.parametrize("text,where", [
    ('description = {en = "Food"}\n', "profiles/food.toml:1: description.zh: Field required"),
    ('[description]\nen = "Food"\nzh = "食品"\nfr = "Nourriture"\n', "profiles/food.toml:4: description.fr: Extra"),
    ('[description]\nen = ""\nzh = "食品"\n', "profiles/food.toml:2: description.en: String should have at least 1"),
    ('[description]\nen = "Food\\nand drink"\nzh = "食品"\n', "profiles/food.toml:2: description.en: String should match"),
    ('description = "Food"\n', "profiles/food.toml:1: description: Input should be"),
])
def test_a_bad_description_refuses_the_load(tmp_path, text, where):
    from scanner.text.wordlists import load_wordlists

    with pytest.raises(WordlistError) as exc:
        load_wordlists(_profile_dir(tmp_path, food=text))
    assert str(exc.value).startswith(where), str(exc.value)


# -- a key naming a profile that is not loaded: start-up stops, a reload that removes it is refused ----------
@pytest.mark.parametrize("entry", [
    {"policy": "cosmetic"},                              # a typo of a default profile
    {"policy": "wholesale", "policy_mode": "pinned"},    # a pinned profile that was never written
])
def test_startup_refuses_a_key_naming_a_missing_profile(make_settings, text_engine, entry):
    from scanner.engine import Scanner

    secret = "sk_test_missing_profile_0123"
    settings = make_settings(api_keys=KEYS + [{"name": "shop-eu", "role": "scan", "hash": hash_key(secret), **entry}])
    with pytest.raises(WordlistError) as exc:
        create_app(settings, scanner=Scanner(text_engine, None, settings))
    message = str(exc.value)
    assert f"policy profile {entry['policy']!r}" in message and "'shop-eu'" in message
    assert "known: cosmetics, default, medicine, secondhand" in message
    assert secret not in message and hash_key(secret)[7:] not in message


def test_startup_building_its_own_scanner_refuses_too(make_settings):
    from fastapi.testclient import TestClient

    settings = make_settings(api_keys=KEYS + [{"name": "shop-eu", "role": "scan",
                                                "hash": hash_key("sk_test_eu_0123456789"), "policy": "eu"}])
    client = TestClient(create_app(settings, with_images=False))
    with pytest.raises(WordlistError, match="'eu'.*'shop-eu'"):
        client.__enter__()


def test_reload_that_removes_a_keys_profile_is_refused(make_client, tmp_path):
    from scanner.engine import Scanner
    from scanner.text.engine import TextEngine

    wl = _profile_dir(tmp_path)
    client = make_client(api_keys=PROFILE_KEYS, wordlists=wl, scanner=None)
    client = make_client(api_keys=PROFILE_KEYS, wordlists=wl,
                         scanner=Scanner(TextEngine.load(wl), None, client.app.state.settings))
    version = client.get("/v1/wordlists", headers={"X-API-Key": SCAN_KEY}).json()["versions"]["wordlists"]
    (wl / "profiles" / "cosmetics.toml").unlink()
    resp = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "reload_failed", resp.text
    message = resp.json()["error"]["message"]
    assert "'cosmetics'" in message and "'beauty-shop'" in message and BEAUTY_KEY not in message
    got = client.post("/v1/scan", json={"id": "x", "title": "最有效的保湿面霜 50ml"}, headers={"X-API-Key": BEAUTY_KEY})
    assert got.json()["decision"] == "block" and got.json()["versions"]["wordlists"] == version  # still the old lists
    # a profile no key names may go
    (wl / "profiles" / "cosmetics.toml").write_text('[actions]\nmedical_claim = "block"\n', "utf-8")
    (wl / "profiles" / "secondhand.toml").rename(wl / "profiles" / "resale.toml")
    resp = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    assert resp.status_code == 422 and "'secondhand'" in resp.json()["error"]["message"]  # a pinned key names it
    (wl / "profiles" / "resale.toml").rename(wl / "profiles" / "secondhand.toml")
    resp = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    assert resp.status_code == 200 and resp.json()["changed"], resp.text
