"""Read the text in a listing image (offline OCR), so the text engine can scan it like copy (issue #16).

    OcrReader.read(bytes, field) -> ImageText(text, lines)     (cached by content hash + OCR version)

One image: the cache is asked first (sha256 of the bytes + `version`); on a miss the image is decoded
once by the safe decoder (`decode.decode_colour`: the same limits and error codes as the gallery side),
downscaled to at most MAX_SIDE px on its long side (never up), its lightness evened out by CLAHE, and
read by one RapidOCR engine per process (PP-OCRv4 models shipped inside the rapidocr-onnxruntime wheel:
nothing is fetched at run time). The detector is told `det_limit_type="max"` so it never scales a small
image up (its default scales the short side up to 736 px: a 400 px image then costs as much as 800 px).

The recognised lines are joined with newlines into one text per image; `ImageText.span_box` maps a
finding's [start, end) in that text back to a box in the ORIGINAL image's pixels.

Before the full read, the "has text?" gate (GATE) runs the detector on the image scaled to 480 px and reads
nothing when it finds no box (docs/ocr.md: measured cost and recall). In the service the reader reads in its
own bounded OCR thread(s) (`threads`, `queue`: past them `ocr_busy`), so scan threads never queue behind OCR.

Errors are ImageInputError (an `image_errors` entry): the decoder's codes, and
`ocr_unavailable` (the `ocr` extra is not installed) and `ocr_budget_exceeded` (the per-image time
budget ran out between OCR steps). RapidOCR's sessions are not documented as thread-safe: one lock
serialises inference (one intra-op thread each; two threads were slower on 2 cores, issue #16).
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from bisect import bisect_left
from concurrent.futures import TimeoutError as FuturesTimeout
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple, Sequence

import numpy as np

from scanner.config import OCR_CACHE_MAX_BYTES
from scanner.images import decode as _decode
from scanner.results import ImageInputError

PACKAGE = "rapidocr-onnxruntime"
MAX_SIDE = 960  # longest side OCR sees; more pixels cost time and did not read more (issue #16 study)
# Everything that changes what OCR reads is in here, and so in `version` (and the cache key).
ENGINE_SETTINGS: dict[str, Any] = {
    "det_limit_type": "max", "det_limit_side_len": MAX_SIDE,  # never upscale
    "text_score": 0.5,  # lines read with less confidence are dropped (RapidOCR's default)
    "intra_op_num_threads": 1, "inter_op_num_threads": 1,
}
CLAHE = {"clip_limit": 2.0, "tiles": 8}  # on the L channel of Lab: lifts low-contrast watermarks
# The "has text?" gate (issue #16): before the full-size detection, the detector runs once on the image
# scaled down to GATE["side"] px (long side); no box scored >= min_score -> the image is read as holding no
# text and nothing more runs. Detection is most of the cost of an image with little text (231 ms of 278 ms at
# 800 px, measured in docs/ocr.md); at 480 px it costs ~57 ms and lost no read planted text on the evaluation,
# while 256 and 320 px lost the text over a busy photograph. Images no larger than `side` are not gated (the
# gate would be the full detection again). Switched off by SCANNER_OCR_GATE=false; part of the reader's version.
GATE = {"side": 480, "min_score": 0.5}
REC_CHUNK = 6  # lines recognised per step; the per-image budget is looked at between steps
INSTALL_HINT = ('OCR needs the `ocr` extra: pip install "listing-scanner[ocr]" && '
                "pip install --no-deps rapidocr-onnxruntime==1.4.4 (Python < 3.13)")


class OcrLine(NamedTuple):
    text: str
    box: tuple[int, int, int, int]     # [x0, y0, x1, y1] in the original image's pixels
    confidence: float
    quad: tuple[float, ...]            # the detector's 4 corners (x, y) * 4, original pixels: for sub-boxes

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "box": list(self.box), "confidence": round(self.confidence, 4)}


class ImageText(NamedTuple):
    """What was read from one image: `text` is the lines joined by newlines, in reading order."""

    field: str
    text: str
    lines: tuple[OcrLine, ...]
    starts: tuple[int, ...]            # where each line starts in `text`
    breaks: tuple[int, ...] = ()       # where OCR left out a space between two words (ocr_words.breaks)

    @classmethod
    def of(cls, field: str, lines: Sequence[OcrLine]) -> "ImageText":
        starts, at = [], 0
        for line in lines:
            starts.append(at)
            at += len(line.text) + 1
        return cls(field, "\n".join(line.text for line in lines), tuple(lines), tuple(starts))

    @property
    def scanned(self) -> str:
        """What the text engine reads: the lines joined by spaces, and a space wherever OCR glued two words
        (`breaks`). In copy the engine reads a newline as the end of a clause; in an image a line ends where the
        layout wrapped ("Review us ★★★★★" over "and get a free gift" is one phrase: an independent image set lost
        5 of 45 violations to it). `read_offset` maps an offset in it back to `text`."""
        joined = self.text.replace("\n", " ")
        if not self.breaks:
            return joined
        parts, at = [], 0
        for b in self.breaks:
            parts.append(joined[at:b])
            at = b
        parts.append(joined[at:])
        return " ".join(parts)

    def read_offset(self, scanned_at: int) -> int:
        """The offset in `text` of offset `scanned_at` in `scanned` (an added space maps to the letter after it)."""
        if not self.breaks:
            return scanned_at
        added = [b + k for k, b in enumerate(self.breaks)]  # where the added spaces stand in `scanned`
        return scanned_at - bisect_left(added, scanned_at)

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "lines": [line.to_dict() for line in self.lines]}

    def span_box(self, start: int, end: int) -> tuple[list[int], float]:
        """([x0, y0, x1, y1], lowest line confidence) of text[start:end]: the part of each line it covers,
        interpolated along the line's reading direction."""
        xs: list[float] = []
        ys: list[float] = []
        confidence = 1.0
        for line, at in zip(self.lines, self.starts):
            n = len(line.text)
            lo, hi = max(start, at), min(end, at + n)
            if lo >= hi:
                continue
            confidence = min(confidence, line.confidence)
            for x, y in _sub_quad(line.quad, (lo - at) / n, (hi - at) / n):
                xs.append(x)
                ys.append(y)
        if not xs:  # a span of newlines only: cannot happen for a finding, but never fail
            return [0, 0, 0, 0], 0.0
        return [int(min(xs)), int(min(ys)), int(np.ceil(max(xs))), int(np.ceil(max(ys)))], confidence


