"""``LaunchConfiguration``: the server template of an auto-scaling group.

It cannot change: every change makes a new one. Autonaming gives the new one a new
name, so Pulumi's create-before-delete replacement works: the group is pointed at the new
configuration (an in-place update) before the old one is deleted.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pydantic import BaseModel, ConfigDict, Field, field_validator

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
from ..provider._inputs import INT32_MAX, VOLUME_SIZE_MAX_GIB, VOLUME_SIZE_MIN_GIB, ObjectId
from ..provider._ownership import Candidate
from ..scp import ScpClient
from ..scp.models import LaunchConfigurationCreateRequest, LaunchConfigurationDetailShowResponse
from ._common import candidates, compact, encode_user_data, multiple_of_8


class LaunchVolumeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    boot_index: int = Field(ge=0, le=INT32_MAX)
    size: int = Field(ge=VOLUME_SIZE_MIN_GIB, le=VOLUME_SIZE_MAX_GIB, description="GiB, a multiple of 8")
    type: str | None = None

    _size_rule = field_validator("size")(multiple_of_8)


class LaunchConfigurationInputs(ResourceInputs):
    name: str | None = None
    image_id: ObjectId
    keypair_name: str
    server_type_id: ObjectId
    user_data: str | None = None
    volumes: list[LaunchVolumeInput] | None = None
    tags: list[TagInput] | None = None


class LaunchConfigurationProvider(ScpProvider):
    spec = ResourceSpec(
        type_name="LaunchConfiguration",
        inputs=LaunchConfigurationInputs,
        autoname=AutoName(max_length=63),
        timeouts=Timeouts(create=300, update=300, delete=300),
        output_fields=tuple(LaunchConfigurationDetailShowResponse.model_fields),
        secret_inputs=("user_data",),
        secret_outputs=("user_data", "__inputs"),
        request_model=LaunchConfigurationCreateRequest,
    )

    def create_request(self, inputs: Props) -> Props:
        names = ("name", "image_id", "keypair_name", "server_type_id", "volumes", "tags")
        return compact({**{k: inputs.get(k) for k in names}, "user_data": encode_user_data(inputs.get("user_data"))})

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        return op.client.launch_configurations.create_launch_configuration(self.create_request(inputs)).id, {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        found = client.launch_configurations.iterate_launch_configurations(name=inputs["name"])
        return candidates(found, name=inputs["name"])

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return client.launch_configurations.show_launch_configuration(object_id).model_dump(mode="json")

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        op.client.launch_configurations.delete_launch_configuration(object_id)


class LaunchConfiguration(ScpResource):
    """A server template; any change creates a new configuration (then deletes the old one)."""

    _provider_class = LaunchConfigurationProvider

    name: pulumi.Output[str]
    image_name: pulumi.Output[str]
    state: pulumi.Output[str]
    auto_scaling_group_count: pulumi.Output[int | None]

    def __init__(
        self,
        resource_name: str,
        *,
        image_id: pulumi.Input[str],
        keypair_name: pulumi.Input[str],
        server_type_id: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        user_data: pulumi.Input[str] | None = None,
        volumes: pulumi.Input[list[Any]] | None = None,
        tags: pulumi.Input[list[Any]] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)
