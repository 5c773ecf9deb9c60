"""The learned review model (scanner/text/clause_model.py): its definition against the scorer the engine runs, the
shipped file against its trainer, and what the engine does with a flagged clause."""
from __future__ import annotations

import gzip
import json
import random

import pytest

from scanner.engine import Scanner
from scanner.text import clause_model
from scanner.text.clause_model import ClauseModel, clause_script, clause_spans
from scanner.text.normalize import normalise
from tests.support import ROOT

# Hard negatives of the rules' tables that the shipped model (26 writers) sends to review: two. The model of twenty-two
# flagged seven (these and five English ones about honest or refunded reviews, now passing in their tables); the model
# of sixteen also 五星好评就送给这家店了 and 之前给了好评就退了货. The accepted cost of its first-seen
# recall (docs/accuracy-study.md, "Reviews: a learned second opinion"). Without the model each passes; with it the
# model's clause is the only finding. The tables they came from leave them out (test_review_kinds.py,
# test_scan_families.py) and this one holds them, so a retrained model that fixes or adds one shows here.
KNOWN_FALSE_POSITIVES = (
    "I changed my review to 5 stars after they fixed the zipper",
    "I changed my rating to 5 stars after they sent a replacement for free.",
)


@pytest.fixture
def restore_model():
    saved = list(clause_model._shipped)
    yield clause_model.use
    clause_model._load_error.clear()
    clause_model._shipped[:] = saved


def tiny(weights: dict, categories=("incentivized_review",), thresholds=((5.0, 5.0),), bias=(0.0,)) -> ClauseModel:
    """A made-up model: `weights`, and their prefixes at weight 0 (a model holds every gram's prefixes)."""
    rows = {g[:n]: [0.0] * len(categories) for g in weights for n in range(1, len(g))}
    rows.update({g: list(w) for g, w in weights.items()})
    return ClauseModel.from_dict({"categories": list(categories), "bias": list(bias),
                                  "thresholds": [list(t) for t in thresholds], "weights": rows})


@pytest.mark.parametrize("text, clauses", [
    ("质量不错,好评返现5元!谢谢", ["质量不错", "好评返现5元", "谢谢"]),
    ("price 99.9, 1,000 sold; great", ["price 99.9", "1,000 sold", "great"]),
    ("红、黄、蓝三色可选", ["红、黄、蓝三色可选"]),
    ("  \n , 。", []),
    ("one line\nanother line", ["one line", "another line"]),
    ("返现,\u0661\u0662元", ["返现", "\u0661\u0662元"]),  # only an ASCII digit keeps a comma inside a clause
    ("", []),
])
def test_clauses_end_at_clause_punctuation_not_inside_numbers_or_lists(text, clauses):
    assert [text[s:e] for s, e in clause_spans(text)] == clauses


def test_the_units_are_clauses_of_the_normalised_text():
    """What the model was trained on: the normaliser drops full stops and line breaks, so an English review's
    sentences and unpunctuated lines are one clause (splitting the original text is a retraining's change)."""
    key = normalise("Soft fabric. Fast delivery\n好评返现\n谢谢，再来").key
    assert [key[s:e] for s, e in clause_spans(key)] == [key[:key.index(",")], "再来"]


@pytest.mark.parametrize("clause, script", [("好评返现", 0), ("hp返现5元", 0), ("five stars for a refund", 1), ("123", 1)])
def test_script_of_a_clause(clause, script):
    assert clause_script(clause) == script


def _texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "fixtures" / "reviews").glob("reviews*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    rnd = random.Random(20)
    pieces = ["好评", "返现", "加", "v", "微信", "，", ",", "。", " ", "5", "元", "five", "stars", "refund", "\n", "!", "哈"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))) for _ in range(300)]
    return texts


def test_the_engines_scorer_equals_the_definition_clause_by_clause():
    """clause_scores (one automaton pass over the field, grams counted once per clause) against score (the
    plain definition, each clause's gram set) on every review fixture and random strings of the model's grams."""
    model = clause_model.shipped()
    assert model is not None
    checked = 0
    for text in _texts():
        key = normalise(text).key
        compiled, python = model.clause_scores(key), model.clause_scores_python(key)
        assert [(s, e) for s, e, _ in compiled] == [(s, e) for s, e, _ in python] == clause_spans(key)
        for (s, e, scores), (_, _, scores_python) in zip(compiled, python):
            definition = model.score(key[s:e])
            # sums in another order: equal to rounding
            assert scores == pytest.approx(definition, rel=1e-9, abs=1e-9)
            assert scores_python == pytest.approx(definition, rel=1e-9, abs=1e-9)
            checked += 1
    assert checked > 5000


