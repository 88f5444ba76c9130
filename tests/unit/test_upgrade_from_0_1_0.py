"""Stacks deployed by 0.1.0 keep working: the providers pickled in their state still load, and
their state shows no difference.

The dynamic provider host pickles the provider object into each resource's ``__provider``
input and output. ``ScpProvider`` pickles nothing but its class, so what a state holds is
a *reference* (``pulumi_scpvs.resources.server.ServerProvider``), and the engine keeps the
old outputs, old ``__provider`` included, through every ``same`` step and uses them for
refresh and delete. Each class 0.1.0 referenced must therefore stay importable at its
0.1.0 path, for as long as such states exist: moving one breaks this test, not users' stacks.
"""

from __future__ import annotations

import ast
import base64
import importlib
from pathlib import Path

import dill
import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_scpvs.provider import ScpProvider
from pulumi_scpvs.provider._keys import INPUTS_KEY, PROVIDER_KEY, RESOURCE_NAME_KEY, STACK_IDENTITY_KEY, TARGET_KEY
from pulumi_scpvs.resources import KeypairProvider, ServerProvider
from pulumi_scpvs.simulator import catalogue as cat

from ..releases import RELEASE_0_1_0, source

# Every provider class a 0.1.0 state refers to (test_the_list_is_the_one_0_1_0_pickles
# recomputes it from the 0.1.0 source).
PROVIDERS_0_1_0 = (
    "pulumi_scpvs.provider._identity.StackIdentityProvider",
    "pulumi_scpvs.resources.auto_scaling_group.AutoScalingGroupProvider",
    "pulumi_scpvs.resources.auto_scaling_rules.AutoScalingGroupNotificationProvider",
    "pulumi_scpvs.resources.auto_scaling_rules.AutoScalingGroupPolicyProvider",
    "pulumi_scpvs.resources.auto_scaling_rules.AutoScalingGroupScheduleProvider",
    "pulumi_scpvs.resources.image.ImageMemberProvider",
    "pulumi_scpvs.resources.image.ImageProvider",
    "pulumi_scpvs.resources.image.ServerImageProvider",
    "pulumi_scpvs.resources.keypair.KeypairProvider",
    "pulumi_scpvs.resources.launch_configuration.LaunchConfigurationProvider",
    "pulumi_scpvs.resources.server.ServerProvider",
    "pulumi_scpvs.resources.server_group.ServerGroupProvider",
    "pulumi_scpvs.resources.server_interface.PrivateStaticNatProvider",
    "pulumi_scpvs.resources.server_interface.ServerInterfaceProvider",
    "pulumi_scpvs.resources.server_interface.StaticNatProvider",
    "pulumi_scpvs.resources.snapshot.SnapshotProvider",
    "pulumi_scpvs.resources.volume.VolumeProvider",
    "pulumi_scpvs.resources.volume_attachment.VolumeAttachmentProvider",
    "pulumi_scpvs.resources.volume_transfer.VolumeTransferAcceptanceProvider",
    "pulumi_scpvs.resources.volume_transfer.VolumeTransferProvider",
)


def pickled_providers(source: dict[str, str]) -> set[str]:
    """The classes whose instances ``source`` hands to ``pulumi.dynamic.Resource``, as ``module.Name``.

    That is each resource class's ``_provider_class = X``, and ``super().__init__(X(), ...)``
    (the stack identity's provider).
    """
    found = set()
    for path, text in source.items():
        module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        tree = ast.parse(text)
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
        names = set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "_provider_class" for t in node.targets)
                and isinstance(node.value, ast.Name)
            ):
                names.add(node.value.id)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "__init__"
                and node.args
                and isinstance(node.args[0], ast.Call)
                and isinstance(node.args[0].func, ast.Name)
            ):
                names.add(node.args[0].func.id)
        for name in names:
            assert name in defined, f"{path}: {name} is not defined there; resolve where it comes from"
            found.add(f"{module}.{name}")
    return found


def test_the_list_is_the_one_0_1_0_pickles() -> None:
    files = source(RELEASE_0_1_0)
    providers = pickled_providers(files)
    assert providers == set(PROVIDERS_0_1_0)
    # Every public provider class of 0.1.0's resources is among them (none missed by the rule above).
    for path, text in files.items():
        if path.startswith("pulumi_scpvs/resources/"):
            module = path.removesuffix(".py").replace("/", ".")
            for node in ast.parse(text).body:
                if isinstance(node, ast.ClassDef) and node.name.endswith("Provider") and not node.name.startswith("_"):
                    assert f"{module}.{node.name}" in providers


