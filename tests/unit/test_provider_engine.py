"""The generic engine through the Keypair and Server providers, called as the engine would."""

from __future__ import annotations

import base64
from pathlib import Path

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from pulumi_scpvs import WaitTimeoutError
from pulumi_scpvs.provider._keys import AUTONAMED_KEY, INPUTS_DELTA_KEY, INPUTS_KEY, RESOURCE_NAME_KEY
from pulumi_scpvs.resources import KeypairProvider, ServerProvider, VolumeProvider
from pulumi_scpvs.simulator import catalogue as cat

SERVER = {
    "image_id": cat.IMAGE_UBUNTU,
    "keypair_name": "k",
    "server_type_id": "s1v1m2",
    "networks": [{"subnet_id": cat.SUBNET_ID}],
    RESOURCE_NAME_KEY: "proj/stack/web",
}


@pytest.fixture(autouse=True)
def quick_transitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded simulator's objects settle in 0.1 s (2 s by default): these tests wait
    through the same states, only sooner; a test that needs slow ones sets its own."""
    monkeypatch.setenv("SCPVS_SIM_TRANSITION_SECONDS", "0.1")


def configured(provider_class: type, tmp_path: Path, **config: str) -> object:
    provider = provider_class()
    raw = {"scpvs:endpoint": f"embedded:{tmp_path / 'world.db'}", "scpvs:secretKey": "sk-in-config", **config}
    provider.configure(ConfigureRequest(Config(raw_config=raw, project_name="proj")))
    return provider


def test_check_reports_one_failure_per_bad_field() -> None:
    result = ServerProvider().check(
        {},
        {
            **SERVER,
            "name": "bad/name",
            "boot_volume": {"size": 12},
            "power_state": "PAUSED",
            "networks": [],
            "colour": "red",
            "timeouts": {"create": "soon"},
        },
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {"boot_volume.size", "power_state", "networks", "colour", "timeouts.create"}
    assert "multiple of 8" in reasons["boot_volume.size"]
    assert "'ACTIVE' or 'SHUTOFF'" in reasons["power_state"]
    assert reasons["colour"] == "is not an input of this resource"
    # the name rule comes from the API document's model, checked once the inputs are well-formed
    result = ServerProvider().check({}, {**SERVER, "name": "bad/name"})
    assert [(f.property, f.reason) for f in result.failures] == [("name", "must match the pattern ^[a-zA-Z0-9-_ ]*\\Z")]


def test_check_tolerates_unknown_values_during_preview() -> None:
    result = ServerProvider().check({}, {**SERVER, "keypair_name": Unknown(), "networks": [{"subnet_id": Unknown()}]})
    assert result.failures == []
    assert isinstance(result.inputs["keypair_name"], Unknown)


def test_autoname_is_stable_fits_the_rules_and_changes_on_replacement() -> None:
    provider = ServerProvider()
    first = provider.check({}, dict(SERVER)).inputs
    assert first["name"].startswith("web-") and len(first["name"]) == len("web-") + 7 and first[AUTONAMED_KEY]
    assert provider.check({}, dict(SERVER)).inputs["name"] == first["name"]
    assert provider.check(first, {**SERVER, "server_type_id": "s1v2m4"}).inputs["name"] == first["name"]
    assert provider.check(first, {**SERVER, "image_id": cat.IMAGE_ROCKY}).inputs["name"] != first["name"]
    long = KeypairProvider().check({}, {RESOURCE_NAME_KEY: "p/s/" + "k" * 300}).inputs["name"]
    assert len(long) == 255


def test_diff_splits_updates_from_replacements_and_ignores_the_provider() -> None:
    provider = ServerProvider()
    olds = provider.check({}, dict(SERVER)).inputs
    outputs = {**olds, "state": "ACTIVE", "product_category": "compute", INPUTS_KEY: olds, "__provider": "old-bytes"}
    assert provider.diff("id", outputs, {**olds, "__provider": "new-bytes"}).changes is False
    assert provider.diff("id", outputs, {**olds, "timeouts": {"create": 5.0}}).changes is False
    update = provider.diff("id", outputs, {**olds, "name": "other", "power_state": "SHUTOFF"})
    assert update.changes and update.replaces == []
    replace = provider.diff("id", outputs, {**olds, "image_id": "other", "lock": True})
    assert replace.changes and replace.replaces == ["image_id"]


def test_the_pickled_provider_carries_no_configuration(tmp_path: Path) -> None:
    provider = configured(KeypairProvider, tmp_path, **{"scpvs:accessKey": "AK-PICKLE-TEST"})
    pickled = dill.dumps(provider)
    assert b"AK-PICKLE-TEST" not in pickled and b"sk-in-config" not in pickled
    assert b"pulumi_scpvs.resources.keypair" in pickled  # by reference to the installed class
    assert type(dill.loads(base64.b64decode(base64.b64encode(pickled)))) is KeypairProvider


def test_create_read_update_delete_against_the_simulator(tmp_path: Path) -> None:
    keypairs = configured(KeypairProvider, tmp_path)
    key_inputs = keypairs.check({}, {RESOURCE_NAME_KEY: "p/s/key"}).inputs
    key = keypairs.create(key_inputs)
    assert key.outs["private_key"].startswith("-----BEGIN") and key.outs["public_key"].startswith("ssh-ed25519")

    servers = configured(ServerProvider, tmp_path)
    inputs = servers.check({}, {**SERVER, "keypair_name": key.id, "name": "web"}).inputs
    created = servers.create(inputs)
    assert created.outs["state"] == "ACTIVE" and created.outs["name"] == "web"

    news = {**inputs, "name": "web-2", "power_state": "SHUTOFF", "lock": True}
    updated = servers.update(created.id, created.outs, news)
    assert (updated.outs["name"], updated.outs["state"], updated.outs["locked"]) == ("web-2", "SHUTOFF", True)

    refreshed = servers.read(created.id, updated.outs)
    assert refreshed.id == created.id and refreshed.inputs["power_state"] == "SHUTOFF"

    servers.delete(created.id, updated.outs)  # unlocks, deletes, waits until gone
    assert servers.read(created.id, updated.outs).id == ""
    servers.delete(created.id, updated.outs)  # already gone: still fine
    keypairs.delete(key.id, key.outs)
    assert keypairs.read(key.id, key.outs).id == ""


def test_a_create_that_outlives_its_timeout_says_which_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCPVS_SIM_TRANSITION_SECONDS", "30")
    keypairs = configured(KeypairProvider, tmp_path)
    key = keypairs.create(keypairs.check({}, {RESOURCE_NAME_KEY: "p/s/key"}).inputs)
    servers = configured(ServerProvider, tmp_path)
    inputs = servers.check({}, {**SERVER, "keypair_name": key.id, "timeouts": {"create": "1s", "delete": "1s"}}).inputs
    expected = (
        r"timed out waiting for Server [0-9a-f-]{36} to reach ACTIVE/SHUTOFF; last state BUILD; could not delete Server"
    )
    with pytest.raises(WaitTimeoutError, match=expected):
        servers.create(inputs)


def test_shrinking_a_volume_is_refused_at_preview() -> None:
    from pulumi_scpvs.resources import VolumeProvider

    provider = VolumeProvider()
    olds = provider.check({}, {RESOURCE_NAME_KEY: "p/s/data", "size": 32}).inputs
    failures = provider.check(olds, {RESOURCE_NAME_KEY: "p/s/data", "size": 16}).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("size", "cannot shrink a volume from 32 to 16 GiB; volumes only grow")
    ]
    assert provider.check(olds, {RESOURCE_NAME_KEY: "p/s/data", "size": 40}).failures == []


def test_auto_scaling_counts_are_checked_together() -> None:
    from pulumi_scpvs.resources import AutoScalingGroupProvider

    inputs = {
        RESOURCE_NAME_KEY: "p/s/g",
        "server_name_prefix": "g",
        "launch_configuration_id": "lc",
        "subnet_ids": [cat.SUBNET_ID],
        "min_server_count": 2,
        "desired_server_count": 1,
        "max_server_count": 3,
    }
    failures = AutoScalingGroupProvider().check({}, inputs).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("desired_server_count", "must be at least min_server_count (2): counts satisfy min <= desired <= max")
    ]


def test_a_windows_server_password_is_a_kept_secret_output(tmp_path: Path) -> None:
    keypairs = configured(KeypairProvider, tmp_path)
    key = keypairs.create(keypairs.check({}, {RESOURCE_NAME_KEY: "p/s/key"}).inputs)
    servers = configured(ServerProvider, tmp_path)
    inputs = servers.check(
        {}, {**SERVER, "image_id": cat.IMAGE_WINDOWS, "keypair_name": key.id, "boot_volume": {"size": 64}}
    ).inputs
    created = servers.create(inputs)
    assert created.outs["password"] and "password" in ServerProvider.spec.secret_outputs
    assert servers.read(created.id, created.outs).outs["password"] == created.outs["password"]


def test_outputs_record_only_the_inputs_they_do_not_show_and_every_record_reads_back() -> None:
    """Outputs carry the inputs unlike them (``__inputs_delta``); states of 0.2 recorded every
    input (``__inputs``), those of 0.1.0 none: each gives the same old inputs, so no diff."""
    provider = VolumeProvider()
    inputs = {"name": "data", "size": 8.0, "__autonamed": "stack", "keep_failed": False}
    live = {"name": "data", "size": 8, "volume_type": "SSD", "state": "available"}
    outputs = provider._outputs(inputs, live, {})
    assert outputs[INPUTS_DELTA_KEY] == {"__autonamed": "stack", "__unset": ["volume_type"]}
    assert INPUTS_KEY not in outputs
    assert provider.old_inputs(outputs) == inputs
    # as the engine sends them: numbers as floats, nulls dropped
    sent = {k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in outputs.items()}
    assert provider.old_inputs(sent) == inputs
    # the user still leaves volume_type unset (the API chose SSD): no change
    assert provider.diff("v-1", outputs, {k: v for k, v in inputs.items() if k != "__autonamed"}).changes is False
    assert provider.diff("v-1", outputs, {**inputs, "size": 16.0}).changes is True
    # a state written by 0.2: every input in __inputs, no delta
    older = {**{k: v for k, v in outputs.items() if k != INPUTS_DELTA_KEY}, INPUTS_KEY: inputs}
    assert provider.old_inputs(older) == inputs
    assert provider.diff("v-1", older, inputs).changes is False


def test_a_provider_unpickled_as_the_host_does_resolves_its_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The host unpickles the provider (``__setstate__``) and may call it before ``configure``:
    the settings then come from the environment alone."""
    from pulumi_scpvs.provider._resource import serialized_provider

    monkeypatch.setenv("SCP_ENDPOINT", f"embedded:{tmp_path / 'world.db'}")
    provider = dill.loads(base64.b64decode(serialized_provider(KeypairProvider)))
    assert provider.config().endpoint == f"embedded:{tmp_path / 'world.db'}"
