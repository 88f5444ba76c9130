"""Volumes, attachments, snapshots and volume transfers."""

from __future__ import annotations

from typing import Any

from . import _catalogue as cat
from ._context import Context, SimulatorError, new_uuid, random_token, show_handler, sort_records, update_handler, view
from ._registry import handles

DEVICE_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _volume_type(ctx: Context, name: str | None) -> dict[str, Any]:
    from ._account import volume_type_by_name_or_id

    return volume_type_by_name_or_id(ctx, name or cat.DEFAULT_VOLUME_TYPE)


def new_volume(
    ctx: Context,
    name: str,
    size: int,
    volume_type: str | None,
    *,
    bootable: bool = False,
    snapshot_id: str | None = None,
) -> dict[str, Any]:
    """Store a new volume in ``creating`` and schedule it to become ``available``."""
    if size % 8:
        raise SimulatorError(400, f"size: {size} GiB is not a multiple of 8")
    vtype = _volume_type(ctx, volume_type)
    volume_id = new_uuid()
    record = {
        "id": volume_id,
        "name": name,
        "size": size,
        "state": "creating",
        "bootable": bootable,
        "encrypted": False,
        "multiattach": vtype["extra_specs"]["multiattach"] == "True",
        "servers": [],
        "snapshot_id": snapshot_id,
        "user_id": cat.USER_ID,
        "volume_type": vtype["name"],
        "volume_type_id": vtype["id"],
        "volume_image_metadata": None,
        "created_at": ctx.now(),
        "modified_at": None,
        "_tags": [],
    }
    ctx.world.put("volume", volume_id, record)
    ctx.world.schedule("volume", volume_id, ctx.delay, set_fields={"state": ctx.outcome("available", "error")})
    return record


def attach(
    ctx: Context,
    volume: dict[str, Any],
    server: dict[str, Any],
    *,
    delete_on_termination: bool,
    immediate: bool = False,
) -> dict[str, Any]:
    """Attach ``volume`` to ``server`` (both records are saved)."""
    if any(s["id"] == server["id"] for s in volume["servers"]):
        raise SimulatorError(409, f"volume {volume['id']} is already attached to server {server['id']}")
    if not immediate:
        if volume["state"] not in ("available", "in-use") or (volume["servers"] and not volume["multiattach"]):
            raise SimulatorError(409, f"volume {volume['id']} is {volume['state']} and cannot be attached")
        if server["state"] not in ("ACTIVE", "SHUTOFF"):
            raise SimulatorError(
                409, f"server {server['id']} is {server['state']}; volumes attach to ACTIVE or SHUTOFF servers"
            )
    device = f"/dev/vd{DEVICE_LETTERS[len(server['volumes'])]}"
    volume["servers"].append({"id": server["id"], "device": device, "attached_at": ctx.now()})
    server["volumes"].append({"id": volume["id"], "delete_on_termination": delete_on_termination})
    if immediate:
        ctx.world.put("volume", volume["id"], volume)
        ctx.world.schedule("volume", volume["id"], 0, set_fields={"state": "in-use"})
    else:
        volume["state"] = "attaching"
        ctx.world.put("volume", volume["id"], volume)
        ctx.world.schedule("volume", volume["id"], ctx.delay, set_fields={"state": "in-use"})
    ctx.world.put("server", server["id"], server)
    return volume


def detach(ctx: Context, volume: dict[str, Any], server: dict[str, Any]) -> None:
    attachment = next((s for s in volume["servers"] if s["id"] == server["id"]), None)
    if attachment is None:
        raise SimulatorError(409, f"volume {volume['id']} is not attached to server {server['id']}")
    if volume["bootable"] and attachment["device"] == "/dev/vda":
        raise SimulatorError(409, f"volume {volume['id']} is the boot volume of server {server['id']}")
    if volume["state"] != "in-use":
        raise SimulatorError(409, f"volume {volume['id']} is {volume['state']}")
    volume["servers"] = [s for s in volume["servers"] if s["id"] != server["id"]]
    server["volumes"] = [a for a in server["volumes"] if a["id"] != volume["id"]]
    volume["state"] = "detaching"
    ctx.world.put("volume", volume["id"], volume)
    ctx.world.put("server", server["id"], server)
    final = "in-use" if volume["servers"] else "available"
    ctx.world.schedule("volume", volume["id"], ctx.delay, set_fields={"state": final})


def describe_attachment(volume: dict[str, Any], server: dict[str, Any]) -> dict[str, Any]:
    """An attachment as the API shows it from either side, volume or server (the device is
    ``/dev/vdb`` should the volume not list the server)."""
    attachment = next(a for a in server["volumes"] if a["id"] == volume["id"])
    device = next((s["device"] for s in volume["servers"] if s["id"] == server["id"]), "/dev/vdb")
    return {
        "volume_id": volume["id"],
        "server_id": server["id"],
        "device": device,
        "delete_on_termination": attachment["delete_on_termination"],
    }


