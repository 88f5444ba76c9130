"""A two-tier web application: two web servers spread by an anti-affinity group, one of
them reachable on a public IP through a static NAT, and a database server with a data
volume attached. Ids come from lookups, so the program runs unchanged on a real account
once the names in the stack config exist there."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs import lookups

config = pulumi.Config()
image = lookups.get_image_output(name=config.get("imageName") or "Ubuntu 22.04")
defaults = lookups.get_default_configs()
web_subnet = config.get("webSubnetId") or defaults["default_subnet_id"]
db_subnet = config.get("dbSubnetId") or "5d1c7e0a2b3f4e6a9c8d7e6f5a4b3c2d"
public_ip_id = config.get("publicIpId") or "615fa9cd5cff486c9de679b3ce63e601"

key = scpvs.Keypair("web-key")
spread = scpvs.ServerGroup("web-spread", policy="anti-affinity")

web = [
    scpvs.Server(
        f"web-{index}",
        image_id=image.id,
        server_type_id="s1v2m4",
        keypair_name=key.name,
        server_group_id=spread.id,
        networks=[{"subnet_id": web_subnet}],
        boot_volume={"size": 24},
        user_data="#cloud-config\npackages: [nginx]\n",
    )
    for index in range(2)
]
front = scpvs.StaticNat(
    "web-public",
    server_id=web[0].id,
    port_id=lookups.get_server_interfaces_output(server_id=web[0].id).apply(lambda nics: nics[0].port_id),
    publicip_id=public_ip_id,
)

db = scpvs.Server(
    "db",
    image_id=image.id,
    server_type_id="s1v4m8",
    keypair_name=key.name,
    networks=[{"subnet_id": db_subnet}],
)
data = scpvs.Volume("db-data", size=64, volume_type="SSD")
scpvs.VolumeAttachment("db-data-attach", volume_id=data.id, server_id=db.id)

pulumi.export("web_server_ids", [s.id for s in web])
pulumi.export("public_ip", front.external_ip_address)
pulumi.export("db_private_ip", db.addresses.apply(lambda a: a[0]["ip_addresses"][0]["ip_address"]))
pulumi.export("private_key", key.private_key)
