"""The signed SCP Virtual Server client."""

from ._client import DEFAULT_TIMEOUT, ClientStats, RetryPolicy, ScpClient, encode_query

__all__ = ["DEFAULT_TIMEOUT", "ClientStats", "RetryPolicy", "ScpClient", "encode_query"]
