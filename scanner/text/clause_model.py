"""A learned second opinion for reviews and Q&A (issue #20) and for listing copy (#15): naive Bayes per category
over character n-grams of a text's clauses, trained on the labelled review sets and, separately, the labelled
listing sets (tools/train_clause_model.py), shipped as data: `shipped()` and `shipped_listing()`.

Why: rules written from one writer's misses carry almost nothing to the next writer (README, "Accuracy"); a
model of the wording many writers used finds some of what no list names. It only adds: a clause whose score
for a category reaches that category's threshold becomes a `review`-level finding of that category over the
clause, unless the engine already found that category, or personal data, there. It never blocks (nor counts
towards block_score) and never removes a finding.
docs/accuracy-study.md gives its leave-one-writer-out study and its first-seen measurement.

The definition (`ClauseModel.score`, plain Python) and the scorers the engine runs (`clause_scores`: the compiled
table of scanner/text/_clause_model_c.pyx, or a dict of grams and a numpy matrix) are kept equal by
tests/text/test_clause_model.py.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.results import Finding
from scanner.text.personal_data import mask_whole
from scanner.text.verify.explain import reason, render

NGRAM_SIZES = (1, 2, 3, 4)

# A clause ends at sentence and clause punctuation of the normalised text (which has ASCII punctuation for
# full-width). A full stop or comma before an ASCII digit (99.9, 1,000) and the enumeration comma 、 do not end one.
# The normaliser has already dropped full stops, line breaks, tabs, bullets and 、 (and reads | and ! between
# letters as i), so in practice clauses end at ， , ； ; ！ ! ？ ? and 。 only: an English review's sentences, or
# lines without punctuation, are one clause. The model was trained and measured on these units; clauses of the
# original text read no better in a leave-one-writer-out comparison (docs/accuracy-study.md).
_CLAUSE_BREAK = re.compile(r"[，。！？；!?;\n\r\t|｜•●▪◆■~～]|\.(?![0-9])|,(?![0-9])")


def clause_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of the clauses of `text` (normalised), trimmed of blanks; empty ones dropped."""
    return spans_between(text, _CLAUSE_BREAK)


def spans_between(text: str, breaks: re.Pattern) -> list[tuple[int, int]]:
    """[start, end) of the stretches of `text` between matches of `breaks` (each one character), trimmed of
    blanks; empty ones dropped."""
    spans, start = [], 0
    for stop in [m.start() for m in breaks.finditer(text)] + [len(text)]:
        s, e = start, stop
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
        start = stop + 1
    return spans


SCRIPTS = ("cjk", "latin")  # thresholds are per script: a Latin clause has more grams than a Chinese one
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


def clause_script(clause: str) -> int:
    """0 when the clause holds a Chinese character, else 1 (an index into SCRIPTS)."""
    return 0 if _CJK.search(clause) else 1


def clause_grams(clause: str) -> set[str]:
    """The features of one clause: its distinct character n-grams (presence, not counts)."""
    return {clause[i:i + n] for n in NGRAM_SIZES for i in range(len(clause) - n + 1)}


def _shared_row(weights: Any, rows: dict) -> tuple[float, ...]:
    """The row as a tuple of floats, the same tuple for every gram with this row: most grams share theirs (13,421
    distinct rows among the listing model's 66,780 grams), which keeps ~20 MB out of every process. A row holding
    -0.0 keeps its own (it equals 0.0, but the version reads it as written)."""
    row = tuple(float(x) for x in weights)
    if 0.0 in row and any(x == 0.0 and math.copysign(1.0, x) < 0 for x in row):
        return row
    return rows.setdefault(row, row)


