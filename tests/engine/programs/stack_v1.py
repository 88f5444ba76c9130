"""Engine test program, first version: a key pair and two servers."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue

keypair = scpvs.Keypair("key")
network = [{"subnet_id": catalogue.SUBNET_ID}]
app = scpvs.Server(
    "app",
    name="app-1",
    image_id=catalogue.IMAGE_UBUNTU,
    server_type_id="s1v1m2",
    keypair_name=keypair.name,
    networks=network,
    timeouts={"create": "2m"},
)
db = scpvs.Server(
    "db",
    image_id=catalogue.IMAGE_UBUNTU,
    server_type_id="s1v1m2",
    keypair_name=keypair.name,
    networks=network,
    data_volumes=[{"size": 16}],
)

# Secrets the state keeps encrypted: a launch configuration's user_data (a secret input) and
# a volume transfer's auth_key (a secret output).
launch = scpvs.LaunchConfiguration(
    "launch",
    image_id=catalogue.IMAGE_UBUNTU,
    keypair_name=keypair.name,
    server_type_id="s1v1m2",
    user_data="#!/bin/sh\necho lifecycle-user-data",
)
gift = scpvs.Volume("gift", size=8)
offer = scpvs.VolumeTransfer("offer", volume_id=gift.id)

pulumi.export("keypair_name", keypair.name)
pulumi.export("private_key", keypair.private_key)
pulumi.export("app_id", app.id)
pulumi.export("db_id", db.id)
pulumi.export("db_name", db.name)
pulumi.export("offer_auth_key", offer.auth_key)
