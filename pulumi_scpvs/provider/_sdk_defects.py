"""Workarounds for two costs of the Pulumi Python SDK that grow faster than the stack.

* :func:`pickler_restored`: the provider serializer's recursion cliff (~970 resources);
* :func:`outputs_untracked`: the program's final wait, quadratic in output properties.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Iterable, Iterator
from typing import Any

import pulumi
from pulumi.runtime.settings import SETTINGS


@contextlib.contextmanager
def pickler_restored() -> Iterator[None]:
    """Undo the one change the SDK's ``serialize_provider`` leaves behind.

    Each dynamic resource's provider is pickled by ``pulumi.dynamic.serialize_provider``,
    which replaces ``pickle._Pickler._batch_setitems`` by a sorting wrapper around the
    *current* one and never puts it back (every SDK from 3.235 to at least 3.272). The n-th
    dynamic resource of a program therefore pickles through n nested wrappers, and at about
    970 resources ``pulumi up`` fails with ``RecursionError`` (a provider pickled by value
    gets there sooner). Restoring the method after each resource keeps one wrapper deep; the
    bytes are the same (sorting sorted items changes nothing), so states see no difference.
    """
    saved = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pickle._Pickler._batch_setitems = saved  # type: ignore[attr-defined]


def outputs_untracked(resource: pulumi.Resource, names: Iterable[str]) -> None:
    """Let the program's final wait follow a resource by its ``urn`` and ``id`` alone.

    The SDK tracks every ``Output`` it creates, and once the program has registered its
    resources, ``wait_for_rpcs`` waits on all the tracked ones with
    ``asyncio.wait(..., FIRST_COMPLETED)`` again after each completion: it costs the number
    of pending outputs times the number of completions. A resource has an output per
    property (a volume ~25, a trivial dynamic resource 2), so a program of 1,000 volumes
    spent more CPU there than in everything else (every SDK from 3.235 to at least 3.272).
    A resource's property outputs are resolved by the same engine answer, at the same
    moment, as its ``urn`` and ``id``, which stay tracked; anything derived from a property
    (an ``apply``) is tracked on its own. So nothing the wait must see is lost.
    """
    with SETTINGS.lock:
        for name in names:
            output: Any = resource.__dict__.get(name)
            data = getattr(output, "_data", None)
            if data is None:
                continue
            with contextlib.suppress(KeyError, ValueError):  # a set in recent SDKs, a list in older ones
                SETTINGS.outputs.remove(data)
