"""The resilience run: a mixed stack deployed, updated and destroyed by the real engine while
the simulator injects faults, then a strict comparison of the stack's state with the
simulator's world.

    python benchmarks/resilience.py                 # full size (about 20 resources), default rates
    python benchmarks/resilience.py --servers 1 --error-rate 0.1 --seed 3

Needs the Pulumi CLI (scripts/setup.sh). Prints the figures quoted in the README's
"Reliability" section: operations, faults injected by kind, `up` runs needed, duplicates,
orphans and the final mismatch count. A failed `up` is run again, as a user would, up to
``--attempts`` times; each retry is counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
ACCESS_KEY = "resilience-access-key"
SECRET_KEY = "resilience-secret-key"
# Object kinds the program manages (and that must match the stack exactly at the end).
MANAGED = ("keypair", "server", "volume", "snapshot", "server_group", "launch_configuration", "auto_scaling_group")

PROGRAM = """
import pulumi
import pulumi_scpvs as scpvs
from pulumi_scpvs.simulator import catalogue as cat

config = pulumi.Config()
two = config.get_int("stage") == 2
count = config.get_int("servers") or 4
key = scpvs.Keypair("key")
group = scpvs.ServerGroup("spread", policy="anti-affinity")
for i in range(count):
    server = scpvs.Server(
        f"server-{i}", name=f"server-{i}-v2" if two else f"server-{i}", image_id=cat.IMAGE_UBUNTU,
        server_type_id="s1v1m2", keypair_name=key.name, networks=[{"subnet_id": cat.SUBNET_ID}],
        server_group_id=group.id if i % 2 == 0 else None,
    )
    volume = scpvs.Volume(f"data-{i}", size=16 if two else 8)
    scpvs.VolumeAttachment(f"attach-{i}", volume_id=volume.id, server_id=server.id)
    if i < 2:
        scpvs.Snapshot(f"snap-{i}", volume_id=volume.id, force=True, description="v2" if two else "v1")
