"""An auto-scaled service: a launch configuration, a group of 2 to 6 servers behind an
LB server group, CPU policies to scale out and in, a nightly schedule and a notification."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
key = scpvs.Keypair("app-key")
template = scpvs.LaunchConfiguration(
    "app-template",
    image_id=config.get("imageId") or catalogue.IMAGE_UBUNTU,
    server_type_id="s1v2m4",
    keypair_name=key.name,
    user_data="#!/bin/sh\nsystemctl start app\n",
    volumes=[{"boot_index": 0, "size": 24}],
)
group = scpvs.AutoScalingGroup(
    "app",
    server_name_prefix="app",
    launch_configuration_id=template.id,
    subnet_ids=[config.get("subnetId") or catalogue.SUBNET_ID],
    min_server_count=2,
    desired_server_count=2,
    max_server_count=6,
    lb_server_groups=[{"id": config.get("lbServerGroupId") or catalogue.LB_SERVER_GROUP_ID, "port": 8080}],
)
scpvs.AutoScalingGroupPolicy(
    "cpu-high",
    auto_scaling_group_id=group.id,
    metric_type="CPU",
    comparison_operator="ge",
    threshold=75,
    scale_type="SCALE_OUT",
    scale_value=2,
)
scpvs.AutoScalingGroupPolicy(
    "cpu-low",
    auto_scaling_group_id=group.id,
    metric_type="CPU",
    comparison_operator="le",
    threshold=20,
    scale_type="SCALE_IN",
    scale_value=1,
)
scpvs.AutoScalingGroupSchedule(
    "nightly-min",
    auto_scaling_group_id=group.id,
    frequency="DAILY",
    hour=1,
    minute=0,
    start_date="2026-12-01",
    min_server_count=2,
)
scpvs.AutoScalingGroupNotification(
    "ops",
    auto_scaling_group_id=group.id,
    user_id=config.get("userId") or catalogue.USER_ID,
    notification_events=["SCALE_OUT", "SCALE_IN"],
)

pulumi.export("group_id", group.id)
pulumi.export(
    "servers",
    group.id.apply(
        lambda gid: [s.name for s in scpvs.lookups.get_auto_scaling_group_servers(auto_scaling_group_id=gid)]
    ),
)
