"""The generic provider engine that every resource is declared on."""

from ._engine import AutoName, Operation, Props, ResourceSpec, ScpProvider, validation_failures
from ._inputs import ResourceInputs, TagInput, TimeoutsInput
from ._resource import ScpResource
from ._timeouts import Timeouts, parse_duration

__all__ = [
    "AutoName",
    "Operation",
    "Props",
    "ResourceInputs",
    "ResourceSpec",
    "ScpProvider",
    "ScpResource",
    "TagInput",
    "Timeouts",
    "TimeoutsInput",
    "parse_duration",
    "validation_failures",
]
