"""Snapshot and restore: a data volume, a snapshot of it, and a new volume restored from
the snapshot; set `revertTo` in the stack config to roll the original back in place."""

import pulumi

import pulumi_scpvs as scpvs

config = pulumi.Config()
data = scpvs.Volume("data", size=32, revert_to_snapshot_id=config.get("revertTo"))
nightly = scpvs.Snapshot("data-nightly", volume_id=data.id, description="nightly backup")
restored = scpvs.Volume("data-restored", size=32, snapshot_id=nightly.id)

pulumi.export("snapshot_id", nightly.id)
pulumi.export("restored_volume_id", restored.id)
pulumi.export("restored_from", restored.id.apply(lambda vid: scpvs.lookups.get_volume(id=vid).snapshot_id))
