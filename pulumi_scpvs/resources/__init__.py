"""Every SCP Virtual Server object as a Pulumi resource."""

from ._generated import *  # noqa: F403
from ._generated import __all__ as __all__
