"""An auto-scaled service from the `AutoScaledService` component: a launch configuration,
a group of 2 to 6 servers behind an LB server group, CPU policies to scale out and in, a
nightly schedule and a notification. Change the template (say `user_data`) and `up`
rolls the group onto a new launch configuration without replacing the group.

On a real account set `imageId`, `subnetId`, `lbServerGroupId` and `userId` in the stack
config; the simulator's catalogue ids are defaults on the embedded simulator only."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.components import AutoScaledService
from pulumi_scpvs.lookups import config_id
from pulumi_scpvs.simulator import catalogue

config = pulumi.Config()
lb_server_group_id = config_id(config, "lbServerGroupId", on_simulator=catalogue.LB_SERVER_GROUP_ID)

key = scpvs.Keypair("app-key")
service = AutoScaledService(
    "app",
    image_id=config_id(config, "imageId", on_simulator=catalogue.IMAGE_UBUNTU),
    keypair_name=key.name,
    subnet_ids=[config_id(config, "subnetId", on_simulator=catalogue.SUBNET_ID)],
    min_servers=2,
    desired_servers=2,
    max_servers=6,
    scale_out_cpu=75,
    scale_in_cpu=20,
    step=2,
    user_data=config.get("userData") or "#!/bin/sh\nsystemctl start app\n",
    lb_server_groups=[{"id": lb_server_group_id, "port": 8080}],
    schedules=[{"frequency": "DAILY", "hour": 1, "minute": 0, "start_date": "2026-12-01", "min_server_count": 2}],
    notify_user_ids=[config_id(config, "userId", on_simulator=catalogue.USER_ID)],
)

pulumi.export("group_id", service.group_id)
pulumi.export("launch_configuration_id", service.launch_configuration_id)
pulumi.export("server_count", service.server_count)
