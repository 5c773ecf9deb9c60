# The HTTP service: `docker build -t listing-scanner . && docker run -p 8000:8000 listing-scanner`
# Configuration is environment only (SCANNER_*; see docs/api.md), e.g.
#   docker run -p 8000:8000 -e SCANNER_API_KEYS='[{"name":"ops","role":"admin","hash":"sha256:…"}]' \
#              -e SCANNER_WORKERS=4 -v scanner-data:/data listing-scanner
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MALLOC_ARENA_MAX=2

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin scanner \
    && mkdir -p /data && chown scanner:scanner /data

# Same install as the README: the whole repository (bundled wordlists/ and fixtures/
# included) with the `serve` extra (FastAPI, uvicorn, Prometheus), installed in editable mode. Files stay owned by root: the service user can
# read the code and data but not change them.
# gcc builds the compiled modules (the scanner/*.pyx twins and the glue compiled from its own .py files;
# optional extensions, see setup.py) and is removed again in the same layer; the check fails the build if
# any of them fell back to Python.
WORKDIR /app
COPY . /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install -e ".[serve,ocr]" \
    && pip install --no-deps "rapidocr-onnxruntime==1.4.4" \
    && python -c "import scanner, scanner.text.normalize as n, scanner.text.detectors as d, scanner.text.segment as s; assert n.COMPILED and d.COMPILED and s.COMPILED, 'compiled twins not built'; assert set(scanner.COMPILED_GLUE.values()) == {'compiled'}, scanner.COMPILED_GLUE" \
    && apt-get purge -y --auto-remove gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

USER scanner
# Gallery database (seeded from fixtures/gallery on first start) and audit log live on /data.
ENV HOME=/home/scanner \
    XDG_DATA_HOME=/data \
    SCANNER_AUDIT_LOG=/data/audit.jsonl \
    SCANNER_PORT=8000 \
    SCANNER_WORKERS=2
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('SCANNER_PORT', '8000') + '/healthz', timeout=3).status == 200 else 1)"]

# 0.0.0.0 only here, inside the container; `scanner serve` itself defaults to 127.0.0.1.
CMD ["scanner", "serve", "--host", "0.0.0.0"]
