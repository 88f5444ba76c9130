"""What a simulator handler gets, and the helpers every handler shares."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from ..scp.models import MODELS
from ._catalogue import ACCOUNT_ID
from ._faults import NEVER, Faults
from ._world import Record, World


class SimulatorError(Exception):
    """An error answer: status plus the detail SCP would give."""

    def __init__(self, status: int, detail: str | list[Any], code: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or {
            400: "BAD_REQUEST",
            401: "UNAUTHORIZED",
            403: "FORBIDDEN",
            404: "NOT_FOUND",
            409: "CONFLICT",
        }.get(status, "ERROR")


@dataclass(frozen=True)
class SimulatorSettings:
    """Knobs of a simulator instance.

    One instance answers for one account: the one its credentials belong to. Instances
    that share a state file are accounts of one region (an image one shares, the other
    accepts); instances with separate state files are separate regions.
    """

    access_key: str
    secret_key: str
    transition_seconds: float = 2.0
    max_clock_skew_seconds: float = 300.0
    account_id: str = ACCOUNT_ID


@dataclass
class Context:
    """One request as a handler sees it: validated inputs and the world to act on."""

    world: World
    settings: SimulatorSettings
    operation: str
    version: str
    path: dict[str, str]
    query: BaseModel | None
    body: BaseModel | None
    faults: Faults = field(default_factory=Faults)

    @property
    def account_id(self) -> str:
        """The account the request's credentials belong to."""
        return self.settings.account_id

    @property
    def delay(self) -> float:
        """How long transitional states last (forever when a "stall" fault is drawn)."""
        if self.faults.happens(self.faults.settings.stall_rate, "stalled_transition"):
            return NEVER
        return self.settings.transition_seconds

    def outcome(self, success: str, failure: str) -> str:
        """The state an asynchronous creation ends in: ``failure`` when a "fail" fault is drawn."""
        return failure if self.faults.happens(self.faults.settings.fail_rate, "failed_operation") else success

    def now(self) -> str:
        return (
            datetime.fromtimestamp(self.world.clock(), tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        )

    def q(self, name: str) -> Any:
        return getattr(self.query, name, None) if self.query is not None else None

    def b(self) -> Any:
        if self.body is None:
            raise SimulatorError(400, "request body is required")
        return self.body

    def require(self, kind: str, object_id: str, what: str | None = None) -> Record:
        record = self.world.get(kind, object_id)
        if record is None:
            raise SimulatorError(404, f"{what or kind.replace('_', ' ')} {object_id!r} not found")
        return record

    # -- list requests ----------------------------------------------------------------------

    def matches_query(self, record: Record, *names: str) -> bool:
        """Whether ``record`` passes the list filters ``names``: each one the request gives must
        equal the record's field of that name; one the request leaves out filters nothing."""
        return all(self.q(name) is None or record.get(name) == self.q(name) for name in names)

    def page(self, items: Sequence[Record]) -> list[Record]:
        """The page a list request asks for: after its ``marker`` when it gives one, else from its
        ``offset`` (volume, snapshot and volume type lists take either)."""
        if self.q("marker"):
            return page_marker(items, self.q("limit"), self.q("marker"))
        return page_offset(items, self.q("limit"), self.q("offset"))

    def count_unless_declined(self, items: Sequence[Record]) -> int | None:
        """How many items the list has, or None when the request sets ``with_count=false``."""
        return len(items) if self.q("with_count") is not False else None

    # -- changes ----------------------------------------------------------------------------

    def store_change(self, kind: str, record: Record, *, stamp: str = "modified_at") -> Record:
        """Store a changed record, its modification time (``stamp``) set to now.

        The field's name is the API's: ``updated_at`` on images and snapshots, ``modified_at`` on
        servers, volumes and auto-scaling records.
        """
        record[stamp] = self.now()
        self.world.put(kind, record["id"], record)
        return record

    def apply_update(self, kind: str, record: Record, *, stamp: str = "modified_at") -> Record:
        """Apply an update request's body to ``record`` and store it (see :meth:`store_change`).

        SCP's updates are partial: a field the body gives replaces the record's, one it leaves
        out or sends as null keeps its value.
        """
        record.update(self.b().model_dump(exclude_none=True))
        return self.store_change(kind, record, stamp=stamp)


Handler = Callable[[Context], Any]


def new_uuid() -> str:
    return str(uuid.uuid4())


def new_hex_id() -> str:
    return uuid.uuid4().hex


def random_token(n_bytes: int = 8) -> str:
    return secrets.token_hex(n_bytes)


def view(record: Record, model_name: str) -> Record:
    """The record projected onto a response model's fields (private ``_`` fields dropped)."""
    fields = MODELS[model_name].model_fields
    names = [info.alias or name for name, info in fields.items()]
    return {name: record.get(name) for name in names}


Finder = Callable[[Context], Record]
"""Looks up the record a request's path names, answering 404 (or 403) as the API does."""


def show_handler(find: Finder, model: str) -> Handler:
    """The handler of a plain show operation: the record ``find`` looks up, as ``model`` shows it."""

    def show(ctx: Context) -> Record:
        return view(find(ctx), model)

    return show


def update_handler(kind: str, find: Finder, model: str, *, stamp: str = "modified_at") -> Handler:
    """The handler of a plain update operation: the record ``find`` looks up, changed as the body
    asks (:meth:`Context.apply_update`) and answered as ``model`` shows it."""

    def update(ctx: Context) -> Record:
        return view(ctx.apply_update(kind, find(ctx), stamp=stamp), model)

    return update


def page_marker(items: Sequence[Record], limit: int | None, marker: str | None, key: str = "id") -> list[Record]:
    start = 0
    if marker:
        keys = [str(item.get(key)) for item in items]
        if marker not in keys:
            raise SimulatorError(400, f"marker {marker!r} not found")
        start = keys.index(marker) + 1
    return list(items[start : start + (limit if limit is not None else 20)])


def page_offset(items: Sequence[Record], limit: int | None, offset: int | None) -> list[Record]:
    start = offset or 0
    return list(items[start : start + (limit if limit is not None else 20)])


def sort_records(items: list[Record], sort: str | None, default: str) -> list[Record]:
    """Apply an SCP ``field:dir,field:dir`` sort (unknown fields sort as empty)."""
    for part in reversed((sort or default).split(",")):
        name, _, direction = part.partition(":")
        items = sorted(items, key=lambda r: _sort_key(r.get(name)), reverse=direction == "desc")
    return items


def _sort_key(value: Any) -> tuple[int, float, str]:
    """Numbers sort as numbers, everything else as text, absent values last."""
    if value is None:
        return (1, 0.0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (0, 0.0, str(value))
