"""Every SCP Virtual Server object as a Pulumi resource."""

from .keypair import Keypair, KeypairProvider
from .server import Server, ServerProvider

__all__ = ["Keypair", "KeypairProvider", "Server", "ServerProvider"]
