"""Engine test program: one volume, from the snapshot ``snapshotId`` when that is set (a missing
snapshot makes the create fail for sure)."""

import pulumi

import pulumi_scpvs as scpvs

volume = scpvs.Volume("data", size=8, volume_type="SSD", snapshot_id=pulumi.Config().get("snapshotId"))
pulumi.export("volume_id", volume.id)
