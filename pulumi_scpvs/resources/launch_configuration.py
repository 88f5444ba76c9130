"""``LaunchConfiguration``: the server template of an auto-scaling group.

It cannot change: every change makes a new one. Autonaming gives the new one a new
name, so Pulumi's create-before-delete replacement works: the group is pointed at the new
configuration (an in-place update) before the old one is deleted.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from ..provider import (
    INT32_MAX,
    AutoName,
    Crud,
    NewVolumeInput,
    ObjectId,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    TagInput,
    Timeouts,
)
from ._common import encode_user_data


class LaunchConfigurationVolumeInput(NewVolumeInput):
    """A volume of the servers the configuration makes: index 0 boots."""

    boot_index: int = Field(ge=0, le=INT32_MAX)


class LaunchConfigurationInputs(ResourceInputs):
    name: str | None = None
    image_id: ObjectId
    keypair_name: str
    server_type_id: ObjectId
    user_data: str | None = None
    volumes: list[LaunchConfigurationVolumeInput] | None = None
    tags: list[TagInput] | None = None


class LaunchConfigurationProvider(ScpProvider):
    """A server template; any change creates a new configuration (then deletes the old one)."""

    spec = ResourceSpec(
        inputs=LaunchConfigurationInputs,
        crud=Crud.named("launch_configuration", find_query=("name",)),
        autoname=AutoName(max_length=63),
        timeouts=Timeouts.each(300),
        secret_inputs=("user_data",),
        secret_outputs=("user_data",),
    )

    def create_request(self, inputs: Props, mark: Mapping[str, str] | None = None) -> Props:
        return super().create_request({**inputs, "user_data": encode_user_data(inputs.get("user_data"))}, mark)
