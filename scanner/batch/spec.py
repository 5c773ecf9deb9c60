"""What a batch run is given: the engine each worker builds (`EngineSpec`), the run's knobs
(`BatchOptions`), and the two ways a whole run can fail (`BatchError`, `EngineBuildError`).

Plain data only: a spec travels as JSON to worker processes and Spark executors, never as a
pickled engine (engines hold automata that are slow to pickle and cannot be broadcast).
"""
from __future__ import annotations

import importlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from scanner.options import parse_options

DEFAULT_CHUNK_SIZE = 500
DEFAULT_MAX_LINE_BYTES = 16 << 20
DEFAULT_ROW_TIMEOUT = 30.0  # seconds per row, then a review row marked incomplete; 0 = no limit


class BatchError(RuntimeError):
    """A run-level failure (bad arguments, refused resume, engine cannot be built)."""


class EngineBuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class EngineSpec:
    """Everything a worker needs to build its own engine. Plain data, so it pickles to
    any process (multiprocessing, Spark executors) without carrying an automaton.

    `factory` is "module:callable", called as ``callable(spec)`` and returning an
    object with ``scan(listing) -> result`` (result has ``to_dict()``) and ``versions``.
    """

    factory: str = "scanner.batch:build_scanner"
    settings: dict[str, Any] = field(default_factory=dict)  # overrides for load_settings
    with_images: bool = True
    # The run's scan options (scanner/options.py: language, mask, ocr, suggest, policy), under each row's own "options"
    # as in a /v1/scan/batch request: a row that asks for something else gets it.
    options: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> "EngineSpec":
        return cls(**json.loads(text))


def build_scanner(spec: EngineSpec):
    """The default factory: the real Scanner, configured for batch use."""
    from scanner.config import load_settings
    from scanner.engine import Scanner

    overrides = {"allow_local_image_paths": True, **spec.settings}
    scanner = Scanner.from_settings(load_settings(**overrides), with_images=spec.with_images)
    _check_policy(spec.options.get("policy"), scanner.text_engine.profiles)  # not a million unknown_policy rows
    return scanner


def _check_policy(policy: str | None, known) -> None:
    if policy is not None and policy not in known:
        raise EngineBuildError(f"--policy {policy!r}: no such profile in the word lists (known: {', '.join(sorted(known))})")


def check_run_policy(spec: EngineSpec) -> None:
    """The run's --policy against the word lists the default engine will load, before anything is scanned: the
    Spark driver's check (its executors build the engines; `scanner batch` builds one in-process and stops
    there). EngineBuildError naming the known profiles. Another factory (tests, benchmarks) is its own judge."""
    policy = spec.options.get("policy")
    if policy is None or spec.factory != EngineSpec.factory:
        return
    from scanner.config import load_settings
    from scanner.text.wordlists import DEFAULT_PROFILE, load_wordlists

    settings = load_settings(**{"allow_local_image_paths": True, **spec.settings})
    _check_policy(policy, {DEFAULT_PROFILE, *load_wordlists(settings.wordlists).profiles})


def spec_from_args(args) -> EngineSpec:
    """The engine a command line asks for (`scanner batch`, the Spark job): --wordlists/--gallery/
    --config as absolute paths (workers and executors may start elsewhere), --no-images,
    --image-url-host, and the hidden --engine-factory of tests and benchmarks."""
    settings: dict[str, Any] = {"allow_local_image_paths": True}
    for name in ("wordlists", "gallery", "config"):
        if getattr(args, name, None):
            settings[name] = str(Path(getattr(args, name)).resolve())
    if getattr(args, "image_url_host", None):
        settings["image_url_hosts"] = args.image_url_host
    if getattr(args, "ocr", None) is not None:
        settings["ocr"] = args.ocr
    options: dict[str, Any] = {}
    if getattr(args, "lang", None):
        options["language"] = args.lang
    if getattr(args, "mask", False):
        options["mask"] = True
    if getattr(args, "suggest", False):
        options["suggest"] = True
    if getattr(args, "policy", None):
        options["policy"] = args.policy
    parse_options(options)  # a bad value is a usage error now, not a million error rows later
    kwargs: dict[str, Any] = {"settings": settings, "with_images": not args.no_images, "options": options}
    if args.engine_factory:
        kwargs["factory"] = args.engine_factory
    return EngineSpec(**kwargs)


def build_engine(spec: EngineSpec):
    module_name, _, attr = spec.factory.partition(":")
    if not module_name or not attr:
        raise EngineBuildError(f"engine factory must look like 'module:callable', got {spec.factory!r}")
    factory: Callable = getattr(importlib.import_module(module_name), attr)
    engine = factory(spec)
    return WithRunOptions(engine, spec.options) if spec.options else engine


def with_run_options(raw: Any, options: dict[str, Any]) -> Any:
    """A row's listing with the run's options under its own: the row's keys win. A row whose "options"
    is not an object is left alone, so the engine refuses it with `invalid_options` as it would anyway."""
    if not isinstance(raw, dict):
        return raw
    own = raw.get("options")
    if own is None:
        return {**raw, "options": options}
    if isinstance(own, dict):
        return {**raw, "options": {**options, **own}}
    return raw


class WithRunOptions:
    """An engine that scans every row with the run's options (`scanner batch --lang zh --mask`)."""

    def __init__(self, engine, options: dict[str, Any]) -> None:
        self._engine, self._options = engine, dict(options)

    def scan(self, raw: Any):
        return self._engine.scan(with_run_options(raw, self._options))

    def __getattr__(self, name: str):  # versions, ocr_stats, ... of the engine itself
        return getattr(self._engine, name)


@dataclass
class BatchOptions:
    workers: int = 0                      # 0 = all cores
    chunk_size: int = DEFAULT_CHUNK_SIZE
    resume: bool = False
    overwrite: bool = False
    allow_version_change: bool = False
    fmt: str = "auto"
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    progress: str = "auto"                # auto | bar | log | none
    log_interval: float = 10.0
    max_restarts: int = 20
    start_method: str | None = None       # multiprocessing start method; default: the platform's
    row_timeout: float = DEFAULT_ROW_TIMEOUT
