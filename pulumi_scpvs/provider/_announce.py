"""Say, once per program run, where the objects go: a warning for the embedded simulator,
an informational line naming the endpoint and account (and where each came from) otherwise.

With no endpoint, region or credentials configured, the target is the simulator in the
provider process (see :mod:`pulumi_scpvs.scp._config`): convenient offline, but a user
who forgot to configure SCP would otherwise see a successful ``pulumi up`` and no
object in the cloud. The provider process cannot raise a warning (it has no engine
connection: its standard error reaches the CLI as plain stack messages, see
:mod:`._reporting`), and it is configured once per resource class; so the program does
it, once per run: it resolves the configuration the way the provider will (stack
``scpvs:*`` config, then the environment and the official tools' files) and warns
through the engine.
"""

from __future__ import annotations

import os

import pulumi

from ..scp._config import PULUMI_KEYS, ScpConfig, resolve_config
from ..scp._errors import ConfigurationError


def program_stack_settings() -> dict[str, str]:
    """The stack's ``scpvs:*`` settings as the program sees them (the provider gets them in ``configure``)."""
    stack_config = {f"scpvs:{key}": pulumi.runtime.get_config(f"scpvs:{key}") for key in PULUMI_KEYS.values()}
    return {k: str(v) for k, v in stack_config.items() if v}


def program_config() -> ScpConfig | None:
    """The configuration the provider will resolve, or ``None`` when it is incomplete
    (the provider then reports what is missing, where the user sees it)."""
    try:
        return resolve_config(pulumi_config=program_stack_settings())
    except ConfigurationError:
        return None


def embedded_warning(config: ScpConfig) -> str:
    """What a run that deploys to the embedded simulator tells the user, and how to target SCP."""
    state = os.path.abspath(config.embedded_state_path)
    reason = config.sources.get("endpoint", "default")
    why = (
        "no scpvs:region, scpvs:endpoint or credentials are configured"
        if reason.startswith("default")
        else f"the endpoint is {config.endpoint!r} (from {reason})"
    )
    return (
        f"pulumi-scpvs deploys to the embedded SCP simulator, not to Samsung Cloud Platform ({why}): "
        f"objects are kept in the local file {state}. To deploy to SCP, set scpvs:region (e.g. kr-west1) or "
        "scpvs:endpoint, and the credentials scpvs:accessKey and scpvs:secretKey (pulumi config set --secret ...; "
        "or SCP_REGION, SCP_ACCESS_KEY, SCP_SECRET_KEY)."
    )


SOURCE_OF = (("endpoint", "endpoint"), ("region", "region"), ("access key", "access_key"), ("account", "account_id"))


def target_line(config: ScpConfig) -> str:
    """Where a run that deploys to SCP (or another simulator) sends its objects, and why there."""
    account = f"account {config.account_id}" if config.account_id else "the access key's account"
    sources = [f"{what} from {config.sources[setting]}" for what, setting in SOURCE_OF if setting in config.sources]
    return f"pulumi-scpvs deploys to {config.endpoint} ({account}): {', '.join(sources)}."


def announce_target() -> None:
    """Say in the CLI output where this run deploys: a warning for the embedded simulator."""
    config = program_config()
    if config is None:
        return
    if config.is_embedded:
        pulumi.log.warn(embedded_warning(config))
    else:
        pulumi.log.info(target_line(config))
