"""Engine test program for ownership: servers with explicit names, autonamed volumes and a key pair."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
servers = config.get_int("servers") or 2
key = scpvs.Keypair("key")
ids = []
for i in range(servers):
    server = scpvs.Server(
        f"web-{i}",
        name=f"web-{i}",
        image_id=catalogue.IMAGE_UBUNTU,
        server_type_id="s1v1m2",
        keypair_name=key.name,
        networks=[{"subnet_id": catalogue.SUBNET_ID}],
    )
    ids.append(server.id)
volume = scpvs.Volume("data", size=8)
# Another stack's "named-volume" stops the create (nothing proves it ours); its user opts in.
duplicate = {"allow_duplicate_name": True} if config.get_bool("allowDuplicateName") else {}
named = scpvs.Volume("named", name="named-volume", size=8, **duplicate)

pulumi.export("server_ids", ids)
pulumi.export("volume_ids", [volume.id, named.id])
pulumi.export("keypair_name", key.name)
