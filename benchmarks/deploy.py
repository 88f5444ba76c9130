"""Deployment benchmark: how fast the engine deploys through our providers, and what it costs.

    python benchmarks/deploy.py                      # transitions of 5 s, --parallel 32
    python benchmarks/deploy.py --compare            # also: host's 4 workers, pool of providers
    python benchmarks/deploy.py --transition-seconds 2 --mixed-servers 6

Runs the real engine against a simulator whose transitional states last a set time and
prints: `up` wall time for 1 server and for 16 independent servers (and their ratio);
`up`/`destroy` of a mixed stack of about 50 resources against its critical path (the
longest chain of dependent transitions, computed from the stack's dependency graph);
`preview` of that stack with nothing to do and with one change (time and requests, of
which mutating); API requests per resource by operation; polls per wait and the lag
between an object settling in the simulator and a poll seeing it (from the simulator's
`/_admin/waits`); the provider processes' peak memory. `--compare` also deploys the 16
servers with the provider host's own four workers and with a pool of explicit providers.
A script, not a test: the machines are noisy, so figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.resilience import ACCESS_KEY, SCPVS_TYPE, SECRET_KEY, is_cloud_resource, pulumi_bin, start_simulator
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
"""
# Transitions each kind's create waits for in the simulator (a server's BUILD -> ACTIVE,
# an attachment's attaching -> in-use...); the others are ready when created.
TRANSITIONS_ON_CREATE = {"Server": 1, "Volume": 1, "VolumeAttachment": 1, "Snapshot": 1, "AutoScalingGroup": 1}


class Project:
    def __init__(self, url: str, parallel: int, env: dict[str, str] | None = None) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="scpvs-bench-"))
        (self.work / "state").mkdir()
        (self.work / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
        (self.work / "__main__.py").write_text(PROGRAM)
        self.parallel = parallel
        self.env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), pulumi_bin(), os.environ.get("PATH", "")]),
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_BACKEND_URL": f"file://{self.work / 'state'}",
            "PULUMI_HOME": str(self.work / "home"),
            "PULUMI_CONFIG_PASSPHRASE": "bench",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",  # see scripts/env.sh
            **(env or {}),
        }
        self.run("stack", "init", "bench")
        self.run("config", "set", "scpvs:endpoint", url)
        self.run("config", "set", "--secret", "scpvs:accessKey", ACCESS_KEY)
        self.run("config", "set", "--secret", "scpvs:secretKey", SECRET_KEY)

    def run(self, *args: str) -> float:
        started = time.monotonic()
        result = subprocess.run(
            ["pulumi", *args, "--non-interactive"], cwd=self.work, env=self.env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-1000:]}")
        return time.monotonic() - started

    def up(self) -> float:
        return self.run("up", "--yes", "--skip-preview", f"--parallel={self.parallel}")

    def destroy(self) -> float:
        return self.run("destroy", "--yes", "--skip-preview", f"--parallel={self.parallel}")

    def preview(self) -> float:
        return self.run("preview", f"--parallel={self.parallel}")

    def export(self) -> list[dict[str, Any]]:
        exported = subprocess.run(
            ["pulumi", "stack", "export"], cwd=self.work, env=self.env, capture_output=True, text=True, check=True
        ).stdout
        return list(json.loads(exported)["deployment"]["resources"])


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


class MemoryWatch:
    """Samples the resident memory of the dynamic provider processes while something runs."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self.peak_total_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            output = subprocess.run(["ps", "-eo", "rss,args"], capture_output=True, text=True).stdout
            sizes = [int(line.split(None, 1)[0]) for line in output.splitlines() if "pulumi.dynamic" in line]
            self.peak_kib = max([self.peak_kib, *sizes])
            self.peak_total_kib = max(self.peak_total_kib, sum(sizes))
            time.sleep(0.2)

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

    def update(self, *others: Any, **more: Any) -> None:  # type: ignore[override]
        for key, value in dict(*others, **more).items():
            self[key] = value


def servers_up(
    url: str, args: argparse.Namespace, count: int, env: dict[str, str] | None = None, pool: int = 0
) -> float:
    """Wall time of `up` for a key and ``count`` independent servers (destroyed afterwards)."""
    project = Project(url, args.parallel, env)
    for key, value in (("shape", "servers"), ("count", str(count)), ("pool", str(pool))):
        project.run("config", "set", key, value)
    elapsed = project.up()
    project.destroy()
    return round(elapsed, 1)


def replacements_when_moving_to_a_pool(url: str, args: argparse.Namespace) -> str:
    """What the next preview proposes when a deployed stack's resources move to explicit providers."""
    project = Project(url, args.parallel)
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
    args = parser.parse_args()
    simulator, url = start_simulator({}, args.transition_seconds)
    figures = Figures(transition_seconds=args.transition_seconds, parallel=args.parallel)
    try:
        admin = httpx.Client(base_url=url, timeout=30)
        figures["up_key_only_s"] = servers_up(url, args, 0)
        figures["up_one_server_s"] = servers_up(url, args, 1)
        with MemoryWatch() as memory:
            figures["up_many_servers_s"] = servers_up(url, args, args.servers)
        figures["many_over_one"] = round(figures["up_many_servers_s"] / figures["up_one_server_s"], 2)
        figures["many_servers_provider_rss_mib"] = round(memory.peak_total_kib / 1024, 1)
        if args.compare:
            host_default = {WORKERS_ENV: "4"}
            figures["host_4_workers_up_many_servers_s"] = servers_up(url, args, args.servers, host_default)
            figures["host_4_workers_many_over_one"] = round(
                figures["host_4_workers_up_many_servers_s"] / figures["up_one_server_s"], 2
            )
            with MemoryWatch() as memory:
                figures[f"pool_of_{args.pool_size}_up_many_servers_s"] = servers_up(
                    url, args, args.servers, host_default, pool=args.pool_size
                )
            figures[f"pool_of_{args.pool_size}_many_over_one"] = round(
                figures[f"pool_of_{args.pool_size}_up_many_servers_s"] / figures["up_one_server_s"], 2
            )
            figures[f"pool_of_{args.pool_size}_provider_rss_mib"] = round(memory.peak_total_kib / 1024, 1)
            figures["resources_replaced_moving_to_a_pool"] = replacements_when_moving_to_a_pool(url, args)

        project = Project(url, args.parallel)
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
        figures["mixed_up_requests_per_resource"] = round(sum(up_requests.values()) / len(resources), 2)
        figures["mixed_up_requests_per_resource_by_operation"] = {
            name: round(n / len(resources), 2) for name, n in up_requests.most_common()
        }
        figures.update(wait_figures(admin.get("/_admin/waits").json(), started))
        figures["provider_peak_rss_mib"] = round(memory.peak_kib / 1024, 1)

        before = requests(admin)
        figures["preview_no_change_s"] = round(project.preview(), 1)
        counts = requests(admin) - before
        figures["preview_no_change_requests"] = sum(counts.values())
        figures["preview_no_change_mutating"] = mutating(counts)
        project.run("config", "set", "change", "true")
        before = requests(admin)
        figures["preview_one_change_s"] = round(project.preview(), 1)
        counts = requests(admin) - before
        figures["preview_one_change_requests"] = sum(counts.values())
        figures["preview_one_change_mutating"] = mutating(counts)
        project.run("config", "set", "change", "false")

        before = requests(admin)
        figures["mixed_destroy_s"] = round(project.destroy(), 1)
        figures["mixed_destroy_requests"] = sum((requests(admin) - before).values())
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
