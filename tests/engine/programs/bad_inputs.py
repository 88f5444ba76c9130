"""Engine test program with invalid inputs: preview must refuse it, naming each field."""

import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue

scpvs.Server(
    "web",
    image_id=catalogue.IMAGE_UBUNTU,
    server_type_id="s1v1m2",
    keypair_name="some-key",
    networks=[{"subnet_id": catalogue.SUBNET_ID}],
    boot_volume={"size": 12},
    power_state="PAUSED",
    timeouts={"create": "whenever"},
)
