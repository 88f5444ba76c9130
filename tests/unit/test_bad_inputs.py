"""Bad input is refused by ``check`` (so at preview), naming the field and the rule, without
a single request to SCP."""

from __future__ import annotations

import base64
import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.output import Unknown
from pydantic import BaseModel, ValidationError

from pulumi_scpvs import resources as r
from pulumi_scpvs.provider import ScpProvider
from pulumi_scpvs.provider._inputs import ID_RULE, VOLUME_SIZE_MAX_GIB
from pulumi_scpvs.provider._keys import RESOURCE_NAME_KEY
from pulumi_scpvs.provider._ownership import MARK_KEYS
from pulumi_scpvs.scp import models
from pulumi_scpvs.simulator import catalogue as cat

SERVER = {"image_id": "i", "keypair_name": "k", "server_type_id": "s1v1m2", "networks": [{"subnet_id": "s"}]}
ASG = {
    "server_name_prefix": "web",
    "launch_configuration_id": "lc",
    "subnet_ids": ["s"],
    "min_server_count": 1,
    "desired_server_count": 1,
    "max_server_count": 2,
}
POLICY = {
    "auto_scaling_group_id": "g",
    "metric_type": "CPU",
    "comparison_operator": "ge",
    "threshold": 80,
    "scale_type": "SCALE_OUT",
    "scale_value": 1,
}
SCHEDULE = {"auto_scaling_group_id": "g", "frequency": "DAILY", "hour": 1, "minute": 0, "start_date": "2026-12-01"}
LC = {"image_id": "i", "keypair_name": "k", "server_type_id": "s1v1m2"}
IMAGE = {"os_distro": "ubuntu", "url": "https://x/base.qcow2"}


def openssh_key(key_type: str = "ssh-ed25519", blob_type: str | None = None, comment: str = "me@host") -> str:
    """An OpenSSH public key line: its base64 blob starts with the (length-prefixed) type."""
    kind = (blob_type or key_type).encode()
    blob = len(kind).to_bytes(4, "big") + kind + (32).to_bytes(4, "big") + bytes(range(32))
    return f"{key_type} {base64.b64encode(blob).decode()} {comment}".rstrip()


def unknown() -> Any:
    """A value not known yet, as the engine sends it at preview."""
    return Unknown()  # type: ignore[no-untyped-call]


