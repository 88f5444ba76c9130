"""The built wheel, through the `pulumi new` template: a project of its own, a venv the CLI
finds, the package installed from the wheel, the simulator by default, then a deployment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import RunningSimulator
from .conftest import ROOT, PulumiProject
from .test_examples import IDS_BY_EXAMPLE

pytestmark = pytest.mark.engine


def test_pulumi_new_from_the_template_installs_the_wheel_and_deploys(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    """As a user starts before the package is on the index: `pulumi new` from the template
    with pip pointed at the wheel (the template README's way), with the CLI alone (no
    PULUMI_PYTHON_CMD), on a machine whose ~/.scpconf names a real account."""
    dist = tmp_path / "dist"
    subprocess.run(
        # No --wheel/--sdist: the wheel is built from the sdist, so the sdist must hold
        # everything, and no stale build/ directory of the source tree leaks in.
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    assert list(dist.glob("pulumi_scpvs-*.whl")) and list(dist.glob("pulumi_scpvs-*.tar.gz"))
    home = tmp_path / "home"
    (home / ".scpconf").mkdir(parents=True)
    (home / ".scpconf" / "config.json").write_text(json.dumps({"default-region": "kr-west1"}))
    (home / ".scpconf" / "credentials.json").write_text(json.dumps({"access-key": "ak", "secret-key": "sk"}))

    directory = tmp_path / "my-project"
    directory.mkdir()
    project = PulumiProject(directory, pulumi_bin, extra_env={"HOME": str(home), "PIP_FIND_LINKS": str(dist)})
    project.env.pop("PULUMI_PYTHON_CMD")
    # As a user has it: the engine may look for the plugins the program's packages need.
    project.env.pop("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION")
    project.run("new", str(ROOT / "templates" / "quickstart"), "--yes", "--name", "my-project", "--stack", "test")

    made = yaml.safe_load((directory / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert made["name"] == "my-project" and "template" not in made
    assert (directory / ".gitignore").exists() and "../" not in (directory / "README.md").read_text(encoding="utf-8")
    assert not (directory / "pyvenv.cfg").exists(), "the venv landed in the project root"
    python = directory / "venv" / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import pulumi_scpvs; print(pulumi_scpvs.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert str(directory / "venv") in where.stdout and str(ROOT) not in where.stdout
    for script in ("scpvs-simulator", "scpvs-preview-summary", "scpvs-from-terraform"):
        assert (directory / "venv" / "bin" / script).exists(), f"the wheel installs no {script}"
    documents = directory / "venv" / "share" / "doc" / "pulumi-scpvs"
    assert {"README.md", "reference.md", "configuration.md"} <= {path.name for path in documents.glob("*.md")}

    # Empty prompts: the embedded simulator, though ~/.scpconf names an account.
    preview = project.run("preview")
    assert "pulumi-scpvs deploys to the embedded SCP simulator" in preview.stdout + preview.stderr
    assert "virtualserver.kr-west1" not in preview.stdout  # the endpoint ~/.scpconf would give

    # Another target is one change of the stack config (here: the test's simulator).
    project.target(engine_simulator.url)
    project.configure(IDS_BY_EXAMPLE["quickstart"])  # not the embedded target: ids come from config
    up = project.run("up", "--yes", "--logtostderr", "-v=7")
    assert project.outputs()["server_state"] == "ACTIVE"
    # pulumi-plugin.json says the package has no resource plugin: without it the language
    # host takes any "pulumi-*" package for one and the engine tries to download
    # pulumi-resource-scpvs (five attempts, seconds of back-off) on every command.
    assert "GetRequiredPlugins(" in up.stderr and "success: #versions=0" in up.stderr
    assert "pulumi-resource-scpvs" not in up.stdout + up.stderr
    project.run("destroy", "--yes")
