# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled `normalise`: the three stages of scanner/text/normalize.py in C loops.

scanner/text/normalize.py stays the definition and the test oracle; this module must
produce exactly its `text`, `key` and offsets (tests/oracles/test_normalize_compiled.py
compares the two on every fixture listing and on generated Unicode).

- Stage 1 (per character) is still defined by `normalize._map_char`: a two-level
  cache over all code points (pages of 256 entries, allocated on first use) holds
  "one character X", "nothing" or "several characters" (those strings are kept in
  `_multi`), filled by calling `_map_char` on the first sight of a code point.
  Filling is idempotent, so threads racing on a miss store the same value; pages
  are never freed, and a page is installed without running Python code in between.
- Stages 2 and 3 (separator runs, the leetspeak/zero/l-i key, symbol gaps) are
  re-implemented here, rule for rule, on a buffer of code points; the leetspeak table
  comes from Python. A character for which `normalize._is_symbol` holds is cached as
  SYMBOL ("one space, and a symbol"), so symbol gaps cost nothing on copy without one.
- Every normalised character comes from exactly one original character, so the
  offset map is one uint32 per character of `text` (`OffsetMap`), or None when
  no character was added or removed.

After editing this file, rebuild it: `pip install -e .` (an editable install keeps the
built module beside this file, and a stale one keeps running until rebuilt).
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    PyUnicode_1BYTE_KIND,
    PyUnicode_2BYTE_KIND,
    PyUnicode_DATA,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_New,
    PyUnicode_READ,
    PyUnicode_WRITE,
)
from libc.stdint cimport int32_t, uint8_t, uint16_t, uint32_t
from libc.stdlib cimport malloc
from libc.string cimport memcpy

cdef extern from *:
    """
    /* PyUnicode_READY is needed for legacy (wstr) strings before 3.12 and gone after. */
    static CYTHON_INLINE int scanner_unicode_ready(PyObject *o) {
    #if PY_VERSION_HEX < 0x030C0000
        return PyUnicode_READY(o);
    #else
        (void)o;
        return 0;
    #endif
    }

    /* An instance of a tuple subclass without extra fields (a NamedTuple), built the
       way CPython's tuple_subtype_new builds one, minus the temporary tuple. */
    static PyObject *scanner_tuple4(PyObject *type, PyObject *a, PyObject *b, PyObject *c, PyObject *d) {
        PyTypeObject *t = (PyTypeObject *)type;
        PyObject *o = t->tp_alloc(t, 4);
        if (o == NULL) return NULL;
        Py_INCREF(a); PyTuple_SET_ITEM(o, 0, a);
        Py_INCREF(b); PyTuple_SET_ITEM(o, 1, b);
        Py_INCREF(c); PyTuple_SET_ITEM(o, 2, c);
        Py_INCREF(d); PyTuple_SET_ITEM(o, 3, d);
        return o;
    }

    static int scanner_is_plain_tuple_subclass(PyObject *type) {
        PyTypeObject *t = (PyTypeObject *)type;
        return PyType_Check(type) && PyType_IsSubtype(t, &PyTuple_Type)
            && t->tp_basicsize == PyTuple_Type.tp_basicsize && t->tp_itemsize == PyTuple_Type.tp_itemsize;
    }
    """
    int scanner_unicode_ready(object) except -1
    object scanner_tuple4(object, object, object, object, object)
    bint scanner_is_plain_tuple_subclass(object)


# Cache entries: >= 0 is the one code point a character maps to.
cdef enum:
    UNKNOWN = -1
    EMPTY = -2
    MULTI = -3
    ERROR = -4
    SYMBOL = -5  # maps to one space and is a symbol (normalize._is_symbol)
    PAGE_SHIFT = 8
    PAGE_SIZE = 256
    N_PAGES = 0x110000 >> 8
    STACK_CAP = 1024
    SPACE = 0x20
    SYMBOL_GAP = 0x1F  # normalize.SYMBOL_GAP

INTERFACE = 2  # normalize.py checks this; bump when configure() or the result changes shape

