"""The listing model (#15): scanner/text/clause_model.py's learned second opinion on listing copy, the glue in
scanner/engine.py (`_with_listing_model`), its versions, and the shipped file against its trainer.

The glue is tested with made-up models (the shipped weights are the trainer's, checked by the last test); the
shipped model's accuracy is measured first-seen in docs/accuracy-study.md, not here."""
from __future__ import annotations

import gzip
import json

import pytest

from scanner.engine import Scanner
from scanner.text import clause_model
from scanner.text.clause_model import ClauseModel


@pytest.fixture
def listing_model():
    """Swap the listing model for a test; the shipped one is put back after."""
    saved = list(clause_model._listing)
    yield clause_model.use_listing
    clause_model._listing_error.clear()
    clause_model._listing[:] = saved


def tiny(weights: dict, categories=("illegal_service",), thresholds=((5.0, 5.0),)) -> ClauseModel:
    """A made-up model: `weights`, and their prefixes at weight 0 (a model holds every gram's prefixes)."""
    rows = {g[:n]: [0.0] * len(categories) for g in weights for n in range(1, len(g))}
    rows.update({g: list(w) for g, w in weights.items()})
    return ClauseModel.from_dict({"categories": list(categories), "bias": [0.0] * len(categories),
                                  "thresholds": [list(t) for t in thresholds], "weights": rows})


def with_listing_model(**settings) -> Scanner:
    """A scanner that reads listings with the learned model: it is off unless asked (SCANNER_LISTING_MODEL=1)."""
    from scanner.config import Settings

    return Scanner.from_settings(Settings.model_construct(scan_budget_s=0.0, listing_model=True, **settings),
                                 with_images=False)


@pytest.fixture(scope="module")
def scanner():
    return with_listing_model()


# (listing, model grams, category, the clause it should flag as (field, text) or None, decision)
CASES = [
    # a stand-in exam told without any listed word: the clause, in the caller's text, for a person to confirm
    ({"title": "考研冲刺资料", "description": "时间紧可以找学长替你进 考场，当天出分"}, {"进考场": 9.0},
     "illegal_service", ("description", "时间紧可以找学长替你进 考场"), "review"),
    # a bullet and an English clause: any text field, Latin script (the next bullet is the engine's, and blocks)
    ({"title": "Essay help", "bullets": ["Plagiarism report included", "get it back ready to submit as yours"]},
     {"iari": 9.0}, "illegal_service", ("bullets[0]", "Plagiarism report included"), "block"),
    # a category whose rows block (prohibited goods): the model's guess still only asks a person
    # (not 老象 beside 老料: a row reads that pair since the thirty-fifth session, and blocks)
    ({"title": "手串 包浆", "description": "是象料，有油性，纹理清晰"}, {"象料": 9.0}, "prohibited_goods",
     ("description", "是象料"), "review"),
    # the engine already found the category over the clause: no second finding
    ({"title": "高仿包 一比一", "description": "细节看图"}, {"高仿": 9.0}, "counterfeit", None, "block"),
    # below the threshold: nothing
    ({"title": "新款连衣裙", "description": "找学长帮忙看看尺码"}, {"学长": 4.0}, "illegal_service", None, "pass"),
]


@pytest.mark.parametrize("listing, grams, category, flagged, decision", CASES)
def test_a_flagged_clause_is_a_review_level_finding_over_the_callers_text(scanner, listing_model, listing, grams,
                                                                           category, flagged, decision):
    model = tiny({g: (w,) for g, w in grams.items()}, categories=(category,))
    listing_model(model)
    result = scanner.scan({"id": "l-1", **listing})
    found = [f for f in result.findings if f.term == clause_model.TERM]
    assert result.decision == decision
    assert result.versions["listing_model"] == model.version
    if flagged is None:
        assert found == []
        return
    assert len(found) == 1
    f = found[0]
    field, text = flagged
    original = listing[field] if not field.startswith("bullets[") else listing["bullets"][int(field[8:-1])]
    assert (f.field, f.category, f.effect, f.severity) == (field, category, "review", "low")
    assert original[f.start:f.end] == f.text == text
    assert "learned listing model" in f.explanation
    zh = scanner.scan({"id": "l-1", **listing}, language="zh")
    assert any("商品文案学习模型" in g.explanation for g in zh.findings if g.term == clause_model.TERM)


def test_a_policy_that_turns_the_category_off_keeps_the_finding_without_effect(scanner, listing_model):
    listing_model(tiny({"没对手": (9.0,)}, categories=("absolute_term",)))
    listing = {"id": "l-2", "title": "闲置包包", "description": "这款在圈里没对手，自用两年"}
    default = scanner.scan(listing)
    secondhand = scanner.scan(listing, policy="secondhand")  # absolute_term = "none" there
    assert [f.effect for f in default.findings if f.term == clause_model.TERM] == ["review"]
    assert [f.effect for f in secondhand.findings if f.term == clause_model.TERM] == ["none"]
    assert secondhand.decision == "pass"


