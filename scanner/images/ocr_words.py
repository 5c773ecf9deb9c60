"""Put back the spaces OCR left out between English words (issue #16).

RapidOCR's recogniser often reads a line of English without the gaps between its words: "AAAreplica",
"RolexSubmariner", "Leavea5-starreview". The text engine reads Latin words only at word boundaries (so "ass"
never fires inside "class"), and lost these: an independent image set (ocr17) missed 3-4 of 45 violations to it.

    breaks(text, is_listed) -> positions in `text` before which a space goes

Only a run of at least MIN_RUN Latin letters that is neither an English word nor a listed word is looked at; it
is cut only if it can be read whole as a sequence of English words and listed words (the most probable such
reading under word frequencies: Viterbi over unigram costs), so "Scunthorpe", model codes and names the
dictionary does not know stay as read. Listed words (the engine's keys, `is_listed`) count as words and are never
cut: "WhatsAppreplica" reads "WhatsApp replica", never "Whats App replica"; "AAAreplica" reads "AAA replica".

The word frequencies are the English unigram list symspellpy ships in its wheel (82,765 words with counts from
Google's n-gram corpus; MIT licence): it is data here, not symspellpy's own segmenter, which NFKC-normalises and
drops hyphens (its output cannot be mapped back to what OCR read) and holds ~72 MB per process against ~10 MB
for the plain table. Nothing is fetched at run time; without symspellpy nothing is split (`VERSION` says so).
"""
from __future__ import annotations

import hashlib
import math
import re
import threading
from typing import Callable

MIN_RUN = 5            # shorter runs are words or codes already ("PayPal" is 6: it must be listed or a word)
MAX_RUN = 40           # longer letter runs are not English copy (and the search is quadratic in the run)
MAX_WORD = 20          # longest piece considered
SHORT_WORDS = {"a", "i"}  # the only one-letter pieces; "AAAreplica" must not read "A A A replica"
LISTED_WORD_COST = 12.0   # a listed word costs about what a common English word does (e^-12 of all words)
# "a" and "i" are the commonest words, which made any run ending or starting in a or i cheapest as a cut there:
# "AAAreplica" read "A A Areplica" (a listed phrase key, "a replica", glued). A one-letter piece costs as a rare word.
ONE_LETTER_COST = 10.0
_RUN = re.compile(r"(?<![A-Za-z])[A-Za-z]{%d,%d}(?![A-Za-z])" % (MIN_RUN, MAX_RUN))
_DICTIONARY = "frequency_dictionary_en_82_765.txt"

_costs: dict[str, float] | None = None
_version = "none"
_lock = threading.Lock()


def _load() -> dict[str, float]:
    global _costs, _version
    if _costs is not None:  # loaded (or found missing) once per process
        return _costs
    with _lock:
        if _costs is not None:
            return _costs
        costs: dict[str, float] = {}
        try:
            from importlib import metadata, resources

            raw = (resources.files("symspellpy") / _DICTIONARY).read_bytes()
            counts = []
            for line in raw.decode("utf-8").splitlines():
                word, _, count = line.partition(" ")
                if word.isascii() and word.isalpha() and (len(word) > 1 or word in SHORT_WORDS):
                    counts.append((word, int(count)))
            total = sum(c for _, c in counts)
            costs = {w: math.log(total / c) if len(w) > 1 else ONE_LETTER_COST for w, c in counts}
            _version = (f"symspellpy {metadata.version('symspellpy')} {_DICTIONARY} "
                        f"sha256:{hashlib.sha256(raw).hexdigest()[:16]}")
        except Exception:  # not installed (or unreadable): OCR'd text is scanned as read, and `version` says so
            costs, _version = {}, "none"
        _costs = costs
        return costs


def version() -> str:
    """What splits glued words (part of versions.ocr): the word list's package, name and content hash."""
    _load()
    return _version


def breaks(text: str, is_listed: Callable[[str], bool]) -> tuple[int, ...]:
    """Ascending positions in `text` before which OCR left out a space between two words (see the module)."""
    costs = _load()
    if not costs:
        return ()
    out: list[int] = []
    for m in _RUN.finditer(text):
        run = m.group().lower()
        if run in costs or is_listed(run):
            continue
        cuts = _best_cuts(run, costs, is_listed)
        out.extend(m.start() + c for c in cuts)
    return tuple(out)


def _best_cuts(run: str, costs: dict[str, float], is_listed: Callable[[str], bool]) -> tuple[int, ...]:
    """Where to cut `run` into known words at the least total cost; () if it cannot be read as words."""
    n = len(run)
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(max(0, end - MAX_WORD), end):
            if best[start] == math.inf:
                continue
            piece = run[start:end]
            cost = costs.get(piece)
            if is_listed(piece) and len(piece) > 1:
                cost = min(cost, LISTED_WORD_COST) if cost is not None else LISTED_WORD_COST
            if cost is None:
                continue
            if best[start] + cost < best[end]:
                best[end], back[end] = best[start] + cost, start
    if best[n] == math.inf:
        return ()
    cuts = []
    at = back[n]
    while at > 0:
        cuts.append(at)
        at = back[at]
    return tuple(reversed(cuts))
