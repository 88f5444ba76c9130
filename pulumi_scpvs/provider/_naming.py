"""Autonaming: a name for an object the program did not name, stable across runs, new on replacement."""

from __future__ import annotations

import json

from pulumi.output import Unknown

from ._keys import AUTONAMED_KEY, RESOURCE_NAME_KEY, STACK_AUTONAMED, STACK_IDENTITY_KEY
from ._spec import Props, ResourceSpec
from ._values import is_unknown, normalise


def fill_in_name(spec: ResourceSpec, triggers: list[str], olds: Props, news: Props, inputs: Props) -> bool | str:
    """Fill in ``name`` when omitted; return how it was made (falsy: not autonamed).

    ``triggers`` are the inputs whose change replaces the object.

    The name must be stable across runs (the engine may check the same resource
    more than once, sometimes without its old inputs) yet new when the resource is
    replaced, or a create-before-delete replacement would collide with its own
    name. So the suffix is a hash of the stack's identity (see :mod:`._identity`), the
    resource's name and the inputs that force replacement, and an earlier autoname
    is kept while those are unchanged. Two stacks of the same project and stack name
    on two backends have two identities, hence two names; while the identity is not
    known yet (the first preview of a stack) the name is not either.
    """
    autoname = spec.autoname
    if autoname is None or inputs.get("name") not in (None, ""):
        return False
    unchanged = all(is_unknown(inputs.get(n)) or normalise(olds.get(n)) == normalise(inputs.get(n)) for n in triggers)
    if olds.get(AUTONAMED_KEY) and olds.get("name") and unchanged:
        inputs["name"] = olds["name"]
        return STACK_AUTONAMED if olds[AUTONAMED_KEY] == STACK_AUTONAMED else True
    identity = news.get(STACK_IDENTITY_KEY)
    if is_unknown(identity):
        inputs["name"] = Unknown()  # type: ignore[no-untyped-call]
        return STACK_AUTONAMED
    resource_name = str(news.get(RESOURCE_NAME_KEY) or spec.type_name.lower())
    seed = json.dumps(
        [identity or "", resource_name, [normalise(inputs.get(n)) for n in triggers]], sort_keys=True, default=str
    )
    inputs["name"] = autoname.make(resource_name.split("/", 2)[-1], seed)
    return STACK_AUTONAMED if identity else True
