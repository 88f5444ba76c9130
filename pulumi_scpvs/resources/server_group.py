"""``ServerGroup``: an affinity, anti-affinity or partition placement group."""

from __future__ import annotations

from typing import Literal

from ..provider import AutoName, Crud, ResourceInputs, ResourceSpec, ScpProvider, TagInput, Timeouts
from ..scp.models import ServerGroup, ServerGroupCreateRequest


class ServerGroupInputs(ResourceInputs):
    name: str | None = None
    policy: Literal["affinity", "anti-affinity", "partition"]
    tags: list[TagInput] | None = None


class ServerGroupProvider(ScpProvider):
    """A placement group for servers; every change replaces it (SCP refuses deleting one with members)."""

    spec = ResourceSpec(
        type_name="ServerGroup",
        inputs=ServerGroupInputs,
        output_model=ServerGroup,
        crud=Crud(
            show="show_server_group",
            create="create_server_group",
            delete="delete_server_group",
            find="list_server_groups",
        ),
        autoname=AutoName(max_length=255),
        timeouts=Timeouts(create=300, update=300, delete=300),
        request_model=ServerGroupCreateRequest,
    )
