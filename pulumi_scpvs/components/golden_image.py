"""``GoldenImage``: bake an image from a builder server and share it with other accounts.

Platform teams publish golden images for the rest of the company: a hardened base built
from ``user_data``, captured, and shared with each consuming account (which accepts it).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from ..resources import ImageMember, Keypair, Server, ServerImage


class GoldenImage(pulumi.ComponentResource):
    """Outputs: ``image_id``, ``image_name``, ``shared_with``."""

    image_id: pulumi.Output[str]
    image_name: pulumi.Output[str]
    shared_with: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        *,
        base_image_id: pulumi.Input[str],
        subnet_id: pulumi.Input[str],
        user_data: pulumi.Input[str],
        share_with_accounts: Sequence[str] = (),
        server_type_id: pulumi.Input[str] = "s1v2m4",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("scpvs:components:GoldenImage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        key = Keypair(f"{name}-builder-key", opts=child)
        builder = Server(
            f"{name}-builder",
            image_id=base_image_id,
            server_type_id=server_type_id,
            keypair_name=key.name,
            networks=[{"subnet_id": subnet_id}],
            user_data=user_data,
            opts=child,
        )
        image = ServerImage(name, server_id=builder.id, opts=child)
        for account in share_with_accounts:
            ImageMember(
                f"{name}-to-{account[:12]}", image_id=image.id, member_id=account, status="accepted", opts=child
            )
        self.image_id = image.id
        self.image_name = image.name
        self.shared_with = pulumi.Output.from_input(list(share_with_accounts))
        self.register_outputs(
            {"image_id": self.image_id, "image_name": self.image_name, "shared_with": self.shared_with}
        )
