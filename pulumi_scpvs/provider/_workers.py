"""Lifting the dynamic provider host's four-worker limit from inside the provider process.

Every Python dynamic resource of a stack is served by one process (``python -m
pulumi.dynamic``) whose gRPC server runs on a ``ThreadPoolExecutor`` of four workers.
Each create blocks its worker until the object is stable, so sixteen independent
servers deploy in four rounds however high ``pulumi up --parallel`` is set.

When the first resource is configured in that process, :func:`widen_worker_pool` finds
the gRPC server's executor and raises its worker limit, so the engine's ``--parallel``
is the only cap. The executor starts threads on demand, so the higher limit costs
nothing until the engine actually sends that many operations at once.

The first request that configures a provider is not always the first the engine sends:
on ``up`` it is a ``Check``, before any create; on ``destroy`` (which has no ``Check``)
it is the first ``Delete``, and the engine has usually submitted other deletes by then.
Those wait in the executor's queue, and ``submit`` (which starts threads) will not run
again for them, so :func:`widen_worker_pool` also starts a thread for every request
already queued.

The limit: this reaches into private attributes of grpc (``_Server._state``) and of
``concurrent.futures`` (``_max_workers``). If they are not there, nothing is changed,
a warning is logged, and deployments run as before, four at a time.
``SCPVS_PROVIDER_WORKERS`` sets the number of workers (``4`` restores the host's own).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

WORKERS_ENV = "SCPVS_PROVIDER_WORKERS"
DEFAULT_WORKERS = 256
DYNAMIC_PROVIDER_MAIN = "pulumi.dynamic.__main__"

_lock = threading.Lock()
_done = False


def in_dynamic_provider_host() -> bool:
    """True in the process ``pulumi-resource-pulumi-python`` starts (``python -m pulumi.dynamic``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == DYNAMIC_PROVIDER_MAIN


def wanted_workers() -> int:
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        return DEFAULT_WORKERS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        log.warning("%s=%r is not a positive whole number; using %d", WORKERS_ENV, raw, DEFAULT_WORKERS)
        return DEFAULT_WORKERS
    return value


def grpc_server_pools() -> list[ThreadPoolExecutor]:
    """The executors of the gRPC servers alive in this process."""
    server_class = getattr(sys.modules.get("grpc._server"), "_Server", None)
    if not isinstance(server_class, type):
        return []
    pools = []
    for candidate in gc.get_objects():
        if isinstance(candidate, server_class):
            pool = getattr(getattr(candidate, "_state", None), "thread_pool", None)
            if isinstance(pool, ThreadPoolExecutor) and hasattr(pool, "_max_workers"):
                pools.append(pool)
    return pools


def set_worker_limit(pool: ThreadPoolExecutor, workers: int) -> int:
    """Raise the pool's limit and start a thread for each request already waiting in its queue.

    Returns how many threads were started for queued requests.
    """
    # ``submit`` compares its thread count with ``_max_workers`` each time it needs a
    # thread, so a new limit applies from the next request on...
    setattr(pool, "_max_workers", workers)  # noqa: B010 - a private attribute, on purpose
    # ...and requests submitted before it are served by the threads started so far, unless
    # threads are started for them here: one per queued request, as ``submit`` would have.
    queue = getattr(pool, "_work_queue", None)
    adjust = getattr(pool, "_adjust_thread_count", None)
    threads = getattr(pool, "_threads", None)
    if queue is None or adjust is None or threads is None:
        return 0
    before = len(threads)
    for _ in range(queue.qsize()):
        adjust()
    return len(threads) - before


def widen_worker_pool() -> int | None:
    """Once per process: let the provider host serve as many operations at once as the engine sends.

    Returns the new limit, or ``None`` outside the provider host or when its pool was not found.
    """
    global _done
    with _lock:
        if _done or not in_dynamic_provider_host():
            return None
        _done = True
        pools = grpc_server_pools()
        if not pools:
            log.warning("could not find the provider host's worker pool; operations run four at a time")
            return None
        workers = wanted_workers()
        started = sum(set_worker_limit(pool, workers) for pool in pools)
        log.debug("provider host serves up to %d operations at once (%d started for queued ones)", workers, started)
        return workers
