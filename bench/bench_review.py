"""What the review queue costs (issue #19), measured in one run beside a comparison run.

    python bench/bench_review.py            # 10,000 queued items; SQLite and PostgreSQL (throwaway cluster)
    python bench/bench_review.py --full     # and 1,000,000 queued items

1. Enqueue during a rescan: the catalogue's listings (fixtures/listings/catalogue.jsonl, given fresh ids,
   `--rows` of them) scanned in one process, (a) as a batch without the queue, (b) with every result
   handed to the Enqueuer (background writer, SQLite) and the queue flushed at the end, alternating
   a/b/a/b; reports listings/s of each and the ratio b/a (b until the queue has written everything), and the
   scans' own rate in b (until the last result was handed over: what a scan waits for). Also the after-run pass
   (scanner.review.batch.enqueue_results) in rows/s.
2. The same over HTTP: POST /v1/scan/batch with SCANNER_REVIEW_QUEUE on and off (in-process ASGI client),
   listings/s until the last response (what callers see), ratio off/on.
3. Claim latency: a queue of N open items (written in transactions of 5,000), then 1,000 claims one
   after another, each timed; p50 / p99 / max in ms, on SQLite and on PostgreSQL.
4. `scanner batch --review-queue` (what issue #19 bounds at +10 %): scanner.batch.run_batch on `--batch-rows`
   catalogue listings (2 workers, text only), (a) without the queue, (b) with the BatchQueueWriter the CLI
   hands it (workers prepare each row's record, the parent's writer thread writes a transaction per chunk)
   into a fresh store, (c) the same input again into that store (a rescan: every item already queued),
   in rounds, each running (a) and (b then c) in a random order (`--batch-rounds`), on SQLite and on PostgreSQL; the ratios
   per round (median and range) beside the best-of-rounds figures. CPU seconds of the run (parent, its writer
   thread and the workers; not the PostgreSQL server's) and wall seconds; ratios b/a and c/a, for the
   whole run and per listing after the engine start-up (measured on a 500-row run without the queue).
   Whole runs are noisy on a shared machine, so the same is also measured piece by piece in one thread
   (`--parts-only`): a worker's per-row work beside what the queue adds to it, per database; the
   queue's additions are set against the worker's scan and output line (`*_ratio`, the first measure),
   against the batch's row around it (`*_ratio_batch_row`: reading, pickles, counters, output write) and,
   with `--batch-only`, against a whole run's CPU per row without the queue (`parts_over_whole_row`).
   And inside each run with the queue, its own cost is timed where it is spent (the workers' CPU making
   the records, `summary["review_queue"]`, and the writer thread's CPU, `BatchQueueWriter.cpu_s`) and set
   against the rest of that run's CPU (`in_run_*`): one run measures itself, no difference of two noisy
   runs; what it leaves out is the cache the record pass cools for the next chunk's first scans. On
   PostgreSQL the server's CPU during the run (its processes on this machine, from /proc) counts as the queue's.
Results go to bench/results/review.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

from scanner.config import BUNDLED_WORDLISTS  # noqa: E402
from scanner.engine import Scanner  # noqa: E402
from scanner.review.queue import Enqueuer, Entry, ReviewQueue  # noqa: E402
from scanner.review.store import Store  # noqa: E402
from scanner.text.engine import TextEngine  # noqa: E402

CATALOGUE = ROOT / "fixtures" / "listings" / "catalogue.jsonl"


def listings(n: int) -> list[dict]:
    base = [json.loads(line) for line in CATALOGUE.read_text("utf-8").splitlines() if line.strip().startswith("{")]
    out = []
    for i in range(n):
        listing = dict(base[i % len(base)])
        listing["id"] = f"bench-{i:08d}"
        out.append(listing)
    return out


def rescan(scanner: Scanner, rows: list[dict], enqueuer: Enqueuer | None) -> tuple[float, float, float]:
    """(seconds until the last scan was handed over, seconds until the queue had written it all, CPU seconds
    of the process — every thread — over the whole run: steadier than wall time on a shared machine)."""
    cpu = time.process_time()
    started = time.perf_counter()
    for listing in rows:
        row = scanner.scan(listing).to_dict()
        if enqueuer is not None:
            enqueuer.submit(listing, row, "batch")
    scanned = time.perf_counter() - started
    if enqueuer is not None:
        enqueuer.flush(timeout=600)
    return scanned, time.perf_counter() - started, time.process_time() - cpu


def enqueue_bench(n_rows: int, tmp: Path) -> dict:
    scanner = Scanner(TextEngine.load(BUNDLED_WORDLISTS))
    rows = listings(n_rows)
    plain, queued, scanned, cpu_plain, cpu_queued = [], [], [], [], []
    for rnd in range(2):
        wall, _, cpu = rescan(scanner, rows, None)
        plain.append(wall)
        cpu_plain.append(cpu)
        store = Store(f"sqlite:///{tmp}/enqueue-{rnd}.sqlite3")
        enq = Enqueuer(ReviewQueue(store))
        scan_s, total_s, cpu = rescan(scanner, rows, enq)
        scanned.append(scan_s)
        queued.append(total_s)
        cpu_queued.append(cpu)
        depth = ReviewQueue(store).depth()
        enq.close()
        store.close()
    results = [scanner.scan(l).to_dict() for l in rows]
    store = Store(f"sqlite:///{tmp}/after.sqlite3")
    q = ReviewQueue(store)
    started = time.perf_counter()
    for k in range(0, len(rows), 1000):
        q.enqueue_many([Entry(l, r, "batch") for l, r in zip(rows[k:k + 1000], results[k:k + 1000])])
    after_s = time.perf_counter() - started
    store.close()
    a, b, c = min(plain), min(queued), min(scanned)
    return {"rows": n_rows, "queued_items": depth["open"], "without_queue_rows_s": round(n_rows / a),
            "with_queue_rows_s": round(n_rows / b), "ratio_with_over_without": round(b / a, 3),
            "scans_only_with_queue_rows_s": round(n_rows / c), "scan_ratio": round(c / a, 3),
            "cpu_us_per_row_without": round(min(cpu_plain) / n_rows * 1e6, 1),
            "cpu_us_per_row_with": round(min(cpu_queued) / n_rows * 1e6, 1),
            "after_run_enqueue_rows_s": round(n_rows / after_s)}


def http_bench(n_rows: int, tmp: Path) -> dict:
    """POST /v1/scan/batch (100 listings a request, in-process ASGI client) with SCANNER_REVIEW_QUEUE on and
    off, alternating; listings/s of each (the queue's writer runs in the app's process, as in the service)."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from scanner.config import Settings

    engine = TextEngine.load(BUNDLED_WORDLISTS)
    rows = listings(n_rows)
    bodies = [json.dumps({"listings": rows[k:k + 100]}).encode() for k in range(0, n_rows, 100)]
    rates: dict[bool, list[float]] = {True: [], False: []}
    for rnd in range(2):
        for on in (False, True):
            settings = Settings(wordlists=BUNDLED_WORDLISTS, gallery=tmp / "g.sqlite3", audit_log=tmp / "a.jsonl",
                                log_requests=False, review_queue=on,
                                database_url=f"sqlite:///{tmp}/http-{rnd}-{on}.sqlite3")
            with TestClient(create_app(settings, scanner=Scanner(engine, None, settings), with_images=False)) as c:
                started = time.perf_counter()
                for body in bodies:
                    assert c.post("/v1/scan/batch", content=body, headers={"content-type": "application/json"}).status_code == 200
                answered = time.perf_counter() - started
                c.app.state.review.enqueuer.flush(timeout=600)
            rates[on].append(n_rows / answered)
    a, b = max(rates[False]), max(rates[True])
    return {"rows": n_rows, "without_queue_rows_s": round(a), "with_queue_rows_s": round(b), "ratio": round(a / b, 3)}


