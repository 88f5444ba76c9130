"""Engine test stack: key pairs, server groups, servers, an interface and its NATs.

Stage 2 (config ``stage``) changes every in-place field of ``web``, ``worker`` and ``nic``
and one replace field of the others.
"""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

two = pulumi.Config().get_int("stage") == 2
network = [{"subnet_id": cat.SUBNET_ID}]

key = scpvs.Keypair("key")
stage2_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFN0YWdlMiBzcGFyZS1rZXkgcHVibGljIGtleSBmb3Ig spare"
spare_key = scpvs.Keypair("spare-key", public_key=stage2_key if two else None)
group = scpvs.ServerGroup("group", policy="anti-affinity")
spare_group = scpvs.ServerGroup("spare-group", policy="affinity" if two else "anti-affinity")

common = {"server_type_id": "s1v1m2", "keypair_name": key.name, "networks": network}
web = scpvs.Server(
    "web",
    name="web-2" if two else "web",
    image_id=cat.IMAGE_UBUNTU,
    server_group_id=group.id,
    security_group_ids=[cat.SECURITY_GROUP_ID, cat.SECURITY_GROUP_ID_2] if two else [cat.SECURITY_GROUP_ID],
    power_state="SHUTOFF" if two else "ACTIVE",
    lock=two,
    **{**common, "server_type_id": "s1v2m4" if two else "s1v1m2"},
)
worker = scpvs.Server(
    "worker",
    image_id=cat.IMAGE_UBUNTU,
    reboot_trigger="2" if two else "1",
    reboot_type="HARD",
    rebuild_trigger="b" if two else "a",
    dump_trigger="y" if two else "x",
    **common,
)
db = scpvs.Server("db", image_id=cat.IMAGE_ROCKY if two else cat.IMAGE_UBUNTU, **common)

nic = scpvs.ServerInterface(
    "nic", server_id=worker.id, subnet_id=cat.SUBNET_ID_2, fixed_ip="192.168.20.77" if two else None
)
nat = scpvs.StaticNat("nat", server_id=worker.id, port_id=nic.port_id, publicip_id=cat.PUBLIC_IP_IDS[1 if two else 0])
pnat = scpvs.PrivateStaticNat(
    "pnat",
    server_id=worker.id,
    port_id=nic.port_id,
    private_nat_id=cat.PRIVATE_NAT_ID,
    private_nat_ip_id=cat.PRIVATE_NAT_IP_ID_2 if two else cat.PRIVATE_NAT_IP_ID,
)

pulumi.export("web_id", web.id)
pulumi.export("worker_id", worker.id)
pulumi.export("spare_group_id", spare_group.id)
pulumi.export("nat_ip", nat.external_ip_address)
