"""Engine test program: explicitly named volumes (no readable mark) and a generated key pair.

Config: ``volumes`` (comma-separated resource names, default ``a,b,c``; each volume is
named ``<prefix><resource name>``), ``prefix`` (default ``shared-``), ``keypair``
(default true), ``adopt`` (an object: resource name -> the ``adopt_id`` a user set after
a hint) and ``allowDuplicateName`` (resource names that opt in to ``allow_duplicate_name``).
"""

import pulumi

import pulumi_scpvs as scpvs

config = pulumi.Config()
adopt = config.get_object("adopt") or {}
duplicates = set(config.get_object("allowDuplicateName") or [])
prefix = config.get("prefix") or "shared-"


def opts(name: str) -> dict:
    given = {"adopt_id": adopt[name]} if name in adopt else {}
    return {**given, "allow_duplicate_name": True} if name in duplicates else given


volumes = [
    scpvs.Volume(name, name=f"{prefix}{name}", size=8, **opts(name))
    for name in (config.get("volumes") or "a,b,c").split(",")
]
pulumi.export("volume_ids", [v.id for v in volumes])
if config.get_bool("keypair") is not False:
    key = scpvs.Keypair("key", **opts("key"))
    pulumi.export("keypair_name", key.name)
    pulumi.export("private_key", key.private_key)
