"""Quickstart: a generated key pair and one server, on the embedded simulator by default.

Against a real SCP account set ``scpvs:region`` and the credentials (see the README),
and the ids below through stack config: ``imageId``, ``serverType``, ``subnetId`` and
``securityGroupId``. The simulator's catalogue ids are defaults on the embedded simulator
only; elsewhere a missing key stops the program with an error naming it.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.lookups import config_id
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()

keypair = scpvs.Keypair("quickstart-key")

server = scpvs.Server(
    "quickstart-web",
    image_id=config_id(config, "imageId", on_simulator=catalogue.IMAGE_UBUNTU),
    server_type_id=config_id(config, "serverType", on_simulator="s1v1m2"),
    keypair_name=keypair.name,
    networks=[{"subnet_id": config_id(config, "subnetId", on_simulator=catalogue.SUBNET_ID)}],
    boot_volume={"size": 16},
    security_group_ids=[config_id(config, "securityGroupId", on_simulator=catalogue.SECURITY_GROUP_ID)],
)

pulumi.export("keypair_name", keypair.name)
pulumi.export("keypair_fingerprint", keypair.fingerprint)
pulumi.export("private_key", keypair.private_key)
pulumi.export("server_id", server.id)
pulumi.export("server_name", server.name)
pulumi.export("server_state", server.state)
pulumi.export("private_ip", server.addresses.apply(lambda a: a[0].ip_addresses[0].ip_address if a else None))
