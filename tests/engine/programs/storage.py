"""Engine test stack: volumes, attachments, snapshots, transfers and an acceptance.

Stage 2 (config ``stage``) changes in-place fields of ``data``, ``attach-spare``, ``snap``
and ``restorable`` (reverted to the snapshot named by config ``revertTo``), and a replace
field of ``typed``, ``attach``, ``forced``, ``offer`` and ``accept``.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

config = pulumi.Config()
two = config.get_int("stage") == 2
key = scpvs.Keypair("key")
common = {"server_type_id": "s1v1m2", "keypair_name": key.name, "networks": [{"subnet_id": cat.SUBNET_ID}]}
host1 = scpvs.Server("host1", image_id=cat.IMAGE_UBUNTU, **common)
host2 = scpvs.Server("host2", image_id=cat.IMAGE_UBUNTU, **common)

data = scpvs.Volume("data", name="data-2" if two else "data", size=24 if two else 16)
typed = scpvs.Volume("typed", size=8, volume_type="HDD" if two else "SSD")
attach = scpvs.VolumeAttachment("attach", volume_id=data.id, server_id=(host2 if two else host1).id)
spare = scpvs.Volume("spare", size=8)
scpvs.VolumeAttachment("attach-spare", volume_id=spare.id, server_id=host1.id, delete_on_termination=two)

base = scpvs.Volume("base", size=8)
scpvs.Snapshot("snap", volume_id=base.id, name="snap-2" if two else "snap", description="after" if two else "before")
forced = scpvs.Snapshot("forced", volume_id=data.id, force=True, metadata={"v": "2" if two else "1"})
restorable = scpvs.Volume("restorable", size=8, revert_to_snapshot_id=config.get("revertTo") if two else None)
restore_point = scpvs.Snapshot("restore-point", volume_id=restorable.id)

gift = scpvs.Volume("gift", size=8)
scpvs.VolumeTransfer("offer", volume_id=gift.id, name="offer-2" if two else "offer")
gift_a = scpvs.Volume("gift-a", size=8)
gift_b = scpvs.Volume("gift-b", size=8)
handover_a = scpvs.VolumeTransfer("handover-a", volume_id=gift_a.id)
handover_b = scpvs.VolumeTransfer("handover-b", volume_id=gift_b.id)
chosen = handover_b if two else handover_a
scpvs.VolumeTransferAcceptance("accept", transfer_id=chosen.id, auth_key=chosen.auth_key)

pulumi.export("data_id", data.id)
pulumi.export("base_id", base.id)
pulumi.export("forced_id", forced.id)
pulumi.export("restore_point_id", restore_point.id)
pulumi.export("offer_auth_key", handover_b.auth_key)
