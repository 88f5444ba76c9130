"""Deployment benchmark: how fast the engine deploys through our providers, and what it costs.

    python benchmarks/deploy.py                      # transitions of 5 s, --parallel 32
    python benchmarks/deploy.py --compare            # also: host's 4 workers, pool of providers
    python benchmarks/deploy.py --transition-seconds 2 --mixed-servers 6
    python benchmarks/deploy.py --scale              # also: ~300 resources, then under a rate limit
    python benchmarks/deploy.py --only-scale --package-from /tmp/before   # an older checkout's figures

Runs the real engine against a simulator whose transitional states last a set time and
prints: `up` and `destroy` wall times for a key alone (`up_key_only_s`, the engine's fixed
cost), 1 server and 16 independent servers (and their ratios), with the requests per
resource of the 16 servers' up and destroy; `up`/`destroy` of a mixed stack of about 50
resources against its critical path (the longest chain of dependent transitions,
computed from the stack's dependency graph); `preview` of that stack with nothing to do
and with one change (time and requests, of which mutating); API requests per resource by
operation; polls per wait and the lag between an object settling in the simulator and a
poll seeing it (from the simulator's `/_admin/waits`); the provider processes' peak
memory. `--compare` also deploys the 16 servers with the provider host's own four
workers and with a pool of explicit providers.

`--scale` adds (`--only-scale`: only these, the key-only and the 1/16-server figures) a
stack of `--scale-servers` servers (100), as many 8 GiB volumes, each attached to its
server, and a key: `scale_*` figures for `up` against the critical path and against the
critical path plus the fixed cost, requests per resource (by operation for `up`),
`preview` with nothing to do and `refresh` (time, requests), `destroy` against the
destroy's critical path, the provider's peak memory and the state's bytes per resource.
Then the same stack against a second simulator that allows `--rate-limit` requests per
second (20) per access key, the stack configured with `scpvs:maxRequestsPerSecond` set
to that budget unless `--no-client-budget`: `rate_limited_*` figures for `up` and
`destroy` (time, failed resources, requests handled, 429 answers and their share).

Requests are the simulator's `/_admin/requests` counts: operations that reached their
handler and committed (not the 429s, nor answers like a 404 on a deleted object).
`--package-from DIR` makes the pulumi processes (program and provider host) import
pulumi_scpvs from DIR; `package_path` and `provider_package_path` show where they did.
A script, not a test: the machines are noisy, so figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.resilience import (
    ACCESS_KEY,
    SCPVS_TYPE,
    SECRET_KEY,
    config_set_all,
    file_backend_url,
    is_cloud_resource,
    pulumi_bin,
    start_simulator,
)
from pulumi_scpvs.provider._workers import WORKERS_ENV

PROGRAM = """
import zlib
import pulumi
import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

config = pulumi.Config()
shape = config.require("shape")
count = config.require_int("count")
change = config.get_bool("change") or False
# The alternative --compare measures: several provider processes (explicit providers, each
# given the settings explicitly, since explicit providers do not see the stack config),
# each resource assigned to one by a hash of its name.
pool_size = config.get_int("pool") or 0
scp = pulumi.Config("scpvs")
settings = {"scpvs:endpoint": scp.require("endpoint"), "scpvs:accessKey": scp.require_secret("accessKey"),
            "scpvs:secretKey": scp.require_secret("secretKey")}
pool = [pulumi.ProviderResource("pulumi-python", f"pool-{i}", settings) for i in range(pool_size)]

def opts(name):
    return pulumi.ResourceOptions(provider=pool[zlib.crc32(name.encode()) % len(pool)]) if pool else None

key = scpvs.Keypair("key", opts=opts("key"))
network = [{"subnet_id": cat.SUBNET_ID}]
if shape == "servers":
    for i in range(count):
        scpvs.Server(f"server-{i}", image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2",
                     keypair_name=key.name, networks=network, opts=opts(f"server-{i}"))
elif shape == "scale":
    for i in range(count):
        server = scpvs.Server(f"server-{i}", image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2",
                              keypair_name=key.name, networks=network)
        volume = scpvs.Volume(f"data-{i}", size=8)
        scpvs.VolumeAttachment(f"attach-{i}", volume_id=volume.id, server_id=server.id)