def test_what_the_engine_flags_is_what_the_definition_flags():
    """flagged (compiled: splitting, scoring and thresholds in C, when built) against the definition: clause_spans,
    score per clause, the category's threshold for clause_script."""
    model = clause_model.shipped()
    flagged = 0
    for text in _texts():
        key = normalise(text).key
        got = model.flagged(key)
        want = [(s, e, model.categories[k], x) for s, e in clause_spans(key)
                for k, x in enumerate(model.score(key[s:e])) if x >= model.thresholds[k][clause_script(key[s:e])]]
        assert [g[:3] for g in got] == [w[:3] for w in want], text
        assert [g[3] for g in got] == pytest.approx([w[3] for w in want], rel=1e-9)
        assert [g[:3] for g in model.flagged_python(key)] == [w[:3] for w in want]
        flagged += len(got)
    assert flagged > 500


@pytest.mark.skipif(not clause_model.COMPILED, reason="scanner.text._clause_model_c is not built")
@pytest.mark.parametrize("text", [" , 1,000. 2.5 x\u3000y ", "。。", "a.b,c\n\nd", "，好评，", "~～|｜•"])
def test_the_compiled_splitter_is_the_definitions(text):
    assert clause_model._compiled.clause_spans(text) == clause_spans(text)


@pytest.mark.skipif(not clause_model.COMPILED, reason="scanner.text._clause_model_c is not built")
@pytest.mark.parametrize("text", ["", "a", "abcd", "好评返现" * 3, "\U0001F600好评\U0010FFFF", "x" * 10_000, "五星"])
def test_the_compiled_table_at_its_edges(text):
    """Grams at the ends of a clause, astral code points (21 bits), a gram repeated many times (counted once)."""
    model = tiny({"a": (1.0,), "abcd": (2.0,), "好评": (3.0,), "\U0010FFFF": (4.0,), "xx": (0.5,), "xxxx": (0.25,)})
    for s, e, scores in model.clause_scores(text):
        assert scores == pytest.approx(model.score(text[s:e]))


@pytest.mark.skipif(not clause_model.COMPILED, reason="scanner.text._clause_model_c is not built")
def test_the_compiled_table_refuses_what_it_cannot_hold():
    table_of = clause_model._compiled.GramTable
    with pytest.raises(ValueError, match="1 to 4"):
        table_of(["abcde"], [[1.0]], [0.0], [[1.0, 1.0]])
    with pytest.raises(ValueError, match="twice"):
        table_of(["ab", "ab"], [[1.0], [1.0]], [0.0], [[1.0, 1.0]])
    with pytest.raises(ValueError, match="threshold pair"):
        table_of(["ab"], [[1.0]], [0.0], [[1.0]])
    with pytest.raises(ValueError, match="outside"):
        table_of(["ab"], [[1.0]], [0.0], [[1.0, 1.0]]).clause_scores("ab", [(0, 5)])


@pytest.mark.skipif(not clause_model.COMPILED, reason="scanner.text._clause_model_c is not built")
@pytest.mark.parametrize("seed", range(40))
def test_the_compiled_flagging_skips_only_clauses_that_cannot_reach_a_threshold(seed):
    """The compiled `flagged` sums the grams of one character first and looks up longer grams only where a category
    could still reach its threshold (a bound on what they add). Brute force is the oracle: random models (grams
    of 1-4 letters of a small alphabet, weights of both signs, 1 to 9 categories) and random clauses, each threshold
    set at or just beside the score of one of the clauses, so every clause sits near a bound's edge."""
    rnd = random.Random(seed)
    alphabet = "ab好评c"
    k = rnd.randint(1, 9)
    weights: dict[str, list[float]] = {}
    for _ in range(rnd.randint(1, 60)):
        gram = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4)))
        for n in range(1, len(gram) + 1):  # a model holds every gram's prefixes
            weights.setdefault(gram[:n], [rnd.choice([-3.0, -0.5, 0.0, 0.25, 1.0, 2.5, 7.0]) for _ in range(k)])
    clauses = ["".join(rnd.choice(alphabet + "x") for _ in range(rnd.randint(1, 12))) for _ in range(12)]
    probe = ClauseModel.from_dict({"categories": [f"c{j}" for j in range(k)], "bias": [0.5] * k,
                                   "thresholds": [[0.0, 0.0]] * k, "weights": weights})
    scores = [probe.score(c) for c in clauses]
    thresholds = [[scores[rnd.randrange(len(clauses))][j] + rnd.choice([0.0, 0.0, 1e-9, -1e-9, 0.5])
                   for _ in range(2)] for j in range(k)]
    model = ClauseModel.from_dict({"categories": [f"c{j}" for j in range(k)], "bias": [0.5] * k,
                                   "thresholds": thresholds, "weights": weights})
    text = ",".join(clauses)
    want = [(s, e, model.categories[j]) for s, e in clause_spans(text)
            for j, x in enumerate(model.score(text[s:e])) if x >= model.thresholds[j][clause_script(text[s:e])]]
    assert [g[:3] for g in model.flagged(text)] == want


