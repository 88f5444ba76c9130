"""Virtual servers: life cycle, power, lock, type, interfaces, NATs, volumes, security groups."""

from __future__ import annotations

from typing import Any

from . import _catalogue as cat
from ._context import (
    Context,
    SimulatorError,
    new_hex_id,
    new_uuid,
    page_marker,
    random_token,
    show_handler,
    sort_records,
    update_handler,
    view,
)
from ._registry import handles
from ._storage import attach, attach_as_requested, describe_attachment, detach, new_volume

STABLE = ("ACTIVE", "SHUTOFF", "ERROR")
OS_TYPES = {"windows": "windows", "rhel": "rhel"}


def require_server(ctx: Context) -> dict[str, Any]:
    return ctx.require("server", ctx.path["server_id"], "server")


def require_stable(server: dict[str, Any], action: str, allowed: tuple[str, ...] = ("ACTIVE", "SHUTOFF")) -> None:
    if server["state"] not in allowed:
        raise SimulatorError(409, f"cannot {action} server {server['id']} while it is {server['state']}")


def require_unlocked(server: dict[str, Any], action: str) -> None:
    if server["locked"]:
        raise SimulatorError(409, f"server {server['id']} is locked; unlock it to {action}")


def allocate_ip(ctx: Context, subnet_id: str) -> str:
    subnet = ctx.require("subnet", subnet_id, "subnet")
    base = subnet["cidr"].rsplit(".", 1)[0]
    return f"{base}.{10 + ctx.world.next_number('ip:' + subnet_id) % 240}"


def transition(ctx: Context, server: dict[str, Any], interim: str, final: str, **changes: Any) -> None:
    server["state"] = interim
    ctx.store_change("server", server)
    ctx.world.schedule("server", server["id"], ctx.delay, set_fields={"state": final, **changes})


def _address(subnet_name: str, ip: str) -> dict[str, Any]:
    return {"subnet_name": subnet_name, "ip_addresses": [{"ip_address": ip, "version": 4}]}


