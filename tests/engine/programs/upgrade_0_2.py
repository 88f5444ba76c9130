"""Engine test program for the upgrade from 0.2.0: the same file runs on 0.2.0 and on this version.

Kinds whose outputs differ from their inputs in each way: a key pair (the API makes its
public key), a server (a secret input, nested networks), a volume (an input left unset
that the API fills in: its type), an attachment, and a launch configuration (a secret
input and lists). The volume's size comes from the config, to change it after the upgrade.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

config = pulumi.Config()
key = scpvs.Keypair("key")
app = scpvs.Server(
    "app",
    image_id=cat.IMAGE_UBUNTU,
    server_type_id="s1v1m2",
    keypair_name=key.name,
    networks=[{"subnet_id": cat.SUBNET_ID}],
    user_data="#!/bin/sh\necho DB_PASSWORD=upgrade-secret-value\n",
)
data = scpvs.Volume("data", size=config.require_int("size"))
scpvs.VolumeAttachment("data-attach", volume_id=data.id, server_id=app.id)
scpvs.LaunchConfiguration(
    "template",
    image_id=cat.IMAGE_UBUNTU,
    server_type_id="s1v1m2",
    keypair_name=key.name,
    user_data="#!/bin/sh\necho DB_PASSWORD=upgrade-secret-value\n",
)
