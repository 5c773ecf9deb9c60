"""tools/train_clause_model.py --method logistic (#15, thirty-sixth session): L2 logistic regression over the same
clause grams as the naive Bayes trainer, written into the same table (scanner/text/clause_model.py scores any linear
model). The optimiser is checked against its own definition (the loss it minimises, evaluated by brute force around
the answer), and the whole trainer on a small corpus of labelled listings in two writers' wording."""
from __future__ import annotations

import numpy as np
import pytest

scipy = pytest.importorskip("scipy")

from scanner.text.clause_model import ClauseModel  # noqa: E402
from tools.train_clause_model import (Corpus, design, fit_logistic, listing_fields, model_dict,  # noqa: E402
                                      train_logistic)


def loss(x, y, w, b, lam):
    """The objective, written out: the clauses' log loss plus lam/2 |w|^2."""
    z = x @ w + b
    return float(np.sum(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0) - y * z) + 0.5 * lam * w @ w)


def test_the_answer_is_the_minimum_of_the_loss_it_states():
    import scipy.sparse as sp

    rng = np.random.default_rng(7)
    dense = (rng.random((300, 40)) < 0.15).astype(float)
    y = (dense[:, 0] + dense[:, 3] - dense[:, 5] + rng.normal(0, 0.3, 300) > 0.4)
    x = sp.csr_matrix(dense)
    kept = np.ones(40, dtype=bool)
    kept[[7, 8]] = False  # grams seen too rarely: they weigh 0
    w, b = train_logistic(x, y, 2.0, kept)
    assert w[7] == 0.0 and w[8] == 0.0
    at = loss(x, y, w, b, 2.0)
    for _ in range(200):  # every nearby point over the kept grams is no better
        step = rng.normal(0, 0.05, 40) * kept
        assert loss(x, y, w + step, b + rng.normal(0, 0.05), 2.0) >= at - 1e-6
    assert w[0] > 0 and w[3] > 0 and w[5] < 0


def _writer(n: int, cue: str, innocent: str) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append({"title": f"货号{i} 现货", "description": f"{cue}，第{i}批",
                     "expected": {"decision": "review", "findings": [
                         {"category": "diversion", "text": cue, "field": "description"}]}})
        rows.append({"title": f"货号{i} 新品", "description": f"{innocent}，第{i}批", "expected": {"decision": "pass", "findings": []}})
    return rows


def test_a_small_corpus_gives_a_model_that_flags_the_family_and_passes_the_innocent_wording():
    sets = {f"w{j}": _writer(30, cue, innocent) for j, (cue, innocent) in enumerate([
        ("详情加薇信聊", "详情见图片"), ("私下加薇信便宜", "下单备注尺码"), ("加个薇信发你", "当天发货包邮"),
        ("薇信号在图里", "图片为实拍"), ("薇信转账优惠", "支持七天无理由"), ("下单后加薇信", "下单后48小时发")])}
    corpus = Corpus.build(sets, ("diversion",), listing_fields)
    weights, bias, thresholds, lam = fit_logistic(corpus, 0, list(range(6)), 0.97, design(corpus), lambdas=(1.0, 4.0))
    assert lam in (1.0, 4.0) and np.isfinite(thresholds[0])  # Chinese clauses; no Latin clause: never flagged
    model = ClauseModel.from_dict(model_dict(corpus, method="logistic"))
    assert model.meta["method"] == "logistic"
    assert [c for _, _, c, _ in model.flagged("有事加薇信")] == ["diversion"]
    assert model.flagged("图片为实拍，当天发货") == []
