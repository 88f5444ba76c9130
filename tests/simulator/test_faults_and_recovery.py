"""Providers against a fault-injecting simulator: no duplicates, no leaks, clear errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_scpvs import AuthenticationError, ResourceFailedError, ScpError, WaitTimeoutError
from pulumi_scpvs.provider import PROVIDER_RETRY, ScpProvider, _engine
from pulumi_scpvs.provider._clients import ClientPool
from pulumi_scpvs.provider._keys import RESOURCE_NAME_KEY, STACK_IDENTITY_KEY
from pulumi_scpvs.resources import KeypairProvider, VolumeProvider
from pulumi_scpvs.scp._signing import sign

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator, start_simulator


@pytest.fixture
def slow_simulator() -> Iterator[RunningSimulator]:
    running = start_simulator(transition_seconds=0.2)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider's retry rules with back-off in hundredths of a second: the same
    decisions (tests/unit/test_retry.py has them as tables), without sleeping through them."""
    quick = dataclasses.replace(PROVIDER_RETRY, base_delay=0.01, max_delay=0.05)
    monkeypatch.setattr(_engine, "CLIENTS", ClientPool(quick))


def provider(cls: type[ScpProvider], simulator: RunningSimulator) -> Any:
    instance = cls()
    raw = {"scpvs:endpoint": simulator.url, "scpvs:accessKey": ACCESS_KEY, "scpvs:secretKey": SECRET_KEY}
    instance.configure(ConfigureRequest(Config(raw_config=raw, project_name="p")))
    return instance


def faults(simulator: RunningSimulator, **settings: Any) -> dict[str, Any]:
    return httpx.post(f"{simulator.url}/_admin/faults", json=settings).json()  # type: ignore[no-any-return]


def volume_inputs(volumes: Any, name: str = "data", **extra: Any) -> dict[str, Any]:
    return volumes.check({}, {RESOURCE_NAME_KEY: f"p/s/{name}", "name": name, "size": 8, **extra}).inputs  # type: ignore[no-any-return]


@pytest.mark.parametrize("fault", ["drop_rate", "late_error_rate"])
def test_a_create_whose_answer_is_lost_adopts_what_it_made(slow_simulator: RunningSimulator, fault: str) -> None:
    """An autoname derived from the stack identity proves the object this create made."""
    volumes = provider(VolumeProvider, slow_simulator)
    inputs = volumes.check({}, {RESOURCE_NAME_KEY: "p/s/data", STACK_IDENTITY_KEY: "stack-a", "size": 8}).inputs
    faults(slow_simulator, **{fault: 1.0})  # every mutating request: committed, then the answer is lost
    created = volumes.create(inputs)
    report = faults(slow_simulator)
    listed = slow_simulator.client().volumes.list_volumes().volumes
    assert [v.id for v in listed] == [created.id], "exactly one volume, and it is the one Pulumi records"
    assert created.outs["state"] == "available"
    assert report["injected"] == {}  # the report was reset by the second POST; the first did inject


@pytest.mark.parametrize("fault", ["drop_rate", "late_error_rate"])
def test_a_lost_answer_for_an_explicit_name_stops_and_names_the_object(
    slow_simulator: RunningSimulator, fault: str
) -> None:
    """An explicit name proves nothing: the object is named with its adopt_id, and nothing more is made."""
    volumes = provider(VolumeProvider, slow_simulator)
    faults(slow_simulator, **{fault: 1.0})
    with pytest.raises(ScpError, match="cannot prove it made, so nothing was created") as stopped:
        volumes.create(volume_inputs(volumes))
    faults(slow_simulator)
    (made,) = slow_simulator.client().volumes.list_volumes().volumes
    assert f'adopt_id="{made.id}"' in str(stopped.value)
    adopted = volumes.create(volume_inputs(volumes, adopt_id=made.id))
    assert adopted.id == made.id and len(slow_simulator.client().volumes.list_volumes().volumes) == 1


