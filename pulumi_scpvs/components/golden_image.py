"""``GoldenImage``: bake an image from a builder server and share it with other accounts.

Platform teams publish golden images for the rest of the company: a hardened base built
from ``user_data``, captured, and shared with each consuming account. Only a consuming
account may accept a share, with its own credentials: name, per account, the profile
(see docs/configuration.md: Profiles) whose credentials are that account's, and the component accepts
the share there too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from ..resources import ImageMember, ImageMemberAcceptance, Keypair, Server, ServerImage


class GoldenImage(pulumi.ComponentResource):
    """A builder server's image, shared with consuming accounts.

    ``share_with_accounts`` are shared with and left ``pending`` (each accepts in its own
    stack, with an ``ImageMemberAcceptance``); ``consumer_profiles`` maps more accounts to
    the profile of ``scpvs:profiles`` whose credentials are theirs: those are shared with
    and accepted in that profile. ``profile`` is the producing account's (every resource
    but the acceptances).

    Outputs: ``image_id``, ``image_name``, ``shared_with`` (every account shared with),
    ``accepted_by`` (those of ``consumer_profiles``).
    """

    image_id: pulumi.Output[str]
    image_name: pulumi.Output[str]
    shared_with: pulumi.Output[list[str]]
    accepted_by: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        *,
        base_image_id: pulumi.Input[str],
        subnet_id: pulumi.Input[str],
        user_data: pulumi.Input[str],
        share_with_accounts: Sequence[str] = (),
        consumer_profiles: Mapping[str, str] | None = None,
        server_type_id: pulumi.Input[str] = "s1v2m4",
        profile: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("scpvs:components:GoldenImage", name, None, opts)
        consumers = dict(consumer_profiles or {})
        child = pulumi.ResourceOptions(parent=self)
        key = Keypair(f"{name}-builder-key", profile=profile, opts=child)
        builder = Server(
            f"{name}-builder",
            image_id=base_image_id,
            server_type_id=server_type_id,
            keypair_name=key.name,
            networks=[{"subnet_id": subnet_id}],
            user_data=user_data,
            profile=profile,
            opts=child,
        )
        image = ServerImage(name, server_id=builder.id, profile=profile, opts=child)
        accounts = list(dict.fromkeys([*share_with_accounts, *consumers]))
        for account in accounts:
            member = ImageMember(
                f"{name}-to-{account[:12]}", image_id=image.id, member_id=account, profile=profile, opts=child
            )
            if account in consumers:
                ImageMemberAcceptance(
                    f"{name}-accepted-by-{account[:12]}",
                    image_id=member.image_id,
                    member_id=account,
                    profile=consumers[account],
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[member]),
                )
        self.image_id = image.id
        self.image_name = image.name
        self.shared_with = pulumi.Output.from_input(accounts)
        self.accepted_by = pulumi.Output.from_input(list(consumers))
        self.register_outputs(
            {
                "image_id": self.image_id,
                "image_name": self.image_name,
                "shared_with": self.shared_with,
                "accepted_by": self.accepted_by,
            }
        )
