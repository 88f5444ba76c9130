"""A two-tier web application: two web machines spread by an anti-affinity group, the
first one reachable on a public IP, and a database machine with a data volume. Built
from the `VirtualMachine` component. The image and the web subnet come from lookups (by
name, and the region's default subnet), so they work on a real account as they are; the
database subnet (`dbSubnetId`) and the public IP (`publicIpId`) must be set in the stack
config there: the simulator's catalogue ids are defaults on the embedded simulator only."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs import lookups
from pulumi_scpvs.components import VirtualMachine
from pulumi_scpvs.lookups import config_id
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
image = lookups.get_image_output(name=config.get("imageName") or "Ubuntu 22.04")
defaults = lookups.get_default_configs()
web_subnet = config.get("webSubnetId") or defaults["default_subnet_id"]
db_subnet = config_id(config, "dbSubnetId", on_simulator=catalogue.SUBNET_ID_2)

public_ip = config_id(config, "publicIpId", on_simulator=catalogue.PUBLIC_IP_IDS[0])

key = scpvs.Keypair("web-key")
spread = scpvs.ServerGroup("web-spread", policy="anti-affinity")
web = [
    VirtualMachine(
        f"web-{index}",
        image_id=image.id,
        subnet_id=web_subnet,
        server_type_id="s1v2m4",
        boot_volume_size=24,
        keypair_name=key.name,
        server_group_id=spread.id,
        public_ip_id=public_ip if index == 0 else None,
        user_data="#cloud-config\npackages: [nginx]\n",
    )
    for index in range(2)
]
db = VirtualMachine("db", image_id=image.id, subnet_id=db_subnet, server_type_id="s1v4m8", data_volume_sizes=[64])

pulumi.export("web_private_ips", [vm.private_ip for vm in web])
pulumi.export("public_ip", web[0].public_ip)
pulumi.export("db_private_ip", db.private_ip)
pulumi.export("db_volume_ids", db.volume_ids)
pulumi.export("web_private_key", key.private_key)
pulumi.export("db_private_key", db.private_key)