def _cpu() -> float:
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _postgres_cpu() -> float:
    """CPU seconds of this machine's PostgreSQL server processes, the exited backends included (counted in
    the postmaster's children): a run that writes to a server on the same two cores pays for it too."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        if "(postgres)" not in text:
            continue
        fields = text.rsplit(")", 1)[1].split()
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def batch_bench(n_rows: int, tmp: Path, urls: dict[str, str], rounds: int = 6) -> dict:
    """`scanner batch` with and without --review-queue (see 4. above), one result per database. Each round
    runs the batch without the queue and, into a fresh store, with it then again (the rescan), the two in a
    random order; the ratios are per round (with / without of the same round), reported as the median and
    the range over rounds: a shared machine's drift moves both runs of a round alike."""
    import random

    from scanner.batch import BatchOptions, EngineSpec, run_batch
    from scanner.review.batch import BatchQueueWriter

    spec = EngineSpec(with_images=False, settings={"wordlists": str(BUNDLED_WORDLISTS)})
    inp, small = tmp / "batch-in.jsonl", tmp / "batch-small.jsonl"
    rows = listings(n_rows)
    inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:500]), "utf-8")

    in_run: dict[str, list[tuple[float, float]]] = {}  # "db/with|rescan" -> (run CPU, the queue's share of it)

    def run(path: Path, url: str | None, label: str | None = None) -> tuple[float, float, dict]:
        writer, store = None, None
        if url is not None:
            store = Store(url)
            writer = BatchQueueWriter(ReviewQueue(store))
        server = url is not None and url.startswith("postgresql")
        server_cpu = _postgres_cpu() if server else 0.0
        cpu, wall = _cpu(), time.perf_counter()
        summary = {}
        try:
            summary = run_batch(path, tmp / "batch-out.jsonl", spec,
                                BatchOptions(workers=2, progress="none", overwrite=True), review=writer)
        finally:
            counts = writer.close() if writer is not None else {}
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
        if store is not None:
            store.close()
        if writer is not None and label:
            server_cpu = _postgres_cpu() - server_cpu if server else 0.0  # all the queue's: no server without it
            queue_cpu = summary.get("review_queue", {}).get("prepare_cpu_s", 0.0) + writer.cpu_s + server_cpu
            in_run.setdefault(label, []).append((cpu + server_cpu, queue_cpu))
        return cpu, wall, counts

    startup = min(run(small, None)[0] for _ in range(2))  # the engine builds, and 500 rows (cheap beside them)
    out = {}
    rng = random.Random(19)
    for db, base in urls.items():
        runs: dict[str, list] = {"without": [], "with": [], "rescan": []}
        counts = {}
        for rnd in range(rounds):
            url = base(f"batch_{rnd}")
            for unit in rng.sample(["without", "queue"], 2):
                if unit == "without":
                    runs["without"].append(run(inp, None)[:2])
                    continue
                cpu, wall, counts["with"] = run(inp, url, f"{db}/with")
                runs["with"].append((cpu, wall))
                cpu, wall, counts["rescan"] = run(inp, url, f"{db}/rescan")
                runs["rescan"].append((cpu, wall))
        cpu = {k: min(c for c, _ in v) for k, v in runs.items()}
        wall = {k: min(w for _, w in v) for k, v in runs.items()}
        marginal = cpu["without"] - startup

        def per_round(kind: str, i: int, less: float = 0.0) -> dict:
            # less: the engines' build and start, measured above, so the ratio is a row's, as in a long run
            ratios = sorted((a[i] - less) / (b[i] - less) for a, b in zip(runs[kind], runs["without"]))
            return {"median": round(statistics.median(ratios), 3), "range": [round(ratios[0], 3), round(ratios[-1], 3)]}

        def in_run_ratio(kind: str, less: float = 0.0) -> dict:
            # a run's CPU over the same run's CPU less the queue's share; less: the engines' start-up, as above
            ratios = sorted((c - less) / (c - less - q) for c, q in in_run[f"{db}/{kind}"])
            return {"median": round(statistics.median(ratios), 3), "range": [round(ratios[0], 3), round(ratios[-1], 3)],
                    "queue_cpu_us_per_row": round(statistics.median(q for _, q in in_run[f"{db}/{kind}"]) / n_rows * 1e6, 1)}

        out[db] = {"rows": n_rows, "rounds": rounds, "counts": counts, "startup_cpu_s": round(startup, 2),
                   "cpu_s": {k: round(v, 2) for k, v in cpu.items()}, "wall_s": {k: round(v, 2) for k, v in wall.items()},
                   "cpu_us_per_row_without": round(marginal / n_rows * 1e6, 1),
                   "queue_cpu_us_per_row": round((cpu["with"] - cpu["without"]) / n_rows * 1e6, 1),
                   "queue_cpu_us_per_row_rescan": round((cpu["rescan"] - cpu["without"]) / n_rows * 1e6, 1),
                   "ratio_cpu_whole_run": round(cpu["with"] / cpu["without"], 3),
                   "ratio_cpu_per_row": round(1 + (cpu["with"] - cpu["without"]) / marginal, 3),
                   "ratio_cpu_per_row_rescan": round(1 + (cpu["rescan"] - cpu["without"]) / marginal, 3),
                   "ratio_wall": round(wall["with"] / wall["without"], 3),
                   "ratio_wall_rescan": round(wall["rescan"] / wall["without"], 3),
                   "per_round_cpu": per_round("with", 0), "per_round_wall": per_round("with", 1),
                   "in_run_cpu": in_run_ratio("with"), "in_run_cpu_per_row": in_run_ratio("with", startup),
                   "in_run_cpu_rescan": in_run_ratio("rescan"),
                   "in_run_cpu_per_row_rescan": in_run_ratio("rescan", startup),
                   "per_round_cpu_per_row": per_round("with", 0, startup),
                   "per_round_cpu_per_row_rescan": per_round("rescan", 0, startup),
                   "per_round_cpu_rescan": per_round("rescan", 0), "per_round_wall_rescan": per_round("rescan", 1)}
        print(json.dumps({"db": db, **out[db]}), flush=True)
    return out


