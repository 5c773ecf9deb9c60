# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled pass of `Prefilter` (scanner/text/prefilter.py): which of a set of literal strings occur in a text.

scanner/text/prefilter.py stays the definition (its Aho-Corasick pass, `Prefilter.found_python`) and the test
oracle: `Literals.found` must report exactly the strings that pass finds (tests/text/test_prefilter.py compares
the two on the review fixtures and on generated text). The strings come from prefilter.py; nothing about them
is written here.

Why: the pass runs on every review and Q&A entry, and pyahocorasick over a Python str costs ~4 µs for 200
characters with no hit at all -- as much as the rest of a clean review's extra work. Here each position looks
up its first two code points in a small hash table (strings of one character in another) and compares only
the strings filed there: on the 200-character bench texts ~8x faster than that pass (1.2 against 9.4 µs, both
measured at the same load).

After editing this file, rebuild it: `pip install -e .`.
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport uint32_t
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND, PyUnicode_READ

cdef extern from *:
    """
    static CYTHON_INLINE int scanner_prefilter_unicode_ready(PyObject *o) {
    #if PY_VERSION_HEX < 0x030C0000
        return PyUnicode_READY(o);
    #else
        (void)o;
        return 0;
    #endif
    }
    """
    int scanner_prefilter_unicode_ready(object) except -1

INTERFACE = 3  # prefilter.py checks this; bump when Literals' interface changes (2: found gives first starts, 3: plan)

cdef enum:
    ONE = 1024   # buckets for one-character strings, by code point
    TWO = 4096   # buckets for longer strings, by their first two code points


cdef inline Py_ssize_t _one(uint32_t c) noexcept nogil:
    return c & (ONE - 1)


cdef inline Py_ssize_t _two(uint32_t a, uint32_t b) noexcept nogil:
    return ((a * 31) ^ (b * 7919)) & (TWO - 1)


