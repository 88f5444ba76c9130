"""Every resource through the provider protocol, as the engine calls it.

Four stacks (compute, storage, images, scaling) each go through: up; a stage-2 program
whose preview shows, per resource, an in-place update of the expected fields or a
replacement for the expected reason; up; out-of-band changes followed by refresh (drift
shows as an update, deletions as a re-create); up to converge; destroy, after which the
simulator holds exactly its catalogue again. The programs are those of ``tests/engine``,
run in this process by :mod:`.harness` against a simulator on a loopback port.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from pulumi_scpvs.scp import ScpClient
from pulumi_scpvs.scp._waiting import Waiter
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator, start_simulator
from .harness import CheckFailed, Deployment

Outputs = dict[str, Any]
STAGE = "engine-test:stage"


@dataclass
class StackCase:
    program: str
    updates: dict[str, set[str]]
    replaces: dict[str, str]
    out_of_band: Callable[[ScpClient, Outputs], tuple[set[str], set[str]]]
    after_stage_two: Callable[[ScpClient, Outputs], None] = lambda client, outputs: None
    stage_two_config: Callable[[Outputs], dict[str, str]] = lambda outputs: {}
    before_destroy: Callable[[Deployment], None] = lambda deployment: None
    # Values that must appear in the state only encrypted (secret outputs and inputs).
    secrets: Callable[[Outputs], list[str]] = lambda outputs: []
    unchanged: set[str] = field(default_factory=set)


# -- compute ------------------------------------------------------------------------------


def compute_after_stage_two(client: ScpClient, outputs: Outputs) -> None:
    web = client.servers.show_server(outputs["web_id"])
    assert (web.name, web.server_type.id, web.state, web.locked) == ("web-2", "s1v2m4", "SHUTOFF", True)
    assert {g.name for g in web.security_groups or []} == {"sg-default", "sg-web"}
    worker = client.servers.show_server(outputs["worker_id"])
    assert worker.state == "ACTIVE"
    ips = {ip.ip_address for a in worker.addresses or [] for ip in a.ip_addresses}
    assert "192.168.20.77" in ips, "the interface's new fixed IP shows in the server's addresses"
    assert {"203.0.113.11", "100.64.0.11"} <= ips, "the NATs' external IPs show in the server's addresses"
    assert outputs["nat_ip"] == "203.0.113.11"


def settled(read: Callable[[], Any], object_id: str, state: str | None = None) -> None:
    """Wait for an out-of-band change to finish: the engine's refresh starts seconds later, this one at once."""
    waiter = Waiter(read, lambda seen: getattr(seen, "state", None) or seen.status, "object", object_id)
    if state is None:
        waiter.until_gone(deadline=time.monotonic() + 60)
    else:
        waiter.until({state}, deadline=time.monotonic() + 60)


def compute_out_of_band(client: ScpClient, outputs: Outputs) -> tuple[set[str], set[str]]:
    client.servers.unlock_server(outputs["web_id"])
    client.servers.update_server(outputs["web_id"], {"name": "renamed-by-hand"})
    client.server_groups.delete_server_group(outputs["spare_group_id"])
    client.servers.stop_server(outputs["worker_id"])
    settled(lambda: client.servers.show_server(outputs["worker_id"]), outputs["worker_id"], "SHUTOFF")
    return {"web", "worker"}, {"spare-group"}


COMPUTE = StackCase(
    program="compute.py",
    updates={
        "web": {"name", "server_type_id", "power_state", "lock", "security_group_ids"},
        "worker": {"reboot_trigger", "rebuild_trigger", "dump_trigger"},
        "nic": {"fixed_ip"},
    },
    replaces={
        "spare-key": "public_key",
        "spare-group": "policy",
        "db": "image_id",
        "nat": "publicip_id",
        "pnat": "private_nat_ip_id",
    },
    out_of_band=compute_out_of_band,
    after_stage_two=compute_after_stage_two,
    unchanged={"key", "group"},
)


# -- storage ------------------------------------------------------------------------------


