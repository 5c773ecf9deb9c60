"""Train the clause models (scanner/text/clause_model.py): the review model from labelled review sets, the listing
model from labelled listing sets.

    python -m tools.train_clause_model                   # reviews -> scanner/text/clause_model.json.gz
    python -m tools.train_clause_model --kind listing    # listings -> scanner/text/listing_clause_model.json.gz

`--method logistic` trains L2-regularised logistic regression (same features, same table: a linear score per
category), its lambda per category chosen from LAMBDAS by out-of-fold recall at the precision, out of fold over
LOGISTIC_FOLDS groups of the training sets (a fit per set would cost minutes per category); ~9 minutes on two cores
for the listing sets. It is the listing model's method since the thirty-ninth session (KINDS): on two fresh writers
it added +4.1 points of first-seen recall each where naive Bayes added +1.6 and +2.2, at the same clean pass
(docs/accuracy-study.md). The review model stays naive Bayes.

Naive Bayes per category (one-vs-rest: a clause can carry two categories) over the distinct character
1-4-grams of each clause of the engine's normalised text. A clause is positive for a category when it overlaps
an expected finding of that category. Grams seen in fewer than `min_count` training clauses weigh 0 (and are
not shipped). Each category's threshold is the lowest score whose clause precision, out of fold (each training
set scored by a model of the others), is still >= `precision`; a category that cannot reach it is never
flagged. Only DEVELOPMENT_SETS (LISTING_DEVELOPMENT_SETS) are read: writers after them stay a first-seen
measurement. A listing's clauses are those of each of its text fields (title, description, bullets, attributes).
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scanner.text.clause_model import SCRIPTS, clause_grams, clause_script, clause_spans
from tools.evaluation import _occurrences
from tools.study_clause_model import pick_threshold

ROOT = Path(__file__).resolve().parent.parent
REVIEWS = ROOT / "fixtures" / "reviews"
LISTINGS = ROOT / "fixtures" / "listings"
# The sets the shipped model is trained on: every labelled review writer up to reviews33. Each of reviews24-33 was
# first measured first-seen against a model trained before it (of 16 writers: 24-29; of 22: 30-33;
# docs/accuracy-study.md); the next writers (reviews34 on) measure this one.
DEVELOPMENT_SETS = ["reviews_dev", "reviews1"] + [f"reviews{i}" for i in range(10, 34)]
# brand and prohibited goods: the study found nothing the engine misses (names and goods are lists' work)
MODEL_CATEGORIES = ("absolute_term", "counterfeit", "diversion", "false_claim", "illegal_service",
                    "incentivized_review", "medical_claim", "personal_data")
# The listing model (#15): every labelled listing writer up to holdout35 (and the hand-labelled set). holdout36 and
# holdout37 were measured first-seen against the engine alone, the earlier naive-Bayes model and this one before it
# shipped (docs/accuracy-study.md); they and the next writers are never trained on.
LISTING_DEVELOPMENT_SETS = ["holdout"] + [f"holdout{i}" for i in range(2, 36)] + ["labelled"]
# Not personal data: the recognisers validate what they find (check digits, Luhn, context), and a model of digit
# shapes flagged 14 of tests/text/test_personal_data.py's near misses (order numbers, IDs with a wrong check digit).
# Not absolute terms: the rows scope them ("one of the best", "World's #1 Mom" pass on purpose, hard negatives in
# tests/text/test_scan_cases.py and test_scan_families.py), and the model flagged both.
LISTING_CATEGORIES = ("brand", "counterfeit", "diversion", "false_claim", "illegal_service", "incentivized_review",
                      "medical_claim", "prohibited_goods")
PRECISION = 0.97
SMOOTHING = 0.1
MIN_COUNT = 2
LAMBDAS = (1.0, 4.0, 16.0)  # --method logistic: the L2 strengths tried per category
LOGISTIC_FOLDS = 5
METHODS = ("naive_bayes", "logistic")


def load_set(name: str, folder: Path = REVIEWS) -> list[dict]:
    lines = (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip().startswith("{")]


def review_fields(row: dict) -> list[tuple[str, str, str]]:
    """(field, text, the field an expected finding names when it names none) of a labelled review: its text."""
    return [("text", row.get("text") or "", "text")]


def listing_fields(row: dict) -> list[tuple[str, str, str]]:
    """The same of a labelled listing: its text fields as the engine reads them (scanner/listing.py); an expected
    finding without a field is the title's (tools/evaluation.py)."""
    from scanner.listing import parse_listing

    listing = {k: v for k, v in row.items() if k != "expected"}
    return [(name, text, "title") for name, text in parse_listing(listing, max_field_chars=10**9,
                                                                  max_fields=10**9).fields]


