"""The poller, on a fake clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_scpvs import ResourceFailedError, ServerError, WaitTimeoutError
from pulumi_scpvs.scp._errors import NotFoundError, RateLimitedError
from pulumi_scpvs.scp._waiting import PollSchedule, Waiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def reader(states: list[object]) -> Iterator[object]:
    yield from states
    while True:
        yield states[-1]


def make(states: list[object], clock: FakeClock) -> Waiter[str]:
    sequence = reader(states)

    def read() -> str | None:
        value = next(sequence)
        if isinstance(value, Exception):
            raise value
        return value  # type: ignore[return-value]

    return Waiter(
        read=read, state_of=lambda s: s, description="server", object_id="s-1", sleep=clock.sleep, clock=clock
    )


def test_reaches_target_with_backoff_that_starts_fast_and_is_capped() -> None:
    clock = FakeClock()
    result = make(["BUILD"] * 60 + ["ACTIVE"], clock).until(("ACTIVE",), deadline=1000)
    assert result == "ACTIVE"
    assert clock.sleeps[0] == 0.5
    assert max(clock.sleeps) == 10.0
    assert clock.sleeps == sorted(clock.sleeps)


@pytest.mark.parametrize("duration", [0.2, 1, 5, 17, 60, 300, 1800])
def test_detection_lag_is_at_most_half_a_second_plus_a_tenth_of_the_duration(duration: float) -> None:
    clock = FakeClock()
    waiter = Waiter(
        read=lambda: "ACTIVE" if clock.now >= duration else "BUILD",
        state_of=lambda s: s,
        description="server",
        object_id="s-1",
        sleep=clock.sleep,
        clock=clock,
    )
    assert waiter.until(("ACTIVE",), deadline=10_000) == "ACTIVE"
    lag = clock.now - duration
    assert 0 <= lag <= 0.5 + 0.1 * duration
    assert max(clock.sleeps) <= 10.0


def test_retry_after_is_honoured_between_looks() -> None:
    clock = FakeClock()
    limited = RateLimitedError(429, "slow down", method="GET", url="u", retry_after=7)
    assert make(["BUILD", limited, "ACTIVE"], clock).until(("ACTIVE",), deadline=100) == "ACTIVE"
    assert clock.sleeps[0] == 0.5
    assert clock.sleeps[1] >= 7


def test_failure_state_raises_with_id_and_state() -> None:
    with pytest.raises(ResourceFailedError) as error:
        make(["BUILD", "ERROR"], FakeClock()).until(("ACTIVE",), deadline=100, failures=("ERROR",))
    assert error.value.object_id == "s-1" and error.value.last_state == "ERROR"
    assert "s-1" in str(error.value) and "ERROR" in str(error.value)


def test_deadline_raises_timeout_with_last_state() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError, match="last state BUILD") as error:
        make(["BUILD"], clock).until(("ACTIVE",), deadline=30)
    assert clock.now <= 30
    assert error.value.last_state == "BUILD"


def test_gone_is_success_for_deletes_and_failure_otherwise() -> None:
    not_found = NotFoundError(404, "gone", method="GET", url="u")
    assert make(["DELETING", not_found], FakeClock()).until_gone(deadline=100) is None
    with pytest.raises(ResourceFailedError, match="disappeared"):
        make(["BUILD", None], FakeClock()).until(("ACTIVE",), deadline=100)


def test_a_few_transient_errors_are_tolerated_but_not_many() -> None:
    flaky = ServerError(503, "busy", method="GET", url="u")
    assert make([flaky, flaky, "ACTIVE"], FakeClock()).until(("ACTIVE",), deadline=100) == "ACTIVE"
    waiter = make([flaky] * 10, FakeClock())
    with pytest.raises(ServerError):
        waiter.until(("ACTIVE",), deadline=1000)


def test_schedule_intervals() -> None:
    schedule = PollSchedule(first=0.5, fraction=0.1, cap=3)
    assert [schedule.interval(waited) for waited in (0, 10, 20, 25, 100)] == [0.5, 1.5, 2.5, 3, 3]


def test_the_last_look_is_at_the_deadline() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError):
        make(["BUILD"], clock).until(("ACTIVE",), deadline=30)
    assert clock.now == 30