@dataclass(frozen=True)
class ClauseModel:
    """`weights[gram][k]`: the gram's log-odds for categories[k]; a gram not listed weighs 0, and a listed gram's
    prefixes are listed too (from_dict checks: the compiled scorer relies on it). A clause's
    score for category k is bias[k] + the weights of its distinct grams; it is flagged at >= thresholds[k][script]
    (clause_script)."""

    categories: tuple[str, ...]
    bias: tuple[float, ...]
    thresholds: tuple[tuple[float, ...], ...]
    weights: dict[str, tuple[float, ...]]
    version: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    _scorer: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ClauseModel":
        """From the JSON the trainer writes; ValueError when a part is missing or of the wrong shape."""
        try:
            categories = tuple(str(c) for c in data["categories"])
            k = len(categories)
            bias = tuple(float(x) for x in data["bias"])
            thresholds = tuple(tuple(float(x) for x in t) for t in data["thresholds"])
            rows: dict[tuple[float, ...], tuple[float, ...]] = {}
            weights = {str(g): _shared_row(w, rows) for g, w in data["weights"].items()}
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"clause model: {type(exc).__name__}: {exc}") from None
        if len(bias) != k or len(thresholds) != k or any(len(w) != k or not 1 <= len(g) <= max(NGRAM_SIZES)
                                                         for g, w in weights.items()):
            raise ValueError("clause model: every weight row, the bias and the thresholds need one value per category")
        if any(len(g) > 1 and g[:-1] not in weights for g in weights):
            # the compiled scorer stops lengthening a gram at the first one not in the model
            raise ValueError("clause model: every gram's prefixes must be grams of the model too")
        if any(len(t) != len(SCRIPTS) for t in thresholds):
            raise ValueError(f"clause model: each category needs a threshold per script {SCRIPTS}")
        if not all(math.isfinite(x) for x in bias) or any(math.isnan(x) for t in thresholds for x in t):
            raise ValueError("clause model: bias and thresholds must be numbers")
        distinct_rows = {id(r): r for r in weights.values()}.values()  # most grams share their row
        if not all(math.isfinite(x) for row in distinct_rows for x in row):  # the compiled bound's arithmetic needs them
            raise ValueError("clause model: weights must be finite numbers")
        canonical = json.dumps({"categories": categories, "bias": bias, "thresholds": thresholds,
                                "weights": sorted(weights.items())}, ensure_ascii=False, separators=(",", ":"))
        version = "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
        return cls(categories, bias, thresholds, weights, version, dict(data.get("meta") or {}),
                   _Scorer(weights, bias, thresholds))

    @classmethod
    def load(cls, path: str | Path) -> "ClauseModel":
        return cls.from_dict(json.loads(Path(path).read_text("utf-8")))

    # -- the definition -------------------------------------------------------------------------
    def score(self, clause: str) -> list[float]:
        """Per category, the clause's score (plain Python: the oracle of clause_scores)."""
        total = list(self.bias)
        for gram in clause_grams(clause):
            w = self.weights.get(gram)
            if w is not None:
                for k, x in enumerate(w):
                    total[k] += x
        return total

    # -- what the engine runs -----------------------------------------------------------------------
    def clause_scores(self, text: str) -> list[tuple[int, int, list[float]]]:
        """(start, end, scores) per clause of `text`, as `score` on each clause: from the compiled table
        (scanner/text/_clause_model_c.pyx) when built, else `clause_scores_python`."""
        table = self._scorer.table
        if table is None:
            return self.clause_scores_python(text)
        spans = clause_spans(text)
        return [(s, e, scores) for (s, e), scores in zip(spans, table.clause_scores(text, spans))]

    def clause_scores_python(self, text: str) -> list[tuple[int, int, list[float]]]:
        """The same in Python: each clause's grams looked up by length until one is not in the model (every gram's
        prefixes are), counted once, their weight rows summed by numpy for the whole text at once."""
        import numpy as np

        spans = clause_spans(text)
        if not spans:
            return []
        index, matrix = self._scorer.python()
        ids: list[int] = []
        starts: list[int] = []
        for s, e in spans:
            starts.append(len(ids))
            seen: set[int] = set()
            for i in range(s, e):
                for n in range(1, min(NGRAM_SIZES[-1], e - i) + 1):
                    g = index.get(text[i:i + n])
                    if g is None:
                        break
                    seen.add(g)
            ids.extend(seen)
        sums = np.zeros((len(spans), len(self.bias)))
        if ids:
            rows = matrix[np.array(ids, dtype=np.intp)]
            nonempty = [c for c in range(len(spans)) if starts[c] < (starts[c + 1] if c + 1 < len(spans) else len(ids))]
            sums[nonempty] = np.add.reduceat(rows, [starts[c] for c in nonempty], axis=0)
        bias = np.array(self.bias)
        return [(s, e, (bias + sums[c]).tolist()) for c, (s, e) in enumerate(spans)]

    def flagged(self, text: str) -> list[tuple[int, int, str, float]]:
        """(start, end, category, score) of every clause of `text` at or over its category's threshold for the
        clause's script: the compiled table's when built (splitting, scoring and comparing in C), else
        `flagged_python`."""
        table = self._scorer.table
        if table is None:
            return self.flagged_python(text)
        categories = self.categories
        return [(s, e, categories[k], x) for s, e, k, x in table.flagged(text)]

    def flagged_python(self, text: str) -> list[tuple[int, int, str, float]]:
        """The same without the compiled table (the Python scorer)."""
        out = []
        for s, e, scores in self.clause_scores_python(text):
            j = clause_script(text[s:e])
            for k, x in enumerate(scores):
                if x >= self.thresholds[k][j]:
                    out.append((s, e, self.categories[k], x))
        return out


class _Scorer:
    """The compiled table when built; the Python scorer's gram index and weight matrix, built on first use (a
    compiled scanner never pays their memory)."""

    def __init__(self, weights: dict[str, tuple[float, ...]], bias: tuple[float, ...],
                 thresholds: tuple[tuple[float, ...], ...]) -> None:
        self.table = (_compiled.GramTable(list(weights), [list(w) for w in weights.values()], list(bias),
                                          [list(t) for t in thresholds]) if _compiled is not None else None)
        self._weights = weights
        self._python: tuple[dict[str, int], Any] | None = None
        self._lock = threading.Lock()

    def python(self) -> tuple[dict[str, int], Any]:
        """(gram -> row, the rows as a numpy matrix)."""
        if self._python is None:
            with self._lock:
                if self._python is None:
                    import numpy as np

                    index = {g: i for i, g in enumerate(self._weights)}
                    matrix = np.array(list(self._weights.values()), dtype=float).reshape(len(index), -1)
                    self._python = (index, matrix)
        return self._python


