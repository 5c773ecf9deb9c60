# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled token boundaries of jieba's precise mode without HMM (`Tokenizer.cut(text,
HMM=False)`), for scanner/text/segment.py's window checks.

jieba stays the definition and the test oracle (tests/oracles/test_segment_compiled.py
compares the two on every fixture text, windows around every candidate and generated
text): this is the same algorithm over the same dictionary, minus the generators,
regex splitting and per-call dictionaries of the pure-Python original:

1. the text splits into runs of "han" characters (jieba's re_han_default:
   U+4E00..U+9FD5, ASCII letters and digits, + # & . _ % -) and everything else;
   outside a run every character is a token, except that \\r\\n is one;
2. in a run, the best route through the prefix dictionary (FREQ) is found from the
   end backwards: at each position, every dictionary word starting there (frequency
   > 0) scores log(freq) - log(total) + the best score after it; the highest score
   wins, a tie going to the longer word (Python's max over (score, end) tuples); a
   position that starts no word is a one-character token with frequency 1;
3. consecutive one-character ASCII letter/digit tokens join into one token.

The arithmetic is the same IEEE double operations in the same order, so the chosen
route is identical. Why: on a catalogue rescan each listing is new, and jieba's cut of
the ~20-character window around a short Chinese candidate cost about 50 µs; it was the
largest cost of scanning a listing that has candidates.

After editing this file, rebuild it: `pip install -e .`.
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport log

INTERFACE = 1  # segment.py checks this

cdef enum:
    STACK_CAP = 256


cdef inline bint _is_han(Py_UCS4 c):
    if c < 0x80:
        return (0x61 <= c <= 0x7A) or (0x41 <= c <= 0x5A) or (0x30 <= c <= 0x39) or c == 0x2B or c == 0x23 \
            or c == 0x26 or c == 0x2E or c == 0x5F or c == 0x25 or c == 0x2D
    return 0x4E00 <= c <= 0x9FD5


cdef inline bint _is_eng(Py_UCS4 c):  # jieba's re_eng: [a-zA-Z0-9]
    return (0x61 <= c <= 0x7A) or (0x41 <= c <= 0x5A) or (0x30 <= c <= 0x39)


cdef int _cut_run(str run, Py_ssize_t offset, dict freq, double logtotal, set out) except -1:
    """Add the token ends of one han run (starting at `offset` in the window) to `out`."""
    cdef Py_ssize_t n = len(run)
    cdef Py_ssize_t idx, i, x, y, best_x
    cdef double best, score, f
    cdef double stack_score[STACK_CAP + 1]
    cdef Py_ssize_t stack_next[STACK_CAP + 1]
    cdef double* route_score = stack_score
    cdef Py_ssize_t* route_next = stack_next
    cdef bint found, in_buf
    if n > STACK_CAP:
        route_score = <double*>PyMem_Malloc((n + 1) * sizeof(double))
        route_next = <Py_ssize_t*>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
        if route_score == NULL or route_next == NULL:
            PyMem_Free(route_score)
            PyMem_Free(route_next)
            raise MemoryError()
    try:
        route_score[n] = 0.0
        route_next[n] = 0
        for idx in range(n - 1, -1, -1):
            # Words starting at idx, shortest first: extend while the prefix is in FREQ.
            found = False
            best = 0.0
            best_x = idx
            i = idx
            frag = run[idx]
            while i < n:
                value = freq.get(frag)
                if value is None:
                    break
                if value:
                    f = value
                    score = (log(f) - logtotal) + route_score[i + 1]
                    if not found or score >= best:  # ties: the later (longer) word, as max() on (score, end)
                        best, best_x, found = score, i, True
                i += 1
                frag = run[idx:i + 1]
            if not found:
                best = (0.0 - logtotal) + route_score[idx + 1]  # log(1): no word starts here
                best_x = idx
            route_score[idx] = best
            route_next[idx] = best_x
        x = 0
        in_buf = False
        while x < n:
            y = route_next[x] + 1
            if y - x == 1 and _is_eng(run[x]):
                in_buf = True  # single letters and digits run on into one token
            else:
                if in_buf:
                    out.add(offset + x)
                    in_buf = False
                out.add(offset + y)
            x = y
        if in_buf:
            out.add(offset + n)
    finally:
        if route_score != stack_score:
            PyMem_Free(route_score)
            PyMem_Free(route_next)
    return 0


def cut_positions(str text not None, dict freq not None, double logtotal):
    """{0} and the end offset of every token of jieba's cut(text, HMM=False), given the
    tokenizer's FREQ dictionary and log(total)."""
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t i = 0, j
    cdef Py_UCS4 c
    cdef set out = {0}
    while i < n:
        c = text[i]
        if _is_han(c):
            j = i + 1
            while j < n and _is_han(text[j]):
                j += 1
            _cut_run(text[i:j], i, freq, logtotal, out)
            i = j
        else:
            if c == 0x0D and i + 1 < n and text[i + 1] == 0x0A:
                i += 2
            else:
                i += 1
            out.add(i)
    return frozenset(out)
