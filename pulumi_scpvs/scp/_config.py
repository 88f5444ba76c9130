"""The one configuration resolver used by the client, the providers and the simulator tools.

Each setting is taken from the first source that has it:

1. explicit arguments;
2. Pulumi stack config in the ``scpvs`` namespace (``scpvs:accessKey``...), which a
   dynamic provider receives through ``configure()``;
3. environment ``SCP_ACCESS_KEY``, ``SCP_SECRET_KEY``, ``SCP_ACCOUNT_ID``,
   ``SCP_REGION``, ``SCP_ENVIRONMENT``, ``SCP_ENDPOINT``;
4. the official tools' names: ``SCP_TF_*`` and ``~/.scpconf/credentials.json`` /
   ``~/.scpconf/config.json``. The official tools have no environment setting; their
   ``auth-url`` (``SCP_TF_AUTH_URL``) names it instead, ``https://iam.<environment>.…``,
   and the environment is taken from there (see :func:`environment_from_auth_url`).

With no endpoint, no region and no credentials anywhere, the endpoint is the
*embedded simulator* (see :mod:`pulumi_scpvs.simulator`): programs and demos run
offline by default, and a real account is a configuration change away. Credentials
live only in the process that resolved them; providers resolve them again in the
provider process instead of pickling them.

*Profiles* (``scpvs:profiles``, see :func:`resolve_profile`) are named blocks of the same
settings: a resource with ``profile="dr"`` lives in the account and region they name.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._errors import ConfigurationError

REGIONS_BY_ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "s": ("kr-west1", "kr-east1"),
    "g": ("kr-south1", "kr-south2", "kr-south3"),
    "e": ("kr-west1", "kr-east1"),
}
DEFAULT_ENVIRONMENT = "s"
EMBEDDED = "embedded"
"""Endpoint value that runs the simulator inside the provider process (``embedded`` or ``embedded:PATH``)."""

SIMULATOR_ACCESS_KEY = "scpvs-simulator-access-key"
SIMULATOR_SECRET_KEY = "scpvs-simulator-secret-key"  # noqa: S105 - the simulator's well-known demo key

SETTINGS = ("access_key", "secret_key", "account_id", "region", "environment", "endpoint", "max_requests_per_second")
PULUMI_KEYS = {
    "access_key": "accessKey",
    "secret_key": "secretKey",
    "account_id": "accountId",
    "region": "region",
    "environment": "environment",
    "endpoint": "endpoint",
    "max_requests_per_second": "maxRequestsPerSecond",
}
ENVIRONMENT_VARIABLES = {name: f"SCP_{name.upper()}" for name in SETTINGS}
TERRAFORM_VARIABLES = {
    "access_key": "SCP_TF_ACCESS_KEY",
    "secret_key": "SCP_TF_SECRET_KEY",
    "account_id": "SCP_TF_ACCOUNT_ID",
    "region": "SCP_TF_DEFAULT_REGION",
    "endpoint": "SCP_TF_ENDPOINT_OVERRIDE",
}
AUTH_URL_VARIABLE = "SCP_TF_AUTH_URL"
AUTH_URL_SCPCONF_KEY = ("config.json", "auth-url")
AUTH_URL_SOURCES = ("SCP_TF_* environment", "~/.scpconf")
SCPCONF_KEYS = {
    "access_key": ("credentials.json", "access-key"),
    "secret_key": ("credentials.json", "secret-key"),
    "account_id": ("config.json", "account-id"),
    "region": ("config.json", "default-region"),
    "endpoint": ("config.json", "endpoint-override"),
}


@dataclass(frozen=True)
class ScpConfig:
    """Resolved settings. ``repr`` never shows the keys."""

    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    account_id: str
    endpoint: str
    region: str | None = None
    environment: str | None = None
    max_requests_per_second: float | None = None
    """A ceiling on the requests per second sent to this account (see :class:`RequestBudget`)."""
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_embedded(self) -> bool:
        """Whether requests go to a simulator running in this process."""
        return self.endpoint == EMBEDDED or self.endpoint.startswith(EMBEDDED + ":")

    @property
    def embedded_state_path(self) -> str:
        """SQLite file of the embedded simulator (shared by every process of a deployment)."""
        if self.endpoint.startswith(EMBEDDED + ":"):
            return self.endpoint[len(EMBEDDED) + 1 :]
        return os.environ.get("SCPVS_EMBEDDED_STATE", str(Path(".scpvs") / "embedded-simulator.db"))


def endpoint_for(region: str, environment: str, sources: Mapping[str, str] | None = None) -> str:
    """The public endpoint of a region, refusing pairs the API document does not list
    (naming where each value came from, when ``sources`` says)."""
    sources = sources or {}
    regions = REGIONS_BY_ENVIRONMENT.get(environment)
    if regions is None:
        known = ", ".join(sorted(REGIONS_BY_ENVIRONMENT))
        raise ConfigurationError(
            f"{named_setting('environment', sources.get('environment'))} {environment!r} is unknown; use one of {known}"
        )
    if region not in regions:
        raise ConfigurationError(
            f"{named_setting('region', sources.get('region'))} {region!r} does not exist in environment "
            f"{environment!r}; regions there: {', '.join(regions)}"
        )
    return f"https://virtualserver.{region}.{environment}.samsungsdscloud.com"


def named_setting(setting: str, source: str | None) -> str:
    """A setting as an error names it, with where its value came from: ``scpvs:region (from SCP_REGION)``."""
    if source and source.startswith(PROFILES_KEY):
        return source  # the profile's own key: scpvs:profiles.dr.region
    file_and_key = SCPCONF_KEYS.get(setting)
    origins = {
        "pulumi config": "the stack config",
        "environment": ENVIRONMENT_VARIABLES.get(setting),
        "SCP_TF_* environment": TERRAFORM_VARIABLES.get(setting, "SCP_TF_AUTH_URL"),
        "~/.scpconf": f"~/.scpconf/{file_and_key[0]} {file_and_key[1]}" if file_and_key else "~/.scpconf",
    }
    # An explicit argument (a profile's resolution, a client built in code) names itself.
    origin = None if source in (None, "argument") else origins.get(source, source)
    return f"scpvs:{PULUMI_KEYS[setting]}" + (f" (from {origin})" if origin else "")


ENDPOINT_SCHEMES = ("http", "https")


def endpoint_problem(endpoint: str) -> str | None:
    """Why ``endpoint`` cannot be the base URL of the API, or ``None`` when it can.

    Requests go to ``endpoint + path``. Unchecked, a malformed endpoint failed late and
    misleadingly: a bad port or host inside the HTTP library (reported as a bug of this
    package), a missing or unknown scheme only after every retry of a connection that
    could never be made.
    """
    scheme, separator, _ = endpoint.partition("://")
    if not separator:
        return "it has no scheme"
    if scheme.lower() not in ENDPOINT_SCHEMES:
        return f"the scheme {scheme!r} is not http or https"
    if "?" in endpoint or "#" in endpoint:
        return "it has a query or a fragment ('?', '#'), and requests append their path to the endpoint"
    try:
        parts = urlsplit(endpoint)
    except ValueError as error:
        return f"it is not a URL ({error})"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return "the port must be a number from 1 to 65535"
    host = parts.hostname
    if not host:
        return "it has no host"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"the host [{host}] is not an IPv6 address"
    elif bad := [char for char in host if not (char.isalnum() or char in "-._")]:
        return f"the host {host!r} contains {bad[0]!r}"
    try:
        httpx.URL(endpoint)
    except httpx.InvalidURL as error:
        return f"it is not a URL ({error})"
    return None


def check_endpoint(endpoint: str, source: str) -> None:
    """Refuse a malformed endpoint (see :func:`endpoint_problem`), naming where it came from.

    ``embedded`` and ``embedded:PATH`` are not URLs: they name the in-process simulator.
    """
    if endpoint == EMBEDDED or endpoint.startswith(EMBEDDED + ":"):
        return
    problem = endpoint_problem(endpoint)
    if problem is None:
        return
    raise ConfigurationError(
        f"{named_setting('endpoint', source)} {endpoint!r} is not an endpoint URL: {problem}; "
        f"use http(s)://host[:port][/path] or {EMBEDDED}"
    )


def environment_from_auth_url(auth_url: str) -> str | None:
    """The environment an official tools' ``auth-url`` names, or None if it names none.

    The IAM host is ``iam.<environment>.samsungsdscloud.com``:
    ``https://iam.e.samsungsdscloud.com/v1`` gives ``e``. The label is returned as it is,
    known or not, so that an unknown one is reported instead of silently replaced by the
    default environment.
    """
    auth_url = auth_url.strip()
    host = urlsplit(auth_url if "://" in auth_url else f"https://{auth_url}").hostname or ""
    labels = host.split(".")
    if len(labels) == 4 and labels[0] == "iam" and labels[1] and ".".join(labels[2:]) == "samsungsdscloud.com":
        return labels[1]
    return None


def _from_terraform_environment(environ: Mapping[str, str]) -> dict[str, str]:
    values = {setting: environ[name] for setting, name in TERRAFORM_VARIABLES.items() if environ.get(name)}
    environment = environment_from_auth_url(environ.get(AUTH_URL_VARIABLE) or "")
    if environment:
        values["environment"] = environment
    return values


def _rate(value: str | None, source: str | None) -> float | None:
    if value is None:
        return None
    try:
        rate = float(value)
    except ValueError:
        rate = math.nan
    if not (rate > 0 and math.isfinite(rate)):
        raise ConfigurationError(
            f"{named_setting('max_requests_per_second', source)} must be a positive number of requests per second, "
            f"not {value!r}"
        )
    return rate


def _scpconf_value(home: Path, file_name: str, key: str) -> str | None:
    try:
        data: Any = json.loads((home / ".scpconf" / file_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(data[key]) if isinstance(data, dict) and data.get(key) else None


def _read_scpconf(home: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for setting, (file_name, key) in SCPCONF_KEYS.items():
        value = _scpconf_value(home, file_name, key)
        if value:
            values[setting] = value
    environment = environment_from_auth_url(_scpconf_value(home, *AUTH_URL_SCPCONF_KEY) or "")
    if environment:
        values["environment"] = environment
    return values


def _from_pulumi(pulumi_config: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for setting, key in PULUMI_KEYS.items():
        for candidate in (f"scpvs:{key}", f"scpvs:config:{key}", key):
            value = pulumi_config.get(candidate)
            if value not in (None, ""):
                values[setting] = str(value)
                break
    return values


PROFILES_KEY = "scpvs:profiles"
# A profile that sets any setting of a group takes that whole group from itself; a group
# it does not mention is the default settings' (see resolve_profile).
PROFILE_GROUPS: dict[str, tuple[str, ...]] = {
    "where": ("endpoint", "region", "environment"),
    "who": ("access_key", "secret_key", "account_id"),
    "pace": ("max_requests_per_second",),
}
_SETTING_BY_PULUMI_KEY = {key: setting for setting, key in PULUMI_KEYS.items()}


def _did_you_mean(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else "."


def unknown_stack_settings(config_keys: Iterable[str]) -> list[str]:
    """One sentence per ``scpvs:*`` key of the stack config that is not a setting (a typo
    would otherwise be ignored, and the deployment go where the other sources point)."""
    known = [f"scpvs:{key}" for key in PULUMI_KEYS.values()] + [PROFILES_KEY]
    return [
        f"{key} (stack config) is not a pulumi-scpvs setting{_did_you_mean(key, known)} "
        f"The settings are {', '.join(known)}"
        for key in sorted(config_keys)
        if key.startswith("scpvs:") and key not in known
    ]


def parse_profiles(raw: Any) -> dict[str, dict[str, str]]:
    """The ``scpvs:profiles`` stack setting as ``{profile: {setting: value}}``.

    Structured config reaches a provider (and ``pulumi.runtime.get_config``) as a JSON
    string or as a mapping, depending on the path; both are accepted. Keys are the
    ``scpvs:*`` names (``accessKey``, ``region``...); an unknown key is refused.
    """
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ConfigurationError(f"{PROFILES_KEY} is not a mapping of profile names to settings") from None
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{PROFILES_KEY} must map profile names to settings, not {type(raw).__name__}")
    profiles: dict[str, dict[str, str]] = {}
    for name, block in raw.items():
        if not isinstance(block, Mapping):
            raise ConfigurationError(
                f"{PROFILES_KEY}.{name} must be a mapping of settings ({', '.join(PULUMI_KEYS.values())})"
            )
        settings: dict[str, str] = {}
        for key, value in block.items():
            setting = _SETTING_BY_PULUMI_KEY.get(key)
            if setting is None:
                raise ConfigurationError(
                    f"{PROFILES_KEY}.{name}.{key} (stack config) is not a setting"
                    f"{_did_you_mean(str(key), PULUMI_KEYS.values())} A profile takes "
                    f"{', '.join(PULUMI_KEYS.values())}"
                )
            if value not in (None, ""):
                settings[setting] = str(value)
        profiles[str(name)] = settings
    return profiles


def resolve_profile(name: str, profiles: Mapping[str, Mapping[str, str]], default: ScpConfig | None) -> ScpConfig:
    """The settings of profile ``name``: its own, completed by the default ones group by group.

    The settings fall in two groups: *where* (endpoint, region, environment) and *who*
    (access key, secret key, account id). A profile that sets any setting of a group
    takes that whole group from itself (``{region: kr-east1}`` is the public endpoint of
    kr-east1 in environment ``s``, never the default endpoint); a group it does not
    mention is the default settings' (``{region: kr-east1}`` keeps the default
    credentials). Only settings the default took from a source are inherited, never the
    embedded simulator's demo keys. With no usable default settings (``None``), a
    profile inherits nothing.
    """
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigurationError(
            f"profile {name!r} is not configured: set {PROFILES_KEY}.{name}.* in the stack config "
            f"(configured profiles: {known})"
        )
    own = dict(profiles[name])
    explicit: dict[str, str] = {}
    sources: dict[str, str] = {}
    for group in PROFILE_GROUPS.values():
        if any(setting in own for setting in group):
            for setting in group:
                if setting in own:
                    explicit[setting] = own[setting]
                    sources[setting] = f"{PROFILES_KEY}.{name}.{PULUMI_KEYS[setting]}"
        elif default is not None:
            for setting in group:
                value = getattr(default, setting)
                if setting in default.sources and value not in (None, ""):
                    explicit[setting] = str(value)
                    sources[setting] = f"the default settings ({default.sources[setting]})"
    if "endpoint" in own:
        check_endpoint(own["endpoint"], sources["endpoint"])
    try:
        resolved = resolve_config(explicit, environ={}, home=Path("/nonexistent"))
    except ConfigurationError as error:
        raise ConfigurationError(f"profile {name!r}: {error}") from None
    return dataclasses.replace(resolved, sources={**resolved.sources, **sources})


def resolve_config(
    explicit: Mapping[str, str | None] | None = None,
    pulumi_config: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> ScpConfig:
    """Resolve every setting from the sources in order (see the module docstring).

    The environment comes from the first of: ``explicit["environment"]``,
    ``scpvs:environment``, ``SCP_ENVIRONMENT``, the environment named by
    ``SCP_TF_AUTH_URL``, the one named by ``auth-url`` in ``~/.scpconf/config.json``, and
    finally ``DEFAULT_ENVIRONMENT`` (``s``). An auth-url only picks the environment: it
    never selects a real account by itself (with no region, endpoint or credentials the
    target is still the embedded simulator), and an explicit endpoint makes it irrelevant.
    """
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    layers: list[tuple[str, dict[str, str]]] = [
        ("argument", {k: v for k, v in (explicit or {}).items() if v not in (None, "")}),
        ("pulumi config", _from_pulumi(pulumi_config or {})),
        ("environment", {s: environ[v] for s, v in ENVIRONMENT_VARIABLES.items() if environ.get(v)}),
        ("SCP_TF_* environment", _from_terraform_environment(environ)),
        ("~/.scpconf", _read_scpconf(home)),
    ]
    unknown = set(layers[0][1]) - set(SETTINGS)
    if unknown:
        raise ConfigurationError(f"unknown settings {sorted(unknown)}; known: {', '.join(SETTINGS)}")
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for source, layer in layers:
        for setting, value in layer.items():
            if setting not in values:
                values[setting] = value
                sources[setting] = source

    endpoint = values.get("endpoint")
    region = values.get("region")
    environment = values.get("environment")
    has_credentials = "access_key" in values or "secret_key" in values
    if endpoint is None and region is None and not has_credentials:
        endpoint = EMBEDDED
        sources["endpoint"] = "default (no region or credentials configured)"
    if endpoint is None:
        if region is None:
            raise ConfigurationError(
                "scpvs:region is not set (nor SCP_REGION, SCP_TF_DEFAULT_REGION or ~/.scpconf/config.json "
                "default-region); set it, or set scpvs:endpoint"
            )
        environment = environment or DEFAULT_ENVIRONMENT
        if environment not in REGIONS_BY_ENVIRONMENT and sources.get("environment") in AUTH_URL_SOURCES:
            raise ConfigurationError(
                f"the auth-url in {sources['environment']} names environment {environment!r}, which has no "
                f"Virtual Server endpoint in the API document ({', '.join(sorted(REGIONS_BY_ENVIRONMENT))}); "
                "set scpvs:environment or scpvs:endpoint"
            )
        endpoint = endpoint_for(region, environment, sources)
    if "endpoint" in values:
        check_endpoint(endpoint, sources["endpoint"])
    endpoint = endpoint.rstrip("/")

    is_embedded = endpoint == EMBEDDED or endpoint.startswith(EMBEDDED + ":")
    access_key = values.get("access_key") or (SIMULATOR_ACCESS_KEY if is_embedded else None)
    secret_key = values.get("secret_key") or (SIMULATOR_SECRET_KEY if is_embedded else None)
    missing = [
        f"scpvs:{PULUMI_KEYS[name]} (or {ENVIRONMENT_VARIABLES[name]})"
        for name, value in (("access_key", access_key), ("secret_key", secret_key))
        if not value
    ]
    if missing:
        target = named_setting(
            "endpoint" if "endpoint" in values else "region",
            sources.get("endpoint" if "endpoint" in values else "region"),
        )
        raise ConfigurationError(
            f"missing credentials for {endpoint} (the target of {target}): set {' and '.join(missing)}"
        )
    assert access_key is not None and secret_key is not None
    return ScpConfig(
        max_requests_per_second=_rate(values.get("max_requests_per_second"), sources.get("max_requests_per_second")),
        access_key=access_key,
        secret_key=secret_key,
        account_id=values.get("account_id", ""),
        endpoint=endpoint,
        region=region,
        environment=environment,
        sources=sources,
    )
