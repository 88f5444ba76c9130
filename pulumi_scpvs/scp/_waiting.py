"""One poller for every asynchronous (202) operation.

It looks once at once (a quarter of a second in, when sharing), then waits half a second
plus a tenth of the time waited so far (at most ten seconds) between looks, so the lag between an object turning stable
and the poller seeing it stays under a second plus ten per cent. Given a
:class:`~._watch.ListWatch`, its looks share list requests with the other waits of the
process for objects of the same kind (a look may then come any time after the last one,
never late); otherwise each look is a show. It honours
``Retry-After``, stops at a deadline, raises with the object's id and last state on a
failure state, treats "gone" as success when waiting for a delete, and rides out a
few transient read errors (lost connections, 5xx, 429) in a row.

A wait that lasts reports its progress at INFO on this module's logger
(the provider process shows it in ``pulumi up``): nothing for the first ten seconds,
then each state change and, between changes, a line every twenty seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._errors import (
    NotFoundError,
    RateLimitedError,
    ResourceFailedError,
    ScpConnectionError,
    ScpError,
    ServerError,
    WaitTimeoutError,
)
from ._watch import MISSING, ListWatch

log = logging.getLogger(__name__)

T = TypeVar("T")
TRANSIENT_ERRORS = (ScpConnectionError, ServerError, RateLimitedError)


@dataclass(frozen=True)
class PollSchedule:
    """How long to wait before the next look, given how long the wait has lasted so far.

    The interval is ``first`` plus ``fraction`` of the time already waited, at most
    ``cap``: an object that turns stable is seen at most ``first + fraction × duration``
    seconds later (plus one request), so the lag stays a small share of the operation
    however long it takes, while a long build is polled ever more rarely, up to ``cap``.
    """

    first: float = 0.5
    fraction: float = 0.1
    cap: float = 10.0
    max_transient_errors: int = 3
    report_after: float = 10.0
    """Waits shorter than this report nothing (most waits: one line each would drown the long ones)."""
    report_every: float = 20.0
    """Between state changes, a long wait says it is still waiting this often."""

    def interval(self, waited: float) -> float:
        return min(self.cap, self.first + self.fraction * max(waited, 0.0))


@dataclass(frozen=True)
class Waiter(Generic[T]):
    """Waits for one object, read by ``read`` (``None`` or :class:`NotFoundError` means gone)."""

    read: Callable[[], T | None]
    state_of: Callable[[T], str | None]
    description: str
    object_id: str
    schedule: PollSchedule = PollSchedule()
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    watch: ListWatch | None = None
    name: str | None = None
    """What the user calls the object (a program's resource name), for progress lines."""

    def _look(self, pause: float, early: float) -> T | None:
        """The object ``pause`` seconds from now (or up to ``early`` seconds sooner); ``None`` once gone."""
        if self.watch is not None and self.watch.worth_listing():
            try:
                seen = self.watch.look(self.object_id, due=self.clock() + pause, early=early)
            except ScpError as error:
                # A listing that failed says nothing about this object (its marker may have
                # been deleted between two pages): look at the object itself.
                log.debug("listing for %s %s failed (%s); showing it", self.description, self.object_id, error)
                seen = MISSING
            if seen is not MISSING:
                return seen  # type: ignore[no-any-return]
        elif pause > 0:
            self.sleep(pause)
        try:
            return self.read()
        except NotFoundError:
            return None

    def until(
        self, targets: Collection[str], *, deadline: float, failures: Collection[str] = (), gone_is_done: bool = False
    ) -> T | None:
        """Poll until the state is in ``targets`` (or the object is gone, when ``gone_is_done``)."""
        if self.watch is not None:
            self.watch.join(self.object_id)
        try:
            return self._until(targets, deadline, failures, gone_is_done)
        finally:
            if self.watch is not None:
                self.watch.leave(self.object_id)

    def _until(
        self, targets: Collection[str], deadline: float, failures: Collection[str], gone_is_done: bool
    ) -> T | None:
        started = self.clock()
        pause = early = 0.0
        if self.watch is not None and self.watch.worth_listing():
            # The first look shares too: any listing started since this wait began holds the
            # object, so waits that begin within a quarter of a second share one.
            pause = early = self.schedule.first / 2
        errors_in_a_row = 0
        last_state: str | None = None
        progress = _Progress(self, started)
        while True:
            at_least = 0.0
            try:
                current = self._look(pause, early)
                errors_in_a_row = 0
            except TRANSIENT_ERRORS as error:
                errors_in_a_row += 1
                if errors_in_a_row > self.schedule.max_transient_errors:
                    raise
                at_least = getattr(error, "retry_after", None) or 0.0
                log.info("transient error reading %s %s: %s", self.description, self.object_id, error)
            else:
                if current is None:
                    if gone_is_done:
                        progress.saw(last_state, "gone", self.clock())
                        return None
                    raise ResourceFailedError(
                        f"{self.description} {self.object_id} disappeared while waiting for {'/'.join(targets)} "
                        f"(last state {last_state})",
                        object_id=self.object_id,
                        last_state=last_state,
                    )
                previous, last_state = last_state, self.state_of(current)
                progress.saw(previous, last_state, self.clock())
                if last_state in targets:
                    return current
                if last_state in failures:
                    raise ResourceFailedError(
                        f"{self.description} {self.object_id} reached the failure state {last_state}",
                        object_id=self.object_id,
                        last_state=last_state,
                    )
            now = self.clock()
            if now >= deadline:
                goal = "to be deleted" if gone_is_done and not targets else f"to reach {'/'.join(targets)}"
                raise WaitTimeoutError(
                    f"timed out waiting for {self.description} {self.object_id} {goal}; last state {last_state}",
                    object_id=self.object_id,
                    last_state=last_state,
                )
            # The last look is taken at the deadline itself, not one interval before it.
            interval = self.schedule.interval(now - started)
            pause = min(max(interval, at_least), deadline - now)
            early = 0.0 if at_least else pause

    def until_gone(self, *, deadline: float, failures: Collection[str] = ()) -> None:
        """Poll until the object no longer exists."""
        self.until((), deadline=deadline, failures=failures, gone_is_done=True)


class _Progress:
    """What one wait has reported so far (see the module docstring for when it speaks)."""

    def __init__(self, waiter: Waiter[Any], started: float) -> None:
        self.waiter = waiter
        self.started = started
        self.reported_at: float | None = None

    def saw(self, previous: str | None, state: str | None, now: float) -> None:
        waited = now - self.started
        changed = previous is not None and state != previous
        schedule = self.waiter.schedule
        waiter = self.waiter
        what = f"{waiter.description} {waiter.name} ({waiter.object_id})" if waiter.name else None
        what = what or f"{waiter.description} {waiter.object_id}"
        if changed:
            if waited >= schedule.report_after:
                log.info("%s: %s → %s after %.0f s", what, previous, state, waited)
                self.reported_at = now
        elif waited >= schedule.report_after and (
            self.reported_at is None or now - self.reported_at >= schedule.report_every
        ):
            log.info("%s: still %s after %.0f s", what, state, waited)
            self.reported_at = now
