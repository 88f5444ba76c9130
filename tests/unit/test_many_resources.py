"""A program of thousands of resources registers without the SDK serializer's recursion cliff.

``pulumi.dynamic.serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` once more for
every dynamic resource and never restores it (see ``pulumi_scpvs.provider._sdk_defects``):
without the workaround the ~970th resource of a program fails with ``RecursionError``.
In-process, with the SDK's mocks: no engine.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

import pulumi
import pytest

import pulumi_scpvs as scpvs
from pulumi_scpvs.provider._keys import PROVIDER_KEY

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
