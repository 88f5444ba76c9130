"""Engine test program: one volume of ``size`` GiB (config ``size``, 16 by default)."""

import pulumi

import pulumi_scpvs as scpvs

volume = scpvs.Volume("data", size=pulumi.Config().get_int("size") or 16, volume_type="SSD")
pulumi.export("volume_id", volume.id)
pulumi.export("size", volume.size)
