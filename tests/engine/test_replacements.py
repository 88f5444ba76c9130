"""The real engine: a replacement keeps its explicit name beside the object it replaces.

An unprovable object of a resource's explicit name stops its create (see README:
Reliability), but the object a replacement replaces is this stack's own: the engine's
``diff`` names it, and the create that follows (create before delete) neither stops on
it nor adopts it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import RunningSimulator
from .conftest import new_stack

pytestmark = pytest.mark.engine


def test_named_objects_are_replaced_under_the_same_name(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project = new_stack(tmp_path / "replaced", pulumi_bin, "named_replaced.py", engine_simulator.url)
    project.run("up", "--yes", "--skip-preview")
    before = project.outputs()
    project.run("config", "set", "stage", "2")
    project.run("up", "--yes")  # with its preview: diff runs in the preview's process and the update's
    after = project.outputs()
    client = engine_simulator.client()
    assert after["volume_id"] != before["volume_id"] and after["group_id"] != before["group_id"]
    assert [v.id for v in client.volumes.list_volumes(name="kept-data").volumes] == [after["volume_id"]]
    assert client.volumes.show_volume(after["volume_id"]).volume_type == "HDD"
    groups = [g.id for g in client.server_groups.list_server_groups().server_groups if g.name == "kept-group"]
    assert groups == [after["group_id"]]
    project.run("destroy", "--yes", "--skip-preview")
