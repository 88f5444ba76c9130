"""The real engine: never touch what is not yours, never lose what is.

Two stacks of the same name on two backends, a CLI or provider killed in the middle of
creating, and a stack whose endpoint moved.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.resilience import ADOPT_HINT, interrupt_up

from ..conftest import RunningSimulator, start_simulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine


def make_project(
    directory: Path,
    pulumi_bin: Path,
    simulator: RunningSimulator,
    stack: str = "dev",
    program: str = "owned.py",
    **config: str,
) -> PulumiProject:
    directory.mkdir(parents=True)
    project = PulumiProject(directory, pulumi_bin)
    project.use_program(program, name=program.removesuffix(".py"))
    project.run("stack", "init", stack)
    project.target(simulator.url, config)
    return project


def world_counts(simulator: RunningSimulator) -> tuple[list[str], list[str], list[str]]:
    client = simulator.client()
    servers = sorted(s.name for s in client.servers.list_servers().servers)
    volumes = sorted(str(v.name) for v in client.volumes.list_volumes().volumes if not v.bootable)
    keypairs = sorted(k.name for k in client.keypairs.list_keypairs().keypairs)
    return servers, volumes, keypairs


def data_volumes(simulator: RunningSimulator) -> list[tuple[str, str]]:
    """(name, id) of every volume that is not a server's boot disk, sorted."""
    listed = simulator.client().volumes.list_volumes().volumes
    return sorted((str(v.name), str(v.id)) for v in listed if not v.bootable)


