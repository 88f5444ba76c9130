"""The worker-limit step on a real ``ThreadPoolExecutor`` (the engine tests run it in the provider host)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from pulumi_scpvs.provider._workers import set_worker_limit


def test_requests_queued_before_the_limit_is_raised_run_at_once() -> None:
    # As on `destroy`: the pool has its few threads busy and more requests queued behind
    # them when the limit is raised. Each request waits for all the others: they only
    # get through if they all run together.
    requests = 6
    together = threading.Barrier(requests, timeout=10)
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        futures = [pool.submit(together.wait) for _ in range(requests)]
        assert len(pool._threads) == 2  # the queued four wait for a thread
        started = set_worker_limit(pool, 64)
        assert started == requests - 2
        for future in futures:
            future.result(timeout=15)  # a BrokenBarrierError here: some of them never ran together
    finally:
        together.abort()
        pool.shutdown(wait=True)


def test_a_raised_limit_serves_later_requests_too() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        assert set_worker_limit(pool, 8) == 0
        together = threading.Barrier(5, timeout=10)
        futures = [pool.submit(together.wait) for _ in range(5)]
        for future in futures:
            future.result(timeout=15)
    finally:
        pool.shutdown(wait=True)