cdef int32_t* _pages[N_PAGES]  # static storage: all NULL
cdef dict _multi = {}  # code point (int) -> its mapping of 2+ characters
cdef object _map_char = None
cdef object _is_symbol = None
cdef object _result_type = None
cdef object _fallback = None
cdef Py_UCS4 _leet[128]  # ASCII leetspeak character -> letter (0: not leetspeak)


def configure(map_char, result_type, fallback, leet, is_symbol):
    """Bind the Python definitions: `map_char(ch) -> str` (stage 1), the result type
    (a NamedTuple of original, text, key, offsets), `fallback(original)` for inputs
    too long for 32-bit offsets, the leetspeak table (ord -> str, as str.maketrans
    builds) and `is_symbol(ch) -> bool` (a space-mapped character a symbol gap may hold).
    A different map_char or is_symbol empties the character cache."""
    global _map_char, _result_type, _fallback, _is_symbol
    cdef Py_ssize_t p, i
    if not scanner_is_plain_tuple_subclass(result_type):
        raise TypeError("result_type must be a tuple subclass without extra fields")
    if not callable(is_symbol):
        raise TypeError("is_symbol must be callable")
    if _map_char is not None and (map_char is not _map_char or is_symbol is not _is_symbol):
        for p in range(N_PAGES):
            if _pages[p] != NULL:
                for i in range(PAGE_SIZE):
                    _pages[p][i] = UNKNOWN
    for i in range(128):
        _leet[i] = 0
    for k, v in leet.items():
        if not (0 <= k < 128 and len(v) == 1 and ord(v) < 128):
            raise ValueError("leetspeak table must map ASCII to one ASCII character")
        _leet[k] = ord(v)
    _map_char = map_char
    _is_symbol = is_symbol
    _result_type = result_type
    _fallback = fallback


cdef int32_t _fill(uint32_t cp) except ERROR:
    """First sight of a code point: ask map_char, remember the answer."""
    cdef int32_t* page = _pages[cp >> PAGE_SHIFT]
    cdef int i
    cdef int32_t v
    if _map_char is None:
        raise RuntimeError("scanner.text._normalise_c.configure() was not called")
    if page == NULL:
        # No Python code runs between the check and the store, so no other thread can
        # install a page for the same slot in between (the GIL is held).
        page = <int32_t*>malloc(PAGE_SIZE * sizeof(int32_t))
        if page == NULL:
            raise MemoryError()
        for i in range(PAGE_SIZE):
            page[i] = UNKNOWN
        _pages[cp >> PAGE_SHIFT] = page
    out = _map_char(chr(<long>cp))  # may let other threads run; `page` stays valid (never freed)
    if type(out) is not str:
        raise TypeError(f"map_char returned {type(out).__name__}, not str")
    if PyUnicode_GET_LENGTH(out) == 1:
        v = <int32_t>ord(out)
        if v == SPACE and _is_symbol(chr(<long>cp)):
            v = SYMBOL
    elif PyUnicode_GET_LENGTH(out) == 0:
        v = EMPTY
    else:
        _multi[<long>cp] = out  # stored before the entry says MULTI
        v = MULTI
    page[cp & (PAGE_SIZE - 1)] = v
    return v


cdef inline int32_t _lookup(uint32_t cp) except ERROR:
    cdef int32_t* page = _pages[cp >> PAGE_SHIFT]
    cdef int32_t v
    if page != NULL:
        v = page[cp & (PAGE_SIZE - 1)]
        if v != UNKNOWN:
            return v
    return _fill(cp)


cdef inline bint _is_cjk(Py_UCS4 o) noexcept nogil:
    # normalize.is_cjk and normalize.CJK_CLASS
    return (
        (0x4E00 <= o <= 0x9FFF)
        or (0x3400 <= o <= 0x4DBF)
        or (0x20000 <= o <= 0x2FA1F)
        or (0xF900 <= o <= 0xFAFF)
        or (0x3040 <= o <= 0x30FF)
    )


cdef inline bint _ascii_alnum(Py_UCS4 c) noexcept nogil:
    # normalize._is_ascii_alnum
    return (0x30 <= c <= 0x39) or (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A)


