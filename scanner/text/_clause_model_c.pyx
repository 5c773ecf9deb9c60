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

`flagged` reads the text once into a UCS4 buffer and splits it in C (no span tuple for a clause it does not flag):
what the model adds to a clean 200-character review's scan fell from ~36 % to ~19 % (bench/bench_kinds.py).
"""
cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from libc.stdint cimport int32_t, uint32_t, uint64_t
from libc.string cimport memset

cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)
    Py_UCS4 *PyUnicode_AsUCS4Copy(object u) except NULL

INTERFACE = 2  # clause_model.py checks this; bump when GramTable's interface changes (2: thresholds, flagged)


cdef struct Gram:  # a gram's record: its key, then its k weights (doubles) right after it
    uint64_t lo
    uint64_t hi


cdef inline uint64_t _mix(uint64_t lo, uint64_t hi) noexcept nogil:
    cdef uint64_t h = lo * <uint64_t>0x9E3779B97F4A7C15 ^ (hi + <uint64_t>0xBF58476D1CE4E5B9)
    h ^= h >> 31
    h *= <uint64_t>0x94D049BB133111EB
    return h ^ (h >> 29)


@cython.final
cdef class GramTable:
    """The model's grams and weights. `clause_scores(text, spans)`: per [start, end) span, a list of
    len(bias) scores, as `ClauseModel.score(text[start:end])`."""

    # Open addressing over small slots, each (gram id + 1) << 8 | 8 bits of the key's hash (0: empty): the slot array
    # stays in the core's own cache, and a gram found costs one read of its record, key and weights together (the
    # key in one table and the weights in another cost two reads from the shared cache: ~13 ns a gram)
    cdef uint32_t *slots
    cdef char *records  # gram i's Gram and weights at records + i * stride
    cdef Py_ssize_t stride
    cdef int32_t *single  # grams of one BMP character, by code point (no hashing for the commonest lookup)
    cdef double *bias
    cdef double *thresholds  # k x 2: per category, (Chinese clause, Latin clause)
    cdef Py_ssize_t mask
    cdef int k
    cdef int n

    def __cinit__(self, list grams, list weights, list bias, list thresholds):
        cdef Py_ssize_t size = 16, i, j, slot
        cdef uint64_t lo, hi, h
        cdef uint32_t tag, v
        cdef str gram
        cdef Gram *record
        self.k = len(bias)
        self.n = len(grams)
        if self.n >= (1 << 24) - 1:
            raise ValueError("at most 2**24 - 2 grams (a slot holds the id in 24 bits)")
        while size < 2 * self.n + 2:
            size *= 2
        self.mask = size - 1
        self.stride = sizeof(Gram) + self.k * sizeof(double)
        self.slots = <uint32_t *> PyMem_Malloc(size * sizeof(uint32_t))
        self.single = <int32_t *> PyMem_Malloc(65536 * sizeof(int32_t))
        self.records = <char *> PyMem_Malloc(self.n * self.stride + 1)
        self.bias = <double *> PyMem_Malloc((self.k + 1) * sizeof(double))
        self.thresholds = <double *> PyMem_Malloc((2 * self.k + 1) * sizeof(double))
        if not (self.slots and self.single and self.records and self.bias and self.thresholds):
            raise MemoryError()
        if len(thresholds) != self.k or any(len(t) != 2 for t in thresholds):
            raise ValueError("a (Chinese, Latin) threshold pair per category")
        for j in range(self.k):
            self.thresholds[2 * j] = thresholds[j][0]
            self.thresholds[2 * j + 1] = thresholds[j][1]
        for i in range(size):
            self.slots[i] = 0
        for i in range(65536):
            self.single[i] = -1
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
            if self._find(lo, hi) >= 0:
                raise ValueError(f"gram {gram!r} twice")
            h = _mix(lo, hi)
            slot = h & self.mask
            while self.slots[slot] != 0:
                slot = (slot + 1) & self.mask
            self.slots[slot] = ((<uint32_t> i + 1) << 8) | <uint32_t> (h >> 56)
            record = <Gram *> (self.records + i * self.stride)
            record.lo = lo
            record.hi = hi
            if len(gram) == 1 and ord(gram) < 65536:
                self.single[ord(gram)] = <int32_t> i
            row = weights[i]
            for j in range(self.k):
                self._weights(i)[j] = row[j]

    def __dealloc__(self):
        PyMem_Free(self.slots)
        PyMem_Free(self.single)
        PyMem_Free(self.records)
        PyMem_Free(self.bias)
        PyMem_Free(self.thresholds)

    cdef inline double *_weights(self, int32_t g) noexcept nogil:
        return <double *> (self.records + g * self.stride + sizeof(Gram))

    cdef inline int32_t _find(self, uint64_t lo, uint64_t hi) noexcept nogil:
        cdef uint64_t h = _mix(lo, hi)
        cdef Py_ssize_t slot = h & self.mask
        cdef uint32_t tag = <uint32_t> (h >> 56), v
        cdef int32_t g
        cdef Gram *record
        while True:
            v = self.slots[slot]
            if v == 0:
                return -1
            if (v & 0xFF) == tag:
                g = <int32_t> (v >> 8) - 1
                record = <Gram *> (self.records + g * self.stride)
                if record.lo == lo and record.hi == hi:
                    return g
            slot = (slot + 1) & self.mask

    cdef int _score(self, const Py_UCS4 *text, Py_ssize_t s, Py_ssize_t e, double *total, int32_t *seen,
                    Py_ssize_t *used, Py_ssize_t seen_mask) noexcept nogil:
        """total[] = the scores of text[s:e]; `seen` (all -1, seen_mask + 1 slots, at least 8 per character) is
        left all -1 again: the slots a clause filled are listed in `used` and cleared, so one table serves every
        clause of a text (clearing it whole per clause would cost the text's length per clause)."""
        cdef Py_ssize_t i, n, m, slot, n_used = 0
        cdef uint64_t lo, hi
        cdef int32_t g
        cdef double *w
        cdef int j
        cdef Py_UCS4 c
        for j in range(self.k):
            total[j] = self.bias[j]
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
                g = self.single[c] if n == 0 and c < 65536 else self._find(lo, hi)
                if g < 0:  # no longer gram either: a model holds every gram's prefixes (ClauseModel.from_dict)
                    break
                slot = ((<uint64_t> g) * <uint64_t>0x9E3779B97F4A7C15 >> 20) & seen_mask
                while seen[slot] >= 0 and seen[slot] != g:
                    slot = (slot + 1) & seen_mask
                if seen[slot] == g:
                    continue
                seen[slot] = g
                used[n_used] = slot
                n_used += 1
                w = self._weights(g)
                for j in range(self.k):
                    total[j] += w[j]
        for i in range(n_used):
            seen[used[i]] = -1
        return 0

    cdef list _walk(self, const Py_UCS4 *text, const Py_ssize_t *spans, Py_ssize_t n_spans, bint flag):
        """Score each [spans[2i], spans[2i+1]) of `text`: with `flag`, (start, end, category index, score) of each
        category at or over its threshold for the span's script; else the list of the span's scores."""
        cdef list out = []
        cdef Py_ssize_t s, e, i, c_i, longest = 0, size = 16
        cdef int j, script
        cdef Py_UCS4 c
        cdef double *total = NULL
        cdef int32_t *seen = NULL
        cdef Py_ssize_t *used = NULL
        for c_i in range(n_spans):
            if spans[2 * c_i + 1] - spans[2 * c_i] > longest:
                longest = spans[2 * c_i + 1] - spans[2 * c_i]
        while size < 8 * longest + 2:  # at most 4 grams a position: the seen-table stays at most half full
            size *= 2
        total = <double *> PyMem_Malloc((self.k + 1) * sizeof(double))
        seen = <int32_t *> PyMem_Malloc(size * sizeof(int32_t))
        used = <Py_ssize_t *> PyMem_Malloc((4 * longest + 1) * sizeof(Py_ssize_t))
        try:
            if total == NULL or seen == NULL or used == NULL:
                raise MemoryError()
            memset(seen, 0xFF, size * sizeof(int32_t))
            for c_i in range(n_spans):
                s = spans[2 * c_i]
                e = spans[2 * c_i + 1]
                self._score(text, s, e, total, seen, used, size - 1)
                if not flag:
                    out.append([total[j] for j in range(self.k)])
                    continue
                script = 1
                for i in range(s, e):
                    c = text[i]
                    if (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF):
                        script = 0
                        break
                for j in range(self.k):
                    if total[j] >= self.thresholds[2 * j + script]:
                        out.append((s, e, j, total[j]))
        finally:
            PyMem_Free(total)
            PyMem_Free(seen)
            PyMem_Free(used)
        return out

    def flagged(self, str text):
        """clause_model.ClauseModel.flagged: (start, end, category index, score) of every clause of `text` at or
        over its category's threshold for the clause's script (a Chinese character in it, or not). The text is read
        once into a UCS4 buffer and split in C: no span tuples are made for clauses that are not flagged."""
        cdef Py_ssize_t length = len(text), n_spans
        cdef Py_UCS4 *buf = PyUnicode_AsUCS4Copy(text)
        cdef Py_ssize_t *spans = NULL
        try:
            n_spans = _find_spans(buf, length, &spans)
            return self._walk(buf, spans, n_spans, True)
        finally:
            PyMem_Free(buf)
            PyMem_Free(spans)

    def clause_scores(self, str text, list spans):
        """Per [start, end) span, the list of its scores (the tests' view; the engine asks `flagged`)."""
        cdef Py_ssize_t length = len(text), n_spans = len(spans), i, s, e
        cdef Py_ssize_t *flat = <Py_ssize_t *> PyMem_Malloc((2 * n_spans + 1) * sizeof(Py_ssize_t))
        cdef Py_UCS4 *buf = NULL
        try:
            if flat == NULL:
                raise MemoryError()
            for i in range(n_spans):
                s, e = spans[i]
                if s < 0 or e > length or s > e:
                    raise ValueError("span outside the text")
                flat[2 * i] = s
                flat[2 * i + 1] = e
            buf = PyUnicode_AsUCS4Copy(text)
            return self._walk(buf, flat, n_spans, False)
        finally:
            PyMem_Free(flat)
            PyMem_Free(buf)


cdef inline bint _breaks(const Py_UCS4 *text, Py_ssize_t i, Py_ssize_t length) noexcept nogil:
    """clause_model._CLAUSE_BREAK at i (a full stop or comma before a digit does not break)."""
    cdef Py_UCS4 c = text[i], d
    if c == 0x2E or c == 0x2C:  # . ,
        if i + 1 < length:
            d = text[i + 1]
            if 0x30 <= d <= 0x39:
                return False
        return True
    # ，。！？；!?; \n \r \t | ｜ • ● ▪ ◆ ■ ~ ～
    return (c == 0xFF0C or c == 0x3002 or c == 0xFF01 or c == 0xFF1F or c == 0xFF1B or c == 0x21 or c == 0x3F
            or c == 0x3B or c == 0x0A or c == 0x0D or c == 0x09 or c == 0x7C or c == 0xFF5C or c == 0x2022
            or c == 0x25CF or c == 0x25AA or c == 0x25C6 or c == 0x25A0 or c == 0x7E or c == 0xFF5E)


cdef Py_ssize_t _find_spans(const Py_UCS4 *text, Py_ssize_t length, Py_ssize_t **out) except -1:
    """clause_model.clause_spans on a UCS4 buffer: the count of spans, written as start, end pairs to *out (a
    PyMem array the caller frees)."""
    cdef Py_ssize_t start = 0, stop = 0, s, e, count = 0, capacity = 16
    cdef Py_ssize_t *spans = <Py_ssize_t *> PyMem_Malloc(2 * capacity * sizeof(Py_ssize_t))
    cdef Py_ssize_t *grown
    if spans == NULL:
        raise MemoryError()
    out[0] = spans
    while stop <= length:
        if stop == length or _breaks(text, stop, length):
            s = start
            e = stop
            while s < e and Py_UNICODE_ISSPACE(text[s]):
                s += 1
            while e > s and Py_UNICODE_ISSPACE(text[e - 1]):
                e -= 1
            if s < e:
                if count == capacity:
                    capacity *= 2
                    grown = <Py_ssize_t *> PyMem_Realloc(spans, 2 * capacity * sizeof(Py_ssize_t))
                    if grown == NULL:
                        raise MemoryError()
                    spans = out[0] = grown
                spans[2 * count] = s
                spans[2 * count + 1] = e
                count += 1
            start = stop + 1
        stop += 1
    return count


def clause_spans(str text):
    """clause_model.clause_spans in C (the definition's test compares them)."""
    cdef Py_ssize_t length = len(text), n, i
    cdef Py_UCS4 *buf = PyUnicode_AsUCS4Copy(text)
    cdef Py_ssize_t *spans = NULL
    try:
        n = _find_spans(buf, length, &spans)
        return [(spans[2 * i], spans[2 * i + 1]) for i in range(n)]
    finally:
        PyMem_Free(buf)
        PyMem_Free(spans)
