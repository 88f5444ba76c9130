"""Every SCP Virtual Server object as a Pulumi resource."""

from .auto_scaling_group import AutoScalingGroup, AutoScalingGroupProvider
from .auto_scaling_rules import (
    AutoScalingGroupNotification,
    AutoScalingGroupNotificationProvider,
    AutoScalingGroupPolicy,
    AutoScalingGroupPolicyProvider,
    AutoScalingGroupSchedule,
    AutoScalingGroupScheduleProvider,
)
from .image import Image, ImageMember, ImageMemberProvider, ImageProvider, ServerImage, ServerImageProvider
from .keypair import Keypair, KeypairProvider
from .launch_configuration import LaunchConfiguration, LaunchConfigurationProvider
from .server import Server, ServerProvider
from .server_group import ServerGroup, ServerGroupProvider
from .server_interface import (
    PrivateStaticNat,
    PrivateStaticNatProvider,
    ServerInterface,
    ServerInterfaceProvider,
    StaticNat,
    StaticNatProvider,
)
from .snapshot import Snapshot, SnapshotProvider
from .volume import Volume, VolumeProvider
from .volume_attachment import VolumeAttachment, VolumeAttachmentProvider
from .volume_transfer import (
    VolumeTransfer,
    VolumeTransferAcceptance,
    VolumeTransferAcceptanceProvider,
    VolumeTransferProvider,
)

__all__ = [
    "AutoScalingGroup",
    "AutoScalingGroupNotification",
    "AutoScalingGroupNotificationProvider",
    "AutoScalingGroupPolicy",
    "AutoScalingGroupPolicyProvider",
    "AutoScalingGroupProvider",
    "AutoScalingGroupSchedule",
    "AutoScalingGroupScheduleProvider",
    "Image",
    "ImageMember",
    "ImageMemberProvider",
    "ImageProvider",
    "Keypair",
    "KeypairProvider",
    "LaunchConfiguration",
    "LaunchConfigurationProvider",
    "PrivateStaticNat",
    "PrivateStaticNatProvider",
    "Server",
    "ServerGroup",
    "ServerGroupProvider",
    "ServerImage",
    "ServerImageProvider",
    "ServerInterface",
    "ServerInterfaceProvider",
    "ServerProvider",
    "Snapshot",
    "SnapshotProvider",
    "StaticNat",
    "StaticNatProvider",
    "Volume",
    "VolumeAttachment",
    "VolumeAttachmentProvider",
    "VolumeProvider",
    "VolumeTransfer",
    "VolumeTransferAcceptance",
    "VolumeTransferAcceptanceProvider",
    "VolumeTransferProvider",
]
