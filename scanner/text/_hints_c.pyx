# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled `could_detect`: every detector hint of scanner/text/detectors.py in one pass.

scanner/text/detectors.py stays the definition (`could_detect_python`) and the test oracle:
this module must answer exactly as it does (tests/text/test_detector_hints.py compares
the two on every fixture listing, on generated text and on every code point). The word
data -- hint literals, top-level domains, digit words, Chinese numerals, gap symbols --
comes from detectors.py through `configure()`; what is written here is each hint's
shape, as a loop that stands for its regex:

- literal words (qq, 微信, vx, @ ...) on the lower-cased text;
- v[^\\w\\s:：]{0,2}\\s*(?:[:：]|是|为|👉|➡|→|->|=)   (V❤：id, v 是 id, V 👉 id)
- q<gap>{0,3}q                                     (q q 7655…)
- \\sdot\\s                                         (name at gmail dot com)
- two digit words in a row                        (five five five, …)
- [\\[(（]\\s*at\\s*[\\])）]                          ((at), [at])
- \\.\\s*<tld>(?![a-z0-9]) | www\\s*\\. | :\\s*/\\s*/     (links)
- [点點]\\s*<tld>(?![a-z0-9])                      (links with a spelled-out dot, tune10)
- seven digits, at most three other characters between two (phone numbers), on the
  text as given (Unicode decimal digits and Chinese numerals).

Why: the hints run on every listing, and as a dozen Python-level searches they were
the largest single cost of scanning a clean listing (about 6 µs of 19).

After editing this file, rebuild it: `pip install -e .`.
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    PyUnicode_DATA,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_READ,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_TOLOWER,
)
from libc.stdint cimport uint8_t, uint32_t

cdef extern from *:
    """
    static CYTHON_INLINE int scanner_hints_unicode_ready(PyObject *o) {
    #if PY_VERSION_HEX < 0x030C0000
        return PyUnicode_READY(o);
    #else
        (void)o;
        return 0;
    #endif
    }
    """
    int scanner_hints_unicode_ready(object) except -1

INTERFACE = 6  # detectors.py and speech.py check this; bump when configure() or a hint changes (2: tune9 raised the numeral and literal capacities; 3: tune10's 点 <tld>; 4: spaced_out; 5: 128 literals, #15 twenty-second session: social apps' names; 6: clause_ends)

cdef enum:
    MAX_WORDS = 128
    MAX_WORD = 12
    MAX_SET = 96  # numerals: Chinese, spoken and enclosed digits (#15, tune9)
    SET_FILTER = 4096
    STACK_CAP = 1024


# A list of short words as code points, with a 256-slot filter on the first one.
cdef struct Words:
    int n
    int length[MAX_WORDS]
    uint32_t cp[MAX_WORDS][MAX_WORD]
    uint8_t first[256]


cdef struct CharSet:
    int n
    uint32_t cp[MAX_SET]
    uint8_t filter[SET_FILTER]  # by the low 12 bits: most characters are turned away in one look


cdef Words _literals, _tlds, _digit_words, _digit_tails
cdef CharSet _numerals, _gap_symbols, _digit_initials
cdef bint _configured = False
cdef uint8_t _ascii_trigger[128]  # ASCII characters at which some word hint may start


cdef int _set_words(Words* out, words, str what) except -1:
    cdef int k, j
    words = list(words)
    if len(words) > MAX_WORDS:
        raise ValueError(f"too many {what} for the compiled hints ({len(words)} > {MAX_WORDS})")
    out.n = len(words)
    for j in range(256):
        out.first[j] = 0
    for k, w in enumerate(words):
        if not isinstance(w, str) or not (1 <= len(w) <= MAX_WORD):
            raise ValueError(f"{what}: {w!r} must be a string of 1 to {MAX_WORD} characters")
        out.length[k] = len(w)
        for j, ch in enumerate(w):
            out.cp[k][j] = ord(ch)
        out.first[ord(w[0]) & 0xFF] = 1
    return 0


cdef int _set_chars(CharSet* out, chars, str what) except -1:
    chars = "".join(dict.fromkeys(chars))
    if len(chars) > MAX_SET:
        raise ValueError(f"too many {what} for the compiled hints")
    out.n = len(chars)
    for k in range(SET_FILTER):
        out.filter[k] = 0
    for k, ch in enumerate(chars):
        out.cp[k] = ord(ch)
        out.filter[ord(ch) & (SET_FILTER - 1)] = 1
    return 0


