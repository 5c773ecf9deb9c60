#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run all of it.
# Used by README (the test command) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[serve,tools,test,spark,e2e,bench,ocr,postgres]"
# OCR (issue #16): rapidocr-onnxruntime declares opencv-python (needs libGL); the `ocr` extra above brings
# its real dependencies with the headless OpenCV, so it goes in without its own (pinned: Python < 3.13).
if python -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then
    python -m pip install --quiet --no-deps "rapidocr-onnxruntime==1.4.4"
fi

# The browser test drives Debian's Chromium (Playwright's own browser download is not
# available here); install it when we can, otherwise that test is skipped with a reason.
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
            || echo "warning: could not install chromium; the browser test will be skipped" >&2
    else
        echo "note: chromium not installed and not root; the browser test will be skipped" >&2
    fi
fi

# The review store's tests run on SQLite and on a throwaway PostgreSQL cluster (tests/review/conftest.py
# makes one with initdb on loopback); without PostgreSQL that half is skipped with a reason.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
            || echo "warning: could not install postgresql; the PostgreSQL store tests will be skipped" >&2
    else
        echo "note: postgresql not installed and not root; the PostgreSQL store tests will be skipped" >&2
    fi
fi

# The OCR tests draw Chinese text with Debian's WenQuanYi font (skipped with a reason without it).
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
        || echo "warning: could not install fonts-wqy-microhei; the OCR image tests will be skipped" >&2
fi

# Spark's Python workers must run this virtual environment's interpreter.
export PYSPARK_PYTHON="$PWD/.venv/bin/python"
export PYSPARK_DRIVER_PYTHON="$PWD/.venv/bin/python"

if [ "$#" -eq 0 ]; then
    # Both passes run on one worker process per core (pytest-xdist; PYTEST_XDIST_AUTO_NUM_WORKERS=N to change):
    # everything a test writes is in its worker's own temporary directory, and every server or PostgreSQL
    # cluster listens on a port of its own (README "Tests").
    #
    # The engine's tests run first as plain Python: that is what a machine without a C compiler runs.
    # `worksteal`: tests/text/test_linear_time.py alone is minutes of CPU-time ratios; an idle worker takes over half of
    # what is left to the busy one. Not run twice: the linear-time tests of the `re` patterns (detectors,
    # personal data, buyer phrases) and of the Python definitions called by name (normalise_python,
    # could_detect_python) run the same code whichever build is installed, and the compiled pass runs them; so does
    # test_first_chars.py (the buyer phrases' patterns, compiled by `re` alike in both builds).
    SCANNER_PURE_PYTHON=1 python -m pytest -q -n auto --dist worksteal tests/text \
        --ignore=tests/text/test_first_chars.py \
        --deselect tests/text/test_linear_time.py::test_detector_pattern_is_linear \
        --deselect "tests/text/test_linear_time.py::test_normaliser_is_linear[normalise_python]" \
        --deselect "tests/text/test_linear_time.py::test_detectors_and_hints_are_linear[could_detect_python]"
    # The whole suite on the compiled build. `loadfile`: each file's tests on one worker, so a file's module
    # fixtures (a Spark session, a `scanner serve`, an engine on edited word lists) are built once.
    exec python -m pytest -n auto --dist loadfile
fi
exec python -m pytest "$@"
