"""Keypairs, server types, server groups, quotas, default configs and volume types."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from . import _catalogue as cat
from ._context import Context, SimulatorError, new_uuid, page_marker, page_offset, random_token, sort_records, view
from ._registry import handles

# -- keypairs ---------------------------------------------------------------------------


def _fingerprint(public_key: str) -> str:
    parts = public_key.split()
    blob = parts[1] if len(parts) > 1 else public_key
    try:
        raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=False)
    except ValueError:
        raw = blob.encode()
    digest = hashlib.md5(raw, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


@handles("create_keypair")
def create_keypair(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    if ctx.world.get("keypair", body.name) is not None:
        raise SimulatorError(409, f"keypair {body.name!r} already exists")
    private_key = None
    public_key = body.public_key
    if not public_key:
        # A simulated key pair: well-formed OpenSSH framing around random material.
        material = base64.b64encode(
            b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + bytes.fromhex(random_token(32))
        ).decode()
        public_key = f"ssh-ed25519 {material} {body.name}"
        secret = base64.b64encode(bytes.fromhex(random_token(48))).decode()
        private_key = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{secret}\n-----END OPENSSH PRIVATE KEY-----\n"
    record = {
        "id": ctx.world.next_number("keypair"),
        "name": body.name,
        "public_key": public_key,
        "fingerprint": _fingerprint(public_key),
        "type": "ssh",
        "user_id": cat.USER_ID,
        "created_at": ctx.now(),
        "_tags": [t.model_dump() for t in body.tags or []],
    }
    ctx.world.put("keypair", body.name, record)
    return {**view(record, "KeypairCreateResponse"), "private_key": private_key}


@handles("show_keypair")
def show_keypair(ctx: Context) -> dict[str, Any]:
    return view(ctx.require("keypair", ctx.path["keypair_name"]), "KeypairShowResponse")


@handles("list_keypairs")
def list_keypairs(ctx: Context) -> dict[str, Any]:
    items = sort_records(ctx.world.objects("keypair"), None, "name:asc")
    page = page_marker(items, ctx.q("limit"), ctx.q("marker"), key="name")
    return {"keypairs": [view(r, "Keypair") for r in page]}


@handles("delete_keypair")
def delete_keypair(ctx: Context) -> None:
    ctx.require("keypair", ctx.path["keypair_name"])
    ctx.world.remove("keypair", ctx.path["keypair_name"])


# -- server types -----------------------------------------------------------------------


@handles("list_server_types")
def list_server_types(ctx: Context) -> dict[str, Any]:
    items = [
        r
        for r in ctx.world.objects("server_type")
        if (ctx.q("min_disk") is None or r["disk"] >= ctx.q("min_disk"))
        and (ctx.q("min_ram") is None or r["ram"] >= ctx.q("min_ram"))
    ]
    items = sort_records(items, ctx.q("sort"), "vcpus:asc")
    return {"server_types": [view(r, "ServerType") for r in page_marker(items, ctx.q("limit"), ctx.q("marker"))]}


@handles("show_server_type")
def show_server_type(ctx: Context) -> dict[str, Any]:
    return view(ctx.require("server_type", ctx.path["server_type_id"], "server type"), "ServerType")


# -- server groups ----------------------------------------------------------------------

PARTITION_SIZE = 3


@handles("create_server_group")
def create_server_group(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    group_id = new_uuid()
    record = {
        "id": group_id,
        "name": body.name,
        "policy": body.policy,
        "members": [],
        "partition_size": PARTITION_SIZE if body.policy == "partition" else None,
        "account_id": cat.ACCOUNT_ID,
        "user_id": cat.USER_ID,
        "_tags": [t.model_dump() for t in body.tags or []],
    }
    ctx.world.put("server_group", group_id, record)
    return view(record, "ServerGroup")


@handles("show_server_group")
def show_server_group(ctx: Context) -> dict[str, Any]:
    return view(ctx.require("server_group", ctx.path["server_group_id"], "server group"), "ServerGroup")


@handles("list_server_groups")
def list_server_groups(ctx: Context) -> dict[str, Any]:
    page = page_offset(ctx.world.objects("server_group"), ctx.q("limit"), ctx.q("offset"))
    return {"server_groups": [view(r, "ServerGroup") for r in page]}


@handles("delete_server_group")
def delete_server_group(ctx: Context) -> None:
    group = ctx.require("server_group", ctx.path["server_group_id"], "server group")
    if group["members"]:
        raise SimulatorError(409, f"server group {group['id']} still has members {group['members']}")
    ctx.world.remove("server_group", group["id"])


@handles("get_region_maximum_partition_size")
def partition_size(ctx: Context) -> dict[str, Any]:
    return {"partition_size": PARTITION_SIZE}


# -- quotas and default configs -----------------------------------------------------------


def _quota(in_use: int, limit: int) -> dict[str, int]:
    return {"in_use": in_use, "limit": limit, "reserved": 0}


@handles("show_server_quota_set")
def server_quota(ctx: Context) -> dict[str, Any]:
    servers = ctx.world.objects("server")
    cores = sum(s["server_type"]["vcpus"] for s in servers)
    ram = sum(s["server_type"]["ram"] for s in servers)
    groups = ctx.world.objects("server_group")
    return {
        "id": cat.ACCOUNT_ID,
        "cores": _quota(cores, 512),
        "instances": _quota(len(servers), 200),
        "keypairs": _quota(ctx.world.count("keypair"), 100),
        "metadata_items": _quota(0, 128),
        "ram": _quota(ram, 1024 * 1024),
        "server_group_members": _quota(max((len(g["members"]) for g in groups), default=0), 20),
        "server_groups": _quota(len(groups), 50),
    }


@handles("show_volume_quota_set")
def volume_quota(ctx: Context) -> dict[str, Any]:
    volumes = ctx.world.objects("volume")
    return {
        "id": cat.ACCOUNT_ID,
        "per_volume_size": _quota(0, 16384),
        "snapshots": _quota(ctx.world.count("snapshot"), 500),
        "usages": _quota(sum(v["size"] for v in volumes), 102400),
        "volumes": _quota(len(volumes), 500),
    }


@handles("list_default_configs")
def default_configs(ctx: Context) -> dict[str, Any]:
    configs = dict(ctx.world.get("default_config", "configs") or {"configs": {}})["configs"]
    if ctx.q("name"):
        configs = {k: v for k, v in configs.items() if k == ctx.q("name")}
    return {"configs": configs, "count": len(configs)}


# -- volume types -----------------------------------------------------------------------


@handles("list_volume_types")
def list_volume_types(ctx: Context) -> dict[str, Any]:
    items = sort_records(ctx.world.objects("volume_type"), ctx.q("sort"), "name:asc")
    return {"volume_types": [view(r, "VolumeTypeDetailResponse") for r in ctx.page(items)]}


def volume_type_by_name_or_id(ctx: Context, name_or_id: str) -> dict[str, Any]:
    for record in ctx.world.objects("volume_type"):
        if name_or_id in (record["id"], record["name"]):
            return record
    raise SimulatorError(404, f"volume type {name_or_id!r} not found")


@handles("show_default_volume_type")
def default_volume_type(ctx: Context) -> dict[str, Any]:
    return view(volume_type_by_name_or_id(ctx, cat.DEFAULT_VOLUME_TYPE), "VolumeTypeDetailResponse")


@handles("show_volume_type")
def show_volume_type(ctx: Context) -> dict[str, Any]:
    return view(volume_type_by_name_or_id(ctx, ctx.path["volume_type_id"]), "VolumeTypeDetailResponse")