CASES: list[tuple[type[ScpProvider], dict[str, Any], str, str]] = [
    # (provider, inputs, field named, words of the rule)
    (r.KeypairProvider, {"name": "no/slash"}, "name", "must match the pattern"),
    (r.KeypairProvider, {"name": "k" * 256}, "name", "at most 255 characters"),
    (r.KeypairProvider, {"name": "k", "tags": [{"value": "v"}]}, "tags[0].key", "Field required"),
    (r.KeypairProvider, {"name": "k", "tags": [{"key": ""}]}, "tags[0].key", "at least 1 character"),
    (r.KeypairProvider, {"name": "k", "colour": "red"}, "colour", "is not an input of this resource"),
    (r.ServerProvider, {**SERVER, "name": "bad/name"}, "name", "must match the pattern"),
    (r.ServerProvider, {**SERVER, "name": "x" * 64}, "name", "at most 63 characters"),
    (r.ServerProvider, {**SERVER, "networks": []}, "networks", "at least 1 item"),
    (r.ServerProvider, {k: v for k, v in SERVER.items() if k != "image_id"}, "image_id", "Field required"),
    (r.ServerProvider, {**SERVER, "boot_volume": {"size": 12}}, "boot_volume.size", "not a multiple of 8"),
    (r.ServerProvider, {**SERVER, "boot_volume": {"size": 4}}, "boot_volume.size", "greater than or equal to 8"),
    (r.ServerProvider, {**SERVER, "data_volumes": [{"size": 20}]}, "data_volumes[0].size", "not a multiple of 8"),
    (r.ServerProvider, {**SERVER, "power_state": "PAUSED"}, "power_state", "'ACTIVE' or 'SHUTOFF'"),
    (r.ServerProvider, {**SERVER, "product_category": "gpu"}, "product_category", "'compute' or 'container'"),
    (r.ServerProvider, {**SERVER, "reboot_type": "GENTLE"}, "reboot_type", "'SOFT' or 'HARD'"),
    (r.ServerProvider, {**SERVER, "lock": "maybe"}, "lock", "valid boolean"),
    (r.ServerProvider, {**SERVER, "timeouts": {"create": "soon"}}, "timeouts.create", "is not a duration"),
    (r.ServerProvider, {**SERVER, "timeouts": {"create": -5}}, "timeouts.create", "must be positive"),
    (r.ServerProvider, {**SERVER, "timeouts": {"forever": 1}}, "timeouts.forever", "is not an input"),
    (r.ServerProvider, {**SERVER, "networks": [{"subnet": "s"}]}, "networks[0].subnet", "is not an input"),
    (r.VolumeProvider, {"size": 12}, "size", "not a multiple of 8"),
    (r.VolumeProvider, {"size": 0}, "size", "greater than or equal to 8"),
    (r.VolumeProvider, {"name": "bad/name", "size": 8}, "name", "must match the pattern"),
    (r.VolumeProvider, {"size": "big"}, "size", "valid integer"),
    (r.VolumeAttachmentProvider, {"volume_id": "v"}, "server_id", "Field required"),
    (r.SnapshotProvider, {"volume_id": "v", "name": "bad/name"}, "name", "must match the pattern"),
    (r.SnapshotProvider, {"name": "s"}, "volume_id", "Field required"),
    (r.VolumeTransferProvider, {}, "volume_id", "Field required"),
    (r.VolumeTransferAcceptanceProvider, {"transfer_id": "t"}, "auth_key", "Field required"),
    (r.ServerGroupProvider, {"policy": "spread"}, "policy", "'affinity', 'anti-affinity' or 'partition'"),
    (r.ServerGroupProvider, {"name": "g" * 256, "policy": "affinity"}, "name", "at most 255 characters"),
    (r.ImageProvider, {**IMAGE, "url": "https://x/base.iso"}, "url", "must match the pattern"),
    (r.ImageProvider, {**IMAGE, "os_distro": "debian"}, "os_distro", "'alma', 'centos'"),
    (r.ImageProvider, {**IMAGE, "visibility": "public"}, "visibility", "'private' or 'shared'"),
    (r.ImageProvider, {**IMAGE, "min_ram": 2097152}, "min_ram", "less than or equal to 2097151"),
    (r.ImageMemberProvider, {"image_id": "i", "member_id": "bad id!"}, "member_id", "must match the pattern"),
    (r.ImageMemberProvider, {"image_id": "i", "member_id": "m", "status": "maybe"}, "status", "'pending', 'accepted'"),
    (r.ServerInterfaceProvider, {"subnet_id": "s"}, "server_id", "Field required"),
    (r.StaticNatProvider, {"server_id": "s", "port_id": "p"}, "publicip_id", "Field required"),
    (
        r.PrivateStaticNatProvider,
        {"server_id": "s", "port_id": "p", "private_nat_id": "n"},
        "private_nat_ip_id",
        "Field required",
    ),
    (r.LaunchConfigurationProvider, {**LC, "name": "has space"}, "name", "must match the pattern"),
    (
        r.LaunchConfigurationProvider,
        {**LC, "volumes": [{"boot_index": 0, "size": 10}]},
        "volumes[0].size",
        "not a multiple of 8",
    ),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "desired_server_count": 3},
        "max_server_count",
        "at least desired_server_count (3)",
    ),
    (r.AutoScalingGroupProvider, {**ASG, "subnet_ids": []}, "subnet_ids", "at least 1 item"),
    (r.AutoScalingGroupProvider, {**ASG, "min_server_count": -1}, "min_server_count", "greater than or equal to 0"),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "lb_server_groups": [{"id": "lb", "port": 70000}]},
        "lb_server_groups[0].port",
        "less than or equal to 65534",
    ),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "server_name_prefix": "has space"},
        "server_name_prefix",
        "must match the pattern",
    ),
    (r.AutoScalingGroupPolicyProvider, {**POLICY, "metric_type": "DISK"}, "metric_type", "'CPU', 'MEMORY'"),
    (
        r.AutoScalingGroupPolicyProvider,
        {**POLICY, "comparison_operator": "eq"},
        "comparison_operator",
        "'ge', 'gt', 'le' or 'lt'",
    ),
    (r.AutoScalingGroupPolicyProvider, {**POLICY, "scale_value": -1}, "scale_value", "greater than or equal to 0"),
    (r.AutoScalingGroupScheduleProvider, {**SCHEDULE, "hour": 24}, "hour", "less than or equal to 23"),
    (r.AutoScalingGroupScheduleProvider, {**SCHEDULE, "minute": 60}, "minute", "less than or equal to 59"),
    (r.AutoScalingGroupScheduleProvider, {**SCHEDULE, "frequency": "HOURLY"}, "frequency", "'ONCE', 'DAILY'"),
    (
        r.AutoScalingGroupNotificationProvider,
        {"auto_scaling_group_id": "g", "user_id": cat.USER_ID, "notification_events": []},
        "notification_events",
        "at least 1 item",
    ),
    # Names must match their pattern as a whole: '$' would also accept a trailing newline.
    (r.KeypairProvider, {"name": "web\n"}, "name", "must match the pattern ^[a-zA-Z0-9-_ ]*\\Z"),
    (r.ServerProvider, {**SERVER, "name": "web\n"}, "name", "must match the pattern"),
    (r.VolumeProvider, {"name": "data\n", "size": 8}, "name", "must match the pattern"),
    (r.SnapshotProvider, {"volume_id": "v", "name": "snap\n"}, "name", "must match the pattern"),
    (r.ServerGroupProvider, {"name": "group\n", "policy": "affinity"}, "name", "must match the pattern"),
    (r.ImageProvider, {**IMAGE, "name": "img\n"}, "name", "must match the pattern"),
    (r.ImageProvider, {**IMAGE, "url": "https://x/base.qcow2\n"}, "url", "must match the pattern"),
    (r.ImageProvider, {**IMAGE, "container_format": "barely"}, "container_format", "must match the pattern ^bare\\Z"),
    (r.ServerImageProvider, {"server_id": "s", "name": "img\n"}, "name", "must match the pattern"),
    (r.ImageMemberProvider, {"image_id": "i", "member_id": "m\n"}, "member_id", "must match the pattern"),
    (r.LaunchConfigurationProvider, {**LC, "name": "lc\n"}, "name", "must match the pattern"),
    (r.AutoScalingGroupProvider, {**ASG, "name": "asg\n"}, "name", "must match the pattern"),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "server_name_prefix": "web\n"},
        "server_name_prefix",
        "must match the pattern",
    ),
    (r.AutoScalingGroupPolicyProvider, {**POLICY, "name": "p\n"}, "name", "must match the pattern"),
    (r.AutoScalingGroupScheduleProvider, {**SCHEDULE, "name": "s\n"}, "name", "must match the pattern"),
    # Ids of other objects: non-empty, and nothing that could change the request's URL.
    (r.ServerProvider, {**SERVER, "image_id": ""}, "image_id", ID_RULE + " (it is empty)"),
    (r.ServerProvider, {**SERVER, "networks": [{"subnet_id": "a/b"}]}, "networks[0].subnet_id", "contains '/'"),
    (r.ServerProvider, {**SERVER, "networks": [{"port_id": "p?x=1"}]}, "networks[0].port_id", "contains '?'"),
    (
        r.ServerProvider,
        {**SERVER, "networks": [{"subnet_id": "s", "public_ip_id": "ip#1"}]},
        "networks[0].public_ip_id",
        ID_RULE,
    ),
    (r.ServerProvider, {**SERVER, "server_type_id": "s1v1m2\x7f"}, "server_type_id", "control character"),
    (r.ServerProvider, {**SERVER, "security_group_ids": ["sg", "sg 2"]}, "security_group_ids[1]", "whitespace"),
    (r.ServerProvider, {**SERVER, "server_group_id": ".."}, "server_group_id", "not an id"),
    (r.VolumeProvider, {"size": 8, "snapshot_id": "s%2F.."}, "snapshot_id", "contains '%'"),
    (r.VolumeProvider, {"size": 8, "revert_to_snapshot_id": ""}, "revert_to_snapshot_id", ID_RULE),
    (r.VolumeProvider, {"size": 8, "adopt_id": "v/../x"}, "adopt_id", ID_RULE),
    (r.VolumeAttachmentProvider, {"volume_id": "v", "server_id": "."}, "server_id", "not an id"),
    (
        r.VolumeAttachmentProvider,
        {"volume_id": "v", "server_id": "s", "adopt_id": "v"},
        "adopt_id",
        "volume_id/server_id",
    ),
    (r.SnapshotProvider, {"volume_id": "v?force=true"}, "volume_id", "contains '?'"),
    (r.VolumeTransferProvider, {"volume_id": "v/x"}, "volume_id", "contains '/'"),
    (r.VolumeTransferAcceptanceProvider, {"transfer_id": "", "auth_key": "k"}, "transfer_id", "it is empty"),
    (r.ImageMemberProvider, {"image_id": "i/members", "member_id": "m"}, "image_id", "contains '/'"),
    (r.ServerImageProvider, {"server_id": "s\n"}, "server_id", "whitespace"),
    (r.ServerInterfaceProvider, {"server_id": "s", "subnet_id": "a/b"}, "subnet_id", "contains '/'"),
    (r.StaticNatProvider, {"server_id": "s", "port_id": "p", "publicip_id": "ip?x"}, "publicip_id", "contains '?'"),
    (
        r.PrivateStaticNatProvider,
        {"server_id": "s", "port_id": "p#", "private_nat_id": "n", "private_nat_ip_id": "i"},
        "port_id",
        "contains '#'",
    ),
    (r.LaunchConfigurationProvider, {**LC, "image_id": "i/../x"}, "image_id", "contains '/'"),
    (r.AutoScalingGroupProvider, {**ASG, "subnet_ids": ["s", "a/b"]}, "subnet_ids[1]", "contains '/'"),
    (r.AutoScalingGroupProvider, {**ASG, "launch_configuration_id": ""}, "launch_configuration_id", ID_RULE),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "lb_server_groups": [{"id": "lb?", "port": 80}]},
        "lb_server_groups[0].id",
        "contains '?'",
    ),
    (r.AutoScalingGroupPolicyProvider, {**POLICY, "auto_scaling_group_id": "g/x"}, "auto_scaling_group_id", ID_RULE),
    (r.AutoScalingGroupPolicyProvider, {**POLICY, "adopt_id": "p"}, "adopt_id", "auto_scaling_group_id/policy_id"),
    (r.AutoScalingGroupScheduleProvider, {**SCHEDULE, "auto_scaling_group_id": ""}, "auto_scaling_group_id", ID_RULE),
    (
        r.AutoScalingGroupNotificationProvider,
        {"auto_scaling_group_id": "g", "user_id": "u%00", "notification_events": ["SCALE_OUT"]},
        "user_id",
        "contains '%'",
    ),
    (r.KeypairProvider, {"name": "k", "adopt_id": "k/../x"}, "adopt_id", "must be a keypair name"),
    # Sizes and counts within the documented limits (and int32).
    (r.VolumeProvider, {"size": 8 * 10**15}, "size", f"less than or equal to {VOLUME_SIZE_MAX_GIB}"),
    (r.ServerProvider, {**SERVER, "boot_volume": {"size": 16392}}, "boot_volume.size", "less than or equal to 16384"),
    (
        r.ServerProvider,
        {**SERVER, "data_volumes": [{"size": 8}, {"size": 8 * 10**15}]},
        "data_volumes[1].size",
        "less than or equal to 16384",
    ),
    (r.ServerProvider, {**SERVER, "partition_number": -1}, "partition_number", "greater than or equal to 0"),
    (
        r.LaunchConfigurationProvider,
        {**LC, "volumes": [{"boot_index": 0, "size": 8 * 10**15}]},
        "volumes[0].size",
        "less than or equal to 16384",
    ),
    (
        r.LaunchConfigurationProvider,
        {**LC, "volumes": [{"boot_index": 2**31, "size": 8}]},
        "volumes[0].boot_index",
        "less than or equal to 2147483647",
    ),
    (r.ImageProvider, {**IMAGE, "min_disk": 16392}, "min_disk", "less than or equal to 16384"),
    (r.ImageProvider, {**IMAGE, "min_ram": -1}, "min_ram", "greater than or equal to 0"),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "max_server_count": 2**31},
        "max_server_count",
        "less than or equal to 2147483647",
    ),
    (r.AutoScalingGroupProvider, {**ASG, "drain_timeout": -1}, "drain_timeout", "greater than or equal to 0"),
    (r.AutoScalingGroupPolicyProvider, {**POLICY, "threshold": 2**31}, "threshold", "less than or equal to 2147483647"),
    (r.AutoScalingGroupPolicyProvider, {**POLICY, "threshold": -1}, "threshold", "greater than or equal to 0"),
    (
        r.AutoScalingGroupPolicyProvider,
        {**POLICY, "evaluation_minutes": 0},
        "evaluation_minutes",
        "greater than or equal to 1",
    ),
    (
        r.AutoScalingGroupPolicyProvider,
        {**POLICY, "cooldown_seconds": 10**12},
        "cooldown_seconds",
        "less than or equal to 2147483647",
    ),
    (r.AutoScalingGroupScheduleProvider, {**SCHEDULE, "hour": -1}, "hour", "greater than or equal to 0"),
    (
        r.AutoScalingGroupScheduleProvider,
        {**SCHEDULE, "desired_server_count": 2**31},
        "desired_server_count",
        "less than or equal to 2147483647",
    ),
    # Metadata: the ownership mark's keys are the provider's, and SCP stores no NUL or empty key.
    *[
        (provider, {**inputs, "metadata": {key: "mine"}}, "metadata", f"the key {key!r} is reserved")
        for key in MARK_KEYS
        for provider, inputs in ((r.ServerProvider, SERVER), (r.SnapshotProvider, {"volume_id": "v"}))
    ],
    (r.ServerProvider, {**SERVER, "metadata": {"": "v"}}, "metadata", "a key is empty"),
    (r.ServerProvider, {**SERVER, "metadata": {"ro\x00le": "web"}}, "metadata", "the key 'ro\\x00le' contains NUL"),
    (
        r.SnapshotProvider,
        {"volume_id": "v", "metadata": {"role": "w\x00b"}},
        "metadata",
        "the value of 'role' contains NUL",
    ),
    # Key pairs: a name the console could not tell from another, a public key SCP cannot read.
    (r.KeypairProvider, {"name": "   "}, "name", "must not be only spaces"),
    (r.KeypairProvider, {"name": " ops"}, "name", "must not begin or end with a space"),
    (r.KeypairProvider, {"name": "ops "}, "name", "must not begin or end with a space"),
    (r.KeypairProvider, {"name": "k", "public_key": "not a key"}, "public_key", "OpenSSH public key"),
    (r.KeypairProvider, {"name": "k", "public_key": "ssh-foo AAAA"}, "public_key", "'ssh-foo' is not a key type"),
    (r.KeypairProvider, {"name": "k", "public_key": "ssh-rsa AAAAB3Nz...x"}, "public_key", "not base64"),
    (r.KeypairProvider, {"name": "k", "public_key": "ssh-ed25519"}, "public_key", "OpenSSH public key"),
    (
        r.KeypairProvider,
        {"name": "k", "public_key": openssh_key("ssh-ed25519", blob_type="ssh-rsa")},
        "public_key",
        "the key inside is ssh-rsa, not ssh-ed25519",
    ),
    (r.KeypairProvider, {"name": "k", "public_key": openssh_key() + "\n" + openssh_key()}, "public_key", "one line"),
    # IP addresses.
    (
        r.ServerProvider,
        {**SERVER, "networks": [{"subnet_id": "s", "fixed_ip": "10.0.0.300"}]},
        "networks[0].fixed_ip",
        "must be an IP address",
    ),
    (r.ServerInterfaceProvider, {"server_id": "s", "fixed_ip": "10.0.0.5/24"}, "fixed_ip", "must be an IP address"),
    (r.ServerInterfaceProvider, {"server_id": "s", "fixed_ip": "web"}, "fixed_ip", "must be an IP address"),
    # Server counts: min <= desired <= max, as numbers (the engine sends 3.0).
    (
        r.AutoScalingGroupProvider,
        {**ASG, "min_server_count": 3.0, "desired_server_count": 3.0, "max_server_count": 2.0},
        "max_server_count",
        "at least min_server_count (3)",
    ),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "desired_server_count": 0},
        "desired_server_count",
        "at least min_server_count (1)",
    ),
    (
        r.AutoScalingGroupScheduleProvider,
        {**SCHEDULE, "min_server_count": 4, "max_server_count": 2},
        "max_server_count",
        "at least min_server_count (4)",
    ),
    (
        r.AutoScalingGroupScheduleProvider,
        {**SCHEDULE, "desired_server_count": 5, "max_server_count": 2},
        "desired_server_count",
        "at most max_server_count (2)",
    ),
]

