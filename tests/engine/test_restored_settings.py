"""The real engine: settings removed by mistake, refused, then restored.

``destroy`` and ``refresh`` run no program: they use the provider settings the last ``up``
recorded, even a refused one. After the settings are restored, the refusal says that one
``pulumi up`` is the repair, and that repair works.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import RunningSimulator
from .conftest import new_stack

pytestmark = pytest.mark.engine

SETTINGS = ("scpvs:endpoint", "scpvs:accessKey", "scpvs:secretKey")


def test_restored_settings_need_one_up_and_the_refusal_says_so(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = new_stack(tmp_path / "restored", pulumi_bin, "one_volume.py", engine_simulator.url)
    project.run("up", "--yes", "--skip-preview")
    volume_id = project.outputs()["volume_id"]
    for name in SETTINGS:
        project.run("config", "rm", name)
    refused = project.run("up", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0 and "'embedded'" in refused.stdout + refused.stderr
    project.target(engine_simulator.url)

    destroy = project.run("destroy", "--yes", "--skip-preview", check=False)
    if destroy.returncode != 0:  # the engine kept the settings of the refused up: the message names the repair
        output = destroy.stdout + destroy.stderr
        assert "run `pulumi up` once" in output, output
        assert engine_simulator.client().volumes.show_volume(volume_id).state == "available"
        repaired = project.run("up", "--yes", "--skip-preview")
        assert "error" not in repaired.stdout.lower()
        assert {step["op"] for step in project.preview_steps().values()} == {"same"}
        project.run("destroy", "--yes", "--skip-preview")
    assert [v.id for v in engine_simulator.client().volumes.list_volumes().volumes if v.id == volume_id] == []
