"""Engine test program: an explicitly named volume and server group whose config ``stage`` 2
changes an input that replaces them (create before delete, keeping their names)."""

import pulumi

import pulumi_scpvs as scpvs

two = pulumi.Config().get_int("stage") == 2
volume = scpvs.Volume("data", name="kept-data", size=8, volume_type="HDD" if two else "SSD")
group = scpvs.ServerGroup("group", name="kept-group", policy="affinity" if two else "anti-affinity")
pulumi.export("volume_id", volume.id)
pulumi.export("group_id", group.id)
