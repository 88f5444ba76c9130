"""The stack's identity: a random token kept in the stack's own state.

Two developers can run the same project and stack name (``dev``) on two backends against
one account. Nothing the program sees (project, stack, resource names) tells them apart,
so anything derived from those alone (autonames, ownership marks) would be the same in
both, and each stack would take the other's objects for its own.

So the first ``up`` of a stack creates one extra resource, ``scpvs-stack-identity`` (type
``pulumi-python:dynamic/scpvs:StackIdentity``), whose id is a random token. It lives in
that stack's state only: the next run of the same stack reads it back, another backend's
stack of the same name has its own, and a ``destroy`` ends it. Every scpvs resource takes
it as an input, so it exists (and is saved in the state) before any cloud object is
created: a run killed in the middle of creating still left the token behind, and the
next run recognises what the interrupted one made. It makes no request to SCP.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider

from ._announce import announce_target
from ._sdk_defects import pickler_restored

IDENTITY_RESOURCE_NAME = "scpvs-stack-identity"
TOKEN_BYTES = 16


class StackIdentityProvider(ResourceProvider):
    """Creates the token; it never changes, and deleting it deletes nothing in the cloud."""

    serialize_as_secret_always = False  # its pickle is the class alone: no secret in it

    def create(self, props: dict[str, Any]) -> CreateResult:
        token = secrets.token_hex(TOKEN_BYTES)
        return CreateResult(token, {"token": token})

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, {"token": id_})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class StackIdentity(Resource, module="scpvs", name="StackIdentity"):
    """One per stack; see the module docstring."""

    token: pulumi.Output[str]

    def __init__(self) -> None:
        with pickler_restored():
            super().__init__(StackIdentityProvider(), IDENTITY_RESOURCE_NAME, {"token": None})


_lock = threading.Lock()
_identities: dict[int, StackIdentity] = {}


def stack_identity() -> pulumi.Output[str]:
    """The token of the stack being deployed, registering its resource on first use.

    Keyed by the engine connection, so an Automation API process that runs several
    deployments gets one identity resource per deployment; registering it is also the
    once-per-run moment to say where the objects go (:mod:`._announce`).
    """
    key = id(pulumi.runtime.settings.get_monitor())
    with _lock:
        identity = _identities.get(key)
        if identity is None:
            announce_target()
            identity = _identities[key] = StackIdentity()
    return identity.token
