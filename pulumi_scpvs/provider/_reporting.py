"""How a failed operation reaches the user: one message, no traceback (unless ``SCPVS_DEBUG=1``).

The dynamic provider host reports an exception escaping a provider method with
``traceback.format_exc()``, which `pulumi up` prints whole: a dozen frames of our code
and the host's, and every exception the error was raised while handling. CPython leaves
the frames and the ``Traceback (most recent call last):`` header out when
``sys.tracebacklimit`` is 0, so the provider process sets it (``quiet_tracebacks``) and
each protocol method (``reported``) turns what escapes it into a single sentence: the
action, the object, what SCP or the wait said (with the last state) and what to do.
``SCPVS_DEBUG=1`` keeps the full traceback and the chain, for a bug report.

Progress goes the one way a dynamic provider has to the CLI: its stderr. The engine
reads the provider process's stderr line by line and shows each line as a diagnostic of
the stack (live, and again under "Diagnostics:"); it passes dynamic providers no
resource URN and gives them no engine connection (``pulumi.log`` there falls back to
stderr too), so the lines name the object themselves. ``show_progress`` sends the
package's INFO records (long waits, retries; DEBUG too with ``SCPVS_DEBUG=1``) there.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from ..scp._errors import ScpError
from ._workers import in_dynamic_provider_host

DEBUG_ENV = "SCPVS_DEBUG"
# The loggers whose records a user should see: not the embedded simulator's.
PROGRESS_LOGGERS = ("pulumi_scpvs.provider", "pulumi_scpvs.resources", "pulumi_scpvs.scp")
_STDERR = logging.StreamHandler(sys.stderr)
_STDERR.setFormatter(logging.Formatter("%(message)s"))

P = ParamSpec("P")
R = TypeVar("R")


class _Kind(Protocol):
    @property
    def type_name(self) -> str: ...


class Reporting(Protocol):
    """What :func:`reported` needs of a provider: the kind it names in messages."""

    @property
    def spec(self) -> _Kind: ...


S = TypeVar("S", bound=Reporting)


class UnexpectedError(ScpError):
    """An exception that is not one of ours escaped a provider method: a bug in pulumi-scpvs."""

    advice = f"this is a bug in pulumi-scpvs: run again with {DEBUG_ENV}=1 for the traceback and report it"


def debugging() -> bool:
    """Whether the user asked for tracebacks (``SCPVS_DEBUG=1``)."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def quiet_tracebacks() -> None:
    """Make the provider host's tracebacks print the message only (see the module docstring).

    Only there: ``traceback.extract_stack`` honours the limit too, and a program process
    needs it (the SDK records where each resource was declared), while the host
    registers no resources.
    """
    if in_dynamic_provider_host() and not debugging():
        sys.tracebacklimit = 0


def show_progress() -> None:
    """Write the package's progress and warnings to the provider host's stderr, one line each."""
    if not in_dynamic_provider_host():
        return
    level = logging.DEBUG if debugging() else logging.INFO
    for name in PROGRESS_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if _STDERR not in logger.handlers:
            logger.addHandler(_STDERR)


def reported(action: str) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """Report any failure of the decorated protocol method as one actionable message.

    ``action`` is the verb of the message (``creating``); the object is the id the method
    is given, or for a create the name in its inputs.
    """

    def decorate(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        @functools.wraps(method)
        def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(self, *args, **kwargs)
            except Exception as error:
                message = failure_message(action, self.spec.type_name, _subject(args), error)
                if isinstance(error, ScpError):
                    # The same exception (its type names the kind of failure), told in full.
                    error.args = (message,)
                    if not debugging():
                        error.__cause__ = None
                        error.__suppress_context__ = True
                    raise
                if debugging():
                    raise
                raise UnexpectedError(message) from None

        return wrapper

    return decorate


def _subject(args: tuple[Any, ...]) -> str | None:
    first = args[0] if args else None
    if isinstance(first, str):
        return first or None
    if isinstance(first, dict) and isinstance(first.get("name"), str):
        return repr(first["name"])
    return None


def failure_message(action: str, type_name: str, subject: str | None, error: Exception) -> str:
    """``<action> <type> <object> failed: <what happened>. What to do: <advice>.``"""
    what = f"{type_name} {subject}" if subject else type_name
    happened = str(error) if isinstance(error, ScpError) else f"{type(error).__name__}: {error}"
    advice = error.advice if isinstance(error, ScpError) else UnexpectedError.advice
    message = f"{action} {what} failed: {happened.rstrip('.')}."
    return f"{message} What to do: {advice}." if advice else message
