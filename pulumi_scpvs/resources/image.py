"""``Image``, ``ServerImage``, ``ImageMember`` and ``ImageMemberAcceptance``: images from a URL
or a server, shared with accounts.

Sharing takes both accounts: the image's owner adds the member (``ImageMember``, in the
owner's profile), and the member accepts it (``ImageMemberAcceptance``, in the member's
profile: only the member account may set a membership's status).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal

from pulumi.dynamic import CheckFailure
from pydantic import BaseModel, Field

from ..provider import (
    IMAGE_MIN_RAM_MAX_MIB,
    VOLUME_SIZE_MAX_GIB,
    AutoName,
    Candidate,
    Crud,
    NameSharingInputs,
    ObjectId,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    Step,
    TagInput,
    Timeouts,
    compact,
    id_parts,
    join_id,
    observed,
)
from ..scp import NotFoundError, ScpClient

# Both kinds of image are shown, found, awaited and deleted alike.
IMAGE_CRUD = Crud(
    show="show_image",
    delete="delete_image",
    find="list_images",
    find_query=("name",),
    state="status",
    ready=("active",),
    failed=("killed", "deleted", "error"),
    wait_gone=True,
)
IMAGE_TIMEOUTS = Timeouts(create=1800, update=300, delete=600)


class ImageInputs(NameSharingInputs):
    name: str | None = None
    os_distro: Literal["alma", "centos", "rhel", "rocky", "ubuntu", "windows", "oracle"]
    # Patterns are ``^...\Z``: a final ``$`` would also accept a trailing newline (see ResourceInputs).
    url: str = Field(pattern=r"^.*\.qcow2\Z", max_length=255, description="where SCP imports the image from (.qcow2)")
    container_format: str = "bare"
    disk_format: str = "qcow2"
    min_disk: int | None = Field(default=None, ge=0, le=VOLUME_SIZE_MAX_GIB, description="GiB")
    min_ram: int | None = Field(default=None, ge=0, le=IMAGE_MIN_RAM_MAX_MIB, description="MiB")
    protected: bool = False
    visibility: Literal["private", "shared"] = "private"
    tags: list[TagInput] | None = None


class ImageProvider(ScpProvider):
    """An image imported from ``url``. ``min_disk``, ``min_ram``, ``protected`` and
    ``visibility`` change in place; a protected image is never planned for replacement."""

    spec = ResourceSpec(
        inputs=ImageInputs,
        crud=dataclasses.replace(IMAGE_CRUD, create="create_image"),
        update_in_place=frozenset({"min_disk", "min_ram", "protected", "visibility"}),
        autoname=AutoName(max_length=255),
        timeouts=IMAGE_TIMEOUTS,
        observed_inputs=observed("min_disk", "min_ram", "protected", "visibility"),
    )

    def validate_change(self, olds: Props, inputs: BaseModel) -> list[CheckFailure]:
        _, replacing = self.changed_fields(olds, inputs.model_dump(mode="json"))
        # An input not known yet (preview) may well stay the same: only known changes are causes.
        unknown = inputs.unknown_inputs if isinstance(inputs, ResourceInputs) else frozenset()
        replacing = [name for name in replacing if name not in unknown]
        # An autoname changes along with whatever forces the replacement: name the cause.
        causes = [name for name in replacing if name != "name"] or replacing
        if causes and olds.get("protected") and getattr(inputs, "protected", False):
            return [
                CheckFailure(
                    causes[0],
                    "changing it replaces the image, but the image is protected and SCP refuses to delete it; "
                    "set protected=false first (one `up`), then make this change",
                )
            ]
        return []

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        """Creating the image makes an empty, ``queued`` one: its file is imported from ``url``."""
        if self.show(step.client, object_id).status == "queued":
            step.client.images.import_image(object_id, {"url": inputs["url"]})
        return super().wait_ready(step, object_id, inputs)

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        body = {name: news.get(name) for name in changed if name in self.spec.update_in_place}
        step.client.images.update_image(object_id, compact(body))
        return {}


class ServerImageInputs(NameSharingInputs):
    server_id: ObjectId
    # The document's rule for image names (ImageCreateRequest.name); the custom-image request states none.
    name: str | None = Field(default=None, pattern=r"^[a-zA-Z0-9-_ ]*\Z", min_length=1, max_length=255)


class ServerImageProvider(ScpProvider):
    """A custom image made from ``server_id``; any change makes a new image."""

    spec = ResourceSpec(
        inputs=ServerImageInputs, crud=IMAGE_CRUD, autoname=AutoName(max_length=255), timeouts=IMAGE_TIMEOUTS
    )

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        created = step.client.servers.create_server_custom_image(inputs["server_id"], {"image_name": inputs["name"]})
        return created.image_id, {}


class ImageMemberInputs(ResourceInputs):
    adopt_id_parts = ("image_id", "member_id")

    image_id: ObjectId
    member_id: ObjectId = Field(pattern=r"^[A-Za-z0-9-]*\Z", min_length=1, max_length=64)
    status: Literal["pending", "accepted", "rejected"] | None = None


class ImageMemberProvider(ScpProvider):
    """Shares ``image_id`` with the account ``member_id`` (the membership starts ``pending``).

    The image is shared first when it is still private (``POST …/share``), as SCP requires.
    Only the member account may accept or reject it: declare an ``ImageMemberAcceptance``
    with the member's ``profile``. ``status`` here is sent only when set, so it suits a
    program whose profile is the member's."""

    spec = ResourceSpec(
        inputs=ImageMemberInputs,
        crud=Crud.named("image_member"),
        update_in_place=frozenset({"status"}),
        timeouts=Timeouts.each(300),
        observed_inputs=observed("status"),
    )

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        image_id, member_id = inputs["image_id"], inputs["member_id"]
        if step.client.images.show_image(image_id).visibility == "private":
            step.client.images.create_sharing_image(image_id)
        step.client.images.create_image_member(image_id, {"member_id": member_id})
        if inputs.get("status") not in (None, "pending"):
            step.client.images.update_image_member(image_id, member_id, {"status": inputs["status"]})
        return join_id(image_id, member_id), {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        try:
            client.images.show_image_member(inputs["image_id"], inputs["member_id"])
        except NotFoundError:
            return []
        return [Candidate(join_id(inputs["image_id"], inputs["member_id"]), related=True)]

    def changed_fields(self, old_inputs: Props, news: Props) -> tuple[list[str], list[str]]:
        """An unset ``status`` leaves it to the member: what the member decided is no drift."""
        changed, replaces = super().changed_fields(old_inputs, news)
        if news.get("status") is None:
            changed = [name for name in changed if name != "status"]
        return changed, replaces

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        # An unset status is the member's to decide (it accepts with its own credentials): leave it.
        if news.get("status") is not None:
            image_id, member_id = id_parts(object_id, 2)
            step.client.images.update_image_member(image_id, member_id, {"status": news["status"]})
        return {}


class ImageMemberAcceptanceInputs(ResourceInputs):
    adopt_id_parts = ("image_id", "member_id")

    image_id: ObjectId
    member_id: ObjectId = Field(
        pattern=r"^[A-Za-z0-9-]*\Z",
        min_length=1,
        max_length=64,
        description="the accepting account's id (the account of this resource's profile)",
    )
    status: Literal["accepted", "rejected"] = "accepted"


class ImageMemberAcceptanceProvider(ScpProvider):
    """Accepts (or rejects) the image ``image_id`` shared with ``member_id``, as that account.

    Only the member account may decide, so give this resource the ``profile`` whose
    credentials are the member's (see docs/configuration.md: Profiles); the owner declares the
    ``ImageMember``. ``status`` changes in place; deleting it sets the membership back
    to ``pending`` (gone is done)."""

    spec = ResourceSpec(
        inputs=ImageMemberAcceptanceInputs,
        crud=Crud(show="show_image_member", update="update_image_member"),
        update_in_place=frozenset({"status"}),
        timeouts=Timeouts.each(300),
        observed_inputs=observed("status"),
    )

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        image_id, member_id, status = inputs["image_id"], inputs["member_id"], inputs["status"]
        step.converge(
            lambda: step.client.images.update_image_member(image_id, member_id, {"status": status}),
            lambda: step.client.images.show_image_member(image_id, member_id).status == status,
            f"setting image {image_id}'s membership of {member_id} to {status}",
        )
        return join_id(image_id, member_id), {}

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        image_id, member_id = id_parts(object_id, 2)
        step.client.images.update_image_member(image_id, member_id, {"status": "pending"})
