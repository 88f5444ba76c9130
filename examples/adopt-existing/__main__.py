"""Adopting existing objects: bring a key pair and a volume made outside Pulumi under
management with `adopt_id`, without recreating them.

Set `legacyKeyName` and `legacyVolumeId` in the stack config to your objects (and
`legacyVolumeName` / `legacyVolumeSize` when the volume is not `hand-made-data`, 16 GiB).
The program only reads: on the simulator, `python make_demo_objects.py` makes stand-ins
first, as if someone had created them by hand, and prints the config to set.
"""

import pulumi

import pulumi_scpvs as scpvs

config = pulumi.Config()
key_name = config.require("legacyKeyName")
volume_id = config.require("legacyVolumeId")

key = scpvs.Keypair("key", name=key_name, adopt_id=key_name)
volume = scpvs.Volume(
    "data",
    name=config.get("legacyVolumeName") or "hand-made-data",
    size=config.get_int("legacyVolumeSize") or 16,
    adopt_id=volume_id,
)

pulumi.export("adopted_key", key.name)
pulumi.export("adopted_volume", volume.id)