def configure(literals, tlds, digit_words, numerals, gap_symbols):
    """Bind the word data of scanner/text/detectors.py: the literal hint words (lower-case),
    the top-level domains, the English digit words, the Chinese numerals and the symbols
    allowed between the letters of a spaced-out "q q" (whitespace is always allowed)."""
    global _configured
    digit_words = list(digit_words)
    _set_words(&_literals, literals, "literals")
    _set_words(&_tlds, tlds, "top-level domains")
    _set_words(&_digit_words, digit_words, "digit words")
    # The spelled-phone hint reads any initial with any tail (see detectors._SPELLED_PHONE_HINT).
    _set_words(&_digit_tails, [t for t in dict.fromkeys(w[1:] for w in digit_words)], "digit word tails")
    _set_chars(&_digit_initials, "".join(sorted({w[0] for w in digit_words})), "digit word initials")
    _set_chars(&_numerals, numerals, "numerals")
    _set_chars(&_gap_symbols, gap_symbols, "gap symbols")
    if any(ord(c) < 0x80 for c in numerals):
        raise ValueError("numerals must not be ASCII (ASCII digits are digits already)")
    cdef int c
    for c in range(128):
        # the first characters of _word_hints_at's branches, literals and digit words
        _ascii_trigger[c] = _literals.first[c] or _in(&_digit_initials, c) or _is_space(c) or chr(c) in "vqw.:[("
    _configured = True


cdef inline bint _in(const CharSet* s, uint32_t c):
    cdef int k
    if not s.filter[c & (SET_FILTER - 1)]:
        return False
    for k in range(s.n):
        if s.cp[k] == c:
            return True
    return False


cdef inline bint _word_at(const Words* w, int k, const uint32_t* t, Py_ssize_t n, Py_ssize_t i):
    cdef int j
    cdef int length = w.length[k]
    if i + length > n:
        return False
    for j in range(length):
        if t[i + j] != w.cp[k][j]:
            return False
    return True


cdef inline Py_ssize_t _any_word_at(const Words* w, const uint32_t* t, Py_ssize_t n, Py_ssize_t i):
    """Length of the first listed word at t[i:] (0 if none)."""
    cdef int k
    if i >= n or not w.first[t[i] & 0xFF]:
        return 0
    for k in range(w.n):
        if _word_at(w, k, t, n, i):
            return w.length[k]
    return 0


cdef inline bint _is_space(uint32_t c):  # re's \s on str
    if c < 0x80:
        return c == 0x20 or 0x09 <= c <= 0x0D or 0x1C <= c <= 0x1F
    return c <= 0x3000 and Py_UNICODE_ISSPACE(<Py_UCS4>c)  # no space lies above U+3000


cdef inline bint _is_digitish(uint32_t c):  # the phone hint's digit: re's \d on str, or a Chinese numeral
    if c < 0x80:
        return 0x30 <= c <= 0x39
    if _in(&_numerals, c):
        return True
    if 0x3400 <= c < 0xA000:  # CJK ideographs: no decimal digits among them
        return False
    return Py_UNICODE_ISDECIMAL(<Py_UCS4>c)


cdef inline bint _is_word(uint32_t c):  # re's \w on str
    return c == 0x5F or Py_UNICODE_ISALNUM(<Py_UCS4>c)


cdef inline bint _is_ascii_lower(uint32_t c):
    return 0x61 <= c <= 0x7A


cdef inline bint _is_ascii_alnum_lower(uint32_t c):
    return 0x61 <= c <= 0x7A or 0x30 <= c <= 0x39


cdef inline uint32_t _lower(uint32_t c):
    """detectors._lower for one character: İ, ı and ſ read as i, i, s; otherwise the
    simple lower-case mapping (str.lower's full mapping differs only for İ)."""
    if c < 0x80:
        return c + 32 if 0x41 <= c <= 0x5A else c
    if 0x3400 <= c < 0xA000:  # CJK ideographs are uncased
        return c
    if c == 0x130 or c == 0x131:
        return 0x69
    if c == 0x17F:
        return 0x73
    return Py_UNICODE_TOLOWER(<Py_UCS4>c)


def classify(ch):
    """For the tests: how this module reads one character, as
    (lower-cased, re's \\s, re's \\w, phone-hint digit)."""
    cdef uint32_t c = ord(ch)
    return chr(_lower(c)), _is_space(c), _is_word(c), _is_digitish(c)


cdef Py_ssize_t _skip_spaces(const uint32_t* t, Py_ssize_t n, Py_ssize_t j):
    while j < n and _is_space(t[j]):
        j += 1
    return j


