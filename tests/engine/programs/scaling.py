"""Engine test stack: launch configurations, auto-scaling groups, policies, schedules, notifications."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

two = pulumi.Config().get_int("stage") == 2
key = scpvs.Keypair("key")
lc = scpvs.LaunchConfiguration(
    "lc",
    image_id=cat.IMAGE_UBUNTU,
    keypair_name=key.name,
    server_type_id="s1v1m2",
    user_data="#!/bin/sh\necho v2" if two else "#!/bin/sh\necho v1",
)
group = scpvs.AutoScalingGroup(
    "group",
    server_name_prefix="web",
    launch_configuration_id=lc.id,
    subnet_ids=[cat.SUBNET_ID],
    min_server_count=1,
    desired_server_count=2 if two else 1,
    max_server_count=3 if two else 2,
    drain_enabled=two,
    drain_timeout=60 if two else None,
    security_group_ids=[cat.SECURITY_GROUP_ID_2] if two else [cat.SECURITY_GROUP_ID],
    lb_server_groups=[{"id": cat.LB_SERVER_GROUP_ID, "port": 8080}] if two else None,
)
spare = scpvs.AutoScalingGroup(
    "spare",
    server_name_prefix="spare",
    launch_configuration_id=lc.id,
    subnet_ids=[cat.SUBNET_ID_2 if two else cat.SUBNET_ID],
    min_server_count=0,
    desired_server_count=0,
    max_server_count=1,
)
scpvs.AutoScalingGroupPolicy(
    "scale-out",
    auto_scaling_group_id=group.id,
    metric_type="CPU",
    comparison_operator="ge",
    threshold=70 if two else 80,
    scale_type="SCALE_OUT",
    scale_value=2 if two else 1,
    state="INACTIVE" if two else "ACTIVE",
)
scpvs.AutoScalingGroupPolicy(
    "scale-in",
    auto_scaling_group_id=spare.id,
    metric_type="CPU",
    comparison_operator="le",
    threshold=20,
    scale_type="SCALE_IN",
    scale_value=1,
)
scpvs.AutoScalingGroupSchedule(
    "nightly",
    auto_scaling_group_id=group.id,
    frequency="DAILY",
    hour=2 if two else 1,
    minute=30,
    start_date="2026-12-01",
    desired_server_count=1,
)
scpvs.AutoScalingGroupSchedule(
    "weekly",
    auto_scaling_group_id=spare.id,
    frequency="WEEKLY",
    day_of_week="MON",
    hour=6,
    minute=0,
    start_date="2026-12-01",
)
scpvs.AutoScalingGroupNotification(
    "notify",
    auto_scaling_group_id=group.id,
    user_id=cat.USER_ID,
    notification_events=["SCALE_OUT", "SCALE_IN"] if two else ["SCALE_OUT"],
    notification_state="INACTIVE" if two else "ACTIVE",
)
scpvs.AutoScalingGroupNotification(
    "notify-spare", auto_scaling_group_id=spare.id, user_id=cat.USER_ID, notification_events=["SCALE_OUT"]
)

pulumi.export("group_id", group.id)
pulumi.export("lc_id", lc.id)
