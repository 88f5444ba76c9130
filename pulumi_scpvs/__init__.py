"""Pulumi resources for Samsung Cloud Platform Virtual Server, with a local SCP simulator.

``pulumi_scpvs.Keypair(...)`` and ``pulumi_scpvs.Server(...)`` are dynamic resources;
configuration comes from the ``scpvs`` stack config namespace or the environment (see
:mod:`pulumi_scpvs.scp._config`). With nothing configured, they talk to the embedded
simulator.
"""

from . import components, lookups
from .resources import (
    AutoScalingGroup,
    AutoScalingGroupNotification,
    AutoScalingGroupPolicy,
    AutoScalingGroupSchedule,
    Image,
    ImageMember,
    Keypair,
    LaunchConfiguration,
    PrivateStaticNat,
    Server,
    ServerGroup,
    ServerImage,
    ServerInterface,
    Snapshot,
    StaticNat,
    Volume,
    VolumeAttachment,
    VolumeTransfer,
    VolumeTransferAcceptance,
)
from .scp import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ResourceFailedError,
    ScpApiError,
    ScpClient,
    ScpConfig,
    ScpConnectionError,
    ScpError,
    ServerError,
    WaitTimeoutError,
    resolve_config,
)

__version__ = "0.1.0"

__all__ = [
    "AuthenticationError",
    "AutoScalingGroup",
    "AutoScalingGroupNotification",
    "AutoScalingGroupPolicy",
    "AutoScalingGroupSchedule",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "Image",
    "ImageMember",
    "Keypair",
    "LaunchConfiguration",
    "NotFoundError",
    "PermissionDeniedError",
    "PrivateStaticNat",
    "RateLimitedError",
    "ResourceFailedError",
    "ScpApiError",
    "ScpClient",
    "ScpConfig",
    "ScpConnectionError",
    "ScpError",
    "Server",
    "ServerError",
    "ServerGroup",
    "ServerImage",
    "ServerInterface",
    "Snapshot",
    "StaticNat",
    "Volume",
    "VolumeAttachment",
    "VolumeTransfer",
    "VolumeTransferAcceptance",
    "WaitTimeoutError",
    "__version__",
    "components",
    "lookups",
    "resolve_config",
]
