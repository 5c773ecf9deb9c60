"""A reviewer's verdict on a claimed item, and the proposals it makes.

    {"decision": "approve" | "reject",
     "findings": [{"index": 0, "verdict": "correct" | "false_positive"}],
     "missed": [{"field": "title", "start": 4, "end": 6, "category": "counterfeit"}],
     "note": "…"}

`approve` agrees with the scanner's decision, `reject` disagrees. A verdict is accepted only from
the reviewer holding the item's lease (else `NotClaimed`, 409); everything it does — the item
done, the verdict, the judged findings, the missed spans, the proposals and the audit row —
is one transaction.

Loop back (nobody edits the live word lists): a text finding judged `false_positive` proposes an
allow-list row — the finding's text with up to two characters of context on each side (a whole
neighbouring word in Latin script), so the phrase covers this use, not the term everywhere; a
missed span in a text category proposes a new term (its text; severity high for a category that
blocks, else medium). Proposals gather in the one open change set (scanner/review/changesets.py).
Personal-data findings, image findings, findings holding a number of 5+ digits (a phone, an account),
findings over text the reviewer sees masked (a buyer's contact) and brand spans propose nothing: their
lists are not phrase lists. A missed span may not reach into masked text (its value is not the reviewer's to see,
and must not reach a word list) nor hold a tab or a line break.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from scanner.categories import CATEGORIES
from scanner.text.wordlists import TEXT_CATEGORIES
from scanner.review.queue import audit
from scanner.review.store import Store, dumps, now as _now, storable

DECISIONS = ("approve", "reject")
FINDING_VERDICTS = ("correct", "false_positive")
MAX_NOTE_CHARS = 2000
CONTEXT_CHARS = 2
_LONG_NUMBER = re.compile(r"[0-9０-９](?:[ \-]?[0-9０-９]){4,}")
# Categories whose word lists are phrase lists a proposal can add to.
PHRASE_CATEGORIES = TEXT_CATEGORIES  # terms/<category>.tsv exists for each (scanner/text/wordlists.py)


class InvalidVerdict(ValueError):
    """The verdict body is wrong (422 invalid_verdict); the message names the part."""


class NotClaimed(RuntimeError):
    """The caller does not hold this item's lease (409 not_claimed)."""


class ItemNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Verdict:
    decision: str
    findings: tuple[tuple[int, str], ...]
    missed: tuple[tuple[str, int, int, str], ...]
    note: str


def parse_verdict(body: Any, item: dict[str, Any]) -> Verdict:
    if not isinstance(body, dict):
        raise InvalidVerdict("the verdict must be a JSON object")
    unknown = sorted(set(body) - {"decision", "findings", "missed", "note"})
    if unknown:
        raise InvalidVerdict(f"unknown field(s) {', '.join(map(repr, unknown))}; known: decision, findings, missed, note")
    decision = body.get("decision")
    if decision not in DECISIONS:
        raise InvalidVerdict(f"decision must be 'approve' or 'reject', got {decision!r}")
    findings = item["result"].get("findings") or []
    judged: dict[int, str] = {}
    raw_findings = body.get("findings") or []
    if not isinstance(raw_findings, list):
        raise InvalidVerdict("findings must be a list of {index, verdict}")
    for n, f in enumerate(raw_findings):
        if not isinstance(f, dict):
            raise InvalidVerdict(f"findings[{n}] must be an object {{index, verdict}}")
        index, verdict = f.get("index"), f.get("verdict")
        if type(index) is not int or not 0 <= index < len(findings):
            raise InvalidVerdict(f"findings[{n}].index must be a finding's index, 0 to {len(findings) - 1}; got {index!r}")
        if verdict not in FINDING_VERDICTS:
            raise InvalidVerdict(f"findings[{n}].verdict must be 'correct' or 'false_positive', got {verdict!r}")
        if index in judged:
            raise InvalidVerdict(f"findings[{n}]: finding {index} is judged twice")
        judged[index] = verdict
    fields = item["listing"].get("fields") or {}
    masked = item.get("masked_spans") or {}
    missed = []
    raw_missed = body.get("missed") or []
    if not isinstance(raw_missed, list):
        raise InvalidVerdict("missed must be a list of {field, start, end, category}")
    for n, m in enumerate(raw_missed):
        if not isinstance(m, dict):
            raise InvalidVerdict(f"missed[{n}] must be an object {{field, start, end, category}}")
        field, start, end, category = m.get("field"), m.get("start"), m.get("end"), m.get("category")
        if not isinstance(field, str) or field not in fields:  # a list or object would not hash: 500, not 422
            raise InvalidVerdict(f"missed[{n}].field must be one of the listing's text fields "
                                 f"({', '.join(fields) or 'none'}), got {field!r}")
        text = fields[field]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
            raise InvalidVerdict(f"missed[{n}]: start and end must satisfy 0 <= start < end <= {len(text)} "
                                 f"(the length of {field}), got {start!r}, {end!r}")
        if category not in CATEGORIES or category == "counterfeit_image":
            raise InvalidVerdict(f"missed[{n}].category must be a text category, got {category!r}")
        if any(s < end and start < e for s, e in masked.get(field, ())):
            raise InvalidVerdict(f"missed[{n}] reaches into masked personal data in {field}; mark the words around it")
        if any(c in text[start:end] for c in "\t\r\n") or storable(text[start:end]) != text[start:end]:
            raise InvalidVerdict(f"missed[{n}] holds a tab, a line break or a lone surrogate; a word-list entry cannot")
        missed.append((field, start, end, category))
    note = body.get("note") or ""
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise InvalidVerdict(f"note must be a string of at most {MAX_NOTE_CHARS} characters")
    note = storable(note)
    return Verdict(decision, tuple(sorted(judged.items())), tuple(missed), note)