def parts_bench(n_rows: int, urls: dict[str, str], tmp: Path, reps: int = 3) -> dict:
    """The queue's share of a batch row, piece by piece, in one thread (CPU time, best of `reps`: steadier than
    whole runs on a shared machine). What the queue adds: the worker's review record for each row (through
    the worker's own `review_record`), the records' pickle round trip, the parent's write, per database,
    first run and rescan. Set beside two measures of the batch's own row:
    * `worker_scan_us` (the first measure, kept so the figures compare with earlier runs): parse, scan and
      the output line (scan_item + jsonio.dumps) only;
    * `batch_row_us`: the whole row as `scanner batch` does it without the queue: the same parse, scan and
      output line plus what the batch does around them, each piece run as the batch runs it: reading the
      input file (iter_rows), the work items' pickle round trip to the worker, the worker's counters
      (accumulate), the chunk's answer's pickle round trip and the parent's write of the output file.
      Issue #19 bounds the batch's slowdown, so this is the denominator that answers it; `*_ratio`
      (against worker_scan_us) stays beside `*_ratio_batch_row`. (The scan is measured once for both: two
      measurements of the same 70-100 µs differ by more than the pieces around it.)"""
    import pickle

    from scanner import jsonio
    from scanner.batch.pool import _Worker
    from scanner.batch.readers import iter_rows
    from scanner.batch.rows import RAW, scan_item
    from scanner.batch.summary import accumulate, new_stats
    from scanner.review.batch import prepare_row
    from scanner.review.queue import QueuePolicy

    scanner = Scanner(TextEngine.load(BUNDLED_WORDLISTS))
    payloads = [json.dumps(r, ensure_ascii=False).encode() for r in listings(n_rows)]
    inp, out_path = tmp / "parts-in.jsonl", tmp / "parts-out.jsonl"
    inp.write_bytes(b"".join(p + b"\n" for p in payloads))

    def best(fn):
        times = []
        for _ in range(reps):
            t = time.process_time()
            value = fn()
            times.append(time.process_time() - t)
        return min(times) / n_rows * 1e6, value

    scan_us, scanned = best(lambda: [scan_item(scanner, i, RAW, p) for i, p in enumerate(payloads, 1)])
    rows = [r for r, _ in scanned]
    dump_us, datas = best(lambda: [jsonio.dumps(r) for r in rows])
    # the batch's own row, as scanner batch runs it (chunks of 500, BatchOptions' default)
    read_us, items = best(lambda: list(iter_rows(inp, "jsonl")))
    item_chunks = [items[k:k + 500] for k in range(0, n_rows, 500)]
    send_us, _ = best(lambda: [pickle.loads(pickle.dumps(c)) for c in item_chunks])
    count_us, _ = best(lambda: [accumulate(stats, r) for stats in [new_stats()] for r in rows])
    worker = _Worker(engine=scanner, versions=dict(scanner.versions))
    answers = [worker.scan_chunk(c) for c in item_chunks]  # (output lines, counters, versions, None)
    answer_us, _ = best(lambda: [pickle.loads(pickle.dumps(a)) for a in answers])

    def write_output():
        with open(out_path, "wb") as fh:
            for a in answers:
                fh.write(a[0])
                fh.flush()

    output_us, _ = best(write_output)
    batch_row_us = read_us + send_us + scan_us + dump_us + count_us + answer_us + output_us
    # what the queue adds in the worker: its review_record per row (prepare_row behind the worker's guard)
    worker.review, worker.prepare_row = QueuePolicy(), prepare_row
    prep_us, recs = best(lambda: [worker.review_record(RAW, p, r, d, listing)
                                  for p, (r, listing), d in zip(payloads, scanned, datas)])
    chunks = [recs[k:k + 500] for k in range(0, n_rows, 500)]
    pickle_us, _ = best(lambda: [pickle.loads(pickle.dumps(c)) for c in chunks])
    out = {"rows": n_rows, "queued": sum(1 for r in recs if r is not None and r[1] is not None),
           "worker_scan_us": round(scan_us + dump_us, 1),
           "batch_row_us": round(batch_row_us, 1),
           "batch_row_parts_us": {"read": round(read_us, 1), "items_pickle": round(send_us, 1),
                                  "scan_and_line": round(scan_us + dump_us, 1), "counters": round(count_us, 1), "answer_pickle": round(answer_us, 1),
                                  "output_write": round(output_us, 1)},
           "prepare_us": round(prep_us, 1), "transfer_us": round(pickle_us, 1)}
    for db, url in urls.items():
        store = Store(url(f"parts_{db}"))
        q = ReviewQueue(store)
        for label in ("write_us", "write_rescan_us"):
            t = time.process_time()
            for c in chunks:
                q.write([r for r in c if r is not None])
            out[f"{db}_{label}"] = round((time.process_time() - t) / n_rows * 1e6, 1)
        store.close()
        for suffix, write in (("", out[f"{db}_write_us"]), ("_rescan", out[f"{db}_write_rescan_us"])):
            added = prep_us + pickle_us + write
            out[f"{db}_ratio{suffix}"] = round(1 + added / (scan_us + dump_us), 3)
            out[f"{db}_ratio_batch_row{suffix}"] = round(1 + added / batch_row_us, 3)
    print(json.dumps(out), flush=True)
    return out