def test_reviews_do_not_read_the_listing_model_nor_listings_the_review_model(scanner, listing_model):
    listing_model(tiny({"进考场": (9.0,)}))
    saved = list(clause_model._shipped)
    clause_model.use(None)
    try:
        review = scanner.scan({"kind": "review", "id": "r-1", "listing_id": "l-1", "text": "学长替你进考场"})
        assert not [f for f in review.findings if f.term == clause_model.TERM]
        assert "listing_model" in review.versions and review.versions["clause_model"] == "none"
    finally:
        clause_model._shipped[:] = saved


def test_without_a_listing_model_listings_scan_as_before_and_say_so(scanner, listing_model):
    listing_model(None)
    result = scanner.scan({"id": "l-3", "description": "时间紧可以找学长替你进考场"})
    assert not [f for f in result.findings if f.term == clause_model.TERM]
    assert result.versions["listing_model"] == "none"


def test_a_damaged_listing_model_stops_start_up(tmp_path, monkeypatch, listing_model):
    bad = tmp_path / "listing_clause_model.json.gz"
    bad.write_bytes(gzip.compress(json.dumps({"categories": ["a"]}).encode()))
    monkeypatch.setattr(clause_model, "LISTING_PATH", bad)
    clause_model._listing.clear()
    Scanner.from_defaults(with_images=False)  # off by default: the file is not read at all
    with pytest.raises(ValueError, match="listing_clause_model.json.gz"):
        with_listing_model()
    with pytest.raises(ValueError):  # and on every later call, without reading it again
        clause_model.shipped_listing()
    clause_model._listing_error.clear()
    monkeypatch.setattr(clause_model, "LISTING_PATH", tmp_path / "absent.json.gz")
    assert clause_model.shipped_listing() is None  # a trimmed install scans without it


@pytest.mark.slow
def test_the_shipped_listing_model_is_what_its_trainer_makes_from_the_listed_sets():
    """The shipped file is the trainer's logistic model of LISTING_DEVELOPMENT_SETS. Its whole training fits each
    category 16 times (~9 minutes on two cores), so one category is fitted again here, with the lambda its meta
    records, on the same corpus: its grams, weights and bias must be the file's. (Thresholds and lambdas come from
    the out-of-fold fits, not repeated here: `python -m tools.train_clause_model --kind listing --out x.json.gz`
    makes the file byte for byte.)"""
    import numpy as np

    from tools.train_clause_model import (KINDS, LISTING_CATEGORIES, LISTING_DEVELOPMENT_SETS, LISTINGS, MIN_COUNT,
                                          Corpus, design, listing_fields, load_set, train_logistic)

    shipped = clause_model.shipped_listing()
    assert shipped.meta["method"] == KINDS["listing"][-1] == "logistic"
    assert shipped.meta["trained_on"] == [f"fixtures/listings/{name}.jsonl" for name in LISTING_DEVELOPMENT_SETS]
    # measured first-seen against it (docs/accuracy-study.md): never trained on
    assert not {"holdout36", "holdout37", "holdout38", "holdout39"} & set(LISTING_DEVELOPMENT_SETS)
    corpus = Corpus.build({name: load_set(name, LISTINGS) for name in LISTING_DEVELOPMENT_SETS}, LISTING_CATEGORIES,
                          listing_fields)
    grams = sorted(corpus.vocab, key=corpus.vocab.get)
    seen = np.bincount(corpus.indices, minlength=len(grams)) >= MIN_COUNT
    assert {g for g, s in zip(grams, seen) if s} == set(shipped.weights)
    k = LISTING_CATEGORIES.index("incentivized_review")
    weights, bias = train_logistic(design(corpus), corpus.positive[:, k], shipped.meta["lambdas"][k], seen)
    assert round(bias, 4) == shipped.bias[k]
    mine = {g: round(float(w), 4) for g, w, s in zip(grams, weights, seen) if s}
    differ = [g for g, w in mine.items() if abs(w - shipped.weights[g][k]) > 1e-4 + 1e-12]
    assert not differ, f"{len(differ)} of {len(mine)} weights differ, e.g. {differ[:5]}"


def test_by_default_listings_scan_by_the_rows_alone_and_say_so(listing_model, monkeypatch):
    """Off unless SCANNER_LISTING_MODEL=1 (#15's bar for keeping a model is not met); results say "off", not "none"."""
    from scanner.config import Settings

    listing_model(tiny({"进考场": (9.0,)}))
    listing = {"id": "l-4", "description": "时间紧可以找学长替你进考场"}
    monkeypatch.setenv("SCANNER_LISTING_MODEL", "1")
    on = Scanner.from_settings(Settings(), with_images=False)
    monkeypatch.delenv("SCANNER_LISTING_MODEL")
    off = Scanner.from_settings(Settings(), with_images=False)
    assert Scanner.from_defaults(with_images=False).versions["listing_model"] == "off"
    assert [f.term for f in on.scan(listing).findings] == [clause_model.TERM]
    result = off.scan(listing)
    assert not result.findings and result.decision == "pass"
    assert result.versions["listing_model"] == "off" and off.versions["listing_model"] == "off"
