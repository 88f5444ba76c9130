"""``VolumeTransfer`` and ``VolumeTransferAcceptance``: hand a volume to another account.

The transfer's ``auth_key`` is returned once, at creation, and kept as a secret output.
The acceptance runs in the receiving account (a stack configured with its credentials);
deleting an acceptance is a documented no-step: the volume stays where it went.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from ..provider import AnswerOnly, Crud, ObjectId, Props, ResourceInputs, ResourceSpec, ScpProvider, Step, Timeouts
from ..scp import ScpClient
from ..scp.models import VolumeTransferAcceptResponse, VolumeTransferRequest


class VolumeTransferInputs(ResourceInputs):
    volume_id: ObjectId
    name: str | None = None


class VolumeTransferCreated(BaseModel):
    auth_key: str | None = Field(default=None, description="what the receiving account needs to accept (a secret)")


class VolumeTransferProvider(ScpProvider):
    """Offers ``volume_id`` to another account; ``auth_key`` (secret) is what the receiver needs."""

    spec = ResourceSpec(
        delete_before_replace=True,  # a volume can be offered in one transfer at a time
        inputs=VolumeTransferInputs,
        extra_outputs=VolumeTransferCreated,
        crud=Crud(show="show_volume_transfer_detail", delete="delete_volume_transfer", wait_gone=True),
        timeouts=Timeouts.each(300),
        secret_outputs=("auth_key",),
        kept_outputs=("auth_key",),
        request_model=VolumeTransferRequest,
    )

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        created = step.client.volume_transfers.create_volume_transfer(self.create_request(inputs))
        return created.id, {"auth_key": created.auth_key}

    def answer_only_output(self, inputs: Props) -> AnswerOnly | None:
        return AnswerOnly("its auth_key", "The accepting account needs the auth key from whoever holds it")


class VolumeTransferAcceptanceInputs(ResourceInputs):
    transfer_id: ObjectId
    auth_key: str


class VolumeTransferAcceptanceProvider(ScpProvider):
    """Accepts a volume transfer in the account this stack is configured for."""

    spec = ResourceSpec(
        inputs=VolumeTransferAcceptanceInputs,
        output_model=VolumeTransferAcceptResponse,
        timeouts=Timeouts.each(300),
        secret_inputs=("auth_key",),
        secret_outputs=("auth_key",),
    )

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        accepted = step.client.volume_transfers.accept_volume_transfer(
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

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        """An accepted transfer cannot be undone: deleting the acceptance changes nothing."""
