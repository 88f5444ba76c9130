"""A local SCP Virtual Server: the same endpoints, signature checks, states and errors.

Run it as ``scpvs-simulator --host 127.0.0.1 --port 8787`` (or ``python -m
pulumi_scpvs.simulator``), or let the provider embed it (endpoint ``embedded``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from . import _catalogue as catalogue
from ._app import SimulatorApp, error_body
from ._context import SimulatorSettings
from ._world import World

if TYPE_CHECKING:
    import httpx

DEFAULT_TRANSITION_SECONDS = 2.0


def transition_seconds_from_env(default: float = DEFAULT_TRANSITION_SECONDS) -> float:
    """``SCPVS_SIM_TRANSITION_SECONDS`` or the default."""
    value = os.environ.get("SCPVS_SIM_TRANSITION_SECONDS")
    return float(value) if value else default


def embedded_transport(
    state_path: str, access_key: str, secret_key: str, account_id: str | None = None
) -> httpx.BaseTransport:
    """An httpx transport answered by a simulator in this process, its world kept in ``state_path``.

    The embedded simulator accepts the credentials the client was configured with, as
    the account ``account_id`` (by default the catalogue's).
    """
    import httpx

    directory = os.path.dirname(state_path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    settings = SimulatorSettings(
        access_key=access_key,
        secret_key=secret_key,
        transition_seconds=transition_seconds_from_env(),
        account_id=account_id or catalogue.ACCOUNT_ID,
    )
    return httpx.WSGITransport(app=SimulatorApp(World(state_path), settings))


__all__ = [
    "DEFAULT_TRANSITION_SECONDS",
    "SimulatorApp",
    "SimulatorSettings",
    "World",
    "catalogue",
    "embedded_transport",
    "error_body",
    "transition_seconds_from_env",
]
