"""``AutoScalingGroupPolicy``, ``AutoScalingGroupSchedule`` and ``AutoScalingGroupNotification``.

All three live under a group (id ``group_id/child_id``) and change every field but the
group in place with one PUT: the common :class:`~pulumi_scpvs.provider.Crud` shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field, field_validator

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
    Timeouts,
    observed,
    ordered_server_count,
)
from ..scp.models import AutoScalingGroupPolicyCreateRequest

GROUP = "auto_scaling_group_id"
RULE_TIMEOUTS = Timeouts.each(300)


class _GroupChildProvider(ScpProvider):
    """A child is created active; one created ``INACTIVE`` is switched off once made."""

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        if "INACTIVE" in (inputs.get("state"), inputs.get("notification_state")):
            self.update_object(step, object_id, {}, inputs, [])
        return super().wait_ready(step, object_id, inputs)


# -- policies ------------------------------------------------------------------------------


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


POLICY_FIELDS = tuple(
    n for n in AutoScalingGroupPolicyInputs.model_fields if n in AutoScalingGroupPolicyCreateRequest.model_fields
)


class AutoScalingGroupPolicyProvider(_GroupChildProvider):
    """A scaling rule of a group (e.g. add one server when CPU >= 80 % for 5 minutes); every
    field but the group changes in place."""

    spec = ResourceSpec(
        inputs=AutoScalingGroupPolicyInputs,
        crud=Crud.named("auto_scaling_group_policy", "auto_scaling_group_policies", find_query=("name",)),
        update_in_place=frozenset({*POLICY_FIELDS, "state"}),
        autoname=AutoName(max_length=63),
        timeouts=RULE_TIMEOUTS,
        observed_inputs=observed(*POLICY_FIELDS, "state"),
    )


# -- schedules -----------------------------------------------------------------------------


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

    _counts_rule = field_validator(*SERVER_COUNTS)(ordered_server_count)


class AutoScalingGroupScheduleProvider(_GroupChildProvider):
    """Sets a group's counts on a schedule; every field but the group changes in place."""

    spec = ResourceSpec(
        inputs=AutoScalingGroupScheduleInputs,
        crud=Crud.named("auto_scaling_group_schedule"),
        update_in_place=frozenset(AutoScalingGroupScheduleInputs.model_fields)
        - {GROUP, "timeouts", "adopt_id", "keep_failed"},
        autoname=AutoName(max_length=63),
        timeouts=RULE_TIMEOUTS,
        observed_inputs=observed("name", "hour", "minute", "state"),
    )


# -- notifications -------------------------------------------------------------------------


class AutoScalingGroupNotificationInputs(ResourceInputs):
    adopt_id_parts = (GROUP, "notification_id")

    auto_scaling_group_id: ObjectId
    user_id: ObjectId
    notification_events: list[str] = Field(min_length=1)
    notification_state: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"


class AutoScalingGroupNotificationProvider(_GroupChildProvider):
    """Notifies ``user_id`` of a group's ``notification_events``; events and state change in place.

    The API creates notifications for a list of users; this resource is one user's."""

    spec = ResourceSpec(
        inputs=AutoScalingGroupNotificationInputs,
        crud=Crud.named(
            "auto_scaling_group_notification",
            find_by=("user_id",),
            created_id=lambda created: created.notifications[0].id,
        ),
        update_in_place=frozenset({"notification_events", "notification_state"}),
        timeouts=RULE_TIMEOUTS,
        observed_inputs=observed("notification_events", "notification_state"),
    )

    def create_request(self, inputs: Props, mark: Mapping[str, str] | None = None) -> Props:
        return {"user_ids": [inputs["user_id"]], "notification_events": inputs["notification_events"]}
