"""When a request is sent again: the policy, and the decisions of one request under it.

:class:`ScpClient.call <pulumi_scpvs.scp.ScpClient.call>` builds a request, sends it once,
and asks its :class:`RetryState` what to do with the outcome. The state does no I/O and
reads no clock of its own (the caller passes ``now``), so each rule is a small method
tested with tables (``tests/unit/test_retry.py``), never with real back-off.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Transport errors raised before a byte of the request left: repeating them is always safe.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to retry.

    429 is retried for every method (the request was refused, not run); 502/503/504 and
    lost connections only for idempotent methods, because a POST may have been committed
    before the failure and retrying it could create a second object.
    """

    attempts: int = 5
    # 429s are counted apart: the request was not run, and the client's request budget
    # (see :class:`~pulumi_scpvs.scp._budget.RequestBudget`) is already slowing every request down.
    throttled_attempts: int = 30
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = frozenset({502, 503, 504})
    # 409 means refused, not run, so any method may repeat it; most of SCP's 409s are
    # about an object in a transitional state ("volume is detaching") and pass by
    # themselves. Retried for this many seconds (0: not at all, as for a plain client).
    conflict_window: float = 0.0

    # Conflicts that waiting cannot clear: a name already taken, a relationship that is not
    # there, a protected or locked object. They fail at once instead of after the window.
    permanent_conflicts: tuple[str, ...] = (
        "already exists",
        "already a member",
        "already has",
        "already attached",
        "already in use",
        "is not attached",
        "is protected",
        "is locked",
        "belongs to",
        "another VPC",
        "not found or not active",
        "set force",
    )

    def may_clear(self, detail: str) -> bool:
        """Whether a 409 with this detail may pass by itself (an object in a transitional state)."""
        lowered = detail.lower()
        return not any(pattern.lower() in lowered for pattern in self.permanent_conflicts)

    def conflict_pause(self, waited: float) -> float:
        """How long to wait before repeating a request refused with 409.

        Like the poller: half a second plus a tenth of the time waited (jittered, at most
        ``max_delay``), so a request goes through soon after the transition that blocked it.
        """
        return min(self.max_delay, (0.5 + 0.1 * waited) * random.uniform(1.0, 1.2))  # noqa: S311

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff for the given retry number (0-based)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))  # noqa: S311


@dataclass(frozen=True)
class Retry:
    """Send the request again, after ``delay`` seconds (a throttled one waits for the
    request budget instead: ``throttled``); ``reason`` is what the log line says."""

    delay: float
    reason: str
    level: int = logging.INFO
    throttled: bool = False


class RetryState:
    """What happened so far to one request, and whether to send it again.

    Retries of lost connections and 5xx share ``policy.attempts``; 429s are counted apart
    (``throttled_attempts``), and 409s that may clear are repeated until the conflict
    window (or the operation's deadline) closes, without using up either count.
    """

    def __init__(self, policy: RetryPolicy, method: str, url: str, started: float, deadline: float) -> None:
        self.policy = policy
        self.method = method
        self.url = url
        self.started = started
        self.deadline = deadline
        self.conflicts_until = min(started + policy.conflict_window, deadline)
        self.attempt = 0
        self.throttled = 0
        self.conflict_pauses = 0

    def after_transport_error(self, error: httpx.TransportError) -> Retry | None:
        """A lost connection: again only if the request cannot have run twice."""
        if not (self.method in IDEMPOTENT_METHODS or isinstance(error, NEVER_SENT)):
            return None
        return self._counted(self.policy.backoff(self.attempt), f"{type(error).__name__} on {self.method} {self.url}")

    def after_answer(self, status: int, detail: str, retry_after: float | None, now: float) -> Retry | None:
        """An error answer: the rule for its status decides."""
        if status == 429:
            return self._throttled(now)
        if status == 409:
            return self._conflict(detail, now)
        if status in self.policy.retry_statuses and self.method in IDEMPOTENT_METHODS:
            return self._server_error(status, retry_after)
        return None

    def _throttled(self, now: float) -> Retry | None:
        """Refused, not run: any method repeats it, once the request budget lets it go."""
        if self.throttled + 1 >= self.policy.throttled_attempts or now >= self.deadline:
            return None
        level = logging.INFO if self.throttled == 0 else logging.DEBUG
        self.throttled += 1
        return Retry(0.0, f"429 on {self.method} {self.url}", level, throttled=True)

    def _conflict(self, detail: str, now: float) -> Retry | None:
        """An object busy in a transition: waited out within the window, said once (then at DEBUG)."""
        if now >= self.conflicts_until or not self.policy.may_clear(detail):
            return None
        level = logging.INFO if self.conflict_pauses == 0 else logging.DEBUG
        self.conflict_pauses += 1
        delay = self.policy.conflict_pause(now - self.started)
        return Retry(delay, f"409 on {self.method} {self.url} ({detail})", level)

    def _server_error(self, status: int, retry_after: float | None) -> Retry | None:
        """A 5xx of an idempotent request: backed off, or as long as Retry-After asks (capped)."""
        delay = self.policy.backoff(self.attempt)
        if retry_after is not None:
            delay = min(max(delay, retry_after), self.policy.max_retry_after)
        return self._counted(delay, f"{status} on {self.method} {self.url}")

    def _counted(self, delay: float, reason: str) -> Retry | None:
        if self.attempt + 1 >= self.policy.attempts:
            return None
        self.attempt += 1
        return Retry(delay, reason)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The answer's ``Retry-After``, in seconds from now (seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None
