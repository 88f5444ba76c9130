"""An image pipeline from the `GoldenImage` component: build a server from a base image
and user data, capture it as a custom image, and share it with another account, which
accepts it.

On a real account set `baseImageId`, `subnetId` and `prodAccountId` in the stack config;
the simulator's catalogue ids are defaults on the embedded simulator only."""

import pulumi

from pulumi_scpvs.components import GoldenImage
from pulumi_scpvs.lookups import config_id
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
golden = GoldenImage(
    "golden-web",
    base_image_id=config_id(config, "baseImageId", on_simulator=catalogue.IMAGE_ROCKY),
    subnet_id=config_id(config, "subnetId", on_simulator=catalogue.SUBNET_ID),
    user_data="#!/bin/sh\ndnf -y install httpd && systemctl enable httpd\n",
    share_with_accounts=[config_id(config, "prodAccountId", on_simulator=catalogue.OTHER_ACCOUNT_ID)],
)

pulumi.export("golden_image_id", golden.image_id)
pulumi.export("golden_image_name", golden.image_name)
pulumi.export("shared_with", golden.shared_with)
