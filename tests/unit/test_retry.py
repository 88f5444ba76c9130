"""The retry rules of one request, as tables: no HTTP, no clock, no sleeping."""

from __future__ import annotations

import logging

import httpx
import pytest

from pulumi_scpvs.provider import PROVIDER_RETRY
from pulumi_scpvs.scp._retry import Retry, RetryPolicy, RetryState

POLICY = RetryPolicy(attempts=3, throttled_attempts=4, base_delay=0.5, max_delay=20.0, conflict_window=60.0)
URL = "https://virtualserver.kr-west1.s.samsungsdscloud.com/v1/servers"


def state(method: str = "GET", policy: RetryPolicy = POLICY, deadline: float = 1_000.0) -> RetryState:
    return RetryState(policy, method, URL, started=0.0, deadline=deadline)


@pytest.mark.parametrize(
    ("method", "error", "again"),
    [
        ("GET", httpx.ReadTimeout("t"), True),
        ("DELETE", httpx.RemoteProtocolError("closed"), True),
        ("PUT", httpx.ReadError("reset"), True),
        ("POST", httpx.ReadTimeout("t"), False),  # may have been committed: never sent twice
        ("POST", httpx.RemoteProtocolError("closed"), False),
        ("POST", httpx.ConnectError("refused"), True),  # never left this machine
        ("POST", httpx.PoolTimeout("pool"), True),
    ],
)
def test_a_lost_connection_is_retried_only_when_the_request_cannot_run_twice(
    method: str, error: httpx.TransportError, again: bool
) -> None:
    retry = state(method).after_transport_error(error)
    assert (retry is not None) == again
    if retry is not None:
        assert 0 <= retry.delay <= POLICY.base_delay and type(error).__name__ in retry.reason


@pytest.mark.parametrize(
    ("method", "status", "retry_after", "delay"),
    [
        ("GET", 503, None, (0.0, 0.5)),
        ("GET", 502, 5.0, (5.0, 5.0)),  # Retry-After asks for longer than the back-off
        ("PUT", 504, 120.0, (60.0, 60.0)),  # capped at max_retry_after
        ("POST", 503, None, None),  # may have been committed
        ("GET", 500, None, None),  # not a retried status of this policy
        ("GET", 400, None, None),
        ("GET", 404, None, None),
        ("DELETE", 401, None, None),
    ],
)
def test_an_error_answer_is_retried_by_its_status_and_method(
    method: str, status: int, retry_after: float | None, delay: tuple[float, float] | None
) -> None:
    retry = state(method).after_answer(status, "detail", retry_after, now=1.0)
    if delay is None:
        assert retry is None
    else:
        assert retry is not None and delay[0] <= retry.delay <= delay[1] and not retry.throttled


def test_the_provider_policy_also_retries_a_500_of_an_idempotent_request() -> None:
    assert state("GET", PROVIDER_RETRY).after_answer(500, "boom", None, now=1.0) is not None
    assert state("POST", PROVIDER_RETRY).after_answer(500, "boom", None, now=1.0) is None


def test_lost_connections_and_5xx_share_the_attempts() -> None:
    request = state("GET")
    assert request.after_transport_error(httpx.ReadTimeout("t")) is not None
    assert request.after_answer(503, "busy", None, now=1.0) is not None
    assert request.after_answer(503, "busy", None, now=2.0) is None  # 3 attempts in all


def test_429_repeats_any_method_through_the_budget_said_once_then_quietly() -> None:
    request = state("POST")
    retries = [request.after_answer(429, "slow down", 1.0, now=float(n)) for n in range(4)]
    assert [r.throttled for r in retries[:3] if r] == [True, True, True] and retries[3] is None
    assert [r.level for r in retries[:3] if r] == [logging.INFO, logging.DEBUG, logging.DEBUG]
    assert all(r.delay == 0.0 for r in retries[:3] if r), "the request budget paces it, not a sleep"
    assert request.attempt == 0, "429s do not use up the other retries"


def test_429_stops_at_the_operations_deadline() -> None:
    assert state("GET", deadline=10.0).after_answer(429, "slow down", None, now=10.0) is None


@pytest.mark.parametrize(
    ("detail", "now", "again"),
    [
        ("volume 8b1e is detaching", 1.0, True),
        ("server is in task state resize_prep", 59.0, True),
        ("volume 8b1e is detaching", 60.0, False),  # the window has closed
        ("a keypair named k already exists", 1.0, False),  # waiting cannot clear it
        ("image is protected", 1.0, False),
        ("volume is not attached to server s", 1.0, False),
    ],
)
def test_a_conflict_is_waited_out_only_when_it_may_clear_within_the_window(
    detail: str, now: float, again: bool
) -> None:
    retry = state("POST").after_answer(409, detail, None, now=now)
    assert (retry is not None) == again
    if retry is not None:
        assert 0.5 <= retry.delay <= (0.5 + 0.1 * now) * 1.2 and detail in retry.reason


def test_conflicts_use_neither_count_and_are_said_once() -> None:
    request = state("DELETE")
    retries = [request.after_answer(409, "is detaching", None, now=float(n)) for n in range(10)]
    assert all(isinstance(r, Retry) for r in retries)
    assert [r.level for r in retries if r][:2] == [logging.INFO, logging.DEBUG]
    assert (request.attempt, request.throttled) == (0, 0)


def test_a_plain_client_does_not_wait_out_conflicts() -> None:
    assert state("GET", RetryPolicy()).after_answer(409, "is detaching", None, now=0.0) is None


def test_the_conflict_window_ends_at_the_operations_deadline() -> None:
    assert state("GET", deadline=5.0).after_answer(409, "is detaching", None, now=5.0) is None
