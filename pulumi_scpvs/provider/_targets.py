"""Target pinning: an object is only touched where it was created (endpoint and account)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from ..scp import ScpConfig
from ..scp._errors import ConfigurationError
from ._keys import MOVE_FROM_ENV, TARGET_KEY
from ._spec import Props

log = logging.getLogger("pulumi_scpvs.provider")


def target_of(cfg: ScpConfig) -> dict[str, str]:
    """Where objects are created now: the endpoint and account id (never a key)."""
    return {"endpoint": cfg.endpoint, "account_id": cfg.account_id}


def check_target(type_name: str, cfg: ScpConfig, object_id: str, outputs: Props, action: str) -> bool:
    """Refuse to touch an object recorded at another endpoint or account than the provider's.

    Returns True when the difference is a move the user asked for (``SCPVS_MOVE_FROM``
    names the recorded endpoint): the step then records the new target. States written
    before targets were recorded have none; their next read or update records one.
    """
    recorded = outputs.get(TARGET_KEY)
    if not isinstance(recorded, Mapping):
        return False
    current = target_of(cfg)
    if dict(recorded) == current:
        return False
    if os.environ.get(MOVE_FROM_ENV) == recorded.get("endpoint"):
        log.warning("%s %s: moving from %s to %s", type_name, object_id, recorded, current)
        return True
    sources = cfg.sources
    raise ConfigurationError(
        f"{type_name} {object_id} was created at endpoint {recorded.get('endpoint')!r} "
        f"(account {recorded.get('account_id')!r}), but the provider now points at {current['endpoint']!r} "
        f"(account {current['account_id']!r}; endpoint from {sources.get('endpoint', 'the default')}). "
        f"Refusing to {action} it there: it would look missing or be changed in the wrong place. Check "
        "scpvs:endpoint, scpvs:region, scpvs:environment and scpvs:accountId in the stack config (and "
        "SCP_ENDPOINT, SCP_REGION, SCP_ACCOUNT_ID, ~/.scpconf); with none of them set the embedded simulator "
        f"is used. To move the stack on purpose, run once with {MOVE_FROM_ENV}={recorded.get('endpoint')}"
    )