def _sub_quad(quad: Sequence[float], t0: float, t1: float) -> list[tuple[float, float]]:
    """The corners of the part [t0, t1] of a text line's quad along its reading direction. RapidOCR
    reads a crop at least 1.5x taller than wide as vertical text (top to bottom), else along the top edge."""
    p = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    width = max(np.linalg.norm(p[0] - p[1]), np.linalg.norm(p[2] - p[3]))
    height = max(np.linalg.norm(p[0] - p[3]), np.linalg.norm(p[1] - p[2]))
    if height >= 1.5 * width:  # vertical: characters go from the top edge (p0 p1) to the bottom (p3 p2)
        a0, a1, b0, b1 = p[0], p[3], p[1], p[2]
    else:
        a0, a1, b0, b1 = p[0], p[1], p[3], p[2]
    return [tuple(a0 + (a1 - a0) * t) for t in (t0, t1)] + [tuple(b0 + (b1 - b0) * t) for t in (t0, t1)]


# -- the engine: one per process, built on first use ---------------------------------------------
_build_lock = threading.Lock()
_run_lock = threading.Lock()
_engine: Any = None
_version: str | None = None


def available() -> bool:
    try:
        metadata.version(PACKAGE)
        import onnxruntime  # noqa: F401
        import cv2  # noqa: F401
    except Exception:
        return False
    return True


def _package_dir() -> Path:
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).resolve().parent


def engine() -> Any:
    """The process's RapidOCR engine (raises ImageInputError ocr_unavailable without the extra)."""
    global _engine
    if _engine is None:
        with _build_lock:
            if _engine is None:
                try:
                    import logging

                    from rapidocr_onnxruntime import RapidOCR
                    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
                except Exception as exc:  # ImportError, or cv2's missing libGL (the non-headless OpenCV)
                    raise ImageInputError("ocr_unavailable", f"{INSTALL_HINT} ({type(exc).__name__})") from None
                _engine = RapidOCR(**ENGINE_SETTINGS)
    return _engine


def ocr_version() -> str:
    """Engine, models (sha256 of the ONNX files shipped in the wheel) and settings: a new value of any
    of them is a new version, so the cache never serves an older read."""
    global _version
    if _version is None:
        if not available():
            raise ImageInputError("ocr_unavailable", INSTALL_HINT)
        models = hashlib.sha256()
        for path in sorted((_package_dir() / "models").glob("*.onnx")):
            models.update(path.name.encode())
            models.update(hashlib.sha256(path.read_bytes()).digest())
        settings = json.dumps({"engine": ENGINE_SETTINGS, "clahe": CLAHE, "max_side": MAX_SIDE}, sort_keys=True)
        _version = (f"{PACKAGE} {metadata.version(PACKAGE)}; models sha256:{models.hexdigest()[:16]}; "
                    f"settings sha256:{hashlib.sha256(settings.encode()).hexdigest()[:16]}")
    return _version


