"""``error_delay``: an injected error held before it is answered, while other clients go on.

The engine tests use it to order a race: one stack's create is held (it will fail, having
done nothing) while another stack creates the same name.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from pulumi_scpvs.scp._errors import ServerError

from ..conftest import RunningSimulator
from .test_faults_and_recovery import faults


def wait_for(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_a_held_error_lets_another_client_act_and_is_answered_on_release(simulator: RunningSimulator) -> None:
    faults(simulator, error_rate=1.0, match="^POST /v1/keypairs$", error_delay=30)
    outcome: dict[str, Any] = {}

    def held_create() -> None:
        started = time.monotonic()
        try:
            simulator.client().keypairs.create_keypair({"name": "first"})
        except ServerError as error:
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=held_create)
    thread.start()
    report = wait_for(lambda: (r := httpx.get(f"{simulator.url}/_admin/faults").json())["injected"] and r)
    assert report["injected"] == {"error_before": 1}
    assert report["settings"]["error_delay"] == 30 and report["holding"] == 1
    # No more faults: the held request keeps its delay, the others are not faulted.
    assert faults(simulator)["holding"] == 1
    simulator.client().keypairs.create_keypair({"name": "second"})  # served while the first is held
    assert thread.is_alive()
    assert httpx.post(f"{simulator.url}/_admin/faults/release").json() == {"released": 1}
    thread.join(timeout=10)
    assert not thread.is_alive() and outcome["seconds"] < 20
    assert isinstance(outcome.get("error"), ServerError) and outcome["error"].status in (500, 502, 503, 504)
    assert [k.name for k in simulator.client().keypairs.list_keypairs().keypairs] == ["second"]
    assert httpx.get(f"{simulator.url}/_admin/faults").json()["holding"] == 0


def test_a_held_error_is_answered_after_its_delay(simulator: RunningSimulator) -> None:
    faults(simulator, error_rate=1.0, match="^POST /v1/keypairs$", error_delay=0.5)
    started = time.monotonic()
    with pytest.raises(ServerError):
        simulator.client().keypairs.create_keypair({"name": "late"})
    assert time.monotonic() - started >= 0.5
    faults(simulator)
    assert simulator.client().keypairs.list_keypairs().keypairs == []
