"""A program of thousands of resources: no SDK cliff, no cost per output property, the same state.

``pulumi.dynamic.serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` once more for
every call and never restores it (see ``pulumi_scpvs.provider._sdk_defects``): a program that
called it per resource failed at its ~970th with ``RecursionError``. The SDK's final wait
costs its tracked outputs times its completions: a resource's property outputs are left to
its ``urn`` and ``id``. In-process, with the SDK's mocks: no engine.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime.settings import SETTINGS

import pulumi_scpvs as scpvs
from pulumi_scpvs.provider._keys import PROVIDER_KEY
from pulumi_scpvs.resources import VolumeProvider

from .test_resource_types import Mocks, RecordingMonitor

RESOURCES = 1200  # beyond the cliff (about 970 with the default recursion limit of 1000)


class ProviderRecorder(RecordingMonitor):
    """The mock engine, keeping the serialized provider each registration sent."""

    def provider(self, name: str) -> Any:
        inputs = pulumi.runtime.rpc.deserialize_properties(self.requests[name].object, keep_unknowns=True)
        return inputs.get(PROVIDER_KEY)


@pytest.fixture
def monitor() -> Any:
    recorder = ProviderRecorder(Mocks())
    pulumi.runtime.set_mocks(Mocks(), project="proj", stack="dev", preview=False, monitor=recorder)
    yield recorder
    pulumi.runtime.settings.reset_options()


def test_thousands_of_resources_serialize_at_a_constant_depth(monitor: ProviderRecorder) -> None:
    before = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    assert sys.getrecursionlimit() < RESOURCES, "not enough resources to reach the cliff"

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        volumes = [scpvs.Volume(f"v{i}", size=8) for i in range(RESOURCES)]
        return pulumi.Output.all(volumes[0].id, volumes[-1].id)

    program()
    assert pickle._Pickler._batch_setitems is before, "a resource left the pickler wrapped"  # type: ignore[attr-defined]
    first, last = monitor.provider("v0"), monitor.provider(f"v{RESOURCES - 1}")
    assert first and first == last, "the serialized provider changed along the way (a state diff)"


def test_the_provider_is_stored_as_the_sdk_itself_would_store_it(monitor: ProviderRecorder) -> None:
    """Serialized once per class, not per resource: the same bytes as ``pulumi.dynamic.Resource``
    gives for the same provider, so a state written either way shows no diff."""

    class Plain(pulumi.dynamic.Resource):
        def __init__(self, name: str) -> None:
            super().__init__(VolumeProvider(), name, {"size": 8})

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        ours, plain = scpvs.Volume("ours", size=8), Plain("plain")
        return pulumi.Output.all(ours.id, plain.id)

    program()
    assert monitor.provider("ours") == monitor.provider("plain")
    assert isinstance(monitor.provider("ours"), str), "the provider holds no secret: it is stored in plain"


def test_property_outputs_resolve_but_only_urn_and_id_are_awaited_at_the_end(monitor: ProviderRecorder) -> None:
    tracked: list[int] = []
    seen: list[Any] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        before = len(SETTINGS.outputs)
        volumes = [scpvs.Volume(f"v{i}", size=8) for i in range(20)]
        tracked.append(len(SETTINGS.outputs) - before)
        return pulumi.Output.all(*(v.size for v in volumes)).apply(seen.extend)

    program()
    assert tracked and tracked[0] <= 20 * 5, f"{tracked[0]} outputs tracked for 20 volumes (~29 each before)"
    assert seen == [8] * 20, f"the untracked property outputs did not resolve: {seen}"


def test_a_resource_is_declared_at_the_programs_line(monitor: ProviderRecorder) -> None:
    """The stack trace the SDK records (and Pulumi shows) starts in the program, not in this package."""

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        volume = scpvs.Volume("placed", size=8)
        return volume.id

    program()
    position = monitor.requests["placed"].sourcePosition
    assert Path(position.uri.removeprefix("project://")).name == Path(__file__).name, position
