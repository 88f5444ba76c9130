"""Each resource class registers as its own Pulumi type, aliased to the one type all had in 0.1.0."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

import pulumi_scpvs as scpvs
from pulumi_scpvs.provider import ScpResource
from pulumi_scpvs.provider._resource import SHARED_TYPE
from pulumi_scpvs.resources import KeypairProvider
from pulumi_scpvs.simulator import catalogue as cat


def resource_classes() -> list[type[ScpResource]]:
    """Every subclass of ScpResource the package defines (hand-written or generated)."""
    found: list[type[ScpResource]] = []
    pending = list(ScpResource.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending += cls.__subclasses__()
    return sorted((c for c in found if c.__module__.startswith("pulumi_scpvs.")), key=lambda c: c.__name__)


def test_every_resource_class_is_its_own_type() -> None:
    classes = resource_classes()
    assert scpvs.Server in classes and scpvs.VolumeAttachment in classes and len(classes) >= 19
    for cls in classes:
        assert cls._resource_type_name == f"dynamic/scpvs:{cls.__name__}", cls
    assert len({c._resource_type_name for c in classes}) == len(classes)


def test_a_new_subclass_takes_its_type_from_its_class_name() -> None:
    class Example(ScpResource):
        _provider_class = KeypairProvider

    class Renamed(ScpResource, name="Other"):
        _provider_class = KeypairProvider

    assert Example._resource_type_name == "dynamic/scpvs:Example"
    assert Renamed._resource_type_name == "dynamic/scpvs:Other"


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


class RecordingMonitor(MockMonitor):
    """The mock engine, keeping each registration request as the SDK sent it."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.requests: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.requests[request.name] = request
        return super().RegisterResource(request)


@pytest.fixture
def monitor() -> Iterator[RecordingMonitor]:
    recording = RecordingMonitor(Mocks())
    pulumi.runtime.set_mocks(Mocks(), project="proj", stack="dev", preview=False, monitor=recording)
    yield recording
    pulumi.runtime.settings.reset_options()


class Parent(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Parent", name)
        self.server = scpvs.Server(
            f"{name}-server",
            image_id=cat.IMAGE_UBUNTU,
            server_type_id="s1v1m2",
            keypair_name="k",
            networks=[{"subnet_id": cat.SUBNET_ID}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


def aliases(request: Any) -> list[dict[str, Any]]:
    """The alias specs sent (the engine computes the old URNs: an empty ``parentUrn`` without
    ``noParent`` means the resource's own parent)."""
    assert all(alias.HasField("spec") for alias in request.aliases)
    return [{field.name: value for field, value in alias.spec.ListFields()} for alias in request.aliases]


def test_registration_sends_the_own_type_and_the_alias_to_the_shared_one(monitor: RecordingMonitor) -> None:
    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        key = scpvs.Keypair("key", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old-key")]))
        parent = Parent("vm")
        return pulumi.Output.all(key.urn, parent.server.urn, parent.urn)

    program()
    key, server = monitor.requests["key"], monitor.requests["vm-server"]
    assert key.type == "pulumi-python:dynamic/scpvs:Keypair"
    # The alias to 0.1.0's type, merged with the program's own aliases (theirs kept).
    assert aliases(key) == [{"type": SHARED_TYPE, "parentUrn": ""}, {"name": "old-key", "parentUrn": ""}]
    assert "private_key" in key.additionalSecretOutputs
    # A component's child: the alias changes the type only, so it keeps the parent.
    assert server.type == "pulumi-python:dynamic/scpvs:Server"
    assert server.parent.endswith("$test:index:Parent::vm")
    assert aliases(server) == [{"type": SHARED_TYPE, "parentUrn": ""}]
    # No input names the kind any more: the type does.
    for request in (key, server):
        inputs = pulumi.runtime.rpc.deserialize_properties(request.object)
        assert "__kind" not in inputs
    assert monitor.requests["scpvs-stack-identity"].type == "pulumi-python:dynamic/scpvs:StackIdentity"
