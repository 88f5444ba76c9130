"""Lookup functions: read-only queries for use in programs, in the style of other Pulumi packages.

Each ``get_*`` function returns typed models right away; each ``get_*_output`` variant
accepts Pulumi Inputs and returns an Output (``get_image_output(name=image_name)``).
Functions that return one object raise :class:`LookupFailedError` naming the filter when
nothing or more than one object matches.

They use the stack's ``scpvs:*`` configuration (or the environment, as the providers
do); pass ``profile=`` to look in the account and region of a profile of
``scpvs:profiles`` (resolved here, in the program's process, as the providers resolve it
in theirs), or ``client=`` to use another :class:`~pulumi_scpvs.ScpClient`.

:func:`is_embedded_target` says whether the stack targets the embedded simulator, and
:func:`config_id` reads an id from stack config, defaulting to a simulator catalogue id
only there (on a real account a missing key is an error naming it).
"""

from ._functions import LookupFailedError, config_id, default_client, is_embedded_target
from ._outputs import *  # noqa: F403 - the generated module lists its exports in __all__
from ._outputs import __all__ as _outputs_all

__all__ = ["LookupFailedError", "config_id", "default_client", "is_embedded_target", *_outputs_all]
