"""The request budget: spacing, pausing on 429, slowing down and growing back (a fake clock)."""

from __future__ import annotations

import pytest

from pulumi_scpvs.scp._budget import RequestBudget


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))


def budget(ceiling: float | None = None) -> tuple[RequestBudget, FakeTime]:
    time = FakeTime()
    return RequestBudget(ceiling, clock=time.clock, sleep=time.sleep), time


def test_no_ceiling_and_no_429_sends_at_once() -> None:
    limiter, time = budget()
    for _ in range(50):
        limiter.wait_turn()
    assert time.slept == [] and limiter.rate is None


def test_a_ceiling_lets_half_a_second_s_worth_go_at_once_then_spaces_requests() -> None:
    limiter, time = budget(8)
    for _ in range(7):
        limiter.wait_turn()  # seven threads asking at the same moment
    assert time.slept == [0.125, 0.25, 0.375]  # four at once, then one every 1/8 s
    time.now += 10  # a quiet moment fills the bucket again, never beyond its burst
    time.slept.clear()
    for _ in range(5):
        limiter.wait_turn()
    assert time.slept == [0.125]


def test_a_429_pauses_everyone_and_sets_the_rate_under_what_was_accepted() -> None:
    limiter, time = budget()
    for _ in range(20):
        limiter.wait_turn()
        limiter.answered()
    for _ in range(12):  # a burst answered 429 together: one cut, not twelve
        limiter.refused(retry_after=2.0)
    assert limiter.rate == pytest.approx(18.0)
    assert limiter.throttled == 12
    for _ in range(10):
        limiter.wait_turn()
    assert time.slept[:9] == [2.0] * 9  # the burst: half a second's worth (9), after the pause
    assert time.slept[9] == pytest.approx(2.0 + 1 / 18, abs=1e-3)


def test_a_lone_429_pauses_without_slowing_down() -> None:
    limiter, time = budget()
    for _ in range(3):
        limiter.answered()
    limiter.refused(retry_after=0.5)
    assert limiter.rate is None
    limiter.wait_turn()
    assert time.slept == [0.5]
    time.now += 5
    limiter.refused(retry_after=0.5)  # another, but not within the same second
    assert limiter.rate is None


def test_a_429_without_retry_after_pauses_a_second() -> None:
    limiter, time = budget()
    limiter.refused(retry_after=None)
    limiter.wait_turn()
    assert time.slept == [1.0]


def test_the_rate_grows_back_to_the_ceiling_and_never_past_it() -> None:
    limiter, time = budget(20)
    for _ in range(10):
        limiter.answered()
    limiter.refused(retry_after=0.1)
    limiter.refused(retry_after=0.1)
    assert limiter.rate == pytest.approx(9.0)  # 0.9 x the 10 accepted in the last second
    time.now += 10
    limiter.wait_turn()
    assert 9.0 < limiter.rate < 20.0
    time.now += 600
    limiter.wait_turn()
    assert limiter.rate == 20


def test_without_a_ceiling_the_limit_goes_away_once_far_above_what_was_accepted() -> None:
    limiter, time = budget()
    for _ in range(10):
        limiter.answered()
    limiter.refused(retry_after=0.1)
    limiter.refused(retry_after=0.1)
    assert limiter.rate is not None
    time.now += 3600
    limiter.wait_turn()
    assert limiter.rate is None


def test_a_deadline_caps_the_wait() -> None:
    limiter, time = budget()
    limiter.refused(retry_after=30)
    limiter.wait_turn(deadline=time.now + 5)
    assert time.slept == [5.0]


@pytest.mark.parametrize("ceiling", [0, -1, float("inf"), float("nan")])
def test_a_ceiling_must_be_a_positive_rate(ceiling: float) -> None:
    with pytest.raises(ValueError, match="positive rate"):
        RequestBudget(ceiling)
