"""Small pieces several resource declarations share."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from ..provider import Props
from ..provider._engine import MARK_KEY
from ..provider._ownership import Candidate


def multiple_of_8(size: int) -> int:
    """SCP volume sizes are multiples of 8 GiB (a live-API rule the document does not state)."""
    if size % 8:
        raise ValueError(f"{size} GiB is not a multiple of 8 (SCP volume sizes are multiples of 8 GiB)")
    return size


def encode_user_data(user_data: str | None) -> str | None:
    """User data goes over the wire base64-encoded; plain text is encoded, base64 passed through."""
    if user_data is None:
        return None
    try:
        base64.b64decode(user_data, validate=True)
        return user_data
    except (binascii.Error, ValueError):
        return base64.b64encode(user_data.encode("utf-8")).decode("ascii")


def compact(values: Props) -> Props:
    """A request body without the fields left unset."""
    return {k: v for k, v in values.items() if v is not None}


def id_parts(object_id: str, count: int) -> list[str]:
    """Split a composite id ``a/b[/c]`` made by :func:`join_id`."""
    parts = object_id.split("/")
    if len(parts) != count:
        raise ValueError(f"{object_id!r} is not an id of {count} parts separated by '/'")
    return parts


def join_id(*parts: str) -> str:
    """The id of an object that only exists under another one (an interface of a server...)."""
    return "/".join(parts)


def candidates(
    items: Iterable[Any], *, marked: bool = False, related: bool = False, **attributes: Any
) -> list[Candidate]:
    """The listed objects with these attributes, as candidates for what a create made.

    ``marked``: the kind carries the ownership mark in ``metadata``; ``related``: an
    object with these attributes *is* the declared relationship (a child of a group this
    resource names).
    """
    found = []
    for item in items:
        if any(getattr(item, k, None) != v for k, v in attributes.items()):
            continue
        candidate = Candidate.of(item, marked=marked)
        found.append(dataclasses.replace(candidate, related=True) if related else candidate)
    return found


def with_mark(metadata: Any, inputs: Props) -> Any:
    """Metadata with the ownership mark of the create request (see provider._ownership), if any."""
    mark = inputs.get(MARK_KEY)
    if not mark:
        return metadata
    return {**(metadata or {}), **mark}


def observed(*names: str) -> dict[str, Callable[[Props], Any]]:
    """Inputs that read back as the live object's field of the same name (for drift on refresh)."""

    def getter(name: str) -> Callable[[Props], Any]:
        return lambda live: live.get(name)

    return {name: getter(name) for name in names}
