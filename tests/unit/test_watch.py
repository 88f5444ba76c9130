"""Shared looks: many waiters, one listing per round; a missing object is read on its own."""

from __future__ import annotations

import threading
import time
from typing import Any

from pulumi_scpvs.scp._waiting import PollSchedule, Waiter
from pulumi_scpvs.scp._watch import MISSING, ListWatch


class Cloud:
    """Objects that turn ACTIVE at given moments; counts list and show requests."""

    def __init__(self, ready_at: dict[str, float]) -> None:
        self.ready_at = ready_at
        self.started = time.monotonic()
        self.lists = 0
        self.shows = 0
        self.shown: set[str] = set()
        self.lock = threading.Lock()

    def state(self, object_id: str) -> str:
        return "ACTIVE" if time.monotonic() - self.started >= self.ready_at[object_id] else "BUILD"

    def list(self) -> list[dict[str, Any]]:
        with self.lock:
            self.lists += 1
        time.sleep(0.01)
        return [{"id": i, "state": self.state(i)} for i in self.ready_at]

    def show(self, object_id: str) -> dict[str, Any]:
        with self.lock:
            self.shows += 1
            self.shown.add(object_id)
        return {"id": object_id, "state": self.state(object_id)}


def wait_all(cloud: Cloud, watch: ListWatch | None, ids: list[str]) -> dict[str, float]:
    seen: dict[str, float] = {}
    schedule = PollSchedule(first=0.1, fraction=0.1)

    def wait(object_id: str) -> None:
        waiter = Waiter(
            read=lambda: cloud.show(object_id),
            state_of=lambda item: item["state"],
            description="server",
            object_id=object_id,
            schedule=schedule,
            watch=watch,
        )
        waiter.until(("ACTIVE",), deadline=time.monotonic() + 30)
        seen[object_id] = time.monotonic() - cloud.started

    threads = [threading.Thread(target=wait, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return seen


def test_waiters_of_a_kind_share_listings_and_still_see_changes_soon() -> None:
    ids = [f"s-{n}" for n in range(24)]
    cloud = Cloud({i: 0.6 + 0.02 * n for n, i in enumerate(ids)})
    watch = ListWatch(cloud.list, id_of=lambda item: item["id"])
    seen = wait_all(cloud, watch, ids)
    assert sorted(seen) == sorted(ids)
    alone = Cloud(dict(cloud.ready_at))
    wait_all(alone, None, ids)
    # Each waiter alone polls about seven times; together they share a listing per round
    # (the first waiter or two may look alone, before the others have joined).
    assert (cloud.lists + cloud.shows) * 4 < alone.shows, (cloud.lists, cloud.shows, alone.shows)
    for object_id, moment in seen.items():
        lag = moment - cloud.ready_at[object_id]
        assert 0 <= lag <= 0.1 + 0.1 * moment + 0.2, (object_id, lag)  # the schedule's bound, plus slack


def test_a_lone_waiter_shows_instead_of_listing_the_whole_kind() -> None:
    cloud = Cloud({"s-1": 0.3, "other-1": 0, "other-2": 0})
    watch = ListWatch(cloud.list, id_of=lambda item: item["id"])
    wait_all(cloud, watch, ["s-1"])
    assert cloud.lists == 0 and cloud.shows >= 2


def test_an_object_the_listing_lacks_is_read_on_its_own() -> None:
    ids = [f"s-{n}" for n in range(6)]
    cloud = Cloud(dict.fromkeys(ids, 0.4))
    watch = ListWatch(lambda: [item for item in cloud.list() if item["id"] != "s-5"], id_of=lambda item: item["id"])
    seen = wait_all(cloud, watch, ids)
    assert sorted(seen) == ids
    assert cloud.lists >= 1 and "s-5" in cloud.shown


def test_look_accepts_a_listing_started_up_to_early_before_due_and_no_older() -> None:
    listings: list[float] = []

    def fetch() -> list[dict[str, str]]:
        listings.append(time.monotonic())
        return [{"id": "a"}]

    watch = ListWatch(fetch, id_of=lambda item: item["id"])
    for object_id in ("a", "b", "c"):
        watch.join(object_id)
    now = time.monotonic()
    assert watch.look("a", due=now, early=0) == {"id": "a"}
    assert watch.look("b", due=time.monotonic() + 0.05, early=1.0) is MISSING  # the same listing
    assert len(listings) == 1
    started = time.monotonic()
    assert watch.look("a", due=started + 0.1, early=0.01) == {"id": "a"}  # too old: waits until due, lists
    assert len(listings) == 2 and listings[1] >= started + 0.1


def test_a_failed_listing_falls_back_to_showing_the_object() -> None:
    from pulumi_scpvs.scp._errors import BadRequestError

    ids = [f"s-{n}" for n in range(4)]
    cloud = Cloud(dict.fromkeys(ids, 0.3))

    def listing() -> list[dict[str, Any]]:
        cloud.list()
        # As when the marker of the next page was deleted meanwhile (a destroy in progress).
        raise BadRequestError(400, "marker 's-2' not found", method="GET", url="/v1/servers?marker=s-2")

    seen = wait_all(cloud, ListWatch(listing, id_of=lambda item: item["id"]), ids)
    assert sorted(seen) == ids
    assert cloud.lists >= 1 and cloud.shown == set(ids)
