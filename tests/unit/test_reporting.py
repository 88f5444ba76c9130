"""What a user reads: a failure's one message, a long wait's progress, a 409 wait said once."""

from __future__ import annotations

import dataclasses
import logging
import sys
import traceback
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from pulumi_scpvs.provider._engine import shown_name
from pulumi_scpvs.provider._keys import RESOURCE_NAME_KEY
from pulumi_scpvs.provider._reporting import DEBUG_ENV, UnexpectedError, reported
from pulumi_scpvs.scp import RetryPolicy, ScpClient
from pulumi_scpvs.scp._config import resolve_config
from pulumi_scpvs.scp._errors import NotFoundError, ResourceFailedError, ScpError, WaitTimeoutError
from pulumi_scpvs.scp._waiting import Waiter

from .test_waiting import FakeClock

CONFIG = resolve_config({"endpoint": "https://scp.test", "access_key": "a", "secret_key": "s"}, environ={})


class FailingProvider:
    """Stands in for an ``ScpProvider``: the decorator needs only ``spec.type_name``."""

    spec = SimpleNamespace(type_name="Volume")

    def __init__(self, error: Exception) -> None:
        self.error = error

    @reported("creating")  # type: ignore[type-var]
    def create(self, props: dict[str, Any]) -> None:
        try:
            raise NotFoundError(404, "volume v-1 not found", method="GET", url="https://scp.test/v1/volumes/v-1")
        except NotFoundError as cause:
            raise self.error from cause

    @reported("deleting")  # type: ignore[type-var]
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        raise self.error


def host_report(call: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """What the dynamic provider host sends the engine: ``traceback.format_exc()`` in the provider process."""
    monkeypatch.setattr(sys, "tracebacklimit", 0, raising=False)
    try:
        call()
    except Exception:
        return traceback.format_exc()
    raise AssertionError("the call did not fail")


def test_a_failure_is_one_sentence_with_the_object_the_state_and_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    failed = ResourceFailedError("Volume v-1 reached the failure state error", object_id="v-1", last_state="error")
    report = host_report(lambda: FailingProvider(failed).create({"name": "data-1"}), monkeypatch)
    assert report == (
        "pulumi_scpvs.scp.ResourceFailedError: creating Volume 'data-1' failed: Volume v-1 reached the failure "
        f"state error. What to do: {ResourceFailedError.advice}.\n"
    )


def test_an_api_error_names_the_request_and_a_timeout_suggests_more_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    refused = NotFoundError(404, "snapshot 's-1' not found", method="POST", url="https://scp.test/v1/volumes")
    report = host_report(lambda: FailingProvider(refused).delete("v-1", {}), monkeypatch)
    assert report.startswith(
        "pulumi_scpvs.scp.NotFoundError: deleting Volume v-1 failed: SCP answered 404 to POST "
        "https://scp.test/v1/volumes: snapshot 's-1' not found. What to do: check the ids among the inputs"
    )
    late = WaitTimeoutError(
        "timed out waiting for Volume v-1 to reach available; last state creating",
        object_id="v-1",
        last_state="creating",
    )
    assert 'timeouts={"create": "30m"}' in host_report(lambda: FailingProvider(late).delete("v-1", {}), monkeypatch)


def test_a_bug_says_it_is_one_and_how_to_get_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    report = host_report(lambda: FailingProvider(KeyError("size")).delete("v-1", {}), monkeypatch)
    assert report == (
        f"{UnexpectedError.__module__}.UnexpectedError: deleting Volume v-1 failed: KeyError: 'size'. "
        f"What to do: {UnexpectedError.advice}.\n"
    )


def test_debug_keeps_the_traceback_and_the_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEBUG_ENV, "1")
    failed = ScpError("Volume v-1 vanished right after it was created")
    with pytest.raises(ScpError) as raised:
        FailingProvider(failed).create({"name": "data-1"})
    assert isinstance(raised.value.__cause__, NotFoundError)
    assert str(raised.value).startswith("creating Volume 'data-1' failed: Volume v-1 vanished")
    with pytest.raises(KeyError):
        FailingProvider(KeyError("size")).delete("v-1", {})


def waiter(states: list[str], clock: FakeClock, seconds_each: float) -> Waiter[str]:
    def read() -> str:
        return states[min(int(clock.now // seconds_each), len(states) - 1)]

    return Waiter(
        read=read, state_of=lambda s: s, description="Server", object_id="s-1", sleep=clock.sleep, clock=clock
    )


def test_a_long_wait_reports_changes_and_a_line_every_twenty_seconds(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pulumi_scpvs.scp._waiting")
    clock = FakeClock()
    waiter(["BUILD", "BUILD", "BUILD", "NETWORKING", "ACTIVE"], clock, 15).until(("ACTIVE",), deadline=1000)
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 4, lines
    assert lines[0].startswith("Server s-1: still BUILD after 1")
    assert lines[1].startswith("Server s-1: still BUILD after 3")
    assert lines[2].startswith("Server s-1: BUILD → NETWORKING after 4")
    assert lines[3].startswith("Server s-1: NETWORKING → ACTIVE after 6")


def test_progress_names_the_resource_as_the_program_does(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pulumi_scpvs.scp._waiting")
    clock = FakeClock()
    named = dataclasses.replace(waiter(["BUILD", "BUILD", "ACTIVE"], clock, 15), name="web")
    named.until(("ACTIVE",), deadline=1000)
    assert [record.getMessage().split(" after")[0] for record in caplog.records] == [
        "Server web (s-1): still BUILD",
        "Server web (s-1): BUILD → ACTIVE",
    ]
    assert shown_name({RESOURCE_NAME_KEY: "proj/dev/web", "name": "web-abc1234"}) == "web"
    assert shown_name({"name": "web-abc1234"}) == "web-abc1234"  # a delete: the outputs alone


def test_a_short_wait_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_scpvs.scp._waiting")
    clock = FakeClock()
    waiter(["BUILD", "ACTIVE"], clock, 5).until(("ACTIVE",), deadline=1000)
    assert caplog.records == []


def test_waiting_out_409s_is_said_once_per_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pulumi_scpvs.scp")
    busy = httpx.Response(409, json={"errors": [{"status": 409, "detail": "volume v is detaching"}]})
    created = httpx.Response(
        202, json={"id": "s", "name": "n", "size": 8, "status": "creating", "volume_id": "v", "created_at": "t"}
    )
    answers = iter([busy] * 3 + [created])
    client = ScpClient(
        CONFIG,
        transport=httpx.MockTransport(lambda r: next(answers)),
        retry=RetryPolicy(conflict_window=60),
        sleep=lambda _: None,
    )
    client.snapshots.create_snapshot({"name": "n", "volume_id": "v"})
    lines = [record.getMessage() for record in caplog.records if record.levelno >= logging.INFO]
    assert len(lines) == 1 and "after 409 on POST" in lines[0] and "(volume v is detaching)" in lines[0], lines