else:
    group = scpvs.ServerGroup("group", policy="anti-affinity")
    for i in range(count):
        server = scpvs.Server(f"server-{i}", name=f"server-{i}-b" if change and i == 0 else f"server-{i}",
                              image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2", keypair_name=key.name,
                              networks=network, server_group_id=group.id if i < 3 else None)
        volume = scpvs.Volume(f"data-{i}", size=8)
        attachment = scpvs.VolumeAttachment(f"attach-{i}", volume_id=volume.id, server_id=server.id)
        if i % 2 == 0:
            # SCP refuses to snapshot a volume while it is attaching (409): say so, rather
            # than have the snapshot's create wait out the conflict.
            scpvs.Snapshot(f"snap-{i}", volume_id=volume.id, force=True,
                           opts=pulumi.ResourceOptions(depends_on=[attachment]))
    lc = scpvs.LaunchConfiguration("template", image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2",
                                   keypair_name=key.name)
    asg = scpvs.AutoScalingGroup("app", server_name_prefix="app", launch_configuration_id=lc.id,
                                 subnet_ids=[cat.SUBNET_ID], min_server_count=1, desired_server_count=1,
                                 max_server_count=2)
    scpvs.AutoScalingGroupPolicy("cpu", auto_scaling_group_id=asg.id, metric_type="CPU", comparison_operator="ge",
                                 threshold=80, scale_type="SCALE_OUT", scale_value=1)
    scpvs.AutoScalingGroupSchedule("night", auto_scaling_group_id=asg.id, frequency="DAILY", hour=1, minute=0,
                                   start_date="2026-12-01")

if config.get_bool("probe"):
    # Where pulumi_scpvs is imported from: by this program, and by the dynamic provider
    # host (this provider's create runs there, in the process that serves every resource).
    class WhereProvider(pulumi.dynamic.ResourceProvider):
        def create(self, props):
            import pulumi_scpvs
            return pulumi.dynamic.CreateResult("where", {"path": pulumi_scpvs.__file__})

    class Where(pulumi.dynamic.Resource):
        path: pulumi.Output[str]

        def __init__(self, name):
            super().__init__(WhereProvider(), name, {"path": None})

    pulumi.export("package_path", scpvs.__file__)
    pulumi.export("provider_package_path", Where("where").path)