def storage_after_stage_two(client: ScpClient, outputs: Outputs) -> None:
    data = client.volumes.show_volume(outputs["data_id"])
    assert (data.name, data.size, data.state) == ("data-2", 24, "in-use")
    metadata = client.snapshots.show_snapshot(outputs["forced_id"]).metadata or {}
    assert metadata.pop("scpvs-owner") and metadata.pop("scpvs-attempt"), "the ownership mark is readable"
    assert metadata == {"v": "2"}


def storage_out_of_band(client: ScpClient, outputs: Outputs) -> tuple[set[str], set[str]]:
    client.volumes.update_volume(outputs["data_id"], {"name": "renamed-by-hand"})
    client.snapshots.delete_snapshot(outputs["restore_point_id"])
    settled(lambda: client.snapshots.show_snapshot(outputs["restore_point_id"]), outputs["restore_point_id"])
    return {"data"}, {"restore-point"}


STORAGE = StackCase(
    program="storage.py",
    updates={
        "data": {"name", "size"},
        "attach-spare": {"delete_on_termination"},
        "snap": {"name", "description"},
        "restorable": {"revert_to_snapshot_id"},
    },
    replaces={
        "typed": "volume_type",
        "attach": "server_id",
        "forced": "metadata",
        "offer": "name",
        "accept": "transfer_id",
    },
    out_of_band=storage_out_of_band,
    after_stage_two=storage_after_stage_two,
    stage_two_config=lambda outputs: {"revertTo": outputs["restore_point_id"]},
    secrets=lambda outputs: [outputs["offer_auth_key"]],
    unchanged={"key", "base", "gift", "host1", "host2"},
)


# -- images -------------------------------------------------------------------------------


def images_after_stage_two(client: ScpClient, outputs: Outputs) -> None:
    image = client.images.show_image(outputs["image_id"])
    assert (image.min_disk, image.min_ram, image.visibility, image.protected) == (32, 1024, "shared", True)
    assert client.images.show_image_member(outputs["plain_id"], cat.ACCOUNT_ID).status == "accepted"


def images_out_of_band(client: ScpClient, outputs: Outputs) -> tuple[set[str], set[str]]:
    client.images.update_image(outputs["image_id"], {"min_disk": 8})
    client.images.delete_image_member(outputs["plain_id"], cat.ACCOUNT_ID)
    return {"image"}, {"member"}


def images_before_destroy(deployment: Deployment) -> None:
    deployment.config[STAGE] = "3"
    with pytest.raises(CheckFailed) as refused:
        deployment.preview("images.py")
    assert any(p == "url" and "the image is protected" in r for p, r in refused.value.failures), refused.value
    deployment.config[STAGE] = "4"
    deployment.up("images.py")


IMAGES = StackCase(
    program="images.py",
    updates={"image": {"min_disk", "min_ram", "visibility", "protected"}, "member": {"status"}},
    replaces={"image-b": "os_distro", "golden": "name", "member-b": "member_id"},
    out_of_band=images_out_of_band,
    after_stage_two=images_after_stage_two,
    before_destroy=images_before_destroy,
    unchanged={"key", "source", "image-guarded", "plain"},
)


# -- scaling ------------------------------------------------------------------------------


def scaling_after_stage_two(client: ScpClient, outputs: Outputs) -> None:
    group = client.auto_scaling_groups.show_auto_scaling_group(outputs["group_id"])
    assert (group.state, group.desired_server_count, group.max_server_count, group.drain_enabled) == (
        "IN_SERVICE",
        2,
        3,
        True,
    )
    assert group.launch_configuration_id == outputs["lc_id"]
    servers = client.auto_scaling_groups.list_auto_scaling_group_servers(outputs["group_id"]).servers
    assert len(servers) == 2 and all(s.state == "ACTIVE" for s in servers)
    assert all(s.launch_configuration_id in (outputs["lc_id"], None) or s.state == "ACTIVE" for s in servers)
    lbs = client.auto_scaling_groups.list_auto_scaling_group_lb_server_groups(outputs["group_id"]).lb_server_groups
    assert [(lb.id, lb.port) for lb in lbs] == [(cat.LB_SERVER_GROUP_ID, 8080)]


