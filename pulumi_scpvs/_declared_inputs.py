"""What a resource's keyword arguments accept, read from its generated signature.

Tools that write programs (the Terraform converter) keep only what a program may say, and
say what they left out. They learn it here from the one place that declares it: the
``__init__`` of each generated resource class and the TypedDicts of :mod:`pulumi_scpvs.inputs`.

Those annotations are strings (``from __future__ import annotations``), and
``typing.get_type_hints`` cannot evaluate ``pulumi.Input`` (it holds forward references of
the SDK's own), so each string is evaluated here with ``pulumi.Input[X]`` read as ``X``: a
program may always pass ``X`` itself.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin, is_typeddict

UNSET: tuple[Any, ...] = (None, "", [], {})  # how a Terraform state (and JSON in general) says "not given"


class _Plain:
    """Subscripted, gives what it holds: ``pulumi.Input[X]`` and ``Required[X]`` read as ``X``."""

    def __class_getitem__(cls, item: Any) -> Any:
        return item


@dataclass(frozen=True)
class DeclaredInput:
    annotation: Any
    required: bool


class Misfit(ValueError):
    """A value the declared type does not accept; the message names its path and the rule."""


def _evaluate(text: str, module: str) -> Any:
    namespace = {
        **vars(sys.modules[module]),
        "pulumi": types.SimpleNamespace(Input=_Plain),
        "Required": _Plain,
        "NotRequired": _Plain,
        "Sequence": Sequence,
        "Mapping": Mapping,
        "Literal": Literal,
        "Any": Any,
    }
    return eval(text, namespace)  # noqa: S307 - the package's own annotations, not user input


def _annotation_text(annotation: Any) -> str:
    return annotation.__forward_arg__ if hasattr(annotation, "__forward_arg__") else str(annotation)


@functools.cache
def arguments_of(resource_class: type) -> dict[str, DeclaredInput]:
    """The keyword arguments of a resource class (``resource_name`` and ``opts`` aside)."""
    init: Callable[..., Any] = resource_class.__init__  # type: ignore[misc]
    defaults = init.__kwdefaults__ or {}
    return {
        name: DeclaredInput(_evaluate(_annotation_text(text), init.__module__), name not in defaults)
        for name, text in init.__annotations__.items()
        if name not in ("return", "self", "resource_name", "opts")
    }


@functools.cache
def fields_of(typed_dict: type) -> dict[str, DeclaredInput]:
    """The keys of an input TypedDict; ``Required[...]`` ones are required (they are all declared ``total=False``)."""
    return {
        name: DeclaredInput(
            _evaluate(_annotation_text(annotation), typed_dict.__module__),
            _annotation_text(annotation).startswith("Required["),
        )
        for name, annotation in typed_dict.__annotations__.items()
    }


def _alternatives(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return [alternative for arg in get_args(annotation) for alternative in _alternatives(arg)]
    return [] if annotation is type(None) else [annotation]


def fit(value: Any, annotation: Any, path: str, dropped: list[str], opaque: tuple[type, ...] = ()) -> Any:
    """``value`` as the declared type accepts it, or :class:`Misfit`.

    Keys of a nested input that the type does not declare, and optional keys whose value it
    refuses, are left out, each with a line in ``dropped``; ``opaque`` values (references to
    other resources, secrets from config) are taken as they are."""
    if isinstance(value, opaque):
        return value
    problems: list[str] = []
    for alternative in _alternatives(annotation):
        own: list[str] = []
        try:
            result = _fit_one(value, alternative, path, own, opaque)
        except Misfit as misfit:
            problems.append(str(misfit))
            continue
        dropped.extend(own)
        return result
    raise Misfit(problems[0] if len(problems) == 1 else f"{path} = {value!r}: not a value this input accepts")


def _fit_one(value: Any, annotation: Any, path: str, dropped: list[str], opaque: tuple[type, ...]) -> Any:
    origin = get_origin(annotation)
    if annotation is Any:
        return value
    if origin is Literal:
        if value in get_args(annotation):
            return value
        raise Misfit(f"{path} = {value!r}: accepts only {', '.join(map(repr, get_args(annotation)))}")
    if is_typeddict(annotation):
        return _fit_fields(value, annotation, path, dropped, opaque)
    if origin is Sequence and isinstance(value, list):
        (item,) = get_args(annotation)
        return [fit(v, item, f"{path}[{i}]", dropped, opaque) for i, v in enumerate(value)]
    if origin is Mapping and isinstance(value, Mapping):
        _, item = get_args(annotation)
        return {k: fit(v, item, f"{path}.{k}", dropped, opaque) for k, v in value.items()}
    if annotation is bool and isinstance(value, bool):
        return value
    if annotation is int and isinstance(value, int | float) and not isinstance(value, bool) and value == int(value):
        return int(value)
    if annotation is float and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if annotation is str and isinstance(value, str):
        return value
    shown = getattr(annotation, "__name__", str(annotation))
    raise Misfit(f"{path} = {value!r}: expected {shown}")


def _fit_fields(
    value: Any, typed_dict: type, path: str, dropped: list[str], opaque: tuple[type, ...]
) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise Misfit(f"{path} = {value!r}: expected an object with {', '.join(fields_of(typed_dict))}")
    declared = fields_of(typed_dict)
    result: dict[str, Any] = {}
    for key, item in value.items():
        if item in UNSET:
            continue
        if key not in declared:
            dropped.append(f"{path}.{key} = {item!r}: not an input here ({typed_dict.__name__} has no {key})")
            continue
        try:
            result[key] = fit(item, declared[key].annotation, f"{path}.{key}", dropped, opaque)
        except Misfit as misfit:
            if declared[key].required:
                raise
            dropped.append(str(misfit))
    missing = [key for key, field in declared.items() if field.required and key not in result]
    if missing:
        raise Misfit(f"{path}: {', '.join(missing)} required, and the value has none")
    return result
