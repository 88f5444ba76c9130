"""Every example under examples/ runs through the engine against the simulator: up, an
empty preview, destroy, and the simulator is left with its catalogue only."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator
from .conftest import ROOT, PulumiProject

pytestmark = pytest.mark.engine

EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/__main__.py"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs_up_and_down(
    example: str, tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    directory = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, directory)
    project = PulumiProject(directory, pulumi_bin)
    project.run("stack", "init", "test")
    project.run("config", "set", "scpvs:endpoint", engine_simulator.url)
    project.run("config", "set", "--secret", "scpvs:accessKey", ACCESS_KEY)
    project.run("config", "set", "--secret", "scpvs:secretKey", SECRET_KEY)
    catalogue_only = httpx.get(f"{engine_simulator.url}/_admin/objects").json()

    project.run("up", "--yes")
    assert project.outputs(), "the example exports nothing"
    assert {step["op"] for step in project.preview_steps().values()} == {"same"}
    project.run("destroy", "--yes")
    assert httpx.get(f"{engine_simulator.url}/_admin/objects").json() == catalogue_only