"""
# Transitions each kind's create waits for in the simulator (a server's BUILD -> ACTIVE,
# an attachment's attaching -> in-use...); the others are ready when created.
TRANSITIONS_ON_CREATE = {"Server": 1, "Volume": 1, "VolumeAttachment": 1, "Snapshot": 1, "AutoScalingGroup": 1}
# Transitions each kind's delete waits for: a server's DELETING, a volume's deleting, an
# attachment's detaching, a snapshot's deleting, an auto-scaling group's members deleting
# (the group itself goes at once); keypairs, server groups, launch configurations,
# policies and schedules go at once. The same kinds and counts as on create.
TRANSITIONS_ON_DELETE = {"Server": 1, "Volume": 1, "VolumeAttachment": 1, "Snapshot": 1, "AutoScalingGroup": 1}
FAILED_RESOURCE = re.compile(rf"^\s+{re.escape(SCPVS_TYPE)}\w+ \(([^)]+)\):\s*\n\s+error:", re.MULTILINE)


class Project:
    def __init__(
        self,
        url: str,
        parallel: int,
        env: dict[str, str] | None = None,
        package_from: str | None = None,
        program: str = PROGRAM,
    ) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="scpvs-bench-"))
        (self.work / "state").mkdir()
        (self.work / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
        (self.work / "__main__.py").write_text(program)
        self.parallel = parallel
        self.env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), pulumi_bin(), os.environ.get("PATH", "")]),
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_BACKEND_URL": file_backend_url(self.work / "state"),
            "PULUMI_HOME": str(self.work / "home"),
            "PULUMI_CONFIG_PASSPHRASE": "bench",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",  # see scripts/env.sh
            **(env or {}),
        }
        if package_from:
            # The program and the dynamic provider host (both started by pulumi with this
            # environment) import pulumi_scpvs from there; the simulator is not affected.
            self.env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(Path(package_from).resolve()), self.env.get("PYTHONPATH", "")) if p
            )
        self.run("stack", "init", "bench")
        self.run(
            *config_set_all({"scpvs:endpoint": url}, {"scpvs:accessKey": ACCESS_KEY, "scpvs:secretKey": SECRET_KEY})
        )

    def attempt(self, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
        """Run ``pulumi *args``: its wall time and its result, failed or not."""
        started = time.monotonic()
        result = subprocess.run(
            ["pulumi", *args, "--non-interactive"], cwd=self.work, env=self.env, capture_output=True, text=True
        )
        return time.monotonic() - started, result

    def run(self, *args: str) -> float:
        elapsed, result = self.attempt(*args)
        if result.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-1000:]}")
        return elapsed

    def up(self) -> float:
        return self.run(*self.up_args())

    def up_args(self) -> tuple[str, ...]:
        return ("up", "--yes", "--skip-preview", f"--parallel={self.parallel}")

    def destroy(self) -> float:
        return self.run(*self.destroy_args())

    def destroy_args(self) -> tuple[str, ...]:
        return ("destroy", "--yes", "--skip-preview", f"--parallel={self.parallel}")

    def preview(self) -> float:
        return self.run("preview", f"--parallel={self.parallel}")

    def refresh(self) -> float:
        return self.run("refresh", "--yes", "--skip-preview", f"--parallel={self.parallel}")

    def export_text(self) -> str:
        return subprocess.run(
            ["pulumi", "stack", "export"], cwd=self.work, env=self.env, capture_output=True, text=True, check=True
        ).stdout

    def export(self) -> list[dict[str, Any]]:
        return list(json.loads(self.export_text())["deployment"]["resources"])

    def outputs(self) -> dict[str, Any]:
        shown = subprocess.run(
            ["pulumi", "stack", "output", "--json", "--show-secrets"],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return dict(json.loads(shown))


def failed_resources(result: subprocess.CompletedProcess[str]) -> int:
    """How many of our resources a failed pulumi run names in its diagnostics (0 if it succeeded)."""
    if result.returncode == 0:
        return 0
    return len(set(FAILED_RESOURCE.findall(result.stdout + result.stderr)))


def critical_path_seconds(resources: list[dict[str, Any]], transition_seconds: float) -> float:
    """The longest chain of dependent transitions in the stack, in seconds."""
    by_urn = {r["urn"]: r for r in resources}
    longest: dict[str, float] = {}

    def finish(urn: str) -> float:
        if urn not in longest:
            resource = by_urn[urn]
            kind = resource["type"].removeprefix(SCPVS_TYPE)
            own = TRANSITIONS_ON_CREATE.get(kind, 0) * transition_seconds
            longest[urn] = own + max((finish(d) for d in resource.get("dependencies", []) if d in by_urn), default=0)
        return longest[urn]

    return max((finish(urn) for urn in by_urn), default=0.0)


def destroy_critical_path_seconds(resources: list[dict[str, Any]], transition_seconds: float) -> float:
    """The longest chain of dependent delete transitions: a resource is deleted once every
    resource that depends on it is gone (the create graph, reversed)."""
    by_urn = {r["urn"]: r for r in resources}
    dependents: dict[str, list[str]] = {urn: [] for urn in by_urn}
    for resource in resources:
        for dependency in resource.get("dependencies", []):
            if dependency in by_urn:
                dependents[dependency].append(resource["urn"])
    longest: dict[str, float] = {}

    def finish(urn: str) -> float:
        if urn not in longest:
            kind = by_urn[urn]["type"].removeprefix(SCPVS_TYPE)
            own = TRANSITIONS_ON_DELETE.get(kind, 0) * transition_seconds
            longest[urn] = own + max((finish(d) for d in dependents[urn]), default=0)
        return longest[urn]

    return max((finish(urn) for urn in by_urn), default=0.0)


def wait_figures(waits: list[dict[str, Any]], since: float) -> dict[str, Any]:
    """Polls per wait and detection lag, from the simulator's record of transitions and looks."""
    observed: dict[tuple[str, float], list[dict[str, Any]]] = {}
    for row in waits:
        if row["started"] >= since and row["observed"] is not None:
            observed.setdefault((row["id"], row["observed"]), []).append(row)
    polls, lags, over_target = [], [], 0
    for (_, seen), rows in observed.items():
        due = max(r["due"] for r in rows)
        duration = due - min(r["started"] for r in rows)
        lag = max(seen - due, 0.0)
        polls.append(max(r["looks"] for r in rows))
        lags.append(lag)
        over_target += lag > 1 + 0.1 * duration
    if not lags:
        return {"waits_observed": 0}
    return {
        "waits_observed": len(lags),
        "polls_per_wait_mean": round(sum(polls) / len(polls), 1),
        "polls_per_wait_max": max(polls),
        "detection_lag_mean_s": round(sum(lags) / len(lags), 2),
        "detection_lag_max_s": round(max(lags), 2),
        "waits_over_lag_target": over_target,
    }


