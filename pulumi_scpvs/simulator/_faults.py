"""Fault injection: the flaky network and busy cloud a provider must survive.

Set by ``scpvs-simulator`` flags, by ``SCPVS_SIM_FAULTS`` (JSON of the fields below) or
at run time with ``POST /_admin/faults`` (same JSON; ``GET`` reads settings and counts).
Every decision is drawn from one random generator seeded by ``seed``, so a run with the
same seed and the same requests injects the same faults.

``rate_limit`` is not random: it is a token bucket per access key, refilled at
``rate_limit`` tokens per second on a monotonic clock, holding at most one second's worth
(``max(rate_limit, 1)`` tokens), so the same requests at the same clock readings are
limited the same way. Configuring the faults empties the counts and refills the buckets.

``error_delay`` holds each injected ``error_rate`` error that long before answering it (a
gateway that times out and then answers 5xx): the request did nothing, but another client
can act while it is held. The error is counted (``error_before``) when it is decided, so a
test can wait for the count, reconfigure the faults (the held request keeps its delay) and
act; ``POST /_admin/faults/release`` answers every held error at once, and ``GET`` reports
how many are ``holding``.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

NEVER = 1e12
"""A transition delay that never comes: the "stall" fault."""


@dataclass
class FaultSettings:
    """Rates are fractions of eligible requests (0..1)."""

    error_rate: float = 0.0
    """Answer 500/502/503/504 before doing anything."""
    error_delay: float = 0.0
    """Seconds each of those errors is held before it is answered (``/_admin/faults/release`` ends the wait)."""
    throttle_rate: float = 0.0
    """Answer 429 with ``Retry-After: retry_after`` before doing anything."""
    retry_after: float = 1.0
    latency: float = 0.0
    """Seconds added to every API request."""
    drop_rate: float = 0.0
    """Mutating requests: commit, then drop the connection without an answer."""
    late_error_rate: float = 0.0
    """Mutating requests: commit, then answer 502/503/504."""
    fail_rate: float = 0.0
    """Created servers, volumes, snapshots and images end in their failure state."""
    stall_rate: float = 0.0
    """Transitions that never complete."""
    rate_limit: float = 0.0
    """Requests per second per access key (a token bucket, burst one second's worth); 0: none.

    Answered 429 with ``Retry-After``: the seconds until a token is available. Not random,
    and not restricted by ``match``: it limits every API request (never ``/_admin/``)."""
    seed: int | None = None
    match: str | None = None
    """A regular expression on ``"METHOD /path"``: only matching API requests get errors,
    throttling, drops and late errors (``"^DELETE /v1/volumes/[^/]+/servers/"``: detaches)."""

    def applies_to(self, method: str, path: str) -> bool:
        return self.match is None or re.search(self.match, f"{method} {path}") is not None

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> FaultSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault settings {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)

    @classmethod
    def from_env(cls) -> FaultSettings:
        raw = os.environ.get("SCPVS_SIM_FAULTS")
        return cls.from_mapping(json.loads(raw)) if raw else cls()


class DropConnection(Exception):
    """Raised by the app to make the HTTP server close the connection without answering."""


@dataclass
class Faults:
    """The live fault state of one simulator: settings, generator, counts."""

    settings: FaultSettings = field(default_factory=FaultSettings)
    counts: Counter[str] = field(default_factory=Counter)
    clock: Callable[[], float] = time.monotonic
    """The rate limit's clock: seconds, never going back."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(self.settings.seed)  # noqa: S311 - simulation, not security
        self._buckets: dict[str, tuple[float, float]] = {}
        """Access key -> (tokens, clock reading when they were counted)."""
        self._released = threading.Event()
        """Set (and replaced) by :meth:`release`: the held errors it was waited on by end."""
        self._holding = 0

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._random = random.Random(settings.seed)  # noqa: S311
            self.counts.clear()
            self._buckets.clear()

    def rate_limited(self, access_key: str) -> float | None:
        """Take a token from ``access_key``'s bucket: ``None`` if there was one, else the
        seconds until there is one (counted as ``rate_limited``)."""
        rate = self.settings.rate_limit
        if rate <= 0:
            return None
        capacity = max(rate, 1.0)
        with self._lock:
            now = self.clock()
            tokens, then = self._buckets.get(access_key, (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - then) * rate)
            if tokens >= 1.0:
                self._buckets[access_key] = (tokens - 1.0, now)
                return None
            self._buckets[access_key] = (tokens, now)
            self.counts["rate_limited"] += 1
            return (1.0 - tokens) / rate

    @staticmethod
    def retry_after(seconds: float) -> str:
        """``Retry-After`` of a rate-limited answer: rounded up to 0.1 s, at least 0.1 s."""
        tenths = max(1, math.ceil(round(seconds * 10, 6)))
        return f"{tenths / 10:g}"

    def happens(self, rate: float, kind: str) -> bool:
        """Draw once; count the fault when it happens."""
        if rate <= 0:
            return False
        with self._lock:
            hit = self._random.random() < rate
            if hit:
                self.counts[kind] += 1
            return hit

    def pick_status(self) -> int:
        with self._lock:
            return self._random.choice((500, 502, 503, 504))

    def hold(self, seconds: float) -> None:
        """Wait ``seconds`` before answering an injected error, or until :meth:`release`."""
        if seconds <= 0:
            return
        with self._lock:
            released = self._released
            self._holding += 1
        try:
            released.wait(seconds)
        finally:
            with self._lock:
                self._holding -= 1

    def release(self) -> int:
        """End every hold now; how many were held."""
        with self._lock:
            held = self._holding
            self._released.set()
            self._released = threading.Event()
        return held

    def report(self) -> dict[str, Any]:
        with self._lock:
            holding = self._holding
        return {"settings": asdict(self.settings), "injected": dict(self.counts), "holding": holding}
