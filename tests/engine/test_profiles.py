"""Profiles under the engine: one program, resources in several accounts and regions.

Three simulators: the default settings' (home), another account of the same region
(``consumer``, the same state file) and another region and account (``dr``). Each
object lands where its profile points, no credential reaches the state or the CLI's
output, a second preview is empty, moving a resource to another profile is refused
naming both, and destroy empties every simulator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_scpvs.scp import NotFoundError
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator, start_simulator
from .conftest import PulumiProject, new_stack

pytestmark = pytest.mark.engine

DR_ACCESS_KEY = "dr-access-key-0e4b"
DR_SECRET_KEY = "dr-secret-key-Never-In-State-91c2"
DR_ACCOUNT = "d7a0c0ffee0000000000000000000042"
CONSUMER_ACCESS_KEY = "consumer-access-key-5d7e"
CONSUMER_SECRET_KEY = "consumer-secret-key-Never-In-State-a83f"


@pytest.fixture
def simulators(tmp_path: Path) -> Iterator[dict[str, RunningSimulator]]:
    home_world = tmp_path / "home-region.db"
    running = {"home": start_simulator(state=home_world, transition_seconds=0.3)}
    try:
        running["consumer"] = start_simulator(
            state=home_world,
            transition_seconds=0.3,
            access_key=CONSUMER_ACCESS_KEY,
            secret_key=CONSUMER_SECRET_KEY,
            account_id=cat.OTHER_ACCOUNT_ID,
        )
        running["dr"] = start_simulator(
            state=tmp_path / "dr-region.db",
            transition_seconds=0.3,
            access_key=DR_ACCESS_KEY,
            secret_key=DR_SECRET_KEY,
            account_id=DR_ACCOUNT,
        )
        yield running
    finally:
        for simulator in running.values():
            simulator.stop()


def objects(simulator: RunningSimulator) -> dict[str, int]:
    return httpx.get(f"{simulator.url}/_admin/objects").json()  # type: ignore[no-any-return]


def test_one_program_in_several_accounts_and_regions(
    tmp_path: Path, pulumi_bin: Path, simulators: dict[str, RunningSimulator]
) -> None:
    home, consumer, dr = simulators["home"], simulators["consumer"], simulators["dr"]
    empty = {name: objects(simulator) for name, simulator in simulators.items()}
    project = new_stack(tmp_path / "project", pulumi_bin, "profiles.py", home.url)
    profiles = (("dr", dr), ("consumer", consumer))
    project.configure(
        {
            **{f"scpvs:profiles.{profile}.endpoint": simulator.url for profile, simulator in profiles},
            **{f"scpvs:profiles.{profile}.accountId": str(simulator.account_id) for profile, simulator in profiles},
        },
        {
            **{f"scpvs:profiles.{profile}.accessKey": simulator.access_key for profile, simulator in profiles},
            **{f"scpvs:profiles.{profile}.secretKey": simulator.secret_key for profile, simulator in profiles},
        },
        path=True,
    )

    project.run("up", "--yes")
    outputs = project.outputs()

    # each object is where its profile points, and only there
    home_client, dr_client = home.client(), dr.client()
    assert home_client.volumes.show_volume(outputs["home_volume_id"]).size == 8
    assert dr_client.volumes.show_volume(outputs["dr_volume_id"]).size == 16
    with pytest.raises(NotFoundError):
        home_client.volumes.show_volume(outputs["dr_volume_id"])
    with pytest.raises(NotFoundError):
        dr_client.volumes.show_volume(outputs["home_volume_id"])
    dr_key = dr_client.keypairs.show_keypair(outputs["dr_key_name"])
    assert dr_key.fingerprint == outputs["dr_key_fingerprint"], "the lookup ran in the dr profile"
    with pytest.raises(NotFoundError):
        home_client.keypairs.show_keypair(outputs["dr_key_name"])
    # the home account shared the image, and the consumer account accepted it
    member = home_client.images.show_image_member(outputs["golden_image_id"], cat.OTHER_ACCOUNT_ID)
    assert member.status == "accepted" and outputs["accepted_by"] == [cat.OTHER_ACCOUNT_ID]

    # the state records where each object is, never a key of any account
    state = json.dumps(project.export())
    for credential in (ACCESS_KEY, SECRET_KEY, DR_ACCESS_KEY, DR_SECRET_KEY, CONSUMER_ACCESS_KEY, CONSUMER_SECRET_KEY):
        assert credential not in state, f"{credential!r} is in the state"
    targets = {
        r["urn"].rsplit("::", 1)[-1]: r["outputs"].get("__target")
        for r in project.export()["deployment"]["resources"]
        if "__target" in r.get("outputs", {})
    }
    assert targets["dr-data"] == {"endpoint": dr.url, "account_id": DR_ACCOUNT}, targets
    assert targets["home-data"] == {"endpoint": home.url, "account_id": ""}, targets
    assert targets["golden-accepted-by-b7e21578bcad"] == {"endpoint": consumer.url, "account_id": cat.OTHER_ACCOUNT_ID}
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}

    # moving the dr volume to the default settings (another region) is refused, naming both
    project.run("config", "set", "drVolumeProfile", "default")
    refused = project.run("preview", check=False)
    assert refused.returncode != 0
    assert "its profile changed from profile 'dr' to no profile" in refused.stdout + refused.stderr, refused.stdout
    project.run("config", "rm", "drVolumeProfile")
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}

    project.run("destroy", "--yes")
    assert {name: objects(simulator) for name, simulator in simulators.items()} == empty
    log = "\n".join(project.log)
    for credential in (SECRET_KEY, DR_SECRET_KEY, CONSUMER_SECRET_KEY):
        assert credential not in log, "a secret key reached the CLI's output"


def test_an_unknown_profile_is_refused_at_preview(project: PulumiProject) -> None:
    (project.directory / "__main__.py").write_text(
        'import pulumi_scpvs as scpvs\nscpvs.Volume("data", size=8, profile="nowhere")\n'
    )
    project.run("config", "set", "--path", "scpvs:profiles.dr.region", "kr-east1")
    result = project.run("preview", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "profile 'nowhere' is not configured" in output and "configured profiles: dr" in output, output[-1500:]
