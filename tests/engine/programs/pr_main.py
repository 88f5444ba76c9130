"""Engine test program: the main branch of a repository whose pull requests are previewed."""

import pulumi_scpvs as scpvs

scpvs.Volume("data", size=8, volume_type="SSD")
scpvs.Volume("logs", size=8, volume_type="SSD")
