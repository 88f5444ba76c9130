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
    """Base of every error this package raises.

    ``advice`` is what a user can do about it, in one sentence: the provider adds it to
    the message it reports (the message alone stays short, as other messages embed it).
    """

    advice: str = ""


class ConfigurationError(ScpError):
    """The provider configuration is missing or contradictory (names the setting to fix)."""

    advice = "fix the setting named above in the stack config (pulumi config set scpvs:...) or the environment"


class ScpConnectionError(ScpError):
    """The request never got an HTTP answer (refused, reset, timed out)."""

    advice = "check that the endpoint is right and reachable from here, then run the command again"

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

    advice = "correct the inputs the message names (SCP refused the request as invalid)"


class AuthenticationError(ScpApiError):
    """401: the signature, timestamp or access key was refused."""

    advice = "check scpvs:accessKey and scpvs:secretKey (or SCP_ACCESS_KEY, SCP_SECRET_KEY) and this machine's clock"


class PermissionDeniedError(ScpApiError):
    """403."""

    advice = "grant the access key this permission in SCP IAM, or use another key"


class NotFoundError(ScpApiError):
    """404: the object does not exist (any more)."""

    advice = (
        "check the ids among the inputs, as an object the request refers to does not exist "
        "(run `pulumi refresh` if one was deleted outside Pulumi)"
    )


class ConflictError(ScpApiError):
    """409: the object's state or a duplicate name forbids the operation."""

    advice = "wait for the object to settle, or choose another name if it is taken, and run the command again"


class RateLimitedError(ScpApiError):
    """429: slow down (``retry_after`` says for how long, when SCP said)."""

    advice = "run the command again in a while (SCP is throttling this account)"


class ServerError(ScpApiError):
    """5xx."""

    advice = "run the command again in a while (SCP failed to handle the request)"


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

    advice = (
        "check the inputs and the account's quotas (SCP does not say why an object fails), then run `pulumi up` "
        "again; keep_failed=True keeps a failed object for inspection"
    )

    def __init__(self, message: str, *, object_id: str, last_state: str | None) -> None:
        super().__init__(message)
        self.object_id = object_id
        self.last_state = last_state


class ResourceFailedError(WaitError):
    """The object reached a failure state (``ERROR``, ``error``, ``killed``...)."""


class WaitTimeoutError(WaitError):
    """The object did not reach a target state before the deadline."""

    advice = (
        "if it is only slow, give this resource more time with its timeouts input "
        '(timeouts={"create": "30m"}) and run `pulumi up` again'
    )


# Tracebacks and ``pulumi up`` name an exception by its class's module: the public one.
for _name in __all__:
    globals()[_name].__module__ = "pulumi_scpvs.scp"