# What can never work is refused at the first preview, field by field, while other inputs
# still wait for other resources' outputs (unknown): not at `up`, after those were made.
UNKNOWN_CASES: list[tuple[type[ScpProvider], dict[str, Any], str, str]] = [
    (r.ServerProvider, {**SERVER, "image_id": unknown(), "name": "bad/name"}, "name", "must match the pattern"),
    (
        r.ServerProvider,
        {**SERVER, "networks": [{"subnet_id": unknown()}], "name": "web\n"},
        "name",
        "must match the pattern",
    ),
    (r.ServerProvider, {**SERVER, "image_id": unknown(), "name": "x" * 64}, "name", "at most 63 characters"),
    (
        r.ServerProvider,
        {**SERVER, "keypair_name": unknown(), "metadata": {MARK_KEYS[0]: "x"}},
        "metadata",
        "is reserved",
    ),
    (
        r.ServerProvider,
        {**SERVER, "image_id": unknown(), "networks": [{"subnet_id": "s", "fixed_ip": "10.1"}]},
        "networks[0].fixed_ip",
        "must be an IP address",
    ),
    (r.VolumeProvider, {"size": unknown(), "name": "bad/name"}, "name", "must match the pattern"),
    (r.KeypairProvider, {"name": "no/slash", "public_key": unknown()}, "name", "must match the pattern"),
    (r.KeypairProvider, {"name": unknown(), "public_key": "not a key"}, "public_key", "OpenSSH public key"),
    (
        r.LaunchConfigurationProvider,
        {**LC, "image_id": unknown(), "name": "has space"},
        "name",
        "must match the pattern",
    ),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "launch_configuration_id": unknown(), "server_name_prefix": "web\n"},
        "server_name_prefix",
        "must match the pattern",
    ),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "subnet_ids": [unknown()], "server_name_prefix": "p" * 62},
        "server_name_prefix",
        "at most 61 characters",
    ),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "desired_server_count": unknown(), "min_server_count": 3, "max_server_count": 2},
        "max_server_count",
        "at least min_server_count (3)",
    ),
    (
        r.AutoScalingGroupProvider,
        {**ASG, "min_server_count": unknown(), "desired_server_count": 5, "max_server_count": 2},
        "max_server_count",
        "at least desired_server_count (5)",
    ),
    (r.SnapshotProvider, {"volume_id": unknown(), "name": "snap\n"}, "name", "must match the pattern"),
    (r.ImageProvider, {**IMAGE, "min_disk": unknown(), "name": "img/1"}, "name", "must match the pattern"),
    (
        r.AutoScalingGroupPolicyProvider,
        {**POLICY, "auto_scaling_group_id": unknown(), "name": "p q"},
        "name",
        "pattern",
    ),
]


