"""The Pulumi side: the generic provider engine every resource is declared on.

A resource declares a :class:`ResourceSpec` (inputs, outputs, the :class:`Crud` shape of
its API) on a :class:`ScpProvider` subclass; the engine turns it into Pulumi's dynamic
provider protocol, with the create safety net, target pinning and autonaming.

This module is the one door of the engine: everything a resource declaration needs is
imported from here, never from the private modules (an import-linter contract holds
``pulumi_scpvs.resources`` to it).
"""

from ._clients import PROVIDER_RETRY, make_client
from ._engine import ScpProvider, kind_watch
from ._inputs import (
    IMAGE_MIN_RAM_MAX_MIB,
    INT32_MAX,
    SERVER_COUNTS,
    VOLUME_SIZE_MAX_GIB,
    VOLUME_SIZE_MIN_GIB,
    IpAddress,
    Metadata,
    NameSharingInputs,
    NewVolumeInput,
    ObjectId,
    ResourceInputs,
    TagInput,
    TimeoutsInput,
    multiple_of_8,
    ordered_server_count,
)
from ._ownership import Candidate
from ._resource import ScpResource
from ._spec import AnswerOnly, AutoName, Crud, Props, ResourceSpec, compact, id_parts, join_id, observed
from ._step import Step
from ._timeouts import Timeouts
from ._values import as_number

__all__ = [
    "IMAGE_MIN_RAM_MAX_MIB",
    "INT32_MAX",
    "PROVIDER_RETRY",
    "SERVER_COUNTS",
    "VOLUME_SIZE_MAX_GIB",
    "VOLUME_SIZE_MIN_GIB",
    "AnswerOnly",
    "AutoName",
    "Candidate",
    "Crud",
    "IpAddress",
    "Metadata",
    "NameSharingInputs",
    "NewVolumeInput",
    "ObjectId",
    "Props",
    "ResourceInputs",
    "ResourceSpec",
    "ScpProvider",
    "ScpResource",
    "Step",
    "TagInput",
    "Timeouts",
    "TimeoutsInput",
    "as_number",
    "compact",
    "id_parts",
    "join_id",
    "kind_watch",
    "make_client",
    "multiple_of_8",
    "observed",
    "ordered_server_count",
]
