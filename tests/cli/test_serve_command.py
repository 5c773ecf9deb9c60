"""`scanner serve` refuses an address it cannot listen on at once, with a hint (exit 2)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.support import ROOT


def _serve(*argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCANNER_")}
    return subprocess.run([sys.executable, "-m", "scanner", "serve", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_refused_with_a_hint(workers):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = _serve("--port", port, "--workers", workers)
    assert done.returncode == 2, done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_address_this_machine_does_not_have_is_refused():
    done = _serve("--host", "203.0.113.7", "--port", "8000")  # TEST-NET-3: bind only, nothing is sent
    assert done.returncode == 2, done.stderr
    assert "cannot listen on 203.0.113.7:8000" in done.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_key_naming_a_missing_profile_stops_serve_naming_its_label(workers):
    """#20: fail closed before any worker starts; the message names the key's label, never the key or its hash."""
    import json

    from api.auth import hash_key

    secret = "sk_test_serve_profile_0123456789"
    keys = [{"name": "shop-eu", "role": "scan", "hash": hash_key(secret), "policy": "eu-cosmetics"}]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCANNER_")}
    env["SCANNER_API_KEYS"] = json.dumps(keys)
    done = subprocess.run([sys.executable, "-m", "scanner", "serve", "--port", "0", "--workers", workers], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert ("policy profile 'eu-cosmetics' (profiles/eu-cosmetics.toml) is not in the word lists but API key "
            "'shop-eu' (SCANNER_API_KEYS) names it (known: cosmetics, default, medicine, secondhand)") in done.stderr
    assert secret not in done.stderr and hash_key(secret)[7:] not in done.stderr and "Traceback" not in done.stderr
