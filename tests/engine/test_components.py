"""Components under the engine: what they create, their outputs, and the rolling template."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pulumi_scpvs.preview_summary import summarize

from ..conftest import RunningSimulator
from .conftest import ROOT, PulumiProject
from .test_examples import IDS_BY_EXAMPLE

pytestmark = pytest.mark.engine


def example_project(example: str, tmp_path: Path, pulumi_bin: Path, simulator: RunningSimulator) -> PulumiProject:
    directory = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, directory)
    project = PulumiProject(directory, pulumi_bin)
    project.run("stack", "init", "test")
    project.target(simulator.url)
    project.configure(IDS_BY_EXAMPLE[example])  # not the embedded target: ids come from config
    return project


def test_auto_scaled_service_rolls_onto_a_new_template_in_place(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    client = engine_simulator.client()
    project = example_project("auto-scaling", tmp_path, pulumi_bin, engine_simulator)
    project.run("up", "--yes")
    first = project.outputs()
    assert first["server_count"] == 2
    assert len(client.auto_scaling_groups.list_auto_scaling_group_policies(first["group_id"]).policies) == 2

    project.run("config", "set", "userData", "#!/bin/sh\nsystemctl start app-v2\n")
    summary = summarize(json.loads(project.run("preview", "--json").stdout))
    assert summary.startswith("### Pulumi preview: 1 to update, 1 to replace")
    assert "> - `app-template` (LaunchConfiguration) because of " in summary and "user_data" in summary, summary
    changed = r'launch_configuration_id: "\w+" → \(known after apply\)'
    assert re.search(rf"\| ✏️ update \| `app` \| AutoScalingGroup \| {changed} \|", summary), summary
    # The secret that forces the template's replacement is named, its value never shown.
    assert "**user_data (secret)**" in summary and "app-v2" not in summary, summary
    steps = project.preview_steps()
    assert steps["app-template"]["op"] == "replace"
    assert steps["app"]["op"] == "update", "the group must not be replaced"
    project.run("up", "--yes")
    second = project.outputs()
    assert second["group_id"] == first["group_id"]
    assert second["launch_configuration_id"] != first["launch_configuration_id"]
    group = client.auto_scaling_groups.show_auto_scaling_group(second["group_id"])
    assert (group.launch_configuration_id, group.state) == (second["launch_configuration_id"], "IN_SERVICE")
    ids = {lc.id for lc in client.launch_configurations.list_launch_configurations().launch_configurations}
    assert ids == {second["launch_configuration_id"]}, "the old template is deleted after the move"
    project.run("destroy", "--yes", "--skip-preview")


def test_virtual_machine_outputs(tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator) -> None:
    client = engine_simulator.client()
    project = example_project("web-two-tier", tmp_path, pulumi_bin, engine_simulator)
    first_preview = summarize(json.loads(project.run("preview", "--json").stdout))
    assert first_preview.startswith("### Pulumi preview: ") and "to create" in first_preview
    assert "| ➕ create | `web-0` | scpvs:components:VirtualMachine |" in first_preview
    assert "| ➕ create | `db-data-0` | Volume |" in first_preview
    project.run("up", "--yes")
    outputs = project.outputs()
    assert outputs["public_ip"] == "203.0.113.10"
    assert outputs["db_private_ip"].startswith("192.168.20.")
    assert len(outputs["web_private_ips"]) == 2
    [volume_id] = outputs["db_volume_ids"]
    volume = client.volumes.show_volume(volume_id)
    assert (volume.size, volume.state) == (64, "in-use")
    assert outputs["db_private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    exported = project.export()
    assert outputs["db_private_key"].splitlines()[1] not in str(exported), "the private key must stay a secret"
    groups = client.server_groups.list_server_groups().server_groups
    assert len(groups) == 1 and len(groups[0].members) == 2, "both web machines are in the anti-affinity group"
    project.run("destroy", "--yes", "--skip-preview")
