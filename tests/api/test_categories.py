"""Categories are defined once (scanner/categories.py) and served to the editor page (issue #14)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.categories import CATEGORIES, DEFAULT_ACTIONS, EXPLANATION_LABELS, TABLE, as_json
from scanner.text.policy import Policy

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"


@pytest.mark.parametrize("fixture", ["client", "keyed"])
def test_the_table_is_served_without_a_key(request, fixture):
    resp = request.getfixturevalue(fixture).get("/v1/categories")
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"categories": as_json()}
    assert [c["id"] for c in resp.json()["categories"]] == list(CATEGORIES)


def test_the_route_is_documented(client):
    spec = client.get("/openapi.json").json()
    assert "/v1/categories" in spec["paths"]
    assert "CategoriesOut" in spec["components"]["schemas"]


def test_policy_defaults_and_explanation_labels_come_from_the_table():
    assert Policy.from_dict({}).actions == DEFAULT_ACTIONS == {c.id: c.default_action for c in TABLE}
    assert set(EXPLANATION_LABELS) == {c.id for c in TABLE if c.kind == "text"}


@pytest.mark.parametrize("category", TABLE, ids=lambda c: c.id)
def test_the_page_holds_no_category_labels_of_its_own(category):
    """categories.js quotes no label, and no script keeps a category's {en, zh} pair (the old copy)."""
    scripts = {p.name: p.read_text("utf-8") for p in STATIC.glob("*.js") if not p.name.startswith("swagger")}
    quoted = [re.compile(q + re.escape(label) + q) for label in (category.en, category.zh) for q in ("\"", "'", "`")]
    assert not any(q.search(scripts["categories.js"]) for q in quoted)
    pair = re.compile(r"en:\s*[\"']" + re.escape(category.en) + r"[\"'],\s*zh:\s*[\"']" + re.escape(category.zh))
    assert [name for name, text in scripts.items() if pair.search(text)] == []
