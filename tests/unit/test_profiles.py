"""Profiles: named blocks of settings resolved in the provider process, one per resource.

Two embedded simulators (two state files) stand for two regions; nothing here starts a
process. The engine test (tests/engine/test_profiles.py) runs the same through Pulumi.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from pulumi_scpvs import ConfigurationError
from pulumi_scpvs.provider import ScpProvider
from pulumi_scpvs.provider._keys import INPUTS_KEY, RESOURCE_NAME_KEY, TARGET_KEY
from pulumi_scpvs.resources import ImageMemberAcceptanceProvider, ImageMemberProvider, KeypairProvider, VolumeProvider
from pulumi_scpvs.scp import ScpClient
from pulumi_scpvs.scp._config import EMBEDDED, parse_profiles, resolve_config, resolve_profile
from pulumi_scpvs.simulator import catalogue as cat

NO_HOME = Path("/nonexistent")
DR_SECRET = "dr-secret-key-Never-In-State-5b1e"


@pytest.fixture(autouse=True)
def quick_transitions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCPVS_SIM_TRANSITION_SECONDS", "0")


def worlds(tmp_path: Path) -> tuple[str, str]:
    return f"embedded:{tmp_path / 'home.db'}", f"embedded:{tmp_path / 'dr.db'}"


def configured(provider_class: type[ScpProvider], tmp_path: Path, profiles: Any = None) -> ScpProvider:
    home, dr = worlds(tmp_path)
    if profiles is None:
        profiles = {"dr": {"endpoint": dr, "accessKey": "dr-access", "secretKey": DR_SECRET, "accountId": "dr-acc"}}
    raw = {"scpvs:endpoint": home, "scpvs:profiles": profiles}
    provider = provider_class()
    provider.configure(ConfigureRequest(Config(raw_config=raw, project_name="proj")))
    return provider


def checked(provider: ScpProvider, name: str, **inputs: Any) -> dict[str, Any]:
    result = provider.check({}, {RESOURCE_NAME_KEY: f"proj/stack/{name}", **inputs})
    assert result.failures == [], result.failures
    return result.inputs


def embedded_client(endpoint: str, **keys: str) -> ScpClient:
    from pulumi_scpvs.provider import make_client

    return make_client(resolve_config({"endpoint": endpoint, **keys}, environ={}, home=NO_HOME))


# -- resolving --------------------------------------------------------------------------------


def test_a_profile_takes_each_group_it_mentions_whole_and_inherits_the_others() -> None:
    default = resolve_config(
        {"access_key": "ak", "secret_key": "sk", "account_id": "acc", "region": "kr-west1"}, environ={}, home=NO_HOME
    )
    profiles = parse_profiles(
        json.dumps({"east": {"region": "kr-east1"}, "other": {"accessKey": "ak2", "secretKey": "sk2"}})
    )
    east = resolve_profile("east", profiles, default)
    assert east.endpoint == "https://virtualserver.kr-east1.s.samsungsdscloud.com"
    assert (east.access_key, east.secret_key, east.account_id) == ("ak", "sk", "acc")
    other = resolve_profile("other", profiles, default)
    assert other.endpoint == default.endpoint
    assert (other.access_key, other.secret_key, other.account_id) == ("ak2", "sk2", ""), "no account mixed in"
    assert other.sources["access_key"] == "scpvs:profiles.other.accessKey"


def test_a_profile_never_inherits_the_embedded_demo_keys() -> None:
    default = resolve_config(environ={}, home=NO_HOME)
    assert default.is_embedded
    with pytest.raises(ConfigurationError, match="profile 'east': missing credentials"):
        resolve_profile("east", {"east": {"region": "kr-east1"}}, default)
    # a profile that names only other keys stays on the embedded simulator
    profiles = parse_profiles({"other": {"accessKey": "a", "secretKey": "s", "accountId": "b"}})
    other = resolve_profile("other", profiles, default)
    assert other.endpoint == EMBEDDED and other.account_id == "b"


def test_bad_profiles_are_named() -> None:
    mistyped = r"scpvs:profiles.dr.acessKey \(stack config\) is not a setting; did you mean accessKey\?"
    with pytest.raises(ConfigurationError, match=mistyped):
        parse_profiles({"dr": {"acessKey": "x"}})
    with pytest.raises(ConfigurationError, match="must map profile names"):
        parse_profiles("[1, 2]")
    with pytest.raises(ConfigurationError, match=r"profile 'nope' is not configured.*configured profiles: a, b"):
        resolve_profile("nope", {"b": {}, "a": {}}, None)


# -- check --------------------------------------------------------------------------------------


def test_an_unknown_profile_is_refused_at_check_naming_the_configured_ones(tmp_path: Path) -> None:
    volumes = configured(VolumeProvider, tmp_path)
    result = volumes.check({}, {RESOURCE_NAME_KEY: "proj/stack/data", "size": 8, "profile": "dr2"})
    assert [f.property for f in result.failures] == ["profile"]
    reason = result.failures[0].reason
    assert "profile 'dr2' is not configured" in reason and "configured profiles: dr" in reason
    assert "scpvs:profiles.dr2" in reason
    # a profile whose settings are wrong is refused with the setting named
    broken = configured(VolumeProvider, tmp_path, {"east": {"region": "kr-nowhere1", "accessKey": "a"}})
    result = broken.check({}, {RESOURCE_NAME_KEY: "proj/stack/data", "size": 8, "profile": "east"})
    assert [f.property for f in result.failures] == ["profile"]
    assert "profile 'east'" in result.failures[0].reason and "kr-nowhere1" in result.failures[0].reason
    # not known yet (preview): nothing to say; a malformed name: the rule
    assert volumes.check({}, {RESOURCE_NAME_KEY: "proj/stack/d", "size": 8, "profile": Unknown()}).failures == []
    bad = volumes.check({}, {RESOURCE_NAME_KEY: "proj/stack/d", "size": 8, "profile": "a.b"}).failures
    assert [f.property for f in bad] == ["profile"]


def test_structured_config_may_arrive_as_json(tmp_path: Path) -> None:
    _, dr = worlds(tmp_path)
    volumes = configured(VolumeProvider, tmp_path, json.dumps({"dr": {"endpoint": dr}}))
    assert volumes.config("dr").endpoint == dr


# -- each step uses the profile of the resource it handles ---------------------------------------------


def test_each_resource_lives_where_its_profile_points_and_the_state_has_no_key(tmp_path: Path) -> None:
    home, dr = worlds(tmp_path)
    volumes = configured(VolumeProvider, tmp_path)
    here = volumes.create(checked(volumes, "here", size=8))
    there = volumes.create(checked(volumes, "there", size=16, profile="dr"))
    assert here.outs[TARGET_KEY] == {"endpoint": home, "account_id": ""}
    assert there.outs[TARGET_KEY] == {"endpoint": dr, "account_id": "dr-acc"}
    assert volumes.old_inputs(there.outs)["profile"] == "dr"
    assert DR_SECRET not in json.dumps(there.outs) and "dr-access" not in json.dumps(there.outs)
    home_client = embedded_client(home)
    dr_client = embedded_client(dr, access_key="dr-access", secret_key=DR_SECRET, account_id="dr-acc")
    assert [v.id for v in home_client.volumes.list_volumes().volumes] == [here.id]
    assert [v.id for v in dr_client.volumes.list_volumes().volumes] == [there.id]

    # read and delete use the profile recorded in the state
    assert volumes.read(there.id, there.outs).id == there.id
    grown = volumes.update(there.id, there.outs, {**checked(volumes, "there", size=24, profile="dr")})
    assert dr_client.volumes.show_volume(there.id).size == 24
    volumes.delete(there.id, grown.outs)
    assert dr_client.volumes.list_volumes().volumes == []
    volumes.delete(here.id, here.outs)


def test_another_profile_elsewhere_is_refused_naming_both_and_one_alike_is_recorded(tmp_path: Path) -> None:
    home, _ = worlds(tmp_path)
    profiles = {
        "dr": {"endpoint": worlds(tmp_path)[1], "accessKey": "dr-access", "secretKey": DR_SECRET},
        "home-too": {"endpoint": home},
    }
    volumes = configured(VolumeProvider, tmp_path, profiles)
    created = volumes.create(checked(volumes, "data", size=8))
    moved = checked(volumes, "data", size=8, profile="dr")
    with pytest.raises(ConfigurationError) as refused:
        volumes.diff(created.id, created.outs, moved)
    message = str(refused.value)
    assert "profile changed from no profile (the default scpvs:* settings) to profile 'dr'" in message
    assert "give the resource a new name" in message
    with pytest.raises(ConfigurationError, match="profile 'dr'"):
        volumes.update(created.id, created.outs, moved)
    # another name for the same place: an update that sends nothing records it
    alike = checked(volumes, "data", size=8, profile="home-too")
    diff = volumes.diff(created.id, created.outs, alike)
    assert diff.changes and not diff.replaces
    updated = volumes.update(created.id, created.outs, alike)
    assert volumes.old_inputs(updated.outs)["profile"] == "home-too"
    assert volumes.diff(created.id, updated.outs, alike).changes is False
    volumes.delete(created.id, updated.outs)


def test_a_profile_removed_from_the_config_is_named_when_its_objects_are_touched(tmp_path: Path) -> None:
    keypairs = configured(KeypairProvider, tmp_path)
    created = keypairs.create(checked(keypairs, "key", profile="dr"))
    gone = configured(KeypairProvider, tmp_path, {})
    with pytest.raises(ConfigurationError, match="profile 'dr' is not configured"):
        gone.delete(created.id, created.outs)
    keypairs.delete(created.id, created.outs)


def test_only_the_member_account_accepts_a_share(tmp_path: Path) -> None:
    home, _ = worlds(tmp_path)
    owner = embedded_client(home)
    image = owner.images.create_image(
        {"name": "golden", "os_distro": "ubuntu", "url": "https://example.invalid/golden.qcow2"}
    )
    owner.images.import_image(image.id, {"url": "https://example.invalid/golden.qcow2"})
    owner.images.create_sharing_image(image.id)
    owner.images.create_image_member(image.id, {"member_id": cat.OTHER_ACCOUNT_ID})

    consumer = {"endpoint": home, "accessKey": "c-access", "secretKey": "c-secret", "accountId": cat.OTHER_ACCOUNT_ID}
    acceptances = configured(ImageMemberAcceptanceProvider, tmp_path, {"consumer": consumer})
    as_owner = checked(acceptances, "accept", image_id=image.id, member_id=cat.OTHER_ACCOUNT_ID)
    with pytest.raises(Exception, match=f"only the member account {cat.OTHER_ACCOUNT_ID} may accept"):
        acceptances.create(as_owner)
    accepted = acceptances.create({**as_owner, "profile": "consumer"})
    assert owner.images.show_image_member(image.id, cat.OTHER_ACCOUNT_ID).status == "accepted"
    acceptances.delete(accepted.id, accepted.outs)
    assert owner.images.show_image_member(image.id, cat.OTHER_ACCOUNT_ID).status == "pending"


def test_a_share_the_member_decided_is_no_drift_for_the_owner() -> None:
    members = ImageMemberProvider()
    news = checked(members, "share", image_id="i", member_id=cat.OTHER_ACCOUNT_ID)
    refreshed = {**news, "status": "accepted", INPUTS_KEY: {**news, "status": "accepted"}}
    assert members.diff("i/m", refreshed, news).changes is False
    assert members.diff("i/m", refreshed, {**news, "status": "rejected"}).changes is True


def test_unknown_stack_settings_are_named_with_the_nearest_one() -> None:
    from pulumi_scpvs.scp._config import unknown_stack_settings

    found = unknown_stack_settings(["scpvs:regoin", "scpvs:region", "scpvs:profiles", "proj:regoin", "scpvs:zzz"])
    assert [sentence.split(" (")[0] for sentence in found] == ["scpvs:regoin", "scpvs:zzz"]
    assert "did you mean scpvs:region?" in found[0] and "did you mean" not in found[1]
    assert all("The settings are scpvs:accessKey" in sentence for sentence in found)
