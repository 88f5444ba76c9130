"""An image pipeline from the `GoldenImage` component: build a server from a base image
and user data, capture it as a custom image, and share it with another account. With
`prodProfile` set (a profile of `scpvs:profiles` whose credentials are that account's),
the share is accepted there too; otherwise the other account accepts it in its own stack.

On a real account set `baseImageId`, `subnetId` and `prodAccountId` in the stack config;
the simulator's catalogue ids are defaults on the embedded simulator only."""

import pulumi

from pulumi_scpvs.components import GoldenImage
from pulumi_scpvs.lookups import config_id
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
prod_account = config_id(config, "prodAccountId", on_simulator=catalogue.OTHER_ACCOUNT_ID)
prod_profile = config.get("prodProfile")
golden = GoldenImage(
    "golden-web",
    base_image_id=config_id(config, "baseImageId", on_simulator=catalogue.IMAGE_ROCKY),
    subnet_id=config_id(config, "subnetId", on_simulator=catalogue.SUBNET_ID),
    user_data="#!/bin/sh\ndnf -y install httpd && systemctl enable httpd\n",
    share_with_accounts=[prod_account],
    consumer_profiles={prod_account: prod_profile} if prod_profile else None,
)

pulumi.export("golden_image_id", golden.image_id)
pulumi.export("golden_image_name", golden.image_name)
pulumi.export("shared_with", golden.shared_with)
pulumi.export("accepted_by", golden.accepted_by)
