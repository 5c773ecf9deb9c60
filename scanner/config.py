"""One settings object for every command: library, CLI, HTTP service, batch, Spark.

Values come from (highest first) explicit arguments/flags, environment variables
(`SCANNER_*`, e.g. SCANNER_GALLERY, SCANNER_WORDLISTS, SCANNER_CONFIG), an
optional TOML/JSON settings file named by SCANNER_CONFIG, then these defaults.
"""
from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A wheel (pip install without -e) carries the checkout's top-level data inside the package
# (setup.py copies it to scanner/_bundled/); a checkout reads it where it stands.
PACKAGED_DATA = Path(__file__).resolve().parent / "_bundled"


def bundled(name: str, packaged: Path = PACKAGED_DATA, checkout: Path = PROJECT_ROOT) -> Path:
    """The bundled data directory `name` (wordlists, fixtures): the package's copy when the
    package has one, else the checkout's."""
    return packaged / name if (packaged / name).is_dir() else checkout / name


# The least response room a batch row needs (a row cut down to its decision is ~1 KiB at most).
RESPONSE_BYTES_PER_LISTING = 4096

BUNDLED_WORDLISTS = bundled("wordlists")
BUNDLED_FIXTURES = bundled("fixtures")


def default_data_dir() -> Path:
    """Where a default gallery database lives when SCANNER_GALLERY is not set."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "listing-scanner"


# The OCR cache's bound: at ~0.2-2 KB per image read (key + lines as JSON), room for the reads of a few hundred
# thousand images; a catalogue larger than that, rescanned, reads its least recently used images again.
OCR_CACHE_MAX_BYTES = 256 * 1024 * 1024

# Settings only code may turn on (the CLI's check command, batch, Spark), never a SCANNER_* variable or the
# SCANNER_CONFIG file: no deployment setting can make the HTTP service read files a request names.
CODE_ONLY = frozenset({"allow_local_image_paths"})


class _Without(PydanticBaseSettingsSource):
    """A settings source with some fields left out."""

    def __init__(self, source: PydanticBaseSettingsSource, names: frozenset[str]) -> None:
        super().__init__(source.settings_cls)
        self._source, self._names = source, names

    def get_field_value(self, field, field_name):  # unused: __call__ delegates whole
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._source().items() if k not in self._names}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCANNER_", extra="ignore")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return (init_settings, _Without(env_settings, CODE_ONLY), _Without(dotenv_settings, CODE_ONLY),
                _Without(file_secret_settings, CODE_ONLY))

    # --- data -----------------------------------------------------------------
    wordlists: Path = Field(default=BUNDLED_WORDLISTS, description="directory of word lists")
    gallery: Path | None = Field(
        default=None,
        description="SQLite gallery database; default: a database in the user data dir seeded from fixtures/gallery",
    )
    config: Path | None = Field(default=None, description="optional TOML or JSON settings file")

    # --- images (shared by library, CLI, batch, service) ------------------------
    max_image_pixels: int = Field(default=40_000_000, description="decoded pixel cap per image")
    max_image_bytes: int = Field(default=10 * 1024 * 1024, description="encoded bytes cap per image")
    allow_local_image_paths: bool = Field(
        default=False,
        description="accept {'path': ...} images. Only code turns this on (CLI check, batch, Spark), never "
        "the environment or the settings file; the HTTP service refuses path images whatever it says",
    )
    image_url_hosts: list[str] = Field(default_factory=list, description="hosts image URLs may be fetched from")
    image_url_allow_private: bool = Field(default=False, description="allow URL images on loopback/private addresses")
    image_url_timeout_s: float = 5.0
    gallery_reload_interval_s: float = Field(
        default=0.5, description="how often a process checks whether another process edited the gallery"
    )
    image_match_thresholds: dict[str, int] | None = Field(
        default=None, description="override per-hash match thresholds (bits); default: calibrated values"
    )

    # --- the learned listing model (issue #15) --------------------------------------------------
    listing_model: bool = Field(
        default=False,
        description="scan listing copy with the learned listing model too (scanner/text/clause_model.py: review-level "
        "findings on clauses no row names). Off by default: #15 keeps a model only for >= 5 points of first-seen "
        "recall at <= 20 % more scan time, and this one measured +0.3 to +2.9 points at ~1.34x a listing scan's CPU "
        "(docs/accuracy-study.md). Off: listings are scanned by the rows alone and say versions.listing_model \"off\"",
    )

    # --- OCR of listing images (issue #16; needs the `ocr` extra) -----------------
    ocr: bool = Field(
        default=False,
        description="read the text in listing images and scan it like copy (the service's default; a listing's "
        '`"options": {"ocr": true|false}` overrides it). Off unless asked: OCR costs ~0.5 s of CPU per 800 px image',
    )
    ocr_cache: Path | None = Field(
        default=None,
        description="SQLite cache of OCR text by image content hash + OCR version; default: ocr-cache.sqlite3 "
        "beside the gallery database",
    )
    ocr_cache_max_bytes: int = Field(
        default=OCR_CACHE_MAX_BYTES, gt=0,
        description="bytes the OCR cache may hold (keys + the text read, as JSON); past it the least recently used "
        "reads go first (docs/ocr.md). A client sending many distinct images cannot grow it without limit",
    )
    ocr_per_request: bool = Field(
        default=False,
        description='service: whether a request\'s `"options": {"ocr": true}` may turn OCR on when SCANNER_OCR is '
        "off. Off: such a request is refused, 422 ocr_not_allowed (OCR is the costliest stage; an operator who "
        "turned it off decides). Asking for OCR off (`false`) is always allowed",
    )
    ocr_image_budget_s: float = Field(
        default=5.0, ge=0, allow_inf_nan=False,
        description="seconds of CPU time the OCR thread spends on one image (looked at between OCR steps; CPU, not "
        "wall time, so a reader niced below busy scan threads is not failed for waiting); past it the image is an "
        "image_errors entry ocr_budget_exceeded and the listing at least review. 0 = no budget",
    )
    ocr_gate: bool = Field(
        default=True,
        description="before reading an image, run the text detector on it at 480 px and read nothing when it finds "
        "no text box (docs/ocr.md: saves ~170 ms of CPU per 800 px photo without text, adds ~55 ms per image with "
        "text). Named in versions.ocr",
    )
    ocr_threads: int | None = Field(
        default=None, ge=0,
        description="OCR threads per process, apart from the scan threads (onnxruntime releases the GIL); "
        "unset: 1 in the HTTP service, 0 elsewhere (0 = read in the scanning thread, as the library and batch "
        "workers do)",
    )
    ocr_queue: int = Field(
        default=4, ge=0,
        description="with OCR threads: images that may wait for one; past it an image is an image_errors entry "
        "ocr_busy (not read, the listing at least review) instead of holding another scan thread",
    )
    ocr_thread_nice: int = Field(
        default=10, ge=0, le=19,
        description="with OCR threads (Linux): how much nicer than the scan threads they run, so a text-only "
        "scan gets a core first when OCR is running. 0 = the same priority",
    )
    ocr_max_images_per_listing: int = Field(
        default=8, ge=0,
        description="images of one listing read by OCR (in order); the rest are image_errors entries "
        "ocr_images_capped and the listing at least review",
    )

    def ocr_cache_path(self) -> Path:
        if self.ocr_cache is not None:
            return self.ocr_cache
        from scanner.images.ocr_cache import DEFAULT_OCR_CACHE_NAME

        base = self.gallery.parent if self.gallery is not None else default_data_dir()
        return base / DEFAULT_OCR_CACHE_NAME

    # --- text -----------------------------------------------------------------
    max_field_chars: int = Field(default=100_000, description="longest text field scanned")
    max_fields_per_listing: int = Field(
        default=1_000, ge=1,
        description="bullets + attributes in one listing (marketplaces allow 5-10 bullets; a 400,000-bullet "
        "listing held ~150 MB while it was parsed and scanned, and glibc kept that memory); more → 413 too_many_fields",
    )
    # What one listing may cost (issue #13). The caps keep a listing's result, and the work of
    # verifying it, bounded whatever it holds; the fixtures have at most 7 findings in a field and
    # 12 in a listing, so the defaults leave 14x / 40x room while 400,000 repeated terms cost
    # ~1,000 verifications and a response of ~200 KB instead of 111 MB.
    max_findings_per_field: int = Field(
        default=100, ge=1,
        description="findings kept per field, the most severe first; more → `incomplete` findings_capped, "
        "decision at least review",
    )
    max_findings_per_listing: int = Field(
        default=500, ge=1,
        description="findings kept per listing, the most severe first; more → `incomplete` findings_capped, "
        "decision at least review",
    )
    scan_budget_s: float = Field(
        default=10.0, ge=0, allow_inf_nan=False,
        description="seconds of scanning per request (service: one budget for a whole batch request; batch "
        "and Spark: per listing); when it runs out the listing is `review` (`block` if a finding made so "
        "far blocks) with `incomplete` scan_budget_exceeded. 0 = no budget. Library scanners built "
        "without settings (Scanner(...), Scanner.from_defaults) have none",
    )

    # --- HTTP service (api/, `scanner serve`) -----------------------------------------
    host: str = Field(default="127.0.0.1", description="bind address of `scanner serve`")
    port: int = Field(default=8000, description="port of `scanner serve`")
    workers: int = Field(default=1, ge=1, description="uvicorn worker processes (each builds its own Scanner)")
    api_keys: list[dict[str, str]] = Field(
        default_factory=list,
        description='API keys as hashes: [{"name": "shop-a", "role": "scan"|"admin", "hash": "sha256:<hex>"}]; '
        "make a hash with `scanner keys hash`",
    )
    audit_log: Path | None = Field(default=None, description="JSON-lines audit log of admin actions; default: data dir")
    max_body_bytes: int = Field(default=20_000_000, description="request body cap, checked while streaming")
    request_body_timeout_s: float = Field(
        default=15.0, gt=0,
        description="a request's whole body must arrive within this many seconds of its headers (else 408)",
    )
    request_header_timeout_s: float = Field(
        default=10.0, gt=0,
        description="a request's headers must arrive within this many seconds of its first byte (else 408, closed)",
    )
    max_header_bytes: int = Field(default=32_768, ge=1024, description="request line + headers cap (else 431)")
    keep_alive_timeout_s: float = Field(
        default=75.0, gt=0,
        description="idle keep-alive connections are closed after this. Longer than the clients' own pool expiry "
        "(httpx 5 s, aiohttp 15 s, nginx upstream 60 s): a server that closes first can close a connection the "
        "client has just sent a request on, which the client sees as a reset (redteam15 soak)",
    )
    max_connections: int = Field(
        default=1000, ge=1,
        description="open connections per worker; more are answered 503 and closed at once",
    )
    max_connections_per_client: int = Field(
        default=64, ge=1,
        description="open connections per worker from one client address (IPv4 address, IPv6 /64); more are "
        "answered 503 too_many_connections_from_client and closed at once. Behind a proxy every client has "
        "the proxy's address: raise it to SCANNER_MAX_CONNECTIONS there",
    )
    send_timeout_s: float = Field(
        default=30.0, gt=0, allow_inf_nan=False,
        description="a client that stops reading its response (the send buffer stays full) for this many "
        "seconds is disconnected, freeing the response",
    )
    max_response_bytes: int = Field(
        default=4 * 1024 * 1024,
        description="largest /v1/scan or /v1/scan/batch response body; a larger one keeps every row's decision "
        "but lists fewer findings (the most severe first) in its largest rows, marked `incomplete` "
        "response_capped. At least 4096 bytes per batch listing (SCANNER_MAX_BATCH_LISTINGS)",
    )
    metrics_auth: str = Field(
        default="open",
        description="GET /metrics: 'open' (anyone who can reach the port) or 'key' (any key of SCANNER_API_KEYS, "
        "as X-API-Key or Authorization: Bearer)",
    )
    max_batch_listings: int = Field(default=100, description="listings per POST /v1/scan/batch")
    max_images_per_listing: int = Field(default=10, description="images in one listing or one upload")
    max_images_per_request: int = Field(default=100, description="images in one request (batch total)")
    image_errors: str = Field(
        default="reject",
        description="service only: 'reject' answers 4xx for a listing with a bad image; 'report' scans the rest "
        "and lists image_errors (the library behaviour)",
    )
    threadpool_size: int = Field(default=16, ge=1, description="threads per worker for scans and gallery edits")
    heavy_scan_concurrency: int = Field(
        default=2, ge=1,
        description="per worker: scans of request bodies of 1 MB or more that run at once (others wait; ordinary "
        "requests never do); keeps the event loop and ordinary scans responsive while huge requests are scanned",
    )
    gil_switch_interval_ms: float = Field(
        default=0.5, gt=0, le=100, allow_inf_nan=False,
        description="`scanner serve` workers: how long a scan thread may hold the GIL while the event loop "
        "(/healthz, reading and sending other requests) and ordinary scans wait for it. Python's default is 5 ms; "
        "with heavy hostile scans running, 0.5 ms against 2 ms halved /healthz p50, cut p99 by 20-35 % and gave "
        "2.5x the ordinary scans per second (docs/hardening.md, 2026-12-04)",
    )
    malloc_mmap_threshold_bytes: int = Field(
        default=131_072, ge=0,
        description="`scanner serve` workers (glibc): memory blocks of this size or more get their own mapping, "
        "returned to the OS when freed; 0 keeps glibc's sliding threshold, which let hostile requests' bodies "
        "and answers stay in the heap (docs/hardening.md)",
    )
    malloc_arena_max: int = Field(
        default=2, ge=0,
        description="`scanner serve` workers (glibc): malloc arenas per worker (0: glibc's default, 8 per core); "
        "fewer arenas keep fewer scan threads' high-water marks",
    )
    log_requests: bool = Field(default=True, description="one JSON line per request on stderr")
    edge_protection: bool = Field(
        default=True,
        description="`scanner serve`: bound header time and size, connections per worker and per client, send "
        "time and malformed HTTP inside each worker (api/edge). Turn off only behind a reverse proxy that does "
        "the same (docs/deploy.md); uvicorn's plain protocol then serves",
    )

    # --- human review (issue #19, scanner/review, docs/review.md) --------------------------
    database_url: str | None = Field(
        default=None,
        description="the review store: sqlite:////abs/path.sqlite3 (default: review.sqlite3 in the data dir) "
        "or postgresql://user@host/db (needs the `postgres` extra)",
    )
    review_queue: bool = Field(
        default=True,
        description="service: queue every `review` result (and the sampled pass/block results) for reviewers",
    )
    review_batch: bool = Field(default=False, description="`scanner batch`: queue results too (or --review-queue)")
    review_sample_pass: float = Field(
        default=0.0, ge=0, le=1, allow_inf_nan=False,
        description="share of `pass` results with a finding in a high-risk category to queue (by listing id hash)",
    )
    review_sample_block: float = Field(
        default=0.0, ge=0, le=1, allow_inf_nan=False,
        description="share of `block` results to queue for a second look (by listing id hash)",
    )
    review_high_risk_categories: list[str] = Field(
        default_factory=lambda: ["counterfeit", "prohibited_goods", "illegal_service", "brand", "medical_claim",
                                 "personal_data", "counterfeit_image"],
        description="categories whose `pass` results are sampled (SCANNER_REVIEW_SAMPLE_PASS)",
    )
    review_lease_s: float = Field(default=600.0, gt=0, allow_inf_nan=False,
                                  description="how long a claimed item is a reviewer's before it goes back")
    review_retention_days: float = Field(
        default=90.0, gt=0, allow_inf_nan=False,
        description="review items (masked listings, results, verdicts) and review audit rows older than this are "
        "purged (`scanner review purge`, and the service once an hour)",
    )
    review_sample_listings: Path = Field(
        default=BUNDLED_FIXTURES / "listings" / "catalogue.jsonl",
        description="the stored sample a change set's impact is previewed on",
    )

    @model_validator(mode="after")
    def _response_fits_a_batch(self) -> "Settings":
        # Every row of a full batch must fit, even cut down to its decision (api/response_cap.py).
        least = RESPONSE_BYTES_PER_LISTING * self.max_batch_listings
        if self.max_response_bytes < least:
            raise ValueError(f"max_response_bytes must be at least {RESPONSE_BYTES_PER_LISTING} per batch listing "
                             f"({least} for max_batch_listings={self.max_batch_listings}), got {self.max_response_bytes}")
        return self


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, layering the SCANNER_CONFIG file (if any) under env vars and overrides."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    config_path = overrides.get("config") or os.environ.get("SCANNER_CONFIG")
    file_values: dict[str, Any] = {}
    if config_path:
        path = Path(config_path)
        raw = path.read_bytes()
        file_values = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw.decode("utf-8"))
        file_values = file_values.get("scanner", file_values)
        file_values = {k: v for k, v in file_values.items() if k not in CODE_ONLY}
    env_values = Settings().model_dump(exclude_unset=True)
    return Settings(**{**file_values, **env_values, **overrides})
