"""``Volume``: a block storage volume that grows in place and can be reverted to a snapshot."""

from __future__ import annotations

from pulumi.dynamic import CheckFailure
from pydantic import BaseModel, Field, field_validator

from ..provider import (
    VOLUME_SIZE_MAX_GIB,
    VOLUME_SIZE_MIN_GIB,
    AutoName,
    Crud,
    NameSharingInputs,
    ObjectId,
    Props,
    ResourceSpec,
    ScpProvider,
    Step,
    TagInput,
    Timeouts,
    as_number,
    multiple_of_8,
    observed,
)


class VolumeInputs(NameSharingInputs):
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
    """A volume. ``name`` and ``size`` (grow only, multiples of 8 GiB) change in place;
    ``revert_to_snapshot_id`` reverts it to a snapshot when set or changed."""

    spec = ResourceSpec(
        inputs=VolumeInputs,
        crud=Crud.named(
            "volume",
            find_query=("name",),
            ready=("available", "in-use"),
            failed=("error", "error_extending", "error_deleting", "error_restoring"),
            wait_gone=True,
            gone_failed=("error_deleting",),
        ),
        update_in_place=frozenset({"name", "size", "revert_to_snapshot_id"}),
        autoname=AutoName(max_length=255),
        timeouts=Timeouts.each(600),
        observed_inputs=observed("name", "size"),
    )

    def validate_change(self, olds: Props, inputs: BaseModel) -> list[CheckFailure]:
        # The engine's olds are floats (16.0): compare numbers, or a shrink would "update" nothing.
        old_size, new_size = as_number(olds.get("size")), as_number(getattr(inputs, "size", None))
        if old_size is not None and new_size is not None and new_size < old_size:
            return [
                CheckFailure("size", f"cannot shrink a volume from {old_size:g} to {new_size:g} GiB; volumes only grow")
            ]
        return []

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        if "name" in changed:
            step.client.volumes.update_volume(object_id, {"name": news["name"]})
        if "size" in changed:
            self.wait_ready(step, object_id, news)
            # Extending is not idempotent ("must be larger than the current size"): converge instead.
            step.converge(
                lambda: step.client.volumes.extend_volume(object_id, {"size": news["size"]}),
                lambda: step.client.volumes.show_volume(object_id).size >= news["size"],
                f"extending volume {object_id} to {news['size']} GiB",
            )
            self.wait_ready(step, object_id, news)
        if "revert_to_snapshot_id" in changed and news.get("revert_to_snapshot_id"):
            step.client.volumes.revert_volume_to_snapshot(object_id, {"snapshot_id": news["revert_to_snapshot_id"]})
            self.wait_ready(step, object_id, news)
        return {}
