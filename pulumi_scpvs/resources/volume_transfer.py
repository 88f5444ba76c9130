"""``VolumeTransfer`` and ``VolumeTransferAcceptance``: hand a volume to another account.

The transfer's ``auth_key`` is returned once, at creation, and kept as a secret output.
The acceptance runs in the receiving account (a stack configured with its credentials);
deleting an acceptance is a documented no-op: the volume stays where it went.
"""

from __future__ import annotations

from typing import Any

import pulumi

from ..provider import Operation, Props, ResourceInputs, ResourceSpec, ScpProvider, ScpResource, Timeouts
from ..provider._inputs import ObjectId
from ..scp import ScpClient
from ..scp.models import VolumeTransferAcceptResponse, VolumeTransferRequest, VolumeTransferShowResponse
from ._common import compact


class VolumeTransferInputs(ResourceInputs):
    volume_id: ObjectId
    name: str | None = None


class VolumeTransferProvider(ScpProvider):
    spec = ResourceSpec(
        type_name="VolumeTransfer",
        delete_before_replace=True,  # a volume can be offered in one transfer at a time
        inputs=VolumeTransferInputs,
        timeouts=Timeouts(create=300, update=300, delete=300),
        output_fields=(*VolumeTransferShowResponse.model_fields, "auth_key"),
        secret_outputs=("auth_key",),
        kept_outputs=("auth_key",),
        request_model=VolumeTransferRequest,
    )

    def create_request(self, inputs: Props) -> Props:
        return compact({"volume_id": inputs.get("volume_id"), "name": inputs.get("name")})

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        created = op.client.volume_transfers.create_volume_transfer(self.create_request(inputs))
        return created.id, {"auth_key": created.auth_key}

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return client.volume_transfers.show_volume_transfer_detail(object_id).model_dump(mode="json")

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        op.client.volume_transfers.delete_volume_transfer(object_id)
        op.wait_gone(lambda: op.client.volume_transfers.show_volume_transfer_detail(object_id), object_id)


class VolumeTransfer(ScpResource):
    """Offers ``volume_id`` to another account; ``auth_key`` (secret) is what the receiver needs."""

    _provider_class = VolumeTransferProvider

    volume_id: pulumi.Output[str]
    name: pulumi.Output[str | None]
    auth_key: pulumi.Output[str]
    created_at: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        volume_id: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)


class VolumeTransferAcceptanceInputs(ResourceInputs):
    transfer_id: ObjectId
    auth_key: str


class VolumeTransferAcceptanceProvider(ScpProvider):
    spec = ResourceSpec(
        type_name="VolumeTransferAcceptance",
        inputs=VolumeTransferAcceptanceInputs,
        timeouts=Timeouts(create=300, update=300, delete=300),
        output_fields=tuple(VolumeTransferAcceptResponse.model_fields),
        secret_inputs=("auth_key",),
        secret_outputs=("auth_key", "__inputs"),
    )

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        accepted = op.client.volume_transfers.accept_volume_transfer(
            inputs["transfer_id"], {"auth_key": inputs["auth_key"]}
        )
        return accepted.id, {"volume_id": accepted.volume_id, "name": accepted.name}

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        # The transfer is consumed by the acceptance; what remains to look at is the volume.
        volume_id = outputs.get("volume_id")
        if not volume_id:
            return {"volume_id": None}
        volume = client.volumes.show_volume(volume_id)
        return {"volume_id": volume.id, "name": outputs.get("name")}

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        """An accepted transfer cannot be undone: deleting the acceptance changes nothing."""


class VolumeTransferAcceptance(ScpResource):
    """Accepts a volume transfer in the account this stack is configured for."""

    _provider_class = VolumeTransferAcceptanceProvider

    transfer_id: pulumi.Output[str]
    volume_id: pulumi.Output[str]
    name: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        transfer_id: pulumi.Input[str],
        auth_key: pulumi.Input[str],
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)