def _load_compiled():
    from scanner._compiled import load

    return load("text._clause_model_c", 2, "the Python clause scorer")


_compiled = _load_compiled()
COMPILED: bool = _compiled is not None


# -- the shipped models and what the engine asks of them ----------------------------------------------------------
SHIPPED_PATH = Path(__file__).with_name("clause_model.json.gz")  # reviews and Q&A (#20)
LISTING_PATH = Path(__file__).with_name("listing_clause_model.json.gz")  # listing copy (#15)
# Low severity and review at most: a model's guess asks a person; it never blocks on its own.
SEVERITY = "low"
TERM = "clause_model"  # the `term` of its findings (scanner/text/policy.py leaves them out of block_score)
_shipped: list[ClauseModel | None] = []  # loaded once (Scanner.from_settings asks at start-up)
_load_error: list[Exception] = []  # a damaged file's error, raised again without reading it again
_lock = threading.Lock()  # one load when the first scans arrive together (a model is ~36 MB)


def shipped() -> ClauseModel | None:
    """The model shipped in the package (None if the file is absent: a trimmed install scans without it). A damaged
    file raises ValueError, now and on every later call: a scanner must not run silently without its model."""
    return _shipped[0] if _shipped else _load_once(_shipped, _load_error, SHIPPED_PATH)


def _load_once(cache: list, errors: list, path: Path) -> ClauseModel | None:
    """Load `path` into `cache` once, under the lock; a damaged file's error is kept in `errors` and raised again."""
    with _lock:
        if errors:
            raise errors[0]
        if not cache:
            model = None
            if path.exists():
                try:
                    model = load_gzipped(path)
                except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
                    errors.append(ValueError(f"{path.name}: {exc}"))
                    raise errors[0] from None
            cache[:] = [model]
    return cache[0]


def use(model: ClauseModel | None) -> None:
    """Replace the model the engine asks (tools.study_review_model's leave-one-writer-out models; tests)."""
    with _lock:
        _load_error.clear()
        _shipped[:] = [model]


_listing: list[ClauseModel | None] = []  # the listing model, loaded once like the review model
_listing_error: list[Exception] = []


def shipped_listing() -> ClauseModel | None:
    """The listing model (trained on labelled listing copy: tools/train_clause_model.py --kind listing), as
    `shipped` is the review model: None if its file is absent, ValueError now and on every later call if it is
    damaged."""
    return _listing[0] if _listing else _load_once(_listing, _listing_error, LISTING_PATH)


def use_listing(model: ClauseModel | None) -> None:
    """Replace the listing model the engine asks (tests; None: listings are scanned without one)."""
    with _lock:
        _listing_error.clear()
        _listing[:] = [model]


def load_gzipped(path: Path) -> ClauseModel:
    import gzip

    return ClauseModel.from_dict(json.loads(gzip.decompress(path.read_bytes()).decode("utf-8")))


def findings(model: ClauseModel, field: str, norm, covered: list, policy, unread: frozenset = frozenset(),
             which: str = "review", flagged: list | None = None) -> list:
    """The model's findings for one field (`norm`: the engine's Normalised of it; `which`: "review" or "listing", the
    model its explanation names): a flagged clause of a category
    the engine has not already reported over that clause, and holding no personal data the engine found. Effect
    `review` (`none` where the policy sets the category to none); a personal-data clause is shown masked, as the
    detectors' findings are."""
    if flagged is None:  # the caller's model.flagged(norm.key), if it asked already
        flagged = model.flagged(norm.key)
    if not flagged:
        return []
    out = []
    for norm_start, norm_end, category, score in flagged:
        start, end = norm.span(norm_start, norm_end)
        # the engine's finding of the category over the clause says it already; and a clause holding personal data
        # the engine found is left to that finding, which shows it masked (a clause-wide finding would show it)
        if any(f.field == field and (f.category == category or f.category == "personal_data")
               and f.start is not None and f.start < end and start < f.end for f in covered):
            continue
        words = norm.original[start:end]
        if category == "personal_data":
            words = mask_whole(words)
        k = model.categories.index(category)
        said = {"model": which} if which != "review" else {}  # a review's reasons stay as they were
        reasons = (reason("clause_model", category=category, score=round(score, 1),
                          threshold=round(model.thresholds[k][clause_script(norm.key[norm_start:norm_end])], 1),
                          **said),)
        out.append(Finding(kind="text", category=category, field=field, severity=SEVERITY,
                           score=policy.severity_scores.get(SEVERITY, 0.5),
                           explanation="" if category in unread else render(reasons),
                           effect="none" if policy.action(category) == "none" else "review",
                           start=start, end=end, text=words, term=TERM, reasons=reasons))
    return out