def _prepare(im) -> np.ndarray:
    """RGB image -> the BGR array RapidOCR expects, lightness evened out by CLAHE."""
    import cv2

    rgb = np.asarray(im.convert("RGB"))
    if CLAHE is None:  # tools.ocr_eval --no-clahe
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    clahe = cv2.createCLAHE(clipLimit=CLAHE["clip_limit"], tileGridSize=(CLAHE["tiles"], CLAHE["tiles"]))
    lab[:, :, 0] = clahe.apply(np.ascontiguousarray(lab[:, :, 0]))
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)


def gate_version(gate: bool) -> str:
    return f"gate det@{GATE['side']}px score>={GATE['min_score']:g}" if gate else "gate off"


def _may_hold_text(ocr: Any, img: np.ndarray) -> bool:
    """The gate: does the detector, run on `img` scaled down to GATE["side"], find any text box?"""
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    det = ocr.text_det
    pre = DetPreProcess(GATE["side"], "max", det.mean, det.std)(img)
    if pre is None:
        return True
    _, scores = det.postprocess_op(det.infer(pre)[0], img.shape[:2])
    return any(float(s) >= GATE["min_score"] for s in scores)


class Gated(Exception):
    """The gate found no text: the image reads as no lines (not an error)."""


def _recognise(img: np.ndarray, deadline: float | None, budget_s: float | None, gate: bool = False) -> list[tuple]:
    """RapidOCR.__call__'s steps (1.4.4), run here so the per-image budget is looked at between them.
    Returns [(quad in `img` pixels, text, confidence)]; raises Gated when the gate finds no text."""
    ocr = engine()
    with _run_lock:
        if deadline is not None:  # waiting for the lock is not the image's cost; nor is waiting for a core:
            # the budget is this thread's CPU time (onnxruntime runs in it: one intra-op thread), so an OCR
            # thread niced below busy scan threads is not failed for being starved (the scan budget bounds waits)
            deadline = time.thread_time() + budget_s
        if gate and max(img.shape[:2]) > GATE["side"] and not _may_hold_text(ocr, img):
            raise Gated
        raw_h, raw_w = img.shape[:2]
        work, ratio_h, ratio_w = ocr.preprocess(img)
        op_record: dict[str, Any] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
        work, op_record = ocr.maybe_add_letterbox(work, op_record)
        boxes, _ = ocr.auto_text_det(work)
        if boxes is None:
            return []
        crops = ocr.get_crop_img_list(work, boxes)
        read: list = []
        for at in range(0, len(crops), REC_CHUNK):
            if deadline is not None and time.thread_time() > deadline:
                raise ImageInputError(
                    "ocr_budget_exceeded",
                    f"OCR of this image ran past its time budget of {budget_s:g} s (SCANNER_OCR_IMAGE_BUDGET_S) "
                    f"after {at} of {len(crops)} text lines; its text was not scanned")
            chunk, _, _ = ocr.text_cls(crops[at : at + REC_CHUNK])
            rec, _ = ocr.text_rec(chunk)
            read += rec
        quads = ocr._get_origin_points(boxes, op_record, raw_h, raw_w)
    score = ENGINE_SETTINGS["text_score"]
    return [(q, r[0], float(r[1])) for q, r in zip(quads, read) if float(r[1]) >= score and r[0].strip()]


def _lower_priority(nice: int) -> None:
    """Make the calling thread `nice` steps nicer (Linux applies setpriority to one thread by its id);
    elsewhere, or without permission, nothing changes."""
    import os

    if nice > 0 and hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
        except OSError:
            pass


