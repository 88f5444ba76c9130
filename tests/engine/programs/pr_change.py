"""Engine test program: a pull request on ``pr_main.py`` that grows one volume (in place) and
changes the other's type (a replacement)."""

import pulumi_scpvs as scpvs

scpvs.Volume("data", size=16, volume_type="SSD")
scpvs.Volume("logs", size=8, volume_type="HDD")
