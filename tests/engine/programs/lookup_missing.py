"""Engine test program: a lookup that finds nothing (the image name has a typo)."""

from pulumi_scpvs import lookups

image = lookups.get_image(name="Ubuntu 22.4")