cdef inline bint _lower_alnum(Py_UCS4 c) noexcept nogil:
    # [a-z0-9] in normalize._CHANGING_RUN
    return (0x30 <= c <= 0x39) or (0x61 <= c <= 0x7A)


cdef inline bint _lower(Py_UCS4 c) noexcept nogil:
    return 0x61 <= c <= 0x7A


cdef inline bint _digit(Py_UCS4 c) noexcept nogil:
    return 0x30 <= c <= 0x39


cdef struct Work:
    Py_UCS4* chars  # stage-1 code points, compacted in place by stage 2
    uint32_t* src  # original index of each
    Py_ssize_t cap
    bint on_heap


cdef int _reserve(Work* w, Py_ssize_t need) except -1:
    """Room for `need` characters (a multi-character mapping outgrew the estimate)."""
    cdef Py_ssize_t cap = w.cap * 2
    if cap < need:
        cap = need
    cdef Py_UCS4* chars = <Py_UCS4*>PyMem_Malloc(cap * sizeof(Py_UCS4))
    cdef uint32_t* src = <uint32_t*>PyMem_Malloc(cap * sizeof(uint32_t))
    if chars == NULL or src == NULL:
        PyMem_Free(chars)
        PyMem_Free(src)
        raise MemoryError()
    memcpy(chars, w.chars, w.cap * sizeof(Py_UCS4))
    memcpy(src, w.src, w.cap * sizeof(uint32_t))
    if w.on_heap:
        PyMem_Free(w.chars)
        PyMem_Free(w.src)
    w.chars, w.src, w.cap, w.on_heap = chars, src, cap, True
    return 0


cdef str _from_ucs4(const Py_UCS4* chars, Py_ssize_t n, Py_UCS4 maxchar):
    """A str of chars[:n]; maxchar must be their exact maximum (strings are canonical)."""
    cdef str s = PyUnicode_New(n, maxchar)
    cdef int kind = PyUnicode_KIND(s)
    cdef void* data = PyUnicode_DATA(s)
    cdef Py_ssize_t t
    if kind == PyUnicode_1BYTE_KIND:
        for t in range(n):
            (<uint8_t*>data)[t] = <uint8_t>chars[t]
    elif kind == PyUnicode_2BYTE_KIND:
        for t in range(n):
            (<uint16_t*>data)[t] = <uint16_t>chars[t]
    else:
        memcpy(data, chars, n * sizeof(Py_UCS4))
    return s


cdef struct ORun:
    Py_ssize_t end  # the run of o that _key_char last decided ends here (exclusive)
    bint zeros  # ...and whether it reads as zeros


cdef inline Py_UCS4 _key_char(const Py_UCS4* text, Py_ssize_t t, Py_ssize_t n, ORun* run) noexcept nogil:
    """Stage 3 at text[t] (all but symbol gaps): l -> i; leetspeak between two ASCII
    lowercase letters; a run of o right after a digit that does not follow a letter, and
    not followed by a letter, -> zeros (normalize._ZERO_RUN). A SYMBOL_GAP in `text` reads
    as the space it stands for: neither is a letter or a digit.
    Callers walk t upwards with one `run` (end 0 to start): a run of o is decided once, at
    its first o, and read from `run` after that -- deciding it again at every o made a long
    run quadratic ("o" * 100000 took seconds)."""
    cdef Py_UCS4 c = text[t]
    cdef Py_ssize_t s, e
    if c == 0x6C:  # l
        return 0x69  # i
    if c == 0x6F:  # o
        if t >= run.end:  # the first o of a run (t never enters a run in its middle)
            s = t
            while s > 0 and text[s - 1] == 0x6F:
                s -= 1
            e = t + 1
            while e < n and text[e] == 0x6F:
                e += 1
            run.end = e
            run.zeros = s > 0 and _digit(text[s - 1]) and not (s > 1 and _lower(text[s - 2])) and (e == n or not _lower(text[e]))
        return 0x30 if run.zeros else c  # 0
    if c < 128 and _leet[c] != 0 and 0 < t < n - 1 and _lower(text[t - 1]) and _lower(text[t + 1]):
        return _leet[c]
    return c