KINDS = {  # --kind: (folder, development sets, categories, fields of a row, where the model goes, method)
    "review": (REVIEWS, DEVELOPMENT_SETS, MODEL_CATEGORIES, review_fields, "clause_model.json.gz", "naive_bayes"),
    "listing": (LISTINGS, LISTING_DEVELOPMENT_SETS, LISTING_CATEGORIES, listing_fields, "listing_clause_model.json.gz",
                "logistic"),
}


@dataclass
class Corpus:
    """Every clause of every set: its grams as vocabulary ids (CSR), labels, where it came from."""

    categories: tuple[str, ...]
    vocab: dict[str, int]
    set_of: np.ndarray
    row_of: list[int]
    original_span: list[tuple[int, int]]
    positive: np.ndarray  # clauses x categories, bool
    script: np.ndarray  # clause_script of each clause (an index into SCRIPTS)
    indptr: np.ndarray
    indices: np.ndarray

    @property
    def n_clauses(self) -> int:
        return len(self.row_of)

    @classmethod
    def build(cls, sets: dict[str, list[dict]], categories: tuple[str, ...] = MODEL_CATEGORIES,
              fields=review_fields) -> "Corpus":
        from scanner.text.normalize import normalise

        vocab: dict[str, int] = {}
        set_of, row_of, spans, labels, feats, scripts = [], [], [], [], [], []
        for si, rows in enumerate(sets.values()):
            for ri, row in enumerate(rows):
                labelled = row.get("expected", {}).get("findings", [])
                for name, text, unnamed in fields(row):
                    norm = normalise(text)
                    expected = [(f["category"], s, e) for f in labelled if f.get("field", unnamed) == name
                                for s, e in _occurrences(text, f["text"])]
                    for s, e in clause_spans(norm.key):
                        os_, oe = norm.span(s, e)
                        labels.append([any(c == cat and os_ < fe and fs < oe for cat, fs, fe in expected)
                                       for c in categories])
                        feats.append(sorted(vocab.setdefault(g, len(vocab))
                                            for g in sorted(clause_grams(norm.key[s:e]))))
                        set_of.append(si); row_of.append(ri); spans.append((os_, oe))
                        scripts.append(clause_script(norm.key[s:e]))
        indptr = np.concatenate([[0], np.cumsum([len(f) for f in feats])]).astype(np.int64)
        indices = np.fromiter((g for f in feats for g in f), dtype=np.int64, count=int(indptr[-1]))
        return cls(tuple(categories), vocab, np.array(set_of), row_of, spans,
                   np.array(labels, dtype=bool).reshape(len(labels), len(categories)), np.array(scripts), indptr,
                   indices)

    def clause_of_gram(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_clauses), np.diff(self.indptr))

    def scores(self, weights: np.ndarray, bias: float, mask: np.ndarray) -> np.ndarray:
        sums = np.add.reduceat(np.concatenate([weights[self.indices], [0.0]]), self.indptr[:-1])
        sums[np.diff(self.indptr) == 0] = 0.0  # reduceat's quirk for an empty clause
        return (sums + bias)[mask]


def train(corpus: Corpus, k: int, mask: np.ndarray, smoothing: float, min_count: int) -> tuple[np.ndarray, float]:
    """(per-gram log-odds, prior log-odds) of category k from the masked clauses; grams seen in fewer than
    min_count of them weigh 0."""
    size = len(corpus.vocab)
    positive = corpus.positive[:, k]
    owner = corpus.clause_of_gram()
    pos = np.bincount(corpus.indices[(mask & positive)[owner]], minlength=size).astype(float)
    neg = np.bincount(corpus.indices[(mask & ~positive)[owner]], minlength=size).astype(float)
    kept = (pos + neg) >= min_count
    v = kept.sum()
    log_pos = np.log(pos + smoothing) - np.log(pos[kept].sum() + smoothing * v)
    log_neg = np.log(neg + smoothing) - np.log(neg[kept].sum() + smoothing * v)
    n_pos, n_neg = (mask & positive).sum(), (mask & ~positive).sum()
    return np.where(kept, log_pos - log_neg, 0.0), float(np.log((n_pos + 1) / (n_neg + 1)))


