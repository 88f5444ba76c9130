"""Clients for the providers and lookups: the one place that knows about the embedded simulator.

With no endpoint configured the target is the simulator, run inside this process
against a SQLite file (see :mod:`pulumi_scpvs.simulator`); it is imported here, lazily,
and nowhere else outside the simulator package (an import-linter contract says so).
"""

from __future__ import annotations

import threading
from typing import Any

from ..scp import RetryPolicy, ScpClient, ScpConfig
from ..scp._budget import RequestBudget

# Providers ride out conflicts with objects in transitional states (an attachment being
# replaced while a snapshot of its volume is taken) for up to a minute. Reads are
# retried on 500 too: a provider must survive a busy cloud, and a GET is safe to repeat.
PROVIDER_RETRY = RetryPolicy(attempts=8, conflict_window=60.0, retry_statuses=frozenset({500, 502, 503, 504}))


def make_client(config: ScpConfig, **options: Any) -> ScpClient:
    """A client for ``config``; for the embedded endpoint, one answered by an in-process simulator."""
    if config.is_embedded and "transport" not in options:
        from ..simulator import embedded_transport

        options["transport"] = embedded_transport(
            config.embedded_state_path, config.access_key, config.secret_key, config.account_id or None
        )
    return ScpClient(config, **options)


class ClientPool:
    """One client (one connection pool) per configuration for a whole process.

    The provider host serves many resources at once from one process; they share
    connections to the same target, and one request budget per access key at an
    endpoint (the unit a cloud's rate limit counts), whichever profiles name it.
    """

    def __init__(self, retry: RetryPolicy = PROVIDER_RETRY) -> None:
        self._retry = retry
        self._clients: dict[tuple[object, ...], ScpClient] = {}
        self._budgets: dict[tuple[str, str], RequestBudget] = {}
        self._lock = threading.Lock()

    def get(self, config: ScpConfig) -> ScpClient:
        key = (config.endpoint, config.access_key, config.secret_key, config.account_id, config.max_requests_per_second)
        with self._lock:
            if key not in self._clients:
                budget = self._budgets.get((config.endpoint, config.access_key))
                if budget is None or budget.ceiling != config.max_requests_per_second:
                    budget = RequestBudget(config.max_requests_per_second)
                    self._budgets[(config.endpoint, config.access_key)] = budget
                self._clients[key] = make_client(config, retry=self._retry, budget=budget)
            return self._clients[key]


CLIENTS = ClientPool()
