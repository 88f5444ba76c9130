"""Running the real Pulumi CLI against a local file backend."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.resilience import config_set_all, file_backend_url

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator, start_simulator

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"


def pulumi_bin_dir() -> Path:
    """The pinned CLI from scripts/install-pulumi.sh (built or reused); skip with its error otherwise."""
    given = os.environ.get("PULUMI_SCPVS_PULUMI_BIN")
    if given:
        return Path(given)
    result = subprocess.run([str(ROOT / "scripts" / "install-pulumi.sh")], capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        pytest.skip(f"the Pulumi CLI could not be installed: {result.stderr.strip().splitlines()[-5:]}")
    return Path(result.stdout.strip().splitlines()[-1])


def without_secrets(args: tuple[str, ...]) -> list[str]:
    """A command line to show: the value of ``config set --secret`` and of each ``set-all --secret``."""
    if "set-all" in args:
        return [
            f"{arg.split('=', 1)[0]}=[secret]" if previous == "--secret" else arg
            for previous, arg in zip(("", *args[:-1]), args, strict=True)
        ]
    return [*args[:-1], "[secret]"] if "--secret" in args else list(args)


class PulumiProject:
    """A throwaway Pulumi project directory with its own backend and stack."""

    def __init__(self, directory: Path, bin_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.directory = directory
        state = directory.parent / f"{directory.name}-state"
        state.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), str(bin_dir), os.environ.get("PATH", "")]),
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_BACKEND_URL": file_backend_url(state),
            "PULUMI_HOME": str(directory.parent / f"{directory.name}-home"),
            "PULUMI_CONFIG_PASSPHRASE": "engine-test-passphrase",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            **(extra_env or {}),
        }
        for name in ("SCP_ACCESS_KEY", "SCP_SECRET_KEY", "SCP_ENDPOINT", "SCP_REGION"):
            self.env.pop(name, None)
        self.log: list[str] = []

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        shown = " ".join(without_secrets(args))
        self.log.append(f"$ pulumi {shown}\n{result.stdout}\n{result.stderr}")
        if check and result.returncode != 0:
            raise AssertionError(f"pulumi {shown} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def configure(self, plain: dict[str, str], secret: dict[str, str] | None = None, *, path: bool = False) -> None:
        """Set stack config in one ``pulumi config set-all`` (one CLI process, not one per key)."""
        self.run(*config_set_all(plain, secret, path=path))

    def target(self, endpoint: str, settings: dict[str, str] | None = None) -> None:
        """Point the stack at a simulator (its endpoint and the test credentials), with ``settings`` beside."""
        plain = {"scpvs:endpoint": endpoint, **(settings or {})}
        self.configure(plain, {"scpvs:accessKey": ACCESS_KEY, "scpvs:secretKey": SECRET_KEY})

    def use_program(self, program: str, name: str = "engine-test") -> None:
        (self.directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        shutil.copy(PROGRAMS / program, self.directory / "__main__.py")

    def preview_steps(self) -> dict[str, dict[str, Any]]:
        """``pulumi preview --json`` steps by resource name."""
        data = json.loads(self.run("preview", "--json").stdout)
        return {step["urn"].rsplit("::", 1)[-1]: step for step in data.get("steps", [])}

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "output", "--json", "--show-secrets").stdout)  # type: ignore[no-any-return]

    def export(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "export").stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def pulumi_bin() -> Path:
    return pulumi_bin_dir()


@pytest.fixture
def engine_simulator() -> Iterator[RunningSimulator]:
    running = start_simulator(transition_seconds=0.3)
    yield running
    running.stop()


def new_stack(directory: Path, pulumi_bin: Path, program: str, endpoint: str) -> PulumiProject:
    """A project running ``program`` with a stack ``test`` whose default settings target ``endpoint``."""
    directory.mkdir()
    proj = PulumiProject(directory, pulumi_bin)
    proj.use_program(program)
    proj.run("stack", "init", "test")
    proj.target(endpoint)
    return proj


@pytest.fixture
def project(tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator) -> PulumiProject:
    return new_stack(tmp_path / "project", pulumi_bin, "stack_v1.py", engine_simulator.url)
