"""Engine test program: a replacement whose create fails must leave the old volume alone."""

import pulumi

import pulumi_scpvs as scpvs

volume_type = pulumi.Config().get("volumeType") or "SSD"
volume = scpvs.Volume("data", size=8, volume_type=volume_type)
pulumi.export("volume_id", volume.id)
