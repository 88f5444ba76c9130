"""Changes the API cannot make, refused at preview through the real engine: it sends every
number as a float, so a volume's recorded size reaches ``check`` as ``16.0``."""

from __future__ import annotations

import pytest

from ..conftest import RunningSimulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine


def test_shrinking_a_volume_is_refused_at_preview_naming_size(
    project: PulumiProject, engine_simulator: RunningSimulator
) -> None:
    client = engine_simulator.client()
    project.use_program("resized_volume.py")
    project.run("up", "--yes")
    volume_id = project.outputs()["volume_id"]
    assert client.volumes.show_volume(volume_id).size == 16

    project.run("config", "set", "size", "8")
    preview = project.run("preview", check=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0, output
    assert "property size" in output and "cannot shrink a volume from 16 to 8 GiB; volumes only grow" in output
    up = project.run("up", "--yes", check=False)
    assert up.returncode != 0, up.stdout
    assert client.volumes.show_volume(volume_id).size == 16, "the volume was not shrunk"
    assert project.outputs()["size"] == 16, "the state does not claim a size the volume does not have"

    project.run("config", "set", "size", "24")  # growing still works
    project.run("up", "--yes")
    assert client.volumes.show_volume(volume_id).size == 24
    project.run("destroy", "--yes")
    assert client.volumes.list_volumes().volumes == []
