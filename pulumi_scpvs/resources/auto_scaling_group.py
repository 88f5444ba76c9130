"""``AutoScalingGroup``: a group that keeps a number of servers from a launch configuration running."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..provider import (
    INT32_MAX,
    SERVER_COUNTS,
    AutoName,
    Crud,
    ObjectId,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    Step,
    TagInput,
    Timeouts,
    compact,
    observed,
    ordered_server_count,
)
from ..scp.models import AutoScalingGroupShowResponse

SETTINGS = (
    "launch_configuration_id",
    "security_group_ids",
    "drain_enabled",
    "drain_timeout",
    "desired_server_count_editable",
)


class AutoScalingGroupLbServerGroupInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ObjectId
    port: int = Field(ge=1, le=65534)


class AutoScalingGroupInputs(ResourceInputs):
    name: str | None = None
    # The document's rule (AutoScalingGroupCreateRequest.server_name_prefix), anchored ``^...\Z``.
    server_name_prefix: str = Field(pattern=r"^[a-zA-Z0-9-_]*\Z", min_length=1, max_length=61)
    launch_configuration_id: ObjectId
    subnet_ids: list[ObjectId] = Field(min_length=1)
    min_server_count: int = Field(ge=0, le=INT32_MAX)
    desired_server_count: int = Field(ge=0, le=INT32_MAX)
    max_server_count: int = Field(ge=0, le=INT32_MAX)
    desired_server_count_editable: bool = True
    drain_enabled: bool = False
    drain_timeout: int | None = Field(default=None, ge=0, le=INT32_MAX, description="seconds")
    security_group_ids: list[ObjectId] | None = None
    lb_server_groups: list[AutoScalingGroupLbServerGroupInput] | None = None
    tags: list[TagInput] | None = None

    _counts_rule = field_validator(*SERVER_COUNTS)(ordered_server_count)


class AutoScalingGroupProvider(ScpProvider):
    """Keeps ``desired_server_count`` servers of ``launch_configuration_id`` running.

    Launch configuration, security groups, drain settings and the editable flag update in
    place (PUT), as do the counts (PUT …/server-count) and LB server groups."""

    spec = ResourceSpec(
        inputs=AutoScalingGroupInputs,
        crud=Crud.named("auto_scaling_group", find_query=("name",)),
        update_in_place=frozenset({*SETTINGS, *SERVER_COUNTS, "lb_server_groups"}),
        autoname=AutoName(max_length=63),
        timeouts=Timeouts.each(1800),
        observed_inputs={
            **observed(*SERVER_COUNTS, "launch_configuration_id", "drain_enabled"),
            "lb_server_groups": lambda live: [
                {"id": g["id"], "port": g["port"]} for g in live.get("lb_server_groups") or []
            ],
        },
    )

    def _wait_in_service(self, step: Step, group_id: str) -> None:
        """Until the group is IN_SERVICE and runs exactly its desired number of ACTIVE servers."""

        def state(group: AutoScalingGroupShowResponse) -> str:
            servers = step.client.auto_scaling_groups.list_auto_scaling_group_servers(group_id, limit=100).servers
            active = [s for s in servers if s.state == "ACTIVE"]
            running = len(active) == len(servers) == group.desired_server_count
            return "READY" if group.state == "IN_SERVICE" and running else group.state

        step.wait(lambda: self.show(step.client, group_id), state, group_id, ("READY",), ("ERROR", "FAILED"))

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        self._wait_in_service(step, object_id)
        return {}

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        groups = step.client.auto_scaling_groups
        if set(changed) & set(SETTINGS):
            groups.update_auto_scaling_group(object_id, compact({k: news.get(k) for k in SETTINGS if k in changed}))
        if set(changed) & set(SERVER_COUNTS):
            groups.update_auto_scaling_group_server_count(object_id, {k: news[k] for k in SERVER_COUNTS})
        if "lb_server_groups" in changed:
            groups.update_auto_scaling_group_lb_server_groups(
                object_id, {"lb_server_groups": news.get("lb_server_groups") or []}
            )
        self._wait_in_service(step, object_id)
        return {}

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        step.client.auto_scaling_groups.delete_auto_scaling_group(object_id)
        step.wait_gone(lambda: self.show(step.client, object_id), object_id)

        def members_left(_: object) -> str:
            return str(len(step.client.servers.list_servers(auto_scaling_group_id=object_id).servers))

        step.wait(lambda: object_id, members_left, object_id, ("0",))
