"""An image pipeline: build a server, capture it as a custom image, and share that image
with another account (which accepts it)."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
key = scpvs.Keypair("builder-key")
builder = scpvs.Server(
    "builder",
    image_id=config.get("baseImageId") or catalogue.IMAGE_ROCKY,
    server_type_id="s1v2m4",
    keypair_name=key.name,
    networks=[{"subnet_id": config.get("subnetId") or catalogue.SUBNET_ID}],
    user_data="#!/bin/sh\ndnf -y install httpd\n",
)
golden = scpvs.ServerImage("golden", server_id=builder.id)
scpvs.ImageMember(
    "share-with-prod",
    image_id=golden.id,
    member_id=config.get("prodAccountId") or catalogue.OTHER_ACCOUNT_ID,
    status="accepted",
)

pulumi.export("golden_image_id", golden.id)
pulumi.export("golden_image_visibility", golden.visibility)