def _is_word_char(c: str) -> bool:
    return c.isalnum() and c != "*"


def allow_phrase(text: str, start: int, end: int, masked: list = ()) -> str:
    """The allow-list phrase for a false positive at text[start:end]: the span plus up to
    CONTEXT_CHARS characters of context on each side within the same run of word characters;
    in Latin script, the rest of the word and the neighbouring word (a space between)."""
    blocked = set()
    for s, e in masked:
        blocked.update(range(s, e))

    def ok(i: int) -> bool:
        return 0 <= i < len(text) and i not in blocked and _is_word_char(text[i])

    a, b = start, end
    if text[start:end].isascii():
        while ok(a - 1) and text[a - 1].isascii():
            a -= 1
        while ok(b) and text[b].isascii():
            b += 1
        if a >= 2 and text[a - 1] == " " and ok(a - 2) and text[a - 2].isascii():
            a -= 1
            while ok(a - 1) and text[a - 1].isascii():
                a -= 1
        elif b + 1 < len(text) and text[b] == " " and ok(b + 1) and text[b + 1].isascii():
            b += 1
            while ok(b) and text[b].isascii():
                b += 1
        return text[a:b]
    for _ in range(CONTEXT_CHARS):
        if ok(a - 1):
            a -= 1
    for _ in range(CONTEXT_CHARS):
        if ok(b):
            b += 1
    return text[a:b]


def proposals_for(item: dict[str, Any], verdict: Verdict) -> list[tuple[str, str, str]]:
    """(kind, category, phrase) proposals a verdict makes: `allow` for false positives, `term` for missed spans."""
    out: list[tuple[str, str, str]] = []
    findings = item["result"].get("findings") or []
    fields = item["listing"].get("fields") or {}
    masked = item.get("masked_spans") or {}
    for index, judged in verdict.findings:
        f = findings[index]
        if judged != "false_positive" or f.get("kind") != "text" or f.get("category") not in PHRASE_CATEGORIES:
            continue
        text = fields.get(f.get("field"))
        start, end = f.get("start"), f.get("end")
        if text is None or not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            continue
        hidden = masked.get(f["field"], ())
        if any(s < end and start < e for s, e in hidden):
            continue  # shown masked (a buyer's contact): its phrase could never match, and its value is no entry
        phrase = allow_phrase(text, start, end, hidden)
        # a number (a phone, an account) is a person's or a shop's, never a word-list entry
        if (phrase and not any(c in phrase for c in "\t\r\n") and not _LONG_NUMBER.search(phrase)
                and storable(phrase) == phrase):
            out.append(("allow", f["category"], phrase))
    for field, start, end, category in verdict.missed:
        if category in PHRASE_CATEGORIES:
            out.append(("term", category, fields[field][start:end].strip()))
    return [p for p in dict.fromkeys(out) if p[2]]


def _rule(f: dict[str, Any]) -> str:
    """What fired: the dictionary term or detector (a finding's `term`), or the gallery entry."""
    if f.get("kind") == "image":
        return storable(f"gallery:{f.get('gallery_id')}")
    return storable(str(f.get("term") or f.get("text") or ""))


def open_changeset(cur: Any, store: Store, t: float, base_version: str | None = None) -> int:
    """The id of the open change set, made if there is none (under a lock, so there is only ever one)."""
    if store.dialect == "postgresql":
        cur.execute("SELECT pg_advisory_xact_lock(19190020)")
    row = cur.execute("SELECT id FROM review_changesets WHERE status = 'open' ORDER BY id LIMIT 1").fetchone()
    if row:
        return row[0]
    return cur.insert_id("INSERT INTO review_changesets (status, created_at, base_version) VALUES ('open', ?, ?)",
                         (t, base_version))


