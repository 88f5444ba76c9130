"""``AutoScaledService``: a launch configuration, a group, and scaling rules from a few numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pulumi

from ..inputs import AutoScalingGroupLbServerGroupArgs
from ..resources import (
    AutoScalingGroup,
    AutoScalingGroupNotification,
    AutoScalingGroupPolicy,
    AutoScalingGroupSchedule,
    LaunchConfiguration,
)


class AutoScaledService(pulumi.ComponentResource):
    """A service that scales on CPU.

    ``scale_out_cpu`` / ``scale_in_cpu`` (percent) with ``step`` servers and ``cooldown``
    seconds become two policies; ``schedules`` (dicts of AutoScalingGroupSchedule inputs)
    and ``notify_user_ids`` add schedules and notifications. Changing the template
    (image, type, user data) creates a new launch configuration and moves the group to it
    in place; the group itself is never replaced for that. Everything lives in the account
    and region of ``profile`` (see docs/configuration.md: Profiles; by default the ``scpvs:*`` settings).

    Outputs: ``group_id``, ``launch_configuration_id``, ``server_count``.
    """

    group_id: pulumi.Output[str]
    launch_configuration_id: pulumi.Output[str]
    server_count: pulumi.Output[int]

    def __init__(
        self,
        name: str,
        *,
        image_id: pulumi.Input[str],
        keypair_name: pulumi.Input[str],
        subnet_ids: pulumi.Input[list[pulumi.Input[str]]],
        server_type_id: pulumi.Input[str] = "s1v2m4",
        min_servers: int = 1,
        desired_servers: int = 2,
        max_servers: int = 4,
        scale_out_cpu: int = 75,
        scale_in_cpu: int = 25,
        step: int = 1,
        cooldown: int = 300,
        user_data: pulumi.Input[str] | None = None,
        lb_server_groups: Sequence[AutoScalingGroupLbServerGroupArgs] | None = None,
        schedules: Sequence[Mapping[str, Any]] = (),
        notify_user_ids: Sequence[str] = (),
        profile: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("scpvs:components:AutoScaledService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        template = LaunchConfiguration(
            f"{name}-template",
            image_id=image_id,
            server_type_id=server_type_id,
            keypair_name=keypair_name,
            user_data=user_data,
            profile=profile,
            opts=child,
        )
        group = AutoScalingGroup(
            name,
            server_name_prefix=name,
            launch_configuration_id=template.id,
            subnet_ids=subnet_ids,
            min_server_count=min_servers,
            desired_server_count=desired_servers,
            max_server_count=max_servers,
            lb_server_groups=list(lb_server_groups) if lb_server_groups else None,
            profile=profile,
            opts=child,
        )
        rules: tuple[tuple[str, int, Literal["ge", "le"], Literal["SCALE_OUT", "SCALE_IN"]], ...] = (
            ("out", scale_out_cpu, "ge", "SCALE_OUT"),
            ("in", scale_in_cpu, "le", "SCALE_IN"),
        )
        for direction, threshold, operator, scale_type in rules:
            AutoScalingGroupPolicy(
                f"{name}-scale-{direction}",
                auto_scaling_group_id=group.id,
                metric_type="CPU",
                comparison_operator=operator,
                threshold=threshold,
                scale_type=scale_type,
                scale_value=step,
                cooldown_seconds=cooldown,
                profile=profile,
                opts=child,
            )
        for index, schedule in enumerate(schedules):
            AutoScalingGroupSchedule(
                f"{name}-schedule-{index}", auto_scaling_group_id=group.id, **schedule, profile=profile, opts=child
            )
        for user_id in notify_user_ids:
            AutoScalingGroupNotification(
                f"{name}-notify-{user_id[:8]}",
                auto_scaling_group_id=group.id,
                user_id=user_id,
                notification_events=["SCALE_OUT", "SCALE_IN"],
                profile=profile,
                opts=child,
            )
        self.group_id = group.id
        self.launch_configuration_id = template.id
        self.server_count = group.total_server_count
        self.register_outputs(
            {
                "group_id": self.group_id,
                "launch_configuration_id": self.launch_configuration_id,
                "server_count": self.server_count,
            }
        )