def scaling_out_of_band(client: ScpClient, outputs: Outputs) -> tuple[set[str], set[str]]:
    groups = client.auto_scaling_groups
    policy = next(p for p in groups.list_auto_scaling_group_policies(outputs["group_id"]).policies)
    groups.update_auto_scaling_group_policy(outputs["group_id"], policy.id, {"threshold": 99})
    schedule = groups.list_auto_scaling_group_schedules(outputs["group_id"]).schedules[0]
    groups.delete_auto_scaling_group_schedule(outputs["group_id"], schedule.id)
    groups.update_auto_scaling_group_server_count(outputs["group_id"], {"desired_server_count": 3})
    return {"scale-out", "group"}, {"nightly"}


SCALING = StackCase(
    program="scaling.py",
    updates={
        "group": {
            "desired_server_count",
            "max_server_count",
            "drain_enabled",
            "drain_timeout",
            "security_group_ids",
            "lb_server_groups",
            "launch_configuration_id",
        },
        "scale-out": {"threshold", "scale_value", "state"},
        "nightly": {"hour"},
        "notify": {"notification_events", "notification_state"},
    },
    replaces={
        "lc": "user_data",
        "spare": "subnet_ids",
        "scale-in": "auto_scaling_group_id",
        "weekly": "auto_scaling_group_id",
        "notify-spare": "auto_scaling_group_id",
    },
    out_of_band=scaling_out_of_band,
    secrets=lambda outputs: ["echo v2", "echo v1"],  # the launch configuration's user_data
    after_stage_two=scaling_after_stage_two,
    unchanged={"key"},
)


def objects(simulator: RunningSimulator) -> dict[str, int]:
    return httpx.get(f"{simulator.url}/_admin/objects").json()  # type: ignore[no-any-return]


@pytest.fixture
def settling_simulator() -> Iterator[RunningSimulator]:
    """Objects settle in 0.1 s: the providers wait through every state, only sooner."""
    running = start_simulator(transition_seconds=0.1)
    yield running
    running.stop()


@pytest.mark.parametrize("case", [COMPUTE, STORAGE, IMAGES, SCALING], ids=lambda c: c.program.removesuffix(".py"))
def test_every_resource_through_the_protocol(settling_simulator: RunningSimulator, case: StackCase) -> None:
    simulator = settling_simulator
    client = simulator.client()
    catalogue_only = objects(simulator)
    deployment = Deployment(
        {"scpvs:endpoint": simulator.url, "scpvs:accessKey": ACCESS_KEY, "scpvs:secretKey": SECRET_KEY}
    )

    deployment.up(case.program)
    outputs = deployment.outputs

    for key, value in case.stage_two_config(outputs).items():
        deployment.config[f"engine-test:{key}"] = value
    deployment.config[STAGE] = "2"
    steps = deployment.preview(case.program)
    for name, fields in case.updates.items():
        assert steps[name].op == "update", (name, steps[name].op, steps[name].replace_reasons)
        changed = steps[name].changed_inputs()
        assert fields <= changed, (name, changed)
    for name, reason in case.replaces.items():
        assert steps[name].op == "replace", (name, steps[name].op)
        assert reason in steps[name].replace_reasons, (name, steps[name].replace_reasons)
    for name in case.unchanged:
        assert steps[name].op == "same", name

    deployment.up(case.program)
    outputs = deployment.outputs
    case.after_stage_two(client, outputs)
    for secret in [SECRET_KEY, *case.secrets(outputs)]:
        holders = [name for name, r in deployment.state.items() if secret in json.dumps(r.plain())]
        assert not holders, f"{secret!r} would be in the state in plain text, in {holders}"
    assert {step.op for step in deployment.preview(case.program).values()} == {"same"}, "stage 2 did not converge"

    drifted, dropped = case.out_of_band(client, outputs)
    deployment.refresh()
    steps = deployment.preview(case.program)
    for name in drifted:
        assert steps[name].op == "update", (name, steps[name].op)
    for name in dropped:
        assert steps[name].op == "create", (name, steps[name].op)
    deployment.up(case.program)
    assert {step.op for step in deployment.preview(case.program).values()} == {"same"}, (
        "out-of-band changes did not converge"
    )

    case.before_destroy(deployment)
    deployment.destroy()
    assert objects(simulator) == catalogue_only
