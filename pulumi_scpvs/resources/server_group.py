"""``ServerGroup``: an affinity, anti-affinity or partition placement group."""

from __future__ import annotations

from typing import Literal

from ..provider import AutoName, Crud, NameSharingInputs, ResourceSpec, ScpProvider, TagInput, Timeouts


class ServerGroupInputs(NameSharingInputs):
    name: str | None = None
    policy: Literal["affinity", "anti-affinity", "partition"]
    tags: list[TagInput] | None = None


class ServerGroupProvider(ScpProvider):
    """A placement group for servers; every change replaces it (SCP refuses deleting one with members)."""

    spec = ResourceSpec(
        inputs=ServerGroupInputs,
        crud=Crud.named("server_group"),
        autoname=AutoName(max_length=255),
        timeouts=Timeouts.each(300),
    )
