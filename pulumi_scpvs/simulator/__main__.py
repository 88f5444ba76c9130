"""``python -m pulumi_scpvs.simulator``."""

import sys

from ._serve import main

sys.exit(main())