lc = scpvs.LaunchConfiguration("template", image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2", keypair_name=key.name)
asg = scpvs.AutoScalingGroup(
    "app", server_name_prefix="app", launch_configuration_id=lc.id, subnet_ids=[cat.SUBNET_ID],
    min_server_count=1, desired_server_count=2 if two else 1, max_server_count=3,
)
scpvs.AutoScalingGroupPolicy("cpu", auto_scaling_group_id=asg.id, metric_type="CPU", comparison_operator="ge",
                             threshold=70 if two else 80, scale_type="SCALE_OUT", scale_value=1)
scpvs.AutoScalingGroupSchedule("night", auto_scaling_group_id=asg.id, frequency="DAILY", hour=1, minute=0,
                               start_date="2026-12-01")
"""


@dataclass
class Report:
    resources: int = 0
    api_requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    up_runs: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    left_after_destroy: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def mismatches(self) -> int:
        return len(self.duplicates) + len(self.orphans) + len(self.missing) + sum(self.left_after_destroy.values())

    def lines(self) -> list[str]:
        injected = sum(self.faults.values())
        by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(self.faults.items()))
        return [
            f"resources in the stack        {self.resources}",
            f"API requests handled          {self.api_requests}",
            f"faults injected               {injected} ({by_kind})",
            f"fault rate (faults/requests)  {injected / max(self.api_requests, 1):.3f}",
            f"pulumi runs per phase         {', '.join(f'{k} {v}' for k, v in self.up_runs.items())}",
            f"re-runs needed                {sum(v - 1 for v in self.up_runs.values())}",
            f"duplicated objects            {len(self.duplicates)}",
            f"orphaned objects              {len(self.orphans)}",
            f"objects missing               {len(self.missing)}",
            f"left after destroy            {sum(self.left_after_destroy.values())}",
            f"final mismatch count          {self.mismatches}",
            f"wall time                     {self.seconds:.0f} s",
        ]


def pulumi_bin() -> str:
    given = os.environ.get("PULUMI_SCPVS_PULUMI_BIN")
    if given:
        return given
    out = subprocess.run([str(ROOT / "scripts" / "install-pulumi.sh")], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def start_simulator(settings: dict[str, Any], transition: float) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "SCP_ACCESS_KEY": ACCESS_KEY,
        "SCP_SECRET_KEY": SECRET_KEY,
        "SCPVS_SIM_FAULTS": json.dumps(settings),
    }
    command = [sys.executable, "-m", "pulumi_scpvs.simulator", "--port", "0", "--transition-seconds", str(transition)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        raise RuntimeError(f"simulator did not start: {line}")
    return process, line.rsplit(" ", 1)[-1].strip()


def run(servers: int, rates: dict[str, float], seed: int, transition: float, attempts: int) -> Report:
    report = Report()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="scpvs-resilience-"))
    (work / "project").mkdir()
    (work / "state").mkdir()
    (work / "project" / "Pulumi.yaml").write_text("name: resilience\nruntime: python\n")
    (work / "project" / "__main__.py").write_text(PROGRAM)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), pulumi_bin(), os.environ.get("PATH", "")]),
        "PULUMI_PYTHON_CMD": sys.executable,
        "PULUMI_BACKEND_URL": f"file://{work / 'state'}",
        "PULUMI_HOME": str(work / "home"),
        "PULUMI_CONFIG_PASSPHRASE": "resilience",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",  # see scripts/env.sh
    }

    def pulumi(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["pulumi", *args, "--non-interactive"], cwd=work / "project", env=env, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
        return result

    simulator, url = start_simulator({}, transition)  # faults start after the catalogue is read
    try:
        admin = httpx.Client(base_url=url)
        catalogue_only = admin.get("/_admin/objects").json()
        pulumi("stack", "init", "resilience")
        for key, value in {"scpvs:endpoint": url, "servers": str(servers)}.items():
            pulumi("config", "set", key, value)
        pulumi("config", "set", "--secret", "scpvs:accessKey", ACCESS_KEY)
        pulumi("config", "set", "--secret", "scpvs:secretKey", SECRET_KEY)
        admin.post("/_admin/faults", json={**rates, "seed": seed})

        def converge(phase: str, *args: str) -> None:
            for attempt in range(1, attempts + 1):
                result = pulumi(*args, "--yes", check=False)
                report.up_runs[phase] = attempt
                if result.returncode == 0:
                    return
            raise RuntimeError(f"{phase} did not succeed in {attempts} runs:\n{result.stdout[-3000:]}")

        converge("up", "up")
        pulumi("config", "set", "stage", "2")
        converge("update", "up")
        report.faults.update(admin.get("/_admin/faults").json()["injected"])
        admin.post("/_admin/faults", json={})  # compare with a quiet cloud
        compare(pulumi, admin, report)
        admin.post("/_admin/faults", json={**rates, "seed": seed + 1})
        converge("destroy", "destroy")
        report.faults.update(admin.get("/_admin/faults").json()["injected"])
        admin.post("/_admin/faults", json={})
        after = admin.get("/_admin/objects").json()
        report.left_after_destroy = {
            k: n - catalogue_only.get(k, 0) for k, n in after.items() if n != catalogue_only.get(k, 0)
        }
        report.api_requests = sum(admin.get("/_admin/requests").json().values())
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.monotonic() - started
    return report


def compare(pulumi: Any, admin: httpx.Client, report: Report) -> None:
    """Every object the stack records exists exactly once; nothing exists that it does not record."""
    state = json.loads(pulumi("stack", "export").stdout)["deployment"]["resources"]
    dynamic = [r for r in state if r["type"] == "pulumi-python:dynamic:Resource"]
    report.resources = len(dynamic)
    recorded = {r["id"] for r in dynamic}
    world = admin.get("/_admin/world").json()
    # Objects that belong to another object rather than to the stack: the servers an
    # auto-scaling group runs, and the boot volumes servers are created with.
    group_members = {o["id"] for o in world.get("server", []) if o.get("auto_scaling_group_id")}
    group_members |= {o["id"] for o in world.get("volume", []) if o.get("bootable")}
    for kind in MANAGED:
        objects = world.get(kind, [])
        ids = [o["id"] if kind != "keypair" else o["name"] for o in objects]
        for object_id in ids:
            if object_id in group_members:
                continue  # servers the auto-scaling group runs are the group's, not the stack's
            if object_id not in recorded and not _part_of_recorded(object_id, recorded):
                report.orphans.append(f"{kind} {object_id}")
        names = Counter(o.get("name") for o in objects if o["id"] not in group_members and o.get("name"))
        report.duplicates += [f"{kind} {name!r} x{n}" for name, n in names.items() if n > 1]
    everything = {str(o.get("id") or o.get("port_id")) for objects in world.values() for o in objects}
    everything |= {o["name"] for o in world.get("keypair", [])}
    for object_id in recorded:
        parts = object_id.split("/")
        if not all(part in everything for part in parts):
            report.missing.append(object_id)


def _part_of_recorded(object_id: str, recorded: set[str]) -> bool:
    return any(object_id in r.split("/") for r in recorded)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=4, help="servers (each with a volume and an attachment)")
    parser.add_argument("--error-rate", type=float, default=0.05)
    parser.add_argument("--throttle-rate", type=float, default=0.05)
    parser.add_argument("--drop-rate", type=float, default=0.03)
    parser.add_argument("--late-error-rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--transition-seconds", type=float, default=0.3)
    parser.add_argument("--attempts", type=int, default=4, help="how many times a failed pulumi run is repeated")
    args = parser.parse_args()
    rates = {
        "error_rate": args.error_rate,
        "throttle_rate": args.throttle_rate,
        "retry_after": 0.2,
        "drop_rate": args.drop_rate,
        "late_error_rate": args.late_error_rate,
    }
    print(f"resilience run: {json.dumps(rates)} seed {args.seed}")
    report = run(args.servers, rates, args.seed, args.transition_seconds, args.attempts)
    print("\n".join(report.lines()))
    return 0 if report.mismatches == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