def parts_over_whole_row(parts: dict, whole: dict) -> dict:
    """What the queue adds, measured piece by piece (steady), over what a batch row costs, measured whole
    (`cpu_us_per_row_without`: parent, pool machinery and workers, after the engine start-up; the best of
    the rounds, steady enough alone): the parts bench's denominator leaves out the process pool's own
    per-row work (futures, pipes, wake-ups), which whole runs show to be a large share of a row. The
    difference of two whole runs (`ratio_cpu_per_row`) stays beside it: noisier than the effect here."""
    out = {}
    for db, w in whole.items():
        if "cpu_us_per_row_without" not in w or f"{db}_write_us" not in parts:
            continue
        added = parts["prepare_us"] + parts["transfer_us"] + parts[f"{db}_write_us"]
        added_rescan = parts["prepare_us"] + parts["transfer_us"] + parts[f"{db}_write_rescan_us"]
        row = w["cpu_us_per_row_without"]
        out[db] = {"queue_parts_us": round(added, 1), "queue_parts_us_rescan": round(added_rescan, 1),
                   "whole_row_us": row, "ratio": round(1 + added / row, 3),
                   "ratio_rescan": round(1 + added_rescan / row, 3),
                   "ratio_parts_bench": parts[f"{db}_ratio"], "ratio_whole_runs": w["ratio_cpu_per_row"]}
    return out