# Processes by what they are, for the CPU accounting of MemoryWatch: which part of a run
# the machine's cores went to (the simulator shares them here; a cloud would not).
def _is_engine(args: str) -> bool:
    """The CLI itself (``pulumi up ...``, by name or by path), where the engine runs."""
    return args.startswith("pulumi ") or "/pulumi " in args.split(" --", 1)[0] + " "


PROCESS_GROUPS: dict[str, Callable[[str], bool]] = {
    "provider": lambda args: "pulumi.dynamic" in args,
    "simulator": lambda args: "pulumi_scpvs.simulator" in args,
    "program": lambda args: "language-python-exec" in args,
    "engine": _is_engine,
}


def _cpu_seconds(value: str) -> int:
    """``ps``'s cumulative CPU time, ``[[dd-]hh:]mm:ss``, in seconds."""
    days, _, clock = value.rpartition("-")
    seconds = 0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds + int(days or 0) * 86400


class MemoryWatch:
    """Samples the resident memory of the dynamic provider processes while something runs,
    and the CPU time the provider, the simulator, the program and the engine use meanwhile."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self.peak_total_kib = 0
        self._cpu_first: dict[int, tuple[str, int]] = {}
        self._cpu_last: dict[int, int] = {}
        self._first_sample = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            output = subprocess.run(["ps", "-eo", "pid=,rss=,time=,args="], capture_output=True, text=True).stdout
            sizes = []
            for line in output.splitlines():
                parts = line.split(None, 3)
                if len(parts) < 4:
                    continue
                pid, rss, cpu, args = int(parts[0]), int(parts[1]), _cpu_seconds(parts[2]), parts[3]
                if "pulumi.dynamic" in args:
                    sizes.append(rss)
                group = next((name for name, matches in PROCESS_GROUPS.items() if matches(args)), None)
                if group is not None:
                    # A process already running at the first sample counts from there on.
                    self._cpu_first.setdefault(pid, (group, cpu if self._first_sample else 0))
                    self._cpu_last[pid] = cpu
            self._first_sample = False
            self.peak_kib = max([self.peak_kib, *sizes])
            self.peak_total_kib = max(self.peak_total_kib, sum(sizes))
            time.sleep(0.2)

    def cpu_seconds(self) -> dict[str, int]:
        """CPU seconds each group of processes used while watched (1 s resolution per process)."""
        used: Counter[str] = Counter()
        for pid, (group, first) in self._cpu_first.items():
            used[group] += self._cpu_last[pid] - first
        return dict(used)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def requests(admin: httpx.Client) -> Counter[str]:
    return Counter(admin.get("/_admin/requests").json())


def mutating(counts: Counter[str]) -> int:
    from pulumi_scpvs.scp._generated.operations import OPERATIONS

    return sum(n for name, n in counts.items() if OPERATIONS[name].method != "GET")


class Figures(dict[str, Any]):
    """The results, printed as they come (a failure late in the run keeps the early figures)."""

    def __init__(self, **first: Any) -> None:
        super().__init__()
        for key, value in first.items():
            self[key] = value

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        print(f"{key:44} {value}", flush=True)

    def update(self, *others: Any, **more: Any) -> None:
        for key, value in dict(*others, **more).items():
            self[key] = value


@dataclass
class Deployment:
    """One stack deployed and destroyed: wall times and the requests the simulator counted."""

    up_s: float
    destroy_s: float
    up_requests: Counter[str]
    destroy_requests: Counter[str]
    resources: int


def servers_up(
    url: str, args: argparse.Namespace, count: int, env: dict[str, str] | None = None, pool: int = 0
) -> Deployment:
    """`up` then `destroy` of a key and ``count`` independent servers."""
    admin = httpx.Client(base_url=url, timeout=30)
    project = Project(url, args.parallel, env, args.package_from)
    for key, value in (("shape", "servers"), ("count", str(count)), ("pool", str(pool))):
        project.run("config", "set", key, value)
    before = requests(admin)
    up = project.up()
    middle = requests(admin)
    destroy = project.destroy()
    after = requests(admin)
    return Deployment(round(up, 1), round(destroy, 1), middle - before, after - middle, count + 1)


def preview_figures(project: Project, admin: httpx.Client, figures: Figures, label: str) -> None:
    """Time, requests and mutating requests of one `pulumi preview`."""
    before = requests(admin)
    figures[f"preview_{label}_s"] = round(project.preview(), 1)
    counts = requests(admin) - before
    figures[f"preview_{label}_requests"] = sum(counts.values())
    figures[f"preview_{label}_mutating"] = mutating(counts)


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` to two places; None when there is nothing to divide by
    (a critical path of 0 s with --transition-seconds 0)."""
    return round(numerator / denominator, 2) if denominator else None


