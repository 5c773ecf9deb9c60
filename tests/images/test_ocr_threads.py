"""OCR in its own bounded threads (issue #16, the service's arrangement): an image is read by the reader's
OCR thread, not the scan thread that asked; past threads + queue an image is `ocr_busy` at once (not read,
the listing at least review, never refused), so scan threads do not pile up behind OCR."""
from __future__ import annotations

import base64
import os
import threading

import pytest

from scanner.config import Settings
from scanner.engine import Scanner
from scanner.images import ocr

pytestmark = pytest.mark.skipif(not ocr.available(), reason="the `ocr` extra is not installed")


class _Held(ocr.OcrReader):
    """A reader whose reads (in its OCR thread) wait until released, recording the thread that read."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.release = threading.Event()
        self.started = threading.Semaphore(0)
        self.read_in: list[str] = []

    def _run(self, data):
        self.read_in.append(threading.current_thread().name)
        self.started.release()
        self.release.wait(10)
        return []


def listing(i: int) -> dict:
    return {"id": f"sku-{i}", "title": "纯棉T恤", "images": [{"data": base64.b64encode(b"img%d" % i).decode()}]}


@pytest.mark.parametrize("threads,queue,admitted", [(1, 0, 1), (1, 2, 3), (2, 1, 3)])
def test_past_threads_plus_queue_an_image_is_busy_not_waiting(text_engine, threads, queue, admitted):
    reader = _Held(threads=threads, queue=queue)
    sc = Scanner(text_engine, None, Settings.model_construct(scan_budget_s=0.0),
                 ocr=True, ocr_reader=reader)
    rows: dict[int, dict] = {}
    workers = [threading.Thread(target=lambda i=i: rows.__setitem__(i, sc.scan(listing(i)).to_dict()))
               for i in range(admitted)]
    for w in workers:
        w.start()
    for _ in range(threads):  # the OCR threads hold their images; the others wait in the queue
        assert reader.started.acquire(timeout=10)
    deadline = threading.Event()
    while reader._admitted < admitted and not deadline.wait(0.01):
        pass
    busy = sc.scan(listing(99)).to_dict()  # one more: answered at once, not read
    assert [e["code"] for e in busy["image_errors"]] == ["ocr_busy"]
    assert busy["decision"] == "review" and "SCANNER_OCR_QUEUE" in busy["image_errors"][0]["message"]
    reader.release.set()
    for w in workers:
        w.join(10)
    assert sorted(rows) == list(range(admitted))
    assert all(not r.get("image_errors") and r["decision"] == "pass" for r in rows.values())
    assert reader.read_in and all(name.startswith("ocr") for name in reader.read_in)


def test_the_service_reads_in_one_ocr_thread_unless_told(monkeypatch):
    from api.main import _service_ocr_threads

    assert _service_ocr_threads(Settings.model_construct()).ocr_threads == 1
    assert _service_ocr_threads(Settings.model_construct(ocr_threads=0)).ocr_threads == 0
    assert _service_ocr_threads(Settings.model_construct(ocr_threads=2)).ocr_threads == 2
    assert ocr.OcrReader.from_settings(Settings.model_construct()).threads == 0  # library and batch: inline


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="per-thread priority is a Linux feature")
@pytest.mark.parametrize("nice", [0, 5, 10])
def test_the_ocr_thread_runs_nicer_than_the_scan_threads(nice):
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []

    class _Recording(ocr.OcrReader):
        def _run(self, data):
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            return []

    _Recording(threads=1, nice=nice).read(b"img", "images[0]")
    assert seen == [min(19, base + nice)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base  # the caller's is unchanged


def test_an_image_still_queued_at_the_scan_deadline_is_busy_not_read(text_engine):
    reader = _Held(threads=1, queue=2)
    te = text_engine
    patient = Scanner(te, None, Settings.model_construct(scan_budget_s=0.0), ocr=True, ocr_reader=reader)
    first: dict = {}
    holder = threading.Thread(target=lambda: first.update(patient.scan(listing(1)).to_dict()))
    holder.start()
    assert reader.started.acquire(timeout=10)  # the only OCR thread is held by listing 1
    hurried = Scanner(te, None, Settings.model_construct(scan_budget_s=0.3), budget_s=0.3, ocr=True,
                      ocr_reader=reader)
    row = hurried.scan(listing(2)).to_dict()  # queued behind it; its 0.3 s budget runs out while waiting
    reader.release.set()
    holder.join(10)
    assert [e["code"] for e in row["image_errors"]] == ["ocr_busy"] and row["decision"] == "review"
    assert "SCANNER_SCAN_BUDGET_S" in row["image_errors"][0]["message"]
    assert len(reader.read_in) == 1  # listing 2's image was taken off the queue, never read
    assert not first.get("image_errors") and first["decision"] == "pass"
