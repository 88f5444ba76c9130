"""Engine test program: bring existing objects under management with adopt_id."""

import pulumi

import pulumi_scpvs as scpvs

config = pulumi.Config()
key = scpvs.Keypair("legacy-key", name="legacy-key", adopt_id=config.require("keyName"))
volume = scpvs.Volume("legacy-data", name="legacy-data", size=24, adopt_id=config.require("volumeId"))

pulumi.export("key_name", key.name)
pulumi.export("volume_id", volume.id)
pulumi.export("volume_size", volume.size)