def build_server(
    ctx: Context, spec: Any, name: str, *, asg_id: str | None = None, lc_id: str | None = None
) -> dict[str, Any]:
    """Create one server record from a create request (or a launch configuration)."""
    image = ctx.world.get("image", spec.image_id)
    if image is None or image["status"] != "active":
        raise SimulatorError(404 if image is None else 409, f"image {spec.image_id!r} not found or not active")
    server_type = ctx.world.get("server_type", spec.server_type_id)
    if server_type is None:
        raise SimulatorError(400, f"server_type_id: unknown server type {spec.server_type_id!r}")
    if ctx.world.get("keypair", spec.keypair_name) is None:
        raise SimulatorError(404, f"keypair {spec.keypair_name!r} not found")
    server_id = new_uuid()
    addresses, vpc_id, ports = [], None, []
    for network in getattr(spec, "networks", None) or []:
        subnet_id = network.subnet_id
        if subnet_id is None:
            raise SimulatorError(400, "networks[].subnet_id is required by the simulator")
        subnet = ctx.require("subnet", subnet_id, "subnet")
        vpc_id = subnet["vpc_id"]
        ip = network.fixed_ip or allocate_ip(ctx, subnet_id)
        addresses.append(_address(subnet["name"], ip))
        ports.append({"subnet_id": subnet_id, "ip": ip, "public_ip_id": network.public_ip_id})
    security_groups = []
    for group_id in getattr(spec, "security_groups", None) or []:
        group = ctx.require("security_group", group_id, "security group")
        security_groups.append({"name": group["name"]})
    group_id = getattr(spec, "server_group_id", None)
    if group_id:
        group = ctx.require("server_group", group_id, "server group")
        group["members"].append(server_id)
        ctx.world.put("server_group", group_id, group)
    volumes = []
    requested = list(getattr(spec, "volumes", None) or [])
    if not any(v.boot_index == 0 for v in requested):
        volumes.append(new_volume(ctx, f"{name}-boot", max(image["min_disk"], 16), None, bootable=True))
        volumes[-1]["_delete_on_termination"] = True
    for v in requested:
        if v.size % 8:
            raise SimulatorError(400, f"volumes[].size: {v.size} GiB is not a multiple of 8")
        if v.boot_index == 0 and v.size < image["min_disk"]:
            raise SimulatorError(400, f"volumes[].size: boot volume must be at least {image['min_disk']} GiB")
        suffix = "boot" if v.boot_index == 0 else f"data{v.boot_index}"
        volume = new_volume(ctx, f"{name}-{suffix}", v.size, v.type, bootable=v.boot_index == 0)
        delete_on_termination = getattr(v, "delete_on_termination", None)
        volume["_delete_on_termination"] = True if delete_on_termination is None else delete_on_termination
        volumes.append(volume)
    now = ctx.now()
    record = {
        "id": server_id,
        "name": name,
        "account_id": cat.ACCOUNT_ID,
        "created_at": now,
        "created_by": cat.USER_ID,
        "modified_at": now,
        "disk_config": "MANUAL",
        "image_id": spec.image_id,
        "is_marketplace": False,
        "keypair_name": spec.keypair_name,
        "launch_configuration_id": lc_id,
        "auto_scaling_group_id": asg_id,
        "locked": bool(getattr(spec, "lock", False)),
        "metadata": getattr(spec, "metadata", None) or {},
        "partition_number": getattr(spec, "partition_number", None),
        "planned_compute_os_type": OS_TYPES.get(image.get("os_distro") or "", "open_source"),
        "product_category": getattr(spec, "product_category", None) or "compute",
        "product_offering": getattr(spec, "product_offering", None) or "virtual_server",
        "security_groups": security_groups,
        "server_group_id": group_id,
        "server_type": {
            k: server_type[k] for k in ("id", "name", "vcpus", "ram", "disk", "ephemeral", "swap", "extra_specs")
        },
        "state": "BUILD",
        "addresses": addresses,
        "volumes": [],
        "vpc_id": vpc_id,
        "_security_group_ids": list(getattr(spec, "security_groups", None) or []),
        "_user_data": getattr(spec, "user_data", None),
        "_tags": [t.model_dump() for t in getattr(spec, "tags", None) or []],
        "_password": random_token(8),
    }
    ctx.world.put("server", server_id, record)
    for volume in volumes:
        attach(ctx, volume, record, delete_on_termination=volume.pop("_delete_on_termination"), immediate=True)
    record = ctx.require("server", server_id)
    for port in ports:
        port_record = _new_port(ctx, server_id, port["subnet_id"], port["ip"])
        if port["public_ip_id"]:
            _attach_nat(ctx, port_record, port["public_ip_id"])
    ctx.world.schedule("server", server_id, ctx.delay, set_fields={"state": ctx.outcome("ACTIVE", "ERROR")})
    return record


@handles("create_server")
def create_server(ctx: Context) -> dict[str, Any]:
    body = ctx.b()
    count = body.max_count or 1
    names = [body.name] if count == 1 else [f"{body.name}-{i + 1}" for i in range(count)]
    return {"servers": [{"id": build_server(ctx, body, name)["id"]} for name in names]}


handles("show_server")(show_handler(require_server, "ServerShowResponse"))


@handles("list_servers")
def list_servers(ctx: Context) -> dict[str, Any]:
    offering = ctx.q("product_offering")
    offerings = offering if isinstance(offering, list) else ([offering] if offering else None)
    items = [
        s
        for s in ctx.world.objects("server")
        if ctx.matches_query(s, "state", "vpc_id", "auto_scaling_group_id", "product_category")
        and (ctx.q("name") is None or ctx.q("name") in s["name"])
        and (ctx.q("server_type_id") is None or s["server_type"]["id"] == ctx.q("server_type_id"))
        and (offerings is None or s["product_offering"] in offerings)
        and (
            ctx.q("ip") is None
            or any(ip["ip_address"] == ctx.q("ip") for a in s["addresses"] for ip in a["ip_addresses"])
        )
    ]
    items = sort_records(items, ctx.q("sort"), "created_at:desc")
    return {"servers": [view(s, "ServerShowResponse") for s in page_marker(items, ctx.q("limit"), ctx.q("marker"))]}


