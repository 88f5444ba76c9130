"""What a resource declares: its inputs, its outputs, and the shape of its API, as data.

A resource file is a :class:`ResourceSpec` on an :class:`~._engine.ScpProvider` subclass,
plus a hook only where the resource really differs from the common shape described
by :class:`Crud`. ``tools/generate.py`` reads the same spec to write the typed resource
class, the ``*Args`` TypedDicts, the output classes and ``docs/reference.md``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import string
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..scp import ApiOperation
from ..scp._generated.operations import OPERATIONS
from ._keys import INPUTS_DELTA_KEY, INPUTS_KEY
from ._timeouts import Timeouts

Props = dict[str, Any]
# Pulumi resources already have these; a show response's ``id`` is the resource id itself.
RESERVED_OUTPUTS = frozenset({"id", "urn"})
# Inputs about how to manage the object, not about the object: they never replace it nor
# update it through the API. (A changed ``profile`` is recorded by an update that sends
# nothing, when it points where the object is; anywhere else is refused, see _targets.)


@dataclass(frozen=True)
class AutoName:
    """Pulumi-style autonaming: ``<resource name>-<random suffix>``, fitted to the API's rules."""

    max_length: int
    allowed: str = string.ascii_letters + string.digits + "-_"
    suffix_length: int = 7

    def make(self, resource_name: str, seed: str) -> str:
        alphabet = string.ascii_lowercase + string.digits
        number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
        suffix = ""
        for _ in range(self.suffix_length):
            number, digit = divmod(number, len(alphabet))
            suffix += alphabet[digit]
        base = "".join(c if c in self.allowed else "-" for c in resource_name) or "res"
        base = base[: self.max_length - self.suffix_length - 1]
        return f"{base}-{suffix}"


def _api_operation(name: str | None) -> ApiOperation | None:
    if name is None:
        return None
    if name not in OPERATIONS:
        raise ValueError(f"{name!r} is not an operation of the API document")
    return OPERATIONS[name]


@dataclass(frozen=True)
class Crud:
    """The common shape of a kind's API, named by the document's operations.

    * ``show`` reads one object; its path parameters are the resource id's parts (a
      child's id is ``parent_id/child_id``, see :func:`join_id`).
    * ``create`` sends ``create_request(inputs)``; its path parameters are inputs of the
      same name (a child's parent), and the new id is the response's ``created_id`` field.
    * ``find`` lists the objects a create may have made: its path parameters and
      ``find_query`` come from the inputs, and an item is a candidate when its
      ``find_by`` fields equal the inputs' (see :mod:`._ownership`).
    * ``state``/``ready``/``failed``: after a create (and an adoption) the object is
      shown until its ``state`` field is in ``ready``, failing at once in ``failed``.
    * ``update`` (where one PUT changes every in-place field) sends each field of its body
      model from the new input of the same name.
    * ``delete``; with ``wait_gone`` it is shown until it answers 404, failing at once in
      ``gone_failed``.
    """

    show: str
    create: str | None = None
    update: str | None = None
    delete: str | None = None
    find: str | None = None
    find_by: tuple[str, ...] = ("name",)
    find_query: tuple[str, ...] = ()
    # The listed objects carry the ownership mark in ``metadata`` (see _ownership).
    marked: bool = False
    created_id: Callable[[Any], Any] = operator.attrgetter("id")
    state: str = "state"
    ready: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    wait_gone: bool = False
    gone_failed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in (self.show, self.create, self.update, self.delete, self.find):
            _api_operation(name)

    @classmethod
    def named(cls, kind: str, plural: str | None = None, **shape: Any) -> Crud:
        """The shape of a kind whose operations follow the document's naming: ``show_<kind>``,
        ``create_<kind>``, ``update_<kind>``, ``delete_<kind>``, ``list_<plural>`` (those that exist)."""
        conventional = {
            "show": f"show_{kind}",
            "create": f"create_{kind}",
            "update": f"update_{kind}",
            "delete": f"delete_{kind}",
            "find": f"list_{plural or kind + 's'}",
        }
        found = {role: name for role, name in conventional.items() if name in OPERATIONS}
        return cls(**{**found, **shape})

    def api_operation(self, name: str | None) -> ApiOperation:
        found = _api_operation(name)
        if found is None:
            raise NotImplementedError("this resource declares no such operation")
        return found


