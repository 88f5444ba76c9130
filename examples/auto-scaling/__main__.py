"""An auto-scaled service from the `AutoScaledService` component: a launch configuration,
a group of 2 to 6 servers behind an LB server group, CPU policies to scale out and in, a
nightly schedule and a notification. Change the template (say `user_data`) and `up`
rolls the group onto a new launch configuration without replacing the group."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.components import AutoScaledService
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
key = scpvs.Keypair("app-key")
service = AutoScaledService(
    "app",
    image_id=config.get("imageId") or catalogue.IMAGE_UBUNTU,
    keypair_name=key.name,
    subnet_ids=[config.get("subnetId") or catalogue.SUBNET_ID],
    min_servers=2,
    desired_servers=2,
    max_servers=6,
    scale_out_cpu=75,
    scale_in_cpu=20,
    step=2,
    user_data=config.get("userData") or "#!/bin/sh\nsystemctl start app\n",
    lb_server_groups=[{"id": config.get("lbServerGroupId") or catalogue.LB_SERVER_GROUP_ID, "port": 8080}],
    schedules=[{"frequency": "DAILY", "hour": 1, "minute": 0, "start_date": "2026-12-01", "min_server_count": 2}],
    notify_user_ids=[config.get("userId") or catalogue.USER_ID],
)

pulumi.export("group_id", service.group_id)
pulumi.export("launch_configuration_id", service.launch_configuration_id)
pulumi.export("server_count", service.server_count)
