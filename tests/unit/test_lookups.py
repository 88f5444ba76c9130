"""Lookup functions against an in-process simulator."""

from __future__ import annotations

from pathlib import Path

import httpx
import pulumi
import pytest

from pulumi_scpvs import lookups
from pulumi_scpvs.scp import ScpClient
from pulumi_scpvs.scp._config import resolve_config
from pulumi_scpvs.simulator import SimulatorApp, SimulatorSettings, World
from pulumi_scpvs.simulator import catalogue as cat


@pytest.fixture
def client() -> ScpClient:
    app = SimulatorApp(World(), SimulatorSettings("AK", "SK", transition_seconds=0))
    config = resolve_config(
        {"endpoint": "http://sim", "access_key": "AK", "secret_key": "SK"}, environ={}, home=Path("/x")
    )
    c = ScpClient(config, transport=httpx.WSGITransport(app=app))
    c.keypairs.create_keypair({"name": "k"})
    server = c.servers.create_server(
        {
            "name": "web",
            "image_id": cat.IMAGE_UBUNTU,
            "keypair_name": "k",
            "server_type_id": "s1v1m2",
            "networks": [{"subnet_id": cat.SUBNET_ID}],
        }
    ).servers[0]
    c.servers.show_server(server.id)
    for name in ("twin", "twin"):
        c.volumes.create_volume({"name": name, "size": 8})
    return c


def test_catalogue_lookups(client: ScpClient) -> None:
    assert [t.id for t in lookups.get_server_types(client=client, min_ram=8192)] == ["s1v4m8", "s1v8m16", "s1v16m32"]
    assert lookups.get_server_type(id="s1v1m2", client=client).vcpus == 1
    assert lookups.get_image(name="Ubuntu 22.04", client=client).id == cat.IMAGE_UBUNTU
    assert {i.name for i in lookups.get_images(os_distro="rocky", client=client)} == {"Rocky Linux 9.4"}
    assert lookups.get_pending_images(client=client) == []
    assert lookups.get_default_volume_type(client=client).name == "SSD"
    assert {t.name for t in lookups.get_volume_types(client=client)} == {"SSD", "HDD", "SSD_MultiAttach"}
    assert lookups.get_volume_type(id="HDD", client=client).name == "HDD"
    assert lookups.get_partition_size(client=client) == 3
    assert lookups.get_default_configs(client=client)["default_subnet_id"] == cat.SUBNET_ID


def test_object_lookups_and_quota_usage(client: ScpClient) -> None:
    server = lookups.get_server(name="web", client=client)
    assert lookups.get_server(id=server.id, client=client).name == "web"
    assert lookups.get_servers(state="ACTIVE", client=client)[0].id == server.id
    assert lookups.get_server_quota_set(client=client).instances.in_use == 1
    assert lookups.get_volume_quota_set(client=client).volumes.in_use == 3
    assert lookups.get_keypair(name="k", client=client).name == "k"
    assert [k.name for k in lookups.get_keypairs(client=client)] == ["k"]
    assert lookups.get_server_ips(server_id=server.id, client=client)[0].subnet_name == "subnet-web"
    assert len(lookups.get_server_interfaces(server_id=server.id, client=client)) == 1
    assert len(lookups.get_server_volumes(server_id=server.id, client=client)) == 1
    assert lookups.get_server_security_groups(server_id=server.id, client=client) == []
    assert "Booting web" in lookups.get_server_console_log(server_id=server.id, client=client)
    assert lookups.get_server_password(server_id=server.id, client=client) is None


def test_lookups_that_expect_one_object_name_the_filter(client: ScpClient) -> None:
    with pytest.raises(
        lookups.LookupFailedError, match="no image matches name='Debian'; the images there: "
    ) as missing:
        lookups.get_image(name="Debian", client=client)
    assert isinstance(missing.value, pulumi.RunError), "a program stopped by a lookup would print a traceback"
    assert "'Ubuntu 22.04'" in str(missing.value), missing.value
    with pytest.raises(lookups.LookupFailedError, match=r"the images there: 'Ubuntu 22.04'"):
        lookups.get_image(name="Ubuntu 22.4", client=client)  # the nearest name first
    with pytest.raises(lookups.LookupFailedError, match="no server has id 'no-such-server' \\(SCP answered 404\\)"):
        lookups.get_server(id="no-such-server", client=client)
    with pytest.raises(lookups.LookupFailedError, match=r"2 volumes match name='twin' \(.*\); narrow the filter"):
        lookups.get_volume(name="twin", client=client)
    with pytest.raises(lookups.LookupFailedError, match="exactly one of id or name"):
        lookups.get_server(client=client)
