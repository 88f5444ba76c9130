"""The generic provider engine that every resource is declared on."""

from ._engine import AutoName, Operation, Props, ResourceSpec, ScpProvider, validation_failures
from ._inputs import (
    INT32_MAX,
    VOLUME_SIZE_MAX_GIB,
    VOLUME_SIZE_MIN_GIB,
    ObjectId,
    ResourceInputs,
    TagInput,
    TimeoutsInput,
)
from ._resource import ScpResource
from ._timeouts import Timeouts, parse_duration

__all__ = [
    "INT32_MAX",
    "VOLUME_SIZE_MAX_GIB",
    "VOLUME_SIZE_MIN_GIB",
    "AutoName",
    "ObjectId",
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
