"""Input models shared by several resources, and the rules every resource's inputs share."""

from __future__ import annotations

import functools
import ipaddress
import unicodedata
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator

from ._ownership import MARK_KEYS
from ._timeouts import DurationInput
from ._values import as_number

# The API's integers are 32-bit signed on the wire: no integer input may exceed this.
INT32_MAX = 2**31 - 1
# Volume sizes, in GiB. The minimum is the API document's (VolumeCreateRequest.size,
# "Minimum : 8"). The document states no maximum: the real one is the account's
# ``per_volume_size`` quota, read at run time (GET /v1/volumes/quota-sets). 16384 GiB
# (16 TiB) is our choice of a static bound: SCP's user guide gives 16 TB as the largest
# block storage volume, and it is the simulator's default quota. It is a multiple of 8.
VOLUME_SIZE_MIN_GIB = 8
VOLUME_SIZE_MAX_GIB = 16384
# The API document's largest ``min_ram`` of an image (ImageCreateRequest.min_ram, MiB).
IMAGE_MIN_RAM_MAX_MIB = 2097151


def multiple_of_8(size: int) -> int:
    """SCP volume sizes are multiples of 8 GiB (a live-API rule the document does not state)."""
    if size % 8:
        raise ValueError(f"{size} GiB is not a multiple of 8 (SCP volume sizes are multiples of 8 GiB)")
    return size


# A profile's name is a key of the ``scpvs:profiles`` stack setting (and of config paths).
PROFILE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\Z"

ID_RULE = "must be a non-empty id without '/', '?', '#', '%' or whitespace"
_URL_CHARACTERS = "/?#%"


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be the id of an object in a request's path, or ``None`` when it can.

    An id is put in a URL path: a '/' would add a segment, '?' start the query, '#' a
    fragment, '%' an escape, and '.' or '..' alone would be resolved as "this" or "the
    parent" path segment. Whitespace and control characters are never part of an id.
    """
    if not value:
        return "it is empty"
    if value in (".", ".."):
        return f"{value!r} is a relative path segment, not an id"
    for char in value:
        if char in _URL_CHARACTERS:
            return f"it contains {char!r}"
        if char.isspace():
            return f"it contains the whitespace {char!r}"
        if unicodedata.category(char) in ("Cc", "Cf"):
            return f"it contains the control character {char!r}"
    return None


def check_object_id(value: str) -> str:
    """The rule of every input that is the id of another object (``*_id``, ``*_ids``)."""
    problem = id_problem(value)
    if problem:
        raise ValueError(f"{ID_RULE} ({problem})")
    return value


ObjectId = Annotated[str, AfterValidator(check_object_id)]
"""The id of another object: it goes into request paths, so it cannot change the URL."""


def check_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """The rule of every ``metadata`` input, naming the key that breaks it.

    The ownership mark's keys (``MARK_KEYS``) are the provider's own: the create request
    adds them to the metadata, so a program's value would be overwritten in silence, or
    pass for a mark this stack never made. An empty key names nothing, and a NUL byte
    cannot be kept in the text SCP stores metadata as.
    """
    for key, value in metadata.items():
        if not key:
            raise ValueError("a key is empty")
        if key in MARK_KEYS:
            raise ValueError(
                f"the key {key!r} is reserved: pulumi-scpvs marks the objects it creates with it "
                "(see docs/reliability.md); use another key"
            )
        if "\x00" in key:
            raise ValueError(f"the key {key!r} contains NUL")
        if "\x00" in value:
            raise ValueError(f"the value of {key!r} contains NUL")
    return metadata


Metadata = Annotated[dict[str, str], AfterValidator(check_metadata)]
"""A ``metadata`` input: string keys and values, none of them the provider's mark (see :func:`check_metadata`)."""


def check_ip_address(value: str) -> str:
    """One IPv4 or IPv6 address, as the standard library reads it: not a network, a range or a name.

    SCP assigns exactly the address given; anything else fails only when the object is
    created, after the resources it waits for were made.
    """
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"must be an IP address such as 192.168.0.10 or fd00::10 ({value!r} is not one)") from None
    return value


IpAddress = Annotated[str, AfterValidator(check_ip_address)]
"""An IP address input (``fixed_ip``)."""

SERVER_COUNTS = ("min_server_count", "desired_server_count", "max_server_count")


def ordered_server_count(value: int | None, info: ValidationInfo) -> int | None:
    """Server counts satisfy min <= desired <= max, compared as numbers.

    Pydantic validates a model's fields in order, and ``info.data`` holds the earlier ones
    that passed: each count is compared with the counts validated before it, so every
    pair is compared once, and a broken pair is refused even while the third count is
    unknown (preview).
    """
    number, field = as_number(value), info.field_name
    if number is None or field not in SERVER_COUNTS:
        return value
    position = SERVER_COUNTS.index(field)
    for index, other in enumerate(SERVER_COUNTS):
        bound = as_number(info.data.get(other)) if other != field else None
        if bound is None:
            continue
        if index < position and number < bound:
            raise ValueError(f"must be at least {other} ({bound}): counts satisfy min <= desired <= max")
        if index > position and number > bound:
            raise ValueError(f"must be at most {other} ({bound}): counts satisfy min <= desired <= max")
    return value


