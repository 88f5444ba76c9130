"""A request-rate budget shared by every request a process sends to one account.

SCP limits how many requests an access key may send per second and answers the rest
429 with ``Retry-After``. A deployment of hundreds of objects sends requests from as
many threads as the engine runs operations at once, so each thread backing off on
its own would keep the account at its limit, and some operation would eventually run
out of retries. One :class:`RequestBudget` per client (the provider host keeps one
client per account) spaces the requests of all of them instead:

* ``ceiling`` (``scpvs:maxRequestsPerSecond``; none by default) is a rate never exceeded;
* a 429 pauses every request until its ``Retry-After``;
* 429s that keep coming (a second one within a second) also set the rate to a little
  under what the cloud accepted in the last second, so the rest of the deployment runs
  just below the limit instead of bursting into it again; a lone 429 (a busy cloud,
  another client of the account) only pauses;
* every second without a 429 the rate grows by 3 % and at least one request per second,
  back up to the ceiling (or to no limit at all, once well above what was accepted).

Below the rate, requests go as a token bucket lets them: up to half a second's worth at
once, then one every ``1 / rate`` seconds, so a cloud counting with a bucket at the same
rate never refuses them, and a low rate does not queue the few requests of a quiet
moment behind one another.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

DEFAULT_PAUSE = 1.0
"""How long a 429 without ``Retry-After`` pauses every request."""
MIN_RATE = 0.5
BURST_SECONDS = 0.5
"""How many seconds' worth of requests may go at once (at least one)."""
SHARE_KEPT = 0.9
"""After a 429, the rate is this share of the requests the cloud accepted in the last second."""
GROWTH_PER_SECOND = 0.03
"""Each second without a 429 the rate grows by this share..."""
MIN_GROWTH_PER_SECOND = 1.0
"""...and by at least this many requests per second: a 429 that came by chance (a busy
cloud, another client of the account) at a low rate costs seconds, not minutes."""
UNLIMITED_AFTER = 4.0
"""With no ceiling, the limit is dropped once the rate is this many times the last accepted rate."""


class RequestBudget:
    """When the next request may be sent; thread-safe, one per account and process."""

    def __init__(
        self,
        ceiling: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if ceiling is not None and not (ceiling > 0 and math.isfinite(ceiling)):
            raise ValueError(f"a request budget needs a positive rate, not {ceiling!r}")
        self.ceiling = ceiling
        self.rate = ceiling  # requests per second now; None: no limit
        self.throttled = 0  # 429s seen
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = -math.inf
        self._paused_until = -math.inf
        self._last_cut = -math.inf
        self._accepted_rate_at_cut = 0.0
        self._grown_at = clock()
        self._answered: deque[float] = deque()  # when answers other than 429 came, the last second's
        self._refused: deque[float] = deque()  # when 429s came, the last second's

    def wait_turn(self, deadline: float = math.inf) -> None:
        """Block until this request may go (not past ``deadline``: then it goes at once)."""
        with self._lock:
            now = self._clock()
            self._grow(now)
            start = max(now, self._paused_until)
            if self.rate is not None:
                # A token bucket as "generic cell rate": each request books the next 1/rate
                # seconds, and may go early by the burst it is allowed.
                booked = max(self._next_slot, now)
                burst = max(1.0, BURST_SECONDS * self.rate)
                start = max(start, booked - (burst - 1.0) / self.rate)
                self._next_slot = max(booked, start) + 1.0 / self.rate
            start = min(start, max(deadline, now))
        if start > now:
            self._sleep(start - now)

    def answered(self) -> None:
        """The cloud answered (anything but 429): the request counted against its limit."""
        with self._lock:
            now = self._clock()
            self._answered.append(now)
            self._forget_before(now - 1.0)

    def refused(self, retry_after: float | None) -> None:
        """The cloud answered 429: pause every request; slow down if 429s keep coming."""
        with self._lock:
            now = self._clock()
            self.throttled += 1
            self._paused_until = max(self._paused_until, now + (retry_after if retry_after else DEFAULT_PAUSE))
            self._refused.append(now)
            self._forget_before(now - 1.0)
            # A lone 429 only pauses; requests sent together come back 429 together: one cut for all.
            if len(self._refused) < 2 or now - self._last_cut < 1.0:
                return
            self._last_cut = now
            accepted = float(len(self._answered))
            self._accepted_rate_at_cut = accepted
            cut = max(MIN_RATE, SHARE_KEPT * accepted)
            self.rate = cut if self.rate is None else max(MIN_RATE, min(self.rate * SHARE_KEPT, cut))
            self._grown_at = now

    def _grow(self, now: float) -> None:
        if self.rate is None:
            return
        elapsed = now - self._grown_at
        if elapsed < 1.0:
            return
        self._grown_at = now
        grown = self.rate + max(self.rate * GROWTH_PER_SECOND, MIN_GROWTH_PER_SECOND) * elapsed
        if self.ceiling is not None:
            self.rate = min(grown, self.ceiling)
        elif grown >= UNLIMITED_AFTER * max(self._accepted_rate_at_cut, MIN_RATE):
            self.rate = None
        else:
            self.rate = grown

    def _forget_before(self, moment: float) -> None:
        for times in (self._answered, self._refused):
            while times and times[0] < moment:
                times.popleft()
