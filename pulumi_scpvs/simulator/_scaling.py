"""Launch configurations and auto-scaling groups with their policies, schedules and notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _catalogue as cat
from ._context import Context, SimulatorError, new_hex_id, page_marker, page_offset, sort_records, view
from ._registry import handles
from ._servers import build_server, remove_server


def _created_now(ctx: Context) -> dict[str, Any]:
    """The audit fields of an auto-scaling record that this account's user creates now."""
    now = ctx.now()
    return {
        "account_id": cat.ACCOUNT_ID,
        "created_at": now,
        "created_by": cat.USER_ID,
        "modified_at": now,
        "modified_by": cat.USER_ID,
    }


# -- launch configurations ------------------------------------------------------------------


@handles("create_launch_configuration")
def create_launch_configuration(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    image = ctx.require("image", body.image_id, "image")
    ctx.require("keypair", body.keypair_name, "keypair")
    if ctx.world.get("server_type", body.server_type_id) is None:
        raise SimulatorError(400, f"server_type_id: unknown server type {body.server_type_id!r}")
    if any(lc["name"] == body.name for lc in ctx.world.objects("launch_configuration")):
        raise SimulatorError(409, f"launch configuration {body.name!r} already exists")
    for volume in body.volumes or []:
        if volume.size % 8:
            raise SimulatorError(400, f"volumes[].size: {volume.size} GiB is not a multiple of 8")
    volumes = [v.model_dump() for v in body.volumes or []]
    record = {
        "id": new_hex_id(),
        "name": body.name,
        "image_id": image["id"],
        "image_name": image["name"],
        "keypair_name": body.keypair_name,
        "public_key": (ctx.world.get("keypair", body.keypair_name) or {}).get("public_key"),
        "server_type_id": body.server_type_id,
        "user_data": body.user_data,
        "volumes": volumes,
        "boot_disk_size": next((v["size"] for v in volumes if v["boot_index"] == 0), None),
        "extra_disk_size": sum(v["size"] for v in volumes if v["boot_index"] != 0) or None,
        "auto_scaling_group_count": 0,
        "state": "ACTIVE",
        **_created_now(ctx),
        "_tags": [t.model_dump() for t in body.tags or []],
    }
    ctx.world.put("launch_configuration", record["id"], record)
    return view(record, "LaunchConfigurationDetailShowResponse")


def _lc_with_count(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    count = sum(1 for g in ctx.world.objects("auto_scaling_group") if g["launch_configuration_id"] == record["id"])
    return {**record, "auto_scaling_group_count": count}


@handles("show_launch_configuration")
def show_launch_configuration(ctx: Context) -> dict[str, Any]:
    record = ctx.require("launch_configuration", ctx.path["launch_configuration_id"], "launch configuration")
    return view(_lc_with_count(ctx, record), "LaunchConfigurationDetailShowResponse")


@handles("list_launch_configurations")
def list_launch_configurations(ctx: Context) -> dict[str, Any]:
    items = [r for r in ctx.world.objects("launch_configuration") if ctx.matches_query(r, "name", "image_id")]
    items = sort_records(items, ctx.q("sort"), "created_at:asc")
    page = page_offset(items, ctx.q("limit"), ctx.q("offset"))
    return {
        "count": len(items),
        "launch_configurations": [view(_lc_with_count(ctx, r), "LaunchConfigurationShowResponse") for r in page],
    }


@handles("delete_launch_configuration")
def delete_launch_configuration(ctx: Context) -> None:
    record = ctx.require("launch_configuration", ctx.path["launch_configuration_id"], "launch configuration")
    users = [g["id"] for g in ctx.world.objects("auto_scaling_group") if g["launch_configuration_id"] == record["id"]]
    if users:
        raise SimulatorError(
            409, f"launch configuration {record['id']} is used by auto-scaling group(s) {', '.join(users)}"
        )
    ctx.world.remove("launch_configuration", record["id"])


# -- auto-scaling groups ---------------------------------------------------------------------


def _check_counts(minimum: int, desired: int, maximum: int) -> None:
    if not 0 <= minimum <= desired <= maximum:
        raise SimulatorError(
            400, f"server counts must satisfy 0 <= min ({minimum}) <= desired ({desired}) <= max ({maximum})"
        )


def _group_servers(ctx: Context, group_id: str) -> list[dict[str, Any]]:
    return [s for s in ctx.world.objects("server") if s.get("auto_scaling_group_id") == group_id]


def _scale(ctx: Context, group: dict[str, Any]) -> None:
    """Create or remove servers until the group runs its desired count."""
    servers = [s for s in _group_servers(ctx, group["id"]) if s["state"] != "DELETING"]
    lc = ctx.require("launch_configuration", group["launch_configuration_id"], "launch configuration")
    while len(servers) < group["desired_server_count"]:
        spec = _LaunchSpec(lc, group)
        name = f"{group['server_name_prefix']}-{ctx.world.next_number('asg:' + group['id'])}"
        servers.append(build_server(ctx, spec, name, asg_id=group["id"], lc_id=lc["id"]))
    for server in servers[group["desired_server_count"] :]:
        remove_server(ctx, ctx.require("server", server["id"]))


class _LaunchSpec:
    """A launch configuration read as a server create request."""

    def __init__(self, lc: dict[str, Any], group: dict[str, Any]) -> None:
        from ..scp.models import LaunchConfigurationVolume, Network

        self.image_id = lc["image_id"]
        self.server_type_id = lc["server_type_id"]
        self.keypair_name = lc["keypair_name"]
        self.user_data = lc["user_data"]
        self.volumes = [LaunchConfigurationVolume.model_validate(v) for v in lc["volumes"] or []]
        self.networks = [Network(subnet_id=group["subnet_ids"][0])] if group["subnet_ids"] else []
        self.security_groups = group["security_group_ids"] or []


def _require_group(ctx: Context) -> dict[str, Any]:
    return ctx.require("auto_scaling_group", ctx.path["auto_scaling_group_id"], "auto-scaling group")


def _group_view(ctx: Context, group: dict[str, Any], model: str = "AutoScalingGroupShowResponse") -> dict[str, Any]:
    lc = ctx.world.get("launch_configuration", group["launch_configuration_id"]) or {}
    total = len(_group_servers(ctx, group["id"]))
    return view({**group, "launch_configuration_name": lc.get("name", ""), "total_server_count": total}, model)


def _set_lb_groups(ctx: Context, group: dict[str, Any], lb_groups: list[Any]) -> None:
    for lb in lb_groups:
        ctx.require("lb_server_group", lb.id, "LB server group")
    group["lb_server_groups"] = [{"id": lb.id, "port": lb.port} for lb in lb_groups]


@handles("create_auto_scaling_group")
def create_auto_scaling_group(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    _check_counts(body.min_server_count, body.desired_server_count, body.max_server_count)
    if any(g["name"] == body.name for g in ctx.world.objects("auto_scaling_group")):
        raise SimulatorError(409, f"auto-scaling group {body.name!r} already exists")
    ctx.require("launch_configuration", body.launch_configuration_id, "launch configuration")
    subnets = [ctx.require("subnet", s, "subnet") for s in body.subnet_ids]
    if not subnets:
        raise SimulatorError(400, "subnet_ids: at least one subnet is required")
    for group_id in body.security_group_ids or []:
        ctx.require("security_group", group_id, "security group")
    group: dict[str, Any] = {
        "id": new_hex_id(),
        "name": body.name,
        "server_name_prefix": body.server_name_prefix,
        "launch_configuration_id": body.launch_configuration_id,
        "min_server_count": body.min_server_count,
        "max_server_count": body.max_server_count,
        "desired_server_count": body.desired_server_count,
        "desired_server_count_editable": body.desired_server_count_editable,
        "drain_enabled": bool(body.drain_enabled),
        "drain_timeout": body.drain_timeout,
        "security_group_ids": body.security_group_ids or [],
        "subnet_ids": body.subnet_ids,
        "vpc_id": subnets[0]["vpc_id"],
        "lb_server_groups": [],
        "state": "CREATING",
        **_created_now(ctx),
        "_tags": [t.model_dump() for t in body.tags or []],
    }
    _set_lb_groups(ctx, group, body.lb_server_groups or [])
    ctx.world.put("auto_scaling_group", group["id"], group)
    for policy in body.scaling_policies or []:
        _store_policy(ctx, group["id"], policy)
    for notification in body.notifications or []:
        _store_notifications(ctx, group["id"], notification)
    _scale(ctx, group)
    ctx.world.schedule("auto_scaling_group", group["id"], ctx.delay, set_fields={"state": "IN_SERVICE"})
    return _group_view(ctx, group)


@handles("show_auto_scaling_group")
def show_auto_scaling_group(ctx: Context) -> dict[str, Any]:
    return _group_view(ctx, _require_group(ctx))


@handles("list_auto_scaling_groups")
def list_auto_scaling_groups(ctx: Context) -> dict[str, Any]:
    items = [
        g
        for g in ctx.world.objects("auto_scaling_group")
        if ctx.matches_query(g, "name", "state", "launch_configuration_id", "vpc_id", "created_by")
        and (ctx.q("subnet_id") is None or ctx.q("subnet_id") in g["subnet_ids"])
        and (ctx.q("security_group_id") is None or ctx.q("security_group_id") in g["security_group_ids"])
        and (
            ctx.q("lb_server_group_id") is None
            or any(lb["id"] == ctx.q("lb_server_group_id") for lb in g["lb_server_groups"])
        )
    ]
    if ctx.q("launch_configuration_name") is not None:
        ids = {
            lc["id"]
            for lc in ctx.world.objects("launch_configuration")
            if lc["name"] == ctx.q("launch_configuration_name")
        }
        items = [g for g in items if g["launch_configuration_id"] in ids]
    items = sort_records(items, ctx.q("sort"), "created_at:desc,id:desc")
    page = page_offset(items, ctx.q("limit"), ctx.q("offset"))
    return {"count": len(items), "auto_scaling_groups": [_group_view(ctx, g, "AutoScalingGroup") for g in page]}


@handles("update_auto_scaling_group")
def update_auto_scaling_group(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    body = ctx.b()
    if body.launch_configuration_id is not None:
        ctx.require("launch_configuration", body.launch_configuration_id, "launch configuration")
    for group_id in body.security_group_ids or []:
        ctx.require("security_group", group_id, "security group")
    return _group_view(ctx, ctx.apply_update("auto_scaling_group", group))


@handles("update_auto_scaling_group_server_count")
def update_server_count(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    body = ctx.b()
    if body.desired_server_count is not None and not group["desired_server_count_editable"]:
        raise SimulatorError(400, "desired_server_count: the group's desired count is not editable")
    counts = {
        k: getattr(body, k) if getattr(body, k) is not None else group[k]
        for k in ("min_server_count", "desired_server_count", "max_server_count")
    }
    _check_counts(counts["min_server_count"], counts["desired_server_count"], counts["max_server_count"])
    group.update(counts, state="SCALING")
    ctx.store_change("auto_scaling_group", group)
    _scale(ctx, group)
    ctx.world.schedule("auto_scaling_group", group["id"], ctx.delay, set_fields={"state": "IN_SERVICE"})
    return _group_view(ctx, group)


@handles("list_auto_scaling_group_lb_server_groups")
def list_lb_groups(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    items = []
    for lb in group["lb_server_groups"]:
        catalogue = ctx.world.get("lb_server_group", lb["id"]) or {}
        items.append({**catalogue, "port": lb["port"]})
    page = page_offset(items, ctx.q("limit"), ctx.q("offset"))
    return {
        "count": len(items),
        "lb_server_groups": [view(i, "AutoScalingGroupLbServerGroupShowResponse") for i in page],
    }


@handles("update_auto_scaling_group_lb_server_groups")
def update_lb_groups(ctx: Context) -> None:
    group = _require_group(ctx)
    _set_lb_groups(ctx, group, ctx.b().lb_server_groups)
    ctx.store_change("auto_scaling_group", group)


@handles("list_auto_scaling_group_servers")
def list_group_servers(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    items = sort_records(_group_servers(ctx, group["id"]), ctx.q("sort"), "created_at:desc")
    page = page_marker(items, ctx.q("limit"), ctx.q("marker"))
    lb_state = "LINKED" if group["lb_server_groups"] else None
    return {
        "servers": [view({**s, "lb_linked_state": lb_state}, "AutoScalingGroupVirtualServerShowResponse") for s in page]
    }


@handles("delete_auto_scaling_group")
def delete_auto_scaling_group(ctx: Context) -> None:
    group = _require_group(ctx)
    for server in _group_servers(ctx, group["id"]):
        if server["state"] != "DELETING":
            remove_server(ctx, server)
    for kind in ("asg_policy", "asg_schedule", "asg_notification"):
        for child in ctx.world.objects(kind, parent=group["id"]):
            ctx.world.remove(kind, child["id"])
    ctx.world.remove("auto_scaling_group", group["id"])


# -- policies, schedules, notifications ---------------------------------------------------------


@dataclass(frozen=True)
class _ChildKind:
    """A kind of record that lives under an auto-scaling group (its policies, schedules, notifications)."""

    kind: str
    """Its kind in the world."""
    id_param: str
    """The path parameter that names one."""
    what: str
    """Its name in error messages, which also ends the names of its operations (``show_auto_scaling_group_policy``)."""
    model: str
    """The response model of its show, create and update operations."""


POLICY = _ChildKind("asg_policy", "policy_id", "policy", "AutoScalingGroupPolicyShowResponse")
SCHEDULE = _ChildKind("asg_schedule", "schedule_id", "schedule", "AutoScalingGroupScheduleShowResponse")
NOTIFICATION = _ChildKind(
    "asg_notification", "notification_id", "notification", "AutoScalingGroupNotificationShowResponse"
)
CHILD_KINDS = {child.what: child for child in (POLICY, SCHEDULE, NOTIFICATION)}


def _operated_child(ctx: Context) -> _ChildKind:
    """The child kind a show, update or delete operation acts on (``show_auto_scaling_group_policy``)."""
    return CHILD_KINDS[ctx.operation.rpartition("_auto_scaling_group_")[2]]


def _require_child(ctx: Context, child: _ChildKind) -> dict[str, Any]:
    """The child the path names, which must belong to the group the path names."""
    group = _require_group(ctx)
    record = ctx.world.get(child.kind, ctx.path[child.id_param])
    if record is None or record["auto_scaling_group_id"] != group["id"]:
        raise SimulatorError(
            404, f"{child.what} {ctx.path[child.id_param]!r} not found in auto-scaling group {group['id']}"
        )
    return record


def _stamp(ctx: Context, group_id: str) -> dict[str, Any]:
    return {"id": new_hex_id(), "auto_scaling_group_id": group_id, **_created_now(ctx)}


UNITS = {"CPU": "PERCENT", "MEMORY": "PERCENT"}


def _store_policy(ctx: Context, group_id: str, body: Any) -> dict[str, Any]:
    if any(p["name"] == body.name for p in ctx.world.objects(POLICY.kind, parent=group_id)):
        raise SimulatorError(409, f"policy {body.name!r} already exists in auto-scaling group {group_id}")
    record = {
        **_stamp(ctx, group_id),
        **body.model_dump(),
        "state": "ACTIVE",
        "threshold_unit": UNITS.get(body.metric_type, "BYTES" if "BYTES" in body.metric_type else "COUNT"),
    }
    ctx.world.put(POLICY.kind, record["id"], record, parent=group_id)
    return record


@handles("create_auto_scaling_group_policy")
def create_policy(ctx: Context) -> dict[str, Any]:
    return view(_store_policy(ctx, _require_group(ctx)["id"], ctx.b()), POLICY.model)


@handles("list_auto_scaling_group_policies")
def list_policies(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    items = [
        p
        for p in ctx.world.objects(POLICY.kind, parent=group["id"])
        if ctx.matches_query(p, "name", "metric_method", "metric_type", "scale_type")
    ]
    items = sort_records(items, ctx.q("sort"), "created_at:desc,id:desc")
    page = page_offset(items, ctx.q("limit"), ctx.q("offset"))
    return {"count": len(items), "policies": [view(p, POLICY.model) for p in page]}


@handles("create_auto_scaling_group_schedule")
def create_schedule(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    body = ctx.b()
    if any(s["name"] == body.name for s in ctx.world.objects(SCHEDULE.kind, parent=group["id"])):
        raise SimulatorError(409, f"schedule {body.name!r} already exists in auto-scaling group {group['id']}")
    if body.frequency == "WEEKLY" and not body.day_of_week:
        raise SimulatorError(400, "day_of_week: required when frequency is WEEKLY")
    if body.frequency == "MONTHLY" and not body.day_of_month:
        raise SimulatorError(400, "day_of_month: required when frequency is MONTHLY")
    record = {**_stamp(ctx, group["id"]), **body.model_dump()}
    record["state"] = body.state or "ACTIVE"
    ctx.world.put(SCHEDULE.kind, record["id"], record, parent=group["id"])
    return view(record, SCHEDULE.model)


@handles("list_auto_scaling_group_schedules")
def list_schedules(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    items = [s for s in ctx.world.objects(SCHEDULE.kind, parent=group["id"]) if ctx.matches_query(s, "frequency")]
    items = sort_records(items, ctx.q("sort"), "created_at:desc")
    size = ctx.q("size") if ctx.q("size") is not None else 20
    page = ctx.q("page") or 0
    chunk = items[page * size : (page + 1) * size]
    return {
        "count": len(items),
        "page": page,
        "size": size,
        "sort": [ctx.q("sort")] if ctx.q("sort") else None,
        "schedules": [view(s, SCHEDULE.model) for s in chunk],
    }


def _store_notifications(ctx: Context, group_id: str, body: Any) -> list[dict[str, Any]]:
    created = []
    existing = {n["user_id"] for n in ctx.world.objects(NOTIFICATION.kind, parent=group_id)}
    for user_id in body.user_ids:
        if user_id in existing:
            raise SimulatorError(409, f"user {user_id} already has a notification in auto-scaling group {group_id}")
        record = {
            **_stamp(ctx, group_id),
            "user_id": user_id,
            "user_name": cat.USER_NAME if user_id == cat.USER_ID else f"user-{user_id[:8]}",
            "notification_events": list(body.notification_events),
            "notification_state": "ACTIVE",
        }
        ctx.world.put(NOTIFICATION.kind, record["id"], record, parent=group_id)
        created.append(record)
    return created


@handles("create_auto_scaling_group_notification")
def create_notification(ctx: Context) -> dict[str, Any]:
    created = _store_notifications(ctx, _require_group(ctx)["id"], ctx.b())
    return {"count": len(created), "notifications": [view(n, NOTIFICATION.model) for n in created]}


@handles("list_auto_scaling_group_notifications")
def list_notifications(ctx: Context) -> dict[str, Any]:
    group = _require_group(ctx)
    items = [
        n
        for n in ctx.world.objects(NOTIFICATION.kind, parent=group["id"])
        if ctx.matches_query(n, "notification_state")
        and (not ctx.q("user_ids") or n["user_id"] in ctx.q("user_ids"))
        and (ctx.q("notification_event") is None or ctx.q("notification_event") in n["notification_events"])
    ]
    items = sort_records(items, ctx.q("sort"), "created_at:desc")
    page = page_offset(items, ctx.q("limit"), ctx.q("offset"))
    return {"count": len(items), "notifications": [view(n, NOTIFICATION.model) for n in page]}


# One policy, schedule or notification: the same show, update and delete for each kind.


@handles("show_auto_scaling_group_policy", "show_auto_scaling_group_schedule", "show_auto_scaling_group_notification")
def show_child(ctx: Context) -> dict[str, Any]:
    child = _operated_child(ctx)
    return view(_require_child(ctx, child), child.model)


@handles(
    "update_auto_scaling_group_policy", "update_auto_scaling_group_schedule", "update_auto_scaling_group_notification"
)
def update_child(ctx: Context) -> dict[str, Any]:
    child = _operated_child(ctx)
    return view(ctx.apply_update(child.kind, _require_child(ctx, child)), child.model)


@handles(
    "delete_auto_scaling_group_policy", "delete_auto_scaling_group_schedule", "delete_auto_scaling_group_notification"
)
def delete_child(ctx: Context) -> None:
    child = _operated_child(ctx)
    ctx.world.remove(child.kind, _require_child(ctx, child)["id"])