def fill(store: Store, n: int) -> None:
    q = ReviewQueue(store)
    finding = {"kind": "text", "category": "absolute_term", "field": "title", "start": 0, "end": 2, "text": "最佳",
               "term": "最佳", "effect": "review"}
    versions = {"wordlists": "sha256:x", "gallery": "none", "scanner": "0.1.0"}
    t = time.time()
    for k in range(0, n, 5000):
        q.enqueue_many([Entry({"id": f"q-{i}", "title": "最佳选择 纯棉T恤"},
                              {"id": f"q-{i}", "decision": "review", "score": 30 + i % 40, "findings": [finding],
                               "versions": versions}, "batch") for i in range(k, min(n, k + 5000))], now=t)


def claim_bench(url: str, n: int, claims: int = 1000) -> dict:
    store = Store(url)
    started = time.perf_counter()
    fill(store, n)
    fill_s = time.perf_counter() - started
    q = ReviewQueue(store)
    times = []
    for i in range(claims):
        t = time.perf_counter()
        item = q.claim(f"r{i % 20}")
        times.append((time.perf_counter() - t) * 1000)
        assert item is not None
    times.sort()
    store.close()
    return {"queued": n, "fill_s": round(fill_s, 1), "claims": claims, "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(times[int(0.99 * len(times)) - 1], 3), "max_ms": round(times[-1], 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=6000, help="listings in the rescan comparison")
    ap.add_argument("--full", action="store_true", help="also 1,000,000 queued items")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--claims-only", action="store_true", help="skip the enqueue comparisons")
    ap.add_argument("--batch-only", action="store_true", help="only the `scanner batch --review-queue` comparison")
    ap.add_argument("--parts-only", action="store_true", help="only its piece-by-piece CPU figures")
    ap.add_argument("--batch-rows", type=int, default=30000, help="listings in the scanner batch comparison")
    ap.add_argument("--batch-rounds", type=int, default=6, help="rounds of the scanner batch comparison")
    args = ap.parse_args()
    sizes = [10_000] + ([1_000_000] if args.full else [])
    out: dict = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        tmp = Path(tmp)
        if args.parts_only:
            out["batch_parts"] = with_databases(args, tmp, lambda urls: parts_bench(6000, urls, tmp))
            (HERE / "results").mkdir(exist_ok=True)
            (HERE / "results" / "review-parts.json").write_text(json.dumps(out, indent=2) + "\n")
            return
        if args.batch_only:
            out["batch_parts"] = with_databases(args, tmp, lambda urls: parts_bench(6000, urls, tmp))
            out["batch_review_queue"] = with_databases(args, tmp, lambda urls: batch_bench(args.batch_rows, tmp, urls, args.batch_rounds))
            out["parts_over_whole_row"] = parts_over_whole_row(out["batch_parts"], out["batch_review_queue"])
            print(json.dumps(out["parts_over_whole_row"]), flush=True)
            (HERE / "results").mkdir(exist_ok=True)
            (HERE / "results" / "review-batch.json").write_text(json.dumps(out, indent=2) + "\n")
            return
        if not args.claims_only:
            out["enqueue_during_rescan"] = enqueue_bench(args.rows, tmp)
            print(json.dumps(out["enqueue_during_rescan"]), flush=True)
            out["http_batch"] = http_bench(args.rows, tmp)
            print(json.dumps(out["http_batch"]), flush=True)
        out["claim"] = []
        for n in sizes if not args.no_sqlite else ():
            r = {"db": "sqlite", **claim_bench(f"sqlite:///{tmp}/claim-{n}.sqlite3", n)}
            out["claim"].append(r)
            print(json.dumps(r), flush=True)
        if not args.no_postgres:
            from tests.review.pgcluster import Unavailable, throwaway_postgres

            try:
                with throwaway_postgres() as base:
                    import psycopg

                    for n in sizes:
                        name = f"bench_{n}"
                        with psycopg.connect(base, autocommit=True) as conn:
                            conn.execute(f"CREATE DATABASE {name}")
                        r = {"db": "postgresql", **claim_bench(base.rsplit("/", 1)[0] + "/" + name, n)}
                        out["claim"].append(r)
                        print(json.dumps(r), flush=True)
            except Unavailable as exc:
                out["claim"].append({"db": "postgresql", "skipped": str(exc)})
    (HERE / "results").mkdir(exist_ok=True)
    name = "review-full.json" if args.full else "review.json"
    (HERE / "results" / name).write_text(json.dumps(out, indent=2) + "\n")


def with_databases(args, tmp: Path, fn):
    """fn({db: name -> url of a fresh database}) on SQLite and (a throwaway cluster) PostgreSQL."""
    urls = {}
    if not args.no_sqlite:
        urls["sqlite"] = lambda name: f"sqlite:///{tmp}/{name}.sqlite3"
    if args.no_postgres:
        return fn(urls)
    from tests.review.pgcluster import Unavailable, throwaway_postgres

    try:
        with throwaway_postgres() as base:
            import psycopg

            def pg(name: str) -> str:
                with psycopg.connect(base, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {name}")
                    conn.execute(f"CREATE DATABASE {name}")
                return base.rsplit("/", 1)[0] + "/" + name

            urls["postgresql"] = pg
            return fn(urls)
    except Unavailable as exc:
        out = fn(urls)
        out["postgresql"] = {"skipped": str(exc)}
        return out


if __name__ == "__main__":
    main()
