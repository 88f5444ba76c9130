"""Small pieces several resource declarations share."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from .._errors import ScpError
from ..provider import Props


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


CLOCK_SKEW_SECONDS = 300.0


def _timestamp(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def made_since(items: Iterable[Any], since: float, **attributes: Any) -> str | None:
    """The id of the one object with these attributes created since ``since`` (allowing for clock skew).

    Used after a create whose answer was lost: exactly one match is the object the
    attempt made; none means it made nothing; several cannot be told apart, which is an
    error rather than a guess.
    """
    found = []
    for item in items:
        if any(getattr(item, k, None) != v for k, v in attributes.items()):
            continue
        created = _timestamp(getattr(item, "created_at", None))
        if created is None or created >= since - CLOCK_SKEW_SECONDS:
            found.append(item)
    if not found:
        return None
    if len(found) > 1:
        described = ", ".join(f"{k}={v!r}" for k, v in attributes.items())
        raise ScpError(
            f"{len(found)} objects with {described} appeared during a create whose answer was lost; adopt one"
        )
    return str(found[0].id)


def observed(*names: str) -> dict[str, Callable[[Props], Any]]:
    """Inputs that read back as the live object's field of the same name (for drift on refresh)."""

    def getter(name: str) -> Callable[[Props], Any]:
        return lambda live: live.get(name)

    return {name: getter(name) for name in names}
