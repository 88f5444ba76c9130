"""A broken configuration fails the preview of a new stack, naming the setting: before any request.

A typo in a key (``scpvs:regoin``) used to be ignored, so the stack deployed wherever the
other sources pointed; a bad number or region was only found by ``up``. Each case below
is a new stack (nothing in its state) whose preview must fail with one sentence naming the
setting, and reach no simulator.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ..conftest import RunningSimulator
from .conftest import PulumiProject, new_stack

pytestmark = pytest.mark.engine


CASES = [
    # (config to set, config keys to remove, what the preview must say)
    (
        {"scpvs:regoin": "kr-west1"},
        (),
        "scpvs:regoin (stack config) is not a pulumi-scpvs setting; did you mean scpvs:region?",
    ),
    (
        {"scpvs:maxRequestsPerSecond": "abc"},
        (),
        "scpvs:maxRequestsPerSecond (from the stack config) must be a positive number",
    ),
    ({"scpvs:maxRequestsPerSecond": "0"}, (), "not '0'"),
    (
        {"scpvs:region": "kr-nowhere"},
        ("scpvs:endpoint",),
        "scpvs:region (from the stack config) 'kr-nowhere' does not exist in environment 's'",
    ),
    (
        {"scpvs:environment": "x", "scpvs:region": "kr-west1"},
        ("scpvs:endpoint",),
        "scpvs:environment (from the stack config) 'x' is unknown",
    ),
    (
        {"scpvs:region": "kr-west1"},
        ("scpvs:endpoint", "scpvs:accessKey", "scpvs:secretKey"),
        "(the target of scpvs:region (from the stack config)): set scpvs:accessKey",
    ),
    (
        {"scpvs:profiles.dr.regoin": "kr-east1"},
        (),
        "scpvs:profiles.dr.regoin (stack config) is not a setting; did you mean region?",
    ),
]


def test_a_broken_configuration_fails_the_first_preview_naming_the_setting(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator
) -> None:
    project: PulumiProject = new_stack(tmp_path / "project", pulumi_bin, "one_volume.py", engine_simulator.url)
    stack_settings = project.directory / "Pulumi.test.yaml"
    working = stack_settings.read_text()
    assert project.run("preview").returncode == 0, "the stack as configured previews"
    for settings, removed, said in CASES:
        if removed:
            project.run("config", "rm-all", *removed)
        project.configure(settings, path=True)
        before = engine_simulator.requests()
        preview = project.run("preview", check=False)
        output = preview.stdout + preview.stderr
        assert preview.returncode != 0, f"a green preview for {settings} without {removed}:\n{output}"
        assert said in output, output
        assert "Traceback" not in output, output
        assert engine_simulator.requests() - before == Counter(), f"the preview for {settings} reached the cloud"
        stack_settings.write_text(working)  # back to the working configuration for the next case
    final = project.run("preview")
    # Every run says where it deploys, and where that came from.
    said = (
        f"pulumi-scpvs deploys to {engine_simulator.url} (the access key's account): "
        "endpoint from pulumi config, access key from pulumi config."
    )
    assert said in final.stdout + final.stderr, final.stdout
