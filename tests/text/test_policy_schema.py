"""wordlists/policy.toml is checked against one schema (scanner/text/policy_schema.py) when the word lists load.

A value of the wrong type or out of range stops the load, and the message names the file and the key.
So a reload cannot bring in such a policy and start-up cannot run with one (tests/api/test_reload.py).
Before this check the red team found (issue #13, finding 4): `high = "x"` turned every scan with a high
finding into a 500; `block_score = -5` blocked a clean listing; `min_finding_score = 7` let 高仿耐克 pass;
`high = 500` gave a score of 599.
"""
from __future__ import annotations

import shutil
import tomllib

import pytest

from scanner.config import BUNDLED_WORDLISTS
from scanner.text.policy import Policy
from scanner.text.wordlists import WordlistError, load_wordlists

BAD = [
    # policy.toml                                  key in the message              what it did before
    ('[severity_scores]\nhigh = "x"\n',            "severity_scores.high"),        # 500 on every high finding
    ("[severity_scores]\nhigh = 500\n",            "severity_scores.high"),        # score 599
    ("[severity_scores]\nlow = -0.1\n",            "severity_scores.low"),
    ("[severity_scores]\nmedium = true\n",         "severity_scores.medium"),      # a bool is not a number
    ("[severity_scores]\ncritical = 0.99\n",       "severity_scores.critical"),    # no such severity
    ("[thresholds]\nblock_score = -5\n",           "thresholds.block_score"),      # blocked a clean listing
    ("[thresholds]\nblock_score = 0\n",            "thresholds.block_score"),
    ("[thresholds]\nblock_score = 102\n",          "thresholds.block_score"),
    ('[thresholds]\nblock_score = "80"\n',         "thresholds.block_score"),
    ("[thresholds]\nblock_score = 80.5\n",         "thresholds.block_score"),
    ("[thresholds]\nmin_finding_score = 7\n",      "thresholds.min_finding_score"),  # 高仿耐克 passed
    ("[thresholds]\nmin_finding_score = -1\n",     "thresholds.min_finding_score"),
    ("[thresholds]\nblock_scor = 80\n",            "thresholds.block_scor"),       # a typo is not ignored
    ('[actions]\ncounterfeit = "ban"\n',           "actions.counterfeit"),
    ('[actions]\nfakes = "block"\n',               "actions.fakes"),               # not a category
    ('actions = "block"\n',                        "actions"),
    ('brand_with_counterfeit = "maybe"\n',         "brand_with_counterfeit"),
    ("brand_with_counterfeit = true\n",            "brand_with_counterfeit"),
    ("block_score = 80\n",                         "block_score"),                 # outside [thresholds]
]

GOOD = [
    # policy.toml                                  what the Policy then holds
    ("",                                           {}),
    ("[thresholds]\nblock_score = 1\n",            {"block_score": 1}),
    ("[thresholds]\nblock_score = 101\n",          {"block_score": 101}),
    ("[thresholds]\nmin_finding_score = 0\n",      {"min_finding_score": 0.0}),
    ("[thresholds]\nmin_finding_score = 1.0\n",    {"min_finding_score": 1.0}),
    ("[severity_scores]\nhigh = 1\n",              {"severity_scores": {"high": 1.0, "medium": 0.75, "low": 0.5}}),
    ('[actions]\nbrand = "none"\n',                {"actions": {"brand": "none"}}),
    ('brand_with_counterfeit = "review"\n',        {"brand_with_counterfeit": "review"}),
]


def copy_with_policy(tmp_path, text: str):
    directory = tmp_path / "wordlists"
    shutil.copytree(BUNDLED_WORDLISTS, directory)
    (directory / "policy.toml").write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize("text, key", BAD)
def test_a_bad_policy_value_stops_the_load_naming_file_and_key(tmp_path, text, key):
    with pytest.raises(WordlistError) as err:
        load_wordlists(copy_with_policy(tmp_path, text))
    message = str(err.value)
    assert message.startswith("policy.toml: "), message
    assert f" {key}: " in message, message


@pytest.mark.parametrize("text, expected", GOOD)
def test_values_in_range_load_and_the_rest_keep_their_defaults(tmp_path, text, expected):
    policy = Policy.from_wordlists(load_wordlists(copy_with_policy(tmp_path, text)))
    defaults = Policy.from_dict({})
    for name in ("block_score", "min_finding_score", "brand_with_counterfeit", "severity_scores"):
        assert getattr(policy, name) == expected.get(name, getattr(defaults, name)), name
    assert policy.actions == {**defaults.actions, **expected.get("actions", {})}


def test_the_bundled_policy_is_the_default_policy():
    """The bundled policy.toml spells the defaults out for editors; the schema holds them once."""
    bundled = tomllib.loads((BUNDLED_WORDLISTS / "policy.toml").read_text(encoding="utf-8"))
    assert Policy.from_dict(bundled) == Policy.from_dict({})
