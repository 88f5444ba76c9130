"""``Server``: a virtual server with its boot and data volumes, networks and power state."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..provider import (
    INT32_MAX,
    AutoName,
    Crud,
    IpAddress,
    Metadata,
    NewVolumeInput,
    ObjectId,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    Step,
    TagInput,
    Timeouts,
    compact,
)
from ..scp.models import ServerShowResponse
from ._common import encode_user_data

log = logging.getLogger(__name__)

STABLE_STATES = ("ACTIVE", "SHUTOFF")
# Inputs whose change runs an action instead of changing a setting.
ACTION_TRIGGERS = ("reboot_trigger", "rebuild_trigger", "dump_trigger")
FAILED_STATES = ("ERROR",)
DELETING_STATES = ("DELETING", "DELETED")


class ServerNetworkInput(BaseModel):
    """One NIC: a subnet (optionally a fixed IP), or an existing port; optionally a public IP for static NAT."""

    model_config = ConfigDict(extra="forbid")

    subnet_id: ObjectId | None = None
    fixed_ip: IpAddress | None = None
    port_id: ObjectId | None = None
    public_ip_id: ObjectId | None = None


class ServerNewVolumeInput(NewVolumeInput):
    """A volume created with the server."""

    delete_on_termination: bool = True


class ServerInputs(ResourceInputs):
    name: str | None = None
    image_id: ObjectId
    keypair_name: str
    server_type_id: ObjectId
    networks: list[ServerNetworkInput] = Field(min_length=1)
    boot_volume: ServerNewVolumeInput | None = None
    data_volumes: list[ServerNewVolumeInput] | None = None
    security_group_ids: list[ObjectId] | None = None
    server_group_id: ObjectId | None = None
    # The document gives no range (the region's largest is read at run time: GET
    # /v1/server-groups/partition-size); only what no numbering allows is refused.
    partition_number: int | None = Field(default=None, ge=0, le=INT32_MAX)
    product_category: Literal["compute", "container"] | None = None
    product_offering: Literal["virtual_server", "gpu_server", "k8s_vm", "k8s_gpu_vm"] | None = None
    metadata: Metadata | None = None
    user_data: str | None = Field(default=None, description="cloud-init user data (plain text; sent base64-encoded)")
    tags: list[TagInput] | None = None
    power_state: Literal["ACTIVE", "SHUTOFF"] = "ACTIVE"
    lock: bool = False
    reboot_trigger: str | int | None = Field(default=None, description="change it to reboot the server on `up`")
    reboot_type: Literal["SOFT", "HARD"] = "SOFT"
    rebuild_trigger: str | int | None = Field(default=None, description="change it to rebuild the server on `up`")
    dump_trigger: str | int | None = Field(default=None, description="change it to take a memory dump on `up`")


def _member(members: Callable[[], set[str]], item: str) -> bool:
    return item in members()


def _not_member(members: Callable[[], set[str]], item: str) -> bool:
    return item not in members()


def _power_state(live: Props) -> str:
    return "SHUTOFF" if live.get("state") == "SHUTOFF" else "ACTIVE"


class ServerCreated(BaseModel):
    password: str | None = Field(default=None, description="the initial password of a Windows server (a secret)")


class ServerProvider(ScpProvider):
    """A virtual server. ``name``, ``server_type_id``, ``power_state``, ``lock`` and
    ``security_group_ids`` change in place; every other input replaces the server.

    Actions run on `up` when their trigger changes (any string or number, e.g. a date):
    ``reboot_trigger`` (with ``reboot_type`` SOFT/HARD), ``rebuild_trigger``, ``dump_trigger``."""

    spec = ResourceSpec(
        inputs=ServerInputs,
        output_model=ServerShowResponse,
        extra_outputs=ServerCreated,
        crud=Crud.named("server", find_query=("name",), marked=True, ready=STABLE_STATES, failed=FAILED_STATES),
        update_in_place=frozenset(
            {"name", "server_type_id", "power_state", "lock", "security_group_ids", *ACTION_TRIGGERS, "reboot_type"}
        ),
        autoname=AutoName(max_length=63),
        timeouts=Timeouts.each(1800),
        secret_outputs=("user_data", "password"),
        kept_outputs=("password",),
        secret_inputs=("user_data",),
        observed_inputs={
            "name": lambda live: live["name"],
            "server_type_id": lambda live: (live.get("server_type") or {}).get("id"),
            "power_state": _power_state,
            "lock": lambda live: live["locked"],
        },
        request_fields={"security_groups": "security_group_ids", "volumes": "boot_volume"},
    )

    def create_request(self, inputs: Props, mark: Mapping[str, str] | None = None) -> Props:
        """The generic request (fields by name, ``request_fields``, the mark in ``metadata``),
        and what differs: the boot and data volumes as one ``volumes`` list, ``user_data``
        base64-encoded, an unlocked server's ``lock`` left out, one server per request."""
        volumes = []
        if inputs.get("boot_volume"):
            volumes.append({**inputs["boot_volume"], "boot_index": 0, "source_type": "image"})
        for index, volume in enumerate(inputs.get("data_volumes") or [], start=1):
            volumes.append({**volume, "boot_index": index, "source_type": "blank"})
        request = {
            **super().create_request(inputs, mark),
            "volumes": volumes or None,
            "user_data": encode_user_data(inputs.get("user_data")),
            "lock": inputs.get("lock") or None,
            "max_count": 1,
        }
        return compact(request)

    def _wait(self, step: Step, server_id: str, targets: tuple[str, ...] = STABLE_STATES) -> Any:
        return step.wait(
            lambda: self.show(step.client, server_id),
            self._state_of,
            server_id,
            targets,
            FAILED_STATES,
            watch=self.watch(step.client),
        )

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        return step.client.servers.create_server(self.create_request(inputs, mark)).servers[0].id, {}

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        server = self._wait(step, object_id)
        if server.state == "ACTIVE" and inputs.get("power_state") == "SHUTOFF":
            step.client.servers.stop_server(object_id)
            self._wait(step, object_id, ("SHUTOFF",))
        # Windows servers have an initial password; it is kept as a secret output.
        if server.planned_compute_os_type == "windows":
            return {"password": step.client.servers.show_server_password(object_id, {}).password}
        return {}

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        servers = step.client.servers

        def show() -> Any:
            return servers.show_server(object_id)

        # Every step looks before it acts and after a failure (see Step.converge), so a
        # retried update whose first answer was lost finishes instead of failing.
        if "lock" in changed and not news["lock"]:
            step.converge(lambda: servers.unlock_server(object_id), lambda: not show().locked, "unlock")
        if "name" in changed:
            step.converge(
                lambda: servers.update_server(object_id, {"name": news["name"]}),
                lambda: show().name == news["name"],
                "rename",
            )
        if "server_type_id" in changed:
            wanted = news["server_type_id"]
            step.converge(
                lambda: servers.update_server_type(object_id, {"server_type": wanted}),
                lambda: getattr(show().server_type, "id", None) == wanted,
                f"resize to {wanted}",
            )
            self._wait(step, object_id)
        if "security_group_ids" in changed:
            log.warning("changing security groups uses the deprecated API 1.0 attach/detach operations")
            old, new = set(olds.get("security_group_ids") or []), set(news.get("security_group_ids") or [])

            def attached() -> set[str]:
                return {g.id for g in servers.list_server_security_group(object_id).security_groups}

            for group_id in sorted(new - old):
                attach = functools.partial(
                    servers.attach_server_security_group, object_id, {"security_group_id": group_id}
                )
                step.converge(
                    attach, functools.partial(_member, attached, group_id), f"attach security group {group_id}"
                )
            for group_id in sorted(old - new):
                detach = functools.partial(servers.detach_server_security_group, object_id, group_id)
                step.converge(
                    detach, functools.partial(_not_member, attached, group_id), f"detach security group {group_id}"
                )
        if "power_state" in changed:
            wanted = news["power_state"]
            moving = ("POWERING_OFF",) if wanted == "SHUTOFF" else ("POWERING_ON",)
            step.converge(
                lambda: servers.stop_server(object_id) if wanted == "SHUTOFF" else servers.start_server(object_id),
                lambda: show().state in (wanted, *moving),
                f"power {wanted}",
            )
            self._wait(step, object_id, (wanted,))
        if "rebuild_trigger" in changed and news.get("rebuild_trigger") is not None:
            servers.rebuild_server(object_id)
            self._wait(step, object_id)
        if "reboot_trigger" in changed and news.get("reboot_trigger") is not None:
            servers.reboot_server(object_id, {"reboot_type": news.get("reboot_type") or "SOFT"})
            self._wait(step, object_id, ("ACTIVE",))
        if "dump_trigger" in changed and news.get("dump_trigger") is not None:
            servers.create_server_dump(object_id)
        if "lock" in changed and news["lock"]:
            step.converge(lambda: servers.lock_server(object_id), lambda: show().locked, "lock")
        return {}

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        server = step.client.servers.show_server(object_id)
        if server.locked:
            step.client.servers.unlock_server(object_id)
        if server.state not in DELETING_STATES:
            step.converge(
                lambda: step.client.servers.delete_server(object_id),
                lambda: step.client.servers.show_server(object_id).state in DELETING_STATES,
                "delete",
                look_first=False,  # just looked
            )
        step.wait_gone(
            lambda: step.client.servers.show_server(object_id),
            object_id,
            lambda s: s.state,
            FAILED_STATES,
            watch=self.watch(step.client),
        )