handles("update_server")(update_handler("server", require_server, "ServerShowResponse"))


def remove_server(ctx: Context, server: dict[str, Any]) -> None:
    """Start deleting a server: detach or delete its volumes, free its group slot and NATs."""
    hooks: list[dict[str, Any]] = []
    for attachment in server["volumes"]:
        volume = ctx.world.get("volume", attachment["id"])
        if volume is None:
            continue
        if attachment["delete_on_termination"]:
            hooks.append({"op": "delete", "kind": "volume", "id": volume["id"]})
        else:
            hooks.append(
                {"op": "update", "kind": "volume", "id": volume["id"], "set": {"state": "available", "servers": []}}
            )
    for port in ctx.world.objects("port", parent=server["id"]):
        hooks.append({"op": "delete", "kind": "port", "id": port["port_id"]})
    if server.get("server_group_id"):
        group = ctx.world.get("server_group", server["server_group_id"])
        if group is not None and server["id"] in group["members"]:
            group["members"].remove(server["id"])
            ctx.world.put("server_group", group["id"], group)
    server["state"] = "DELETING"
    ctx.world.put("server", server["id"], server)
    ctx.world.schedule("server", server["id"], ctx.delay, delete=True, then=hooks)


@handles("delete_server")
def delete_server(ctx: Context) -> None:
    server = require_server(ctx)
    require_unlocked(server, "delete it")
    if server["state"] == "DELETING":
        return
    if server.get("auto_scaling_group_id"):
        raise SimulatorError(
            409, f"server {server['id']} belongs to auto-scaling group {server['auto_scaling_group_id']}"
        )
    remove_server(ctx, server)


@handles("start_server")
def start_server(ctx: Context) -> None:
    server = require_server(ctx)
    require_stable(server, "start", ("SHUTOFF",))
    transition(ctx, server, "POWERING_ON", "ACTIVE")


@handles("stop_server")
def stop_server(ctx: Context) -> None:
    server = require_server(ctx)
    require_stable(server, "stop", ("ACTIVE",))
    transition(ctx, server, "POWERING_OFF", "SHUTOFF")


@handles("reboot_server")
def reboot_server(ctx: Context) -> None:
    server = require_server(ctx)
    require_stable(server, "reboot", ("ACTIVE",))
    hard = getattr(ctx.body, "reboot_type", None) == "HARD"
    transition(ctx, server, "HARD_REBOOT" if hard else "REBOOT", "ACTIVE")


@handles("rebuild_server")
def rebuild_server(ctx: Context) -> None:
    server = require_server(ctx)
    require_unlocked(server, "rebuild it")
    require_stable(server, "rebuild")
    transition(ctx, server, "REBUILD", "ACTIVE")


@handles("lock_server", "unlock_server")
def lock_server(ctx: Context) -> None:
    server = require_server(ctx)
    server["locked"] = ctx.operation == "lock_server"
    ctx.store_change("server", server)


@handles("update_server_type")
def update_server_type(ctx: Context) -> None:
    server = require_server(ctx)
    require_unlocked(server, "resize it")
    require_stable(server, "resize")
    new_type = ctx.world.get("server_type", ctx.b().server_type)
    if new_type is None:
        raise SimulatorError(400, f"server_type: unknown server type {ctx.b().server_type!r}")
    flavor = {k: new_type[k] for k in ("id", "name", "vcpus", "ram", "disk", "ephemeral", "swap", "extra_specs")}
    transition(ctx, server, "RESIZE", server["state"], server_type=flavor)


@handles("create_server_dump")
def create_server_dump(ctx: Context) -> None:
    require_stable(require_server(ctx), "dump", ("ACTIVE",))


