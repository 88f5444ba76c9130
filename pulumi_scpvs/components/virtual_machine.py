"""``VirtualMachine``: a server with its boot volume, data volumes, optional public IP and key pair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from .. import lookups
from ..resources import Keypair, Server, StaticNat, Volume, VolumeAttachment


class VirtualMachine(pulumi.ComponentResource):
    """One virtual machine the way an application team wants it.

    Creates the server (boot volume of ``boot_volume_size`` GiB), one volume per entry of
    ``data_volume_sizes`` attached to it, a static NAT from ``public_ip_id`` when given,
    and a generated key pair unless ``keypair_name`` names an existing one (its private
    half is the secret output ``private_key``). Everything lives in the account and region
    of ``profile`` (see docs/configuration.md: Profiles; by default the ``scpvs:*`` settings).

    Outputs: ``server_id``, ``private_ip``, ``public_ip`` (or ``None``), ``volume_ids``,
    ``keypair_name``, ``private_key``.
    """

    server_id: pulumi.Output[str]
    private_ip: pulumi.Output[str]
    public_ip: pulumi.Output[str | None]
    volume_ids: pulumi.Output[list[str]]
    keypair_name: pulumi.Output[str]
    private_key: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        *,
        image_id: pulumi.Input[str],
        subnet_id: pulumi.Input[str],
        server_type_id: pulumi.Input[str] = "s1v1m2",
        boot_volume_size: int = 16,
        data_volume_sizes: Sequence[int] = (),
        keypair_name: pulumi.Input[str] | None = None,
        public_ip_id: pulumi.Input[str] | None = None,
        server_group_id: pulumi.Input[str] | None = None,
        security_group_ids: pulumi.Input[list[pulumi.Input[str]]] | None = None,
        user_data: pulumi.Input[str] | None = None,
        profile: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("scpvs:components:VirtualMachine", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        private_key: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if keypair_name is None:
            keypair = Keypair(f"{name}-key", profile=profile, opts=child)
            keypair_name, private_key = keypair.name, keypair.private_key
        server = Server(
            name,
            image_id=image_id,
            server_type_id=server_type_id,
            keypair_name=keypair_name,
            networks=[{"subnet_id": subnet_id}],
            boot_volume={"size": boot_volume_size},
            server_group_id=server_group_id,
            security_group_ids=security_group_ids,
            user_data=user_data,
            profile=profile,
            opts=child,
        )
        volume_ids: list[pulumi.Output[str]] = []
        for index, size in enumerate(data_volume_sizes):
            volume = Volume(f"{name}-data-{index}", size=size, profile=profile, opts=child)
            VolumeAttachment(
                f"{name}-attach-{index}", volume_id=volume.id, server_id=server.id, profile=profile, opts=child
            )
            volume_ids.append(volume.id)
        public_ip: pulumi.Output[Any] = pulumi.Output.from_input(None)
        if public_ip_id is not None:
            port_id = lookups.get_server_interfaces_output(server_id=server.id, profile=profile).apply(
                lambda nics: nics[0].port_id
            )
            nat = StaticNat(
                f"{name}-public",
                server_id=server.id,
                port_id=port_id,
                publicip_id=public_ip_id,
                profile=profile,
                opts=child,
            )
            public_ip = nat.external_ip_address
        self.server_id = server.id
        self.private_ip = server.addresses.apply(lambda addresses: (addresses or [])[0].ip_addresses[0].ip_address)
        self.public_ip = public_ip
        self.volume_ids = pulumi.Output.all(*volume_ids).apply(list)
        self.keypair_name = pulumi.Output.from_input(keypair_name)
        self.private_key = pulumi.Output.secret(private_key)
        self.register_outputs(
            {
                "server_id": self.server_id,
                "private_ip": self.private_ip,
                "public_ip": self.public_ip,
                "volume_ids": self.volume_ids,
                "keypair_name": self.keypair_name,
                "private_key": self.private_key,
            }
        )
