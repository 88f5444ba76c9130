"""Every example under examples/ runs through the engine against a simulator process: up,
an empty preview, destroy, and the simulator is left with its catalogue only.

The simulator process is not the embedded target, so the examples run as on a real
account: every id comes from stack config (the catalogue's ids are set here), and a
missing one stops the program naming its key. On the embedded target the same programs
default to the catalogue's ids."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pulumi_scpvs.scp._generated.operations import OPERATIONS
from pulumi_scpvs.simulator import catalogue

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator
from .conftest import ROOT, PulumiProject

pytestmark = pytest.mark.engine

# The quickstart is the `pulumi new` template (templates/quickstart) and an example alike.
TEMPLATES = {p.parent.name: p.parent for p in (ROOT / "templates").glob("*/__main__.py")}
SOURCES = {**{p.parent.name: p.parent for p in (ROOT / "examples").glob("*/__main__.py")}, **TEMPLATES}
EXAMPLES = sorted(SOURCES)
IDS_BY_EXAMPLE: dict[str, dict[str, str]] = {
    "quickstart": {
        "imageId": catalogue.IMAGE_UBUNTU,
        "serverType": "s1v1m2",
        "subnetId": catalogue.SUBNET_ID,
        "securityGroupId": catalogue.SECURITY_GROUP_ID,
    },
    "auto-scaling": {
        "imageId": catalogue.IMAGE_UBUNTU,
        "subnetId": catalogue.SUBNET_ID,
        "lbServerGroupId": catalogue.LB_SERVER_GROUP_ID,
        "userId": catalogue.USER_ID,
    },
    "image-pipeline": {
        "baseImageId": catalogue.IMAGE_ROCKY,
        "subnetId": catalogue.SUBNET_ID,
        "prodAccountId": catalogue.OTHER_ACCOUNT_ID,
    },
    "web-two-tier": {"dbSubnetId": catalogue.SUBNET_ID_2, "publicIpId": catalogue.PUBLIC_IP_IDS[0]},
    "snapshot-restore": {},
}


def example_project(
    example: str, tmp_path: Path, pulumi_bin: Path, simulator: RunningSimulator | None
) -> PulumiProject:
    """A copy of the example with a stack, pointed at ``simulator`` (the embedded one if None)."""
    directory = tmp_path / example
    shutil.copytree(SOURCES[example], directory)
    if example in TEMPLATES:
        # As `pulumi new` makes it, but run with this checkout's environment (no venv of its own).
        (directory / "Pulumi.yaml").write_text(f"name: {example}\nruntime: python\n")
    project = PulumiProject(directory, pulumi_bin, extra_env={"HOME": str(tmp_path / "home")})
    project.run("stack", "init", "test")
    if simulator is not None:
        project.target(simulator.url)
    return project


def make_adopt_demo_objects(project: PulumiProject, simulator: RunningSimulator) -> None:
    """Run the example's own script against ``simulator`` and set the config it prints."""
    env = {**os.environ, "SCP_ENDPOINT": simulator.url, "SCP_ACCESS_KEY": ACCESS_KEY, "SCP_SECRET_KEY": SECRET_KEY}
    result = subprocess.run(
        [sys.executable, "make_demo_objects.py"],
        cwd=project.directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    commands = [line.split() for line in result.stdout.splitlines() if line.startswith("pulumi config set ")]
    assert [command[3] for command in commands] == ["legacyKeyName", "legacyVolumeId"]
    for command in commands:
        project.run(*command[1:])


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs_up_and_down(
    example: str, tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = example_project(example, tmp_path, pulumi_bin, engine_simulator)
    catalogue_only = httpx.get(f"{engine_simulator.url}/_admin/objects").json()
    if example == "adopt-existing":
        make_adopt_demo_objects(project, engine_simulator)
    if example in IDS_BY_EXAMPLE:
        project.configure(IDS_BY_EXAMPLE[example])

    project.run("up", "--yes")
    assert project.outputs(), "the example exports nothing"
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
    project.run("destroy", "--yes", "--skip-preview")
    assert httpx.get(f"{engine_simulator.url}/_admin/objects").json() == catalogue_only


def test_every_example_is_configured_here() -> None:
    assert set(EXAMPLES) == {*IDS_BY_EXAMPLE, "adopt-existing"}


def test_adopt_existing_preview_changes_nothing(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = example_project("adopt-existing", tmp_path, pulumi_bin, engine_simulator)
    without_ids = project.run("preview", check=False)
    assert without_ids.returncode != 0
    assert "legacyKeyName" in without_ids.stdout + without_ids.stderr
    make_adopt_demo_objects(project, engine_simulator)
    world = httpx.get(f"{engine_simulator.url}/_admin/world").json()
    requests = httpx.get(f"{engine_simulator.url}/_admin/requests").json()
    assert requests["create_keypair"] == requests["create_volume"] == 1  # the script's, counted

    project.run("preview")

    after = httpx.get(f"{engine_simulator.url}/_admin/requests").json()
    made = {name for name, count in after.items() if count != requests.get(name, 0)}
    assert {name for name in made if OPERATIONS[name].method != "GET"} == set()
    assert httpx.get(f"{engine_simulator.url}/_admin/world").json() == world


def test_a_missing_id_on_a_real_target_names_its_key(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = example_project("quickstart", tmp_path, pulumi_bin, engine_simulator)
    result = project.run("preview", check=False)
    assert result.returncode != 0
    assert "imageId" in result.stdout + result.stderr


def test_the_quickstart_defaults_to_catalogue_ids_on_the_embedded_simulator(tmp_path: Path, pulumi_bin: Path) -> None:
    project = example_project("quickstart", tmp_path, pulumi_bin, None)
    project.run("up", "--yes")
    assert project.outputs()["server_state"] == "ACTIVE"
    project.run("destroy", "--yes", "--skip-preview")
