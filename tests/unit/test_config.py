"""The one configuration resolver: sources in order, endpoints, errors, no secrets in repr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_scpvs import ConfigurationError
from pulumi_scpvs.scp._config import EMBEDDED, endpoint_for, resolve_config

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
