"""Objects Terraform made are adopted by the program scpvs-from-terraform writes: nothing new, then no change."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_scpvs import terraform
from pulumi_scpvs.provider._identity import IDENTITY_RESOURCE_NAME
from pulumi_scpvs.scp import ScpClient
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import RunningSimulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine

SCPVS_TYPE = "pulumi-python:dynamic/scpvs:"
PROVIDER = "registry.terraform.io/samsungsdscloud/samsungcloudplatformv2"


def state_resource(kind: str, name: str, values: dict[str, Any], module: str = "") -> dict[str, Any]:
    type_ = f"samsungcloudplatformv2_virtualserver_{kind}"
    prefix = f"{module}." if module else ""
    return {
        "address": f"{prefix}{type_}.{name}",
        "mode": "managed",
        "type": type_,
        "name": name,
        "provider_name": PROVIDER,
        "schema_version": 0,
        "values": values,
        "sensitive_values": {},
    }


def wait_for(show: Callable[[], Any], state: str) -> Any:
    """The object once ``show()`` reports ``state`` (the simulator's transitions take a fraction of a second)."""
    deadline = time.monotonic() + 60
    while (shown := show()).state != state:
        assert time.monotonic() < deadline, f"{shown.id} is still {shown.state}"
        time.sleep(0.2)
    return shown


def make_terraform_objects(client: ScpClient) -> dict[str, Any]:
    """What `terraform apply` of the official provider would have left: the objects, and its state."""
    keypair = client.keypairs.create_keypair({"name": "tf-key"})
    group = client.server_groups.create_server_group({"name": "tf-group", "policy": "anti-affinity"})
    created = client.servers.create_server(
        {
            "name": "tf-web",
            "image_id": cat.IMAGE_UBUNTU,
            "keypair_name": "tf-key",
            "server_type_id": "s1v1m2",
            "networks": [{"subnet_id": cat.SUBNET_ID}],
            "server_group_id": group.id,
            "volumes": [{"size": 16, "boot_index": 0, "source_type": "image", "delete_on_termination": True}],
            "max_count": 1,
        }
    )
    server = wait_for(lambda: client.servers.show_server(created.servers[0].id), "ACTIVE")
    volume = client.volumes.create_volume({"name": "tf-data", "size": 24})
    wait_for(lambda: client.volumes.show_volume(volume.id), "available")
    client.volumes.attach_volume_to_server(volume.id, {"server_id": server.id, "delete_on_termination": False})
    shown = wait_for(lambda: client.volumes.show_volume(volume.id), "in-use")
    server_values = {
        "id": server.id,
        "name": server.name,
        "image_id": server.image_id,
        "keypair_name": server.keypair_name,
        "server_type_id": server.server_type.id,
        "networks": {"interface_1": {"subnet_id": cat.SUBNET_ID, "fixed_ip": None, "port_id": None}},
        "boot_volume": {"size": 16, "type": None, "delete_on_termination": True, "id": server.volumes[0].id},
        "extra_volumes": None,
        "server_group_id": server.server_group_id,
        "partition_number": server.partition_number,
        "product_category": server.product_category,
        "product_offering": server.product_offering,
        "metadata": server.metadata,
        "lock": server.locked,
        "state": server.state,
        "tags": {"migrated": "yes"},
        "account_id": server.account_id,
        "vpc_id": server.vpc_id,
    }
    resources = [
        state_resource("keypair", "deployer", {"id": 7, "name": keypair.name, "tags": None}),
        state_resource("server_group", "spread", {"id": group.id, "name": "tf-group", "policy": "anti-affinity"}),
        state_resource("server", "web", server_values),
    ]
    volume_values = {
        "id": volume.id,
        "name": shown.name,
        "size": shown.size,
        "volume_type": shown.volume_type,
        "servers": [{"id": server.id}],
        "state": shown.state,
    }
    module = {
        "address": "module.storage",
        "resources": [state_resource("volume", "data", volume_values, "module.storage")],
    }
    return {
        "format_version": "1.0",
        "terraform_version": "1.9.8",
        "values": {"root_module": {"resources": resources, "child_modules": [module]}},
    }


def test_a_converted_terraform_state_is_adopted_without_creating_anything(
    project: PulumiProject, engine_simulator: RunningSimulator, tmp_path: Path
) -> None:
    client = engine_simulator.client()
    state = make_terraform_objects(client)
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(state))
    assert terraform.main([str(state_file), "-o", str(project.directory / "__main__.py")]) == 0
    before = httpx.get(f"{engine_simulator.url}/_admin/objects").json()

    project.run("up", "--yes")

    assert httpx.get(f"{engine_simulator.url}/_admin/objects").json() == before, "adopted, nothing created"
    exported = project.export()["deployment"]["resources"]
    adopted = {
        r["urn"].rsplit("::", 1)[-1]: r
        for r in exported
        if r["type"].startswith(SCPVS_TYPE) and not r["urn"].endswith(IDENTITY_RESOURCE_NAME)
    }
    assert {name: r["type"].removeprefix(SCPVS_TYPE) for name, r in adopted.items()} == {
        "deployer": "Keypair",
        "spread": "ServerGroup",
        "web": "Server",
        "data": "Volume",
        "data_on_web": "VolumeAttachment",
    }
    assert all(r.get("protect") for r in adopted.values()), "adopted objects are protected, as `pulumi import` does"
    server_id = state["values"]["root_module"]["resources"][2]["values"]["id"]
    assert (adopted["web"]["id"], adopted["deployer"]["id"]) == (server_id, "tf-key")
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