@pytest.fixture(autouse=True)
def no_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """check must decide locally: any attempt to reach SCP fails the test."""

    def refuse(self: ScpProvider) -> None:
        raise AssertionError("check tried to reach SCP")

    monkeypatch.setattr(ScpProvider, "client", refuse)


def test_there_are_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("provider", "inputs", "field", "rule"), CASES, ids=[f"{c[0].spec.type_name}-{c[2]}" for c in CASES]
)
def test_bad_input_fails_at_check_naming_field_and_rule(
    provider: type[ScpProvider], inputs: dict[str, Any], field: str, rule: str
) -> None:
    checked_failing(provider, inputs, field, rule)


def checked_failing(provider: type[ScpProvider], inputs: dict[str, Any], field: str, rule: str) -> dict[str, str]:
    """The failures ``check`` reports for ``inputs``, by input, one of them ``field`` breaking ``rule``."""
    failures = provider().check({}, {RESOURCE_NAME_KEY: "p/s/res", **inputs}).failures
    named = {f.property: f.reason for f in failures}
    assert field in named, named
    assert rule in named[field], named[field]
    return named


@pytest.mark.parametrize(
    ("provider", "inputs", "field", "rule"), UNKNOWN_CASES, ids=[f"{c[0].spec.type_name}-{c[2]}" for c in UNKNOWN_CASES]
)
def test_bad_input_fails_at_check_while_other_inputs_are_unknown(
    provider: type[ScpProvider], inputs: dict[str, Any], field: str, rule: str
) -> None:
    named = checked_failing(provider, inputs, field, rule)
    unknown_names = {name for name, value in inputs.items() if name != field and "Unknown" in repr(value)}
    assert not unknown_names & set(named), f"a failure about an unknown input: {named}"