class TimeoutsInput(BaseModel):
    """The ``timeouts`` input: any of create/update/delete, as seconds or '20m'-style strings."""

    model_config = ConfigDict(extra="forbid")

    create: DurationInput | None = None
    update: DurationInput | None = None
    delete: DurationInput | None = None


class ResourceInputs(BaseModel):
    """Base of every resource's input model: unknown inputs are refused, ``timeouts`` is accepted.

    Patterns must match the whole value: they are written ``^...\\Z``, because with Python's
    ``re`` a final ``$`` also matches before a trailing newline (``^[a-z]*$`` accepts
    ``"web\\n"``), and pydantic's python-re engine searches rather than matches.
    """

    model_config = ConfigDict(extra="forbid", regex_engine="python-re")

    # The ids a composite resource id joins with '/' (``volume_id/server_id``...), for
    # ``adopt_id``; empty for a resource whose id is the object's own id.
    adopt_id_parts: ClassVar[tuple[str, ...]] = ()
    # The inputs not known yet (preview), in the model ``check`` validates the known ones
    # with (see ``partial_inputs``): they are absent there (``None``), not really unset.
    unknown_inputs: ClassVar[frozenset[str]] = frozenset()

    timeouts: TimeoutsInput | None = Field(
        default=None,
        description="how long create, update and delete may wait, as seconds or '30m'-style strings "
        "(`custom_timeouts` never reaches a dynamic provider)",
    )
    adopt_id: str | None = Field(
        default=None,
        description="id of an existing object to manage instead of creating one (see docs/reliability.md: Adopting)",
    )
    keep_failed: bool = Field(
        default=False, description="keep an object whose creation failed, for inspection, instead of deleting it"
    )
    profile: str | None = Field(
        default=None,
        pattern=PROFILE_NAME_PATTERN,
        description=(
            "name of a block of scpvs:profiles in the stack config: the account and region this object lives in "
            "(default: the scpvs:* settings; see docs/configuration.md: Profiles)"
        ),
    )

    @field_validator("adopt_id")
    @classmethod
    def _adopt_id_rule(cls, value: str | None) -> str | None:
        return None if value is None else cls.check_adopt_id(value)

    @classmethod
    def check_adopt_id(cls, value: str) -> str:
        """``adopt_id`` is this kind's resource id: one id, or ``adopt_id_parts`` ids joined by '/'."""
        parts = cls.adopt_id_parts
        if len(parts) < 2:
            return check_object_id(value)
        pieces = value.split("/")
        if len(pieces) != len(parts):
            raise ValueError(
                f"must be {'/'.join(parts)}: {len(parts)} ids joined by '/', each {ID_RULE.removeprefix('must be ')}"
            )
        for name, piece in zip(parts, pieces, strict=True):
            problem = id_problem(piece)
            if problem:
                raise ValueError(f"must be {'/'.join(parts)}, and {name} {ID_RULE} ({problem})")
        return value


class NameSharingInputs(ResourceInputs):
    """Inputs of a kind whose objects may share a name and carry no ownership mark (volumes,
    server groups, images): an existing object of the program's explicit name stops the
    create, because nothing can tell whether an interrupted run of this stack made it. A
    program that wants another object of that name beside it says so."""

    allow_duplicate_name: bool = Field(
        default=False,
        description=(
            "create this object even when others of its name exist (by default the create stops and names "
            "them: one of them may be this resource's, made by an interrupted run; see docs/reliability.md)"
        ),
    )


@functools.cache
def partial_inputs(model: type[ResourceInputs], unknown: frozenset[str]) -> type[ResourceInputs]:
    """``model`` for the inputs known at preview: those in ``unknown`` are optional, and absent.

    The known inputs are validated by the very rules of ``model`` (its field validators
    see the unknown ones as ``None``), and its dump makes the create request whose
    document model is checked too: what can never work is refused at the first preview.
    """
    if not unknown:
        return model
    fields: dict[str, Any] = {name: (Any, None) for name in unknown if name in model.model_fields}
    partial = create_model(model.__name__, __base__=model, **fields)
    partial.unknown_inputs = unknown
    return partial


class NewVolumeInput(BaseModel):
    """Base of the inputs that describe a volume to create (a server's, a launch configuration's)."""

    model_config = ConfigDict(extra="forbid")

    size: int = Field(ge=VOLUME_SIZE_MIN_GIB, le=VOLUME_SIZE_MAX_GIB, description="GiB, a multiple of 8")
    type: str | None = Field(default=None, description="volume type name, e.g. SSD (default: the region's default)")

    _size_rule = field_validator("size")(multiple_of_8)


class TagInput(BaseModel):
    """A tag: ``{"key": ..., "value": ...}``."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1)
    value: str | None = None
