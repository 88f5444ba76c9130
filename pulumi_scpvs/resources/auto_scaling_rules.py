"""``AutoScalingGroupPolicy``, ``AutoScalingGroupSchedule`` and ``AutoScalingGroupNotification``.

All three live under a group (id ``group_id/child_id``), change every field but the group
in place with one PUT, and are otherwise the same shape; :class:`_GroupChildProvider`
holds that shape once and each resource names its operations and fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Literal

import pulumi
from pydantic import Field

from ..provider import AutoName, Operation, Props, ResourceInputs, ResourceSpec, ScpProvider, ScpResource, Timeouts
from ..provider._inputs import INT32_MAX, ObjectId
from ..provider._ownership import Candidate
from ..scp import ScpClient
from ..scp.models import (
    AutoScalingGroupNotificationShowResponse,
    AutoScalingGroupPolicyCreateRequest,
    AutoScalingGroupPolicyShowResponse,
    AutoScalingGroupScheduleCreateRequest,
    AutoScalingGroupScheduleShowResponse,
)
from ._common import candidates, compact, id_parts, join_id, observed

GROUP = "auto_scaling_group_id"
RULE_TIMEOUTS = Timeouts(create=300, update=300, delete=300)


class _GroupChildProvider(ScpProvider):
    """Create with POST, read with GET, update every field with PUT, delete with DELETE."""

    create_fields: ClassVar[tuple[str, ...]]
    update_fields: ClassVar[tuple[str, ...]]

    def _api(
        self, client: ScpClient
    ) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
        """create, show, update, delete operations of the group's ``client.auto_scaling_groups``."""
        raise NotImplementedError

    def create_request(self, inputs: Props) -> Props:
        return compact({k: inputs.get(k) for k in self.create_fields})

    def _created_id(self, created: Any) -> str:
        return str(created.id)

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        create, _, update, _ = self._api(op.client)
        created = create(inputs[GROUP], self.create_request(inputs))
        child_id = self._created_id(created)
        if inputs.get("state") == "INACTIVE" or inputs.get("notification_state") == "INACTIVE":
            update(inputs[GROUP], child_id, compact({k: inputs.get(k) for k in self.update_fields}))
        return join_id(inputs[GROUP], child_id), {}

    def _siblings(self, client: ScpClient, inputs: Props) -> Iterable[Any]:
        """The group's children of this kind that could be the one ``inputs`` describe."""
        raise NotImplementedError

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        # A child of a group this resource names, with the same name (or, for notifications,
        # the same user): the group allows one, so it is the declared relationship.
        key = {"user_id": inputs["user_id"]} if "user_id" in inputs else {"name": inputs["name"]}
        found = candidates(self._siblings(client, inputs), related=True, **key)
        return [dataclasses.replace(c, id=join_id(inputs[GROUP], c.id)) for c in found]

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        _, show, _, _ = self._api(client)
        return show(*id_parts(object_id, 2)).model_dump(mode="json")  # type: ignore[no-any-return]

    def update_object(self, op: Operation, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        _, _, update, _ = self._api(op.client)
        update(*id_parts(object_id, 2), compact({k: news.get(k) for k in self.update_fields}))
        return {}

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        _, _, _, delete = self._api(op.client)
        delete(*id_parts(object_id, 2))


# -- policies ------------------------------------------------------------------------------

POLICY_FIELDS = (
    "name",
    "metric_type",
    "metric_method",
    "comparison_operator",
    "threshold",
    "evaluation_minutes",
    "scale_type",
    "scale_method",
    "scale_value",
    "cooldown_seconds",
)


class AutoScalingGroupPolicyInputs(ResourceInputs):
    adopt_id_parts = (GROUP, "policy_id")

    auto_scaling_group_id: ObjectId
    name: str | None = None
    metric_type: Literal[
        "CPU", "MEMORY", "NETWORK_IN_BYTES", "NETWORK_OUT_BYTES", "NETWORK_IN_PACKETS", "NETWORK_OUT_PACKETS"
    ]
    metric_method: Literal["AVG", "MIN", "MAX"] = "AVG"
    comparison_operator: Literal["ge", "gt", "le", "lt"]
    threshold: int = Field(ge=0, le=INT32_MAX)
    evaluation_minutes: int = Field(default=5, ge=1, le=INT32_MAX)
    scale_type: Literal["SCALE_IN", "SCALE_OUT"]
    scale_method: Literal["AMOUNT", "PERCENTAGE", "FIXED"] = "AMOUNT"
    scale_value: int = Field(ge=0, le=INT32_MAX)
    cooldown_seconds: int = Field(default=300, ge=0, le=INT32_MAX)
    state: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"


class AutoScalingGroupPolicyProvider(_GroupChildProvider):
    create_fields = POLICY_FIELDS
    update_fields = (*POLICY_FIELDS, "state")
    spec = ResourceSpec(
        type_name="AutoScalingGroupPolicy",
        inputs=AutoScalingGroupPolicyInputs,
        update_in_place=frozenset(update_fields),
        autoname=AutoName(max_length=63),
        timeouts=RULE_TIMEOUTS,
        output_fields=tuple(AutoScalingGroupPolicyShowResponse.model_fields),
        observed_inputs=observed(*POLICY_FIELDS, "state"),
        request_model=AutoScalingGroupPolicyCreateRequest,
    )

    def _api(
        self, client: ScpClient
    ) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
        g = client.auto_scaling_groups
        return (
            g.create_auto_scaling_group_policy,
            g.show_auto_scaling_group_policy,
            g.update_auto_scaling_group_policy,
            g.delete_auto_scaling_group_policy,
        )

    def _siblings(self, client: ScpClient, inputs: Props) -> Iterable[Any]:
        return client.auto_scaling_groups.iterate_auto_scaling_group_policies(inputs[GROUP], name=inputs["name"])


class AutoScalingGroupPolicy(ScpResource):
    """A scaling rule of a group (e.g. add one server when CPU >= 80 % for 5 minutes); every
    field but the group changes in place."""

    _provider_class = AutoScalingGroupPolicyProvider

    name: pulumi.Output[str]
    state: pulumi.Output[str]
    threshold_unit: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        auto_scaling_group_id: pulumi.Input[str],
        metric_type: pulumi.Input[str],
        comparison_operator: pulumi.Input[str],
        threshold: pulumi.Input[int],
        scale_type: pulumi.Input[str],
        scale_value: pulumi.Input[int],
        name: pulumi.Input[str] | None = None,
        metric_method: pulumi.Input[str] | None = None,
        evaluation_minutes: pulumi.Input[int] | None = None,
        scale_method: pulumi.Input[str] | None = None,
        cooldown_seconds: pulumi.Input[int] | None = None,
        state: pulumi.Input[str] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)