def design(corpus: Corpus):
    """The clauses x grams presence matrix (scipy CSR) the logistic trainer reads."""
    import scipy.sparse as sp

    return sp.csr_matrix((np.ones(len(corpus.indices)), corpus.indices, corpus.indptr),
                         shape=(corpus.n_clauses, len(corpus.vocab)))


def train_logistic(x, positive: np.ndarray, lam: float, kept: np.ndarray, max_iter: int = 300) -> tuple[np.ndarray, float]:
    """(per-gram weights, bias) minimising the clauses' log loss + lam/2 |w|^2 over the grams in `kept` (the others
    weigh 0), by L-BFGS on the exact gradient. `x`: the clauses' presence rows, `positive`: their labels."""
    from scipy.optimize import minimize

    xk = x[:, kept]
    xt = xk.T.tocsr()
    y = positive.astype(float)

    def loss_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = xk @ w + b
        residual = 0.5 * (1.0 + np.tanh(0.5 * z)) - y  # sigmoid(z) - y, without overflow
        gradient = np.empty_like(theta)
        gradient[:-1] = xt @ residual + lam * w
        gradient[-1] = residual.sum()
        return float(np.logaddexp(0.0, z).sum() - y @ z + 0.5 * lam * (w @ w)), gradient

    start = np.zeros(xk.shape[1] + 1)
    start[-1] = np.log((y.sum() + 1) / (len(y) - y.sum() + 1))
    theta = minimize(loss_and_gradient, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iter}).x
    weights = np.zeros(x.shape[1])
    weights[kept] = theta[:-1]
    return weights, float(theta[-1])


def fit_logistic(corpus: Corpus, k: int, train_sets: list[int], precision: float, x=None,
                 lambdas: tuple[float, ...] = LAMBDAS, min_count: int = MIN_COUNT,
                 folds: int = LOGISTIC_FOLDS) -> tuple[np.ndarray, float, list[float], float]:
    """(weights, bias, thresholds per script, lambda) of category k by logistic regression: for each lambda, scores
    out of fold over `folds` groups of train_sets and the thresholds at `precision`; the lambda whose out-of-fold
    recall is highest is refitted on every training set."""
    x = design(corpus) if x is None else x
    positive = corpus.positive[:, k]
    in_train = np.isin(corpus.set_of, train_sets)
    owner = corpus.clause_of_gram()
    group = np.full(corpus.n_clauses, -1)
    for i, s in enumerate(train_sets):
        group[corpus.set_of == s] = i % folds

    def kept(mask: np.ndarray) -> np.ndarray:
        return np.bincount(corpus.indices[mask[owner]], minlength=len(corpus.vocab)) >= min_count

    best = None
    for lam in lambdas:
        oof = np.empty(corpus.n_clauses)
        for g in range(folds):
            fold_train, held = in_train & (group != g), in_train & (group == g)
            if held.any():
                w, b = train_logistic(x[fold_train], positive[fold_train], lam, kept(fold_train))
                oof[held] = x[held] @ w + b
        thresholds = [pick_threshold(oof[in_train & (corpus.script == j)], positive[in_train & (corpus.script == j)],
                                     precision) for j in range(len(SCRIPTS))]
        flagged = np.zeros(corpus.n_clauses, dtype=bool)
        for j, t in enumerate(thresholds):
            m = in_train & (corpus.script == j)
            flagged[m] = oof[m] >= t
        recall = (flagged & positive).sum() / max(1, (positive & in_train).sum())
        if best is None or recall > best[0]:
            best = (recall, lam, thresholds)
    _, lam, thresholds = best
    weights, bias = train_logistic(x[in_train], positive[in_train], lam, kept(in_train))
    return weights, bias, thresholds, lam


