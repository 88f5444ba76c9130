"""Make the objects the adopt-existing example adopts, on a simulator, as someone would by hand.

Run it in this directory: it targets what the providers would target from the
environment and ``~/.scpconf`` (by default the embedded simulator, whose state is
``.scpvs/embedded-simulator.db`` here), makes a key pair ``hand-made-key`` and a 16 GiB
volume ``hand-made-data`` unless they exist, and prints the ``pulumi config set``
commands for the example. It refuses any target but a simulator (embedded, or one on
this machine), so it never creates objects in a real account.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from pulumi_scpvs import resolve_config
from pulumi_scpvs.provider import make_client

KEY_NAME = "hand-made-key"
VOLUME_NAME = "hand-made-data"
VOLUME_SIZE = 16
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def main() -> int:
    config = resolve_config()
    if not config.is_embedded and urlsplit(config.endpoint).hostname not in LOCAL_HOSTS:
        print(f"refusing to create demo objects at {config.endpoint}: this script is for a simulator", file=sys.stderr)
        return 2
    client = make_client(config)
    if not [k for k in client.keypairs.list_keypairs().keypairs if k.name == KEY_NAME]:
        client.keypairs.create_keypair({"name": KEY_NAME})
    found = [v for v in client.volumes.iterate_volumes() if v.name == VOLUME_NAME]
    volume_id = found[0].id if found else client.volumes.create_volume({"name": VOLUME_NAME, "size": VOLUME_SIZE}).id
    print(f"pulumi config set legacyKeyName {KEY_NAME}")
    print(f"pulumi config set legacyVolumeId {volume_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
