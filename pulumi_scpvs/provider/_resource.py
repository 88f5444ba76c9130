"""The program-side half: a ``pulumi.dynamic.Resource`` that registers a provider's inputs and outputs."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi import CustomResource
from pulumi.dynamic import Resource
from pulumi.dynamic.dynamic import serialize_provider

from ._engine import ScpProvider
from ._identity import stack_identity
from ._keys import PROVIDER_KEY, RESOURCE_NAME_KEY, STACK_IDENTITY_KEY
from ._sdk_defects import outputs_untracked, pickler_restored
from ._spec import RESERVED_OUTPUTS

NOT_INPUTS = frozenset({"self", "resource_name", "opts", "__class__"})
# Each resource class is its own Pulumi type, ``pulumi-python:dynamic/scpvs:<class name>``.
TYPE_MODULE = "scpvs"
# The one type every resource had in 0.1.0: the alias that lets those stacks upgrade in place.
SHARED_TYPE = "pulumi-python:dynamic:Resource"


class ScpResource(Resource):
    """Base of every resource class: declares every output, marks secrets, passes the name for autonaming.

    Subclasses take their inputs as keyword arguments and hand ``locals()`` to
    :meth:`_register`, so the argument list is the one place an input is named. Each
    subclass registers as the type ``pulumi-python:dynamic/scpvs:<its class name>``
    (``class Server(ScpResource)`` is ``pulumi-python:dynamic/scpvs:Server``), aliased to
    the shared type of 0.1.0.
    """

    _provider_class: type[ScpProvider]

    def __init_subclass__(cls, *, module: str = TYPE_MODULE, name: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(module=module, name=name or cls.__name__, **kwargs)

    def _register(self, resource_name: str, arguments: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        """Register the resource; called by the subclass's ``__init__`` (see :func:`serialized_provider`).

        It does what ``pulumi.dynamic.Resource.__init__`` does, with the provider serialized
        once per class. Not being an ``__init__`` also lets the SDK's stack trace (three
        ``__init__`` frames deep) start at the program's line that declared the resource,
        not inside this package: Pulumi shows it, and every state saves it.
        """
        spec = self._provider_class.spec
        inputs = {k: v for k, v in arguments.items() if k not in NOT_INPUTS}
        for name in spec.secret_inputs:
            if inputs.get(name) is not None:
                inputs[name] = pulumi.Output.secret(inputs[name])
        props: dict[str, Any] = {name: None for name in spec.output_fields if name not in RESERVED_OUTPUTS}
        props.update({k: v for k, v in inputs.items() if v is not None or k not in props})
        # project/stack/name: seeds a stable autoname that differs between stacks.
        props[RESOURCE_NAME_KEY] = f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"
        # Whose objects these are: see _identity (autonames and ownership marks derive from it).
        props[STACK_IDENTITY_KEY] = stack_identity()
        props[PROVIDER_KEY] = serialized_provider(self._provider_class)
        # A resource deployed by 0.1.0 is found under its old type and carries on (no replacement);
        # the alias keeps the resource's parent, so components' children are found too.
        own = pulumi.ResourceOptions(
            additional_secret_outputs=list(spec.secret_output_fields), aliases=[pulumi.Alias(type_=SHARED_TYPE)]
        )
        CustomResource.__init__(
            self,
            f"pulumi-python:{self._resource_type_name}",
            resource_name,
            props,
            pulumi.ResourceOptions.merge(own, opts),
        )
        outputs_untracked(self, props)


_serialized: dict[type[ScpProvider], str] = {}


def serialized_provider(provider_class: type[ScpProvider]) -> str:
    """The ``__provider`` of every resource of a class, serialized once by the SDK's own serializer.

    A provider pickles as its class alone (no state, no secret: see ``ScpProvider``), so the
    bytes are the same for every resource; serializing them once per class spares each
    resource the pickling, and the SDK's serializer cliff (:func:`pickler_restored`).
    """
    if provider_class not in _serialized:
        with pickler_restored():
            _serialized[provider_class] = str(serialize_provider(provider_class()))
    return _serialized[provider_class]