def test_errors_before_the_commit_are_retried_without_duplicates(slow_simulator: RunningSimulator) -> None:
    keypairs = provider(KeypairProvider, slow_simulator)
    faults(slow_simulator, error_rate=0.5, seed=7)
    names = [f"k{i}" for i in range(6)]
    for name in names:
        keypairs.create(keypairs.check({}, {RESOURCE_NAME_KEY: f"p/s/{name}", "name": name}).inputs)
    injected = faults(slow_simulator)["injected"]
    assert [k.name for k in slow_simulator.client().keypairs.list_keypairs().keypairs] == sorted(names)
    assert injected == {} or injected.get("error_before", 0) > 0


def test_a_failed_create_is_deleted_and_the_error_names_it(slow_simulator: RunningSimulator) -> None:
    volumes = provider(VolumeProvider, slow_simulator)
    faults(slow_simulator, fail_rate=1.0)
    expected = r"Volume [0-9a-f-]{36} reached the failure state error; deleted Volume"
    with pytest.raises(ResourceFailedError, match=expected):
        volumes.create(volume_inputs(volumes))
    faults(slow_simulator)
    assert slow_simulator.client().volumes.list_volumes().volumes == []


def test_keep_failed_keeps_the_object_for_inspection(slow_simulator: RunningSimulator) -> None:
    volumes = provider(VolumeProvider, slow_simulator)
    faults(slow_simulator, fail_rate=1.0)
    with pytest.raises(ResourceFailedError, match="kept it for inspection"):
        volumes.create(volume_inputs(volumes, keep_failed=True))
    faults(slow_simulator)
    assert [v.state for v in slow_simulator.client().volumes.list_volumes().volumes] == ["error"]


def test_a_create_that_never_completes_times_out_and_says_what_is_left(slow_simulator: RunningSimulator) -> None:
    volumes = provider(VolumeProvider, slow_simulator)
    faults(slow_simulator, stall_rate=1.0)
    expected = r"timed out waiting for Volume .* last state creating; could not delete"
    with pytest.raises(WaitTimeoutError, match=expected):
        volumes.create(volume_inputs(volumes, timeouts={"create": "1s", "delete": "1s"}))


def test_adopting_an_existing_object(slow_simulator: RunningSimulator) -> None:
    client = slow_simulator.client()
    existing = client.volumes.create_volume({"name": "legacy", "size": 16})
    volumes = provider(VolumeProvider, slow_simulator)
    adopted = volumes.create(volume_inputs(volumes, name="legacy-renamed", adopt_id=existing.id, size=24))
    assert adopted.id == existing.id
    live = client.volumes.show_volume(existing.id)
    assert (live.name, live.size) == ("legacy-renamed", 24), "in-place fields converge on adoption"
    assert len(client.volumes.list_volumes().volumes) == 1
    mismatch = volume_inputs(volumes, name="legacy-renamed", adopt_id=existing.id, size=24, volume_type="HDD")
    with pytest.raises(Exception, match="volume_type is 'SSD' where the program says 'HDD'"):
        volumes.create(mismatch)
    failures = volumes.check({}, {RESOURCE_NAME_KEY: "p/s/x", "size": 8, "adopt_id": existing.id}).failures
    assert [f.property for f in failures] == ["name"]


def test_auth_and_clock_errors_say_what_to_fix(simulator: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = simulator.client()
    object.__setattr__(wrong.config, "secret_key", "wrong")
    expected = r"signature does not match.*check scpvs:accessKey and scpvs:secretKey"
    with pytest.raises(AuthenticationError, match=expected):
        wrong.keypairs.list_keypairs()
    unknown = simulator.client()
    object.__setattr__(unknown.config, "access_key", "nobody")
    with pytest.raises(AuthenticationError, match="access key is not known"):
        unknown.keypairs.list_keypairs()
    monkeypatch.setattr("pulumi_scpvs.scp._signing.timestamp_now", lambda: "1000000000000")
    with pytest.raises(AuthenticationError, match=r"away from the server clock.*clock is right"):
        simulator.client().keypairs.list_keypairs()


def test_secrets_never_reach_error_messages(simulator: RunningSimulator) -> None:
    client = simulator.client()
    object.__setattr__(client.config, "access_key", "nobody")
    with pytest.raises(AuthenticationError) as error:
        client.keypairs.list_keypairs()
    signature = sign(SECRET_KEY, "GET", f"{simulator.url}/v1/keypairs", "0", "nobody")
    assert SECRET_KEY not in str(error.value) and signature not in str(error.value)