cdef bint _mark_symbol_gaps(Py_UCS4* chars, const uint32_t* src, Py_ssize_t m, int kind, void* data) except -1:
    """normalize._symbol_gaps: turn each space between two ASCII lowercase letters whose
    original in between is only SYMBOL (at least one) and EMPTY characters into SYMBOL_GAP,
    in place (after `text` was built from `chars`). Returns whether any was marked."""
    cdef Py_ssize_t t, i
    cdef int32_t v
    cdef bint marked = False, symbol, ok
    for t in range(1, m - 1):
        if chars[t] != SPACE or not _lower(chars[t - 1]) or not _lower(chars[t + 1]):
            continue
        symbol = False
        ok = True
        for i in range(src[t - 1] + 1, src[t + 1]):
            v = _lookup(PyUnicode_READ(kind, data, i))
            if v == SYMBOL:
                symbol = True
            elif v != EMPTY:
                ok = False
                break
        if ok and symbol:
            chars[t] = SYMBOL_GAP
            marked = True
    return marked


def normalise(original):
    """Same result as normalize.normalise_python(original)."""
    if not isinstance(original, str):  # subclasses are fine (a str-typed argument would refuse them)
        raise TypeError(f"normalise() needs a str, not {type(original).__name__}")
    if scanner_unicode_ready(original) < 0:
        raise MemoryError()
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(original)
    if n >= 0xFFFFFFFF:
        return _fallback(original)
    cdef int kind = PyUnicode_KIND(original)
    cdef void* data = PyUnicode_DATA(original)

    cdef Py_UCS4 stack_chars[STACK_CAP]
    cdef uint32_t stack_src[STACK_CAP]
    cdef Work w
    w.cap = n + 16
    if w.cap <= STACK_CAP:
        w.chars, w.src, w.cap, w.on_heap = stack_chars, stack_src, STACK_CAP, False
    else:
        w.chars = <Py_UCS4*>PyMem_Malloc(w.cap * sizeof(Py_UCS4))
        w.src = <uint32_t*>PyMem_Malloc(w.cap * sizeof(uint32_t))
        w.on_heap = True
        if w.chars == NULL or w.src == NULL:
            PyMem_Free(w.chars)
            PyMem_Free(w.src)
            raise MemoryError()

    cdef Py_ssize_t i, j, r, a, b, m, t
    cdef Py_UCS4 cp, c, before, after, p1, p2, maxchar
    cdef int32_t v
    cdef bint one_to_one = True  # every original character gave exactly one character
    cdef bint unchanged = True  # ...and that character was itself
    cdef bint runs_unchanged = True  # stage 2 removed nothing
    cdef bint saw_symbol = False  # some character was a SYMBOL (a symbol gap is possible)
    cdef bint marked = False  # some space became SYMBOL_GAP in the key
    cdef bint drop
    cdef ORun run
    cdef str text, key
    try:
        # -- stage 1: the per-character table -------------------------------------
        j = 0
        for i in range(n):
            cp = PyUnicode_READ(kind, data, i)
            v = _lookup(cp)
            if v >= 0:
                if j >= w.cap:
                    _reserve(&w, j + 1)
                w.chars[j] = <Py_UCS4>v
                w.src[j] = <uint32_t>i
                j += 1
                if <Py_UCS4>v != cp:
                    unchanged = False
            elif v == EMPTY:
                one_to_one = False
            elif v == SYMBOL:
                if j >= w.cap:
                    _reserve(&w, j + 1)
                w.chars[j] = SPACE
                w.src[j] = <uint32_t>i
                j += 1
                unchanged = False
                saw_symbol = True
            else:
                one_to_one = False
                out = _multi[<long>cp]
                if j + PyUnicode_GET_LENGTH(out) > w.cap:
                    _reserve(&w, j + PyUnicode_GET_LENGTH(out))
                for c in <str>out:
                    w.chars[j] = c
                    w.src[j] = <uint32_t>i
                    j += 1

        # -- stage 2: separator runs, compacting the buffer in place -----------------
        # normalize._CHANGING_RUN finds the runs that may change and _drop_run decides;
        # together: a run at either end or touching CJK vanishes; a run of 2+ spaces
        # vanishes between two single ASCII letters/digits and is otherwise cut to one
        # space (its first); a single space vanishes between two single characters of
        # [a-z0-9] (neither neighbour next to another ASCII letter/digit).
        # p1, p2: the two stage-1 characters before position r (0: none).
        m = 0
        r = 0
        p1 = p2 = 0
        maxchar = 0
        while r < j:
            c = w.chars[r]
            if c != SPACE:
                w.chars[m] = c
                w.src[m] = w.src[r]
                m += 1
                if c > maxchar:
                    maxchar = c
                p2 = p1
                p1 = c
                r += 1
                continue
            a = r
            b = r + 1
            while b < j and w.chars[b] == SPACE:
                b += 1
            if a == 0 or b == j:
                drop = True
            else:
                before, after = p1, w.chars[b]
                if _is_cjk(before) or _is_cjk(after):
                    drop = True
                elif b - a == 1:
                    drop = (
                        _lower_alnum(before) and _lower_alnum(after)
                        and not _ascii_alnum(p2) and not (b + 1 < j and _ascii_alnum(w.chars[b + 1]))
                    )
                else:
                    drop = (
                        _ascii_alnum(before) and _ascii_alnum(after)
                        and not _ascii_alnum(p2) and not (b + 1 < j and _ascii_alnum(w.chars[b + 1]))
                    )
            if drop:
                runs_unchanged = False
            else:
                if b - a > 1:
                    runs_unchanged = False
                w.chars[m] = SPACE
                w.src[m] = w.src[a]
                m += 1
                if SPACE > maxchar:
                    maxchar = SPACE
            p2 = SPACE if b - a > 1 else p1
            p1 = SPACE
            r = b

        # -- strings -----------------------------------------------------------------
        if one_to_one and unchanged and runs_unchanged and type(original) is str:
            text = original
        else:
            text = _from_ucs4(w.chars, m, maxchar)
        # stage 3: the key differs from the text only in ASCII characters
        if saw_symbol:
            marked = _mark_symbol_gaps(w.chars, w.src, m, kind, data)
        t = 0
        run.end = 0
        if not marked:
            for t in range(m):
                if _key_char(w.chars, t, m, &run) != w.chars[t]:
                    break
            else:
                t = m
        if t == m:
            key = text
        else:
            key = PyUnicode_New(m, maxchar)  # same maximum: only ASCII characters change
            kind = PyUnicode_KIND(key)
            data = PyUnicode_DATA(key)
            run.end = 0
            for t in range(m):
                PyUnicode_WRITE(kind, data, t, _key_char(w.chars, t, m, &run))
        if one_to_one and runs_unchanged:
            offsets = None
        else:
            offsets = OffsetMap((<char*>w.src)[:m * sizeof(uint32_t)])
        return scanner_tuple4(_result_type, original, text, key, offsets)
    finally:
        if w.on_heap:
            PyMem_Free(w.chars)
            PyMem_Free(w.src)