def attach_as_requested(ctx: Context, volume: dict[str, Any], server: dict[str, Any]) -> dict[str, Any]:
    """Attach ``volume`` to ``server`` as an attach request's body asks, and describe the attachment.

    ``POST /v1/volumes/{volume_id}/servers`` and ``POST /v1/servers/{server_id}/volumes`` are
    one operation seen from either side: each body names the other record and may set
    ``delete_on_termination`` (false when left out).
    """
    attach(ctx, volume, server, delete_on_termination=bool(ctx.b().delete_on_termination))
    return describe_attachment(volume, server)


def _require_volume(ctx: Context) -> dict[str, Any]:
    return ctx.require("volume", ctx.path["volume_id"], "volume")


@handles("create_volume")
def create_volume(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    size = body.size
    if body.snapshot_id:
        snapshot = ctx.require("snapshot", body.snapshot_id, "snapshot")
        if snapshot["status"] != "available":
            raise SimulatorError(409, f"snapshot {snapshot['id']} is {snapshot['status']}")
        if size < snapshot["size"]:
            raise SimulatorError(400, f"size: must be at least the snapshot's {snapshot['size']} GiB")
    record = new_volume(ctx, body.name, size, body.volume_type, snapshot_id=body.snapshot_id)
    record["_tags"] = [t.model_dump() for t in body.tags or []]
    ctx.world.put("volume", record["id"], record)
    return view(record, "VolumeShowResponse")


handles("show_volume")(show_handler(_require_volume, "VolumeShowResponse"))


@handles("list_volumes")
def list_volumes(ctx: Context) -> dict[str, Any]:
    items = [v for v in ctx.world.objects("volume") if ctx.matches_query(v, "name", "state", "bootable")]
    items = sort_records(items, ctx.q("sort"), "created_at:desc")
    return {
        "count": ctx.count_unless_declined(items),
        "volumes": [view(v, "VolumeShowResponse") for v in ctx.page(items)],
    }


handles("update_volume")(update_handler("volume", _require_volume, "VolumeShowResponse"))


@handles("delete_volume")
def delete_volume(ctx: Context) -> None:
    volume = _require_volume(ctx)
    if volume["servers"] or volume["state"] == "in-use":
        servers = ", ".join(s["id"] for s in volume["servers"])
        raise SimulatorError(409, f"volume {volume['id']} is attached to server {servers}; detach it first")
    if volume["state"] not in ("available", "error", "error_extending"):
        raise SimulatorError(409, f"volume {volume['id']} is {volume['state']} and cannot be deleted")
    snapshots = [s for s in ctx.world.objects("snapshot") if s["volume_id"] == volume["id"]]
    if snapshots and ctx.q("cascade") is False:
        raise SimulatorError(409, f"volume {volume['id']} has snapshots; delete them or use cascade=true")
    hooks = [{"op": "delete", "kind": "snapshot", "id": s["id"]} for s in snapshots]
    volume["state"] = "deleting"
    ctx.world.put("volume", volume["id"], volume)
    ctx.world.schedule("volume", volume["id"], ctx.delay, delete=True, then=hooks)


@handles("extend_volume")
def extend_volume(ctx: Context) -> dict[str, Any]:
    volume = _require_volume(ctx)
    size = ctx.b().size
    if size % 8:
        raise SimulatorError(400, f"size: {size} GiB is not a multiple of 8")
    if size <= volume["size"]:
        raise SimulatorError(400, f"size: {size} GiB must be larger than the current {volume['size']} GiB")
    if volume["state"] not in ("available", "in-use"):
        raise SimulatorError(409, f"volume {volume['id']} is {volume['state']} and cannot be extended")
    final = volume["state"]
    volume["state"] = "extending"
    ctx.world.put("volume", volume["id"], volume)
    ctx.world.schedule("volume", volume["id"], ctx.delay, set_fields={"state": final, "size": size})
    return view(volume, "VolumeShowResponse")


@handles("attach_volume_to_server")
def attach_volume(ctx: Context) -> dict[str, Any]:
    volume = _require_volume(ctx)
    server = ctx.require("server", ctx.b().server_id, "server")
    return attach_as_requested(ctx, volume, server)


@handles("detach_volume_from_server")
def detach_volume(ctx: Context) -> None:
    volume = _require_volume(ctx)
    detach(ctx, volume, ctx.require("server", ctx.path["server_id"], "server"))


@handles("revert_volume_to_snapshot")
def revert_volume(ctx: Context) -> None:
    volume = _require_volume(ctx)
    snapshot = ctx.require("snapshot", ctx.b().snapshot_id, "snapshot")
    if snapshot["volume_id"] != volume["id"]:
        raise SimulatorError(400, f"snapshot_id: snapshot {snapshot['id']} was not taken of volume {volume['id']}")
    if volume["state"] != "available":
        raise SimulatorError(409, f"volume {volume['id']} is {volume['state']}; revert needs it available (detached)")
    volume["state"] = "reverting"
    ctx.world.put("volume", volume["id"], volume)
    ctx.world.schedule("volume", volume["id"], ctx.delay, set_fields={"state": "available"})


# -- snapshots ----------------------------------------------------------------------------


@handles("create_snapshot")
def create_snapshot(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    volume = ctx.require("volume", body.volume_id, "volume")
    if volume["state"] == "in-use" and not body.force:
        raise SimulatorError(409, f"volume {volume['id']} is in-use; set force to snapshot an attached volume")
    if volume["state"] not in ("available", "in-use"):
        raise SimulatorError(409, f"volume {volume['id']} is {volume['state']}")
    snapshot_id = new_uuid()
    record = {
        "id": snapshot_id,
        "name": body.name,
        "description": body.description,
        "metadata": body.metadata or {},
        "size": volume["size"],
        "status": "creating",
        "volume_id": volume["id"],
        "user_id": cat.USER_ID,
        "created_at": ctx.now(),
        "updated_at": None,
    }
    ctx.world.put("snapshot", snapshot_id, record)
    ctx.world.schedule("snapshot", snapshot_id, ctx.delay, set_fields={"status": ctx.outcome("available", "error")})
    return view(record, "SnapshotDetailResponse")


def _require_snapshot(ctx: Context) -> dict[str, Any]:
    return ctx.require("snapshot", ctx.path["snapshot_id"], "snapshot")


handles("show_snapshot")(show_handler(_require_snapshot, "SnapshotDetailResponse"))


@handles("list_snapshots")
def list_snapshots(ctx: Context) -> dict[str, Any]:
    items = [s for s in ctx.world.objects("snapshot") if ctx.matches_query(s, "volume_id", "name")]
    return {
        "count": ctx.count_unless_declined(items),
        "snapshots": [view(s, "SnapshotDetailResponse") for s in ctx.page(items)],
    }


handles("update_snapshot")(update_handler("snapshot", _require_snapshot, "SnapshotDetailResponse", stamp="updated_at"))


@handles("delete_snapshot")
def delete_snapshot(ctx: Context) -> None:
    snapshot = _require_snapshot(ctx)
    if snapshot["status"] not in ("available", "error"):
        raise SimulatorError(409, f"snapshot {snapshot['id']} is {snapshot['status']}")
    if any(v.get("snapshot_id") == snapshot["id"] and v["state"] == "creating" for v in ctx.world.objects("volume")):
        raise SimulatorError(409, f"snapshot {snapshot['id']} is being restored into a volume")
    snapshot["status"] = "deleting"
    ctx.world.put("snapshot", snapshot["id"], snapshot)
    ctx.world.schedule("snapshot", snapshot["id"], ctx.delay, delete=True)


# -- volume transfers ---------------------------------------------------------------------


@handles("create_volume_transfer")
def create_transfer(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    volume = ctx.require("volume", body.volume_id, "volume")
    if volume["state"] != "available":
        raise SimulatorError(
            409, f"volume {volume['id']} is {volume['state']}; only available volumes can be transferred"
        )
    transfer_id = new_uuid()
    record = {
        "id": transfer_id,
        "name": body.name,
        "volume_id": volume["id"],
        "created_at": ctx.now(),
        "_auth_key": random_token(8),
    }
    ctx.world.put("volume_transfer", transfer_id, record)
    volume["state"] = "awaiting-transfer"
    ctx.world.put("volume", volume["id"], volume)
    return {**view(record, "VolumeTransferCreateResponse"), "auth_key": record["_auth_key"]}


def _require_transfer(ctx: Context) -> dict[str, Any]:
    return ctx.require("volume_transfer", ctx.path["transfer_id"], "volume transfer")


handles("show_volume_transfer_detail")(show_handler(_require_transfer, "VolumeTransferShowResponse"))


@handles("list_volume_transfers")
def list_transfers(ctx: Context) -> dict[str, Any]:
    return {"transfers": [view(t, "VolumeTransferAcceptResponse") for t in ctx.world.objects("volume_transfer")]}


def _release(ctx: Context, transfer: dict[str, Any]) -> None:
    ctx.world.remove("volume_transfer", transfer["id"])
    volume = ctx.world.get("volume", transfer["volume_id"])
    if volume is not None and volume["state"] == "awaiting-transfer":
        volume["state"] = "available"
        ctx.world.put("volume", volume["id"], volume)


@handles("delete_volume_transfer")
def delete_transfer(ctx: Context) -> None:
    _release(ctx, _require_transfer(ctx))


@handles("accept_volume_transfer")
def accept_transfer(ctx: Context) -> dict[str, Any]:
    transfer = _require_transfer(ctx)
    if ctx.b().auth_key != transfer["_auth_key"]:
        raise SimulatorError(400, "auth_key: does not match the transfer's key")
    _release(ctx, transfer)
    volume = ctx.world.get("volume", transfer["volume_id"])
    if volume is not None:
        volume["user_id"] = cat.OTHER_ACCOUNT_ID
        ctx.world.put("volume", volume["id"], volume)
    return view(transfer, "VolumeTransferAcceptResponse")