# -- schedules -----------------------------------------------------------------------------

SCHEDULE_FIELDS = (
    "name",
    "frequency",
    "hour",
    "minute",
    "start_date",
    "end_date",
    "timezone",
    "day_of_week",
    "day_of_month",
    "min_server_count",
    "max_server_count",
    "desired_server_count",
    "description",
)


class AutoScalingGroupScheduleInputs(ResourceInputs):
    adopt_id_parts = (GROUP, "schedule_id")

    auto_scaling_group_id: ObjectId
    name: str | None = None
    frequency: Literal["ONCE", "DAILY", "WEEKLY", "MONTHLY"]
    hour: int = Field(ge=0, le=23)
    minute: int = Field(ge=0, le=59)
    start_date: str
    end_date: str | None = None
    timezone: str = "Asia/Seoul"
    day_of_week: str | None = None
    day_of_month: str | None = None
    min_server_count: int | None = Field(default=None, ge=0, le=INT32_MAX)
    max_server_count: int | None = Field(default=None, ge=0, le=INT32_MAX)
    desired_server_count: int | None = Field(default=None, ge=0, le=INT32_MAX)
    description: str | None = None
    state: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"


class AutoScalingGroupScheduleProvider(_GroupChildProvider):
    create_fields = (*SCHEDULE_FIELDS, "state")
    update_fields = (*SCHEDULE_FIELDS, "state")
    spec = ResourceSpec(
        type_name="AutoScalingGroupSchedule",
        inputs=AutoScalingGroupScheduleInputs,
        update_in_place=frozenset(update_fields),
        autoname=AutoName(max_length=63),
        timeouts=RULE_TIMEOUTS,
        output_fields=tuple(AutoScalingGroupScheduleShowResponse.model_fields),
        observed_inputs=observed("name", "hour", "minute", "state"),
        request_model=AutoScalingGroupScheduleCreateRequest,
    )

    def _api(
        self, client: ScpClient
    ) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
        g = client.auto_scaling_groups
        return (
            g.create_auto_scaling_group_schedule,
            g.show_auto_scaling_group_schedule,
            g.update_auto_scaling_group_schedule,
            g.delete_auto_scaling_group_schedule,
        )

    def _siblings(self, client: ScpClient, inputs: Props) -> Iterable[Any]:
        return client.auto_scaling_groups.iterate_auto_scaling_group_schedules(inputs[GROUP])


