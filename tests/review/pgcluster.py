"""A throwaway PostgreSQL cluster on loopback in a temporary directory (tests and bench/bench_review.py).

As root the server runs as the `postgres` system user (PostgreSQL refuses to run as root). Raises
Unavailable with the reason when psycopg, initdb or runuser is missing or the server does not start.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class Unavailable(RuntimeError):
    pass


def _initdb() -> str | None:
    found = shutil.which("initdb")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BIND_ATTEMPTS = 5


def _start(as_user: list[str], bindir: Path, data: Path, root: Path) -> int:
    """pg_ctl start on a free loopback port -> the port. A port found free can be taken before the server binds
    it (parallel test workers each start a cluster, other jobs open ports): then start again on a fresh one,
    instead of reporting PostgreSQL unavailable and skipping every PostgreSQL test."""
    for attempt in range(BIND_ATTEMPTS):
        port = _free_port()
        log = root / f"log-{port}"
        try:
            subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                            "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                                  "-c synchronous_commit=off -c max_connections=100",
                            "start"], check=True, capture_output=True, timeout=120)
            return port
        except subprocess.CalledProcessError:
            taken = "address already in use" in log.read_text(errors="replace").lower() if log.exists() else False
            if not taken or attempt == BIND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed (pip install 'listing-scanner[postgres]')") from None
    initdb = _initdb()
    if initdb is None:
        raise Unavailable("PostgreSQL is not installed (no initdb; apt-get install postgresql)")
    bindir = Path(initdb).parent
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise Unavailable("running as root without runuser: cannot start PostgreSQL as another user")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="scanner-pg-"))
    if as_user:
        shutil.chown(root, "postgres")
    data = root / "data"
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                        "--no-sync", "-E", "UTF8", "--locale", "C"], check=True, capture_output=True, timeout=120)
        port = _start(as_user, bindir, data, root)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        out = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"could not start a throwaway PostgreSQL: {out.decode(errors='replace')[-300:]}") from None
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