def add_proposals(cur: Any, store: Store, proposals: list[tuple[str, str, str]], source: dict[str, Any],
                  actor: str, t: float) -> list[int]:
    if not proposals:
        return []
    cs = open_changeset(cur, store, t)
    ids = []
    for kind, category, phrase in proposals:
        row = cur.execute("SELECT id, sources FROM review_proposals WHERE changeset_id = ? AND kind = ? AND category = ? "
                          "AND phrase = ?", (cs, kind, category, phrase)).fetchone()
        if row:
            sources = json.loads(row[1]) + [source]
            cur.execute("UPDATE review_proposals SET sources = ? WHERE id = ?", (dumps(sources), row[0]))
            ids.append(row[0])
        else:
            note = f"review item {source.get('item')} ({actor})" if source.get("item") is not None else f"proposed by {actor}"
            ids.append(cur.insert_id(
                "INSERT INTO review_proposals (changeset_id, kind, category, phrase, note, sources, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (cs, kind, category, phrase, note, dumps([source]), actor, t)))
    return ids


def submit(store: Store, item_id: int, reviewer: str, body: Any, now: float | None = None) -> dict[str, Any]:
    """Record a verdict; returns {"item", "verdict", "proposals", "seconds_to_verdict", "judged", "missed"}."""
    from scanner.review.queue import ITEM_COLUMNS, item_dict

    t = _now() if now is None else now
    rows = store.read(f"SELECT {ITEM_COLUMNS} FROM review_items WHERE id = ?", (item_id,))
    if not rows:
        raise ItemNotFound(f"no review item {item_id}")
    item = item_dict(rows[0])
    if item["status"] != "claimed" or item["claimed_by"] != reviewer or (item["lease_expires"] or 0) < t:
        raise NotClaimed(_not_claimed_message(item, reviewer, t))
    verdict = parse_verdict(body, item)
    findings = item["result"].get("findings") or []
    with store.tx() as cur:
        res = cur.execute("UPDATE review_items SET status = 'done', done_at = ? WHERE id = ? AND status = 'claimed' "
                          "AND claimed_by = ? AND lease_expires >= ?", (t, item_id, reviewer, t))
        if res.rowcount != 1:  # lost the lease between the read and now
            raise NotClaimed(f"review item {item_id} is no longer claimed by {reviewer}; claim it again")
        seconds = max(0.0, t - float(item["created_at"] or t))
        body_doc = {"findings": [{"index": i, "verdict": v} for i, v in verdict.findings],
                    "missed": [{"field": f, "start": s, "end": e, "category": c} for f, s, e, c in verdict.missed]}
        verdict_id = cur.insert_id(
            "INSERT INTO review_verdicts (item_id, reviewer, decision, note, body, created_at, seconds_to_verdict) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (item_id, reviewer, verdict.decision, verdict.note, dumps(body_doc), t, seconds))
        judged = [(verdict_id, item_id, storable(str(findings[i].get("category") or "")), _rule(findings[i]), v, t)
                  for i, v in verdict.findings]
        for params in judged:
            cur.execute("INSERT INTO review_judged (verdict_id, item_id, category, rule, verdict, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", params)
        for f, s, e, c in verdict.missed:
            cur.execute("INSERT INTO review_missed (verdict_id, item_id, field, start_at, end_at, category, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", (verdict_id, item_id, f, s, e, c, t))
        proposal_ids = add_proposals(cur, store, proposals_for(item, verdict),
                                     {"item": item_id, "verdict": verdict_id}, reviewer, t)
        audit(cur, reviewer, "review.verdict", t, item_id=item_id,
              before={"status": "claimed", "claimed_by": reviewer, "decision": item["decision"]},
              after={"status": "done", "verdict": verdict.decision, "verdict_id": verdict_id,
                     "false_positives": sum(v == "false_positive" for _, v in verdict.findings),
                     "missed": len(verdict.missed), "proposals": proposal_ids})
    return {"item": item_id, "verdict": verdict_id, "decision": verdict.decision, "proposals": proposal_ids,
            "seconds_to_verdict": seconds, "judged": [(j[2], j[3], j[4]) for j in judged],
            "missed": [m[3] for m in verdict.missed]}


def _not_claimed_message(item: dict[str, Any], reviewer: str, t: float) -> str:
    if item["status"] == "claimed" and item["claimed_by"] != reviewer:
        return f"review item {item['id']} is claimed by another reviewer"
    if item["status"] == "claimed":
        return f"your lease on review item {item['id']} ran out; claim again"
    if item["status"] == "withdrawn":
        return (f"review item {item['id']} was withdrawn (the listing was scanned again, clean or as another item); "
                "claim an item first (POST /v1/review/claim)")
    return f"review item {item['id']} is {item['status']}, not claimed by you; claim an item first (POST /v1/review/claim)"
