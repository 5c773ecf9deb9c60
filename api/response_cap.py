"""Keep a scan response within SCANNER_MAX_RESPONSE_BYTES without failing the request.

Rows are serialised one by one (a single json.dumps of a whole batch holds the GIL for its whole
length, which stalls the event loop), so each row's size is known. When the rows do not fit, a
ceiling is found that the rows together fit under (the largest rows are cut first, small rows are
left alone) and each row over it keeps its most severe findings that fit; its decision and score,
which count every finding, stay, and `incomplete` says `response_capped` (an incomplete row is
never `pass`: it becomes `review`). A row that cannot fit even without findings (an enormous
`id` echoed back) is cut down to its decision. Settings guarantee a batch's rows fit cut down
(RESPONSE_BYTES_PER_LISTING each).
"""
from __future__ import annotations

from typing import Any, Callable

from scanner.results import UNFINISHED_SCORE

Dumps = Callable[[Any], bytes]
_SEVERITY_ORDER = {"block": 0, "review": 1, "none": 2}
_ID_BYTES = 256  # an id longer than this (as JSON) is not echoed in a row cut down to its decision
_MESSAGE_CHARS = 200


def fit_rows(rows: list[dict[str, Any]], encoded: list[bytes], room: int, dumps: Dumps) -> list[bytes]:
    """`encoded` (rows[i] serialised) cut so that the rows joined with commas take at most `room` bytes."""
    commas = max(len(encoded) - 1, 0)
    if sum(map(len, encoded)) + commas <= room:
        return encoded
    out = list(encoded)
    budget = room - commas
    for _ in range(8):  # each round lowers the ceiling by what the last one overshot (rarely > 1 round)
        ceiling = _ceiling([len(b) for b in encoded], budget)
        out = [b if len(b) <= ceiling else _trim(row, ceiling, room, dumps) for row, b in zip(rows, encoded)]
        over = sum(map(len, out)) + commas - room
        if over <= 0:
            return out
        budget -= over
    return out


def _ceiling(sizes: list[int], budget: int) -> int:
    """The largest c with sum(min(size, c)) <= budget (water filling: the largest rows give way)."""
    lo, hi = 0, max(sizes)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sum(min(s, mid) for s in sizes) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _note(kept: int, total: int, limit: int) -> dict[str, str]:
    return {"code": "response_capped",
            "message": f"the response would exceed SCANNER_MAX_RESPONSE_BYTES ({limit} bytes): {kept} of {total} "
                       "findings are listed, the most severe first; the decision and score count them all"}


def _trim(row: dict[str, Any], ceiling: int, limit: int, dumps: Dumps) -> bytes:
    """Row `row` in at most `ceiling` bytes if it can be: its most severe findings that fit."""
    findings = row.get("findings")
    if "decision" not in row or not findings:
        return _cut_down(row, limit, dumps)
    base = dict(row, findings=[])
    base["incomplete"] = list(row.get("incomplete", [])) + [_note(len(findings), len(findings), limit)]
    if base["decision"] == "pass":
        base["decision"], base["score"] = "review", max(base.get("score", 0), UNFINISHED_SCORE)
    room = ceiling - len(dumps(base))
    if room < 0:
        return _cut_down(row, limit, dumps)
    sizes = [len(dumps(f)) + 1 for f in findings]
    ranked = sorted(range(len(findings)),
                    key=lambda i: (_SEVERITY_ORDER.get(findings[i].get("effect"), 1), -findings[i].get("score", 0), i))
    keep = []
    for i in ranked:
        if sizes[i] <= room:
            keep.append(i)
            room -= sizes[i]
    base["findings"] = [findings[i] for i in sorted(keep)]
    base["incomplete"][-1] = _note(len(keep), len(findings), limit)
    return dumps(base)


def _cut_down(row: dict[str, Any], limit: int, dumps: Dumps) -> bytes:
    """The row reduced to its decision (or error), with a short id: ~1 KiB at most."""
    row_id = row.get("id")
    if len(dumps(row_id)) > _ID_BYTES:
        row_id = None
    if "decision" in row:
        decision, score = row["decision"], row.get("score", 0)
        if decision == "pass":
            decision, score = "review", max(score, UNFINISHED_SCORE)
        total = len(row.get("findings") or ())
        small = {"id": row_id, "decision": decision, "score": score, "findings": [], "versions": row.get("versions"),
                 "took_ms": row.get("took_ms"),
                 "incomplete": [{"code": e.get("code"), "message": str(e.get("message", ""))[:_MESSAGE_CHARS]}
                                for e in row.get("incomplete", [])[:3]] + [_note(0, total, limit)]}
    else:
        error = row.get("error") or {}
        small = {"id": row_id, "error": {"code": error.get("code"),
                                         "message": str(error.get("message", ""))[:_MESSAGE_CHARS]}}
    return dumps(small)
