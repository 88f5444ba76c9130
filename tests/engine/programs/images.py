"""Engine test stack: images from a URL and from a server, and image members."""

import pulumi

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

config = pulumi.Config()
stage = config.get_int("stage") or 1
two = stage >= 2
key = scpvs.Keypair("key")
source = scpvs.Server(
    "source",
    image_id=cat.IMAGE_UBUNTU,
    server_type_id="s1v1m2",
    keypair_name=key.name,
    networks=[{"subnet_id": cat.SUBNET_ID}],
)

image = scpvs.Image(
    "image",
    os_distro="ubuntu",
    url="https://images.example.invalid/base.qcow2",
    min_disk=32 if two else 16,
    min_ram=1024 if two else 0,
    visibility="shared" if two else "private",
    protected=stage in (2, 3),
)
# Stage 3 asks for a change that would replace a protected image: preview must refuse it.
# Stage 4 lifts the protection (SCP refuses to delete protected images) so the stack can go.
url = "https://images.example.invalid/other.qcow2" if stage == 3 else "https://images.example.invalid/base.qcow2"
scpvs.Image("image-guarded", os_distro="ubuntu", url=url, protected=stage < 4)
scpvs.Image("image-b", os_distro="rocky" if two else "ubuntu", url="https://images.example.invalid/b.qcow2")

golden = scpvs.ServerImage("golden", server_id=source.id, name="golden-2" if two else "golden")
plain = scpvs.ServerImage("plain", server_id=source.id)
# Only the member account may accept a share: this stack is its own member here, so that its
# status changes in place (two accounts are in test_profiles.py).
scpvs.ImageMember("member", image_id=plain.id, member_id=cat.ACCOUNT_ID, status="accepted" if two else None)
scpvs.ImageMember(
    "member-b", image_id=golden.id, member_id="c0ffee00c0ffee00c0ffee00c0ffee00" if two else cat.OTHER_ACCOUNT_ID
)

pulumi.export("image_id", image.id)
pulumi.export("plain_id", plain.id)
