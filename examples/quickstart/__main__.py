"""Quickstart: a generated key pair and one server, on the embedded simulator by default.

Against a real SCP account set ``scpvs:region`` and the credentials (see the README),
and the ids below through stack config: ``imageId``, ``subnetId``, ``serverType``.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()

keypair = scpvs.Keypair("quickstart-key")

server = scpvs.Server(
    "quickstart-web",
    image_id=config.get("imageId") or catalogue.IMAGE_UBUNTU,
    server_type_id=config.get("serverType") or "s1v1m2",
    keypair_name=keypair.name,
    networks=[{"subnet_id": config.get("subnetId") or catalogue.SUBNET_ID}],
    boot_volume={"size": 16},
    security_group_ids=[config.get("securityGroupId") or catalogue.SECURITY_GROUP_ID],
)

pulumi.export("keypair_name", keypair.name)
pulumi.export("keypair_fingerprint", keypair.fingerprint)
pulumi.export("private_key", keypair.private_key)
pulumi.export("server_id", server.id)
pulumi.export("server_name", server.name)
pulumi.export("server_state", server.state)
pulumi.export("private_ip", server.addresses.apply(lambda a: a[0].ip_addresses[0].ip_address if a else None))
