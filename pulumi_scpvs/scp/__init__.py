"""The SCP Virtual Server API and nothing else: the signed client, its configuration,
errors, retry policy and waiting, and the models generated from the API document.

This layer knows nothing of Pulumi or of the simulator (an import-linter contract in
``pyproject.toml`` keeps it so): a script can use it on its own.
"""

from . import models
from ._client import DEFAULT_TIMEOUT, ScpClient, encode_query
from ._config import ScpConfig, resolve_config
from ._errors import *  # noqa: F403 - every error class, listed in its __all__
from ._errors import __all__ as _errors_all
from ._operation import ApiOperation
from ._retry import RetryPolicy
from ._waiting import Waiter

__all__ = [
    "DEFAULT_TIMEOUT",
    "ApiOperation",
    "RetryPolicy",
    "ScpClient",
    "ScpConfig",
    "Waiter",
    "encode_query",
    "models",
    "resolve_config",
    *_errors_all,
]
