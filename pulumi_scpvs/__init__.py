"""Pulumi resources for Samsung Cloud Platform Virtual Server, with a local SCP simulator.

``pulumi_scpvs.Keypair(...)`` and ``pulumi_scpvs.Server(...)`` are dynamic resources
(types ``pulumi-python:dynamic/scpvs:Keypair``...); nested inputs are the TypedDicts of
:mod:`pulumi_scpvs.inputs` (``ServerNetworkArgs``...), nested outputs the classes of
:mod:`pulumi_scpvs.outputs`. Configuration comes from the ``scpvs`` stack config
namespace or the environment (see :mod:`pulumi_scpvs.scp._config`). With nothing
configured, they talk to the embedded simulator.
"""

from . import components, inputs, lookups, outputs
from .inputs import *  # noqa: F403 - the generated module lists its exports in __all__
from .inputs import __all__ as _inputs_all
from .resources import *  # noqa: F403 - the generated module lists its exports in __all__
from .resources import __all__ as _resources_all
from .scp import ScpClient, ScpConfig, resolve_config
from .scp._errors import *  # noqa: F403 - every error class, listed in its __all__
from .scp._errors import __all__ as _errors_all

__version__ = "0.2.0"

__all__ = [
    "ScpClient",
    "ScpConfig",
    "__version__",
    "components",
    "inputs",
    "lookups",
    "outputs",
    "resolve_config",
    *_errors_all,
    *_inputs_all,
    *_resources_all,
]
