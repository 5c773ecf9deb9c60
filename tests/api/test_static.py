"""The editor page's files as the service serves them (api/static/, mounted at /static).

The page is plain ES modules with no build step, so what the browser needs is checked here without one:
every module the page reaches is served with a JavaScript MIME type (browsers refuse module scripts
served as anything else, e.g. text/plain from a misconfigured mimetypes table), every import resolves
to a file, the import graph has no cycles and no orphans, and nothing is loaded from another host.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes import health

STATIC = health.STATIC_DIR
INDEX = STATIC / "index.html"
PAGES = (INDEX, STATIC / "review.html")  # the editor and the reviewers' page share the modules

# The JavaScript MIME type essences of the WHATWG MIME Sniffing standard: any of them runs a module.
JS_MIME_TYPES = {
    "application/ecmascript", "application/javascript", "application/x-ecmascript", "application/x-javascript",
    "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1", "text/javascript1.2",
    "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
    "text/x-ecmascript", "text/x-javascript",
}

# `import {a} from "./x.js"`, `import "./x.js"`, `export {a} from "./x.js"`, `import("./x.js")`.
IMPORT = re.compile(r"""(?:\b(?:import|export)\b[^;"']*?\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']""")
COMMENT = re.compile(r"/\*.*?\*/|^\s*//[^\n]*", re.S | re.M)
URL_ATTRS = {"src", "href", "action", "poster", "srcset", "data"}


class _Refs(HTMLParser):
    """Every URL-bearing attribute in the page, and the src of each <script> with its type."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.scripts: list[tuple[str | None, str | None]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.urls += [(tag, name, value or "") for name, value in attrs if name in URL_ATTRS]
        if tag == "script":
            self.scripts.append((values.get("type"), values.get("src")))


def page_refs() -> _Refs:
    """The references of every page (each one's scripts are entry points of the import graph)."""
    refs = _Refs()
    for page in PAGES:
        refs.feed(page.read_text("utf-8"))
    return refs


def imports_of(module: Path) -> list[str]:
    return IMPORT.findall(COMMENT.sub("", module.read_text("utf-8")))


def static_file(url: str) -> Path:
    assert url.startswith("/static/"), f"{url}: the page's scripts are served from /static/"
    return STATIC / url.removeprefix("/static/")


def entry_modules() -> list[Path]:
    return [static_file(src) for _, src in page_refs().scripts if src]


def import_graph() -> dict[Path, list[Path]]:
    """Every module reachable from the page's scripts → the modules it imports (resolved, maybe missing)."""
    graph: dict[Path, list[Path]] = {}
    todo = entry_modules()
    while todo:
        module = todo.pop()
        if module in graph or not module.is_file():
            continue
        graph[module] = [(module.parent / spec).resolve() for spec in imports_of(module)]
        todo += graph[module]
    return graph


def cycle_in(graph: dict[Path, list[Path]]) -> list[str] | None:
    """One import cycle as a list of file names, or None."""
    state: dict[Path, str] = {}
    path: list[Path] = []

    def visit(node: Path) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for dep in graph.get(node, []):
            if state.get(dep) == "open":
                return [p.name for p in path[path.index(dep):]] + [dep.name]
            if dep not in state and (found := visit(dep)):
                return found
        path.pop()
        state[node] = "done"
        return None

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.fixture
def static_client(make_settings):
    # The static mount needs no scanner: the lifespan (the slow word-list build) is not entered.
    return TestClient(create_app(make_settings()))


def test_page_scripts_are_same_origin_modules():
    scripts = page_refs().scripts
    assert scripts, "index.html loads no script"
    for kind, src in scripts:
        assert src, "inline scripts are not used: the page's code lives in api/static/*.js"
        assert kind == "module", f"{src}: loaded as a classic script, not type=module"


def test_index_references_no_external_host():
    for tag, attr, url in page_refs().urls:
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.I) or url.startswith(("#", "data:")), \
            f"<{tag} {attr}={url!r}> points outside this service"


def test_every_import_resolves_to_a_module_in_static():
    graph = import_graph()
    assert graph, "no module reachable from index.html"
    for module, deps in graph.items():
        for spec, dep in zip(imports_of(module), deps):
            assert spec.startswith("./") and spec.endswith(".js"), \
                f"{module.name} imports {spec!r}: only ./name.js from api/static (no hosts, no bare names)"
            assert dep.is_file(), f"{module.name} imports {spec!r}, which does not exist"


def test_import_graph_has_no_cycles():
    assert cycle_in(import_graph()) is None, " → ".join(cycle_in(import_graph()))


def test_no_orphan_modules():
    """A .js file the page never loads is dead code (or a leftover, like the old app.js)."""
    reached = {p.name for p in import_graph()}
    assert not {p.name for p in STATIC.glob("*.js")} - reached, "never loaded by index.html or review.html"


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.glob("*.js")))
def test_module_served_as_javascript(static_client, name):
    resp = static_client.get(f"/static/{name}")
    assert resp.status_code == 200, resp.text
    essence = resp.headers["content-type"].split(";")[0].strip().lower()
    assert essence in JS_MIME_TYPES, f"/static/{name} served as {essence!r}: browsers refuse it as a module"
    assert resp.text == (STATIC / name).read_text("utf-8")


def test_cycle_finder_finds_cycles():
    """The cycle check above must be able to fail."""
    a, b, c = Path("/a.js"), Path("/b.js"), Path("/c.js")
    assert cycle_in({a: [b], b: [c], c: []}) is None
    assert cycle_in({a: [b], b: [c], c: [a]}) == ["a.js", "b.js", "c.js", "a.js"]
    assert cycle_in({a: [a]}) == ["a.js", "a.js"]
