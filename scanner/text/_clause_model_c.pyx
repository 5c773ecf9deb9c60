# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled scorer of the review clause model (scanner/text/clause_model.py): per clause, bias + the weights of its
distinct 1-4-character grams.

scanner/text/clause_model.py stays the definition (`ClauseModel.score`, each clause's gram set) and the test
oracle: `GramTable.clause_scores` must give the same scores (tests/text/test_clause_model.py compares them on every
review fixture and on generated text). The grams and weights come from the shipped model; nothing about them is
written here.

Why: the Python scorer (one pyahocorasick pass, a Python step per gram found) cost ~400 µs for a 200-character
review, ten times the rest of its scan. Here a gram of up to four code points is one exact 128-bit key (21 bits a
code point and its length), looked up in an open-addressing table; each clause's grams are counted once through a
small table of the gram ids it has seen, sized to the clause, so a long clause stays linear.

After editing this file, rebuild it: `pip install -e .`.
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport int32_t, uint64_t
from libc.string cimport memset

cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)

INTERFACE = 2  # clause_model.py checks this; bump when GramTable's interface changes (2: thresholds, flagged)


cdef inline uint64_t _mix(uint64_t lo, uint64_t hi) noexcept nogil:
    cdef uint64_t h = lo * <uint64_t>0x9E3779B97F4A7C15 ^ (hi + <uint64_t>0xBF58476D1CE4E5B9)
    h ^= h >> 31
    h *= <uint64_t>0x94D049BB133111EB
    return h ^ (h >> 29)