@pytest.mark.parametrize(
    ("provider", "inputs"),
    [
        (r.ServerProvider, {**SERVER, "image_id": unknown(), "name": "web"}),
        (r.ServerProvider, {**SERVER, "networks": unknown(), "boot_volume": {"size": 16}}),
        (
            r.AutoScalingGroupNotificationProvider,
            {"auto_scaling_group_id": "g", "user_id": unknown(), "notification_events": ["SCALE_OUT"]},
        ),
        (r.AutoScalingGroupProvider, {**ASG, "min_server_count": unknown(), "max_server_count": unknown()}),
        (r.KeypairProvider, {"name": unknown(), "public_key": openssh_key()}),
        (r.VolumeProvider, {"size": unknown()}),
    ],
)
def test_unknown_inputs_alone_fail_nothing(provider: type[ScpProvider], inputs: dict[str, Any]) -> None:
    """Unknown inputs, and request values missing because of them, are decided once known."""
    assert provider().check({}, {RESOURCE_NAME_KEY: "p/s/res", **inputs}).failures == []


@pytest.mark.parametrize(
    "public_key",
    [
        openssh_key(),
        openssh_key() + "\n",  # as read from a .pub file
        openssh_key(comment=""),
        openssh_key("ssh-rsa"),
        openssh_key("ecdsa-sha2-nistp384"),
        openssh_key("sk-ssh-ed25519@openssh.com"),
    ],
)
def test_an_openssh_public_key_is_accepted(public_key: str) -> None:
    assert (
        r.KeypairProvider().check({}, {RESOURCE_NAME_KEY: "p/s/k", "name": "my key", "public_key": public_key}).failures
        == []
    )


