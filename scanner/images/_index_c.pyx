# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""C twin of `scanner.images.index._probe_numpy` (the definition and the fallback; a test checks
that both return the same rows on the same tables).

One multi-index-hashing probe of one query code against one group table: for each probed part
p (t[p] >= 0), every bucket whose key is within t[p] bits of the query's key for that part
(the keys are `qkey ^ masks[mask_start[p]:mask_start[p+1]]`), every code in the bucket with
popcount(code ^ q) <= radius is a hit -- unless an earlier probed part already had it (its part
distance <= that part's t), so each row is reported once.
"""
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libcpp.vector cimport vector

import numpy as np

INTERFACE = 1

cdef extern from *:
    int popcount64 "__builtin_popcountll"(unsigned long long) nogil
    void prefetch "__builtin_prefetch"(const void *) nogil

DEF AHEAD = 8  # buckets prefetched ahead of the scan


def probe(const uint64_t[:, ::1] codes, const uint32_t[:, ::1] rows, const uint32_t[:, ::1] offsets,
          const int64_t[::1] shifts, const int64_t[::1] widths, const int64_t[::1] t,
          const uint64_t[::1] masks, const int64_t[::1] mask_start, uint64_t q, int radius):
    """-> (rows uint32, distances uint8) of the hits (no row twice).

    Two passes per part, for memory-level parallelism: first every bucket's bounds (independent
    loads the CPU overlaps), then the buckets' codes, each prefetched AHEAD buckets early."""
    cdef vector[uint32_t] out_rows
    cdef vector[uint8_t] out_d
    cdef vector[int64_t] lo, hi
    cdef Py_ssize_t m = shifts.shape[0]
    cdef Py_ssize_t p, pp, j, i, nk, j0
    cdef uint64_t qk, x, wmask
    cdef const uint64_t *cp
    cdef const uint32_t *op
    cdef int d
    cdef bint dup
    cdef uint64_t[16] wmasks
    if m > 16:
        raise ValueError("at most 16 parts")
    for p in range(m):
        wmasks[p] = (<uint64_t>1 << widths[p]) - 1 if widths[p] < 64 else <uint64_t>0xFFFFFFFFFFFFFFFF
    with nogil:
        for p in range(m):
            if t[p] < 0:
                continue
            wmask = wmasks[p]
            qk = (q >> shifts[p]) & wmask
            j0 = mask_start[p]
            nk = mask_start[p + 1] - j0
            lo.resize(nk)
            hi.resize(nk)
            op = &offsets[p, 0]
            for j in range(nk):
                x = qk ^ masks[j0 + j]
                lo[j] = op[x]
                hi[j] = op[x + 1]
            cp = &codes[p, 0]
            for j in range(nk):
                if j + AHEAD < nk:
                    prefetch(cp + lo[j + AHEAD])
                for i in range(lo[j], hi[j]):
                    x = cp[i] ^ q
                    d = popcount64(x)
                    if d > radius:
                        continue
                    dup = False
                    for pp in range(p):
                        if t[pp] >= 0 and popcount64((x >> shifts[pp]) & wmasks[pp]) <= t[pp]:
                            dup = True
                            break
                    if not dup:
                        out_rows.push_back(rows[p, i])
                        out_d.push_back(<uint8_t>d)
    n = out_rows.size()
    r = np.empty(n, dtype=np.uint32)
    dd = np.empty(n, dtype=np.uint8)
    cdef uint32_t[::1] rv = r
    cdef uint8_t[::1] dv = dd
    for i in range(<Py_ssize_t>n):
        rv[i] = out_rows[i]
        dv[i] = out_d[i]
    return r, dd


def bucket_sort(const uint64_t[::1] codes, const uint32_t[::1] rows, int shift, int width,
                uint64_t[::1] out_codes, uint32_t[::1] out_rows, uint32_t[::1] offsets):
    """Counting sort of (codes, rows) by the key (code >> shift) & (2^width - 1), stable, into
    out_codes/out_rows; offsets[b] = first position of bucket b, offsets[2^width:] = len."""
    cdef Py_ssize_t n = codes.shape[0]
    cdef Py_ssize_t nb = (<Py_ssize_t>1) << width
    cdef Py_ssize_t i, b
    cdef uint64_t wmask = (<uint64_t>1 << width) - 1
    cdef int64_t acc = 0, c
    cdef vector[int64_t] fill
    if offsets.shape[0] < nb + 1 or out_codes.shape[0] != n or out_rows.shape[0] != n or rows.shape[0] != n:
        raise ValueError("bucket_sort: array sizes do not agree")
    with nogil:
        fill.resize(nb, 0)
        for i in range(n):
            fill[(codes[i] >> shift) & wmask] += 1
        for b in range(nb):
            c = fill[b]
            offsets[b] = <uint32_t>acc
            fill[b] = acc
            acc += c
        for b in range(nb, offsets.shape[0]):
            offsets[b] = <uint32_t>acc
        for i in range(n):
            b = (codes[i] >> shift) & wmask
            out_codes[fill[b]] = codes[i]
            out_rows[fill[b]] = rows[i]
            fill[b] += 1
