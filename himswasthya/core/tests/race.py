"""Real races for the PostgreSQL concurrency tests of every app: jobs on threads, each its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def race(jobs: list[Callable[[], object]], threads: int | None = None, timeout: float = 300) -> list[object]:
    """Run `jobs` on `threads` threads (one a job by default) started together by a barrier; each thread
    closes its own database connection at the end. Each result is the job's return value or its error."""
    threads = threads or len(jobs)
    results: list[object] = [None] * len(jobs)
    barrier = threading.Barrier(threads)

    def worker(offset: int) -> None:
        try:
            barrier.wait()
            for i in range(offset, len(jobs), threads):
                try:
                    results[i] = jobs[i]()
                except Exception as exc:  # noqa: BLE001 - the test counts every outcome
                    results[i] = exc
        finally:
            connection.close()  # each thread's own connection

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=timeout)
    return results


def errors(results: list[object]) -> list[Exception]:
    """The errors among `race`'s results."""
    return [r for r in results if isinstance(r, Exception)]