cdef bint _word_hints_at(const uint32_t* t, Py_ssize_t n, Py_ssize_t i):
    """Whether a hint on the lower-cased text matches starting at t[i]."""
    cdef uint32_t c = t[i]
    cdef Py_ssize_t j, r
    cdef int k
    if _literals.first[c & 0xFF]:
        for k in range(_literals.n):
            if _literals.cp[k][0] == c and _word_at(&_literals, k, t, n, i):
                return True
    if c == 0x76:  # v[^\w\s:：]{0,2}\s*(?:[:：]|是|为|👉|➡|→|->|=)
        # every length of the symbol run, as the regex backtracks: the run's own symbols may be the sign (v=, v👉)
        r = i + 1
        while True:
            j = _skip_spaces(t, n, r)
            if j < n and (t[j] == 0x3A or t[j] == 0xFF1A or t[j] == 0x662F or t[j] == 0x4E3A or t[j] == 0x1F449
                          or t[j] == 0x27A1 or t[j] == 0x2192 or t[j] == 0x3D
                          or (t[j] == 0x2D and j + 1 < n and t[j + 1] == 0x3E)):
                return True
            if r >= n or r >= i + 3 or _is_word(t[r]) or _is_space(t[r]) or t[r] == 0x3A or t[r] == 0xFF1A:
                break
            r += 1
    elif c == 0x71:  # q<gap>{0,3}q (the gap never holds a q, so the greedy reading decides)
        j = i + 1
        while j < n and j < i + 4 and (_is_space(t[j]) or _in(&_gap_symbols, t[j])):
            j += 1
        if j < n and t[j] == 0x71:
            return True
    elif c == 0x77:  # www\s*\.
        if i + 2 < n and t[i + 1] == 0x77 and t[i + 2] == 0x77:
            j = _skip_spaces(t, n, i + 3)
            if j < n and t[j] == 0x2E:
                return True
    elif c == 0x2E:  # \.\s*<tld>(?![a-z0-9]); every tld is tried, as the alternation backtracks
        j = _skip_spaces(t, n, i + 1)
        if j < n and _tlds.first[t[j] & 0xFF]:
            for k in range(_tlds.n):
                if _word_at(&_tlds, k, t, n, j) and (j + _tlds.length[k] == n or not _is_ascii_alnum_lower(t[j + _tlds.length[k]])):
                    return True
    elif c == 0x70B9 or c == 0x9EDE:  # [点點]\s*<tld>(?![a-z0-9])
        j = _skip_spaces(t, n, i + 1)
        if j < n and _tlds.first[t[j] & 0xFF]:
            for k in range(_tlds.n):
                if _word_at(&_tlds, k, t, n, j) and (j + _tlds.length[k] == n or not _is_ascii_alnum_lower(t[j + _tlds.length[k]])):
                    return True
    elif c == 0x3A:  # :\s*/\s*/
        j = _skip_spaces(t, n, i + 1)
        if j < n and t[j] == 0x2F:
            j = _skip_spaces(t, n, j + 1)
            if j < n and t[j] == 0x2F:
                return True
    elif c == 0x5B or c == 0x28 or c == 0xFF08:  # [\[(（]\s*at\s*[\])）]
        j = _skip_spaces(t, n, i + 1)
        if j + 1 < n and t[j] == 0x61 and t[j + 1] == 0x74:
            j = _skip_spaces(t, n, j + 2)
            if j < n and (t[j] == 0x5D or t[j] == 0x29 or t[j] == 0xFF09):
                return True
    elif _is_space(c):  # \sdot\s
        if i + 4 < n and t[i + 1] == 0x64 and t[i + 2] == 0x6F and t[i + 3] == 0x74 and _is_space(t[i + 4]):
            return True
    if (i == 0 or not _is_ascii_lower(t[i - 1])) and _in(&_digit_initials, c):
        # <initial><tail>[\s,.\-]{1,3}<digit word>: the gap is never a letter, so only a
        # run of one to three gap characters followed by a digit word matches.
        for k in range(_digit_tails.n):
            if _word_at(&_digit_tails, k, t, n, i + 1):
                j = i + 1 + _digit_tails.length[k]
                r = j
                while r < n and r < j + 4 and (_is_space(t[r]) or t[r] == 0x2C or t[r] == 0x2E or t[r] == 0x2D):
                    r += 1
                if j < r <= j + 3 and _any_word_at(&_digit_words, t, n, r):
                    return True
    return False


