# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled scorer of the review clause model (scanner/text/clause_model.py): per clause, bias + the weights of its
distinct 1-4-character grams.

scanner/text/clause_model.py stays the definition (`ClauseModel.score`, each clause's gram set) and the test
oracle: `GramTable.clause_scores` must give the same scores (tests/text/test_clause_model.py compares them on every
review fixture and on generated text). The grams and weights come from the shipped model; nothing about them is
written here.

Why: the Python scorer (one pyahocorasick pass, a Python step per gram found) cost ~400 µs for a 200-character
review, ten times the rest of its scan. Here each character of the model's grams has a 16-bit id, a gram of up to
four is one exact 64-bit key, and its slot in an open-addressing table holds the key and the index of its weight
row (rows stored once each); each clause's grams are counted once through a small table of the slots it has seen,
sized to the clause, so a long clause stays linear. `flagged` sums a clause's grams of one character first, with a
bound on what the longer ones could add, and looks those up only when a category could reach its threshold (most
clauses of most reviews cannot). Against the earlier table (a 128-bit key and the weights in one 80-byte record per
gram, every gram looked up): 4.6 → 2.3 MB, and `flagged` on a 200-character review 7.3 → 5.1 µs clean, 10.3 → 6.8
dense (same process, best of 40 rounds).

After editing this file, rebuild it: `pip install -e .`.

`flagged` reads the text once into a UCS4 buffer and splits it in C (no span tuple for a clause it does not flag).
"""
cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from libc.stdint cimport int32_t, uint16_t, uint32_t, uint64_t
from libc.math cimport fabs
from libc.string cimport memset

cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)
    Py_UCS4 *PyUnicode_AsUCS4Copy(object u) except NULL

cdef enum:
    LANES = 4  # weights are summed a block of this many at a time (a loop of constant length the compiler vectorises)

INTERFACE = 2  # clause_model.py checks this; bump when GramTable's interface changes (2: thresholds, flagged)


cdef packed struct Slot:  # a gram: its key (its characters' ids, 16 bits each; 0: an empty slot), its weight row
    uint64_t key
    uint32_t row


cdef inline uint64_t _mix(uint64_t key) noexcept nogil:
    cdef uint64_t h = key * <uint64_t>0x9E3779B97F4A7C15
    h ^= h >> 31
    h *= <uint64_t>0x94D049BB133111EB
    return h ^ (h >> 29)


cdef inline void _add(double *total, const double *row, Py_ssize_t width) noexcept nogil:
    """total[:width] += row[:width] (width: a multiple of LANES)."""
    cdef Py_ssize_t b = 0, j
    while b < width:
        for j in range(LANES):
            total[b + j] += row[b + j]
        b += LANES


@cython.final
cdef class GramTable:
    """The model's grams and weights. `clause_scores(text, spans)`: per [start, end) span, a list of
    len(bias) scores, as `ClauseModel.score(text[start:end])`."""

    # Memory, not arithmetic, is the cost: a review's scan reads a gram per position and length, and the rest of the
    # scan has pushed the table out of the core's cache by then (in the scan the model cost three times what it cost
    # alone). So the table is small and a lookup reads one place: each character of the model's grams gets an id
    # (16 bits; a character of no gram ends the lookup before any hashing), a gram of up to four is one exact 64-bit
    # key, and its slot holds the key and the index of its weight row; the rows are stored once each (most grams of a
    # naive Bayes model share theirs: 8,724 distinct rows among the review model's 48,432 grams).
    cdef Slot *slots
    cdef Py_ssize_t mask
    cdef uint16_t *bmp_ids  # a BMP code point's character id (0: in no gram)
    cdef uint32_t *astral  # astral code points of the model, and their ids at astral[n_astral + i], sorted
    cdef Py_ssize_t n_astral
    cdef int32_t *single  # a character id's own slot as a gram of one (-1: none)
    cdef double *rows  # row r's k weights at rows + r * k
    cdef double *chain  # per character id, k bounds: the most the grams of 2-4 characters starting with it can add
    cdef double *bias
    cdef double *thresholds  # k x 2: per category, (Chinese clause, Latin clause)
    cdef int k
    cdef Py_ssize_t width  # k rounded up to whole blocks of LANES: rows, chains and sums are this wide
    cdef int n

    def __cinit__(self, list grams, list weights, list bias, list thresholds):
        cdef Py_ssize_t size = 16, i, j, slot, n_chars
        cdef uint64_t key
        cdef uint32_t cp
        cdef str gram
        cdef dict ids = {}, row_ids = {}
        self.k = len(bias)
        self.width = (self.k + LANES - 1) // LANES * LANES
        self.n = len(grams)
        if len(thresholds) != self.k or any(len(t) != 2 for t in thresholds):
            raise ValueError("a (Chinese, Latin) threshold pair per category")
        for i in range(self.n):
            gram = grams[i]
            if not 1 <= len(gram) <= 4:
                raise ValueError(f"a gram of 1 to 4 characters, not {len(gram)}")
            for ch in gram:
                if ch not in ids:
                    ids[ch] = len(ids) + 1
            row = tuple(weights[i])
            if len(row) != self.k:
                raise ValueError("a weight per category")
            if row not in row_ids:
                row_ids[row] = len(row_ids)
        n_chars = len(ids)
        if n_chars > 65535:
            raise ValueError("at most 65,535 distinct characters in the grams (16-bit character ids)")
        while size < 2 * self.n + 2:
            size *= 2
        self.mask = size - 1
        astral = sorted(ch for ch in ids if ord(ch) > 0xFFFF)
        self.n_astral = len(astral)
        self.slots = <Slot *> PyMem_Malloc(size * sizeof(Slot))
        self.bmp_ids = <uint16_t *> PyMem_Malloc(65536 * sizeof(uint16_t))
        self.astral = <uint32_t *> PyMem_Malloc((2 * self.n_astral + 1) * sizeof(uint32_t))
        self.single = <int32_t *> PyMem_Malloc((n_chars + 1) * sizeof(int32_t))
        self.rows = <double *> PyMem_Malloc((len(row_ids) * self.width + 1) * sizeof(double))
        self.chain = <double *> PyMem_Malloc(((n_chars + 1) * self.width + 1) * sizeof(double))
        self.bias = <double *> PyMem_Malloc((self.width + 1) * sizeof(double))
        self.thresholds = <double *> PyMem_Malloc((2 * self.k + 1) * sizeof(double))
        if not (self.slots and self.bmp_ids and self.astral and self.single and self.rows and self.chain
                and self.bias and self.thresholds):
            raise MemoryError()
        memset(self.slots, 0, size * sizeof(Slot))
        memset(self.bmp_ids, 0, 65536 * sizeof(uint16_t))
        for j in range(n_chars + 1):
            self.single[j] = -1
        for ch, cid in ids.items():
            if ord(ch) <= 0xFFFF:
                self.bmp_ids[ord(ch)] = <uint16_t> cid
        for j in range(self.n_astral):
            self.astral[j] = ord(astral[j])
            self.astral[self.n_astral + j] = ids[astral[j]]
        for row, r in row_ids.items():
            for j in range(self.width):
                self.rows[r * self.width + j] = row[j] if j < self.k else 0.0
        for j in range(self.width):
            self.bias[j] = bias[j] if j < self.k else 0.0
        for j in range(self.k):
            self.thresholds[2 * j] = thresholds[j][0]
            self.thresholds[2 * j + 1] = thresholds[j][1]
        for i in range(self.n):
            gram = grams[i]
            key = 0
            for j in range(len(gram)):
                key |= (<uint64_t> ids[gram[j]]) << (16 * j)
            if self._find(key) >= 0:
                raise ValueError(f"gram {gram!r} twice")
            slot = _mix(key) & self.mask
            while self.slots[slot].key != 0:
                slot = (slot + 1) & self.mask
            self.slots[slot].key = key
            self.slots[slot].row = row_ids[tuple(weights[i])]
            if len(gram) == 1:
                self.single[ids[gram]] = <int32_t> slot
        self._bound_chains(grams, weights, ids)

    cdef _bound_chains(self, list grams, list weights, dict ids):
        """chain[c] = per category, the most the grams of 2 to 4 characters starting at one position with
        character c can add to a clause: the largest sum of positive weights along a chain of grams each extending
        the last by one character (a position's grams are such a chain: the scorer stops at the first gram not in
        the model). Grams a scorer never reaches (a prefix not in the model) are left out, as the scorer leaves them."""
        cdef Py_ssize_t i, j, parent, k = self.k
        cdef double *best = <double *> PyMem_Malloc((self.n * k + 1) * sizeof(double))  # gram i's chain from itself
        if best == NULL:
            raise MemoryError()
        try:
            index = {grams[i]: i for i in range(self.n)}
            for i in range(self.n * k):
                best[i] = 0.0
            for i in sorted(range(self.n), key=lambda g: -len(grams[g])):  # longest first: children before parents
                row = weights[i]
                for j in range(k):
                    best[i * k + j] += row[j] if row[j] > 0.0 else 0.0
                gram = grams[i]
                if len(gram) > 1 and gram[:len(gram) - 1] in index:
                    parent = index[gram[:len(gram) - 1]]
                    for j in range(k):
                        if best[i * k + j] > best[parent * k + j]:
                            best[parent * k + j] = best[i * k + j]
            for i in range(((len(ids) + 1) * self.width)):
                self.chain[i] = 0.0
            for i in range(self.n):  # a gram of one: what its children's chains add (its own weight is exact)
                gram = grams[i]
                if len(gram) != 1:
                    continue
                row = weights[i]
                for j in range(k):
                    self.chain[ids[gram] * self.width + j] = best[i * k + j] - (row[j] if row[j] > 0.0 else 0.0)
        finally:
            PyMem_Free(best)

    def __dealloc__(self):
        PyMem_Free(self.slots)
        PyMem_Free(self.bmp_ids)
        PyMem_Free(self.astral)
        PyMem_Free(self.single)
        PyMem_Free(self.rows)
        PyMem_Free(self.chain)
        PyMem_Free(self.bias)
        PyMem_Free(self.thresholds)

    cdef inline uint64_t _char_id(self, Py_UCS4 c) noexcept nogil:
        """The character's id, 0 when no gram holds it."""
        cdef Py_ssize_t lo = 0, hi = self.n_astral, mid
        if c <= 0xFFFF:
            return self.bmp_ids[c]
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.astral[mid] < c:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.n_astral and self.astral[lo] == c:
            return self.astral[self.n_astral + lo]
        return 0

    cdef inline int32_t _find(self, uint64_t key) noexcept nogil:
        """The gram's slot, -1 when the model has no such gram."""
        cdef Py_ssize_t slot = _mix(key) & self.mask
        cdef uint64_t found
        while True:
            found = self.slots[slot].key
            if found == key:
                return <int32_t> slot
            if found == 0:
                return -1
            slot = (slot + 1) & self.mask

    cdef bint _score(self, const Py_UCS4 *text, Py_ssize_t s, Py_ssize_t e, double *total, double *bound,
                     int32_t *seen, Py_ssize_t *used, Py_ssize_t seen_mask, int script) noexcept nogil:
        """total[] = the scores of text[s:e], and True; or, when `script` is 0 or 1 and no category's score can reach
        its threshold for that script, False (total[] then holds only the grams of one character). `seen` (all -1,
        seen_mask + 1 slots, at least 8 per character) is left all -1 again: the slots a clause filled are listed in
        `used` and cleared, so one table serves every clause of a text (clearing it whole per clause would cost the
        text's length per clause).

        Most clauses of most reviews are flagged for nothing, and the grams of one character cost a fraction of the
        longer ones (no hashing, a small table): so those are summed first, exactly, with each position's bound on
        what its longer grams could add (chain[]), and the longer grams are looked up only when a category's score
        could reach its threshold."""
        cdef Py_ssize_t i, n, m, n_used = 0
        cdef uint64_t key, cid
        cdef int32_t g
        cdef int j
        cdef bint within_reach
        for j in range(self.width):
            total[j] = self.bias[j]
            bound[j] = 0.0
        for i in range(s, e):
            cid = self._char_id(text[i])
            if cid == 0:
                continue
            g = self.single[cid]
            if g < 0:  # no gram starts with this character (a model holds every gram's prefixes)
                continue
            _add(bound, self.chain + <Py_ssize_t> cid * self.width, self.width)
            if self._seen(g, seen, used, &n_used, seen_mask):
                continue
            _add(total, self.rows + <Py_ssize_t> self.slots[g].row * self.width, self.width)
        if script >= 0:
            within_reach = False
            for j in range(self.k):  # with room for the sums' rounding in another order, at any magnitude
                if (total[j] + bound[j] + 1e-6 + 1e-9 * (fabs(total[j]) + bound[j] + fabs(self.thresholds[2 * j + script]))
                        >= self.thresholds[2 * j + script]):
                    within_reach = True
                    break
            if not within_reach:
                self._clear(seen, used, n_used)
                return False
        for i in range(s, e - 1):
            key = self._char_id(text[i])
            if key == 0 or self.single[key] < 0:
                continue
            m = e - i if e - i < 4 else 4
            for n in range(1, m):
                cid = self._char_id(text[i + n])
                if cid == 0:  # a character of no gram: no gram here, nor any longer one
                    break
                key |= cid << (16 * n)
                g = self._find(key)
                if g < 0:  # no longer gram either: a model holds every gram's prefixes (ClauseModel.from_dict)
                    break
                if self._seen(g, seen, used, &n_used, seen_mask):
                    continue
                _add(total, self.rows + <Py_ssize_t> self.slots[g].row * self.width, self.width)
        self._clear(seen, used, n_used)
        return True

    cdef inline bint _seen(self, int32_t g, int32_t *seen, Py_ssize_t *used, Py_ssize_t *n_used,
                           Py_ssize_t seen_mask) noexcept nogil:
        """True if the clause has counted gram `g` already; else marks it counted."""
        cdef Py_ssize_t at = ((<uint64_t> g) * <uint64_t>0x9E3779B97F4A7C15 >> 20) & seen_mask
        while seen[at] >= 0 and seen[at] != g:
            at = (at + 1) & seen_mask
        if seen[at] == g:
            return True
        seen[at] = g
        used[n_used[0]] = at
        n_used[0] += 1
        return False

    cdef inline void _clear(self, int32_t *seen, Py_ssize_t *used, Py_ssize_t n_used) noexcept nogil:
        cdef Py_ssize_t i
        for i in range(n_used):
            seen[used[i]] = -1

    cdef list _walk(self, const Py_UCS4 *text, const Py_ssize_t *spans, Py_ssize_t n_spans, bint flag):
        """Score each [spans[2i], spans[2i+1]) of `text`: with `flag`, (start, end, category index, score) of each
        category at or over its threshold for the span's script; else the list of the span's scores."""
        cdef list out = []
        cdef Py_ssize_t s, e, i, c_i, longest = 0, size = 16
        cdef int j, script
        cdef Py_UCS4 c
        cdef double *total = NULL
        cdef double *bound = NULL
        cdef int32_t *seen = NULL
        cdef Py_ssize_t *used = NULL
        for c_i in range(n_spans):
            if spans[2 * c_i + 1] - spans[2 * c_i] > longest:
                longest = spans[2 * c_i + 1] - spans[2 * c_i]
        while size < 8 * longest + 2:  # at most 4 grams a position: the seen-table stays at most half full
            size *= 2
        total = <double *> PyMem_Malloc((self.width + 1) * sizeof(double))
        bound = <double *> PyMem_Malloc((self.width + 1) * sizeof(double))
        seen = <int32_t *> PyMem_Malloc(size * sizeof(int32_t))
        used = <Py_ssize_t *> PyMem_Malloc((4 * longest + 1) * sizeof(Py_ssize_t))
        try:
            if total == NULL or bound == NULL or seen == NULL or used == NULL:
                raise MemoryError()
            memset(seen, 0xFF, size * sizeof(int32_t))
            for c_i in range(n_spans):
                s = spans[2 * c_i]
                e = spans[2 * c_i + 1]
                if not flag:
                    self._score(text, s, e, total, bound, seen, used, size - 1, -1)
                    out.append([total[j] for j in range(self.k)])
                    continue
                script = 1
                for i in range(s, e):
                    c = text[i]
                    if (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF):
                        script = 0
                        break
                if not self._score(text, s, e, total, bound, seen, used, size - 1, script):
                    continue  # no category within reach
                for j in range(self.k):
                    if total[j] >= self.thresholds[2 * j + script]:
                        out.append((s, e, j, total[j]))
        finally:
            PyMem_Free(total)
            PyMem_Free(bound)
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
