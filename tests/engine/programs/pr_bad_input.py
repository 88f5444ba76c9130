"""Engine test program: a pull request on ``pr_main.py`` with a size that is not a multiple of
8 GiB, which the provider's check refuses at preview."""

import pulumi_scpvs as scpvs

scpvs.Volume("data", size=7, volume_type="SSD")
scpvs.Volume("logs", size=8, volume_type="SSD")
