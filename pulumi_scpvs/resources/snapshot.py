"""``Snapshot``: a point-in-time copy of a volume."""

from __future__ import annotations

from ..provider import (
    AutoName,
    Crud,
    Metadata,
    ObjectId,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    Step,
    Timeouts,
    observed,
)


class SnapshotInputs(ResourceInputs):
    volume_id: ObjectId
    name: str | None = None
    description: str | None = None
    force: bool | None = None
    metadata: Metadata | None = None


class SnapshotProvider(ScpProvider):
    """A snapshot of ``volume_id``; ``name`` and ``description`` change in place."""

    spec = ResourceSpec(
        inputs=SnapshotInputs,
        crud=Crud.named(
            "snapshot",
            find_by=("name", "volume_id"),
            find_query=("name", "volume_id"),
            marked=True,
            state="status",
            ready=("available",),
            failed=("error",),
            wait_gone=True,
            gone_failed=("error_deleting",),
        ),
        update_in_place=frozenset({"name", "description"}),
        autoname=AutoName(max_length=255),
        timeouts=Timeouts(create=900, update=300, delete=600),
        observed_inputs=observed("name", "description"),
    )

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        step.client.snapshots.update_snapshot(object_id, {"name": news["name"], "description": news.get("description")})
        return {}
