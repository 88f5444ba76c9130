"""The description of one API operation, as the generated table lists it, and what sends one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel

Pagination = Literal["offset", "marker", "page"]

CURRENT_VERSION = "1.1"


@dataclass(frozen=True)
class ApiOperation:
    """One operation of the API document: everything the client and simulator need to agree on."""

    name: str
    area: str
    title: str
    method: str
    path: str
    versions: tuple[str, ...]
    success_status: int
    body_model: type[BaseModel] | None
    response_model: type[BaseModel] | None
    query_model: type[BaseModel] | None
    path_params: tuple[str, ...]
    pagination: Pagination | None
    items_field: str | None

    @property
    def version(self) -> str:
        """The version the client speaks: 1.1, or 1.0 for the operations that exist only there."""
        return CURRENT_VERSION if CURRENT_VERSION in self.versions else self.versions[-1]

    def url_path(self, **path_values: str) -> str:
        """The path with its ``{placeholders}`` filled in.

        Each value is percent-encoded whole (``quote(value, safe="")``: '/', '?', '#', '%'
        and spaces become escapes), so a value can neither add a path segment nor start a
        query or a fragment. An empty value, '.' or '..' would still change the path
        (``/v1/servers/`` is another operation, and HTTP clients resolve dot segments), so
        they are refused. The client signs the URL it sends, escapes included.
        """
        from urllib.parse import quote

        path = self.path
        for name in self.path_params:
            value = str(path_values[name])
            if value in ("", ".", ".."):
                raise ValueError(f"{self.name}: path parameter {name} is {value!r}, which cannot be an id")
            path = path.replace("{" + name + "}", quote(value, safe=""))
        return path


ModelT = TypeVar("ModelT", bound=BaseModel)


class Caller(Protocol):
    """What the typed API areas need of a client: send an operation, parse its answer,
    page through a list. :class:`~pulumi_scpvs.scp.ScpClient` is one; the areas name this
    instead, so that they and the client do not import each other."""

    def call(
        self,
        operation: ApiOperation,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: BaseModel | Mapping[str, Any] | None = None,
    ) -> Any: ...

    def call_model(
        self,
        model: type[ModelT],
        operation: ApiOperation,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: BaseModel | Mapping[str, Any] | None = None,
    ) -> ModelT: ...

    def paginate(
        self,
        operation: ApiOperation,
        item_model: type[ModelT],
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> Iterator[ModelT]: ...
