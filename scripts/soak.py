"""Soak test: `scanner serve` under sustained load on loopback while word lists are reloaded and gallery
entries added, checking every answer against the versions that existed.

    python scripts/soak.py                      # 10 minutes, 2 workers, 6 client threads
    python scripts/soak.py --seconds 60 --out /tmp/soak.json

What it does
* copies wordlists/ to a temp directory and seeds a temp gallery from fixtures/gallery, starts
  `python -m scanner serve --workers N` with a scan key and an admin key;
* client threads send, back to back: single text scans (80 %), scans with one inline image (10 %) and
  batches of 10 listings (10 %). Every listing carries a probe word `zqxsoak<k>` for a random k and, for
  image scans, a probe image that is or will be in the gallery;
* every --reload-every seconds: append the probe word k to terms/zz_soak.tsv and POST /v1/admin/reload;
  every --gallery-every seconds: POST /v1/gallery with probe image k (admin key);
* every --sample-every seconds: RSS of the server processes (parent + workers);
* with --hostile P (percent, e.g. 1): that share of the client requests is one of the worst inputs
  instead (HOSTILE: long whitespace runs after hint words, 100,000 identical letters, 400,000 bullets
  of 高仿 (refused: too_many_fields), 400,000 hits in 1,000 bullets, huge numbers, lone surrogates, NaN, malformed HTTP, a client that never reads its answer),
  and a prober measures /healthz latency every 100 ms on its own connection, from a process of its own
  (as a load balancer would; the old prober, a thread among the client threads, is reported beside it).

Checks (reported; exit status 1 if any fails)
* failures: any non-200 answer or transport error on a scan — must be 0;
* mixed versions: every result's versions.wordlists / versions.gallery must be a version some reload or
  gallery edit produced (or the start-up one), and a batch must carry one version for all its rows;
  text findings must match that version: the probe word k is found iff it was in that word-list version;
  image findings likewise: probe image k matches iff it was in that gallery version — must be 0;
* RSS over time: start (after warm-up), end, max, and the growth per worker;
* with --hostile: ordinary requests must still all succeed (the failures above); hostile requests must
  get a 4xx/200 answer, never a 5xx or a hang (reported as hostile_5xx / hostile_transport); /healthz
  p50/p99/max is reported (the goal is p99 <= 100 ms).
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCAN_KEY = "sk_soak_scan_" + "s" * 24
ADMIN_KEY = "sk_soak_admin_" + "a" * 24
TITLES = ["纯棉T恤 男款 夏季", "蓝牙耳机 降噪 长续航", "高仿耐克 运动鞋", "保温杯 316不锈钢 全网最低价",
          "双肩包 大容量 加微信优惠", "Wireless earbuds, great bass", "replica watch, AAA quality"]


# Letters the normaliser never folds into another letter (it maps look-alikes such as l -> i and leet
# digits): probe words must stay distinct dictionary keys, or "zqxsoakl" would be found as "zqxsoaki".
PROBE_LETTERS = "cdfhjkmnpqrwxy"


def probe_word(k: int) -> str:
    letters = ""
    k += 1
    n = len(PROBE_LETTERS)
    while k:
        k, r = divmod(k - 1, n)
        letters = PROBE_LETTERS[r] + letters
    return "zqxprobe" + letters


def probe_image(k: int) -> bytes:
    """A distinct, structured JPEG per k (random blocks: probe images do not match one another)."""
    from PIL import Image, ImageDraw

    rnd = random.Random(1000 + k)
    im = Image.new("RGB", (320, 240), tuple(rnd.randrange(256) for _ in range(3)))
    d = ImageDraw.Draw(im)
    for _ in range(14):
        x, y = rnd.randrange(300), rnd.randrange(220)
        d.rectangle((x, y, x + rnd.randrange(20, 160), y + rnd.randrange(20, 120)),
                    fill=tuple(rnd.randrange(256) for _ in range(3)))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _hostile_json(body: str) -> tuple[str, bytes]:
    return "json", body.encode("utf-8")


# (name, how it is sent, payload). "json": POST /v1/scan with this body; "raw": these bytes on a fresh
# socket; "no_read": a big batch on a socket that never reads its answer (held open, then dropped).
HOSTILE = [
    ("hint word + 99k spaces", *_hostile_json(json.dumps({"title": "qq" + " " * 99_000 + "x"}))),
    ("wechat hint + 99k spaces", *_hostile_json(json.dumps({"description": "加微信" + " " * 99_000 + "x"}))),
    ("100k identical letters", *_hostile_json(json.dumps({"description": "o" * 100_000}))),
    ("400k bullets of 高仿", *_hostile_json(json.dumps({"id": "bullets", "bullets": ["高仿"] * 400_000}))),
    ("400k hits in 1,000 bullets", *_hostile_json(json.dumps({"id": "hits", "bullets": ["高仿 " * 400] * 1_000}))),
    ("a 5000-digit id", *_hostile_json('{"id": ' + "9" * 5000 + ', "title": "x"}')),
    ("a 1e999 title", *_hostile_json('{"title": 1e999}')),
    ("lone surrogates", *_hostile_json('{"id": "\\udfff", "title": "\\ud800高仿\\udfff耐克"}')),
    ("NaN", *_hostile_json('{"title": NaN, "description": -Infinity}')),
    ("malformed HTTP", "raw", b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n"),
    ("not HTTP", "raw", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64),
    ("a client that never reads", "no_read",
     json.dumps({"listings": [{"id": i, "bullets": ["高仿耐克 全网最好"] * 300} for i in range(100)]}).encode()),
]
NO_READ_HOLD_S = 60.0  # a non-reading socket is dropped by the client after this (the server's send timeout is 30 s)


def probe_healthz(base: str, out_path: str, stop) -> None:
    """/healthz every 100 ms from a process of its own, as a load balancer probes: nothing else competes
    for this process's GIL, so the latency is the server's (and the machine's). One line per probe:
    seconds, or "fail"."""
    import httpx

    with open(out_path, "w") as out, httpx.Client(base_url=base, timeout=60) as c:
        while not stop.is_set():
            sent, t0 = time.time(), time.perf_counter()
            try:
                ok = c.get("/healthz").status_code == 200
            except httpx.HTTPError:
                ok = False
            out.write(f"{sent:.6f} {time.perf_counter() - t0:.6f}\n" if ok else f"{sent:.6f} fail\n")
            out.flush()
            stop.wait(0.1)


SLOW_PROBE_S = 0.1


def slow_probe_company(probes: list[tuple[float, float]], events: list[tuple[str, float, float]]) -> dict:
    """What was going on during each /healthz probe slower than SLOW_PROBE_S: per kind of event (reloads, gallery
    adds, hostile requests by kind), how many slow probes it overlapped beside the share of ALL probes it overlapped
    (the base rate: a reload window covers a third of the run, so overlapping one alone says little). `nothing
    recorded` when no event overlapped. Where the tail comes from, not proof of a cause."""
    events = sorted(events, key=lambda e: e[1])
    starts = [began for _, began, _ in events]
    longest = max((ended - began for _, began, ended in events), default=0.0)

    def kinds(start: float, end: float) -> set[str]:
        from bisect import bisect_right
        hi = bisect_right(starts, end)
        lo = bisect_right(starts, start - longest)
        return {kind for kind, began, ended in events[lo:hi] if began < end and ended > start} or {"nothing recorded"}

    slow, every = Counter(), Counter()
    n_slow = 0
    for sent, lat in probes:
        found = kinds(sent, sent + lat)
        every.update(found)
        if lat > SLOW_PROBE_S:
            n_slow += 1
            slow.update(found)
    n = len(probes) or 1
    return {"slow_probes": n_slow,
            "by_kind": {kind: {"slow": count, "slow_share": round(count / max(n_slow, 1), 3),
                               "all_share": round(every[kind] / n, 3)} for kind, count in slow.most_common()}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_rss(pid: int) -> dict[str, float]:
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    out = {}
    for p in procs:
        try:
            out[str(p.pid)] = round(p.memory_info().rss / 2**20, 1)
        except psutil.NoSuchProcess:
            pass
    return out


class Soak:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="soak-"))
        self.wordlists = self.tmp / "wordlists"
        shutil.copytree(ROOT / "wordlists", self.wordlists)
        (self.wordlists / "terms" / "zz_soak.tsv").write_text(
            "term\tcategory\tseverity\tsuggestion\tvariants\tpinyin\tnote\n", encoding="utf-8")
        self.lock = threading.Lock()
        self.stop = threading.Event()
        # version -> how many probe words / images it contains (they are added in order 0, 1, 2, ...)
        self.wl_versions: dict[str, int] = {}
        self.gallery_versions: dict[str, set[str]] = {}
        self.image_ids: dict[int, str] = {}   # probe image k -> gallery id (known once added)
        self.words_added = 0
        self.images_added = 0
        self.results: list[tuple] = []        # (kind, versions, probes, findings) checked at the end
        self.failures: Counter = Counter()
        self.failure_samples: list[str] = []
        self.requests = Counter()
        self.admin = Counter()
        self.rss: list[dict] = []
        self.hostile = Counter()              # hostile kind -> sent
        self.hostile_bad: Counter = Counter()  # "5xx <kind>" / "transport <kind>"
        self.hostile_status: Counter = Counter()
        self.held: list[tuple[float, socket.socket]] = []  # non-reading sockets and when they were opened
        self.healthz: list[float] = []
        self.events: list[tuple[str, float, float]] = []  # (kind, wall-clock start, end): what slow probes overlap
        self.images = [probe_image(k) for k in range(args.max_images)]
        self.images_b64 = [base64.b64encode(b).decode() for b in self.images]

    # -- server ------------------------------------------------------------------------------
    def start(self):
        from api.auth import hash_key
        from scanner.config import BUNDLED_FIXTURES, Settings
        from scanner.images import ImageScanner

        gallery = self.tmp / "gallery.sqlite3"
        s = ImageScanner.from_settings(Settings(gallery=gallery))
        s.seed_from(BUNDLED_FIXTURES / "gallery")
        s.close()
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCANNER_")}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env.update(SCANNER_WORDLISTS=str(self.wordlists), SCANNER_GALLERY=str(gallery),
                   SCANNER_AUDIT_LOG=str(self.tmp / "audit.jsonl"), SCANNER_LOG_REQUESTS="false",
                   SCANNER_API_KEYS=json.dumps([{"name": "soak", "role": "scan", "hash": hash_key(SCAN_KEY)},
                                                {"name": "soak-admin", "role": "admin", "hash": hash_key(ADMIN_KEY)}]))
        self.log_path = self.tmp / "serve.log"
        self.proc = subprocess.Popen([sys.executable, "-m", "scanner", "serve", "--port", str(self.port),
                                      "--workers", str(self.args.workers), "--log-level", "warning"],
                                     cwd=ROOT, env=env, stdout=open(self.log_path, "wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        import httpx

        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("server exited:\n" + self.log_path.read_text()[-3000:])
            try:
                r = httpx.get(self.base + "/readyz", timeout=2)
                if r.status_code == 200:
                    v = r.json()["versions"]
                    self.wl_versions[v["wordlists"]] = 0
                    self.gallery_versions[v["gallery"]] = set()
                    time.sleep(2)  # let every worker finish its start-up
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("server not ready after 180 s")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def shutdown(self):
        if getattr(self, "proc", None) is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- load --------------------------------------------------------------------------------
    def fail(self, what: str, detail: str):
        with self.lock:
            self.failures[what] += 1
            if len(self.failure_samples) < 20:
                self.failure_samples.append(f"{what}: {detail[:300]}")

    def listing(self, rnd: random.Random, with_image: bool) -> tuple[dict, dict]:
        with self.lock:
            words, images = self.words_added, self.images_added
        k = rnd.randrange(words + 3)  # sometimes a word that is not (yet) in any version
        probes = {"word": k}
        listing = {"id": rnd.randrange(10**9), "title": f"{rnd.choice(TITLES)} {probe_word(k)} 款",
                   "description": rnd.choice(TITLES)}
        if with_image:
            j = rnd.randrange(min(images + 2, self.args.max_images))
            probes["image"] = j
            listing["images"] = [{"data": self.images_b64[j]}]
        return listing, probes

    def client(self, n: int):
        import httpx

        rnd = random.Random(n)
        with httpx.Client(base_url=self.base, headers={"X-API-Key": SCAN_KEY}, timeout=60) as c:
            while not self.stop.is_set():
                if self.args.hostile and rnd.random() * 100 < self.args.hostile:
                    self.send_hostile(rnd.choice(HOSTILE))
                    continue
                roll = rnd.random()
                try:
                    if roll < 0.8 or roll >= 0.9:
                        kind = "text" if roll < 0.8 else "image"
                        listing, probes = self.listing(rnd, kind == "image")
                        r = c.post("/v1/scan", json=listing)
                        self.requests[kind] += 1
                        if r.status_code != 200:
                            self.fail(f"{kind} status {r.status_code}", r.text)
                            continue
                        body = r.json()
                        with self.lock:
                            self.results.append((kind, body["versions"], probes, body["findings"]))
                    else:
                        pairs = [self.listing(rnd, False) for _ in range(10)]
                        r = c.post("/v1/scan/batch", json={"listings": [p[0] for p in pairs]})
                        self.requests["batch"] += 1
                        if r.status_code != 200:
                            self.fail(f"batch status {r.status_code}", r.text)
                            continue
                        body = r.json()
                        rows = body["results"]
                        # the batch's data versions (word lists, gallery, code) are every row's; a row adds
                        # its own policy profile's (options.policy is per listing), so compare the batch's keys
                        shared = body["versions"]
                        if any({k: row["versions"].get(k) for k in shared} != shared for row in rows):
                            self.fail("mixed versions inside one batch", json.dumps(body["versions"]))
                        with self.lock:
                            for (_, probes), row in zip(pairs, rows):
                                self.results.append(("batch", row["versions"], probes, row["findings"]))
                except httpx.HTTPError as exc:
                    self.fail("transport", f"{type(exc).__name__}: {exc}")

    def _raw(self, payload: bytes) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        sock.sendall(payload)
        return sock

    def send_hostile(self, hostile: tuple[str, str, bytes]) -> None:
        """One hostile request; its answer must be a 2xx/4xx (never 5xx, never a hang)."""
        import httpx

        name, how, payload = hostile
        self.hostile[name] += 1
        began = time.time()
        head = (f"POST /v1/scan{'/batch' if how == 'no_read' else ''} HTTP/1.1\r\nHost: soak\r\n"
                f"Content-Type: application/json\r\nX-API-Key: {SCAN_KEY}\r\nContent-Length: {len(payload)}\r\n\r\n")
        try:
            if how == "json":
                r = httpx.post(self.base + "/v1/scan", content=payload, timeout=120,
                               headers={"X-API-Key": SCAN_KEY, "Content-Type": "application/json"})
                status = r.status_code
            elif how == "raw":
                with self._raw(payload) as sock:
                    answer = b""
                    while chunk := sock.recv(65536):
                        answer += chunk
                status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
            else:  # no_read: send and hold, never read
                sock = socket.socket()
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.connect(("127.0.0.1", self.port))
                sock.sendall(head.encode() + payload)
                with self.lock:
                    self.held.append((time.monotonic(), sock))
                return
        except (httpx.HTTPError, OSError) as exc:
            with self.lock:
                self.hostile_bad[f"transport {name}"] += 1
                if len(self.failure_samples) < 20:
                    self.failure_samples.append(f"hostile {name}: {type(exc).__name__}: {exc}"[:300])
            return
        with self.lock:
            self.events.append((f"hostile {name}", began, time.time()))
            self.hostile_status[f"{name}: {status}"] += 1
            if status >= 500 or status == 0:
                self.hostile_bad[f"{status or 'no answer'} {name}"] += 1

    def healthz_prober(self):
        """The old prober: a thread of this client process. Its latency includes waiting for this process's
        GIL behind the 6 client threads (httpx and JSON parsing); kept for comparison with earlier runs."""
        import httpx

        with httpx.Client(base_url=self.base, timeout=60) as c:
            while not self.stop.is_set():
                t0 = time.perf_counter()
                try:
                    ok = c.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if not ok:
                    self.fail("healthz", "not 200")
                self.healthz.append(time.perf_counter() - t0)
                self.stop.wait(0.1)
            with self.lock:
                for _, sock in self.held:
                    sock.close()
                self.held.clear()

    def drop_held(self):
        """Close the non-reading sockets held longer than NO_READ_HOLD_S."""
        now = time.monotonic()
        with self.lock:
            keep = []
            for opened, sock in self.held:
                if now - opened > NO_READ_HOLD_S:
                    sock.close()
                else:
                    keep.append((opened, sock))
            self.held = keep

    def admin_loop(self):
        import httpx

        next_reload = time.monotonic() + self.args.reload_every
        next_gallery = time.monotonic() + self.args.gallery_every
        with httpx.Client(base_url=self.base, headers={"X-API-Key": ADMIN_KEY}, timeout=120) as c:
            while not self.stop.is_set():
                now = time.monotonic()
                try:
                    if now >= next_reload:
                        next_reload = now + self.args.reload_every
                        k = self.words_added
                        with open(self.wordlists / "terms" / "zz_soak.tsv", "a", encoding="utf-8") as fh:
                            fh.write(f"{probe_word(k)}\tprohibited_goods\thigh\t\t\t\tsoak probe {k}\n")
                        began = time.time()
                        r = c.post("/v1/admin/reload")
                        # the peer worker reloads when its watcher sees the new version (api/sync.py): later
                        self.events.append(("reload (+1.5 s for the peer)", began, time.time() + 1.5))
                        self.admin["reload"] += 1
                        if r.status_code != 200:
                            self.fail(f"reload status {r.status_code}", r.text)
                            continue
                        with self.lock:
                            self.wl_versions[r.json()["after"]] = k + 1
                            self.words_added = k + 1
                    if now >= next_gallery and self.images_added < self.args.max_images:
                        next_gallery = now + self.args.gallery_every
                        k = self.images_added
                        began = time.time()
                        r = c.post("/v1/gallery", data={"brand": "SoakBrand", "label": f"probe {k}"},
                                   files={"images": (f"p{k}.jpg", self.images[k], "image/jpeg")})
                        self.events.append(("gallery add (+1.5 s for the peer)", began, time.time() + 1.5))
                        self.admin["gallery_add"] += 1
                        if r.status_code not in (200, 201):
                            self.fail(f"gallery add status {r.status_code}", r.text)
                            continue
                        body = r.json()
                        with self.lock:
                            self.image_ids[k] = body["added"][0]["id"]
                            prev = max(self.gallery_versions.values(), key=len)
                            self.gallery_versions[body["version"]] = prev | {body["added"][0]["id"]}
                            self.images_added = k + 1
                except httpx.HTTPError as exc:
                    self.fail("admin transport", f"{type(exc).__name__}: {exc}")
                time.sleep(0.2)

    def sampler(self):
        started = time.monotonic()
        while not self.stop.is_set():
            self.rss.append({"t": round(time.monotonic() - started, 1), "rss_mb": server_rss(self.proc.pid),
                             "requests": sum(self.requests.values())})
            self.drop_held()
            self.stop.wait(self.args.sample_every)

    # -- checks ------------------------------------------------------------------------------
    def check(self) -> Counter:
        mixed = Counter()
        samples = []
        self.positives = Counter()  # the checks are not vacuous: how often a probe was expected and found
        for kind, versions, probes, findings in self.results:
            wl, gal = versions["wordlists"], versions["gallery"]
            if wl not in self.wl_versions:
                mixed["unknown wordlists version"] += 1
                continue
            if gal not in self.gallery_versions:
                mixed["unknown gallery version"] += 1
                continue
            word = probe_word(probes["word"])
            has_word = any(f.get("kind") == "text" and f.get("term") == word for f in findings)
            self.positives["probe word found"] += has_word
            if has_word != (probes["word"] < self.wl_versions[wl]):
                mixed["probe word vs word-list version"] += 1
                if len(samples) < 10:
                    samples.append(f"{word} found={has_word} in version with {self.wl_versions[wl]} words")
            if "image" in probes:
                gid = self.image_ids.get(probes["image"])
                matched = any(f.get("kind") == "image" and f.get("gallery_id") == gid for f in findings) if gid else False
                expected = gid is not None and gid in self.gallery_versions[gal]
                self.positives["probe image matched"] += matched
                if matched != expected:
                    mixed["probe image vs gallery version"] += 1
                    if len(samples) < 10:
                        samples.append(f"image {probes['image']} matched={matched} expected={expected}")
        self.mixed_samples = samples
        return mixed

    def run(self) -> dict:
        self.start()
        threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.args.clients)]
        threads += [threading.Thread(target=self.admin_loop, daemon=True),
                    threading.Thread(target=self.sampler, daemon=True)]
        probe = None
        if self.args.hostile:
            threads.append(threading.Thread(target=self.healthz_prober, daemon=True))
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            probe_stop = ctx.Event()
            probe_path = self.tmp / "healthz.txt"
            probe = ctx.Process(target=probe_healthz, args=(self.base, str(probe_path), probe_stop), daemon=True)
            probe.start()
        started = time.monotonic()
        for t in threads:
            t.start()
        try:
            while time.monotonic() - started < self.args.seconds:
                time.sleep(1)
                if self.proc.poll() is not None:
                    self.fail("server exited", self.log_path.read_text()[-1000:])
                    break
        finally:
            self.stop.set()
            if probe is not None:
                probe_stop.set()
                probe.join(timeout=90)
            for t in threads:
                t.join(timeout=90)
        probe_lat: list[float] = []
        probes: list[tuple[float, float]] = []
        if probe is not None and probe_path.exists():
            for line in probe_path.read_text().splitlines():
                sent, _, value = line.partition(" ")
                if value == "fail":
                    self.fail("healthz (probe process)", "not 200")
                elif value:
                    probe_lat.append(float(value))
                    probes.append((float(sent), float(value)))
        elapsed = time.monotonic() - started
        mixed = self.check()
        warm = [s for s in self.rss if s["t"] >= min(30, self.args.seconds / 4)] or self.rss
        total = lambda s: round(sum(s["rss_mb"].values()), 1)  # noqa: E731
        first, last = warm[0], warm[-1]
        report = {
            "seconds": round(elapsed, 1), "workers": self.args.workers, "clients": self.args.clients,
            "requests": dict(self.requests), "requests_total": sum(self.requests.values()),
            "listings_checked": len(self.results), "rps": round(sum(self.requests.values()) / elapsed, 1),
            "admin": dict(self.admin), "wordlist_versions": len(self.wl_versions),
            "gallery_versions": len(self.gallery_versions),
            "failures": sum(self.failures.values()), "failure_kinds": dict(self.failures),
            "failure_samples": self.failure_samples,
            "mixed_versions": sum(mixed.values()), "mixed_kinds": dict(mixed), "mixed_samples": self.mixed_samples,
            "probe_positives": dict(self.positives),
            "rss_start_mb": {"t": first["t"], "total": total(first), "by_pid": first["rss_mb"]},
            "rss_end_mb": {"t": last["t"], "total": total(last), "by_pid": last["rss_mb"]},
            "rss_max_total_mb": max(total(s) for s in warm),
            "rss_samples": [{"t": s["t"], "total": total(s), "requests": s["requests"]} for s in self.rss],
        }
        if self.args.hostile:
            def summary(values: list[float], prefix: str) -> dict:
                lat = sorted(values) or [float("nan")]
                return {f"{prefix}probes": len(values), f"{prefix}p50_ms": round(lat[len(lat) // 2] * 1000, 1),
                        f"{prefix}p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1),
                        f"{prefix}max_ms": round(lat[-1] * 1000, 1)}

            report["hostile"] = {
                "percent": self.args.hostile, "sent": sum(self.hostile.values()), "by_kind": dict(self.hostile),
                "answers": dict(self.hostile_status), "bad": dict(self.hostile_bad),
                # the target: probed from a process of its own (as a load balancer does)
                **summary(probe_lat, "healthz_"),
                # as measured before 2026-12-04: a thread among the client threads (waits for their GIL too)
                **summary(self.healthz, "healthz_in_client_"),
                "healthz_slow_overlapping": slow_probe_company(probes, self.events)}
        report["ok"] = (report["failures"] == 0 and report["mixed_versions"] == 0
                        and not report.get("hostile", {}).get("bad"))
        return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--reload-every", type=float, default=5.0)
    ap.add_argument("--gallery-every", type=float, default=7.0)
    ap.add_argument("--sample-every", type=float, default=10.0)
    ap.add_argument("--max-images", type=int, default=200, help="probe images available to add")
    ap.add_argument("--hostile", type=float, default=0.0, metavar="PERCENT",
                    help="share of client requests replaced by a hostile one (e.g. 1), and probe /healthz")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "soak.json"))
    args = ap.parse_args(argv)
    soak = Soak(args)
    try:
        report = soak.run()
    finally:
        soak.shutdown()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"{report['seconds']} s, {args.workers} workers, {args.clients} client threads: "
          f"{report['requests_total']:,} requests ({report['requests']}), {report['listings_checked']:,} results "
          f"checked, {report['rps']} req/s")
    print(f"admin: {report['admin']}; {report['wordlist_versions']} word-list versions, "
          f"{report['gallery_versions']} gallery versions")
    print(f"failures: {report['failures']} {report['failure_kinds'] or ''}")
    print(f"mixed versions: {report['mixed_versions']} {report['mixed_kinds'] or ''} "
          f"(positives checked: {report['probe_positives']})")
    for s in report["failure_samples"][:5] + report["mixed_samples"][:5]:
        print("  ", s)
    print(f"RSS total: {report['rss_start_mb']['total']} MB at {report['rss_start_mb']['t']} s -> "
          f"{report['rss_end_mb']['total']} MB at {report['rss_end_mb']['t']} s (max {report['rss_max_total_mb']} MB); "
          f"by pid {report['rss_start_mb']['by_pid']} -> {report['rss_end_mb']['by_pid']}")
    if "hostile" in report:
        h = report["hostile"]
        print(f"hostile ({h['percent']} %): {h['sent']} sent, bad answers {h['bad'] or 'none'}; /healthz p50 "
              f"{h['healthz_p50_ms']} ms, p99 {h['healthz_p99_ms']} ms, max {h['healthz_max_ms']} ms "
              f"({h['healthz_probes']} probes from a process of their own; from a client thread as before: p50 "
              f"{h['healthz_in_client_p50_ms']} ms, p99 {h['healthz_in_client_p99_ms']} ms)")
        slow = h["healthz_slow_overlapping"]
        print(f"/healthz probes over {SLOW_PROBE_S * 1000:.0f} ms: {slow['slow_probes']}; what overlapped them "
              f"(share of slow probes / share of all probes):")
        for kind, c in slow["by_kind"].items():
            print(f"  {kind}: {c['slow']} ({c['slow_share']:.0%} / {c['all_share']:.0%})")
    print(f"written: {out}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
