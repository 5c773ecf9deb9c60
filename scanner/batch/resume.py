"""Resume: the output file is the progress record.

Chunks are written strictly in input order and flushed, so after a crash or `kill -9` the
output's complete lines answer exactly the first rows of the input: ``--resume`` counts them,
cuts off a torn last line and skips that many input rows. A sidecar ``OUTPUT.state.json``
(`RunState`) pins the input (size, mtime, hash of the first MB), its format and the engine
versions, so a resume cannot silently mix inputs or word-list versions.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any

from scanner import jsonio
from scanner.batch.spec import BatchError, EngineSpec
from scanner.batch.summary import accumulate, new_stats, now

log = logging.getLogger(__name__)

STATE_VERSION = 1
HEAD_BYTES = 1 << 20


def input_fingerprint(path: Path) -> dict[str, Any]:
    st = path.stat()
    with open(path, "rb") as fh:
        head = hashlib.sha256(fh.read(HEAD_BYTES)).hexdigest()
    return {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "head_sha256": head}


def state_path_for(output: Path) -> Path:
    return output.with_name(output.name + ".state.json")


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(jsonio.dumps(data, indent=2))  # (an input path from the OS may hold lone surrogates)
    os.replace(tmp, path)


def complete_lines_and_truncate(output: Path) -> int:
    """Count the complete (newline-terminated) lines of `output`, cutting off a torn
    last line left by a killed run. Returns the number of complete lines."""
    if not output.exists():
        return 0
    n = 0
    last_newline_end = 0
    offset = 0
    with open(output, "rb") as fh:
        while block := fh.read(1 << 22):
            c = block.count(b"\n")
            if c:
                n += c
                last_newline_end = offset + block.rindex(b"\n") + 1
            offset += len(block)
    if offset != last_newline_end:
        with open(output, "r+b") as fh:
            fh.truncate(last_newline_end)
        log.warning("resume: removed a partial last line (%d bytes) from %s", offset - last_newline_end, output)
    return n


def stats_from_output(output: Path) -> tuple[dict[str, Counter], dict[str, str] | None]:
    stats, versions = new_stats(), None
    with open(output, "rb") as fh:
        for data in fh:
            row = json.loads(data)
            accumulate(stats, row)
            if versions is None and row.get("versions") and "error" not in row:
                versions = row["versions"]
    return stats, versions


class RunState:
    """The sidecar ``OUTPUT.state.json``, rewritten atomically whenever it changes."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path, self.data = path, data
        self.save()

    @property
    def versions(self) -> dict[str, str] | None:
        return self.data["versions"]

    def save(self) -> None:
        write_json_atomic(self.path, self.data)

    def set_versions(self, versions: dict[str, str]) -> None:
        self.data["versions"] = versions
        self.save()

    def finish(self, rows: int) -> None:
        self.data.update(complete=True, finished_at=now(), rows=rows)
        self.save()


def start_run(inp: Path, out: Path, fmt: str, spec: EngineSpec, resume: bool, overwrite: bool
              ) -> tuple[RunState, int, dict[str, Counter]]:
    """Decide where the run starts: (state, rows already answered in `out`, their counters).
    A fresh run empties `out`; --resume continues it after checking it is the same input."""
    state_file = state_path_for(out)
    fingerprint = input_fingerprint(inp)
    done, stats, known_versions, state = 0, new_stats(), None, None
    if state_file.exists():
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = None
    if resume and out.exists() and out.stat().st_size > 0:
        if state is None:
            raise BatchError(f"cannot resume: {state_file} is missing or unreadable, so the input of {out} is unknown")
        if state.get("input", {}) | {"path": ""} != fingerprint | {"path": ""}:
            raise BatchError(
                f"cannot resume: {inp} is not the input {out} was started from "
                f"(recorded {state.get('input')}, now {fingerprint}); start again without --resume")
        if state.get("format") != fmt:
            raise BatchError(f"cannot resume: the run was started as {state.get('format')}, now {fmt}")
        started_with = (state.get("engine") or {}).get("options") or {}
        if started_with != spec.options:  # half the rows masked or in Chinese, half not, would be one file
            raise BatchError(f"cannot resume: the run was started with options {started_with}, now {spec.options}; "
                             "give the same --lang/--mask/--policy, or start again without --resume")
        done = complete_lines_and_truncate(out)
        stats, found_versions = stats_from_output(out)
        known_versions = state.get("versions") or found_versions
    else:
        if (not resume and not overwrite and state is not None and not state.get("complete")
                and out.exists() and out.stat().st_size > 0):
            raise BatchError(f"{out} holds an unfinished run; use --resume to continue it or --overwrite to start over")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"")
    run_state = RunState(state_file, {
        "state_version": STATE_VERSION, "input": fingerprint, "format": fmt, "output": str(out.resolve()),
        "versions": known_versions, "engine": json.loads(spec.to_json()), "complete": False,
        "started_at": (state or {}).get("started_at") if done else now(),
    })
    return run_state, done, stats
