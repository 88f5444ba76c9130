"""The built wheel installs into a fresh virtual environment outside the source tree and
runs an example through the engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator
from .conftest import ROOT, PulumiProject
from .test_examples import IDS_BY_EXAMPLE

pytestmark = pytest.mark.engine


def test_wheel_installs_and_runs_an_example(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        # No --wheel/--sdist: the wheel is built from the sdist, so the sdist must hold
        # everything, and no stale build/ directory of the source tree leaks in.
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheels = list(dist.glob("pulumi_scpvs-*.whl"))
    assert wheels and list(dist.glob("pulumi_scpvs-*.tar.gz"))
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True, cwd=tmp_path)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheels[0])], check=True, capture_output=True)
    where = subprocess.run(
        [str(python), "-c", "import pulumi_scpvs; print(pulumi_scpvs.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert str(environment) in where.stdout and str(ROOT) not in where.stdout
    for script in ("scpvs-simulator", "scpvs-preview-summary", "scpvs-from-terraform"):
        assert (environment / "bin" / script).exists(), f"the wheel installs no {script}"

    directory = tmp_path / "quickstart"
    shutil.copytree(ROOT / "examples" / "quickstart", directory)
    project = PulumiProject(directory, pulumi_bin, extra_env={"PULUMI_PYTHON_CMD": str(python)})
    project.env["PATH"] = f"{environment / 'bin'}:{project.env['PATH']}"
    # As a user has it: the engine may look for the plugins the program's packages need.
    project.env.pop("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION")
    project.run("stack", "init", "test")
    project.run("config", "set", "scpvs:endpoint", engine_simulator.url)
    project.run("config", "set", "--secret", "scpvs:accessKey", ACCESS_KEY)
    project.run("config", "set", "--secret", "scpvs:secretKey", SECRET_KEY)
    for key, value in IDS_BY_EXAMPLE["quickstart"].items():  # not the embedded target: ids come from config
        project.run("config", "set", key, value)
    up = project.run("up", "--yes", "--logtostderr", "-v=7")
    assert project.outputs()["server_state"] == "ACTIVE"
    # pulumi-plugin.json says the package has no resource plugin: without it the language
    # host takes any "pulumi-*" package for one and the engine tries to download
    # pulumi-resource-scpvs (five attempts, seconds of back-off) on every command.
    assert "GetRequiredPlugins(" in up.stderr and "success: #versions=0" in up.stderr
    assert "pulumi-resource-scpvs" not in up.stdout + up.stderr
    project.run("destroy", "--yes")