def hints(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """The ``adopt_id`` hints of a failed run: resource name -> the id it names."""
    found = ADOPT_HINT.findall(result.stdout + result.stderr)
    assert len(dict(found)) == len(set(found)), f"two hints for one resource: {found}"
    return dict(found)


def faults(simulator: RunningSimulator, path: str = "/_admin/faults", **settings: Any) -> dict[str, Any]:
    return httpx.post(f"{simulator.url}{path}", json=settings, timeout=30).json()  # type: ignore[no-any-return]


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
    # The second stack's explicitly named volume meets the first one's: it stops, naming it.
    stopped = second.run("up", "--yes", "--skip-preview", check=False)
    assert stopped.returncode != 0 and "adopting" not in stopped.stdout + stopped.stderr
    assert hints(stopped) == {"named": kept["volume_ids"][1]}
    assert data_volumes(engine_simulator).count(("named-volume", kept["volume_ids"][1])) == 1
    assert [name for name, _ in data_volumes(engine_simulator)].count("named-volume") == 1
    # It is not this stack's: its user opts in to a second volume of that name.
    second.run("config", "set", "allowDuplicateName", "true")
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
    project.target(engine_simulator.url)
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
    project.run("destroy", "--yes")


def test_a_fresh_runner_after_a_crash_stops_on_each_named_volume_and_makes_no_duplicate(
    tmp_path: Path, pulumi_bin: Path, slow_simulator: RunningSimulator
) -> None:
    """The CLI killed while three explicitly named volumes are being created; the next run
    is on a fresh runner (no ``.scpvs/create-journal.db``): nothing proves those volumes
    are this stack's, so it stops naming each with its ``adopt_id``, and following the
    hints converges. The generated key pair ends with its private key."""
    project = make_project(tmp_path / "runner", pulumi_bin, slow_simulator, program="named_volumes.py")

    def three_volumes() -> bool:
        return len(data_volumes(slow_simulator)) == 3

    interrupt_up(project.directory, project.env, "cli", three_volumes, timeout=120)
    made = data_volumes(slow_simulator)
    assert [name for name, _ in made] == ["shared-a", "shared-b", "shared-c"], "killed before the creates"
    project.run("cancel", "--yes")
    # The provider keeps its journal in the project directory (its working directory).
    journal = project.directory / ".scpvs" / "create-journal.db"
    assert journal.exists(), f"no journal at {journal}: {sorted(project.directory.rglob('*journal*'))}"
    shutil.rmtree(project.directory / ".scpvs")  # a new checkout on another runner

    stopped = project.run("up", "--yes", "--skip-preview", check=False)
    output = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0, f"the stack took volumes it cannot prove its own:\n{output}"
    assert hints(stopped) == {name.removeprefix("shared-"): object_id for name, object_id in made}, output
    assert not re.search(r"Volume \S+ exists and [^\n]*adopting it", output), output
    assert data_volumes(slow_simulator) == made, "a second volume of a name, or one deleted"

    # The user follows each hint (they are this stack's: the killed run made them).
    project.configure({f"adopt.{resource}": object_id for resource, object_id in hints(stopped).items()}, path=True)
    project.run("up", "--yes", "--skip-preview")
    outputs = project.outputs()
    assert sorted(outputs["volume_ids"]) == sorted(object_id for _, object_id in made)
    assert data_volumes(slow_simulator) == made
    assert outputs["private_key"], "the generated key pair's private key was lost in silence"
    assert "PRIVATE KEY" in outputs["private_key"]
    keypairs = [k.name for k in slow_simulator.client().keypairs.list_keypairs().keypairs]
    assert keypairs == [outputs["keypair_name"]]
    if project.export()["deployment"].get("pending_operations"):
        project.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
    project.run("destroy", "--yes", "--skip-preview")
    assert world_counts(slow_simulator) == ([], [], [])


def test_a_lost_create_never_takes_the_same_name_another_stack_made_meanwhile(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    """Two stacks declare the volume ``shared-a``. A looks (nothing there) and sends its
    create, which is held and then answered 5xx having done nothing; meanwhile B creates
    ``shared-a``. A looks again, finds B's volume and cannot prove it its own: it stops
    with the hint, adopts nothing, and its destroy leaves B's volume alone."""
    settings = {"volumes": "a", "keypair": "false"}
    first = make_project(tmp_path / "a", pulumi_bin, engine_simulator, program="named_volumes.py", **settings)
    second = make_project(tmp_path / "b", pulumi_bin, engine_simulator, program="named_volumes.py", **settings)
    log = tmp_path / "a-up.log"
    faults(engine_simulator, error_rate=1.0, match="^POST /v1/volumes$", error_delay=25)  # within the client's 30 s
    with log.open("w") as output:
        running = subprocess.Popen(
            ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"],
            cwd=first.directory,
            env=first.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while not httpx.get(f"{engine_simulator.url}/_admin/faults").json()["injected"].get("error_before"):
            assert running.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert faults(engine_simulator)["holding"] == 1  # no more faults: B is served as usual
        second.run("up", "--yes", "--skip-preview")
        assert running.poll() is None, "A did not wait for B: the race was not played"
        faults(engine_simulator, "/_admin/faults/release")
        running.wait(timeout=300)
    finally:
        if running.poll() is None:
            running.kill()
    result = log.read_text()
    theirs = second.outputs()["volume_ids"][0]
    assert running.returncode != 0, f"A's up succeeded with B's volume:\n{result}"
    assert ADOPT_HINT.findall(result) and set(ADOPT_HINT.findall(result)) == {("a", theirs)}, result
    assert data_volumes(engine_simulator) == [("shared-a", theirs)], "a duplicate, or B's volume is gone"
    recorded = [r.get("id") for r in first.export()["deployment"]["resources"]]
    assert theirs not in recorded, "A recorded B's volume"

    # A's user knows the volume is B's and takes the hint's other way on: allow_duplicate_name
    # (same stack, same machine: the journal still records the create the race answered 5xx).
    first.run("config", "set", "--path", "allowDuplicateName[0]", "a")
    opted = first.run("up", "--yes", "--skip-preview", check=False)
    assert opted.returncode == 0, f"allow_duplicate_name did not let A create its own volume:\n{opted.stdout}"
    mine = first.outputs()["volume_ids"][0]
    assert mine != theirs and data_volumes(engine_simulator) == sorted([("shared-a", theirs), ("shared-a", mine)])
    first.run("destroy", "--yes", "--skip-preview")
    assert data_volumes(engine_simulator) == [("shared-a", theirs)], "A's destroy touched B's volume"
    assert engine_simulator.client().volumes.show_volume(theirs).state == "available"
    second.run("refresh", "--yes", "--skip-preview")
    volume = [r for r in second.export()["deployment"]["resources"] if r["urn"].endswith("::a")]
    assert [r["id"] for r in volume] == [theirs]
    assert {step["op"] for step in second.preview_steps().values()} == {"same"}
