"""``ServerGroup``: an affinity, anti-affinity or partition placement group."""

from __future__ import annotations

from typing import Any, Literal

import pulumi

from ..provider import (
    AutoName,
    Operation,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    ScpResource,
    TagInput,
    Timeouts,
)
from ..provider._ownership import Candidate
from ..scp import ScpClient
from ..scp.models import ServerGroup as ServerGroupModel
from ..scp.models import ServerGroupCreateRequest
from ._common import candidates, compact


class ServerGroupInputs(ResourceInputs):
    name: str | None = None
    policy: Literal["affinity", "anti-affinity", "partition"]
    tags: list[TagInput] | None = None


class ServerGroupProvider(ScpProvider):
    spec = ResourceSpec(
        type_name="ServerGroup",
        inputs=ServerGroupInputs,
        autoname=AutoName(max_length=255),
        timeouts=Timeouts(create=300, update=300, delete=300),
        output_fields=tuple(ServerGroupModel.model_fields),
        request_model=ServerGroupCreateRequest,
    )

    def create_request(self, inputs: Props) -> Props:
        return compact({k: inputs.get(k) for k in ("name", "policy", "tags")})

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        return op.client.server_groups.create_server_group(self.create_request(inputs)).id, {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        return candidates(client.server_groups.iterate_server_groups(), name=inputs["name"])

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return client.server_groups.show_server_group(object_id).model_dump(mode="json")

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        op.client.server_groups.delete_server_group(object_id)


class ServerGroup(ScpResource):
    """A placement group for servers; every change replaces it (SCP refuses deleting one with members)."""

    _provider_class = ServerGroupProvider

    name: pulumi.Output[str]
    policy: pulumi.Output[str]
    members: pulumi.Output[list[str]]
    partition_size: pulumi.Output[int | None]

    def __init__(
        self,
        resource_name: str,
        *,
        policy: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        tags: pulumi.Input[list[Any]] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)
