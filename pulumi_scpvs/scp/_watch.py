"""Shared looks at objects of one kind: one list request serves every wait of a process.

A provider process deploying a hundred servers waits for a hundred of them at once; a
show per server per poll is what reaches a cloud's rate limit first. A
:class:`ListWatch` (one per list operation and client, see :meth:`ScpClient.watch`)
answers a waiter's look from a listing of every object of the kind instead, fetched by
whichever waiter needs it first and shared with every waiter whose look is due soon:

* a waiter asks for a look *due* at a moment, and accepts any listing that started up
  to ``early`` seconds before it (``Waiter`` passes its whole poll interval: any listing
  started since its last look), so the waits of a kind share about one request per
  interval, and no look comes later than it would alone: the detection lag stays within
  the poll schedule's bound;
* while one listing is in flight, waiters that can use it wait for it rather than send
  their own;
* an object the listing does not hold, or a watch with too few waiters to pay for its
  pages (a listing costs a request per page; a show costs one), is read on its own:
  a list cannot tell a deleted object from one it has not caught up with.

Listings ask for pages of :data:`PAGE_SIZE` items; the API document sets no maximum.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

PAGE_SIZE = 100


@dataclass(frozen=True)
class Listing:
    """What one list request (all of its pages) saw, keyed by object id."""

    started: float
    items: dict[str, Any]
    pages: int


class Missing:
    """A listing did not hold the object (read it on its own)."""


MISSING = Missing()


class ListWatch:
    """Looks at the objects of one list, shared by every waiter of a process."""

    def __init__(
        self,
        fetch: Callable[[], Iterable[Any]],
        id_of: Callable[[Any], str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._id_of = id_of
        self._clock = clock
        self._condition = threading.Condition()
        self._waiters: dict[str, int] = {}
        self._latest: Listing | None = None
        self._fetch_started: float | None = None  # when the listing in flight started

    def join(self, object_id: str) -> None:
        """A wait for ``object_id`` begins (the watch shares listings among its waiters)."""
        with self._condition:
            self._waiters[object_id] = self._waiters.get(object_id, 0) + 1

    def leave(self, object_id: str) -> None:
        with self._condition:
            left = self._waiters.get(object_id, 0) - 1
            if left > 0:
                self._waiters[object_id] = left
            else:
                self._waiters.pop(object_id, None)

    def worth_listing(self) -> bool:
        """Whether a listing costs fewer requests than a show per waiting object."""
        with self._condition:
            pages = self._latest.pages if self._latest is not None else 1
            return len(self._waiters) > max(1, pages)

    def look(self, object_id: str, due: float, early: float) -> Any:
        """The object as a listing started no earlier than ``due - early`` saw it, or
        :data:`MISSING`; blocks until such a listing exists, fetching it at ``due`` if
        no other waiter has by then."""
        not_before = due - early
        with self._condition:
            while True:
                latest = self._latest
                if latest is not None and latest.started >= not_before:
                    return latest.items.get(object_id, MISSING)
                now = self._clock()
                in_flight = self._fetch_started
                if in_flight is not None and (in_flight >= not_before or now >= due):
                    # Use the listing in flight, or (if it started too early) wait for it
                    # to end before starting the next one: one request at a time.
                    self._condition.wait()
                    continue
                if now < due:
                    self._condition.wait(timeout=due - now)
                    continue
                self._fetch_started = now
                break
        try:
            items, pages = self._list()
        finally:
            with self._condition:
                self._fetch_started = None
                self._condition.notify_all()
        with self._condition:
            listing = Listing(started=now, items=items, pages=pages)
            if self._latest is None or listing.started >= self._latest.started:
                self._latest = listing
            self._condition.notify_all()
            return listing.items.get(object_id, MISSING)

    def _list(self) -> tuple[dict[str, Any], int]:
        items: dict[str, Any] = {}
        for item in self._fetch():
            items[self._id_of(item)] = item
        return items, max(1, math.ceil(len(items) / PAGE_SIZE))