@handles("create_server_custom_image")
def create_server_custom_image(ctx: Context) -> dict[str, Any]:
    from ._images import new_image

    server = require_server(ctx)
    require_stable(server, "image")
    source = ctx.world.get("image", server["image_id"]) or {}
    image = new_image(
        ctx, ctx.b().image_name, source.get("os_distro"), status="saving", min_disk=source.get("min_disk", 16)
    )
    image["scp_image_type"] = "custom"
    image["scp_original_image_type"] = source.get("scp_original_image_type") or "standard"
    ctx.world.put("image", image["id"], image)
    ctx.world.schedule("image", image["id"], ctx.delay, set_fields={"status": ctx.outcome("active", "killed")})
    return {"image_id": image["id"]}


@handles("show_server_console_log")
def console_log(ctx: Context) -> dict[str, Any]:
    server = require_server(ctx)
    lines = [
        f"[    0.000000] Booting {server['name']} ({server['id']})",
        "cloud-init: finished",
        f"state: {server['state']}",
    ]
    size = ctx.q("line_size")
    return {"output": "\n".join(lines[-size:] if size else lines)}


@handles("show_server_password")
def server_password(ctx: Context) -> dict[str, Any]:
    server = require_server(ctx)
    if server["planned_compute_os_type"] != "windows":
        return {"password": None}
    return {"password": server["_password"]}


# -- security groups ----------------------------------------------------------------------


@handles("list_server_security_group")
def list_security_groups(ctx: Context) -> dict[str, Any]:
    server = require_server(ctx)
    groups = [ctx.world.get("security_group", gid) for gid in server["_security_group_ids"]]
    return {"security_groups": [view(g, "SecurityGroupResponse") for g in groups if g is not None]}


@handles("attach_server_security_group", "detach_server_security_group")
def change_security_group(ctx: Context) -> None:
    server = require_server(ctx)
    attaching = ctx.operation == "attach_server_security_group"
    group_id = ctx.b().security_group_id if attaching else ctx.path["security_group_id"]
    group = ctx.require("security_group", group_id, "security group")
    ids = server["_security_group_ids"]
    if attaching == (group_id in ids):
        raise SimulatorError(409, f"security group {group_id} is {'already' if attaching else 'not'} attached")
    ids.append(group_id) if attaching else ids.remove(group_id)
    names = [ctx.world.get("security_group", gid) for gid in ids]
    server["security_groups"] = [{"name": g["name"]} for g in names if g is not None]
    del group
    ctx.world.put("server", server["id"], server)


# -- IPs and interfaces -------------------------------------------------------------------


@handles("list_server_ips")
def list_ips(ctx: Context) -> dict[str, Any]:
    return {"addresses": require_server(ctx)["addresses"]}


@handles("show_server_ip")
def show_ip(ctx: Context) -> dict[str, Any]:
    server = require_server(ctx)
    subnet = ctx.require("subnet", ctx.path["subnet_id"], "subnet")
    for address in server["addresses"]:
        if address["subnet_name"] == subnet["name"]:
            return dict(address)
    raise SimulatorError(404, f"server {server['id']} has no address in subnet {subnet['id']}")


def _new_port(ctx: Context, server_id: str, subnet_id: str, ip: str) -> dict[str, Any]:
    port_id = new_uuid()
    mac = ":".join(["fa", "16", "3e"] + [random_token(1) for _ in range(3)])
    record = {
        "port_id": port_id,
        "subnet_id": subnet_id,
        "fixed_ips": [{"ip_address": ip}],
        "mac_addr": mac,
        "port_state": "BUILD",
        "static_nat": None,
        "private_static_nat": None,
        "_server_id": server_id,
    }
    ctx.world.put("port", port_id, record, parent=server_id)
    ctx.world.schedule("port", port_id, ctx.delay, set_fields={"port_state": "ACTIVE"})
    return record


def _require_port(ctx: Context) -> dict[str, Any]:
    require_server(ctx)
    port = ctx.world.get("port", ctx.path["port_id"])
    if port is None or port["_server_id"] != ctx.path["server_id"]:
        raise SimulatorError(404, f"interface {ctx.path['port_id']!r} not found on server {ctx.path['server_id']}")
    return port


