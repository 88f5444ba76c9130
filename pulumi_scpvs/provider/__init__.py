"""The Pulumi side: the generic provider engine every resource is declared on.

A resource declares a :class:`ResourceSpec` (inputs, outputs, the :class:`Crud` shape of
its API) on a :class:`ScpProvider` subclass; the engine turns it into Pulumi's dynamic
provider protocol, with the create safety net, target pinning and autonaming.
"""

from ._clients import CLIENTS, PROVIDER_RETRY, make_client
from ._engine import Operation, ScpProvider, validation_failures, with_mark
from ._inputs import (
    INT32_MAX,
    VOLUME_SIZE_MAX_GIB,
    VOLUME_SIZE_MIN_GIB,
    NameSharingInputs,
    NewVolumeInput,
    ObjectId,
    ResourceInputs,
    TagInput,
    TimeoutsInput,
    multiple_of_8,
)
from ._ownership import Candidate
from ._resource import ScpResource
from ._spec import AnswerOnly, AutoName, Crud, Props, ResourceSpec, compact, id_parts, join_id, observed
from ._timeouts import Timeouts, parse_duration

__all__ = [
    "CLIENTS",
    "INT32_MAX",
    "PROVIDER_RETRY",
    "VOLUME_SIZE_MAX_GIB",
    "VOLUME_SIZE_MIN_GIB",
    "AnswerOnly",
    "AutoName",
    "Candidate",
    "Crud",
    "NameSharingInputs",
    "NewVolumeInput",
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
    "compact",
    "id_parts",
    "join_id",
    "make_client",
    "multiple_of_8",
    "observed",
    "parse_duration",
    "validation_failures",
    "with_mark",
]
