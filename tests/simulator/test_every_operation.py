"""Every operation of the API document, in both versions, against ``scpvs-simulator`` over HTTP.

A realistic walk through the whole API (create a server, give it interfaces and NATs,
volumes, snapshots, transfers, images, an auto-scaling group...) through the typed
client. Each call must answer the documented success status with a body that
validates against the documented response model (the typed client parses it).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_scpvs.scp import ScpClient
from pulumi_scpvs.scp._generated.operations import OPERATIONS
from pulumi_scpvs.scp._operation import ApiOperation
from pulumi_scpvs.scp._signing import ScpAuth
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import RunningSimulator


class RecordingClient(ScpClient):
    """Remembers (operation, API version sent, HTTP status) for every call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.seen: list[tuple[str, str, int]] = []
        self._last: tuple[str, int] = ("", 0)
        super().__init__(*args, event_hooks={"response": [self._remember]}, **kwargs)

    def _remember(self, response: httpx.Response) -> None:
        self._last = (response.request.headers["Scp-API-Version"], response.status_code)

    def call(self, operation: ApiOperation, **kwargs: Any) -> Any:
        result = super().call(operation, **kwargs)
        version, status = self._last
        self.seen.append((operation.name, version.split()[-1], status))
        return result


def walk_the_whole_api(c: ScpClient) -> None:
    # catalogue
    c.server_types.list_server_types(limit=2)
    c.server_types.show_server_type("s1v1m2")
    c.volume_types.list_volume_types()
    c.volume_types.show_default_volume_type()
    c.volume_types.show_volume_type("SSD")
    c.quota_sets.show_server_quota_set()
    c.quota_sets.show_volume_quota_set()
    c.default_configs.list_default_configs()
    c.server_groups.get_region_maximum_partition_size()

    # keypair and server group
    keypair = c.keypairs.create_keypair({"name": "walk-key"})
    assert keypair.private_key
    c.keypairs.list_keypairs()
    c.keypairs.show_keypair("walk-key")
    group = c.server_groups.create_server_group({"name": "walk-group", "policy": "anti-affinity"})
    c.server_groups.list_server_groups()
    c.server_groups.show_server_group(group.id)

    # a server and everything about it
    created = c.servers.create_server(
        {
            "name": "walk-server",
            "image_id": cat.IMAGE_WINDOWS,
            "keypair_name": "walk-key",
            "server_type_id": "s1v1m2",
            "networks": [{"subnet_id": cat.SUBNET_ID}],
            "security_groups": [cat.SECURITY_GROUP_ID],
            "server_group_id": group.id,
            "volumes": [{"boot_index": 0, "size": 64, "source_type": "image"}],
        }
    )
    server_id = created.servers[0].id
    assert c.servers.show_server(server_id).state == "ACTIVE"
    c.servers.list_servers(name="walk")
    c.servers.update_server(server_id, {"name": "walk-server-renamed"})
    c.servers.lock_server(server_id)
    c.servers.unlock_server(server_id)
    c.servers.stop_server(server_id)
    assert c.servers.show_server(server_id).state == "SHUTOFF"
    c.servers.start_server(server_id)
    c.servers.show_server(server_id)
    c.servers.reboot_server(server_id, {"reboot_type": "HARD"})
    c.servers.show_server(server_id)
    c.servers.rebuild_server(server_id)
    c.servers.show_server(server_id)
    c.servers.update_server_type(server_id, {"server_type": "s1v2m4"})
    assert c.servers.show_server(server_id).server_type.id == "s1v2m4"
    c.servers.create_server_dump(server_id)
    c.servers.show_server_console_log(server_id, line_size=2)
    assert c.servers.show_server_password(server_id, {}).password
    c.servers.list_server_ips(server_id)
    c.servers.show_server_ip(server_id, cat.SUBNET_ID)
    c.servers.list_server_security_group(server_id)
    c.servers.attach_server_security_group(server_id, {"security_group_id": cat.SECURITY_GROUP_ID_2})
    c.servers.detach_server_security_group(server_id, cat.SECURITY_GROUP_ID_2)

    interface = c.servers.create_server_interface(server_id, {"subnet_id": cat.SUBNET_ID_2})
    port_id = interface.port_id
    c.servers.list_server_interfaces(server_id)
    c.servers.show_server_interface(server_id, port_id)
    c.servers.update_server_interface(server_id, port_id, {"fixed_ip_address": "192.168.20.99"})
    c.servers.create_server_interface_nat(server_id, port_id, {"publicip_id": cat.PUBLIC_IP_IDS[0]})
    nat = c.servers.show_server_interface(server_id, port_id).interfaces[0].static_nat
    assert nat is not None and nat.state == "ACTIVE"
    c.servers.delete_server_interface_nat(server_id, port_id, nat.id)
    c.servers.create_server_interface_private_nat(
        server_id, port_id, {"private_nat_id": cat.PRIVATE_NAT_ID, "private_nat_ip_id": cat.PRIVATE_NAT_IP_ID}
    )
    private_nat = c.servers.show_server_interface(server_id, port_id).interfaces[0].private_static_nat
    assert private_nat is not None
    c.servers.delete_server_interface_private_nat(server_id, port_id, private_nat.id)
    c.servers.show_server_interface(server_id, port_id)
    c.servers.delete_server_interface(server_id, port_id)

    custom = c.servers.create_server_custom_image(server_id, {"image_name": "walk-custom"})

    # volumes, attachments, snapshots, transfers
    volume = c.volumes.create_volume({"name": "walk-data", "size": 16})
    c.volumes.list_volumes(name="walk-data")
    c.volumes.show_volume(volume.id)
    c.volumes.update_volume(volume.id, {"name": "walk-data-2"})
    c.volumes.extend_volume(volume.id, {"size": 24})
    assert c.volumes.show_volume(volume.id).size == 24
    c.volumes.attach_volume_to_server(volume.id, {"server_id": server_id})
    c.servers.show_server_volume(server_id, volume.id)
    c.servers.list_server_volumes(server_id)
    c.servers.update_server_volume(server_id, volume.id, {"volume_id": volume.id, "delete_on_termination": False})
    c.volumes.show_volume(volume.id)
    c.volumes.detach_volume_from_server(volume.id, server_id)
    c.volumes.show_volume(volume.id)
    c.servers.create_server_volume(server_id, {"volume_id": volume.id})
    c.volumes.show_volume(volume.id)
    c.servers.delete_server_volume(server_id, volume.id)
    assert c.volumes.show_volume(volume.id).state == "available"

    snapshot = c.snapshots.create_snapshot({"name": "walk-snap", "volume_id": volume.id})
    c.snapshots.list_snapshots(volume_id=volume.id)
    c.snapshots.show_snapshot(snapshot.id)
    c.snapshots.update_snapshot(snapshot.id, {"name": "walk-snap-2", "description": "before the change"})
    c.volumes.revert_volume_to_snapshot(volume.id, {"snapshot_id": snapshot.id})
    c.volumes.show_volume(volume.id)
    c.snapshots.delete_snapshot(snapshot.id)

    transfer = c.volume_transfers.create_volume_transfer({"volume_id": volume.id, "name": "walk-transfer"})
    c.volume_transfers.list_volume_transfers()
    c.volume_transfers.show_volume_transfer_detail(transfer.id)
    c.volume_transfers.delete_volume_transfer(transfer.id)
    transfer = c.volume_transfers.create_volume_transfer({"volume_id": volume.id})
    c.volume_transfers.accept_volume_transfer(transfer.id, {"auth_key": transfer.auth_key})
    c.volumes.delete_volume(volume.id, cascade=True)

    # images and members
    c.images.list_images(limit=5)
    c.images.show_image(cat.IMAGE_UBUNTU)
    image = c.images.create_image(
        {"name": "walk-image", "os_distro": "ubuntu", "url": "https://example.invalid/walk.qcow2"}
    )
    c.images.import_image(image.id, {"url": "https://example.invalid/walk.qcow2"})
    c.images.list_pending_images()
    c.images.show_image(image.id)
    c.images.update_image(image.id, {"min_disk": 16, "protected": False})
    c.images.create_sharing_image(image.id)
    # Only the member account may accept: here the walking account is its own member (two
    # accounts are in tests/simulator/test_accounts.py).
    c.images.create_image_member(image.id, {"member_id": cat.ACCOUNT_ID})
    c.images.list_image_members(image.id)
    c.images.show_image_member(image.id, cat.ACCOUNT_ID)
    c.images.update_image_member(image.id, cat.ACCOUNT_ID, {"status": "accepted"})
    c.images.delete_image_member(image.id, cat.ACCOUNT_ID)
    c.images.delete_image(image.id)
    c.images.delete_image(custom.image_id)

    # launch configuration and auto-scaling
    lc = c.launch_configurations.create_launch_configuration(
        {"name": "walk-lc", "image_id": cat.IMAGE_UBUNTU, "keypair_name": "walk-key", "server_type_id": "s1v1m2"}
    )
    c.launch_configurations.list_launch_configurations(name="walk-lc")
    c.launch_configurations.show_launch_configuration(lc.id)
    asg = c.auto_scaling_groups.create_auto_scaling_group(
        {
            "name": "walk-asg",
            "server_name_prefix": "walk",
            "launch_configuration_id": lc.id,
            "min_server_count": 1,
            "desired_server_count": 1,
            "max_server_count": 3,
            "desired_server_count_editable": True,
            "subnet_ids": [cat.SUBNET_ID],
        }
    )
    assert c.auto_scaling_groups.show_auto_scaling_group(asg.id).state == "IN_SERVICE"
    c.auto_scaling_groups.list_auto_scaling_groups(name="walk-asg")
    c.auto_scaling_groups.update_auto_scaling_group(asg.id, {"drain_enabled": True, "drain_timeout": 60})
    c.auto_scaling_groups.update_auto_scaling_group_server_count(asg.id, {"desired_server_count": 2})
    c.auto_scaling_groups.update_auto_scaling_group_lb_server_groups(
        asg.id, {"lb_server_groups": [{"id": cat.LB_SERVER_GROUP_ID, "port": 8080}]}
    )
    c.auto_scaling_groups.list_auto_scaling_group_lb_server_groups(asg.id)
    assert len(c.auto_scaling_groups.list_auto_scaling_group_servers(asg.id).servers) == 2
    policy = c.auto_scaling_groups.create_auto_scaling_group_policy(
        asg.id,
        {
            "name": "cpu-high",
            "metric_type": "CPU",
            "metric_method": "AVG",
            "comparison_operator": "ge",
            "threshold": 80,
            "evaluation_minutes": 5,
            "scale_type": "SCALE_OUT",
            "scale_method": "AMOUNT",
            "scale_value": 1,
            "cooldown_seconds": 300,
        },
    )
    c.auto_scaling_groups.list_auto_scaling_group_policies(asg.id)
    c.auto_scaling_groups.show_auto_scaling_group_policy(asg.id, policy.id)
    c.auto_scaling_groups.update_auto_scaling_group_policy(asg.id, policy.id, {"threshold": 70, "state": "INACTIVE"})
    c.auto_scaling_groups.delete_auto_scaling_group_policy(asg.id, policy.id)
    schedule = c.auto_scaling_groups.create_auto_scaling_group_schedule(
        asg.id,
        {
            "name": "nightly",
            "frequency": "DAILY",
            "hour": 1,
            "minute": 0,
            "start_date": "2026-12-01",
            "timezone": "Asia/Seoul",
            "desired_server_count": 1,
        },
    )
    c.auto_scaling_groups.list_auto_scaling_group_schedules(asg.id, size=10, page=0)
    c.auto_scaling_groups.show_auto_scaling_group_schedule(asg.id, schedule.id)
    c.auto_scaling_groups.update_auto_scaling_group_schedule(asg.id, schedule.id, {"hour": 2, "state": "INACTIVE"})
    c.auto_scaling_groups.delete_auto_scaling_group_schedule(asg.id, schedule.id)
    notifications = c.auto_scaling_groups.create_auto_scaling_group_notification(
        asg.id, {"user_ids": [cat.USER_ID], "notification_events": ["SCALE_OUT"]}
    )
    notification_id = notifications.notifications[0].id
    c.auto_scaling_groups.list_auto_scaling_group_notifications(asg.id)
    c.auto_scaling_groups.show_auto_scaling_group_notification(asg.id, notification_id)
    c.auto_scaling_groups.update_auto_scaling_group_notification(
        asg.id, notification_id, {"notification_state": "INACTIVE"}
    )
    c.auto_scaling_groups.delete_auto_scaling_group_notification(asg.id, notification_id)
    c.auto_scaling_groups.delete_auto_scaling_group(asg.id)
    c.launch_configurations.delete_launch_configuration(lc.id)

    # tear down
    c.servers.delete_server(server_id)
    c.servers.list_servers()
    c.server_groups.delete_server_group(group.id)
    c.keypairs.delete_keypair("walk-key")


@pytest.mark.parametrize("version", ["1.1", "1.0"])
def test_every_operation_answers_its_documented_status(simulator: RunningSimulator, version: str) -> None:
    client = RecordingClient(simulator.config(), api_version=version)
    walk_the_whole_api(client)

    statuses = {name: status for name, _, status in client.seen}
    assert set(statuses) == set(OPERATIONS), f"not exercised: {sorted(set(OPERATIONS) - set(statuses))}"
    wrong = {
        name: (status, OPERATIONS[name].success_status)
        for name, status in statuses.items()
        if status != OPERATIONS[name].success_status
    }
    assert wrong == {}
    sent_versions = {name: v for name, v, _ in client.seen}
    expected = {name: version if version in op.versions else op.version for name, op in OPERATIONS.items()}
    assert sent_versions == expected


def test_operations_only_in_1_0_are_refused_in_1_1(simulator: RunningSimulator) -> None:
    response = httpx.post(
        f"{simulator.url}/v1/servers/x/security-groups",
        headers={"Scp-API-Version": "virtualserver 1.1"},
        json={"security_group_id": "y"},
        auth=ScpAuth(simulator.config()),
    )
    assert response.status_code == 404
    assert "only in 1.0" in response.json()["errors"][0]["detail"]