def test_flagged_compares_each_clause_with_its_scripts_threshold():
    model = tiny({"返现": (6.0,), "fund": (6.0,)}, thresholds=((5.0, 7.0),))
    assert model.flagged("好评返现") == [(0, 4, "incentivized_review", 6.0)]
    assert model.flagged("refund please") == []  # a Latin clause needs 7
    assert model.flagged("好评返现返现") == [(0, 6, "incentivized_review", 6.0)]  # a gram counts once per clause


@pytest.mark.parametrize("data, message", [
    ({"bias": [0], "thresholds": [[1, 1]], "weights": {}}, "KeyError"),
    ({"categories": ["a"], "bias": [0, 1], "thresholds": [[1, 1]], "weights": {}}, "one value per category"),
    ({"categories": ["a"], "bias": [0], "thresholds": [[1, 1]], "weights": {"x": [1, 2]}}, "one value per category"),
    ({"categories": ["a"], "bias": [0], "thresholds": [[1, 1]], "weights": {"": [1]}}, "one value per category"),
    ({"categories": ["a"], "bias": [0], "thresholds": [[1]], "weights": {}}, "threshold per script"),
    ({"categories": ["a"], "bias": [0], "thresholds": [[float("nan"), 1]], "weights": {}}, "must be numbers"),
    ({"categories": ["a"], "bias": ["x"], "thresholds": [[1, 1]], "weights": {}}, "ValueError"),
    ({"categories": ["a"], "bias": [0], "thresholds": [[1, 1]], "weights": []}, "AttributeError"),
    ({"categories": ["a"], "bias": [0], "thresholds": [[1, 1]], "weights": {"ab": [1], "b": [1]}}, "prefixes"),
    ({"categories": ["a"], "bias": [0], "thresholds": [[1, 1]], "weights": {"a": [float("inf")]}}, "finite"),
])
def test_a_malformed_model_is_refused_with_what_is_wrong(data, message):
    with pytest.raises(ValueError, match=message):
        ClauseModel.from_dict(data)


def test_a_damaged_shipped_file_stops_the_scan_from_running_without_it(tmp_path, monkeypatch, restore_model):
    bad = tmp_path / "clause_model.json.gz"
    bad.write_bytes(gzip.compress(b'{"categories": ["a"]}'))
    monkeypatch.setattr(clause_model, "SHIPPED_PATH", bad)
    clause_model._shipped.clear()
    with pytest.raises(ValueError, match="clause_model.json.gz"):
        clause_model.shipped()
    bad.unlink()  # raised again from memory, not read again
    with pytest.raises(ValueError, match="clause_model.json.gz"):
        clause_model.shipped()
    with pytest.raises(ValueError):  # a service, batch or Spark job stops at start-up
        Scanner.from_defaults(with_images=False)
    clause_model.use(None)
    clause_model._shipped.clear()
    monkeypatch.setattr(clause_model, "SHIPPED_PATH", tmp_path / "absent.json.gz")
    assert clause_model.shipped() is None  # a trimmed install scans without it (versions say "none")


def test_the_shipped_model_is_what_its_trainer_makes_from_the_listed_sets():
    from tools.train_clause_model import DEVELOPMENT_SETS, Corpus, load_set, model_dict

    made = ClauseModel.from_dict(model_dict(Corpus.build({name: load_set(name) for name in DEVELOPMENT_SETS})))
    assert made.version == clause_model.shipped().version
    assert not {"reviews34", "reviews35"} & set(DEVELOPMENT_SETS)  # kept for first-seen


def _review(text: str, **extra) -> dict:
    return {"kind": "review", "id": "r-1", "listing_id": "sku-1", "text": text, **extra}


