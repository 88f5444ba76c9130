"""Upgrading from 0.1.0: a stack it deployed takes this version with nothing replaced or changed.

0.1.0 registered every resource as ``pulumi-python:dynamic:Resource`` (the kind in a
``__kind`` input); each class is now its own type, with an alias to the old one. The first
``up`` runs 0.1.0's code (its package from ``git archive`` of commit f39ae66, on the
``PYTHONPATH`` of the CLI, which the program and the dynamic provider host inherit); the
same program then runs on this version.
"""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import dill
import httpx
import pytest

from benchmarks.deploy import mutating
from pulumi_scpvs.preview_summary import resource_kind, summarize
from pulumi_scpvs.provider import ScpProvider

from ..conftest import RunningSimulator
from ..releases import RELEASE_0_1_0, RELEASE_0_2_0, extract
from .conftest import PulumiProject

pytestmark = pytest.mark.engine

SHARED_TYPE = "pulumi-python:dynamic:Resource"
SCPVS_TYPE = "pulumi-python:dynamic/scpvs:"
IDENTITY_TYPE = f"{SCPVS_TYPE}StackIdentity"
# The program's resources (URN name -> kind); "vm" is both the component and its server.
KINDS = {
    "key": "Keypair",
    "app": "Server",
    "data": "Volume",
    "data-attach": "VolumeAttachment",
    "vm-key": "Keypair",
    "vm": "Server",
    "vm-data-0": "Volume",
    "vm-attach-0": "VolumeAttachment",
}
PARENTS = {"data-attach": ("Server",)}  # parents that are scpvs resources themselves
NOTHING_TO_DO = {"same": len(KINDS) + 3}  # and the stack, its identity, the component


def plain(value: Any) -> Any:
    """A value of ``pulumi stack export --show-secrets`` (secrets are wrapped with their plaintext)."""
    if isinstance(value, dict) and "plaintext" in value:
        return json.loads(value["plaintext"])
    return value


def scpvs_resources(project: PulumiProject) -> dict[str, dict[str, Any]]:
    """The state's scpvs resources (not the stack identity, not the component), by URN name."""
    exported = json.loads(project.run("stack", "export", "--show-secrets").stdout)
    resources = {}
    for resource in exported["deployment"].get("resources", []):
        type_ = resource["type"]
        if type_ == SHARED_TYPE or (type_.startswith(SCPVS_TYPE) and type_ != IDENTITY_TYPE):
            resources[resource["urn"].rsplit("::", 1)[-1]] = resource
    return resources


def resource_types(name: str) -> list[str]:
    """The new types along a resource's URN, where 0.1.0 had the shared one (parents first)."""
    return [SCPVS_TYPE + kind for kind in (*PARENTS.get(name, ()), KINDS[name])]


def plan(project: PulumiProject) -> dict[str, int]:
    """What a preview would do: operation -> count (``steps`` leaves out unchanged resources)."""
    return json.loads(project.run("preview", "--json").stdout)["changeSummary"]  # type: ignore[no-any-return]


def world(simulator: RunningSimulator) -> dict[str, Any]:
    return httpx.get(f"{simulator.url}/_admin/world", timeout=30).json()  # type: ignore[no-any-return]


def on_release(
    release: str, program: str, tmp_path: Path, pulumi_bin: Path, simulator: RunningSimulator
) -> PulumiProject:
    """A stack of ``program`` whose CLI runs the package as it was at commit ``release``
    (on the ``PYTHONPATH`` the program and the dynamic provider host inherit)."""
    old_code = extract(release, tmp_path / f"release-{release}")
    directory = tmp_path / "project"
    directory.mkdir()
    project = PulumiProject(directory, pulumi_bin, extra_env={"PYTHONPATH": str(old_code)})
    project.use_program(program)
    project.run("stack", "init", "test")
    project.target(simulator.url)
    return project


def on_this_version(project: PulumiProject) -> None:
    """From now on the stack runs this checkout's package."""
    project.env.pop("PYTHONPATH")
    if "PYTHONPATH" in os.environ:
        project.env["PYTHONPATH"] = os.environ["PYTHONPATH"]