def test_metadata_and_addresses_that_work_are_accepted() -> None:
    good = {
        **SERVER,
        "metadata": {"role": "web", "owner-team": ""},
        "networks": [{"subnet_id": "s", "fixed_ip": "192.168.0.10"}, {"subnet_id": "t", "fixed_ip": "fd00::5"}],
    }
    assert r.ServerProvider().check({}, {RESOURCE_NAME_KEY: "p/s/web", **good}).failures == []


# -- changes the API cannot make, with old values as the engine sends them ----------------------


@pytest.mark.parametrize("old_size", [16, 16.0])
@pytest.mark.parametrize("new_size", [8, 8.0])
@pytest.mark.parametrize("name", ["data", unknown()], ids=["known-name", "unknown-name"])
def test_shrinking_a_volume_is_refused_whatever_the_number_type(old_size: float, new_size: float, name: Any) -> None:
    """The engine sends every number as a float (olds ``16.0``): a shrink is still refused."""
    olds = {"name": "data", "size": old_size, "volume_type": "SSD"}
    news = {RESOURCE_NAME_KEY: "p/s/data", "name": name, "size": new_size, "volume_type": "SSD"}
    named = {f.property: f.reason for f in r.VolumeProvider().check(olds, news).failures}
    assert named == {"size": "cannot shrink a volume from 16 to 8 GiB; volumes only grow"}


