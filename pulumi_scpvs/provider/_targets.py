"""Target pinning: an object is only touched where it was created (endpoint and account)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from ..scp import ScpConfig
from ..scp._errors import ConfigurationError
from ._keys import MOVE_FROM_ENV, TARGET_KEY
from ._spec import Props

log = logging.getLogger(__name__)


# ``destroy`` and ``refresh`` run no program: they use the provider settings the last ``up``
# recorded in the state, even a refused ``up`` with the settings removed.
RECORDED_SETTINGS_ACTIONS = frozenset({"read", "delete"})
RESTORED_SETTINGS = (
    "If the settings are right again in the stack config, run `pulumi up` once: `pulumi destroy` and `pulumi "
    "refresh` use the settings the last `pulumi up` recorded, and that `up` records the restored ones. "
)


def target_of(cfg: ScpConfig) -> dict[str, str]:
    """Where objects are created now: the endpoint and account id (never a key)."""
    return {"endpoint": cfg.endpoint, "account_id": cfg.account_id}


def describe_profile(profile: str | None) -> str:
    return "no profile (the default scpvs:* settings)" if profile is None else f"profile {profile!r}"


def check_target(
    type_name: str,
    cfg: ScpConfig,
    object_id: str,
    outputs: Props,
    action: str,
    profile: str | None = None,
    recorded_profile: str | None = None,
) -> bool:
    """Refuse to touch an object recorded at another endpoint or account than the provider's.

    ``cfg`` is the settings of the resource's ``profile`` (see :mod:`..scp._config`):
    each resource is pinned where its profile pointed when it was created, so a profile
    changed to one that points elsewhere is refused too (with both profiles named)
    rather than the object looking missing, or being replaced across accounts.

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
    where = (
        f"{type_name} {object_id} was created at endpoint {recorded.get('endpoint')!r} "
        f"(account {recorded.get('account_id')!r}), but "
    )
    if profile != recorded_profile:
        raise ConfigurationError(
            f"{where}its profile changed from {describe_profile(recorded_profile)} to {describe_profile(profile)}, "
            f"which points at {current['endpoint']!r} (account {current['account_id']!r}). Refusing to {action} it "
            "there: a profile is an account and a region, and the object stays where it was created. To move it, "
            "give the resource a new name (the new one is created with the new profile, the old one deleted with "
            "the profile it was created with), or set its profile back"
        )
    if profile is None:
        settings = (
            "scpvs:endpoint, scpvs:region, scpvs:environment and scpvs:accountId in the stack config (and "
            "SCP_ENDPOINT, SCP_REGION, SCP_ACCOUNT_ID, ~/.scpconf); with none of them set the embedded simulator "
            "is used"
        )
    else:
        settings = (
            f"endpoint, region, environment and accountId of scpvs:profiles.{profile} in the stack config (a "
            "profile that sets none of endpoint/region/environment, or none of the keys and accountId, takes "
            "them from the default settings)"
        )
    raise ConfigurationError(
        f"{where}the provider now points at {current['endpoint']!r} (account {current['account_id']!r}; "
        f"{describe_profile(profile)}; endpoint from {sources.get('endpoint', 'the default')}). Refusing to "
        f"{action} it there: it would look missing or be changed in the wrong place. Check {settings}. "
        f"{RESTORED_SETTINGS if action in RECORDED_SETTINGS_ACTIONS else ''}To move the stack on purpose, run once "
        f"with {MOVE_FROM_ENV}={recorded.get('endpoint')}"
    )
