"""The base of every generated model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ScpModel(BaseModel):
    """A schema of the API document.

    Unknown fields are kept rather than refused, so that a field the cloud adds later
    never breaks a deployment; the simulator, which must be strict, checks
    :func:`unknown_fields` itself. The document's patterns are Python regular
    expressions (``[a-zA-Z0-9-_ ]`` is not valid in the default Rust engine); the
    generator anchors each as ``^...\\Z`` so that it matches whole values only.

    ``defer_build``: a model's validator is built when it first validates, not on import.
    Every ``pulumi`` command starts two processes that import this package (the program,
    which validates nothing, and the provider, which uses a few models); building them
    all took about a fifth of the package's own import time (0.32 s of CPU against 0.26 s).
    """

    model_config = ConfigDict(extra="allow", regex_engine="python-re", populate_by_name=True, defer_build=True)


def unknown_fields(model: BaseModel, prefix: str = "") -> list[str]:
    """Dotted names of every field in ``model`` (recursively) that its schema does not declare."""
    found = [f"{prefix}{name}" for name in (model.model_extra or {})]
    for name in type(model).model_fields:
        value: Any = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, BaseModel):
                where = f"{prefix}{name}[{index}]." if isinstance(value, list) else f"{prefix}{name}."
                found += unknown_fields(item, where)
    return found