@pytest.mark.parametrize("old_size", [8.0, 16.0, True, "16", None])
def test_growing_or_keeping_a_volume_is_not_refused(old_size: Any) -> None:
    olds = {"name": "data", "size": old_size}
    news = {RESOURCE_NAME_KEY: "p/s/data", "name": "data", "size": 16.0}
    assert r.VolumeProvider().check(olds, news).failures == []


def test_replacing_a_protected_image_is_refused_while_another_input_is_unknown() -> None:
    olds = {**IMAGE, "name": "base", "protected": True}
    images = r.ImageProvider()
    changed_url = {RESOURCE_NAME_KEY: "p/s/base", **olds, "os_distro": unknown(), "url": "https://x/next.qcow2"}
    named = {f.property: f.reason for f in images.check(olds, changed_url).failures}
    assert list(named) == ["url"] and "the image is protected" in named["url"], named
    only_unknown = {RESOURCE_NAME_KEY: "p/s/base", **olds, "os_distro": unknown()}
    assert images.check(olds, only_unknown).failures == [], "an unknown input may stay the same"


# -- every input model, walked: the rules hold for every kind, not just the cases above ------


def _nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _nested_models(argument)


def _input_models() -> list[type[BaseModel]]:
    """Every resource's input model and every model nested in one (networks, volumes...)."""
    found: dict[type[BaseModel], None] = {}

    def visit(model: type[BaseModel]) -> None:
        if model not in found:
            found[model] = None
            for info in model.model_fields.values():
                for nested in _nested_models(info.annotation):
                    visit(nested)

    for name in r.__all__:
        if name.endswith("Provider"):
            visit(getattr(r, name).spec.inputs)
    return list(found)


