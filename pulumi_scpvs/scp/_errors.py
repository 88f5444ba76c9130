"""Typed errors: what went wrong, on which request, and what SCP said about it."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ResourceFailedError",
    "ScpApiError",
    "ScpConnectionError",
    "ScpError",
    "ServerError",
    "WaitError",
    "WaitTimeoutError",
]


class ScpError(Exception):
    """Base of every error this package raises."""


class ConfigurationError(ScpError):
    """The provider configuration is missing or contradictory (names the setting to fix)."""


class ScpConnectionError(ScpError):
    """The request never got an HTTP answer (refused, reset, timed out)."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(f"{message} ({method} {url})")
        self.method = method
        self.url = url


class ScpApiError(ScpError):
    """SCP answered with an error status.

    ``detail`` is the human text of the SCP error body (joined when it is a list);
    ``errors`` keeps the parsed body items as they came.
    """

    status: int = 0

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        method: str,
        url: str,
        errors: list[Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.detail = detail
        self.method = method
        self.url = url
        self.errors = errors or []
        self.retry_after = retry_after
        super().__init__(f"SCP answered {status} to {method} {url}: {detail}")


class BadRequestError(ScpApiError):
    """400: the request did not validate."""


class AuthenticationError(ScpApiError):
    """401: the signature, timestamp or access key was refused."""


class PermissionDeniedError(ScpApiError):
    """403."""


class NotFoundError(ScpApiError):
    """404: the object does not exist (any more)."""


class ConflictError(ScpApiError):
    """409: the object's state or a duplicate name forbids the operation."""


class RateLimitedError(ScpApiError):
    """429: slow down (``retry_after`` says for how long, when SCP said)."""


class ServerError(ScpApiError):
    """5xx."""


_BY_STATUS: dict[int, type[ScpApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def error_class(status: int) -> type[ScpApiError]:
    """The most specific error class for an HTTP status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ScpApiError)


def error_detail(body: Any) -> tuple[str, list[Any]]:
    """Human text and raw items of an SCP error body, whatever shape it came in.

    SCP answers ``{"errors": [{"status": .., "detail": "..." | [...]}]}``, validation
    failures as lists of ``{msg, loc, type}``; anything else is shown as it is rather
    than crashing on it.
    """
    items: list[Any]
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        items = body["errors"]
    elif isinstance(body, dict) and "detail" in body:
        items = [body]
    elif isinstance(body, list):
        items = body
    else:
        return (str(body) if body not in (None, "") else "no error detail", [])
    texts: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            texts.append(str(item))
            continue
        detail = item.get("detail", item.get("msg", item.get("message")))
        if isinstance(detail, list):
            texts.extend(_validation_text(entry) for entry in detail)
        elif detail is not None:
            location = ".".join(str(part) for part in item.get("loc", []) if part != "body")
            texts.append(f"{location}: {detail}" if location else str(detail))
        else:
            texts.append(str(item))
    return ("; ".join(texts) or "no error detail", items)


def _validation_text(entry: Any) -> str:
    if isinstance(entry, dict) and "msg" in entry:
        location = ".".join(str(part) for part in entry.get("loc", []) if part != "body")
        return f"{location}: {entry['msg']}" if location else str(entry["msg"])
    return str(entry)


class WaitError(ScpError):
    """Waiting for an object to settle failed."""

    def __init__(self, message: str, *, object_id: str, last_state: str | None) -> None:
        super().__init__(message)
        self.object_id = object_id
        self.last_state = last_state


class ResourceFailedError(WaitError):
    """The object reached a failure state (``ERROR``, ``error``, ``killed``...)."""


class WaitTimeoutError(WaitError):
    """The object did not reach a target state before the deadline."""