def _sync_addresses(ctx: Context, server_id: str) -> None:
    server = ctx.require("server", server_id)
    addresses = []
    for port in ctx.world.objects("port", parent=server_id):
        subnet = ctx.world.get("subnet", port["subnet_id"]) or {"name": port["subnet_id"]}
        address = _address(subnet["name"], port["fixed_ips"][0]["ip_address"])
        for nat in (port["static_nat"], port["private_static_nat"]):
            if nat and nat["state"] != "DELETING":  # NATs show among the server's addresses, as floating IPs do
                address["ip_addresses"].append({"ip_address": nat["external_ip_address"], "version": 4})
        addresses.append(address)
    server["addresses"] = addresses
    ctx.world.put("server", server_id, server)


@handles("create_server_interface")
def create_interface(ctx: Context) -> dict[str, Any]:
    server = require_server(ctx)
    body = ctx.b()
    if not body.subnet_id:
        raise SimulatorError(400, "subnet_id: the simulator needs a subnet to create an interface in")
    subnet = ctx.require("subnet", body.subnet_id, "subnet")
    if server["vpc_id"] and subnet["vpc_id"] != server["vpc_id"]:
        raise SimulatorError(409, f"subnet {subnet['id']} is in another VPC than server {server['id']}")
    if any(p["subnet_id"] == body.subnet_id for p in ctx.world.objects("port", parent=server["id"])):
        raise SimulatorError(409, f"server {server['id']} already has an interface in subnet {body.subnet_id}")
    ip = body.fixed_ips[0].ip_address if body.fixed_ips else allocate_ip(ctx, body.subnet_id)
    port = _new_port(ctx, server["id"], body.subnet_id, ip)
    _sync_addresses(ctx, server["id"])
    return view(port, "InterfaceResponse")


@handles("list_server_interfaces", "show_server_interface")
def list_interfaces(ctx: Context) -> dict[str, Any]:
    if "port_id" in ctx.path:
        ports = [_require_port(ctx)]
    else:
        ports = ctx.world.objects("port", parent=require_server(ctx)["id"])
    return {"interfaces": [view(p, "InterfaceResponse") for p in ports]}


@handles("update_server_interface")
def update_interface(ctx: Context) -> None:
    port = _require_port(ctx)
    body = ctx.b()
    if body.subnet_id:
        ctx.require("subnet", body.subnet_id, "subnet")
        port["subnet_id"] = body.subnet_id
    port["fixed_ips"] = [{"ip_address": body.fixed_ip_address or allocate_ip(ctx, port["subnet_id"])}]
    port["port_state"] = "BUILD"
    ctx.world.put("port", port["port_id"], port)
    ctx.world.schedule("port", port["port_id"], ctx.delay, set_fields={"port_state": "ACTIVE"})
    _sync_addresses(ctx, port["_server_id"])


@handles("delete_server_interface")
def delete_interface(ctx: Context) -> None:
    port = _require_port(ctx)
    if port["static_nat"] or port["private_static_nat"]:
        raise SimulatorError(409, f"interface {port['port_id']} still has a static NAT; delete it first")
    ctx.world.remove("port", port["port_id"])
    _sync_addresses(ctx, port["_server_id"])


def _attach_nat(ctx: Context, port: dict[str, Any], public_ip_id: str) -> None:
    public_ip = ctx.require("public_ip", public_ip_id, "public IP")
    if public_ip.get("_port_id"):
        raise SimulatorError(409, f"public IP {public_ip_id} is already in use")
    if port["static_nat"]:
        raise SimulatorError(409, f"interface {port['port_id']} already has a static NAT")
    nat = {
        "id": new_hex_id(),
        "external_ip_address": public_ip["ip_address"],
        "publicip_id": public_ip_id,
        "state": "CREATING",
    }
    port["static_nat"] = nat
    public_ip["_port_id"] = port["port_id"]
    ctx.world.put("public_ip", public_ip_id, public_ip)
    ctx.world.put("port", port["port_id"], port)
    ctx.world.schedule("port", port["port_id"], ctx.delay, set_fields={"static_nat": {**nat, "state": "ACTIVE"}})
    _sync_addresses(ctx, port["_server_id"])