def _patterns(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield schema["pattern"]
        for value in schema.values():
            yield from _patterns(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _patterns(value)


def test_every_pattern_matches_whole_values_only() -> None:
    """``$`` also matches before a trailing newline, and python-re searches: every pattern,
    of the API models and of the inputs, is anchored ``^...\\Z``."""
    every = [*models.MODELS.values(), *models.QUERIES.values(), *_input_models()]
    patterns = {p for model in every for p in _patterns(model.model_json_schema())}
    assert len(patterns) >= 10
    for pattern in patterns:
        assert pattern.startswith("^") and pattern.endswith("\\Z"), pattern
        assert re.search(pattern, "\n") is None, pattern


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith(("_id", "_ids"))


URL_CHANGERS = ["", "a/b", "a?b=1", "a#b", "a%2Fb", "a b", "a\tb", "a\nb", "a\x00b", ".", ".."]


def test_every_id_input_refuses_what_would_change_the_url() -> None:
    checked = 0
    for model in _input_models():
        adopt_parts = len(getattr(model, "adopt_id_parts", ()))
        for name, info in model.model_fields.items():
            if not _is_id(name):
                continue
            is_list = typing.get_origin(info.annotation) is list or "list[" in str(info.annotation)
            for bad in URL_CHANGERS:
                if name == "adopt_id" and bad == "a/b" and adopt_parts == 2:
                    bad = "a/b/c"  # a two-part id: the wrong number of parts
                if name == "adopt_id" and model is r.KeypairProvider.spec.inputs and bad == "a b":
                    continue  # a keypair's id is its name, and names may contain spaces
                with pytest.raises(ValidationError) as error:
                    model.model_validate({name: [bad] if is_list else bad})
                assert [e for e in error.value.errors() if e["loc"][0] == name], (model.__name__, name, bad)
                checked += 1
    assert checked >= 40 * len(URL_CHANGERS)


def test_every_integer_input_fits_in_an_int32() -> None:
    checked = 0
    for model in _input_models():
        for name, info in model.model_fields.items():
            types = {t for t in typing.get_args(info.annotation) or (info.annotation,) if t is not type(None)}
            if types != {int}:
                continue
            with pytest.raises(ValidationError) as error:
                model.model_validate({name: 2**31})
            assert [e for e in error.value.errors() if e["loc"] == (name,)], (model.__name__, name)
            checked += 1
    assert checked >= 20
