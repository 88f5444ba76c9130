"""Small pieces several resource declarations share."""

from __future__ import annotations

import base64
import binascii


def encode_user_data(user_data: str | None) -> str | None:
    """User data goes over the wire base64-encoded; plain text is encoded, base64 passed through."""
    if user_data is None:
        return None
    try:
        base64.b64decode(user_data, validate=True)
        return user_data
    except (binascii.Error, ValueError):
        return base64.b64encode(user_data.encode("utf-8")).decode("ascii")
