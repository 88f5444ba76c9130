"""Objects Terraform made are adopted by the program scpvs-from-terraform writes: nothing new, then no change."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.deploy import mutating
from pulumi_scpvs.provider._identity import IDENTITY_RESOURCE_NAME
from pulumi_scpvs.scp import ScpClient
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import RunningSimulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine

SCPVS_TYPE = "pulumi-python:dynamic/scpvs:"
V4_STATE = Path(__file__).resolve().parents[1] / "fixtures" / "terraform-state-v4.json"


def wait_for(show: Callable[[], Any], state: str) -> Any:
    """The object once ``show()`` reports ``state`` (an image's ``status``; the simulator's
    transitions take a fraction of a second)."""
    deadline = time.monotonic() + 60
    while (current := getattr(shown := show(), "state", None) or shown.status) != state:
        assert time.monotonic() < deadline, f"{shown.id} is still {current}"
        time.sleep(0.2)
    return shown


def make_terraform_objects(client: ScpClient) -> dict[str, Any]:
    """What `terraform apply` of the official provider v4 leaves: the objects on the simulator,
    and the v4 fixture state with its ids replaced by theirs (every attribute of the
    fixture's shape kept: is_default, static_nat_id, port_id, max_iops, a plain user_data)."""
    state = json.loads(V4_STATE.read_text())
    by_name = {r["name"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    tf_server, tf_volume, tf_image = by_name["app"], by_name["data"], by_name["golden"]
    ids: dict[str, str] = {}
    image_fields = ("name", "os_distro", "url", "container_format", "disk_format", "min_disk", "min_ram", "protected")
    image = client.images.create_image({field: tf_image[field] for field in image_fields})
    client.images.import_image(image.id, {"url": tf_image["url"]})  # made empty; its file comes from the url
    wait_for(lambda: client.images.show_image(image.id), "active")
    ids[tf_image["id"]] = image.id
    client.keypairs.create_keypair({"name": by_name["ops"]["name"]})
    group = client.server_groups.create_server_group({"name": by_name["spread"]["name"], "policy": "anti-affinity"})
    ids[by_name["spread"]["id"]] = group.id
    nic = tf_server["networks"]["primary"]
    created = client.servers.create_server(
        {
            "name": tf_server["name"],
            "image_id": image.id,
            "keypair_name": by_name["ops"]["name"],
            "server_type_id": tf_server["server_type_id"],
            "networks": [{"subnet_id": cat.SUBNET_ID, "public_ip_id": cat.PUBLIC_IP_IDS[0]}],
            "security_groups": [cat.SECURITY_GROUP_ID],
            "server_group_id": group.id,
            "user_data": base64.b64encode(tf_server["user_data"].encode()).decode(),
            "volumes": [
                {"size": 32, "boot_index": 0, "source_type": "image", "delete_on_termination": True},
                {"size": 64, "boot_index": 1, "source_type": "blank", "delete_on_termination": False},
            ],
            "max_count": 1,
        }
    )
    server = wait_for(lambda: client.servers.show_server(created.servers[0].id), "ACTIVE")
    (interface,) = client.servers.list_server_interfaces(server.id).interfaces
    ids |= {
        tf_server["id"]: server.id,
        nic["subnet_id"]: cat.SUBNET_ID,
        nic["port_id"]: interface.port_id,
        nic["fixed_ip"]: interface.fixed_ips[0].ip_address,
        nic["public_ip_id"]: cat.PUBLIC_IP_IDS[0],
        tf_server["security_groups"][0]: cat.SECURITY_GROUP_ID,
        tf_server["boot_volume"]["id"]: server.volumes[0].id,
        tf_server["extra_volumes"]["scratch"]["id"]: server.volumes[1].id,
    }
    if interface.static_nat is not None:
        ids[nic["static_nat_id"]] = interface.static_nat.id
    del tf_server["networks"]["backend"]  # the simulator's catalogue has one subnet
    volume = client.volumes.create_volume({"name": tf_volume["name"], "size": tf_volume["size"]})
    wait_for(lambda: client.volumes.show_volume(volume.id), "available")
    client.volumes.attach_volume_to_server(volume.id, {"server_id": server.id, "delete_on_termination": False})
    wait_for(lambda: client.volumes.show_volume(volume.id), "in-use")
    ids[tf_volume["id"]] = volume.id
    text = json.dumps(state)
    for fixture_id, live_id in ids.items():
        text = text.replace(json.dumps(fixture_id), json.dumps(live_id))
    return json.loads(text)  # type: ignore[no-any-return]


def test_a_converted_v4_state_previews_and_is_adopted_without_creating_anything(
    project: PulumiProject, engine_simulator: RunningSimulator, tmp_path: Path
) -> None:
    client = engine_simulator.client()
    state = make_terraform_objects(client)
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(state))
    converted = subprocess.run(
        [sys.executable, "-m", "pulumi_scpvs.terraform", str(state_file), "-o", str(project.directory / "__main__.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    program = (project.directory / "__main__.py").read_text()
    values = {r["name"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    user_data = values["app"]["user_data"]
    assert "DB_PASSWORD" not in program and "DB_PASSWORD" not in converted.stderr
    # The secret moves as the program's header says: the converter prints it into `pulumi config set --secret`.
    (command,) = [line.split("run: ", 1)[1] for line in converted.stderr.splitlines() if "--print-secret" in line]
    shell = subprocess.run(
        command.split("  #")[0].replace("scpvs-from-terraform", f"{sys.executable} -m pulumi_scpvs.terraform", 1),
        shell=True,
        cwd=project.directory,
        env=project.env,
        capture_output=True,
        text=True,
    )
    assert shell.returncode == 0, shell.stderr
    assert "DB_PASSWORD" not in (project.directory / "Pulumi.test.yaml").read_text(), "stored encrypted"
    before_objects = httpx.get(f"{engine_simulator.url}/_admin/objects").json()
    before_requests = engine_simulator.requests()

    steps = project.preview_steps()

    assert {step["op"] for name, step in steps.items() if not name.endswith(IDENTITY_RESOURCE_NAME)} == {"create"}
    assert mutating(engine_simulator.requests() - before_requests) == 0, "a preview sends nothing that changes SCP"
    assert httpx.get(f"{engine_simulator.url}/_admin/objects").json() == before_objects

    project.run("up", "--yes")

    assert httpx.get(f"{engine_simulator.url}/_admin/objects").json() == before_objects, "adopted, nothing created"
    exported = project.export()["deployment"]["resources"]
    assert "DB_PASSWORD" not in json.dumps(exported) and user_data not in json.dumps(exported)
    adopted = {
        r["urn"].rsplit("::", 1)[-1]: r
        for r in exported
        if r["type"].startswith(SCPVS_TYPE) and not r["urn"].endswith(IDENTITY_RESOURCE_NAME)
    }
    assert {name: r["type"].removeprefix(SCPVS_TYPE) for name, r in adopted.items()} == {
        "ops": "Keypair",
        "spread": "ServerGroup",
        "golden": "Image",
        "app": "Server",
        "data": "Volume",
        "data_on_app": "VolumeAttachment",
    }
    assert all(r.get("protect") for r in adopted.values()), "adopted objects are protected, as `pulumi import` does"
    assert (adopted["app"]["id"], adopted["ops"]["id"]) == (values["app"]["id"], "ops-key")
    assert adopted["golden"]["id"] == values["golden"]["id"]
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
