"""``Volume``: a block storage volume that grows in place and can be reverted to a snapshot."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure
from pydantic import BaseModel, Field, field_validator

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
from ..provider._inputs import VOLUME_SIZE_MAX_GIB, VOLUME_SIZE_MIN_GIB, ObjectId
from ..provider._ownership import Candidate
from ..scp import ScpClient
from ..scp.models import VolumeCreateRequest, VolumeShowResponse
from ._common import candidates, compact, multiple_of_8

READY = ("available", "in-use")
FAILED = ("error", "error_extending", "error_deleting", "error_restoring")


class VolumeInputs(ResourceInputs):
    name: str | None = None
    size: int = Field(
        ge=VOLUME_SIZE_MIN_GIB,
        le=VOLUME_SIZE_MAX_GIB,
        description="GiB, a multiple of 8; grows in place, never shrinks",
    )
    volume_type: str | None = None
    snapshot_id: ObjectId | None = None
    tags: list[TagInput] | None = None
    revert_to_snapshot_id: ObjectId | None = Field(
        default=None, description="setting or changing it reverts the volume to that snapshot on `up`"
    )

    _size_rule = field_validator("size")(multiple_of_8)


class VolumeProvider(ScpProvider):
    spec = ResourceSpec(
        type_name="Volume",
        inputs=VolumeInputs,
        update_in_place=frozenset({"name", "size", "revert_to_snapshot_id"}),
        autoname=AutoName(max_length=255),
        timeouts=Timeouts(create=600, update=600, delete=600),
        output_fields=tuple(VolumeShowResponse.model_fields),
        observed_inputs={"name": lambda live: live["name"], "size": lambda live: live["size"]},
        request_model=VolumeCreateRequest,
    )

    def create_request(self, inputs: Props) -> Props:
        return compact({k: inputs.get(k) for k in ("name", "size", "volume_type", "snapshot_id", "tags")})

    def validate_change(self, olds: Props, inputs: BaseModel) -> list[CheckFailure]:
        old_size, new_size = olds.get("size"), getattr(inputs, "size", None)
        if isinstance(old_size, int) and isinstance(new_size, int) and new_size < old_size:
            return [
                CheckFailure("size", f"cannot shrink a volume from {old_size} to {new_size} GiB; volumes only grow")
            ]
        return []

    def _wait(self, op: Operation, volume_id: str) -> Any:
        return op.wait(lambda: op.client.volumes.show_volume(volume_id), lambda v: v.state, volume_id, READY, FAILED)

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        volume_id = op.client.volumes.create_volume(self.create_request(inputs)).id
        return volume_id, self.wait_ready(op, volume_id, inputs)

    def wait_ready(self, op: Operation, object_id: str, inputs: Props) -> Props:
        self._wait(op, object_id)
        return {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        return candidates(client.volumes.iterate_volumes(name=inputs["name"]), name=inputs["name"])

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return client.volumes.show_volume(object_id).model_dump(mode="json")

    def update_object(self, op: Operation, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        if "name" in changed:
            op.client.volumes.update_volume(object_id, {"name": news["name"]})
        if "size" in changed:
            self._wait(op, object_id)
            # Extending is not idempotent ("must be larger than the current size"): converge instead.
            op.converge(
                lambda: op.client.volumes.extend_volume(object_id, {"size": news["size"]}),
                lambda: op.client.volumes.show_volume(object_id).size >= news["size"],
                f"extending volume {object_id} to {news['size']} GiB",
            )
            self._wait(op, object_id)
        if "revert_to_snapshot_id" in changed and news.get("revert_to_snapshot_id"):
            op.client.volumes.revert_volume_to_snapshot(object_id, {"snapshot_id": news["revert_to_snapshot_id"]})
            self._wait(op, object_id)
        return {}

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        op.client.volumes.delete_volume(object_id)
        op.wait_gone(
            lambda: op.client.volumes.show_volume(object_id), object_id, lambda v: v.state, ("error_deleting",)
        )


class Volume(ScpResource):
    """A volume. ``name`` and ``size`` (grow only, multiples of 8 GiB) change in place;
    ``revert_to_snapshot_id`` reverts it to a snapshot when set or changed."""

    _provider_class = VolumeProvider

    name: pulumi.Output[str]
    size: pulumi.Output[int]
    state: pulumi.Output[str]
    volume_type: pulumi.Output[str]
    volume_type_id: pulumi.Output[str]
    servers: pulumi.Output[list[dict[str, Any]]]
    bootable: pulumi.Output[bool]
    created_at: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        size: pulumi.Input[int],
        name: pulumi.Input[str] | None = None,
        volume_type: pulumi.Input[str] | None = None,
        snapshot_id: pulumi.Input[str] | None = None,
        tags: pulumi.Input[list[Any]] | None = None,
        revert_to_snapshot_id: pulumi.Input[str] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)
