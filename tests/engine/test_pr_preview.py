"""examples/ci/pull-request-preview.yml's own commands, run against a stack whose state is in
an S3-compatible bucket (moto's server on 127.0.0.1): the pull request's comment shows the
real change against the deployed stack, and the errors when the preview fails."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from moto.server import ThreadedMotoServer

from ..conftest import RunningSimulator
from .conftest import ROOT, PulumiProject

pytestmark = pytest.mark.engine

WORKFLOW = ROOT / "examples" / "ci" / "pull-request-preview.yml"
BUCKET = "pulumi-state"
STACK = "prod"
# The local server accepts any keys; the CLI's S3 client needs some. NO_PROXY keeps it on loopback.
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "NO_PROXY": "127.0.0.1"}


@pytest.fixture
def s3_backend_url() -> Iterator[str]:
    """``PULUMI_BACKEND_URL`` of an empty bucket on a local S3-compatible server."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    httpx.put(f"http://{host}:{port}/{BUCKET}").raise_for_status()
    yield f"s3://{BUCKET}?endpoint={host}:{port}&disableSSL=true&s3ForcePathStyle=true&region=us-east-1"
    server.stop()


def workflow_steps() -> dict[str, dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return {step.get("id", step.get("name", "")): step for step in workflow["jobs"]["preview"]["steps"]}


def run_step(project: PulumiProject, step: dict[str, Any], stack: str = STACK) -> dict[str, str]:
    """Run a step's script as GitHub does (bash -eo pipefail); return the outputs it set."""
    outputs = project.directory / "github-output"
    outputs.write_text("")
    env = {**project.env, "STACK": stack, "HEAD_SHA": "0123abc", "GITHUB_OUTPUT": str(outputs)}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=project.directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"{step.get('name')} failed:\n{result.stdout}\n{result.stderr}"
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)


def pull_request(main: PulumiProject, directory: Path, program: str, pulumi_bin: Path) -> PulumiProject:
    """A fresh checkout of the repository with ``program`` changed: its stack config comes from
    the main branch's Pulumi.<stack>.yaml, its state only from the bucket."""
    directory.mkdir()
    shutil.copy(main.directory / f"Pulumi.{STACK}.yaml", directory)
    checkout = PulumiProject(directory, pulumi_bin, {"PULUMI_BACKEND_URL": main.env["PULUMI_BACKEND_URL"]})
    checkout.use_program(program)
    return checkout


def preview_and_summarize(checkout: PulumiProject, stack: str = STACK) -> tuple[str, str]:
    """The workflow's Preview and Summary steps: the preview's exit code and the comment."""
    steps = workflow_steps()
    exit_code = run_step(checkout, steps["preview"], stack)["exit-code"]
    run_step(checkout, steps["summary"], stack)
    return exit_code, (checkout.directory / "summary.md").read_text(encoding="utf-8")


def test_the_workflow_comments_even_when_the_preview_fails_and_then_fails() -> None:
    steps = workflow_steps()
    assert steps["summary"]["if"] == "always()"
    comment = next(step for step in steps.values() if "sticky-pull-request-comment" in str(step.get("uses")))
    assert comment["if"] == "always()"
    assert comment["with"]["header"].startswith("pulumi-preview-")  # one comment per stack, edited
    failing = steps["Fail when the preview failed"]
    assert failing["if"] == "steps.preview.outputs.exit-code != '0'"
    assert "exit 1" in failing["run"]


def test_a_pull_request_previews_its_change_to_the_stack_in_the_bucket(
    tmp_path: Path, pulumi_bin: Path, engine_simulator: RunningSimulator, s3_backend_url: str
) -> None:
    # The main branch: the stack, its config and an up, with the state in the bucket.
    main = PulumiProject(tmp_path / "main", pulumi_bin, {"PULUMI_BACKEND_URL": s3_backend_url})
    main.directory.mkdir()
    main.env.update(S3_CREDENTIALS)
    main.use_program("pr_main.py")
    main.run("stack", "init", STACK)
    main.target(engine_simulator.url)
    main.run("up", "--yes")

    # A pull request that grows one volume and changes the other's type: the comment shows
    # that change against the deployed stack, not everything "to create".
    change = pull_request(main, tmp_path / "pr-change", "pr_change.py", pulumi_bin)
    change.env.update(S3_CREDENTIALS)
    exit_code, summary = preview_and_summarize(change)
    assert exit_code == "0", summary
    assert summary.startswith("### Pulumi preview: 1 to update, 1 to replace\n"), summary
    assert "> - `logs` (Volume) because of volume_type" in summary
    assert "| ✏️ update | `data` | Volume | size: 8 → 16 |" in summary
    assert "create" not in summary
    assert summary.endswith("<sub>Stack `prod` at 0123abc</sub>\n")

    # A pull request with a size the provider's check refuses: the preview fails, and the
    # comment says so with the resource and the reason.
    bad = pull_request(main, tmp_path / "pr-bad", "pr_bad_input.py", pulumi_bin)
    bad.env.update(S3_CREDENTIALS)
    exit_code, summary = preview_and_summarize(bad)
    assert exit_code != "0", summary
    assert summary.startswith("### ❌ Pulumi preview failed\n"), summary
    assert (
        "> - `data` (Volume): property size value {7} has a problem: Input should be greater than or equal to 8\n"
    ) in summary

    # Previews change nothing: the stack in the bucket still has its two volumes as deployed.
    resources = main.export()["deployment"]["resources"]
    sizes = {r["urn"].rsplit("::", 1)[-1]: r["inputs"].get("size") for r in resources if "Volume" in r["type"]}
    assert sizes == {"data": 8, "logs": 8}


def test_a_preview_that_cannot_start_is_commented_with_the_cli_error(
    tmp_path: Path, pulumi_bin: Path, s3_backend_url: str
) -> None:
    # The stack variable names a stack the bucket does not have: no JSON at all.
    directory = tmp_path / "pr"
    directory.mkdir()
    checkout = PulumiProject(directory, pulumi_bin, {"PULUMI_BACKEND_URL": s3_backend_url, **S3_CREDENTIALS})
    checkout.use_program("pr_main.py")
    exit_code, summary = preview_and_summarize(checkout, stack="no-such-stack")
    assert exit_code != "0"
    assert summary.startswith("### ❌ Pulumi preview failed\n"), summary
    assert "no stack named 'no-such-stack' found" in summary
