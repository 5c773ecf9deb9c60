"""Change sets: reviewers' proposals, previewed on a stored sample, published as a new word-list version.

A change set is `open` while verdicts add proposals to it (there is at most one open set), then
`published` or `discarded` by an admin. Nothing here edits the live lists in place:

* `build(base, proposals, out)` copies the live word-list directory and appends each proposal as
  one row — an allow-list phrase to `allowlist.tsv`, a new term to `terms/<category>.tsv` — then
  loads the result the way the service would (`load_wordlists` + `TextEngine.load`). A directory
  that does not load is refused (`PublishRefused`, with the loader's file:line message): fail closed.
* `preview` scans the sample (fixtures/listings/catalogue.jsonl unless
  SCANNER_REVIEW_SAMPLE_LISTINGS names another file) with the live lists and the built ones and
  returns `scanner.batch.diff.diff_files` of the two: which listings change decision, and the
  causes (a term gone or new).
* `publish` builds, checks, stores the files in the database (`review_wordlists`, so a replica on
  another machine can write them out: `materialise`), marks that version live and the change set
  published, all in one transaction. The service then reloads (api/routes/review.py) and its
  other workers follow through api/sync.py.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from scanner.categories import DEFAULT_ACTIONS
from scanner.review.queue import audit
from scanner.review.store import Store, dumps, now as _now
from scanner.text.wordlists import WordlistError, content_version, load_wordlists

DATA_SUFFIXES = (".tsv", ".toml", ".md")


class PublishRefused(ValueError):
    """The built word lists do not load (422 publish_refused); nothing changed."""


class ChangesetNotFound(LookupError):
    pass


class ChangesetClosed(RuntimeError):
    """The change set is already published or discarded (409 changeset_closed)."""


def _proposal_dict(row: tuple) -> dict[str, Any]:
    pid, cs, kind, category, phrase, note, sources, by, at = row
    return {"id": pid, "changeset": cs, "kind": kind, "category": category, "phrase": phrase, "note": note,
            "sources": json.loads(sources), "created_by": by, "created_at": at}


PROPOSAL_COLUMNS = "id, changeset_id, kind, category, phrase, note, sources, created_by, created_at"


def proposals(store: Store, changeset_id: int) -> list[dict[str, Any]]:
    return [_proposal_dict(r) for r in store.read(
        f"SELECT {PROPOSAL_COLUMNS} FROM review_proposals WHERE changeset_id = ? ORDER BY id", (changeset_id,))]


def get(store: Store, changeset_id: int) -> dict[str, Any]:
    rows = store.read("SELECT id, status, created_at, closed_at, closed_by, base_version, version "
                      "FROM review_changesets WHERE id = ?", (changeset_id,))
    if not rows:
        raise ChangesetNotFound(f"no change set {changeset_id}")
    cid, status, created, closed, by, base, version = rows[0]
    return {"id": cid, "status": status, "created_at": created, "closed_at": closed, "closed_by": by,
            "base_version": base, "version": version, "proposals": proposals(store, cid)}


def list_all(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    where, params = ("WHERE status = ?", (status,)) if status else ("", ())
    ids = [r[0] for r in store.read(f"SELECT id FROM review_changesets {where} ORDER BY id DESC LIMIT 200", params)]
    return [get(store, i) for i in ids]


# -- building a word-list directory ------------------------------------------------------------
def _append_rows(path: Path, rows: list[str]) -> None:
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + "".join(r + "\n" for r in rows), encoding="utf-8")


def _cell(value: str) -> str:
    if any(c in value for c in "\t\r\n"):
        raise PublishRefused(f"proposal {value!r} holds a tab or a line break; a word-list cell cannot")
    return value


def build(base: Path, props: list[dict[str, Any]], out: Path) -> str:
    """Copy `base` to `out`, append the proposals, and check that `out` loads. Returns its version."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(base, out, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    allow = [f"{_cell(p['phrase'])}\t{_cell(p['category'])}\t{_cell(p['note'])}" for p in props if p["kind"] == "allow"]
    if allow:
        _append_rows(out / "allowlist.tsv", allow)
    terms: dict[str, list[str]] = {}
    for p in props:
        if p["kind"] == "term":
            severity = "high" if DEFAULT_ACTIONS.get(p["category"]) == "block" else "medium"
            # term, category, severity, suggestion, variants, pinyin, note
            terms.setdefault(p["category"], []).append(
                f"{_cell(p['phrase'])}\t{_cell(p['category'])}\t{severity}\t\t\t\t{_cell(p['note'])}")
        elif p["kind"] != "allow":
            raise PublishRefused(f"proposal {p['id']}: unknown kind {p['kind']!r}")
    for category, rows in terms.items():
        target = out / "terms" / f"{category}.tsv"
        if not target.resolve().is_relative_to((out / "terms").resolve()):
            raise PublishRefused(f"proposal category {category!r} is not a word-list file")
        _append_rows(target, rows)
    try:
        from scanner.text.engine import TextEngine

        lists = load_wordlists(out)
        TextEngine.load(out)  # the engine the service would build must build too
    except WordlistError as exc:
        raise PublishRefused(f"the word lists with these proposals do not load: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - any failure to build is a refusal, never a half-published list
        raise PublishRefused(f"the word lists with these proposals do not build: {type(exc).__name__}: {exc}") from None
    return lists.version


def _files(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(directory.rglob("*")) if p.is_file() and p.suffix in DATA_SUFFIXES}


# -- preview ------------------------------------------------------------------------------------
def _scan_file(engine: Any, sample: Path, out: Path) -> None:
    from scanner import jsonio
    from scanner.engine import Scanner

    scanner = Scanner(engine)
    with open(sample, "rb") as src, open(out, "wb") as dst:
        for line in src:
            if not line.strip():
                continue
            try:
                listing = jsonio.loads(line)
            except Exception:  # noqa: BLE001 - a bad sample row is an error row on both sides
                row = {"id": None, "error": {"code": "invalid_listing", "message": "not a JSON object"}}
            else:
                row = scanner.scan(listing).to_dict()
            dst.write(jsonio.dumps(row) + b"\n")


def preview(store: Store, changeset_id: int, base: Path, sample: Path, *, live_engine: Any = None,
            max_listed: int = 500) -> dict[str, Any]:
    from scanner.batch.diff import diff_files
    from scanner.text.engine import TextEngine

    cs = get(store, changeset_id)
    with tempfile.TemporaryDirectory(prefix="review-preview-") as tmp:
        tmp = Path(tmp)
        version = build(base, cs["proposals"], tmp / "wordlists")
        old_engine = live_engine if live_engine is not None else TextEngine.load(base)
        _scan_file(old_engine, sample, tmp / "old.jsonl")
        _scan_file(TextEngine.load(tmp / "wordlists"), sample, tmp / "new.jsonl")
        diff = diff_files(tmp / "old.jsonl", tmp / "new.jsonl", max_listed=max_listed)
    diff["old"], diff["new"] = "live", f"changeset {changeset_id}"
    return {"changeset": changeset_id, "status": cs["status"], "proposals": cs["proposals"],
            "base_version": old_engine.version, "version": version, "sample": sample.name, "impact": diff}


# -- publish / discard --------------------------------------------------------------------------
def publish(store: Store, changeset_id: int, actor: str, base: Path, versions_root: Path,
            now: float | None = None) -> dict[str, Any]:
    """Build, check, store and make live. Returns {"before", "after", "directory"}. PublishRefused if
    the built lists do not load (audited, nothing changed); ChangesetClosed if not open."""
    t = _now() if now is None else now
    cs = get(store, changeset_id)
    if cs["status"] != "open":
        raise ChangesetClosed(f"change set {changeset_id} is {cs['status']}")
    before = content_version(base)
    versions_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions_root))
    try:
        try:
            after = build(base, cs["proposals"], staging / "wordlists")
        except PublishRefused as exc:
            with store.tx() as cur:
                audit(cur, actor, "review.publish", t, changeset_id=changeset_id,
                      before={"status": "open", "version": before}, after={"outcome": "refused", "error": str(exc)})
            raise
        target = versions_root / after.removeprefix("sha256:")[:16]
        _put_in_place(staging / "wordlists", target, after)
        files = _files(target)
        with store.tx() as cur:
            res = cur.execute("UPDATE review_changesets SET status = 'published', closed_at = ?, closed_by = ?, "
                              "base_version = ?, version = ? WHERE id = ? AND status = 'open'",
                              (t, actor, before, after, changeset_id))
            if res.rowcount != 1:
                raise ChangesetClosed(f"change set {changeset_id} was closed meanwhile")
            cur.execute("UPDATE review_wordlists SET live = 0 WHERE live = 1")
            exists = cur.execute("SELECT version FROM review_wordlists WHERE version = ?", (after,)).fetchone()
            if exists:
                cur.execute("UPDATE review_wordlists SET live = 1 WHERE version = ?", (after,))
            else:
                cur.execute("INSERT INTO review_wordlists (version, files, changeset_id, published_by, published_at, live) "
                            "VALUES (?, ?, ?, ?, ?, 1)", (after, dumps(files), changeset_id, actor, t))
            audit(cur, actor, "review.publish", t, changeset_id=changeset_id,
                  before={"status": "open", "version": before},
                  after={"status": "published", "version": after, "proposals": [p["id"] for p in cs["proposals"]]})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"before": before, "after": after, "directory": str(target)}


