"""``Image``, ``ServerImage`` and ``ImageMember``: images from a URL or a server, shared with accounts."""

from __future__ import annotations

from typing import Any, Literal

import pulumi
from pulumi.dynamic import CheckFailure
from pydantic import BaseModel, Field

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
from ..provider._inputs import IMAGE_MIN_RAM_MAX_MIB, VOLUME_SIZE_MAX_GIB, ObjectId
from ..provider._ownership import Candidate
from ..scp import ScpClient
from ..scp._errors import NotFoundError
from ..scp.models import ImageCreateRequest, ImageMemberShowResponse, ImageShowResponse
from ._common import candidates, compact, id_parts, join_id

IMAGE_READY = ("active",)
IMAGE_FAILED = ("killed", "deleted", "error")


def wait_for_image(op: Operation, image_id: str) -> None:
    op.wait(lambda: op.client.images.show_image(image_id), lambda i: i.status, image_id, IMAGE_READY, IMAGE_FAILED)


def delete_image(op: Operation, image_id: str) -> None:
    op.client.images.delete_image(image_id)
    op.wait_gone(lambda: op.client.images.show_image(image_id), image_id)


def read_image(client: ScpClient, image_id: str) -> Props:
    return client.images.show_image(image_id).model_dump(mode="json")


class ImageInputs(ResourceInputs):
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
    """Creates the image, imports its file from ``url`` and waits for ``active``."""

    spec = ResourceSpec(
        type_name="Image",
        inputs=ImageInputs,
        update_in_place=frozenset({"min_disk", "min_ram", "protected", "visibility"}),
        autoname=AutoName(max_length=255),
        timeouts=Timeouts(create=1800, update=300, delete=600),
        output_fields=tuple(ImageShowResponse.model_fields),
        observed_inputs={
            "min_disk": lambda live: live["min_disk"],
            "min_ram": lambda live: live["min_ram"],
            "protected": lambda live: live["protected"],
            "visibility": lambda live: live["visibility"],
        },
        request_model=ImageCreateRequest,
    )

    def create_request(self, inputs: Props) -> Props:
        names = ("name", "os_distro", "url", "container_format", "disk_format", "min_disk", "min_ram", "protected")
        return compact({k: inputs.get(k) for k in (*names, "visibility", "tags")})

    def validate_change(self, olds: Props, inputs: BaseModel) -> list[CheckFailure]:
        _, replacing = self.changed_fields(olds, inputs.model_dump(mode="json"))
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

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        image = op.client.images.create_image(self.create_request(inputs))
        return image.id, self.wait_ready(op, image.id, inputs)

    def wait_ready(self, op: Operation, object_id: str, inputs: Props) -> Props:
        if op.client.images.show_image(object_id).status == "queued":
            op.client.images.import_image(object_id, {"url": inputs["url"]})
        wait_for_image(op, object_id)
        return {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        return candidates(client.images.iterate_images(name=inputs["name"]), name=inputs["name"])

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return read_image(client, object_id)

    def update_object(self, op: Operation, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        body = {name: news.get(name) for name in changed if name in self.spec.update_in_place}
        op.client.images.update_image(object_id, compact(body))
        return {}

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        delete_image(op, object_id)


class Image(ScpResource):
    """An image imported from ``url``. ``min_disk``, ``min_ram``, ``protected`` and
    ``visibility`` change in place; a protected image is never planned for replacement."""

    _provider_class = ImageProvider

    name: pulumi.Output[str]
    status: pulumi.Output[str]
    visibility: pulumi.Output[str]
    protected: pulumi.Output[bool]
    min_disk: pulumi.Output[int]
    min_ram: pulumi.Output[int]
    os_distro: pulumi.Output[str | None]
    size: pulumi.Output[int | None]

    def __init__(
        self,
        resource_name: str,
        *,
        os_distro: pulumi.Input[str],
        url: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        container_format: pulumi.Input[str] | None = None,
        disk_format: pulumi.Input[str] | None = None,
        min_disk: pulumi.Input[int] | None = None,
        min_ram: pulumi.Input[int] | None = None,
        protected: pulumi.Input[bool] | None = None,
        visibility: pulumi.Input[str] | None = None,
        tags: pulumi.Input[list[Any]] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)


class ServerImageInputs(ResourceInputs):
    server_id: ObjectId
    # The document's rule for image names (ImageCreateRequest.name); the custom-image request states none.
    name: str | None = Field(default=None, pattern=r"^[a-zA-Z0-9-_ ]*\Z", min_length=1, max_length=255)


class ServerImageProvider(ScpProvider):
    spec = ResourceSpec(
        type_name="ServerImage",
        inputs=ServerImageInputs,
        autoname=AutoName(max_length=255),
        timeouts=Timeouts(create=1800, update=300, delete=600),
        output_fields=tuple(ImageShowResponse.model_fields),
    )

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        created = op.client.servers.create_server_custom_image(inputs["server_id"], {"image_name": inputs["name"]})
        return created.image_id, self.wait_ready(op, created.image_id, inputs)

    def wait_ready(self, op: Operation, object_id: str, inputs: Props) -> Props:
        wait_for_image(op, object_id)
        return {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        return candidates(client.images.iterate_images(name=inputs["name"]), name=inputs["name"])

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return read_image(client, object_id)

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        delete_image(op, object_id)


class ServerImage(ScpResource):
    """A custom image made from ``server_id``; any change makes a new image."""

    _provider_class = ServerImageProvider

    name: pulumi.Output[str]
    status: pulumi.Output[str]
    visibility: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        server_id: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)


class ImageMemberInputs(ResourceInputs):
    adopt_id_parts = ("image_id", "member_id")

    image_id: ObjectId
    member_id: ObjectId = Field(pattern=r"^[A-Za-z0-9-]*\Z", min_length=1, max_length=64)
    status: Literal["pending", "accepted", "rejected"] | None = None


class ImageMemberProvider(ScpProvider):
    """Shares the image first when it is still private (``POST …/share``), as SCP requires."""

    spec = ResourceSpec(
        type_name="ImageMember",
        inputs=ImageMemberInputs,
        update_in_place=frozenset({"status"}),
        timeouts=Timeouts(create=300, update=300, delete=300),
        output_fields=tuple(ImageMemberShowResponse.model_fields),
        observed_inputs={"status": lambda live: live["status"]},
    )

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        image_id, member_id = inputs["image_id"], inputs["member_id"]
        if op.client.images.show_image(image_id).visibility == "private":
            op.client.images.create_sharing_image(image_id)
        op.client.images.create_image_member(image_id, {"member_id": member_id})
        if inputs.get("status") not in (None, "pending"):
            op.client.images.update_image_member(image_id, member_id, {"status": inputs["status"]})
        return join_id(image_id, member_id), {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        try:
            client.images.show_image_member(inputs["image_id"], inputs["member_id"])
        except NotFoundError:
            return []
        return [Candidate(join_id(inputs["image_id"], inputs["member_id"]), related=True)]

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        image_id, member_id = id_parts(object_id, 2)
        return client.images.show_image_member(image_id, member_id).model_dump(mode="json")

    def update_object(self, op: Operation, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        image_id, member_id = id_parts(object_id, 2)
        op.client.images.update_image_member(image_id, member_id, {"status": news.get("status") or "pending"})
        return {}

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        image_id, member_id = id_parts(object_id, 2)
        op.client.images.delete_image_member(image_id, member_id)


class ImageMember(ScpResource):
    """Shares ``image_id`` with the account ``member_id``; ``status`` changes in place."""

    _provider_class = ImageMemberProvider

    image_id: pulumi.Output[str]
    member_id: pulumi.Output[str]
    status: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        image_id: pulumi.Input[str],
        member_id: pulumi.Input[str],
        status: pulumi.Input[str] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)
