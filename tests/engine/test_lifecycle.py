"""The real engine: up, preview of a code change, up, out-of-band deletion and refresh, destroy."""

from __future__ import annotations

import base64

import httpx
import pytest

from pulumi_scpvs.scp._errors import NotFoundError
from pulumi_scpvs.scp._generated.operations import OPERATIONS
from pulumi_scpvs.simulator import catalogue

from ..conftest import SECRET_KEY, RunningSimulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine

SERVER, KEYPAIR = "pulumi-python:dynamic/scpvs:Server", "pulumi-python:dynamic/scpvs:Keypair"


def test_full_lifecycle_under_the_engine(project: PulumiProject, engine_simulator: RunningSimulator) -> None:
    client = engine_simulator.client()

    # up: everything is created in the simulator, outputs are typed and the private key is a secret
    project.run("up", "--yes")
    outputs = project.outputs()
    servers = {s.id: s for s in client.servers.list_servers().servers}
    assert set(servers) == {outputs["app_id"], outputs["db_id"]}
    assert servers[outputs["app_id"]].name == "app-1"
    assert servers[outputs["db_id"]].name.startswith("db-")
    assert all(s.state == "ACTIVE" for s in servers.values())
    assert client.keypairs.show_keypair(outputs["keypair_name"]).name == outputs["keypair_name"]
    assert outputs["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    exported = str(project.export())
    assert outputs["private_key"].splitlines()[1] not in exported, "the private key is stored in plain text"
    assert SECRET_KEY not in exported, "the secret key leaked into the state"
    user_data = "#!/bin/sh\necho lifecycle-user-data"
    for stored in ("lifecycle-user-data", base64.b64encode(user_data.encode()).decode()):
        assert stored not in exported, "a secret input (user_data) is stored in plain text"
    assert outputs["offer_auth_key"] not in exported, "a secret output (auth_key) is stored in plain text"

    # nothing to do: a preview plans no change at all
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}

    # a code change: the preview shows an in-place update and a replacement
    project.use_program("stack_v2.py")
    steps = project.preview_steps()
    assert steps["app"]["op"] == "update"
    old_inputs, new_inputs = steps["app"]["oldState"]["inputs"], steps["app"]["newState"]["inputs"]
    changed = {
        k for k in old_inputs.keys() | new_inputs.keys() if old_inputs.get(k) != new_inputs.get(k) and k != "__provider"
    }
    assert changed == {"name"}
    assert steps["db"]["op"] == "replace"
    assert "image_id" in steps["db"]["replaceReasons"]
    assert steps.get("key", {"op": "same"})["op"] == "same"  # unchanged resources may be omitted

    project.run("up", "--yes")
    outputs_v2 = project.outputs()
    assert outputs_v2["app_id"] == outputs["app_id"], "an in-place update must keep the server"
    assert client.servers.show_server(outputs["app_id"]).name == "app-renamed"
    assert outputs_v2["db_id"] != outputs["db_id"]
    assert client.servers.show_server(outputs_v2["db_id"]).image_id == catalogue.IMAGE_ROCKY
    with pytest.raises(NotFoundError):
        client.servers.show_server(outputs["db_id"])

    # drift: a rename outside Pulumi shows up on refresh and is converged by up
    client.servers.update_server(outputs_v2["db_id"], {"name": "renamed-by-hand"})
    project.run("refresh", "--yes")
    assert project.preview_steps()["db"]["op"] == "update"
    project.run("up", "--yes")
    assert client.servers.show_server(outputs_v2["db_id"]).name == outputs_v2["db_name"]

    # out-of-band deletion: refresh drops the server from the state
    client.servers.delete_server(outputs["app_id"])
    project.run("refresh", "--yes")
    resources = project.export()["deployment"]["resources"]
    names = {r["urn"].rsplit("::", 1)[-1]: r["type"] for r in resources if r["type"] in (SERVER, KEYPAIR)}
    assert names == {"key": KEYPAIR, "db": SERVER}

    # destroy: the simulator is left empty; the secret key never reached the CLI's output
    project.run("destroy", "--yes")
    assert SECRET_KEY not in "\n".join(project.log)
    assert client.servers.list_servers().servers == []
    assert client.keypairs.list_keypairs().keypairs == []
    assert client.volumes.list_volumes().volumes == []


def test_bad_inputs_fail_at_preview_naming_field_and_rule(
    project: PulumiProject, engine_simulator: RunningSimulator
) -> None:
    project.use_program("bad_inputs.py")
    result = project.run("preview", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "has a problem: 12 GiB is not a multiple of 8" in output and "property boot_volume.size" in output
    assert "property power_state value {PAUSED} has a problem: Input should be 'ACTIVE' or 'SHUTOFF'" in output
    assert "property timeouts.create" in output and "'whenever' is not a duration" in output
    counts = httpx.get(f"{engine_simulator.url}/_admin/requests").json()
    assert {name for name in counts if OPERATIONS[name].method != "GET"} == set()


def test_adopting_existing_objects(project: PulumiProject, engine_simulator: RunningSimulator) -> None:
    client = engine_simulator.client()
    client.keypairs.create_keypair({"name": "legacy-key"})
    volume = client.volumes.create_volume({"name": "legacy-data", "size": 16})
    project.use_program("adopt.py")
    project.configure({"keyName": "legacy-key", "volumeId": volume.id})

    project.run("up", "--yes")
    outputs = project.outputs()
    assert (outputs["key_name"], outputs["volume_id"], outputs["volume_size"]) == ("legacy-key", volume.id, 24)
    assert [v.id for v in client.volumes.list_volumes().volumes] == [volume.id], "adopted, not created"
    assert [k.name for k in client.keypairs.list_keypairs().keypairs] == ["legacy-key"]
    assert client.volumes.show_volume(volume.id).size == 24, "in-place fields converge on adoption"
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}

    project.run("destroy", "--yes")
    assert client.volumes.list_volumes().volumes == [] and client.keypairs.list_keypairs().keypairs == []


def test_a_failed_replacement_leaves_the_old_object_untouched(
    project: PulumiProject, engine_simulator: RunningSimulator
) -> None:
    client = engine_simulator.client()
    project.use_program("replace_fails.py")
    project.run("up", "--yes")
    old_id = project.outputs()["volume_id"]

    project.run("config", "set", "volumeType", "NO_SUCH_TYPE")  # refused by SCP at create time
    result = project.run("up", "--yes", check=False)
    assert result.returncode != 0 and "volume type 'NO_SUCH_TYPE' not found" in result.stdout
    assert [v.id for v in client.volumes.list_volumes().volumes] == [old_id]
    assert client.volumes.show_volume(old_id).volume_type == "SSD"
    assert project.outputs()["volume_id"] == old_id

    project.run("config", "set", "volumeType", "SSD")
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
    project.run("destroy", "--yes")
    assert client.volumes.list_volumes().volumes == []
