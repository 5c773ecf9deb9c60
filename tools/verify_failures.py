"""Why verification refuses true copies and accepts look-alikes, on calibration split A.

    python -m tools.verify_failures [--cache PATH] [--limit N]

The proposal stage (decode, hashes, index search) is run once and cached (`--cache`: the
query bytes and each query's candidates); every later run re-decodes the queries and
re-runs only verification, so a change to verify.py can be read in a minute instead of the
eight of `tools.calibrate_verify`. Per transform: true copies refused, and for each the check
that refused it (no_fit, geometry, cells, colour, structure, residual, detail, marks) with its measures;
then every accepted (look-alike query, entry) pair. Positives are verified only against their
own entry (what their true-match rate depends on); negatives against every candidate.
Split A only: split B is scored by tools.calibrate_verify, never read case by case.
"""
from __future__ import annotations

import argparse
import collections
import pickle
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from scanner.images import decode, hashing, verify
from scanner.images.canonical import canonical_copy, derive, reference
from scanner.images.index import DEFAULT_THRESHOLDS, HashIndex
from scanner.results import ImageInputError
from tools.calibrate_verify import MEASURE, _bytes, build, choose, decide


def proposals(templates: int) -> dict:
    """Split A's gallery (canonical copies + keypoints) and queries (bytes, true entry, candidates)."""
    gal, pos, neg = build(0, 1000, templates)
    stored, entries = [], []
    for _, im in gal:
        image, _ = canonical_copy(_bytes(im, "PNG"))
        d = derive(image)
        entries.append(d.hashes)
        stored.append((image, d.keypoints))
    proposal = {**DEFAULT_THRESHOLDS, **verify.PROPOSAL_THRESHOLDS}
    index = HashIndex(entries, proposal)
    queries = []
    for gi, tn, im in pos + neg:
        data = _bytes(im)
        try:
            q = hashing.compute(decode.decode(data), hashing.QUERY_VARIANTS)
        except ImageInputError:
            queries.append((gi, tn, data, []))
            continue
        hits = index.search(q.variants)
        hits.sort(key=lambda h: (sum(h.distance[k] / max(1, proposal[k]) for k in proposal), h.entry))
        queries.append((gi, tn, data, [h.entry for h in hits[:verify.MAX_CANDIDATES]]))
    return {"names": [n for n, _ in gal], "stored": stored, "queries": queries}


def run(cache: dict, limit: int | None = None) -> list:
    """Rows as tools.calibrate_verify.measure gives them (both orientations measured with its
    loose MEASURE limits), positives against their own entry only."""
    refs = [reference(image, kp) for image, kp in cache["stored"]]
    rows = []
    for gi, tn, data, cands in cache["queries"][:limit]:
        todo = ([gi] if gi in cands else []) if gi >= 0 else cands
        view = verify.view_of(decode.decode(data)) if todo else None
        rows.append((gi, tn, set(), [(e, verify.measure_both(view, refs[e], MEASURE)) for e in todo]))
    return rows


def failures(rows: list, names: list[str], lim: verify.VerifyLimits) -> dict:
    """Per transform the refused true copies (with the verdict `verify.verify` would return) and
    every accepted (look-alike query, entry) pair, under `lim`."""
    refused = collections.defaultdict(list)
    n_pos = collections.Counter()
    false = []
    for gi, tn, _, cands in rows:
        if gi >= 0:
            n_pos[tn] += 1
        verdicts = {e: _decide(vs, lim) for e, vs in cands}
        if gi >= 0 and not (gi in verdicts and verdicts[gi].accepted):
            refused[tn].append((names[gi], verdicts.get(gi)))
        if gi < 0:
            false += [(tn, names[e], v) for e, v in verdicts.items() if v.accepted]
    return {"refused": refused, "n_pos": n_pos, "false": false}


def _decide(vs: tuple[verify.Verdict, verify.Verdict], lim: verify.VerifyLimits) -> verify.Verdict:
    """`verify.verify`'s answer from both measured orientations: the first accepted, else the closer."""
    judged = [replace(v, accepted=verify.judge(v, lim) == "" and v.reason not in ("no_fit", "geometry"),
                      reason=v.reason if v.reason in ("no_fit", "geometry") else verify.judge(v, lim)) for v in vs]
    for v in judged:
        if v.accepted:
            return v
    return max(judged, key=lambda v: (v.colour + v.structure, v.inliers))


def _fmt(v: verify.Verdict | None) -> str:
    if v is None:
        return "not proposed"
    return (f"{v.reason or 'accepted'} inl={v.inliers} col={v.colour:.2f} str={v.structure:.2f} "
            f"res={v.residual:.4f} blob={v.blob:.4f} det={v.detail:.2f} marks={v.marks:.4f} ban={v.banner:.2f}"
            f"{' M' if v.mirrored else ''}")


def report(out: dict) -> str:
    lines = []
    total = sum(out["n_pos"].values())
    bad = sum(len(v) for v in out["refused"].values())
    lines.append(f"true copies accepted: {total - bad}/{total} = {(total - bad) / max(1, total):.1%}; "
                 f"false (query, entry) pairs: {len(out['false'])}")
    reasons = collections.Counter((v.reason if v else "not_proposed") for r in out["refused"].values() for _, v in r)
    lines.append("refusals by check: " + ", ".join(f"{k} {n}" for k, n in reasons.most_common()))
    for tn, n in out["n_pos"].items():
        r = out["refused"].get(tn, [])
        lines.append(f"{tn}: {n - len(r)}/{n}")
        for name, v in r:
            lines.append(f"    {name:32s} {_fmt(v)}")
    lines.append("false matches:")
    for tn, name, v in out["false"]:
        lines.append(f"    {tn:24s} -> {name:24s} {_fmt(v)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.verify_failures")
    ap.add_argument("--templates", type=int, default=24)
    ap.add_argument("--cache", help="proposal cache, made when missing (default: in the temp directory, named "
                    "by the hash algorithm and template count; delete it after changing hashing without a bump)")
    ap.add_argument("--limit", type=int, help="only the first N queries")
    ap.add_argument("--dump", metavar="PATH", help="also pickle the measured rows")
    args = ap.parse_args(argv)
    path = Path(args.cache or Path(tempfile.gettempdir()) /
                f"verify_failures_A.{hashing.ALGORITHM_VERSION}.{args.templates}.pkl")
    if path.exists():
        cache = pickle.loads(path.read_bytes())
    else:
        cache = proposals(args.templates)
        path.write_bytes(pickle.dumps(cache))
    t0 = time.perf_counter()
    rows = run(cache, args.limit)
    if args.dump:
        Path(args.dump).write_bytes(pickle.dumps(rows))
    print(f"measured in {time.perf_counter() - t0:.0f} s")
    print("with the default limits", verify.DEFAULT_LIMITS)
    print(report(failures(rows, cache["names"], verify.DEFAULT_LIMITS)))
    lim = choose(rows)  # no kp: entries too plain to verify (verify.can_verify) are not separated here
    tp, fp = decide(rows, lim)
    n = sum(map(len, tp.values()))
    print(f"\nlimits chosen as tools.calibrate_verify would: {lim}: {sum(map(sum, tp.values()))}/{n} true, {fp} false")
    print(report(failures(rows, cache["names"], lim)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
