"""`scanner keys hash`: the SCANNER_API_KEYS entry for a key read from stdin, or for a new key."""
import json
import subprocess
import sys

from api.auth import hash_key


def test_keys_hash_command():
    out = subprocess.run([sys.executable, "-m", "scanner", "keys", "hash", "--name", "n", "--role", "admin",
                          "--json"], input="my-secret\n", capture_output=True, text=True, check=True).stdout
    entry = json.loads(out)["entry"]
    assert entry == {"name": "n", "role": "admin", "hash": hash_key("my-secret")}
    gen = json.loads(subprocess.run([sys.executable, "-m", "scanner", "keys", "hash", "--generate", "--json"],
                                    capture_output=True, text=True, check=True).stdout)
    assert gen["entry"]["hash"] == hash_key(gen["key"])