def per_resource(counts: Counter[str], resources: int) -> float:
    return round(sum(counts.values()) / max(resources, 1), 2)


def by_operation(counts: Counter[str], resources: int) -> dict[str, float]:
    return {name: round(n / max(resources, 1), 2) for name, n in counts.most_common()}


def server_figures(url: str, args: argparse.Namespace, figures: Figures) -> None:
    """A key alone (the engine's fixed cost), one server, and ``--servers`` servers: up and destroy."""
    figures["up_key_only_s"] = servers_up(url, args, 0).up_s
    one = servers_up(url, args, 1)
    figures["up_one_server_s"] = one.up_s
    figures["destroy_one_server_s"] = one.destroy_s
    with MemoryWatch() as memory:
        many = servers_up(url, args, args.servers)
    figures["up_many_servers_s"] = many.up_s
    figures["destroy_many_servers_s"] = many.destroy_s
    figures["many_over_one"] = round(many.up_s / one.up_s, 2)
    figures["destroy_many_over_one"] = round(many.destroy_s / one.destroy_s, 2)
    figures["up_many_requests_per_resource"] = per_resource(many.up_requests, many.resources)
    figures["destroy_many_requests_per_resource"] = per_resource(many.destroy_requests, many.resources)
    figures["many_servers_provider_rss_mib"] = round(memory.peak_total_kib / 1024, 1)


def package_figures(url: str, args: argparse.Namespace, figures: Figures) -> None:
    """Where the program and the provider host import pulumi_scpvs from (see --package-from)."""
    project = Project(url, args.parallel, None, args.package_from)
    for key, value in (("shape", "servers"), ("count", "0"), ("probe", "true")):
        project.run("config", "set", key, value)
    project.up()
    outputs = project.outputs()
    figures["package_path"] = outputs.get("package_path")
    figures["provider_package_path"] = outputs.get("provider_package_path")
    project.destroy()


def scale_project(
    url: str, args: argparse.Namespace, client_budget: int | None = None, env: dict[str, str] | None = None
) -> Project:
    project = Project(url, args.scale_parallel, env, args.package_from)
    project.run("config", "set", "shape", "scale")
    project.run("config", "set", "count", str(args.scale_servers))
    if client_budget is not None:
        project.run("config", "set", "scpvs:maxRequestsPerSecond", str(client_budget))
    return project


def watched(admin: httpx.Client, command: Callable[[], float]) -> tuple[float, Counter[str], MemoryWatch]:
    """Run one pulumi command: its wall time, the requests it made, and what MemoryWatch saw."""
    before = requests(admin)
    with MemoryWatch() as memory:
        seconds = command()
    return seconds, requests(admin) - before, memory


