"""Fault injection: the flaky network and busy cloud a provider must survive.

Set by ``scpvs-simulator`` flags, by ``SCPVS_SIM_FAULTS`` (JSON of the fields below) or
at run time with ``POST /_admin/faults`` (same JSON; ``GET`` reads settings and counts).
Every decision is drawn from one random generator seeded by ``seed``, so a run with the
same seed and the same requests injects the same faults.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

NEVER = 1e12
"""A transition delay that never comes: the "stall" fault."""


@dataclass
class FaultSettings:
    """Rates are fractions of eligible requests (0..1)."""

    error_rate: float = 0.0
    """Answer 500/502/503/504 before doing anything."""
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

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(self.settings.seed)  # noqa: S311 - simulation, not security

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._random = random.Random(settings.seed)  # noqa: S311
            self.counts.clear()

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

    def report(self) -> dict[str, Any]:
        return {"settings": asdict(self.settings), "injected": dict(self.counts)}
