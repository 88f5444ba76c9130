"""A workaround for the Pulumi SDK's provider serializer (see :func:`pickler_restored`)."""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Iterator


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