def scale_figures(url: str, args: argparse.Namespace, figures: Figures) -> None:
    """``--scale-servers`` servers, as many volumes attached to them, and a key: up, preview,
    refresh, destroy, against the critical path and the engine's fixed cost (``up_key_only_s``)."""
    admin = httpx.Client(base_url=url, timeout=30)
    project = scale_project(url, args)
    up, up_requests, memory = watched(admin, project.up)
    peaks = [memory.peak_kib]
    figures["scale_up_cpu_s"] = memory.cpu_seconds()
    exported = project.export_text()
    resources = [r for r in json.loads(exported)["deployment"]["resources"] if is_cloud_resource(r)]
    count = len(resources)
    figures["scale_resources"] = count
    critical = critical_path_seconds(resources, args.transition_seconds)
    figures["scale_critical_path_s"] = critical
    figures["scale_up_s"] = round(up, 1)
    figures["scale_up_over_critical_path"] = ratio(up, critical)
    figures["scale_up_over_critical_path_plus_fixed"] = ratio(up, critical + figures["up_key_only_s"])
    figures["scale_up_requests_per_resource"] = per_resource(up_requests, count)
    figures["scale_up_requests_per_resource_by_operation"] = by_operation(up_requests, count)
    figures["scale_state_bytes_per_resource"] = round(len(exported.encode("utf-8")) / count)

    before = requests(admin)
    figures["scale_preview_no_change_s"] = round(project.preview(), 1)
    figures["scale_preview_no_change_requests"] = sum((requests(admin) - before).values())

    refresh, refresh_requests, memory = watched(admin, project.refresh)
    figures["scale_refresh_s"] = round(refresh, 1)
    peaks.append(memory.peak_kib)
    figures["scale_refresh_requests"] = sum(refresh_requests.values())

    destroy, destroy_requests, memory = watched(admin, project.destroy)
    peaks.append(memory.peak_kib)
    figures["scale_destroy_cpu_s"] = memory.cpu_seconds()
    destroy_critical = destroy_critical_path_seconds(resources, args.transition_seconds)
    figures["scale_destroy_critical_path_s"] = destroy_critical
    figures["scale_destroy_s"] = round(destroy, 1)
    figures["scale_destroy_over_critical_path"] = ratio(destroy, destroy_critical)
    figures["scale_destroy_requests_per_resource"] = per_resource(destroy_requests, count)
    figures["scale_provider_peak_rss_mib"] = round(max(peaks) / 1024, 1)

    # The same up and destroy with the engine saving the state only at the end: what the
    # checkpoints cost at this size (see instant_figures).
    project = scale_project(url, args, env={"PULUMI_SKIP_CHECKPOINTS": "true"})
    with MemoryWatch() as memory:
        figures["scale_skip_checkpoints_up_s"] = round(project.up(), 1)
    figures["scale_skip_checkpoints_up_cpu_s"] = memory.cpu_seconds()
    figures["scale_skip_checkpoints_destroy_s"] = round(project.destroy(), 1)


def instant_figures(args: argparse.Namespace, figures: Figures) -> None:
    """The scale stack against a simulator whose transitions take no time: what the engine
    (and the providers' own work) costs for this many resources, without any waiting. With
    ``PULUMI_SKIP_CHECKPOINTS`` too: how much of it is the engine saving the whole state
    after every step (the file backend does; the cost grows with the square of the stack)."""
    simulator, url = start_simulator({}, 0.0)
    try:
        for label, env in (("", None), ("_skip_checkpoints", {"PULUMI_SKIP_CHECKPOINTS": "true"})):
            project = scale_project(url, args, env=env)
            figures[f"scale_instant{label}_up_s"] = round(project.up(), 1)
            figures[f"scale_instant{label}_destroy_s"] = round(project.destroy(), 1)
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    critical = figures.get("scale_critical_path_s")
    if critical is not None and "scale_up_s" in figures:
        figures["scale_up_over_critical_path_plus_engine_cost"] = ratio(
            figures["scale_up_s"], critical + figures["scale_instant_up_s"]
        )
        figures["scale_destroy_over_critical_path_plus_engine_cost"] = ratio(
            figures["scale_destroy_s"], figures["scale_destroy_critical_path_s"] + figures["scale_instant_destroy_s"]
        )
        figures["scale_skip_checkpoints_up_over_critical_path_plus_engine_cost"] = ratio(
            figures["scale_skip_checkpoints_up_s"], critical + figures["scale_instant_skip_checkpoints_up_s"]
        )