@dataclass(frozen=True)
class AnswerOnly:
    """An output that only the answer to a create carries (a generated private key): an object
    adopted without that answer would lack it (see ``ScpProvider.answer_only_output``)."""

    what: str
    instead: str
    """What a user who adopts such an object declares instead (a sentence without a full stop)."""


@dataclass(frozen=True)
class ResourceSpec:
    """What the engine (and the generator) needs to know about one kind of resource."""

    inputs: type[BaseModel]
    crud: Crud | None = None
    # The Pulumi type is ``pulumi-python:dynamic/scpvs:<type_name>``; by default the
    # provider class's name without ``Provider``.
    type_name: str = ""
    # What the API shows of the object (every field is an output); by default what
    # ``crud.show`` answers.
    output_model: type[BaseModel] = BaseModel
    # Outputs beyond the show response (a generated private key), with their types.
    extra_outputs: type[BaseModel] | None = None
    update_in_place: frozenset[str] = frozenset()
    autoname: AutoName | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    secret_outputs: tuple[str, ...] = ()
    # Inputs that are secrets (wrapped by the resource class, kept secret in outputs).
    secret_inputs: tuple[str, ...] = ()
    # Outputs only create knows (a generated private key): carried over by read and update.
    kept_outputs: tuple[str, ...] = ()
    # Inputs the live object tells us about, so refresh records drift: name -> getter(show output).
    observed_inputs: Mapping[str, Callable[[Props], Any]] = field(default_factory=dict)
    delete_before_replace: bool = False
    # The API model the create request must satisfy (by default the body of ``crud.create``),
    # and where its fields come from (request field -> input; by default the input of the same name).
    request_model: type[BaseModel] | None = None
    request_fields: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.crud is not None and self.output_model is BaseModel:
            object.__setattr__(self, "output_model", self.crud.api_operation(self.crud.show).response_model)
        if self.crud is not None and self.crud.create and self.request_model is None:
            object.__setattr__(self, "request_model", self.crud.api_operation(self.crud.create).body_model)
        if self.output_model is BaseModel:
            raise ValueError(f"{self.type_name or self.inputs.__name__}: give output_model or crud.show")

    def named(self, provider_class_name: str) -> ResourceSpec:
        """This spec with its type name (by default the provider class's, without ``Provider``)."""
        return (
            self
            if self.type_name
            else dataclasses.replace(self, type_name=provider_class_name.removesuffix("Provider"))
        )

    @property
    def input_fields(self) -> tuple[str, ...]:
        return tuple(self.inputs.model_fields)

    @property
    def secret_output_fields(self) -> tuple[str, ...]:
        """The outputs kept secret: the declared ones, the secret inputs, and the records of
        inputs that hold them."""
        records = (INPUTS_KEY, INPUTS_DELTA_KEY) if self.secret_inputs else ()
        return tuple(dict.fromkeys((*self.secret_outputs, *self.secret_inputs, *records)))

    @property
    def output_fields(self) -> tuple[str, ...]:
        extra = tuple(self.extra_outputs.model_fields) if self.extra_outputs else ()
        return (*self.output_model.model_fields, *extra)


def compact(values: Props) -> Props:
    """A request body without the fields left unset."""
    return {k: v for k, v in values.items() if v is not None}


def observed(*names: str) -> dict[str, Callable[[Props], Any]]:
    """Inputs that read back as the live object's field of the same name (for drift on refresh)."""

    def getter(name: str) -> Callable[[Props], Any]:
        return lambda live: live.get(name)

    return {name: getter(name) for name in names}


def id_parts(object_id: str, count: int) -> list[str]:
    """Split a composite id ``a/b[/c]`` made by :func:`join_id`."""
    parts = object_id.split("/")
    if len(parts) != count:
        raise ValueError(f"{object_id!r} is not an id of {count} parts separated by '/'")
    return parts


def join_id(*parts: str) -> str:
    """The id of an object that only exists under another one (an interface of a server...)."""
    return "/".join(parts)


def list_item_model(operation: ApiOperation) -> type[BaseModel]:
    """The model of one item of a list operation's answer."""
    if operation.response_model is None or operation.items_field is None:
        raise ValueError(f"{operation.name} is not a list")
    annotation = operation.response_model.model_fields[operation.items_field].annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        for item in typing.get_args(candidate) or (candidate,):
            if isinstance(item, type) and issubclass(item, BaseModel):
                return item
    raise ValueError(f"{operation.name}: cannot tell the model of its items")
