"""The service's own edge: what a reverse proxy would otherwise do at the connection level.

In production the recommended edge is a reverse proxy (nginx, Traefik, an ingress) that bounds header and
body time, connections per client and send time before a request reaches a worker: docs/deploy.md gives a
configuration. A bare `scanner serve` -- a laptop, a single VM, a container exposed directly -- has no such
proxy, so `protocol.BoundedHttpToolsProtocol` does the same inside each worker: a header deadline and size
cap, a connection cap per worker and per client address, a send timeout for clients that stop reading, and
malformed HTTP answered in the error envelope. It extends uvicorn's httptools protocol (tested on 0.54: the
`serve` extra pins it). `SCANNER_EDGE_PROTECTION=false` switches it off behind a proxy that does this work,
and uvicorn's plain protocol serves instead.
"""
from __future__ import annotations

from api.edge.protocol import BoundedHttpToolsProtocol, configure
from scanner.config import Settings

__all__ = ["BoundedHttpToolsProtocol", "configure", "uvicorn_options"]


def uvicorn_options(settings: Settings) -> dict:
    """What `scanner serve` passes to uvicorn besides host/port/logging."""
    options = dict(
        timeout_keep_alive=max(1, round(settings.keep_alive_timeout_s)),
        # uvicorn's own cap answers a plain-text 503 after reading the headers; the edge protocol answers
        # in the error envelope before reading anything. Keep uvicorn's as a backstop on tasks.
        limit_concurrency=settings.max_connections + settings.threadpool_size + 16,
        h11_max_incomplete_event_size=settings.max_header_bytes,  # only if uvicorn is ever run with http="h11"
    )
    if settings.edge_protection:
        options["http"] = "api.edge.protocol:BoundedHttpToolsProtocol"
    return options
