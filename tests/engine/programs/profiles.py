"""Engine test stack: one program, three accounts and two regions, chosen per resource by profile.

The default settings are the home simulator; profile ``dr`` is another simulator (another
region and account); profile ``consumer`` is another account of the home region, which
accepts the golden image the home account shares with it.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs import lookups
from pulumi_scpvs.components import GoldenImage
from pulumi_scpvs.simulator import catalogue as cat

config = pulumi.Config()
# "default" moves the dr volume to the default settings: refused, the volume stays in dr.
dr_volume_profile = config.get("drVolumeProfile") or "dr"

home = scpvs.Volume("home-data", size=8)
dr = scpvs.Volume("dr-data", size=16, profile=None if dr_volume_profile == "default" else dr_volume_profile)
dr_key = scpvs.Keypair("dr-key", profile="dr")
golden = GoldenImage(
    "golden",
    base_image_id=cat.IMAGE_ROCKY,
    subnet_id=cat.SUBNET_ID,
    user_data="#!/bin/sh\necho golden\n",
    consumer_profiles={cat.OTHER_ACCOUNT_ID: "consumer"},
)

pulumi.export("home_volume_id", home.id)
pulumi.export("dr_volume_id", dr.id)
pulumi.export("dr_key_name", dr_key.name)
# A lookup in the program's process, in the dr profile.
pulumi.export("dr_key_fingerprint", lookups.get_keypair_output(name=dr_key.name, profile="dr").fingerprint)
pulumi.export("golden_image_id", golden.image_id)
pulumi.export("accepted_by", golden.accepted_by)
