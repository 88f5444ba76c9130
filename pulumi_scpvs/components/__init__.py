"""Components a platform team publishes on top of the resources."""

from .auto_scaled_service import AutoScaledService
from .golden_image import GoldenImage
from .virtual_machine import VirtualMachine

__all__ = ["AutoScaledService", "GoldenImage", "VirtualMachine"]
