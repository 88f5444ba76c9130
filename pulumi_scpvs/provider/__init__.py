"""The generic provider engine that every resource is declared on."""

from ._clients import CLIENTS, PROVIDER_RETRY, make_client
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
    "CLIENTS",
    "INT32_MAX",
    "PROVIDER_RETRY",
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
    "make_client",
    "parse_duration",
    "validation_failures",
]
