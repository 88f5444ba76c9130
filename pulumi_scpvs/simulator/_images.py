"""Images, image imports, sharing and image members."""

from __future__ import annotations

from typing import Any

from . import _catalogue as cat
from ._context import Context, SimulatorError, new_uuid, page_marker, show_handler, sort_records, update_handler, view
from ._registry import handles

PENDING = ("queued", "saving", "importing")


def new_image(ctx: Context, name: str, os_distro: str | None, *, status: str, min_disk: int = 0) -> dict[str, Any]:
    image_id = new_uuid()
    now = ctx.now()
    return {
        "id": image_id,
        "name": name,
        "os_distro": os_distro,
        "status": status,
        "visibility": "private",
        "container_format": "bare",
        "disk_format": "qcow2",
        "min_disk": min_disk,
        "min_ram": 0,
        "protected": False,
        "os_hidden": False,
        "owner": ctx.account_id,
        "owner_account_name": "scpvs-demo",
        "owner_user_name": cat.USER_NAME,
        "file": f"/v2/images/{image_id}/file",
        "checksum": None,
        "os_hash_algo": None,
        "os_hash_value": None,
        "root_device_name": None,
        "scp_image_type": "custom",
        "scp_k8s_version": None,
        "scp_original_image_type": None,
        "scp_os_build_version": None,
        "scp_os_version": None,
        "size": None,
        "virtual_size": None,
        "url": None,
        "volumes": None,
        "created_at": now,
        "updated_at": now,
        "_owner_account": ctx.account_id,
    }


def _require_image(ctx: Context) -> dict[str, Any]:
    return ctx.require("image", ctx.path["image_id"], "image")


def _require_owned(ctx: Context) -> dict[str, Any]:
    image = _require_image(ctx)
    if image["_owner_account"] != ctx.account_id:
        raise SimulatorError(403, f"image {image['id']} belongs to another account")
    return image


def _check_url(url: str) -> None:
    if not url.endswith(".qcow2"):
        raise SimulatorError(400, f"url: {url!r} must end in .qcow2")


@handles("create_image")
def create_image(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    _check_url(body.url)
    image = new_image(ctx, body.name, body.os_distro, status="queued", min_disk=body.min_disk or 0)
    image.update(
        min_ram=body.min_ram or 0,
        protected=bool(body.protected),
        visibility=body.visibility,
        container_format=body.container_format,
        disk_format=body.disk_format,
        url=body.url,
        _tags=[t.model_dump() for t in body.tags or []],
    )
    ctx.world.put("image", image["id"], image)
    return view(image, "ImageShowResponse")


@handles("import_image")
def import_image(ctx: Context) -> None:
    image = _require_owned(ctx)
    _check_url(ctx.b().url)
    if image["status"] not in ("queued",):
        raise SimulatorError(409, f"image {image['id']} is {image['status']}; only queued images take an import")
    image.update(status="importing", url=ctx.b().url)
    ctx.store_change("image", image, stamp="updated_at")
    final = {"status": ctx.outcome("active", "killed"), "size": 2 * 1024**3}
    ctx.world.schedule("image", image["id"], ctx.delay, set_fields=final)


handles("show_image")(show_handler(_require_image, "ImageShowResponse"))


@handles("list_images")
def list_images(ctx: Context) -> dict[str, Any]:
    filters = ("scp_image_type", "scp_original_image_type", "name", "os_distro", "status", "visibility")
    items = [i for i in ctx.world.objects("image") if ctx.matches_query(i, *filters)]
    items = sort_records(items, ctx.q("sort"), "created_at:desc")
    return {"images": [view(i, "ImageShowResponse") for i in page_marker(items, ctx.q("limit"), ctx.q("marker"))]}


@handles("list_pending_images")
def list_pending_images(ctx: Context) -> dict[str, Any]:
    items = [
        i
        for i in ctx.world.objects("image")
        if i["status"] in PENDING and ctx.matches_query(i, "scp_image_type", "scp_original_image_type")
    ]
    return {"images": [view(i, "ImageShowResponse") for i in items]}


handles("update_image")(update_handler("image", _require_owned, "ImageShowResponse", stamp="updated_at"))


@handles("delete_image")
def delete_image(ctx: Context) -> None:
    image = _require_owned(ctx)
    if image["protected"]:
        raise SimulatorError(409, f"image {image['id']} is protected; set protected to false before deleting it")
    if any(s["image_id"] == image["id"] for s in ctx.world.objects("server") if s["state"] == "BUILD"):
        raise SimulatorError(409, f"image {image['id']} is in use by a server being built")
    for member in ctx.world.objects("image_member", parent=image["id"]):
        ctx.world.remove("image_member", f"{image['id']}/{member['member_id']}")
    ctx.world.remove("image", image["id"])


@handles("create_sharing_image")
def share_image(ctx: Context) -> None:
    image = _require_owned(ctx)
    if image["status"] != "active":
        raise SimulatorError(409, f"image {image['id']} is {image['status']}")
    image["visibility"] = "shared"
    ctx.store_change("image", image, stamp="updated_at")


# -- members ------------------------------------------------------------------------------


def _member_key(image_id: str, member_id: str) -> str:
    return f"{image_id}/{member_id}"


@handles("create_image_member")
def create_member(ctx: Context) -> dict[str, Any]:
    image = _require_owned(ctx)
    member_id = ctx.b().member_id
    if image["visibility"] != "shared":
        raise SimulatorError(409, f"image {image['id']} is {image['visibility']}; share it before adding members")
    if ctx.world.get("image_member", _member_key(image["id"], member_id)) is not None:
        raise SimulatorError(409, f"{member_id} is already a member of image {image['id']}")
    now = ctx.now()
    record = {
        "image_id": image["id"],
        "member_id": member_id,
        "status": "pending",
        "created_at": now,
        "updated_at": now,
    }
    ctx.world.put("image_member", _member_key(image["id"], member_id), record, parent=image["id"])
    return view(record, "ImageMemberShowResponse")


def _require_member(ctx: Context) -> dict[str, Any]:
    _require_image(ctx)
    return ctx.require("image_member", _member_key(ctx.path["image_id"], ctx.path["member_id"]), "image member")


handles("show_image_member")(show_handler(_require_member, "ImageMemberShowResponse"))


@handles("list_image_members")
def list_members(ctx: Context) -> dict[str, Any]:
    image = _require_image(ctx)
    return {
        "members": [view(m, "ImageMemberShowResponse") for m in ctx.world.objects("image_member", parent=image["id"])]
    }


@handles("update_image_member")
def update_member(ctx: Context) -> dict[str, Any]:
    member = _require_member(ctx)
    if ctx.account_id != member["member_id"]:
        # As in OpenStack Glance: the owner shares, the member decides.
        raise SimulatorError(
            403,
            f"only the member account {member['member_id']} may accept or reject image {member['image_id']} "
            f"(this request is from account {ctx.account_id}); the image's owner shares it, and the member "
            "accepts it with its own credentials",
        )
    member.update(status=ctx.b().status, updated_at=ctx.now())
    ctx.world.put("image_member", _member_key(member["image_id"], member["member_id"]), member)
    return view(member, "ImageMemberShowResponse")


@handles("delete_image_member")
def delete_member(ctx: Context) -> None:
    _require_owned(ctx)
    member = _require_member(ctx)
    ctx.world.remove("image_member", _member_key(member["image_id"], member["member_id"]))
