"""The believable catalogue every fresh simulator world starts with.

Ids are fixed so that examples and tests can name them (the ``SIM_*`` constants).
"""

from __future__ import annotations

from typing import Any

from ._world import World

ACCOUNT_ID = "a8f10467abfc4b87b64614ab36eb9ae4"
OTHER_ACCOUNT_ID = "b7e21578bcad4c98a75725bc47fa0bf5"
USER_ID = "97e6b22c9a4143789ca522df7457a32f"
USER_NAME = "scpvs-demo-user"

VPC_ID = "cc976b621087484ea5fd527f4b78708b"
SUBNET_ID = "78b2ee3f074145c580ab6abac4821f97"
SUBNET_ID_2 = "5d1c7e0a2b3f4e6a9c8d7e6f5a4b3c2d"
SECURITY_GROUP_ID = "c09c3f05-03d9-443f-b27a-40e0f973c75f"
SECURITY_GROUP_ID_2 = "7f1d2c3b-4a5e-4f60-8a9b-0c1d2e3f4a5b"
PUBLIC_IP_IDS = (
    "615fa9cd5cff486c9de679b3ce63e601",
    "726ab0de6d00597dae78a0c4df74f712",
    "837bc1ef7e116a8ebf89b1d5e085a823",
)
PRIVATE_NAT_ID = "9a1b2c3d4e5f40718293a4b5c6d7e8f9"
PRIVATE_NAT_IP_ID = "0f1e2d3c4b5a49687766554433221100"
PRIVATE_NAT_IP_ID_2 = "1f2e3d4c5b6a49786655443322110099"
LB_SERVER_GROUP_ID = "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f"

IMAGE_UBUNTU = "70a599e0-31e7-49b7-b260-868f441e862b"
IMAGE_ROCKY = "4e0c7b1a-9d2f-4a3b-8c5d-6e7f8a9b0c1d"
IMAGE_WINDOWS = "d2b4f6a8-1c3e-4d5f-9a7b-8c6d4e2f0a1b"
DEFAULT_VOLUME_TYPE = "SSD"

CREATED_AT = "2026-01-05T00:00:00Z"

SUBNETS: dict[str, dict[str, Any]] = {
    SUBNET_ID: {"name": "subnet-web", "vpc_id": VPC_ID, "cidr": "192.168.10.0/24"},
    SUBNET_ID_2: {"name": "subnet-app", "vpc_id": VPC_ID, "cidr": "192.168.20.0/24"},
}
SECURITY_GROUPS: dict[str, str] = {SECURITY_GROUP_ID: "sg-default", SECURITY_GROUP_ID_2: "sg-web"}


def _server_type(vcpus: int, ram: int, description: str) -> dict[str, Any]:
    name = f"s1v{vcpus}m{ram}"
    return {
        "id": name,
        "name": name,
        "description": description,
        "vcpus": vcpus,
        "ram": ram * 1024,
        "disk": 0,
        "ephemeral": 0,
        "swap": 0,
        "extra_specs": {"hw:cpu_sockets": "1"},
    }


def _image(image_id: str, name: str, os_distro: str, min_disk: int) -> dict[str, Any]:
    return {
        "id": image_id,
        "name": name,
        "os_distro": os_distro,
        "status": "active",
        "visibility": "public",
        "container_format": "bare",
        "disk_format": "qcow2",
        "min_disk": min_disk,
        "min_ram": 0,
        "protected": True,
        "os_hidden": False,
        "owner": "scp-standard-images",
        "owner_account_name": "SCP",
        "owner_user_name": None,
        "file": f"/v2/images/{image_id}/file",
        "checksum": "a3f5c0b2d1e4f6a7b8c9d0e1f2a3b4c5",
        "os_hash_algo": "sha512",
        "os_hash_value": None,
        "root_device_name": "/dev/vda",
        "scp_image_type": "standard",
        "scp_k8s_version": None,
        "scp_original_image_type": "standard",
        "scp_os_build_version": None,
        "scp_os_version": None,
        "size": min_disk * 1024**3 // 4,
        "virtual_size": min_disk * 1024**3,
        "url": None,
        "volumes": None,
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
        "_owner_account": "scp",
    }


def seed(world: World) -> None:
    """Fill an empty world with the catalogue (does nothing when already seeded)."""
    if world.get("meta", "seeded") is not None:
        return
    for server_type in (
        _server_type(1, 2, "General 1 vCPU, 2 GiB"),
        _server_type(2, 4, "General 2 vCPU, 4 GiB"),
        _server_type(4, 8, "General 4 vCPU, 8 GiB"),
        _server_type(8, 16, "General 8 vCPU, 16 GiB"),
        _server_type(16, 32, "General 16 vCPU, 32 GiB"),
    ):
        world.put("server_type", server_type["id"], server_type)
    for image in (
        _image(IMAGE_UBUNTU, "Ubuntu 22.04", "ubuntu", 16),
        _image(IMAGE_ROCKY, "Rocky Linux 9.4", "rocky", 16),
        _image(IMAGE_WINDOWS, "Windows Server 2022", "windows", 64),
    ):
        world.put("image", image["id"], image)
    for name, multiattach, description in (
        ("SSD", "False", "General purpose SSD"),
        ("HDD", "False", "Throughput HDD"),
        ("SSD_MultiAttach", "True", "SSD that several servers may attach"),
    ):
        world.put(
            "volume_type",
            f"vt-{name.lower()}",
            {
                "id": f"vt-{name.lower()}",
                "name": name,
                "description": description,
                "extra_specs": {"multiattach": multiattach},
            },
        )
    for subnet_id, subnet in SUBNETS.items():
        world.put("subnet", subnet_id, {"id": subnet_id, **subnet})
    for group_id, name in SECURITY_GROUPS.items():
        world.put(
            "security_group",
            group_id,
            {
                "id": group_id,
                "name": name,
                "account_id": ACCOUNT_ID,
                "description": f"{name} (simulator catalogue)",
                "rules": [
                    {
                        "id": f"{group_id[:8]}-ssh",
                        "ip_protocol": "tcp",
                        "from_port": 22,
                        "to_port": 22,
                        "ip_range": {"cidr": "0.0.0.0/0"},
                    }
                ],
            },
        )
    for index, public_ip_id in enumerate(PUBLIC_IP_IDS):
        world.put("public_ip", public_ip_id, {"id": public_ip_id, "ip_address": f"203.0.113.{10 + index}"})
    world.put(
        "private_nat",
        PRIVATE_NAT_ID,
        {"id": PRIVATE_NAT_ID, "ip_ids": {PRIVATE_NAT_IP_ID: "100.64.0.10", PRIVATE_NAT_IP_ID_2: "100.64.0.11"}},
    )
    world.put(
        "lb_server_group",
        LB_SERVER_GROUP_ID,
        {
            "id": LB_SERVER_GROUP_ID,
            "name": "lb-web",
            "created_at": CREATED_AT,
            "created_by": USER_ID,
            "modified_at": CREATED_AT,
            "modified_by": USER_ID,
        },
    )
    world.put(
        "default_config",
        "configs",
        {
            "configs": {
                "default_server_type_id": "s1v1m2",
                "default_image_id": IMAGE_UBUNTU,
                "default_volume_type": DEFAULT_VOLUME_TYPE,
                "default_vpc_id": VPC_ID,
                "default_subnet_id": SUBNET_ID,
                "default_security_group_id": SECURITY_GROUP_ID,
            }
        },
    )
    world.put("meta", "seeded", {"at": world.clock()})
