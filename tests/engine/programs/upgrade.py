"""Engine test program for the upgrade from 0.1.0: the same file runs on 0.1.0 and on this version.

Several kinds, nested inputs (a server's networks and boot volume), a resource whose
parent is another resource, and the children of a component. It uses only what both
versions have: keyword arguments, and outputs by attribute.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.components import VirtualMachine
from pulumi_scpvs.simulator import catalogue as cat

key = scpvs.Keypair("key")
app = scpvs.Server(
    "app",
    image_id=cat.IMAGE_UBUNTU,
    server_type_id="s1v1m2",
    keypair_name=key.name,
    networks=[{"subnet_id": cat.SUBNET_ID}],
    boot_volume={"size": 16},
)
data = scpvs.Volume("data", size=8)
# The parent's type changes too, so the alias must hold along the parent chain.
attachment = scpvs.VolumeAttachment(
    "data-attach", volume_id=data.id, server_id=app.id, opts=pulumi.ResourceOptions(parent=app)
)
# A key pair, a server, a volume and its attachment, each with the component as parent.
vm = VirtualMachine("vm", image_id=cat.IMAGE_UBUNTU, subnet_id=cat.SUBNET_ID, data_volume_sizes=[8])

pulumi.export("app_id", app.id)
pulumi.export("data_id", data.id)
pulumi.export("vm_server_id", vm.server_id)
