"""What a user reads in `pulumi up`: where the objects go, why an operation failed, how a long wait is going."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from ..conftest import RunningSimulator, start_simulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine

EMBEDDED_WARNING = "pulumi-scpvs deploys to the embedded SCP simulator, not to Samsung Cloud Platform"
TRACEBACK = "Traceback (most recent call last)"
MISSING_SNAPSHOT = "00000000-0000-0000-0000-000000000000"


def diagnostics(result: object) -> str:
    """The summary the CLI prints after the live lines, each message once (`up` prints its
    preview's summary first: this is the last one)."""
    output = getattr(result, "stdout", "") + getattr(result, "stderr", "")
    return output.rpartition("Diagnostics:")[2]


def volume_project(directory: Path, pulumi_bin: Path, simulator: RunningSimulator | None) -> PulumiProject:
    """The one-volume program, at ``simulator``'s endpoint or (``None``) on the embedded default target."""
    directory.mkdir(parents=True)
    project = PulumiProject(directory, pulumi_bin)
    project.use_program("one_volume.py")
    project.run("stack", "init", "test")
    if simulator is not None:
        project.target(simulator.url)
    return project


def test_the_embedded_target_is_announced_once_per_run(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    embedded = volume_project(tmp_path / "embedded", pulumi_bin, None)
    state = tmp_path / "embedded" / ".scpvs" / "embedded-simulator.db"
    for command in (["preview"], ["up", "--yes"]):
        summary = diagnostics(embedded.run(*command))
        assert summary.count(EMBEDDED_WARNING) == 1, summary
        assert f"local file {state}" in summary and "set scpvs:region" in summary
    assert state.exists()

    configured = volume_project(tmp_path / "configured", pulumi_bin, engine_simulator)
    for command in (["preview"], ["up", "--yes"]):
        result = configured.run(*command)
        assert "embedded SCP simulator" not in result.stdout + result.stderr


def test_a_failed_create_says_what_to_do_without_a_traceback(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = volume_project(tmp_path / "failing", pulumi_bin, engine_simulator)
    project.run("config", "set", "snapshotId", MISSING_SNAPSHOT)
    result = project.run("up", "--yes", check=False)
    summary = diagnostics(result)
    assert result.returncode != 0
    assert re.search(
        r"error: pulumi_scpvs\.scp\.NotFoundError: creating Volume 'data-\w+' failed: SCP answered 404 to POST "
        rf"\S+/v1/volumes: snapshot '{MISSING_SNAPSHOT}' not found\. What to do: check the ids among the inputs",
        summary,
    ), summary
    assert TRACEBACK not in result.stdout + result.stderr

    # A failure state: the message names the object and its last state; the chain of errors
    # raised while cleaning up is not shown.
    project.run("config", "rm", "snapshotId")
    httpx.post(f"{engine_simulator.url}/_admin/faults", json={"fail_rate": 1.0}).raise_for_status()
    result = project.run("up", "--yes", check=False)
    summary = diagnostics(result)
    assert result.returncode != 0
    assert re.search(
        r"ResourceFailedError: creating Volume 'data-\w+' failed: Volume ([\w-]+) reached the failure state error; "
        r"deleted Volume \1 so that nothing is left behind\. What to do: check the inputs and the account's quotas",
        summary,
    ), summary
    assert TRACEBACK not in result.stdout + result.stderr and "During handling" not in summary
    assert "direct cause" not in summary

    # SCPVS_DEBUG=1: the same message, with the traceback for a bug report.
    httpx.post(f"{engine_simulator.url}/_admin/faults", json={"fail_rate": 0.0}).raise_for_status()
    project.run("config", "set", "snapshotId", MISSING_SNAPSHOT)
    project.env["SCPVS_DEBUG"] = "1"
    result = project.run("up", "--yes", check=False)
    summary = diagnostics(result)
    assert result.returncode != 0 and TRACEBACK in summary
    assert "What to do: check the ids among the inputs" in summary


def test_a_long_wait_reports_its_progress(tmp_path: Path, pulumi_bin: Path) -> None:
    slow = start_simulator(transition_seconds=13)
    try:
        project = volume_project(tmp_path / "slow", pulumi_bin, slow)
        output = project.run("up", "--yes").stdout
        volume_id = project.outputs()["volume_id"]
        # Named as the program names it: the resource "data" of one_volume.py.
        assert re.search(rf"Volume data \({volume_id}\): still creating after 1\d s", output), output
        assert re.search(rf"Volume data \({volume_id}\): creating → available after 1\d s", output), output
    finally:
        slow.stop()


def test_a_lookup_that_finds_nothing_names_what_it_looked_for_without_a_traceback(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = volume_project(tmp_path / "lookup", pulumi_bin, engine_simulator)
    project.use_program("lookup_missing.py")
    result = project.run("preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "no image matches name='Ubuntu 22.4'; the images there: 'Ubuntu 22.04'" in output, output
    assert TRACEBACK not in output and "pulumi_scpvs/lookups" not in output, output