cdef class OffsetMap:
    """Where each character of a normalised text came from: one original index
    (uint32, native byte order) per character. Immutable; equal and hashed by value."""

    cdef readonly bytes data
    cdef const uint32_t* _p
    cdef Py_ssize_t _n

    def __cinit__(self, bytes data not None):
        if len(data) % sizeof(uint32_t):
            raise ValueError("OffsetMap data must hold whole uint32 values")
        self.data = data
        self._p = <const uint32_t*><const char*>data
        self._n = len(data) // sizeof(uint32_t)

    def span(self, Py_ssize_t start, Py_ssize_t end):
        """Original [s, e) covering normalised text[start:end]; 0 <= start < end <= len."""
        if not (0 <= start < end <= self._n):
            raise IndexError(f"span({start}, {end}) outside a normalised text of length {self._n}")
        return self._p[start], self._p[end - 1] + 1

    def __len__(self):
        return self._n

    def __eq__(self, other):
        if type(other) is not OffsetMap:
            return NotImplemented
        return self.data == (<OffsetMap>other).data

    def __hash__(self):
        return hash(self.data)

    def __reduce__(self):
        return OffsetMap, (self.data,)

    def __repr__(self):
        return f"OffsetMap({[self._p[t] for t in range(self._n)]!r})"