@handles("create_server_interface_nat")
def create_nat(ctx: Context) -> None:
    _attach_nat(ctx, _require_port(ctx), ctx.b().publicip_id)


@handles("create_server_interface_private_nat")
def create_private_nat(ctx: Context) -> None:
    port = _require_port(ctx)
    body = ctx.b()
    private_nat = ctx.require("private_nat", body.private_nat_id, "private NAT")
    address = private_nat["ip_ids"].get(body.private_nat_ip_id)
    if address is None:
        raise SimulatorError(404, f"private NAT IP {body.private_nat_ip_id!r} not found")
    if port["private_static_nat"]:
        raise SimulatorError(409, f"interface {port['port_id']} already has a private static NAT")
    nat = {
        "id": new_hex_id(),
        "external_ip_address": address,
        "private_nat_ip_id": body.private_nat_ip_id,
        "state": "CREATING",
    }
    port["private_static_nat"] = nat
    ctx.world.put("port", port["port_id"], port)
    ctx.world.schedule(
        "port", port["port_id"], ctx.delay, set_fields={"private_static_nat": {**nat, "state": "ACTIVE"}}
    )
    _sync_addresses(ctx, port["_server_id"])


@handles("delete_server_interface_nat", "delete_server_interface_private_nat")
def delete_nat(ctx: Context) -> None:
    port = _require_port(ctx)
    field = "static_nat" if ctx.operation == "delete_server_interface_nat" else "private_static_nat"
    nat = port[field]
    if nat is None or nat["id"] != ctx.path["nat_id"]:
        raise SimulatorError(404, f"NAT {ctx.path['nat_id']!r} not found on interface {port['port_id']}")
    if field == "static_nat":
        public_ip = ctx.world.get("public_ip", nat["publicip_id"])
        if public_ip is not None:
            public_ip.pop("_port_id", None)
            ctx.world.put("public_ip", public_ip["id"], public_ip)
    port[field] = {**nat, "state": "DELETING"}
    ctx.world.put("port", port["port_id"], port)
    ctx.world.schedule("port", port["port_id"], ctx.delay, set_fields={field: None})
    _sync_addresses(ctx, port["_server_id"])


# -- volumes seen from the server ---------------------------------------------------------


def _server_volume(server: dict[str, Any], volume: dict[str, Any]) -> dict[str, Any]:
    """An attachment as the server's volume operations show it: named by the volume's id."""
    return {"id": volume["id"], **describe_attachment(volume, server)}


def _attached_volume(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    server = require_server(ctx)
    volume = ctx.require("volume", ctx.path["volume_id"], "volume")
    if not any(a["id"] == volume["id"] for a in server["volumes"]):
        raise SimulatorError(404, f"volume {volume['id']} is not attached to server {server['id']}")
    return server, volume


@handles("create_server_volume")
def create_server_volume(ctx: Context) -> dict[str, Any]:
    server = require_server(ctx)
    volume = ctx.require("volume", ctx.b().volume_id, "volume")
    return {"id": volume["id"], **attach_as_requested(ctx, volume, server)}


@handles("list_server_volumes")
def list_server_volumes(ctx: Context) -> dict[str, Any]:
    server = require_server(ctx)
    volumes = [ctx.world.get("volume", a["id"]) for a in server["volumes"]]
    return {"volumes": [_server_volume(server, v) for v in volumes if v is not None]}


@handles("show_server_volume")
def show_server_volume(ctx: Context) -> dict[str, Any]:
    server, volume = _attached_volume(ctx)
    return _server_volume(server, volume)


@handles("update_server_volume")
def update_server_volume(ctx: Context) -> None:
    server, volume = _attached_volume(ctx)
    for attachment in server["volumes"]:
        if attachment["id"] == volume["id"] and ctx.b().delete_on_termination is not None:
            attachment["delete_on_termination"] = ctx.b().delete_on_termination
    ctx.world.put("server", server["id"], server)


@handles("delete_server_volume")
def delete_server_volume(ctx: Context) -> None:
    server, volume = _attached_volume(ctx)
    detach(ctx, volume, server)
