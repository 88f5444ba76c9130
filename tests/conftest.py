"""Shared fixtures: a simulator running as a real process on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pulumi_scpvs.scp import RetryPolicy, ScpClient
from pulumi_scpvs.scp._config import ScpConfig, resolve_config

ROOT = Path(__file__).resolve().parent.parent
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key-Do-Not-Leak-7f3a9c"


@dataclass
class RunningSimulator:
    url: str
    process: subprocess.Popen[str]
    state: Path | None
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    account_id: str | None = None

    def config(self, **overrides: str) -> ScpConfig:
        explicit = {"endpoint": self.url, "access_key": self.access_key, "secret_key": self.secret_key, **overrides}
        if self.account_id is not None:
            explicit.setdefault("account_id", self.account_id)
        return resolve_config(explicit, environ={}, home=Path("/nonexistent"))

    def client(self, **kwargs: object) -> ScpClient:
        kwargs.setdefault("retry", RetryPolicy(attempts=2, base_delay=0.01))
        return ScpClient(self.config(), **kwargs)  # type: ignore[arg-type]

    def requests(self) -> Counter[str]:
        """How many API requests of each operation reached the simulator so far."""
        return Counter(httpx.get(f"{self.url}/_admin/requests", timeout=30).json())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_simulator(
    state: Path | None = None,
    transition_seconds: float = 0.0,
    extra_env: dict[str, str] | None = None,
    *,
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    account_id: str | None = None,
) -> RunningSimulator:
    """Start ``python -m pulumi_scpvs.simulator --port 0`` and read the port it printed.

    ``account_id`` is the account its keys belong to (by default the catalogue's):
    simulators sharing a ``state`` file are accounts of one region.
    """
    command = [
        sys.executable,
        "-m",
        "pulumi_scpvs.simulator",
        "--port",
        "0",
        "--transition-seconds",
        str(transition_seconds),
    ]
    if state is not None:
        command += ["--state", str(state)]
    if account_id is not None:
        command += ["--account-id", account_id]
    env = {**os.environ, "SCP_ACCESS_KEY": access_key, "SCP_SECRET_KEY": secret_key, **(extra_env or {})}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"simulator did not start: {line}{process.stdout.read()}")
    return RunningSimulator(line.rsplit(" ", 1)[-1].strip(), process, state, access_key, secret_key, account_id)


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    running = start_simulator()
    yield running
    running.stop()


TypeCheck = Callable[[str], "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="session")
def type_check(tmp_path_factory: pytest.TempPathFactory) -> TypeCheck:
    """``mypy --strict`` on a user's program, the package seen as installed (its own code is
    not checked here). The runs of a session share one mypy cache, so only the first pays
    for reading pulumi and the package (about 5 s; the others take about 1 s)."""
    base = tmp_path_factory.mktemp("mypy")
    config = base / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\n\n[mypy-pulumi_scpvs.*]\nfollow_imports = silent\n")
    programs = iter(range(1_000_000))

    def check(program: str) -> subprocess.CompletedProcess[str]:
        source = base / f"program-{next(programs)}" / "__main__.py"
        source.parent.mkdir()
        source.write_text(program)
        command = [sys.executable, "-m", "mypy", "--cache-dir", str(base / "cache"), "--config-file", str(config)]
        return subprocess.run([*command, str(source)], capture_output=True, text=True, cwd=ROOT, timeout=600)

    return check
