"""Audit log benchmark: cost of record() on the request path, sealing and verification speed, and whether
concurrent writers wait for each other.

    DEBUG=1 .venv/bin/python bench/audit.py [--mode inline|worker|both] [--entries N] [--workers W]
    DEBUG=1 DATABASE_URL=postgres://... .venv/bin/python bench/audit.py

--mode (default both) sets AUDIT_SEAL_MODE for the latency and writer runs: "inline" seals in the committing
thread, "worker" leaves sealing to the sealing worker (audit/chain.py `run_sealing_worker`, here a thread of
the benchmark standing for the `seal_audit --every 0.1` process); "both" measures one after the other on the
same database and prints both.

Runs on a throw-away database of the configured engine (Django's test-database machinery, name
`test_..._bench_audit`), prints the figures and appends them to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himswasthya.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def use_bench_database() -> str:
    """Point Django's test-database machinery at a dedicated database and create it."""
    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if db["ENGINE"].endswith("sqlite3"):
        # A file, not :memory:, so that worker threads share it (WAL mode from settings).
        test["NAME"] = str(settings.VAR_DIR / "bench_audit.sqlite3")
    else:
        test["NAME"] = f"test_{db['NAME']}_bench_audit"
    return connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def record_one(i: int) -> None:
    from himswasthya.audit import services

    services.record(
        "person.read",
        object_type="people.Person",
        object_id=i,
        purpose="opd",
        facility_id=1 + i % 50,
        district_id=1 + i % 12,
        ip="10.0.0.1",
        detail={"page": i % 7},
    )


def bench_record_latency(n: int) -> dict[str, float]:
    """record() inside a transaction, and the whole transaction including commit and after-commit sealing."""
    calls, transactions = [], []
    for i in range(n):
        t0 = time.perf_counter()
        with transaction.atomic():
            t1 = time.perf_counter()
            record_one(i)
            calls.append(time.perf_counter() - t1)
        transactions.append(time.perf_counter() - t0)
    return {
        "record_p50": percentile(calls, 50),
        "record_p95": percentile(calls, 95),
        "tx_p50": percentile(transactions, 50),
        "tx_p95": percentile(transactions, 95),
        "tx_p99": percentile(transactions, 99),
    }


def bench_sealing(n: int) -> dict[str, float]:
    """Write n entries without after-commit sealing, then seal them all in batches."""
    from himswasthya.audit import chain, services

    original = services.schedule_sealing
    services.schedule_sealing = lambda: None  # measure the sealer alone
    try:
        with transaction.atomic():
            for i in range(n):
                record_one(i)
    finally:
        services.schedule_sealing = original
    t0 = time.perf_counter()
    sealed = chain.seal_pending()
    seconds = time.perf_counter() - t0
    return {"sealed": sealed, "seal_rate": sealed / seconds}


def bench_verify() -> dict[str, float]:
    from himswasthya.audit import chain

    result = chain.verify_chain()
    assert result.ok, result.message
    return {"verified": result.checked, "verify_rate": result.checked / max(result.seconds, 1e-9)}


def run_writers(
    workers: int, transactions: int, per_transaction: int = 3, seal: bool = True
) -> dict[str, float]:
    """`workers` threads, each with its own connection, doing transactions of a few record() calls.
    seal=False leaves sealing to a later seal_audit run, to show the request path alone."""
    from himswasthya.audit import services

    original = services.schedule_sealing
    if not seal:
        services.schedule_sealing = lambda: None
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def worker(n: int) -> None:
        mine = []
        try:
            barrier.wait()
            for t in range(transactions):
                t0 = time.perf_counter()
                with transaction.atomic():
                    for i in range(per_transaction):
                        record_one(n * 100_000 + t * 10 + i)
                mine.append(time.perf_counter() - t0)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    services.schedule_sealing = original
    if not seal:
        from himswasthya.audit import chain

        chain.seal_pending()  # what seal_audit would do; untimed, and leaves no backlog for the next run
    if errors:
        raise RuntimeError(f"{len(errors)} writer(s) failed: {errors[0]!r}")
    drain = wait_sealed() if seal else 0.0
    return {
        "tx_rate": workers * transactions / wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "drain": drain,
    }