def rate_limited_figures(args: argparse.Namespace, figures: Figures, client_budget: bool = True) -> None:
    """The scale stack against a simulator that allows ``--rate-limit`` requests per second
    (per access key), the client told that budget unless ``--no-client-budget``."""
    simulator, url = start_simulator({"rate_limit": args.rate_limit}, args.transition_seconds)
    prefix = "rate_limited" if client_budget else "rate_limited_adaptive"
    try:
        admin = httpx.Client(base_url=url, timeout=30)
        figures["rate_limit_per_s"] = args.rate_limit
        figures[f"{prefix}_client_budget"] = args.rate_limit if client_budget else None
        project = scale_project(url, args, args.rate_limit if client_budget else None)

        def limited() -> int:
            return int(admin.get("/_admin/faults").json()["injected"].get("rate_limited", 0))

        elapsed, result = project.attempt(*project.up_args())
        handled, refused = sum(requests(admin).values()), limited()
        figures[f"{prefix}_up_s"] = round(elapsed, 1)
        figures[f"{prefix}_failed_operations"] = failed_resources(result)
        if result.returncode != 0:
            figures[f"{prefix}_up_error"] = (result.stdout + result.stderr)[-600:]
        figures[f"{prefix}_resources_deployed"] = sum(1 for r in project.export() if is_cloud_resource(r))
        # Requests the simulator handled; the 429s are not among them (see /_admin/requests).
        figures[f"{prefix}_requests"] = handled
        figures[f"{prefix}_429s"] = refused
        figures[f"{prefix}_429_share"] = round(refused / max(handled + refused, 1), 3)

        elapsed, result = project.attempt(*project.destroy_args())
        figures[f"{prefix}_destroy_s"] = round(elapsed, 1)
        figures[f"{prefix}_destroy_failed_operations"] = failed_resources(result)
        if result.returncode != 0:
            figures[f"{prefix}_destroy_error"] = (result.stdout + result.stderr)[-600:]
        figures[f"{prefix}_destroy_requests"] = sum(requests(admin).values()) - handled
        figures[f"{prefix}_destroy_429s"] = limited() - refused
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)


def replacements_when_moving_to_a_pool(url: str, args: argparse.Namespace) -> str:
    """What the next preview proposes when a deployed stack's resources move to explicit providers."""
    project = Project(url, args.parallel, None, args.package_from)
    for key, value in (("shape", "servers"), ("count", "4"), ("pool", "0")):
        project.run("config", "set", key, value)
    project.up()
    project.run("config", "set", "pool", "2")
    preview = subprocess.run(
        ["pulumi", "preview", "--json", "--non-interactive"], cwd=project.work, env=project.env, capture_output=True
    )
    steps = json.loads(preview.stdout)["steps"]
    replaced = sum(1 for step in steps if step["op"] in ("replace", "create-replacement"))
    project.run("config", "set", "pool", "0")
    project.destroy()
    return f"{replaced} of 5 resources"


def compare_figures(url: str, args: argparse.Namespace, figures: Figures) -> None:
    """The host's own four workers and a pool of explicit providers, for the 16 servers."""
    host_default = {WORKERS_ENV: "4"}
    figures["host_4_workers_up_many_servers_s"] = servers_up(url, args, args.servers, host_default).up_s
    figures["host_4_workers_many_over_one"] = round(
        figures["host_4_workers_up_many_servers_s"] / figures["up_one_server_s"], 2
    )
    with MemoryWatch() as memory:
        figures[f"pool_of_{args.pool_size}_up_many_servers_s"] = servers_up(
            url, args, args.servers, host_default, pool=args.pool_size
        ).up_s
    figures[f"pool_of_{args.pool_size}_many_over_one"] = round(
        figures[f"pool_of_{args.pool_size}_up_many_servers_s"] / figures["up_one_server_s"], 2
    )
    figures[f"pool_of_{args.pool_size}_provider_rss_mib"] = round(memory.peak_total_kib / 1024, 1)
    figures["resources_replaced_moving_to_a_pool"] = replacements_when_moving_to_a_pool(url, args)