def test_a_stack_deployed_by_0_1_0_upgrades_with_nothing_replaced_or_changed(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = on_release(RELEASE_0_1_0, "upgrade.py", tmp_path, pulumi_bin, engine_simulator)

    # 0.1.0 deploys: its program registers the shared type, its provider records __kind.
    project.run("up", "--yes", "--skip-preview")
    old = scpvs_resources(project)
    assert {name: (r["type"], r["inputs"].get("__kind")) for name, r in old.items()} == {
        name: (SHARED_TYPE, kind) for name, kind in KINDS.items()
    }, "the first deploy did not run 0.1.0's code"
    assert "::pulumi-python:dynamic:Resource$pulumi-python:dynamic:Resource::data-attach" in old["data-attach"]["urn"]
    assert "::scpvs:components:VirtualMachine$pulumi-python:dynamic:Resource::vm-data-0" in old["vm-data-0"]["urn"]
    # What they pickled is a reference to a provider class, which this version still resolves.
    for name, resource in old.items():
        provider = dill.loads(base64.b64decode(plain(resource["outputs"]["__provider"])))
        assert isinstance(provider, ScpProvider) and provider.spec.type_name == KINDS[name], name
    ids = {name: r["id"] for name, r in old.items()}

    # This version: the preview plans nothing but `same`, without a request to the cloud. Each
    # resource is found under its 0.1.0 URN through the alias (a child of a resource through
    # its parent's alias too), and the new inputs (no __kind) make no difference.
    on_this_version(project)
    before, objects = engine_simulator.requests(), world(engine_simulator)
    preview = json.loads(project.run("preview", "--json", "--show-sames").stdout)
    assert preview["changeSummary"] == NOTHING_TO_DO
    steps = {step["urn"]: step for step in preview["steps"]}
    assert {step["op"] for step in steps.values()} == {"same"}
    for name, resource in old.items():
        new_urn = resource["urn"].replace(SHARED_TYPE, "{}").format(*resource_types(name))
        step = steps.pop(new_urn)
        assert (step["oldState"]["urn"], step["newState"]["type"]) == (resource["urn"], SCPVS_TYPE + KINDS[name])
        assert resource_kind(step) == KINDS[name]
    assert len(steps) == 3
    assert summarize(preview) == "### Pulumi preview: no changes\n"
    assert engine_simulator.requests() - before == Counter(), "the preview made requests"

    # up changes nothing in the cloud (it asks nothing); the state has the new types, the same ids.
    project.run("up", "--yes", "--skip-preview")
    assert engine_simulator.requests() - before == Counter(), "the up after the upgrade made requests"
    assert world(engine_simulator) == objects
    new = scpvs_resources(project)
    assert {name: (r["type"], r["id"]) for name, r in new.items()} == {
        name: (SCPVS_TYPE + kind, ids[name]) for name, kind in KINDS.items()
    }
    assert all("__kind" not in r["inputs"] for r in new.values())
    assert plan(project) == NOTHING_TO_DO

    # refresh and destroy run on this version, from the state 0.1.0 wrote.
    before = engine_simulator.requests()
    project.run("refresh", "--yes", "--skip-preview")
    assert mutating(engine_simulator.requests() - before) == 0
    assert world(engine_simulator) == objects
    assert plan(project) == NOTHING_TO_DO
    project.run("destroy", "--yes", "--skip-preview")
    assert scpvs_resources(project) == {}
    client = engine_simulator.client()
    assert client.servers.list_servers().servers == []
    assert client.volumes.list_volumes().volumes == []
    assert client.keypairs.list_keypairs().keypairs == []


def test_a_stack_deployed_by_0_2_0_upgrades_with_nothing_changed_and_diffs_as_before(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    """0.2.0 recorded every input in ``__inputs`` and kept ``__provider`` secret; this version
    records only the inputs unlike the outputs (``__inputs_delta``) and a plain ``__provider``.
    The old state plans nothing, a refresh rewrites it without a change, and a changed input
    is still an update of that input alone."""
    project = on_release(RELEASE_0_2_0, "upgrade_0_2.py", tmp_path, pulumi_bin, engine_simulator)
    project.run("config", "set", "size", "8")
    project.run("up", "--yes", "--skip-preview")
    old = scpvs_resources(project)
    assert all("__inputs" in r["outputs"] and "__inputs_delta" not in r["outputs"] for r in old.values()), (
        "the first deploy did not run 0.2.0's code"
    )
    ids = {name: r["id"] for name, r in old.items()}

    on_this_version(project)
    before, objects = engine_simulator.requests(), world(engine_simulator)
    nothing = {"same": len(old) + 2}  # and the stack and its identity
    assert plan(project) == nothing
    project.run("up", "--yes", "--skip-preview")
    assert engine_simulator.requests() - before == Counter(), "the up after the upgrade made requests"

    project.run("refresh", "--yes", "--skip-preview")
    assert mutating(engine_simulator.requests() - before) == 0
    assert world(engine_simulator) == objects
    new = scpvs_resources(project)
    assert {name: r["id"] for name, r in new.items()} == ids
    for name, resource in new.items():
        outputs = resource["outputs"]
        assert "__inputs" not in outputs and isinstance(plain(outputs["__inputs_delta"]), dict), name
        # The program's new __provider (not a secret) is in the inputs since the `up`; the outputs
        # keep the old one until the object's next create or update: the same class either way.
        assert isinstance(resource["inputs"]["__provider"], str), f"{name}: __provider is still a secret"
    assert plain(new["data"]["outputs"]["__inputs_delta"]) == {"__autonamed": "stack", "__unset": ["volume_type"]}
    assert "upgrade-secret-value" not in project.run("stack", "export").stdout
    assert plan(project) == nothing

    project.run("config", "set", "size", "16")
    steps = project.preview_steps()
    assert {name: step["op"] for name, step in steps.items() if step["op"] != "same"} == {"data": "update"}
    project.run("up", "--yes", "--skip-preview")
    assert plan(project) == nothing
    project.run("destroy", "--yes", "--skip-preview")
    assert scpvs_resources(project) == {}
    assert engine_simulator.client().volumes.list_volumes().volumes == []
