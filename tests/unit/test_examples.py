"""The examples' hygiene without the engine: simulator ids only on the embedded simulator,
and the quickstart template prompts for everything its program reads."""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pulumi
import pytest
import yaml

from pulumi_scpvs import lookups

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TEMPLATE = ROOT / "templates" / "quickstart"
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.fixture
def stack_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """An empty stack config and nothing in the environment or ``~/.scpconf``; fill it in a test."""
    for name in [n for n in os.environ if n.startswith(("SCP_", "PULUMI_CONFIG"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    values: dict[str, str] = {}

    def get_config(key: str) -> str | None:
        return values.get(key)

    monkeypatch.setattr(pulumi.runtime, "get_config", get_config)
    monkeypatch.setattr(pulumi.config, "get_config", get_config)
    return values


def test_simulator_ids_are_defaults_on_the_embedded_simulator_only(stack_config: dict[str, str]) -> None:
    config = pulumi.Config("demo")
    assert lookups.is_embedded_target()
    assert lookups.config_id(config, "imageId", on_simulator="sim-image") == "sim-image"
    stack_config["demo:imageId"] = "real-image"
    assert lookups.config_id(config, "imageId", on_simulator="sim-image") == "real-image"

    stack_config["scpvs:endpoint"] = "http://127.0.0.1:9"
    stack_config["scpvs:accessKey"] = "ak"
    stack_config["scpvs:secretKey"] = "sk"
    assert not lookups.is_embedded_target()
    assert lookups.config_id(config, "imageId", on_simulator="sim-image") == "real-image"
    with pytest.raises(pulumi.ConfigMissingError, match="demo:subnetId"):
        lookups.config_id(config, "subnetId", on_simulator="sim-subnet")


def test_a_region_from_the_environment_or_scpconf_is_a_real_target(
    stack_config: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".scpconf").mkdir()
    (tmp_path / ".scpconf" / "config.json").write_text(json.dumps({"default-region": "kr-west1"}))
    assert not lookups.is_embedded_target()  # a region without credentials: real, not ready
    (tmp_path / ".scpconf" / "config.json").unlink()
    assert lookups.is_embedded_target()
    monkeypatch.setenv("SCP_TF_ACCESS_KEY", "ak")
    monkeypatch.setenv("SCP_TF_SECRET_KEY", "sk")
    monkeypatch.setenv("SCP_REGION", "kr-west1")
    assert not lookups.is_embedded_target()
    with pytest.raises(pulumi.ConfigMissingError, match="demo:imageId"):
        lookups.config_id(pulumi.Config("demo"), "imageId", on_simulator="sim-image")


def test_examples_take_catalogue_ids_only_through_config_id() -> None:
    """A catalogue constant in an example is only ever the ``on_simulator=`` of ``config_id``."""
    for program in sorted([*EXAMPLES.glob("*/*.py"), *TEMPLATE.glob("*.py")]):
        tree = ast.parse(program.read_text(encoding="utf-8"))
        allowed = {
            id(node)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "config_id"
            for keyword in call.keywords
            if keyword.arg == "on_simulator"
            for node in ast.walk(keyword.value)
        }
        stray = [
            f"{program.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and getattr(node.value, "id", None) == "catalogue"
            and id(node) not in allowed
        ]
        assert not stray, f"catalogue ids outside config_id(..., on_simulator=...): {stray}"
        hexes = re.findall(r"[\"'][0-9a-f]{32}[\"']", program.read_text(encoding="utf-8"))
        assert not hexes, f"{program.relative_to(ROOT)} hard-codes ids {hexes}"


def config_keys_read(program: Path) -> set[str]:
    """Keys the program reads with ``config.get*/require*`` or ``config_id(config, ...)``."""
    keys: set[str] = set()
    for call in ast.walk(ast.parse(program.read_text(encoding="utf-8"))):
        if not isinstance(call, ast.Call) or not call.args:
            continue
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and getattr(func.value, "id", None) == "config"
            and func.attr.startswith(("get", "require"))
            and isinstance(call.args[0], ast.Constant)
        ):
            keys.add(str(call.args[0].value))
        if getattr(func, "id", None) == "config_id" and isinstance(call.args[1], ast.Constant):
            keys.add(str(call.args[1].value))
    return keys


def test_the_quickstart_is_a_pulumi_new_template() -> None:
    project = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text(encoding="utf-8"))
    # Each `pulumi new` names its own project; the venv is found with the CLI alone.
    assert (project["name"], project["description"]) == ("${PROJECT}", "${DESCRIPTION}")
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    template = project["template"]
    assert template["description"]
    prompts = template["config"]
    assert all(prompt.get("description") for prompt in prompts.values())
    read = config_keys_read(TEMPLATE / "__main__.py")
    assert read == {"imageId", "serverType", "subnetId", "securityGroupId"}
    assert read <= set(prompts), f"not prompted: {read - set(prompts)}"
    # Empty prompts keep the simulator even with ~/.scpconf: the choice is recorded in the stack.
    assert prompts["scpvs:endpoint"]["default"] == "embedded"
    assert not any(key.startswith("scpvs:") and key != "scpvs:endpoint" for key in prompts)
    ignored = (TEMPLATE / ".gitignore").read_text(encoding="utf-8").split()
    assert {"venv/", ".scpvs/"} <= set(ignored)
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    assert "../" not in readme and "PIP_FIND_LINKS" in readme and "pulumi config rm scpvs:endpoint" in readme


def test_the_quickstart_requirements_match_pyproject() -> None:
    lines = (TEMPLATE / "requirements.txt").read_text(encoding="utf-8").split()
    requirements = {re.split(r"[<>=!~]", line, maxsplit=1)[0]: line for line in lines}
    assert set(requirements) == {"pulumi-scpvs", "pulumi"}
    pinned_pulumi = re.search(r'"(pulumi[<>=!~][^"]*)"', PYPROJECT)
    assert pinned_pulumi is not None
    assert requirements["pulumi"] == pinned_pulumi.group(1)
    version = re.search(r'^version = "(\d+)\.(\d+)\.\d+"', PYPROJECT, re.MULTILINE)
    assert version is not None
    major, minor = int(version.group(1)), int(version.group(2))
    assert requirements["pulumi-scpvs"] == f"pulumi-scpvs>={major}.{minor}.0,<{major}.{minor + 1}"
