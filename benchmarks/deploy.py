"""Deployment benchmark: how fast the engine deploys through our providers, and what it costs.

    python benchmarks/deploy.py                      # transitions of 5 s, --parallel 32
    python benchmarks/deploy.py --transition-seconds 2 --mixed-servers 6

Runs the real engine against a simulator whose transitional states last a set time and
prints: `up` wall time for 1 server and for 16 independent servers (and their ratio);
`up`/`destroy` of a mixed stack of about 50 resources against its critical path;
`preview` of that stack with nothing to do and with one change (time and requests, of
which mutating); API requests per resource by operation; the provider processes' peak
memory. A script, not a test: the machines are noisy, so figures are printed, not asserted.
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

from benchmarks.resilience import ACCESS_KEY, SECRET_KEY, pulumi_bin, start_simulator

PROGRAM = """
import pulumi
import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

config = pulumi.Config()
shape = config.require("shape")
count = config.require_int("count")
change = config.get_bool("change") or False
key = scpvs.Keypair("key")
network = [{"subnet_id": cat.SUBNET_ID}]
if shape == "servers":
    for i in range(count):
        scpvs.Server(f"server-{i}", image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2",
                     keypair_name=key.name, networks=network)
else:
    group = scpvs.ServerGroup("group", policy="anti-affinity")
    for i in range(count):
        server = scpvs.Server(f"server-{i}", name=f"server-{i}-b" if change and i == 0 else f"server-{i}",
                              image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2", keypair_name=key.name,
                              networks=network, server_group_id=group.id if i < 3 else None)
        volume = scpvs.Volume(f"data-{i}", size=8)
        scpvs.VolumeAttachment(f"attach-{i}", volume_id=volume.id, server_id=server.id)
        if i % 2 == 0:
            scpvs.Snapshot(f"snap-{i}", volume_id=volume.id, force=True)
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
# Longest dependency chain of the mixed stack, in transitions: key (0) -> server (1) ->
# attachment (1) -> snapshot (1) on create; the group waits for its server (1) after its template (0).
MIXED_CRITICAL_TRANSITIONS = 3


class Project:
    def __init__(self, url: str, parallel: int) -> None:
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


class MemoryWatch:
    """Samples the resident memory of the dynamic provider processes while something runs."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            output = subprocess.run(["ps", "-eo", "rss,args"], capture_output=True, text=True).stdout
            for line in output.splitlines():
                if "pulumi.dynamic" in line:
                    self.peak_kib = max(self.peak_kib, int(line.split(None, 1)[0]))
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
    from pulumi_scpvs._operations import OPERATIONS

    return sum(n for name, n in counts.items() if OPERATIONS[name].method != "GET")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transition-seconds", type=float, default=5.0)
    parser.add_argument("--parallel", type=int, default=32)
    parser.add_argument("--servers", type=int, default=16)
    parser.add_argument(
        "--mixed-servers", type=int, default=10, help="servers in the mixed stack (about 4.5 resources each)"
    )
    args = parser.parse_args()
    simulator, url = start_simulator({}, args.transition_seconds)
    figures: dict[str, Any] = {"transition_seconds": args.transition_seconds, "parallel": args.parallel}
    try:
        admin = httpx.Client(base_url=url, timeout=30)
        for label, count in (("one_server", 1), ("many_servers", args.servers)):
            project = Project(url, args.parallel)
            project.run("config", "set", "shape", "servers")
            project.run("config", "set", "count", str(count))
            figures[f"up_{label}_s"] = round(project.up(), 1)
            project.destroy()
        figures["many_over_one"] = round(figures["up_many_servers_s"] / figures["up_one_server_s"], 2)

        project = Project(url, args.parallel)
        project.run("config", "set", "shape", "mixed")
        project.run("config", "set", "count", str(args.mixed_servers))
        before = requests(admin)
        with MemoryWatch() as memory:
            figures["mixed_up_s"] = round(project.up(), 1)
        after_up = requests(admin)
        state = json.loads(
            subprocess.run(
                ["pulumi", "stack", "export"], cwd=project.work, env=project.env, capture_output=True, text=True
            ).stdout
        )
        resources = [r for r in state["deployment"]["resources"] if r["type"] == "pulumi-python:dynamic:Resource"]
        figures["mixed_resources"] = len(resources)
        critical = MIXED_CRITICAL_TRANSITIONS * args.transition_seconds
        figures["mixed_critical_path_s"] = critical
        figures["mixed_up_over_critical_path"] = round(figures["mixed_up_s"] / critical, 2)
        up_requests = after_up - before
        figures["mixed_up_requests"] = sum(up_requests.values())
        figures["mixed_up_requests_per_resource"] = round(sum(up_requests.values()) / len(resources), 1)
        figures["mixed_up_requests_by_operation"] = dict(up_requests.most_common())
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
    for key, value in figures.items():
        print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
