"""How the engine compares values: unknowns at preview, absences, inputs recorded in outputs."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pulumi.output import Unknown

from ._keys import INPUTS_DELTA_KEY, INPUTS_KEY
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


# In an inputs delta, the inputs left unset whose outputs have a value (the engine drops
# nulls from what it sends a provider, so "unset" cannot be a null).
UNSET = "__unset"


def inputs_delta(inputs: Props, outputs: Props, fields: Collection[str]) -> Props:
    """What outputs must record so that :func:`old_inputs` gives ``inputs`` back: each of
    ``fields`` whose input differs from the output of its name, and the unset ones."""
    delta: Props = {}
    for name in fields:
        value = inputs.get(name)
        if value != outputs.get(name):
            if value is None:
                delta.setdefault(UNSET, []).append(name)
            else:
                delta[name] = value
    return delta


def old_inputs(olds: Props, fields: Collection[str]) -> Props:
    """The inputs (of those named ``fields``) that old outputs were made from.

    Current outputs record only what differs from them (:func:`inputs_delta`); earlier
    ones every input; the oldest none (their inputs: the outputs themselves).
    """
    delta = olds.get(INPUTS_DELTA_KEY)
    if isinstance(delta, Mapping):
        unset = set(delta.get(UNSET) or ())
        inputs = {name: olds[name] for name in fields if olds.get(name) is not None and name not in unset}
        inputs.update((name, value) for name, value in delta.items() if name != UNSET)
        return inputs
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
