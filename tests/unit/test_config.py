"""The one configuration resolver: sources in order, endpoints, errors, no secrets in repr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_scpvs import ConfigurationError
from pulumi_scpvs.scp._config import EMBEDDED, endpoint_for, environment_from_auth_url, resolve_config

NO_HOME = Path("/nonexistent")


def test_explicit_beats_pulumi_beats_env_beats_terraform_beats_files(tmp_path: Path) -> None:
    (tmp_path / ".scpconf").mkdir()
    (tmp_path / ".scpconf" / "credentials.json").write_text(
        json.dumps({"access-key": "file-ak", "secret-key": "file-sk"})
    )
    (tmp_path / ".scpconf" / "config.json").write_text(
        json.dumps({"account-id": "file-acc", "default-region": "kr-east1"})
    )
    env = {
        "SCP_ACCESS_KEY": "env-ak",
        "SCP_TF_ACCESS_KEY": "tf-ak",
        "SCP_TF_SECRET_KEY": "tf-sk",
        "SCP_REGION": "kr-west1",
    }
    cfg = resolve_config({"access_key": "arg-ak"}, {"scpvs:accountId": "pulumi-acc"}, env, tmp_path)
    assert cfg.access_key == "arg-ak"
    assert cfg.account_id == "pulumi-acc"
    assert cfg.secret_key == "tf-sk"
    assert cfg.region == "kr-west1"
    assert cfg.endpoint == "https://virtualserver.kr-west1.s.samsungsdscloud.com"
    assert cfg.sources == {
        "access_key": "argument",
        "account_id": "pulumi config",
        "region": "environment",
        "secret_key": "SCP_TF_* environment",
    }
    only_files = resolve_config(environ={}, home=tmp_path)
    assert (only_files.access_key, only_files.account_id, only_files.region) == ("file-ak", "file-acc", "kr-east1")


def test_environment_picks_the_region_endpoint() -> None:
    cfg = resolve_config(
        environ={"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s", "SCP_REGION": "kr-south2", "SCP_ENVIRONMENT": "g"},
        home=NO_HOME,
    )
    assert cfg.endpoint == "https://virtualserver.kr-south2.g.samsungsdscloud.com"


@pytest.mark.parametrize(
    ("region", "environment", "message"),
    [("kr-south1", "s", "does not exist in environment 's'"), ("kr-west1", "x", "environment 'x' is unknown")],
)
def test_unknown_region_environment_pair_is_a_clear_error(region: str, environment: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        endpoint_for(region, environment)


def test_endpoint_override_and_missing_credentials() -> None:
    cfg = resolve_config(
        {"endpoint": "http://127.0.0.1:8787/", "access_key": "a", "secret_key": "s"}, environ={}, home=NO_HOME
    )
    assert cfg.endpoint == "http://127.0.0.1:8787"
    with pytest.raises(ConfigurationError, match=r"scpvs:secretKey \(or SCP_SECRET_KEY\)"):
        resolve_config({"endpoint": "http://127.0.0.1:8787", "access_key": "a"}, environ={}, home=NO_HOME)
    with pytest.raises(ConfigurationError, match="scpvs:region is not set"):
        resolve_config({"access_key": "a", "secret_key": "s"}, environ={}, home=NO_HOME)


def test_nothing_configured_means_the_embedded_simulator() -> None:
    cfg = resolve_config(environ={}, home=NO_HOME)
    assert cfg.endpoint == EMBEDDED and cfg.is_embedded
    assert (
        resolve_config({"endpoint": "embedded:/tmp/x.db"}, environ={}, home=NO_HOME).embedded_state_path == "/tmp/x.db"
    )


def test_keys_never_appear_in_repr() -> None:
    cfg = resolve_config(
        {"endpoint": "http://h", "access_key": "AK-VISIBLE?", "secret_key": "SUPER-SECRET"}, environ={}, home=NO_HOME
    )
    assert "SUPER-SECRET" not in repr(cfg) and "AK-VISIBLE?" not in repr(cfg)


@pytest.mark.parametrize(
    ("auth_url", "environment"),
    [
        ("https://iam.e.samsungsdscloud.com/v1", "e"),
        ("https://iam.g.samsungsdscloud.com", "g"),
        ("iam.s.samsungsdscloud.com/v1", "s"),
        ("https://iam.dev2.samsungsdscloud.com/v1", "dev2"),
        ("https://iam.example.test/v1", None),
        ("https://virtualserver.kr-west1.e.samsungsdscloud.com", None),
        ("", None),
    ],
)
def test_environment_from_auth_url(auth_url: str, environment: str | None) -> None:
    assert environment_from_auth_url(auth_url) == environment


def test_terraform_auth_url_picks_the_environment() -> None:
    env = {"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s", "SCP_REGION": "kr-east1"}
    cfg = resolve_config(environ={**env, "SCP_TF_AUTH_URL": "https://iam.e.samsungsdscloud.com/v1"}, home=NO_HOME)
    assert cfg.environment == "e"
    assert cfg.endpoint == "https://virtualserver.kr-east1.e.samsungsdscloud.com"
    assert cfg.sources["environment"] == "SCP_TF_* environment"


def test_scpconf_auth_url_picks_the_environment(tmp_path: Path) -> None:
    (tmp_path / ".scpconf").mkdir()
    (tmp_path / ".scpconf" / "credentials.json").write_text(json.dumps({"access-key": "ak", "secret-key": "sk"}))
    (tmp_path / ".scpconf" / "config.json").write_text(
        json.dumps({"default-region": "kr-west1", "auth-url": "https://iam.e.samsungsdscloud.com/v1"})
    )
    cfg = resolve_config(environ={}, home=tmp_path)
    assert (cfg.environment, cfg.sources["environment"]) == ("e", "~/.scpconf")
    assert cfg.endpoint == "https://virtualserver.kr-west1.e.samsungsdscloud.com"


def test_explicit_environment_beats_the_auth_url(tmp_path: Path) -> None:
    (tmp_path / ".scpconf").mkdir()
    (tmp_path / ".scpconf" / "config.json").write_text(json.dumps({"auth-url": "https://iam.e.samsungsdscloud.com"}))
    env = {
        "SCP_ACCESS_KEY": "a",
        "SCP_SECRET_KEY": "s",
        "SCP_REGION": "kr-south1",
        "SCP_TF_AUTH_URL": "https://iam.e.samsungsdscloud.com/v1",
    }
    from_pulumi = resolve_config(pulumi_config={"scpvs:environment": "g"}, environ=env, home=tmp_path)
    from_env = resolve_config(environ={**env, "SCP_ENVIRONMENT": "g"}, home=tmp_path)
    assert from_pulumi.endpoint == from_env.endpoint == "https://virtualserver.kr-south1.g.samsungsdscloud.com"
    without_tf = {k: v for k, v in env.items() if k != "SCP_TF_AUTH_URL"}
    tf_beats_file = resolve_config(
        environ={**without_tf, "SCP_REGION": "kr-west1", "SCP_TF_AUTH_URL": "https://iam.s.samsungsdscloud.com"},
        home=tmp_path,
    )
    assert tf_beats_file.environment == "s"


def test_auth_url_alone_keeps_the_embedded_simulator_and_an_endpoint_ignores_it() -> None:
    auth = {"SCP_TF_AUTH_URL": "https://iam.dev2.samsungsdscloud.com/v1"}
    assert resolve_config(environ=auth, home=NO_HOME).is_embedded
    explicit = resolve_config(
        {"endpoint": "http://127.0.0.1:9", "access_key": "a", "secret_key": "s"}, environ=auth, home=NO_HOME
    )
    assert explicit.endpoint == "http://127.0.0.1:9"


def test_auth_url_naming_an_unknown_environment_is_a_clear_error() -> None:
    env = {"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s", "SCP_REGION": "kr-west1"}
    with pytest.raises(ConfigurationError, match=r"auth-url in SCP_TF_\* environment names environment 'dev2'"):
        resolve_config(environ={**env, "SCP_TF_AUTH_URL": "https://iam.dev2.samsungsdscloud.com/v1"}, home=NO_HOME)


def test_max_requests_per_second_is_read_checked_and_inherited_by_profiles() -> None:
    from pulumi_scpvs.provider._clients import ClientPool
    from pulumi_scpvs.scp._config import resolve_profile

    assert resolve_config(environ={}, home=NO_HOME).max_requests_per_second is None
    config = resolve_config(pulumi_config={"scpvs:maxRequestsPerSecond": "20"}, environ={}, home=NO_HOME)
    assert config.max_requests_per_second == 20.0
    assert resolve_config(environ={"SCP_MAX_REQUESTS_PER_SECOND": "2.5"}, home=NO_HOME).max_requests_per_second == 2.5
    for bad in ("0", "-3", "fast", "inf"):
        with pytest.raises(
            ConfigurationError, match=r"scpvs:maxRequestsPerSecond \(from the stack config\) must be a "
        ):
            resolve_config(pulumi_config={"scpvs:maxRequestsPerSecond": bad}, environ={}, home=NO_HOME)
    default = resolve_config(
        pulumi_config={"scpvs:maxRequestsPerSecond": "20", "scpvs:endpoint": "http://127.0.0.1:1"},
        environ={"SCP_ACCESS_KEY": "AK", "SCP_SECRET_KEY": "SK"},
        home=NO_HOME,
    )
    profiles = {"dr": {"region": "kr-east1"}, "slow": {"max_requests_per_second": "5"}}
    assert resolve_profile("dr", profiles, default).max_requests_per_second == 20.0
    slow = resolve_profile("slow", profiles, default)
    assert (slow.max_requests_per_second, slow.endpoint, slow.access_key) == (5.0, default.endpoint, "AK")
    # One budget per access key at an endpoint, whichever profile names it.
    pool = ClientPool()
    other_account = resolve_profile("x", {"x": {"access_key": "AK", "secret_key": "SK", "account_id": "B"}}, default)
    assert pool.get(default) is not pool.get(other_account)
    assert pool.get(default).budget is pool.get(other_account).budget
    assert pool.get(default).budget.ceiling == 20.0


# -- a malformed endpoint is refused when the settings are resolved, naming where it came from --

BAD_ENDPOINTS = [
    ("http://h:p:99", "the port"),
    ("http://h:99999", "the port"),
    ("http://h:0", "the port"),
    ("http://[::1", "not a URL"),
    ("http://bad host", "the host"),
    ("http://", "no host"),
    ("localhost:8080", "no scheme"),
    ("ftp://x", "the scheme 'ftp'"),
    ("http://h/v1?x=1", "a query"),
]
ENDPOINT_SOURCES: list[tuple[str, str]] = [
    ("pulumi", r"scpvs:endpoint \(from the stack config\)"),
    ("environment", r"scpvs:endpoint \(from SCP_ENDPOINT\)"),
    ("terraform", r"scpvs:endpoint \(from SCP_TF_ENDPOINT_OVERRIDE\)"),
    ("scpconf", r"scpvs:endpoint \(from ~/.scpconf/config.json endpoint-override\)"),
    ("profile", r"scpvs:profiles\.dr\.endpoint"),
]


def _resolve_endpoint_from(source: str, endpoint: str, home: Path) -> object:
    from pulumi_scpvs.scp._config import resolve_profile

    keys = {"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s"}
    if source == "pulumi":
        return resolve_config(pulumi_config={"scpvs:endpoint": endpoint}, environ=keys, home=NO_HOME)
    if source == "environment":
        return resolve_config(environ={**keys, "SCP_ENDPOINT": endpoint}, home=NO_HOME)
    if source == "terraform":
        return resolve_config(environ={**keys, "SCP_TF_ENDPOINT_OVERRIDE": endpoint}, home=NO_HOME)
    if source == "scpconf":
        (home / ".scpconf").mkdir()
        (home / ".scpconf" / "config.json").write_text(json.dumps({"endpoint-override": endpoint}))
        return resolve_config(environ=keys, home=home)
    default = resolve_config(pulumi_config={"scpvs:endpoint": "http://127.0.0.1:1"}, environ=keys, home=NO_HOME)
    return resolve_profile("dr", {"dr": {"endpoint": endpoint}}, default)


@pytest.mark.parametrize(("source", "names"), ENDPOINT_SOURCES, ids=[s for s, _ in ENDPOINT_SOURCES])
@pytest.mark.parametrize(("endpoint", "rule"), BAD_ENDPOINTS, ids=[e for e, _ in BAD_ENDPOINTS])
def test_a_malformed_endpoint_is_a_configuration_error_naming_its_source(
    source: str, names: str, endpoint: str, rule: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError, match=names) as error:
        _resolve_endpoint_from(source, endpoint, tmp_path)
    assert repr(endpoint) in str(error.value) and rule in str(error.value), str(error.value)


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:8787", "https://virtualserver.example.test/", "http://[::1]:8080/base", "HTTP://H"]
)
def test_a_well_formed_endpoint_is_kept(endpoint: str) -> None:
    keys = {"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s"}
    assert resolve_config(
        pulumi_config={"scpvs:endpoint": endpoint}, environ=keys, home=NO_HOME
    ).endpoint == endpoint.rstrip("/")


@pytest.mark.parametrize(
    ("pulumi_config", "environ", "scpconf", "named"),
    [
        ({"scpvs:region": "kr-nowhere"}, {}, {}, "scpvs:region (from the stack config) 'kr-nowhere'"),
        ({}, {"SCP_REGION": "kr-nowhere"}, {}, "scpvs:region (from SCP_REGION) 'kr-nowhere'"),
        ({}, {"SCP_TF_DEFAULT_REGION": "kr-nowhere"}, {}, "scpvs:region (from SCP_TF_DEFAULT_REGION) 'kr-nowhere'"),
        ({}, {}, {"default-region": "kr-nowhere"}, "scpvs:region (from ~/.scpconf/config.json default-region)"),
        (
            {"scpvs:region": "kr-west1", "scpvs:environment": "x"},
            {},
            {},
            "scpvs:environment (from the stack config) 'x'",
        ),
        ({}, {"SCP_REGION": "kr-west1", "SCP_ENVIRONMENT": "x"}, {}, "scpvs:environment (from SCP_ENVIRONMENT) 'x'"),
        (
            {},
            {"SCP_REGION": "kr-west1", "SCP_MAX_REQUESTS_PER_SECOND": "abc"},
            {},
            "scpvs:maxRequestsPerSecond (from SCP_MAX_REQUESTS_PER_SECOND) must be",
        ),
        ({}, {"SCP_REGION": "kr-west1"}, {}, "the target of scpvs:region (from SCP_REGION)): set scpvs:accessKey"),
    ],
    ids=[
        "region-stack",
        "region-env",
        "region-tf-env",
        "region-scpconf",
        "environment-stack",
        "environment-env",
        "rate-env",
        "credentials",
    ],
)
def test_every_refused_setting_is_named_with_where_it_came_from(
    tmp_path: Path, pulumi_config: dict[str, str], environ: dict[str, str], scpconf: dict[str, str], named: str
) -> None:
    (tmp_path / ".scpconf").mkdir()
    (tmp_path / ".scpconf" / "config.json").write_text(json.dumps(scpconf))
    credentials = {} if "credentials" in named or "target" in named else {"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "b"}
    with pytest.raises(ConfigurationError) as refused:
        resolve_config(pulumi_config=pulumi_config, environ={**credentials, **environ}, home=tmp_path)
    assert named in str(refused.value)
