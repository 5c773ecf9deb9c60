"""Start and stop a real `scanner serve` for tests, without port races (Linux: reads /proc).

Why not just "pick a free port, then start the server on it": the port is released between the two,
so another test (or another job on the machine) can take it. Then either our server cannot bind and
exits, or -- worse -- a *different* server answers our readiness probe and the test talks to it.
`start_serve` therefore

* retries on a fresh port when the server exits because the address was in use;
* counts the server as ready only when /readyz answers 200 *and* the listening socket on the port
  belongs to the process we started (or its workers), with one listener per worker when the workers
  each bind their own SO_REUSEPORT socket -- so "ready" means every worker is ready;
* waits generously (a loaded 2-core CI machine can take many times the ~3 s an idle one needs).

`stop_serve` asks for a graceful stop and, if that does not happen in time, kills the whole process
tree (the reuseport workers put themselves in their own process groups, so killing the supervisor alone
would leave them running, holding the port).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

READY_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0  # the supervisor's own graceful shutdown may take 10 s + 5 s on an idle machine
BIND_ATTEMPTS = 5


def free_port() -> int:
    """A port nothing listens on right now (may be taken before use: callers must cope, see start_serve)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    """/proc/pid/stat fields after the command name: [state, ppid, ...], or None if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(pid: int) -> list[tuple[int, str]]:
    """pid's children, grandchildren, ... as (pid, start time) -- the start time tells a reused pid apart."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields:
                children.setdefault(int(fields[1]), []).append((int(entry), fields[19]))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(fields[9])
    return inodes


def listeners(pid: int, port: int) -> tuple[int, int]:
    """(listening sockets on `port` held by pid or its descendants, listening sockets on it in total)."""
    inodes = _listening_inodes(port)
    ours = set()
    for p in (pid, *(d[0] for d in descendants(pid))):
        try:
            fds = os.listdir(f"/proc/{p}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{p}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                ours.add(target[8:-1])
    return len(ours), len(inodes)


def readyz_ok(base: str) -> bool:
    import httpx

    try:
        return httpx.get(base + "/readyz", timeout=5, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def start_serve(args: list[str], env: dict[str, str], log_dir: Path, *, cwd: Path, workers: int = 1,
                reuse_port: bool = True, timeout: float = READY_TIMEOUT_S) -> tuple[subprocess.Popen, str, int, Path]:
    """`python -m scanner serve --port P *args` -> (process, base URL, port, log file), once ready."""
    import sys

    listeners_wanted = workers if workers > 1 and reuse_port else 1
    last_log = ""
    for _ in range(BIND_ATTEMPTS):
        port = free_port()
        log_path = log_dir / f"serve-{port}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "scanner", "serve", "--port", str(port), *args],
                                    cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if readyz_ok(base):
                ours, total = listeners(proc.pid, port)
                if ours >= listeners_wanted and ours == total:  # not someone else's server on "our" port
                    return proc, base, port, log_path
            time.sleep(0.1)
        else:
            stop_serve(proc)
            raise AssertionError(f"scanner serve not ready after {timeout:.0f} s:\n" + log_path.read_text(errors="replace"))
        last_log = log_path.read_text(errors="replace")
        stop_serve(proc)  # the supervisor may have exited with its workers still around
        if "address already in use" not in last_log.lower():
            raise AssertionError(f"scanner serve exited with {proc.returncode}:\n{last_log}")
    raise AssertionError(f"scanner serve could not bind a free port in {BIND_ATTEMPTS} attempts:\n{last_log}")


def stop_serve(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM (graceful); past `timeout`, SIGKILL the process and everything it started."""
    tree = descendants(proc.pid)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            tree = descendants(proc.pid) or tree
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + timeout
    for pid, started in tree:  # workers stop with the supervisor; any that did not are killed
        while _alive(pid, started) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid, started):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _alive(pid: int, started: str) -> bool:
    """The process we saw (same pid *and* start time) still runs and is not a zombie."""
    fields = _stat(pid)
    return bool(fields) and fields[19] == started and fields[0] != "Z"