def could_detect(str text not None):
    """False only if no detector of scanner/text/detectors.py can match anywhere in `text`."""
    cdef Py_ssize_t n, i
    cdef int kind
    cdef void* data
    cdef uint32_t stack_buf[STACK_CAP]
    cdef uint32_t* low
    cdef uint32_t c
    cdef int run = 0, gap = 0
    cdef bint found = False
    if not _configured:
        raise RuntimeError("scanner.text._hints_c.configure() was not called")
    scanner_hints_unicode_ready(text)
    n = PyUnicode_GET_LENGTH(text)
    if n == 0:
        return False
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    if n <= STACK_CAP:
        low = stack_buf
    else:
        low = <uint32_t*>PyMem_Malloc(n * sizeof(uint32_t))
        if low == NULL:
            raise MemoryError()
    try:
        # One pass: the phone hint on the text as given, while lower-casing into `low`.
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            low[i] = _lower(c)
            if not found:
                if _is_digitish(c):
                    run = run + 1 if (run and gap <= 3) else 1
                    gap = 0
                    if run >= 7:
                        found = True
                elif gap <= 3:
                    gap += 1
        if found:
            return True
        for i in range(n):
            c = low[i]
            # Most characters can start no hint: turned away before the call.
            if c < 0x80:
                if not _ascii_trigger[c]:
                    continue
            elif not (_literals.first[c & 0xFF] or c == 0xFF08 or c == 0x70B9 or c == 0x9EDE or _is_space(c)):
                continue
            if _word_hints_at(low, n, i):
                return True
        return False
    finally:
        if low != stack_buf:
            PyMem_Free(low)


# -- speech.py's spacing check (#20) -----------------------------------------------------------------------------

cdef inline bint _is_cjk(uint32_t c):  # speech._CJK
    return (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF)


cdef inline bint _is_ascii_alnum(uint32_t c):  # [a-zA-Z0-9]
    return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


cdef inline bint _is_spacer(uint32_t c, bint dot):
    """[\s*·•_\-~/|.\u200b-\u200d\u2060\ufeff\u2190-\u2bff\U0001F300-\U0001FAFF], the full stop only with `dot`
    (the regex's second branch, after a letter or digit, leaves it out: "size. 老板" is not spaced out)."""
    if c < 0x80:
        return (_is_space(c) or c == 0x2A or c == 0x5F or c == 0x2D or c == 0x7E or c == 0x2F or c == 0x7C
                or (dot and c == 0x2E))
    return (c == 0xB7 or c == 0x2022 or 0x200B <= c <= 0x200D or c == 0x2060 or c == 0xFEFF
            or 0x2190 <= c <= 0x2BFF or 0x1F300 <= c <= 0x1FAFF or _is_space(c))


def spaced_out(str text not None):
    """speech._SPACED_OUT.search(text) is not None, in one pass: a Chinese character, a run of blanks or symbols,
    then a Chinese character, letter or digit; or a letter or digit, such a run without a full stop, then a Chinese
    character. (A run
    ends at the first character outside it, and Chinese characters, letters and digits are never in it, so looking
    at the characters on either side of each whole run answers what the regex answers.)"""
    cdef Py_ssize_t n, i, j
    cdef int kind
    cdef void* data
    cdef uint32_t c, d
    cdef bint cjk
    scanner_hints_unicode_ready(text)
    n = PyUnicode_GET_LENGTH(text)
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    i = 0
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        cjk = _is_cjk(c)
        if not (cjk or _is_ascii_alnum(c)):
            i += 1
            continue
        j = i + 1
        while j < n and _is_spacer(PyUnicode_READ(kind, data, j), cjk):
            j += 1
        if j == i + 1:
            i += 1
            continue
        if j < n:
            d = PyUnicode_READ(kind, data, j)
            if (_is_cjk(d) or _is_ascii_alnum(d)) if cjk else _is_cjk(d):
                return True
        i = j
    return False


def clause_ends(str text not None):
    """speech.clause_ends_python: where each clause of a review ends (the index of each ，,。！？!?.;；or newline), in
    one pass. The regex's scan over a 200-character review cost ~4 µs, a tenth of a dense review's speech step."""
    cdef Py_ssize_t n, i
    cdef int kind
    cdef void* data
    cdef uint32_t c
    cdef list out = []
    scanner_hints_unicode_ready(text)
    n = PyUnicode_GET_LENGTH(text)
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if (c == 0xFF0C or c == 0x2C or c == 0x3002 or c == 0xFF01 or c == 0xFF1F or c == 0x21 or c == 0x3F
                or c == 0x2E or c == 0x3B or c == 0xFF1B or c == 0x0A):
            out.append(i)
    return out
