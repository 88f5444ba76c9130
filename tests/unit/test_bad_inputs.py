"""Bad input is refused by ``check`` (so at preview), naming the field and the rule, without
a single request to SCP."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_scpvs import resources as r
from pulumi_scpvs.provider import ScpProvider
from pulumi_scpvs.provider._engine import RESOURCE_NAME_KEY
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
        "desired_server_count",
        "min (1) <= desired (3) <= max (2)",
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
    failures = provider().check({}, {RESOURCE_NAME_KEY: "p/s/res", **inputs}).failures
    named = {f.property: f.reason for f in failures}
    assert field in named, named
    assert rule in named[field], named[field]