cdef class Literals:
    """The strings, filed by their first one or two code points. `found(text)`: (the indices, into the list given,
    of the strings that occur in `text`, each once; where each first starts), as `Prefilter.found_python`."""

    cdef uint32_t *chars
    cdef Py_ssize_t *start
    cdef Py_ssize_t *length
    cdef int *next_one
    cdef int *next_two
    cdef int head_one[ONE]
    cdef int head_two[TWO]
    cdef int n
    # `plan` (set by configure_plan): flat lists, string j's (or row i's) part at [at[j], at[j + 1])
    cdef int *value_at
    cdef int *values      # the bits string j satisfies
    cdef int *keyed_at
    cdef int *keyed       # the rows whose best set holds string j
    cdef int *starting_at
    cdef int *starting    # the rows whose every match may start with string j
    cdef int *need_at
    cdef int *needs       # the bits row i needs, all of them
    cdef int *always      # 1 for a row with no required set (always tried)
    cdef int n_bits
    cdef int n_rows

    def __cinit__(self, strings):
        cdef Py_ssize_t total = 0, i, k, at = 0
        cdef int j
        cdef str s
        strings = list(strings)
        self.n = len(strings)
        for s in strings:
            if not s:
                raise ValueError("an empty string occurs everywhere: it cannot gate anything")
            total += len(s)
        self.chars = <uint32_t *> PyMem_Malloc((total + 1) * sizeof(uint32_t))
        self.start = <Py_ssize_t *> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        self.length = <Py_ssize_t *> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        self.next_one = <int *> PyMem_Malloc((self.n + 1) * sizeof(int))
        self.next_two = <int *> PyMem_Malloc((self.n + 1) * sizeof(int))
        if not (self.chars and self.start and self.length and self.next_one and self.next_two):
            raise MemoryError()
        for k in range(ONE):
            self.head_one[k] = -1
        for k in range(TWO):
            self.head_two[k] = -1
        for j in range(self.n):
            s = strings[j]
            self.start[j] = at
            self.length[j] = len(s)
            for i in range(len(s)):
                self.chars[at + i] = ord(s[i])
            at += len(s)
            self.next_one[j] = -1
            self.next_two[j] = -1
            if self.length[j] == 1:
                k = _one(self.chars[self.start[j]])
                self.next_one[j] = self.head_one[k]
                self.head_one[k] = j
            else:
                k = _two(self.chars[self.start[j]], self.chars[self.start[j] + 1])
                self.next_two[j] = self.head_two[k]
                self.head_two[k] = j

    def configure_plan(self, list values, list keyed, list starting, list needs, always, int n_bits):
        """Prefilter.plan_python's tables: per string (in the order given to the constructor) its bits, the rows
        keyed by it and the rows that may start with it; per row the bits it needs; the rows always tried. Once per
        object (a second call could free tables a thread is reading); every index is checked before it is stored."""
        cdef Py_ssize_t n_rows = len(needs), i
        cdef int *flags
        if self.always != NULL:
            raise ValueError("the plan is configured once")
        if len(values) != self.n or len(keyed) != self.n or len(starting) != self.n:
            raise ValueError("one entry per string")
        if n_bits < 0 or any(not 0 <= b < n_bits for part in values + needs for b in part):
            raise ValueError("a bit outside 0..n_bits-1")
        if any(not 0 <= r < n_rows for part in keyed + starting + [list(always)] for r in part):
            raise ValueError("a row outside 0..len(needs)-1")
        _flat(values, &self.value_at, &self.values)
        _flat(keyed, &self.keyed_at, &self.keyed)
        _flat(starting, &self.starting_at, &self.starting)
        _flat(needs, &self.need_at, &self.needs)
        self.n_rows = n_rows
        self.n_bits = n_bits
        flags = <int *> PyMem_Malloc((n_rows + 1) * sizeof(int))
        if flags == NULL:
            raise MemoryError()
        for i in range(n_rows):
            flags[i] = 1 if i in always else 0
        self.always = flags  # last: plan() refuses to run until every table is in place

    def __dealloc__(self):
        PyMem_Free(self.value_at)
        PyMem_Free(self.values)
        PyMem_Free(self.keyed_at)
        PyMem_Free(self.keyed)
        PyMem_Free(self.starting_at)
        PyMem_Free(self.starting)
        PyMem_Free(self.need_at)
        PyMem_Free(self.needs)
        PyMem_Free(self.always)
        PyMem_Free(self.chars)
        PyMem_Free(self.start)
        PyMem_Free(self.length)
        PyMem_Free(self.next_one)
        PyMem_Free(self.next_two)

    cdef int _pass(self, str text, int *order, Py_ssize_t *first) except -1:
        """The strings that occur in `text`: their indices in order[0:k] (k returned), each once, in the order their
        first occurrence is found; first[j] where string j first starts."""
        cdef Py_ssize_t n, i, m, p
        cdef int kind, j, k = 0
        cdef void *data
        cdef uint32_t a, b
        cdef uint32_t *word
        scanner_prefilter_unicode_ready(text)
        n = PyUnicode_GET_LENGTH(text)
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        for i in range(n):
            a = PyUnicode_READ(kind, data, i)
            j = self.head_one[_one(a)]
            while j >= 0:
                if first[j] < 0 and self.chars[self.start[j]] == a:
                    first[j] = i
                    order[k] = j
                    k += 1
                j = self.next_one[j]
            if i + 1 < n:
                b = PyUnicode_READ(kind, data, i + 1)
                j = self.head_two[_two(a, b)]
                while j >= 0:
                    m = self.length[j]
                    if first[j] < 0 and m <= n - i:
                        word = self.chars + self.start[j]
                        p = 0
                        while p < m and word[p] == PyUnicode_READ(kind, data, i + p):
                            p += 1
                        if p == m:
                            first[j] = i
                            order[k] = j
                            k += 1
                    j = self.next_two[j]
        return k

    def found(self, str text not None):
        cdef int k, i
        # per call, not per object: a Scanner is shared by threads
        cdef int *order = <int *> PyMem_Malloc((self.n + 1) * sizeof(int))
        cdef Py_ssize_t *first = <Py_ssize_t *> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        try:
            if order == NULL or first == NULL:
                raise MemoryError()
            for i in range(self.n):
                first[i] = -1
            k = self._pass(text, order, first)
            return [order[i] for i in range(k)], [first[order[i]] for i in range(k)]
        finally:
            PyMem_Free(order)
            PyMem_Free(first)

    def plan(self, str text not None):
        """Prefilter.plan_python in one call: (row, where its first match may start) of every row whose needed bits
        the strings in `text` all set, or that is always tried; in row order. Most texts: none, and no tuple made."""
        cdef int k, i, j, r, q, row, planned_any = 0
        cdef list out = []
        if self.always == NULL:
            raise ValueError("configure_plan first")
        cdef int *order = <int *> PyMem_Malloc((self.n + 1) * sizeof(int))
        cdef Py_ssize_t *first = <Py_ssize_t *> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        cdef unsigned char *bits = <unsigned char *> PyMem_Malloc(self.n_bits + 1)
        cdef Py_ssize_t *begin = <Py_ssize_t *> PyMem_Malloc((self.n_rows + 1) * sizeof(Py_ssize_t))
        try:
            if order == NULL or first == NULL or bits == NULL or begin == NULL:
                raise MemoryError()
            for i in range(self.n):
                first[i] = -1
            for i in range(self.n_bits):
                bits[i] = 0
            for i in range(self.n_rows):
                begin[i] = -2  # -2: not planned; -1: planned, no start known (0)
                if self.always[i]:
                    begin[i] = -1
                    planned_any = 1
            k = self._pass(text, order, first)
            for i in range(k):
                j = order[i]
                for q in range(self.value_at[j], self.value_at[j + 1]):
                    bits[self.values[q]] = 1
            for i in range(k):
                j = order[i]
                for q in range(self.keyed_at[j], self.keyed_at[j + 1]):
                    row = self.keyed[q]
                    if begin[row] != -2:
                        continue
                    r = self.need_at[row]
                    while r < self.need_at[row + 1] and bits[self.needs[r]]:
                        r += 1
                    if r == self.need_at[row + 1]:
                        begin[row] = -1
                        planned_any = 1
            if not planned_any:
                return out
            for i in range(k):
                j = order[i]
                for q in range(self.starting_at[j], self.starting_at[j + 1]):
                    row = self.starting[q]
                    if begin[row] != -2 and (begin[row] == -1 or first[j] < begin[row]):
                        begin[row] = first[j]
            for row in range(self.n_rows):
                if begin[row] != -2:
                    out.append((row, begin[row] if begin[row] >= 0 else 0))
            return out
        finally:
            PyMem_Free(order)
            PyMem_Free(first)
            PyMem_Free(bits)
            PyMem_Free(begin)


cdef int _flat(list lists, int **at_out, int **items_out) except -1:
    """lists[i] as items[at[i]:at[i + 1]], two C arrays (the caller frees them; any it held before are freed)."""
    cdef Py_ssize_t total = 0, i, q = 0
    for part in lists:
        total += len(part)
    cdef int *at = <int *> PyMem_Malloc((len(lists) + 1) * sizeof(int))
    cdef int *items = <int *> PyMem_Malloc((total + 1) * sizeof(int))
    if at == NULL or items == NULL:
        PyMem_Free(at)
        PyMem_Free(items)
        raise MemoryError()
    for i in range(len(lists)):
        at[i] = q
        for x in lists[i]:
            items[q] = x
            q += 1
    at[len(lists)] = q
    PyMem_Free(at_out[0])
    PyMem_Free(items_out[0])
    at_out[0] = at
    items_out[0] = items
    return 0
