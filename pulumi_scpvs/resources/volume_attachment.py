"""``VolumeAttachment``: a volume attached to a server.

Attaching uses the volume-side operation (``POST /v1/volumes/{id}/servers``): it is the
documented asynchronous one (202), so the provider waits for the volume to be
``in-use`` instead of trusting a synchronous answer. ``delete_on_termination`` can only
be read and changed on the server side (``/v1/servers/{id}/volumes/{volume_id}``), which
is where read and update go. The id is ``volume_id/server_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..provider import (
    Candidate,
    ObjectId,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    Step,
    Timeouts,
    id_parts,
    join_id,
    kind_watch,
    observed,
)
from ..scp import ScpClient
from ..scp.models import ServersVolumeResponse
from .volume import VolumeProvider


class VolumeAttachmentInputs(ResourceInputs):
    adopt_id_parts = ("volume_id", "server_id")

    volume_id: ObjectId
    server_id: ObjectId
    delete_on_termination: bool = False


class VolumeAttachmentProvider(ScpProvider):
    """Attaches ``volume_id`` to ``server_id``; ``delete_on_termination`` changes in place."""

    spec = ResourceSpec(
        type_name="VolumeAttachment",
        output_model=ServersVolumeResponse,
        delete_before_replace=True,  # a volume attaches to one server at a time
        inputs=VolumeAttachmentInputs,
        update_in_place=frozenset({"delete_on_termination"}),
        timeouts=Timeouts(create=600, update=300, delete=600),
        observed_inputs=observed("delete_on_termination"),
    )

    def _wait_for_volume(self, step: Step, volume_id: str, attached: bool, server_id: str) -> None:
        def settled(volume: Any) -> str:
            here = any(s.id == server_id for s in volume.servers)
            return "done" if here == attached and volume.state in ("available", "in-use") else volume.state

        volumes = kind_watch(VolumeProvider.spec.crud, step.client)
        step.wait(
            lambda: step.client.volumes.show_volume(volume_id), settled, volume_id, ("done",), ("error",), volumes
        )

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        body = {"server_id": inputs["server_id"], "delete_on_termination": inputs["delete_on_termination"]}
        step.client.volumes.attach_volume_to_server(inputs["volume_id"], body)
        return join_id(inputs["volume_id"], inputs["server_id"]), {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        volume = client.volumes.show_volume(inputs["volume_id"])
        attached = any(s.id == inputs["server_id"] for s in volume.servers)
        return [Candidate(join_id(inputs["volume_id"], inputs["server_id"]), related=True)] if attached else []

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        self._wait_for_volume(step, inputs["volume_id"], True, inputs["server_id"])
        return {}

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        volume_id, server_id = id_parts(object_id, 2)
        return client.servers.show_server_volume(server_id, volume_id).model_dump(mode="json")

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        volume_id, server_id = id_parts(object_id, 2)
        body = {"volume_id": volume_id, "delete_on_termination": news["delete_on_termination"]}
        step.client.servers.update_server_volume(server_id, volume_id, body)
        return {}

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        volume_id, server_id = id_parts(object_id, 2)

        def detached() -> bool:
            volume = step.client.volumes.show_volume(volume_id)
            return all(s.id != server_id for s in volume.servers) or volume.state == "detaching"

        # A detach whose answer was lost is repeated by the client into "is not attached".
        step.converge(
            lambda: step.client.volumes.detach_volume_from_server(volume_id, server_id),
            detached,
            f"detaching volume {volume_id} from server {server_id}",
            look_first=False,
        )
        self._wait_for_volume(step, volume_id, False, server_id)