def mixed_figures(url: str, args: argparse.Namespace, figures: Figures) -> None:
    """The mixed stack: up against its critical path, previews, destroy."""
    admin = httpx.Client(base_url=url, timeout=30)
    project = Project(url, args.parallel, None, args.package_from)
    project.run("config", "set", "shape", "mixed")
    project.run("config", "set", "count", str(args.mixed_servers))
    before = requests(admin)
    started = time.time()
    with MemoryWatch() as memory:
        figures["mixed_up_s"] = round(project.up(), 1)
    up_requests = requests(admin) - before
    resources = [r for r in project.export() if is_cloud_resource(r)]
    figures["mixed_resources"] = len(resources)
    critical = critical_path_seconds(resources, args.transition_seconds)
    figures["mixed_critical_path_s"] = critical
    figures["mixed_up_over_critical_path"] = round(figures["mixed_up_s"] / critical, 2)
    figures["mixed_up_less_key_only_over_critical_path"] = round(
        (figures["mixed_up_s"] - figures["up_key_only_s"]) / critical, 2
    )
    figures["mixed_up_requests"] = sum(up_requests.values())
    figures["mixed_up_requests_per_resource"] = per_resource(up_requests, len(resources))
    figures["mixed_up_requests_per_resource_by_operation"] = by_operation(up_requests, len(resources))
    figures.update(wait_figures(admin.get("/_admin/waits").json(), started))
    figures["provider_peak_rss_mib"] = round(memory.peak_kib / 1024, 1)

    preview_figures(project, admin, figures, "no_change")
    project.run("config", "set", "change", "true")
    preview_figures(project, admin, figures, "one_change")
    project.run("config", "set", "change", "false")

    before = requests(admin)
    figures["mixed_destroy_s"] = round(project.destroy(), 1)
    figures["mixed_destroy_requests"] = sum((requests(admin) - before).values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transition-seconds", type=float, default=5.0)
    parser.add_argument("--parallel", type=int, default=32)
    parser.add_argument("--servers", type=int, default=16)
    parser.add_argument(
        "--mixed-servers", type=int, default=12, help="servers in the mixed stack (about 4 resources each)"
    )
    parser.add_argument("--compare", action="store_true", help="also measure the host's 4 workers and a provider pool")
    parser.add_argument("--pool-size", type=int, default=8, help="explicit providers in the --compare pool")
    scale = parser.add_argument_group("scale", "a stack of servers, volumes and attachments (3 resources a server)")
    scale.add_argument("--scale", action="store_true", help="also deploy the scale stack, then under a rate limit")
    scale.add_argument(
        "--only-scale", action="store_true", help="the scale figures, the key-only and the 1/16-server figures only"
    )
    scale.add_argument("--scale-servers", type=int, default=100, help="servers in the scale stack (default 100)")
    scale.add_argument(
        "--scale-parallel",
        type=int,
        default=256,
        help="--parallel for the scale stack (default 256: its first 200 creates at once, as the critical path has)",
    )
    scale.add_argument(
        "--rate-limit", type=int, default=20, help="requests per second the rate-limited simulator allows (default 20)"
    )
    scale.add_argument(
        "--no-client-budget",
        action="store_true",
        help="measure the rate-limited stack only without scpvs:maxRequestsPerSecond (by default: with it, then "
        "without: the client adapting to the 429s alone)",
    )
    parser.add_argument(
        "--package-from",
        metavar="DIR",
        help="the pulumi processes import pulumi_scpvs from DIR (a checkout, e.g. a worktree of an older commit)",
    )
    args = parser.parse_args()
    simulator, url = start_simulator({}, args.transition_seconds)
    figures = Figures(transition_seconds=args.transition_seconds, parallel=args.parallel)
    if args.scale or args.only_scale:
        figures["scale_parallel"] = args.scale_parallel
    try:
        if args.package_from or args.scale or args.only_scale:
            package_figures(url, args, figures)
        server_figures(url, args, figures)
        if not args.only_scale:
            if args.compare:
                compare_figures(url, args, figures)
            mixed_figures(url, args, figures)
        if args.scale or args.only_scale:
            scale_figures(url, args, figures)
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    if args.scale or args.only_scale:
        instant_figures(args, figures)
        if not args.no_client_budget:
            rate_limited_figures(args, figures)
        rate_limited_figures(args, figures, client_budget=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