def fit(corpus: Corpus, k: int, train_sets: list[int], precisions: list[float], smoothing: float = SMOOTHING,
        min_count: int = MIN_COUNT) -> tuple[np.ndarray, float, dict[float, float]]:
    """(weights, bias, {precision: threshold}) of category k, trained and thresholded on train_sets only."""
    positive = corpus.positive[:, k]
    in_train = np.isin(corpus.set_of, train_sets)
    oof = np.empty(corpus.n_clauses)
    for s in train_sets:
        weights, bias = train(corpus, k, in_train & (corpus.set_of != s), smoothing, min_count)
        held = corpus.set_of == s
        oof[held] = corpus.scores(weights, bias, held)
    # one threshold per script: English clauses are longer (more grams, larger sums) than Chinese ones
    thresholds = {p: [pick_threshold(oof[in_train & (corpus.script == j)], positive[in_train & (corpus.script == j)], p)
                      for j in range(len(SCRIPTS))] for p in precisions}
    weights, bias = train(corpus, k, in_train, smoothing, min_count)
    return weights, bias, thresholds


def model_dict(corpus: Corpus, train_sets: list[int] | None = None, precision: float = PRECISION,
               smoothing: float = SMOOTHING, min_count: int = MIN_COUNT, digits: int = 4,
               method: str = "naive_bayes") -> dict:
    """A model as shipped (ClauseModel.from_dict reads it): every category fitted on `train_sets` (default: every
    set of the corpus) by `method` (METHODS); weights rounded to `digits`."""
    if train_sets is None:
        train_sets = list(range(int(corpus.set_of.max()) + 1))
    columns, bias, thresholds, lambdas = [], [], [], []
    x = design(corpus) if method == "logistic" else None
    for k in range(len(corpus.categories)):
        if method == "logistic":
            w, b, t_k, lam = fit_logistic(corpus, k, train_sets, precision, x, min_count=min_count)
            lambdas.append(lam)
        else:
            w, b, t = fit(corpus, k, train_sets, [precision], smoothing, min_count)
            t_k = t[precision]
        columns.append(np.round(w, digits)); bias.append(round(b, digits)); thresholds.append(t_k)
    matrix = np.stack(columns, axis=1)
    grams = sorted(corpus.vocab, key=corpus.vocab.get)
    # every gram seen in min_count training clauses, even at weight 0: then every gram's prefixes are grams too
    # (a prefix is in every clause its gram is in), which the compiled scorer relies on (ClauseModel.from_dict)
    in_train = np.isin(corpus.set_of, train_sets)
    seen = np.bincount(corpus.indices[in_train[corpus.clause_of_gram()]], minlength=len(grams)) >= min_count
    weights = {g: [float(x) for x in matrix[i]] for i, g in enumerate(grams) if seen[i]}
    meta = {"precision": precision, "smoothing": smoothing, "min_count": min_count}
    if method == "logistic":  # a naive Bayes model's meta stays as it was (its version reads only the table)
        meta = {"method": method, "precision": precision, "min_count": min_count, "lambdas": lambdas}
    return {"meta": meta,
            "categories": list(corpus.categories), "bias": bias,
            "thresholds": [[x if np.isfinite(x) else 1e9 for x in t] for t in thresholds], "weights": weights}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=sorted(KINDS), default="review")
    parser.add_argument("--out", type=Path, help="default: scanner/text/<the kind's model file>")
    parser.add_argument("--sets", nargs="+", help="default: the kind's development sets")
    parser.add_argument("--method", choices=METHODS, help="default: the kind's (KINDS)")
    args = parser.parse_args(argv)
    folder, development, categories, fields, filename, method = KINDS[args.kind]
    sets, out = args.sets or development, args.out or ROOT / "scanner" / "text" / filename
    corpus = Corpus.build({name: load_set(name, folder) for name in sets}, categories, fields)
    data = model_dict(corpus, method=args.method or method)
    data["meta"]["trained_on"] = [f"{folder.relative_to(ROOT).as_posix()}/{name}.jsonl" for name in sets]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    # gzip without a time stamp: the same corpus gives the same bytes (the file is in git)
    out.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0) if out.suffix == ".gz" else text.encode())
    print(f"{out}: {len(data['weights'])} grams, thresholds "
          + ", ".join(f"{c} {t[0]:.1f}/{t[1]:.1f}" for c, t in zip(data["categories"], data["thresholds"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
