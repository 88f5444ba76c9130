"""How the engine compares values: unknowns at preview, absences, inputs recorded in outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.output import Unknown

from ._keys import INPUTS_KEY
from ._spec import Props


def is_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_unknown(v) for v in value)
    return False


def as_number(value: Any) -> int | float | None:
    """``value`` if it is a number, else ``None``.

    The engine sends every number as a float (a size of 16 arrives as ``16.0``) and a
    program or a test as an int: numbers are compared as numbers, whatever their type. A
    bool is not a number here, though Python counts ``True`` as 1.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def old_inputs(olds: Props) -> Props:
    """The inputs recorded in old outputs (older states without the record: the outputs themselves)."""
    recorded = olds.get(INPUTS_KEY)
    return dict(recorded) if isinstance(recorded, Mapping) else olds


def normalise(value: Any) -> Any:
    """Treat ``[]``/``{}``/``None`` as the same absence and ignore dict ordering."""
    if value in (None, [], {}):
        return None
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in sorted(value.items()) if normalise(v) is not None}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value
