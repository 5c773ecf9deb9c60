"""`pip install listing-scanner` without the `serve` extra: the library and every command but `serve`
work; `scanner serve` exits 2 and says what to install.

Each case runs in a fresh interpreter whose import system refuses the serve packages (a sys.meta_path
finder), as on a machine where they were never installed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.support import FIXTURES, ROOT

SERVE_HINT = 'pip install "listing-scanner[serve]"'

# Runs before anything else in the child: the serve packages (and what only they pull in) cannot be imported.
HIDE_SERVE_PACKAGES = textwrap.dedent("""
    import importlib.abc, sys
    HIDDEN = {"fastapi", "uvicorn", "prometheus_client", "starlette", "multipart", "python_multipart"}

    class HideServePackages(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in HIDDEN:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, HideServePackages())
""")


def run_hidden(tmp_path, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCANNER_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    # default gallery: seeded, temporary; the cached text engine of `check` too (scanner/text/engine_cache.py)
    env.update(PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run([sys.executable, "-c", HIDE_SERVE_PACKAGES + textwrap.dedent(code)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=180)


def cli(*argv: str) -> str:
    return f"from scanner.cli import main\nraise SystemExit(main({list(argv)!r}))\n"


COUNTERFEIT_IMAGE = str(FIXTURES / "gallery" / "nova_sneaker.jpg")


def test_the_hiding_works(tmp_path):
    """Without this the other cases could pass on a machine where the packages are simply importable."""
    for module in ("fastapi", "uvicorn", "prometheus_client", "starlette.requests", "multipart", "api.main"):
        proc = run_hidden(tmp_path, f"import {module}")
        assert proc.returncode == 1 and "ModuleNotFoundError" in proc.stderr, (module, proc.stderr)


def test_the_library_scans_text_and_images(tmp_path):
    proc = run_hidden(tmp_path, f"""
        import base64, json, sys
        import scanner.cli  # every sub-command registered: none may import api/ at import time
        from scanner.engine import Scanner

        image = base64.b64encode(open({COUNTERFEIT_IMAGE!r}, "rb").read()).decode("ascii")
        result = Scanner.from_defaults().scan({{"id": "l1", "title": "高仿耐克 运动鞋", "images": [{{"data": image}}]}})
        print(json.dumps({{"result": result.to_dict(),
                           "api_loaded": sorted(m for m in sys.modules if m == "api" or m.startswith("api."))}}))
    """)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["result"]["decision"] == "block"
    assert {"counterfeit", "brand", "counterfeit_image"} <= {f["category"] for f in out["result"]["findings"]}
    assert out["api_loaded"] == []


# (argv, exit code, what stdout must show)
COMMANDS = [
    (["check", "高仿耐克 运动鞋", "--json", "--no-images"], 4, '"decision": "block"'),
    (["check", "运动鞋", "--image", COUNTERFEIT_IMAGE, "--json"], 4, '"counterfeit_image"'),
    (["gallery", "list", "--json"], 0, '"items"'),
    (["keys", "hash", "--generate", "--json"], 0, '"sha256:'),
]


@pytest.mark.parametrize("argv, code, shows", COMMANDS, ids=[" ".join(c[0][:2]) for c in COMMANDS])
def test_commands_other_than_serve_work(tmp_path, argv, code, shows):
    proc = run_hidden(tmp_path, cli(*argv))
    assert proc.returncode == code, proc.stderr
    assert shows in proc.stdout, proc.stdout


@pytest.mark.parametrize("argv", [["serve"], ["serve", "--workers", "2", "--port", "0"]])
def test_serve_without_the_extra_exits_2_with_the_install_hint(tmp_path, argv):
    proc = run_hidden(tmp_path, cli(*argv))
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert SERVE_HINT in proc.stderr
    assert "Traceback" not in proc.stderr
    for dist in ("fastapi", "uvicorn", "prometheus-client", "python-multipart"):
        assert dist in proc.stderr
