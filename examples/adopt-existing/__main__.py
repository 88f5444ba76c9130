"""Adopting existing objects: bring a key pair and a volume made outside Pulumi under
management with `adopt_id`, without recreating them.

Set `legacyKeyName` and `legacyVolumeId` to your objects. On the simulator, when they are
not set, the program first makes stand-ins through the API client (once), as if someone
had created them by hand.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs import lookups

config = pulumi.Config()
key_name = config.get("legacyKeyName")
volume_id = config.get("legacyVolumeId")
if not key_name or not volume_id:
    client = lookups.default_client()
    if not [k for k in client.keypairs.list_keypairs().keypairs if k.name == "hand-made-key"]:
        client.keypairs.create_keypair({"name": "hand-made-key"})
    found = lookups.get_volumes(name="hand-made-data")
    key_name = "hand-made-key"
    volume_id = found[0].id if found else client.volumes.create_volume({"name": "hand-made-data", "size": 16}).id

key = scpvs.Keypair("key", name=key_name, adopt_id=key_name)
volume = scpvs.Volume("data", name="hand-made-data", size=16, adopt_id=volume_id)

pulumi.export("adopted_key", key.name)
pulumi.export("adopted_volume", volume.id)