cdef class GramTable:
    """The model's grams and weights. `clause_scores(text, spans)`: per [start, end) span, a list of
    len(bias) scores, as `ClauseModel.score(text[start:end])`."""

    cdef uint64_t *key_lo
    cdef uint64_t *key_hi
    cdef int32_t *slot_id
    cdef double *weights
    cdef double *bias
    cdef double *thresholds  # k x 2: per category, (Chinese clause, Latin clause)
    cdef Py_ssize_t mask
    cdef int k
    cdef int n

    def __cinit__(self, list grams, list weights, list bias, list thresholds):
        cdef Py_ssize_t size = 16, i, j, slot
        cdef uint64_t lo, hi
        cdef str gram
        self.k = len(bias)
        self.n = len(grams)
        while size < 2 * self.n + 2:
            size *= 2
        self.mask = size - 1
        self.key_lo = <uint64_t *> PyMem_Malloc(size * sizeof(uint64_t))
        self.key_hi = <uint64_t *> PyMem_Malloc(size * sizeof(uint64_t))
        self.slot_id = <int32_t *> PyMem_Malloc(size * sizeof(int32_t))
        self.weights = <double *> PyMem_Malloc((self.n * self.k + 1) * sizeof(double))
        self.bias = <double *> PyMem_Malloc((self.k + 1) * sizeof(double))
        self.thresholds = <double *> PyMem_Malloc((2 * self.k + 1) * sizeof(double))
        if not (self.key_lo and self.key_hi and self.slot_id and self.weights and self.bias and self.thresholds):
            raise MemoryError()
        if len(thresholds) != self.k or any(len(t) != 2 for t in thresholds):
            raise ValueError("a (Chinese, Latin) threshold pair per category")
        for j in range(self.k):
            self.thresholds[2 * j] = thresholds[j][0]
            self.thresholds[2 * j + 1] = thresholds[j][1]
        for i in range(size):
            self.slot_id[i] = -1
        for j in range(self.k):
            self.bias[j] = bias[j]
        for i in range(self.n):
            gram = grams[i]
            if not 1 <= len(gram) <= 4:
                raise ValueError(f"a gram of 1 to 4 characters, not {len(gram)}")
            lo = 0
            hi = len(gram) << 21
            for j in range(len(gram)):
                if j < 3:
                    lo |= (<uint64_t> ord(gram[j])) << (21 * j)
                else:
                    hi |= <uint64_t> ord(gram[j])
            slot = _mix(lo, hi) & self.mask
            while self.slot_id[slot] >= 0:
                if self.key_lo[slot] == lo and self.key_hi[slot] == hi:
                    raise ValueError(f"gram {gram!r} twice")
                slot = (slot + 1) & self.mask
            self.key_lo[slot] = lo
            self.key_hi[slot] = hi
            self.slot_id[slot] = <int32_t> i
            row = weights[i]
            for j in range(self.k):
                self.weights[i * self.k + j] = row[j]

    def __dealloc__(self):
        PyMem_Free(self.key_lo)
        PyMem_Free(self.key_hi)
        PyMem_Free(self.slot_id)
        PyMem_Free(self.weights)
        PyMem_Free(self.bias)
        PyMem_Free(self.thresholds)

    cdef inline int32_t _find(self, uint64_t lo, uint64_t hi) noexcept nogil:
        cdef Py_ssize_t slot = _mix(lo, hi) & self.mask
        cdef int32_t g
        while True:
            g = self.slot_id[slot]
            if g < 0 or (self.key_lo[slot] == lo and self.key_hi[slot] == hi):
                return g
            slot = (slot + 1) & self.mask

    def flagged(self, str text):
        """clause_model.ClauseModel.flagged: (start, end, category index, score) of every clause of `text` at or
        over its category's threshold for the clause's script (a Chinese character in it, or not)."""
        cdef list spans = clause_spans(text)
        cdef list out = []
        cdef Py_ssize_t s, e, i
        cdef int j, script
        cdef Py_UCS4 c
        if not spans:
            return out
        scores = self.clause_scores(text, spans)
        for span, row in zip(spans, scores):
            s, e = span
            script = 1
            for i in range(s, e):
                c = text[i]
                if (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF):
                    script = 0
                    break
            for j in range(self.k):
                if row[j] >= self.thresholds[2 * j + script]:
                    out.append((s, e, j, row[j]))
        return out

    def clause_scores(self, str text, list spans):
        cdef Py_ssize_t s, e, i, n, m, size, slot, seen_mask
        cdef uint64_t lo, hi
        cdef int32_t g
        cdef int j
        cdef int32_t *seen = NULL
        cdef double *total = <double *> PyMem_Malloc((self.k + 1) * sizeof(double))
        cdef Py_UCS4 c
        if total == NULL:
            raise MemoryError()
        out = []
        try:
            for span in spans:
                s, e = span
                if s < 0 or e > len(text) or s > e:
                    raise ValueError("span outside the text")
                for j in range(self.k):
                    total[j] = self.bias[j]
                size = 16
                while size < 8 * (e - s) + 2:  # at most 4 grams a position: the table stays at most half full
                    size *= 2
                PyMem_Free(seen)
                seen = <int32_t *> PyMem_Malloc(size * sizeof(int32_t))
                if seen == NULL:
                    raise MemoryError()
                memset(seen, 0xFF, size * sizeof(int32_t))  # -1: empty
                seen_mask = size - 1
                for i in range(s, e):
                    lo = 0
                    m = e - i if e - i < 4 else 4
                    for n in range(m):
                        c = text[i + n]
                        if n < 3:
                            lo |= (<uint64_t> c) << (21 * n)
                            hi = (<uint64_t> (n + 1)) << 21
                        else:
                            hi = ((<uint64_t> 4) << 21) | <uint64_t> c
                        g = self._find(lo, hi)
                        if g < 0:  # no longer gram either: a kept gram's prefixes are kept (each is in its clauses)
                            break
                        slot = ((<uint64_t> g) * <uint64_t>0x9E3779B97F4A7C15 >> 20) & seen_mask
                        while seen[slot] >= 0 and seen[slot] != g:
                            slot = (slot + 1) & seen_mask
                        if seen[slot] == g:
                            continue
                        seen[slot] = g
                        for j in range(self.k):
                            total[j] += self.weights[g * self.k + j]
                out.append([total[j] for j in range(self.k)])
        finally:
            PyMem_Free(seen)
            PyMem_Free(total)
        return out


cdef inline bint _breaks(str text, Py_ssize_t i, Py_ssize_t length):
    """clause_model._CLAUSE_BREAK at i (a full stop or comma before a digit does not break)."""
    cdef Py_UCS4 c = text[i], d
    if c == u'.' or c == u',':
        if i + 1 < length:
            d = text[i + 1]
            if u'0' <= d <= u'9':
                return False
        return True
    return c in u"，。！？；!?;\n\r\t|｜•●▪◆■~～"


cdef inline bint _space(Py_UCS4 c):
    return Py_UNICODE_ISSPACE(c)


def clause_spans(str text):
    """clause_model.clause_spans in C (the definition's test compares them)."""
    cdef Py_ssize_t length = len(text), start = 0, stop, s, e
    out = []
    stop = 0
    while stop <= length:
        if stop == length or _breaks(text, stop, length):
            s = start
            e = stop
            while s < e and _space(text[s]):
                s += 1
            while e > s and _space(text[e - 1]):
                e -= 1
            if s < e:
                out.append((s, e))
            start = stop + 1
        stop += 1
    return out
