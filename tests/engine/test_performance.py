"""The deployment benchmark in small: request counts (not times) and concurrency, under the real engine.

Counts are deterministic with transitions of 0 s (every wait needs one look), so any new
request per resource shows up here; `benchmarks/deploy.py` measures the times.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.deploy import PROGRAM, mutating
from pulumi_scpvs.provider._workers import WORKERS_ENV

from ..conftest import RunningSimulator, start_simulator
from .conftest import PulumiProject

pytestmark = pytest.mark.engine

# Requests the mixed stack with two servers (13 resources) may make, by operation.
# Every create looks first for what an interrupted run of the same resource may have made
# (provider/_ownership.py): one list (or show: a key pair's answers 404) per create, before
# the POST. With transitions of 0 s every wait needs one look, a show or a share of a list
# of its kind (scp/_watch.py), so the list and show budgets of a kind overlap; the total
# is budgeted too.
UP_BUDGET = {
    "create_keypair": 1, "show_keypair": 2,
    "list_server_groups": 1, "create_server_group": 1, "show_server_group": 1,
    "list_servers": 4, "create_server": 2, "show_server": 4,
    "list_volumes": 6, "create_volume": 2, "show_volume": 8,
    "attach_volume_to_server": 2, "show_server_volume": 2,
    "list_snapshots": 2, "create_snapshot": 1, "show_snapshot": 2,
    "list_launch_configurations": 1, "create_launch_configuration": 1, "show_launch_configuration": 1,
    "list_auto_scaling_groups": 1, "create_auto_scaling_group": 1, "show_auto_scaling_group": 2,
    "list_auto_scaling_group_servers": 1,
    "list_auto_scaling_group_policies": 1, "create_auto_scaling_group_policy": 1, "show_auto_scaling_group_policy": 1,
    "list_auto_scaling_group_schedules": 1, "create_auto_scaling_group_schedule": 1,
    "show_auto_scaling_group_schedule": 1,
}  # fmt: skip
UP_TOTAL_BUDGET = 48


def simulator_requests(url: str) -> Counter[str]:
    return Counter(httpx.get(f"{url}/_admin/requests", timeout=30).json())


def new_project(tmp_path: Path, pulumi_bin: Path, simulator: RunningSimulator, name: str) -> PulumiProject:
    directory = tmp_path / name
    directory.mkdir()
    project = PulumiProject(directory, pulumi_bin)
    (directory / "Pulumi.yaml").write_text("name: perf\nruntime: python\n")
    (directory / "__main__.py").write_text(PROGRAM)
    project.run("stack", "init", "test")
    project.target(simulator.url)
    return project


@pytest.fixture
def instant_simulator() -> Iterator[RunningSimulator]:
    running = start_simulator(transition_seconds=0)
    yield running
    running.stop()


def test_request_counts_stay_within_budget(
    tmp_path: Path, pulumi_bin: Path, instant_simulator: RunningSimulator
) -> None:
    url = instant_simulator.url
    project = new_project(tmp_path, pulumi_bin, instant_simulator, "mixed")
    project.configure({"shape": "mixed", "count": "2"})

    before = simulator_requests(url)
    project.run("up", "--yes", "--skip-preview")
    up = simulator_requests(url) - before
    scpvs = "pulumi-python:dynamic/scpvs:"  # every resource, but the stack identity (it makes no request)
    resources = [
        r
        for r in project.export()["deployment"]["resources"]
        if r["type"].startswith(scpvs) and r["type"] != f"{scpvs}StackIdentity"
    ]
    assert len(resources) == 13
    print(f"up: {sum(up.values())} requests for {len(resources)} resources: {dict(up)}")
    over = {name: (n, UP_BUDGET.get(name, 0)) for name, n in up.items() if n > UP_BUDGET.get(name, 0)}
    assert not over, f"more requests than budgeted (made, budget): {over}"
    assert sum(up.values()) <= UP_TOTAL_BUDGET

    # Previews compute check and diff from state: no request at all, with or without a change.
    for change in ("false", "true"):
        project.run("config", "set", "change", change)
        before = simulator_requests(url)
        steps = project.preview_steps()
        assert simulator_requests(url) - before == Counter(), f"preview (change={change}) made requests"
        changed = sorted(name for name, step in steps.items() if step["op"] != "same")
        assert changed == (["server-0"] if change == "true" else [])
    project.run("config", "set", "change", "false")

    # Refresh reads each object once (without --skip-preview the engine refreshes twice:
    # once to preview, once for real).
    before = simulator_requests(url)
    project.run("refresh", "--yes", "--skip-preview")
    refresh = simulator_requests(url) - before
    print(f"refresh: {dict(refresh)}")
    assert mutating(refresh) == 0
    assert sum(refresh.values()) == len(resources)

    before = simulator_requests(url)
    project.run("destroy", "--yes", "--skip-preview")
    destroy = simulator_requests(url) - before
    print(f"destroy: {sum(destroy.values())} requests: {dict(destroy)}")
    # A delete (or detach) each; a server is shown first (locked?); every kind waited gone
    # (2 servers, 2 volumes, a snapshot, the auto-scaling group) ends with a look answered
    # 404, shared lists or shows, counted as the simulator counts refused requests.
    assert sum(destroy.values()) <= len(resources) + 2 + 6 + 5


def overlap(waits: list[dict[str, Any]], kind: str, since: float) -> int:
    """The most transitions of ``kind`` in progress at the same moment."""
    events = []
    for row in waits:
        if row["kind"] == kind and row["started"] >= since:
            events += [(row["started"], 1), (row["due"], -1)]
    running = most = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):
        running += step
        most = max(most, running)
    return most


def test_independent_creates_and_deletes_run_at_once_and_state_does_not_depend_on_it(
    tmp_path: Path, pulumi_bin: Path
) -> None:
    simulator = start_simulator(transition_seconds=3)
    try:
        for label, workers in (("widened", None), ("host-default", "4")):
            project = new_project(tmp_path, pulumi_bin, simulator, label)
            if workers:
                project.env[WORKERS_ENV] = workers
            project.configure({"shape": "servers", "count": "8"})
            started = httpx.get(f"{simulator.url}/_admin/waits", timeout=30).json()
            since = max((row["started"] for row in started), default=0) + 1e-6
            project.run("up", "--yes", "--skip-preview", "--parallel=16")
            waits = httpx.get(f"{simulator.url}/_admin/waits", timeout=30).json()
            at_once = overlap(waits, "server", since)
            if workers is None:
                assert at_once == 8, "the eight server builds should all be in progress together"
                # Every resource keeps the default provider, so the mechanism is invisible in
                # state: changing the worker count changes nothing at the next preview.
                providers = {
                    tuple(r["provider"].split("::")[2:4])
                    for r in project.export()["deployment"]["resources"]
                    if r["type"].startswith("pulumi-python:dynamic")
                }
                assert [(kind, name.startswith("default")) for kind, name in providers] == [
                    ("pulumi:providers:pulumi-python", True)
                ]
                project.env[WORKERS_ENV] = "4"
                assert {s["op"] for s in project.preview_steps().values()} == {"same"}
                del project.env[WORKERS_ENV]
            else:
                assert at_once <= 4, "with the host's own four workers, at most four builds overlap"
            since = max(row["started"] for row in waits) + 1e-6
            project.run("destroy", "--yes", "--skip-preview", "--parallel=16")
            waits = httpx.get(f"{simulator.url}/_admin/waits", timeout=30).json()
            deleting_at_once = overlap(waits, "server", since)
            if workers is None:
                # `destroy` sends no Check: the provider is configured by the first Delete, when
                # the engine has already queued others in the host's pool.
                assert deleting_at_once == 8, "the eight server deletions should all be in progress together"
            else:
                assert deleting_at_once <= 4
    finally:
        simulator.stop()


def test_a_wide_deployment_under_a_rate_limit_slows_down_instead_of_failing(tmp_path: Path, pulumi_bin: Path) -> None:
    """Eight servers against 5 requests/s: with no ceiling configured the provider learns the
    limit from the 429s; with ``scpvs:maxRequestsPerSecond`` at the limit it never meets one."""
    limit = 5
    simulator = start_simulator(transition_seconds=1, extra_env={"SCPVS_SIM_FAULTS": json.dumps({"rate_limit": limit})})
    try:
        for label, ceiling in (("adaptive", None), ("ceiling", limit)):
            project = new_project(tmp_path, pulumi_bin, simulator, label)
            ceiling_setting = {} if ceiling is None else {"scpvs:maxRequestsPerSecond": str(ceiling)}
            project.configure({"shape": "servers", "count": "8", **ceiling_setting})
            refused_before = refused(simulator.url)
            up = project.run("up", "--yes", "--skip-preview", "--parallel=16", check=False)
            up_refused = refused(simulator.url) - refused_before
            assert up.returncode == 0, f"up failed under the rate limit:\n{up.stdout[-3000:]}"
            assert len(project.export()["deployment"]["resources"]) >= 9
            destroy = project.run("destroy", "--yes", "--skip-preview", "--parallel=16", check=False)
            assert destroy.returncode == 0, f"destroy failed under the rate limit:\n{destroy.stdout[-3000:]}"
            print(f"{label}: {up_refused} requests answered 429 during up")
            if ceiling is None:
                assert up_refused > 0, "the deployment should have met the limit (else this test proves nothing)"
            else:
                assert up_refused == 0
    finally:
        simulator.stop()


def refused(url: str) -> int:
    return int(httpx.get(f"{url}/_admin/faults", timeout=30).json()["injected"].get("rate_limited", 0))