class AutoScalingGroupSchedule(ScpResource):
    """Sets a group's counts on a schedule; every field but the group changes in place."""

    _provider_class = AutoScalingGroupScheduleProvider

    name: pulumi.Output[str]
    state: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        auto_scaling_group_id: pulumi.Input[str],
        frequency: pulumi.Input[str],
        hour: pulumi.Input[int],
        minute: pulumi.Input[int],
        start_date: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        end_date: pulumi.Input[str] | None = None,
        timezone: pulumi.Input[str] | None = None,
        day_of_week: pulumi.Input[str] | None = None,
        day_of_month: pulumi.Input[str] | None = None,
        min_server_count: pulumi.Input[int] | None = None,
        max_server_count: pulumi.Input[int] | None = None,
        desired_server_count: pulumi.Input[int] | None = None,
        description: pulumi.Input[str] | None = None,
        state: pulumi.Input[str] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)


# -- notifications -------------------------------------------------------------------------


class AutoScalingGroupNotificationInputs(ResourceInputs):
    adopt_id_parts = (GROUP, "notification_id")

    auto_scaling_group_id: ObjectId
    user_id: ObjectId
    notification_events: list[str] = Field(min_length=1)
    notification_state: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"


class AutoScalingGroupNotificationProvider(_GroupChildProvider):
    """The API creates notifications for a list of users; this resource is one user's."""

    create_fields = ()
    update_fields = ("notification_events", "notification_state")
    spec = ResourceSpec(
        type_name="AutoScalingGroupNotification",
        inputs=AutoScalingGroupNotificationInputs,
        update_in_place=frozenset(update_fields),
        timeouts=RULE_TIMEOUTS,
        output_fields=tuple(AutoScalingGroupNotificationShowResponse.model_fields),
        observed_inputs=observed("notification_events", "notification_state"),
    )

    def create_request(self, inputs: Props) -> Props:
        return {"user_ids": [inputs["user_id"]], "notification_events": inputs["notification_events"]}

    def _created_id(self, created: Any) -> str:
        return str(created.notifications[0].id)

    def _api(
        self, client: ScpClient
    ) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
        g = client.auto_scaling_groups
        return (
            g.create_auto_scaling_group_notification,
            g.show_auto_scaling_group_notification,
            g.update_auto_scaling_group_notification,
            g.delete_auto_scaling_group_notification,
        )

    def _siblings(self, client: ScpClient, inputs: Props) -> Iterable[Any]:
        groups = client.auto_scaling_groups
        return groups.iterate_auto_scaling_group_notifications(inputs[GROUP], user_ids=[inputs["user_id"]])


class AutoScalingGroupNotification(ScpResource):
    """Notifies ``user_id`` of a group's ``notification_events``; events and state change in place."""

    _provider_class = AutoScalingGroupNotificationProvider

    user_name: pulumi.Output[str]
    notification_state: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        auto_scaling_group_id: pulumi.Input[str],
        user_id: pulumi.Input[str],
        notification_events: pulumi.Input[list[pulumi.Input[str]]],
        notification_state: pulumi.Input[str] | None = None,
        timeouts: pulumi.Input[dict[str, Any]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        keep_failed: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, locals(), opts)