def reference_payload(path: str) -> bytes:
    """``__provider`` as 0.1.0 wrote it (base64-decoded): a reference to the class and an empty state.

    Pickle protocol 4: FRAME, the module and the name (each memoized), STACK_GLOBAL,
    NEWOBJ with no arguments, BUILD with ``{}`` (``ScpProvider.__getstate__``), STOP.
    """
    module, name = path.rsplit(".", 1)
    body = b""
    for text in (module, name):
        encoded = text.encode("utf-8")
        body += b"\x8c" + bytes([len(encoded)]) + encoded + b"\x94"
    body += b"\x93\x94)\x81\x94}\x94b."
    return b"\x80\x04\x95" + len(body).to_bytes(8, "little") + body


class ExampleProvider(ScpProvider):
    """Stands for any ScpProvider at a known path (this module)."""


def test_the_reference_payload_is_what_the_sdk_writes() -> None:
    written = base64.b64decode(serialize_provider(ExampleProvider()))
    assert written == reference_payload(f"{__name__}.ExampleProvider")


@pytest.mark.parametrize("path", PROVIDERS_0_1_0)
def test_a_provider_0_1_0_pickled_still_loads_from_its_path(path: str) -> None:
    module, name = path.rsplit(".", 1)
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        pytest.fail(
            f"{path} is referenced by the __provider of every such resource deployed by 0.1.0 and can no "
            f"longer be imported ({error}): keep a name there (a re-export) so those stacks can refresh and delete"
        )
    provider = dill.loads(reference_payload(path))
    assert type(provider) is cls and isinstance(provider, ResourceProvider)
    if issubclass(cls, ScpProvider):
        # The same kind of resource, not merely some provider.
        assert cls.spec.type_name == name.removesuffix("Provider")


def configured(provider_class: type[ScpProvider], tmp_path: Path) -> ScpProvider:
    provider = provider_class()
    raw = {"scpvs:endpoint": f"embedded:{tmp_path / 'world.db'}", "scpvs:secretKey": "sk"}
    provider.configure(ConfigureRequest(Config(raw_config=raw, project_name="proj")))
    return provider


SERVER_PROGRAM = {
    "image_id": cat.IMAGE_UBUNTU,
    "keypair_name": "k",
    "server_type_id": "s1v1m2",
    "networks": [{"subnet_id": cat.SUBNET_ID}],
    "boot_volume": {"size": 16},
}


@pytest.mark.parametrize(
    ("provider_class", "program"), [(KeypairProvider, {}), (ServerProvider, SERVER_PROGRAM)], ids=["keypair", "server"]
)
def test_a_state_0_1_0_wrote_shows_no_difference(
    provider_class: type[ScpProvider], program: dict[str, object], tmp_path: Path
) -> None:
    """0.1.0 recorded ``__kind`` among the inputs; today's check drops it, and diff never looks at it."""
    provider = configured(provider_class, tmp_path)
    path = f"{provider_class.__module__}.{provider_class.__name__}"
    news = {**program, RESOURCE_NAME_KEY: "proj/dev/res", STACK_IDENTITY_KEY: "0" * 32}
    checked = provider.check({}, dict(news)).inputs
    assert "__kind" not in checked
    # As 0.1.0 stored them: its check added __kind; outputs are inputs, live fields and the record.
    old_inputs = {**checked, "__kind": provider.spec.type_name, PROVIDER_KEY: "old"}
    old_outputs = {
        **{k: v for k, v in checked.items() if k in provider.spec.input_fields},
        "state": "ACTIVE",
        INPUTS_KEY: {k: v for k, v in checked.items() if k in provider.spec.input_fields or k == "__autonamed"},
        TARGET_KEY: provider.target(),
        PROVIDER_KEY: base64.b64encode(reference_payload(path)).decode(),
    }
    again = provider.check(old_inputs, {**news, PROVIDER_KEY: "new"})
    assert again.failures == [] and "__kind" not in again.inputs
    assert again.inputs["name"] == checked["name"], "the autoname carries over"
    diff = provider.diff("object-id", old_outputs, {**again.inputs, PROVIDER_KEY: "new"})
    assert diff.changes is False and diff.replaces == []


def test_a_resource_of_another_kind_cannot_take_over_a_0_1_0_state(tmp_path: Path) -> None:
    """0.1.0's shared type is every new type's alias: a Volume named like an old Keypair would match it."""
    from pulumi_scpvs.resources import VolumeProvider

    volumes = configured(VolumeProvider, tmp_path)
    news = {"size": 8, RESOURCE_NAME_KEY: "proj/dev/x", STACK_IDENTITY_KEY: "0" * 32}
    old_keypair_inputs = {"name": "x-key", "__kind": "Keypair", PROVIDER_KEY: "old"}
    failures = volumes.check(old_keypair_inputs, dict(news)).failures
    assert [(f.property, "records a Keypair" in f.reason) for f in failures] == [("(resource)", True)]
    assert volumes.check({**old_keypair_inputs, "__kind": "Volume"}, dict(news)).failures == []
