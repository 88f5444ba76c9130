"""The table from operation name to the simulator function that performs it."""

from __future__ import annotations

from collections.abc import Callable

from ._context import Handler

HANDLERS: dict[str, Handler] = {}


def handles(*operation_names: str) -> Callable[[Handler], Handler]:
    """Register a handler for one or more operations of the API document."""

    def register(function: Handler) -> Handler:
        for name in operation_names:
            if name in HANDLERS:
                raise RuntimeError(f"two handlers for {name}")
            HANDLERS[name] = function
        return function

    return register