class OcrReader:
    """Reads images for one Scanner; thread-safe. Counts OCR runs and cache hits."""

    def __init__(self, cache=None, *, max_pixels: int = _decode.DEFAULT_MAX_PIXELS,
                 max_bytes: int = _decode.DEFAULT_MAX_BYTES, image_budget_s: float | None = None,
                 cache_path: Path | None = None, cache_max_bytes: int = OCR_CACHE_MAX_BYTES, gate: bool = True,
                 threads: int = 0, queue: int = 0, nice: int = 0) -> None:
        self._cache = cache
        self._cache_max_bytes = cache_max_bytes
        self.gate = gate
        # threads > 0 (the service): images are read by this reader's own bounded pool of OCR threads, not
        # in the scan thread that asked; at most `threads + queue` images are admitted (being read or waiting),
        # one more is an `ocr_busy` image error at once, so scan threads never pile up behind OCR and
        # text-only requests keep theirs. 0: read in the calling thread (library, batch workers, Spark).
        self.threads = threads
        self.queue = queue
        self.nice = nice  # the OCR threads' niceness (Linux: per thread): the scan threads go first for a core
        self._pool = None
        self._admitted = 0
        self._cache_path = cache_path  # opened on first read: a scanner that never OCRs creates no file
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes
        self.image_budget_s = image_budget_s or None
        self._count_lock = threading.Lock()
        self.runs = 0
        self.hits = 0
        self.gated = 0

    @classmethod
    def from_settings(cls, settings) -> "OcrReader":
        return cls(cache_path=settings.ocr_cache_path(), cache_max_bytes=settings.ocr_cache_max_bytes,
                   max_pixels=settings.max_image_pixels,
                   max_bytes=settings.max_image_bytes, image_budget_s=settings.ocr_image_budget_s,
                   gate=settings.ocr_gate, threads=settings.ocr_threads or 0, queue=settings.ocr_queue,
                   nice=settings.ocr_thread_nice)

    @property
    def cache(self):
        if self._cache is None and self._cache_path is not None:
            with self._count_lock:
                if self._cache is None:
                    from scanner.images.ocr_cache import OcrCache

                    self._cache = OcrCache(self._cache_path, max_bytes=self._cache_max_bytes)
        return self._cache

    @property
    def version(self) -> str:
        """versions.ocr: the engine's version and the gate's settings (the gate changes what is read)."""
        return f"{ocr_version()}; {gate_version(self.gate)}"

    def stats(self) -> dict[str, int]:
        with self._count_lock:
            return {"ocr_runs": self.runs, "ocr_cache_hits": self.hits, "ocr_gated": self.gated}

    def read(self, data: bytes, field: str, wait_until: float | None = None) -> ImageText:
        """`wait_until` (time.monotonic(); the scan's deadline): with OCR threads, an image still waiting for
        one then is not read (`ocr_busy`); a read that has started is bounded by the per-image budget."""
        version = self.version
        sha = hashlib.sha256(data).hexdigest()
        cache = self.cache
        stored = cache.get(sha, version) if cache is not None else None
        if stored is not None:
            with self._count_lock:
                self.hits += 1
            return ImageText.of(field, [OcrLine(t, tuple(b), c, tuple(q)) for t, b, c, q in stored])
        lines = self._run(data) if self.threads <= 0 else self._run_in_pool(data, wait_until)
        with self._count_lock:
            self.runs += 1
        if cache is not None:
            cache.put(sha, version, [[ln.text, list(ln.box), ln.confidence, list(ln.quad)] for ln in lines])
        return ImageText.of(field, lines)

    def _run_in_pool(self, data: bytes, wait_until: float | None = None) -> list[OcrLine]:
        with self._count_lock:
            if self._admitted >= self.threads + self.queue:
                raise ImageInputError(
                    "ocr_busy", f"{self._admitted} images are already being read or waiting for OCR in this worker "
                    "(SCANNER_OCR_THREADS, SCANNER_OCR_QUEUE); this image's text was not scanned")
            self._admitted += 1
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="ocr", initializer=_lower_priority,
                                                initargs=(self.nice,))
        try:
            job = self._pool.submit(self._run, data)
            if wait_until is None:
                return job.result()
            try:
                return job.result(timeout=max(0.0, wait_until - time.monotonic()))
            except FuturesTimeout:
                if not job.cancel():  # already being read: its own budget bounds it
                    return job.result()
                raise ImageInputError(
                    "ocr_busy", "this image waited for an OCR thread until the scan's time budget ran out "
                    "(SCANNER_SCAN_BUDGET_S, SCANNER_OCR_QUEUE); its text was not scanned") from None
        finally:
            with self._count_lock:
                self._admitted -= 1

    def _run(self, data: bytes) -> list[OcrLine]:
        im = _decode.decode_colour(data, max_pixels=self.max_pixels, max_bytes=self.max_bytes, max_side=MAX_SIDE)
        ow, oh = im.info["original_size"]
        sx, sy = ow / im.width, oh / im.height
        budget = self.image_budget_s
        try:
            found = _recognise(_prepare(im), time.monotonic() + budget if budget else None, budget, self.gate)
        except Gated:
            with self._count_lock:
                self.gated += 1
            return []
        lines = []
        for quad, text, confidence in found:
            q = np.asarray(quad, dtype=np.float64).reshape(4, 2) * (sx, sy)
            box = (int(q[:, 0].min()), int(q[:, 1].min()), int(np.ceil(q[:, 0].max())), int(np.ceil(q[:, 1].max())))
            lines.append(OcrLine(text, box, round(confidence, 4), tuple(round(float(v), 1) for v in q.ravel())))
        return lines
