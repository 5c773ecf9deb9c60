"""Stage 2: allow-list phrases suppress the denied terms inside them (象牙白, QQ糖, 最佳赏味期)."""
from __future__ import annotations

from bisect import bisect_right

from scanner.text.matcher import Candidate


class AllowIndex:
    """Allow-list spans per (field, category), answering "is [start, end) inside one?" in
    O(log n): spans sorted by start, with the running maximum of their ends."""

    def __init__(self, allows: list[Candidate]) -> None:
        groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for a in allows:
            groups.setdefault((a.field, a.pattern.category), []).append((a.start, a.end))
        self._index: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
        for key, spans in groups.items():
            spans.sort()
            starts, reach, best = [], [], -1
            for start, end in spans:
                best = max(best, end)
                starts.append(start)
                reach.append(best)
            self._index[key] = (starts, reach)

    def covers(self, c: Candidate) -> bool:
        for category in (c.pattern.category, "*"):
            entry = self._index.get((c.field, category))
            if entry is None:
                continue
            starts, reach = entry
            i = bisect_right(starts, c.start) - 1
            if i >= 0 and reach[i] >= c.end:
                return True
        return False