def discard(store: Store, changeset_id: int, actor: str, now: float | None = None) -> None:
    t = _now() if now is None else now
    get(store, changeset_id)
    with store.tx() as cur:
        res = cur.execute("UPDATE review_changesets SET status = 'discarded', closed_at = ?, closed_by = ? "
                          "WHERE id = ? AND status = 'open'", (t, actor, changeset_id))
        if res.rowcount != 1:
            raise ChangesetClosed(f"change set {changeset_id} is not open")
        audit(cur, actor, "review.discard", t, changeset_id=changeset_id, before={"status": "open"},
              after={"status": "discarded"})


def live_version(store: Store) -> str | None:
    rows = store.read("SELECT version FROM review_wordlists WHERE live = 1")
    return rows[0][0] if rows else None


def materialise(store: Store, versions_root: Path) -> Path | None:
    """The directory of the live published version, written from the database if this machine does
    not have it yet (another replica published it). None when nothing was ever published."""
    rows = store.read("SELECT version, files FROM review_wordlists WHERE live = 1")
    if not rows:
        return None
    version, files = rows[0]
    target = versions_root / version.removeprefix("sha256:")[:16]
    if _holds(target, version):
        return target
    versions_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions_root))
    for rel, text in json.loads(files).items():
        path = (staging / rel).resolve()
        if not path.is_relative_to(staging.resolve()):
            raise PublishRefused(f"stored word-list file {rel!r} escapes its directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if content_version(staging) != version:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishRefused(f"stored word lists do not hash to {version}")
    _put_in_place(staging, target, version)
    return target


def _holds(directory: Path, version: str) -> bool:
    try:
        return directory.is_dir() and content_version(directory) == version
    except OSError:  # being moved aside by another process as damaged
        return False


def _put_in_place(staging: Path, target: Path, version: str) -> None:
    """Move the checked copy `staging` to `target`. Every worker of every replica on a machine follows the
    live version into the same directory, so several may get here at once while another is already loading
    `target`: a copy there that hashes right is kept (rename is atomic, never rmtree under a reader); only
    a damaged one is moved aside first, then removed."""
    for _ in range(3):
        try:
            staging.rename(target)
            return
        except OSError:  # target exists (not empty) or is not a directory
            if _holds(target, version):
                shutil.rmtree(staging, ignore_errors=True)
                return
            aside = Path(tempfile.mkdtemp(prefix=".damaged-", dir=target.parent))
            try:
                target.rename(aside / target.name)
            except FileNotFoundError:  # another process moved it meanwhile
                pass
            shutil.rmtree(aside, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    raise PublishRefused(f"{target} could not be replaced by the stored word lists of {version}")
