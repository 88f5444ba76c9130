"""``Snapshot``: a point-in-time copy of a volume."""

from __future__ import annotations

from typing import Any

import pulumi

from ..provider import AutoName, Operation, Props, ResourceInputs, ResourceSpec, ScpProvider, ScpResource, Timeouts
from ..provider._inputs import ObjectId
from ..provider._ownership import Candidate
from ..scp import ScpClient
from ..scp.models import SnapshotCreateRequest, SnapshotDetailResponse
from ._common import candidates, compact, with_mark


class SnapshotInputs(ResourceInputs):
    volume_id: ObjectId
    name: str | None = None
    description: str | None = None
    force: bool | None = None
    metadata: dict[str, str] | None = None


class SnapshotProvider(ScpProvider):
    spec = ResourceSpec(
        type_name="Snapshot",
        inputs=SnapshotInputs,
        update_in_place=frozenset({"name", "description"}),
        autoname=AutoName(max_length=255),
        timeouts=Timeouts(create=900, update=300, delete=600),
        output_fields=tuple(SnapshotDetailResponse.model_fields),
        observed_inputs={"name": lambda live: live["name"], "description": lambda live: live["description"]},
        request_model=SnapshotCreateRequest,
    )

    def create_request(self, inputs: Props) -> Props:
        request = compact({k: inputs.get(k) for k in ("volume_id", "name", "description", "force")})
        return compact({**request, "metadata": with_mark(inputs.get("metadata"), inputs)})

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        snapshot_id = op.client.snapshots.create_snapshot(self.create_request(inputs)).id
        return snapshot_id, self.wait_ready(op, snapshot_id, inputs)

    def wait_ready(self, op: Operation, object_id: str, inputs: Props) -> Props:
        show = op.client.snapshots.show_snapshot
        op.wait(lambda: show(object_id), lambda s: s.status, object_id, ("available",), ("error",))
        return {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        snapshots = client.snapshots.iterate_snapshots(volume_id=inputs["volume_id"], name=inputs["name"])
        return candidates(snapshots, marked=True, name=inputs["name"], volume_id=inputs["volume_id"])

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return client.snapshots.show_snapshot(object_id).model_dump(mode="json")

    def update_object(self, op: Operation, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        op.client.snapshots.update_snapshot(object_id, {"name": news["name"], "description": news.get("description")})
        return {}

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        op.client.snapshots.delete_snapshot(object_id)
        op.wait_gone(
            lambda: op.client.snapshots.show_snapshot(object_id), object_id, lambda s: s.status, ("error_deleting",)
        )


class Snapshot(ScpResource):
    """A snapshot of ``volume_id``; ``name`` and ``description`` change in place."""

    _provider_class = SnapshotProvider

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    volume_id: pulumi.Output[str]
    size: pulumi.Output[int]
    status: pulumi.Output[str]
    created_at: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        volume_id: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        force: pulumi.Input[bool] | None = None,
        metadata: pulumi.Input[dict[str, Any]] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)
