"""The real engine: never touch what is not yours, never lose what is.

Two stacks of the same name on two backends, a CLI or provider killed in the middle of
creating, and a stack whose endpoint moved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.resilience import interrupt_up

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator, start_simulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine


def make_project(directory: Path, pulumi_bin: Path, simulator: RunningSimulator, stack: str = "dev") -> PulumiProject:
    directory.mkdir(parents=True)
    project = PulumiProject(directory, pulumi_bin)
    project.use_program("owned.py", name="owned")
    project.run("stack", "init", stack)
    project.run("config", "set", "scpvs:endpoint", simulator.url)
    project.run("config", "set", "--secret", "scpvs:accessKey", ACCESS_KEY)
    project.run("config", "set", "--secret", "scpvs:secretKey", SECRET_KEY)
    return project


def world_counts(simulator: RunningSimulator) -> tuple[list[str], list[str], list[str]]:
    client = simulator.client()
    servers = sorted(s.name for s in client.servers.list_servers().servers)
    volumes = sorted(v.name for v in client.volumes.list_volumes().volumes if not v.bootable)
    keypairs = sorted(k.name for k in client.keypairs.list_keypairs().keypairs)
    return servers, volumes, keypairs


@pytest.fixture
def slow_simulator() -> Iterator[RunningSimulator]:
    running = start_simulator(transition_seconds=4.0)
    yield running
    running.stop()


def test_two_stacks_of_the_same_name_on_two_backends_never_touch_each_other(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    first = make_project(tmp_path / "alice", pulumi_bin, engine_simulator)
    second = make_project(tmp_path / "bob", pulumi_bin, engine_simulator)
    first.run("up", "--yes")
    kept = first.outputs()
    up = second.run("up", "--yes")
    assert "adopting" not in up.stdout + up.stderr, "the second stack took the first one's objects"
    theirs = second.outputs()
    assert set(theirs["server_ids"]).isdisjoint(kept["server_ids"])
    assert set(theirs["volume_ids"]).isdisjoint(kept["volume_ids"])
    assert theirs["keypair_name"] != kept["keypair_name"]
    second.run("destroy", "--yes")
    client = engine_simulator.client()
    assert all(client.servers.show_server(i).state == "ACTIVE" for i in kept["server_ids"])
    assert all(client.volumes.show_volume(i).state == "available" for i in kept["volume_ids"])
    assert client.keypairs.show_keypair(kept["keypair_name"]).name == kept["keypair_name"]
    assert {step["op"] for step in first.preview_steps().values()} == {"same"}


@pytest.mark.parametrize("killed", ["cli", "provider"])
def test_an_interrupted_up_ends_with_exactly_one_object_per_resource(
    tmp_path: Path, pulumi_bin: Path, slow_simulator: RunningSimulator, killed: str
) -> None:
    project = make_project(tmp_path / "crash", pulumi_bin, slow_simulator)
    project.run("config", "set", "servers", "6")

    def all_building() -> bool:  # every server exists and is still building
        servers, volumes, _ = world_counts(slow_simulator)
        return len(servers) == 6 and len(volumes) == 2

    interrupt_up(project.directory, project.env, killed, all_building, "--parallel", "16", timeout=120)
    assert len(world_counts(slow_simulator)[0]) == 6, "the interrupted run did not get as far as creating"
    if killed == "cli":
        # The README's path: the killed CLI left its lock behind; `pulumi cancel` removes it.
        project.run("cancel", "--yes")

    again = project.run("up", "--yes", "--skip-preview")
    servers, volumes, keypairs = world_counts(slow_simulator)
    assert servers == [f"web-{i}" for i in range(6)], "duplicates or losses after the interrupted run"
    assert len(volumes) == 2 and len(keypairs) == 1
    outputs = project.outputs()
    client = slow_simulator.client()
    assert sorted(client.servers.show_server(i).name for i in outputs["server_ids"]) == servers
    if killed == "cli":
        # The engine's warning names the interrupted creates; the README's path clears them.
        assert "pending operations" in again.stdout + again.stderr
        assert project.export()["deployment"].get("pending_operations")
        project.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
        assert not project.export()["deployment"].get("pending_operations")
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
    project.run("destroy", "--yes")
    assert world_counts(slow_simulator) == ([], [], [])


def test_a_moved_endpoint_is_refused_and_nothing_is_dropped(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = make_project(tmp_path / "pinned", pulumi_bin, engine_simulator)
    project.run("up", "--yes")
    before = project.export()["deployment"]["resources"]
    elsewhere = start_simulator()
    try:
        project.run("config", "set", "scpvs:endpoint", elsewhere.url)
        for command in (["up", "--yes"], ["preview"]):
            result = project.run(*command, check=False)
            assert result.returncode != 0, f"pulumi {command[0]} went ahead against another endpoint"
            output = result.stdout + result.stderr
            assert engine_simulator.url in output and elsewhere.url in output and "SCPVS_MOVE_FROM" in output
        # refresh runs no program: it reads with the provider settings recorded in the state,
        # or refuses; either way it drops nothing.
        refreshed = project.run("refresh", "--yes", check=False)
        if refreshed.returncode != 0:
            assert elsewhere.url in refreshed.stdout + refreshed.stderr
        for name in ("scpvs:endpoint", "scpvs:accessKey", "scpvs:secretKey"):
            project.run("config", "rm", name)
        result = project.run("preview", check=False)
        assert result.returncode != 0 and "'embedded'" in result.stdout + result.stderr
        assert elsewhere.client().servers.list_servers().servers == []
    finally:
        elsewhere.stop()
    after = project.export()["deployment"]["resources"]
    assert json.dumps(sorted(r["urn"] for r in after)) == json.dumps(sorted(r["urn"] for r in before))
    project.run("config", "set", "scpvs:endpoint", engine_simulator.url)
    project.run("config", "set", "--secret", "scpvs:accessKey", ACCESS_KEY)
    project.run("config", "set", "--secret", "scpvs:secretKey", SECRET_KEY)
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
    project.run("destroy", "--yes")