def wait_sealed(timeout: float = 60.0) -> float:
    """Seconds until no entry is left unsealed (0 with inline sealing, the worker's lag with "worker")."""
    from himswasthya.audit import chain

    t0 = time.perf_counter()
    if not chain.wait_until_sealed(timeout, poll=0.005):
        raise RuntimeError(f"entries still unsealed after {timeout} s")
    return time.perf_counter() - t0


def _sealing_worker(stop: threading.Event, every: float = 0.1) -> None:
    """What `manage.py seal_audit --every 0.1` does, until `stop` is set (with its own connection)."""
    from himswasthya.audit import chain

    try:
        while not stop.is_set():
            chain.run_sealing_worker(every, cycles=1)
            stop.wait(every)
    finally:
        connection.close()


def bench_mode(mode: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Latency of one writer and throughput of many, with AUDIT_SEAL_MODE = mode."""
    from himswasthya.audit import chain

    settings.AUDIT_SEAL_MODE = mode
    stop = threading.Event()
    worker = threading.Thread(target=_sealing_worker, args=(stop,), daemon=True)
    if mode == "worker":
        worker.start()
    try:
        latency = timed(f"[{mode}] record() latency", lambda: bench_record_latency(args.latency_samples))
        latency["drain"] = wait_sealed()
        single = timed(f"[{mode}] 1 writer", lambda: run_writers(1, args.transactions))
        many = timed(f"[{mode}] {args.workers} writers", lambda: run_writers(args.workers, args.transactions))
    finally:
        stop.set()
        if worker.is_alive():
            worker.join(10)
        chain.seal_pending()
        connection.close()
    return {"latency": latency, "single": single, "many": many}


def mode_lines(mode: str, figures: dict[str, dict[str, float]], args: argparse.Namespace) -> list[str]:
    latency, single, many = figures["latency"], figures["single"], figures["many"]
    lag = f"; all sealed {ms(many['drain'])} after the last commit" if mode == "worker" else ""
    return [
        f"- **{mode}** sealing, one writer, whole transaction (1 record()) incl. commit and after-commit: "
        f"p50 {ms(latency['tx_p50'])}, p95 {ms(latency['tx_p95'])}, p99 {ms(latency['tx_p99'])} "
        f"({args.latency_samples} samples; record() itself p50 {ms(latency['record_p50'])})",
        f"- **{mode}**, 1 writer: {single['tx_rate']:,.0f} tx/s (3 record() per tx), "
        f"p50 {ms(single['p50'])}, p95 {ms(single['p95'])}, p99 {ms(single['p99'])}",
        f"- **{mode}**, {args.workers} concurrent writers: {many['tx_rate']:,.0f} tx/s in total, "
        f"p50 {ms(many['p50'])}, p95 {ms(many['p95'])}, p99 {ms(many['p99'])}, max {ms(many['max'])}{lag}",
    ]


def open_transaction_probe(hold_seconds: float = 1.0, probes: int = 5) -> dict[str, float]:
    """While one request holds an uncommitted audit entry, how long do other transactions with record() take?
    (PostgreSQL: no wait at all. SQLite: it has one database-wide writer lock, so they wait.)"""
    holding, done = threading.Event(), threading.Event()

    def slow_request() -> None:
        try:
            with transaction.atomic():
                record_one(-1)
                holding.set()
                done.wait(hold_seconds)
        finally:
            connection.close()

    def probe() -> list[float]:
        times = []
        for i in range(probes):
            t0 = time.perf_counter()
            with transaction.atomic():
                record_one(-2 - i)
            times.append(time.perf_counter() - t0)
        return times

    slow = threading.Thread(target=slow_request)
    slow.start()
    holding.wait(10)
    times = probe()
    done.set()
    slow.join()
    return {"hold": hold_seconds, "probe_max": max(times), "probe_p50": statistics.median(times)}


def timed(label: str, fn: Callable[[], dict[str, float]]) -> dict[str, float]:
    print(f"… {label}", flush=True)
    return fn()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mode",
        choices=["inline", "worker", "both"],
        default="both",
        help="AUDIT_SEAL_MODE of the latency and writer runs (default: both, in turn)",
    )
    parser.add_argument("--entries", type=int, default=5000, help="entries for the sealing/verify runs")
    parser.add_argument("--latency-samples", type=int, default=500)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--transactions", type=int, default=50, help="transactions per concurrent writer")
    parser.add_argument("--no-results", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    modes = ["inline", "worker"] if args.mode == "both" else [args.mode]

    engine = connection.vendor
    old_name = connection.settings_dict["NAME"]
    use_bench_database()
    try:
        from himswasthya.audit import chain
        from himswasthya.audit.models import AuditEntry

        by_mode = {mode: bench_mode(mode, args) for mode in modes}
        settings.AUDIT_SEAL_MODE = "inline"  # the rest is about the sealer and the writers, not the mode
        sealing = timed("sealing", lambda: bench_sealing(args.entries))
        verify = timed("verify", bench_verify)
        unsealed_many = timed(
            f"{args.workers} writers, sealing deferred",
            lambda: run_writers(args.workers, args.transactions, seal=False),
        )
        probe = timed("open-transaction probe", open_transaction_probe)
        chain.seal_pending()
        final = chain.verify_chain()
        total = AuditEntry.objects.count()
        unsealed = AuditEntry.objects.filter(seq__isnull=True).count()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    version = connection.pg_version if engine == "postgresql" else None  # type: ignore[attr-defined]
    engine_name = f"PostgreSQL {version // 10000}" if version else "SQLite (WAL)"
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {engine_name} · "
        f"`bench/audit.py --mode {args.mode} --entries {args.entries} --workers {args.workers} "
        f"--transactions {args.transactions} --latency-samples {args.latency_samples}`",
        "",
    ]
    for mode, figures in by_mode.items():
        lines += mode_lines(mode, figures, args)
    lines += [
        f"- sealing: {sealing['sealed']:.0f} entries at {sealing['seal_rate']:,.0f} entries/s",
        f"- verify: {verify['verified']:.0f} entries at {verify['verify_rate']:,.0f} entries/s",
        f"- {args.workers} concurrent writers, sealing left to `seal_audit`: "
        f"{unsealed_many['tx_rate']:,.0f} tx/s, "
        f"p50 {ms(unsealed_many['p50'])}, p95 {ms(unsealed_many['p95'])}, max {ms(unsealed_many['max'])}",
        f"- while another transaction holds an uncommitted entry for {probe['hold']:.1f} s, a new "
        f"transaction with record() takes p50 {ms(probe['probe_p50'])}, max {ms(probe['probe_max'])}",
        f"- afterwards: {total} entries, {unsealed} unsealed, chain "
        f"{'verified' if final.ok else 'BROKEN: ' + final.message} ({final.checked} entries)",
        "",
    ]
    print("\n".join(lines))
    if not args.no_results:
        write_results(lines)


def write_results(lines: list[str]) -> None:
    """Append under the `## Audit log` section (created at the end of the file if missing), newest first."""
    heading = "## Audit log (`bench/audit.py`)"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = "\n".join(lines) + "\n"  # lines end with "", so the block ends with a blank line
    if heading in text:
        pos = text.index(heading) + len(heading) + 2
        if not text.startswith("###", pos) and "\n\n" in text[pos:]:  # skip the section's intro paragraph
            pos = text.index("\n\n", pos) + 2
        text = text[:pos] + block + text[pos:]
    else:
        intro = (
            "Cost of `audit.services.record()` on the request path, sealing and verification rates, and "
            "whether concurrent writers wait for each other.\n\n"
        )
        text = text.rstrip("\n") + "\n\n" + heading + "\n\n" + intro + block
    RESULTS.write_text(text)
    print(f"appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
