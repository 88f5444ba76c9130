"""Request signing exactly as the official SCP SDKs do it.

The signed message is the concatenation, with no separators, of the HTTP method, the
absolute URL (with ``?query`` when there is one, exactly as sent), the timestamp in
epoch milliseconds, the access key, the account id and the client type. The signature
is the standard Base64 of its HMAC-SHA256 under the secret key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Generator
from typing import Protocol

import httpx

CLIENT_TYPE = "Openapi"


def string_to_sign(method: str, url: str, timestamp: str, access_key: str, account_id: str) -> str:
    """The message the signature covers."""
    return f"{method.upper()}{url}{timestamp}{access_key}{account_id}{CLIENT_TYPE}"


def sign(secret_key: str, method: str, url: str, timestamp: str, access_key: str, account_id: str = "") -> str:
    """Base64 HMAC-SHA256 of :func:`string_to_sign`, keyed with the secret key's UTF-8 bytes."""
    message = string_to_sign(method, url, timestamp, access_key, account_id)
    digest = hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def timestamp_now() -> str:
    """Current time as the ``Scp-Timestamp`` header wants it: epoch milliseconds."""
    return str(int(time.time() * 1000))


def verify(
    secret_key: str, signature: str, method: str, url: str, timestamp: str, access_key: str, account_id: str
) -> bool:
    """Constant-time check of a signature (used by the simulator)."""
    expected = sign(secret_key, method, url, timestamp, access_key, account_id)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", errors="replace"))


class Credentials(Protocol):
    """What signing needs (an :class:`~pulumi_scpvs.scp.ScpConfig` has it)."""

    @property
    def access_key(self) -> str: ...
    @property
    def secret_key(self) -> str: ...
    @property
    def account_id(self) -> str: ...


class ScpAuth(httpx.Auth):
    """Signs every request as SCP wants: the signature covers the URL exactly as sent.

    Added per request (not once per client) because the timestamp is part of what is
    signed and SCP refuses requests more than five minutes old: a retried request is
    signed again.
    """

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = timestamp_now()
        access_key, account_id = self._credentials.access_key, self._credentials.account_id
        request.headers["Scp-AccessKey"] = access_key
        request.headers["Scp-Signature"] = sign(
            self._credentials.secret_key, request.method, str(request.url), timestamp, access_key, account_id
        )
        request.headers["Scp-Timestamp"] = timestamp
        request.headers["Scp-ClientType"] = CLIENT_TYPE
        request.headers["Scp-AccountId"] = account_id
        yield request