def test_a_flagged_clause_is_a_review_level_finding_over_the_callers_text(restore_model):
    restore_model(tiny({"卡片": (9.0,)}))  # a made-up model: the glue is tested, not the shipped weights
    text = "衣服挺好 ，包裹里夹了张小卡 片，就写了"
    result = Scanner(Scanner.from_defaults(with_images=False).text_engine).scan(_review(text))
    model_findings = [f for f in result.findings if f.term == "clause_model"]
    assert len(model_findings) == 1
    f = model_findings[0]
    assert (f.category, f.effect, f.severity) == ("incentivized_review", "review", "low")
    assert text[f.start:f.end] == f.text == "包裹里夹了张小卡 片"  # the normaliser dropped the blank; the span maps back
    assert "learned review model" in f.explanation and "score 9.0 >= 5.0" in f.explanation
    assert result.decision == "review"
    assert result.versions["clause_model"] == clause_model.shipped().version
    zh = Scanner.from_defaults(with_images=False).scan(_review(text), language="zh")
    assert any("学习模型" in g.explanation for g in zh.findings if g.term == "clause_model")


def test_the_model_reads_reviews_and_qa_only_and_adds_nothing_the_engine_found(restore_model):
    restore_model(tiny({"卡片": (9.0,), "返现": (9.0,)}))
    scanner = Scanner.from_defaults(with_images=False)
    listing = scanner.scan({"id": "l-1", "title": "包裹里夹了张小卡片"})
    assert not [f for f in listing.findings if f.term == "clause_model"]
    assert "clause_model" not in listing.versions
    # the engine's own finding of the category over the clause: no second one from the model
    result = scanner.scan(_review("好评返现5元"))
    assert [f.category for f in result.findings] == ["incentivized_review"]
    assert result.findings[0].term != "clause_model"


def test_a_personal_data_clause_is_shown_masked(restore_model):
    restore_model(tiny({"住在": (9.0,)}, categories=("personal_data",)))
    text = "快递给张三，住在幸福路12号"
    result = Scanner.from_defaults(with_images=False).scan(_review(text))
    f = [f for f in result.findings if f.term == "clause_model"][0]
    assert f.category == "personal_data" and text[f.start:f.end] == "住在幸福路12号"
    assert f.text == "*" * len("住在幸福路12号")


def test_without_a_model_reviews_scan_as_before_and_say_so(restore_model):
    restore_model(None)
    result = Scanner.from_defaults(with_images=False).scan(_review("包裹里夹了张小卡片"))
    assert not [f for f in result.findings if f.term == "clause_model"]
    assert result.versions["clause_model"] == "none"


def test_a_clause_holding_personal_data_the_engine_found_is_left_to_that_finding(restore_model):
    """A clause-wide finding would show the card number the engine's finding masks (the code review's case)."""
    restore_model(tiny({"卡号": (9.0,)}, categories=("diversion",)))
    text = "差价说好退我，卡号写这：六二一七 零零零一 二三四五 六七八九 零一二，建设银行，别再拖了"
    result = Scanner.from_defaults(with_images=False).scan(_review(text), mask=True)
    assert [f.term for f in result.findings if f.category == "personal_data"]
    assert not [f for f in result.findings if f.term == "clause_model"]
    assert not any("零零零一" in (f.text or "") for f in result.findings)
    alone = Scanner.from_defaults(with_images=False).scan(_review("卡号写这里，谢谢"))
    assert [f.term for f in alone.findings] == ["clause_model"]  # without personal data the clause is flagged


def test_the_models_findings_never_add_up_to_a_block():
    """Review at most, whatever the policy's block_score: a guess asks a person."""
    from dataclasses import replace

    from scanner.results import Finding
    from scanner.text.policy import decide

    policy = replace(Scanner.from_defaults(with_images=False).text_engine.policy, block_score=80)
    guesses = [Finding(kind="text", category="incentivized_review", field="text", severity="low", score=0.5,
                       explanation="", effect="review", start=i, end=i + 1, text="x", term="clause_model")
               for i in range(3)]
    assert decide(guesses, policy)[0] == "review"
    words = [g._replace(term="好评返现") for g in guesses]
    assert decide(words, policy)[0] == "block"  # three such word-list findings do (1 - 0.5^3 = 0.875)


def test_the_first_scans_arriving_together_load_one_model(restore_model):
    import threading

    clause_model._shipped.clear()
    barrier, got = threading.Barrier(8), []

    def first_scan():
        barrier.wait()
        got.append(clause_model.shipped())

    threads = [threading.Thread(target=first_scan) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in got}) == 1 and got[0] is not None


@pytest.mark.parametrize("text", KNOWN_FALSE_POSITIVES)
def test_known_false_positives_of_the_shipped_model(text, restore_model):
    scanner = Scanner.from_defaults(with_images=False)
    with_model = scanner.scan(_review(text))
    assert with_model.decision == "review"
    assert {f.term for f in with_model.findings} == {"clause_model"}
    restore_model(None)
    assert scanner.scan(_review(text)).decision == "pass"
