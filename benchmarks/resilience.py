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
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
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
adopt = config.get_object("adopt") or {}  # adopt_id hints a user followed, by resource name

def opts(name):
    return {"adopt_id": adopt[name]} if name in adopt else {}

key = scpvs.Keypair("key", **opts("key"))
group = scpvs.ServerGroup("spread", policy="anti-affinity", **opts("spread"))
archive = scpvs.Volume("archive", name="archive", size=8, **opts("archive"))
for i in range(count):
    server = scpvs.Server(
        f"server-{i}", name=f"server-{i}-v2" if two else f"server-{i}", image_id=cat.IMAGE_UBUNTU,
        server_type_id="s1v1m2", keypair_name=key.name, networks=[{"subnet_id": cat.SUBNET_ID}],
        server_group_id=group.id if i % 2 == 0 else None, **opts(f"server-{i}"),
    )
    volume = scpvs.Volume(f"data-{i}", size=16 if two else 8, **opts(f"data-{i}"))
    scpvs.VolumeAttachment(f"attach-{i}", volume_id=volume.id, server_id=server.id, **opts(f"attach-{i}"))
    if i < 2:
        scpvs.Snapshot(f"snap-{i}", volume_id=volume.id, force=True, description="v2" if two else "v1",
                       **opts(f"snap-{i}"))
lc = scpvs.LaunchConfiguration("template", image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2", keypair_name=key.name,
                               **opts("template"))
asg = scpvs.AutoScalingGroup(
    "app", server_name_prefix="app", launch_configuration_id=lc.id, subnet_ids=[cat.SUBNET_ID],
    min_server_count=1, desired_server_count=2 if two else 1, max_server_count=3, **opts("app"),
)
scpvs.AutoScalingGroupPolicy("cpu", auto_scaling_group_id=asg.id, metric_type="CPU", comparison_operator="ge",
                             threshold=70 if two else 80, scale_type="SCALE_OUT", scale_value=1, **opts("cpu"))
scpvs.AutoScalingGroupSchedule("night", auto_scaling_group_id=asg.id, frequency="DAILY", hour=1, minute=0,
                               start_date="2026-12-01", **opts("night"))
"""
SCPVS_TYPE = "pulumi-python:dynamic/scpvs:"  # each resource class's type: pulumi-python:dynamic/scpvs:Server...


def is_cloud_resource(resource: dict[str, Any]) -> bool:
    """A resource of the state that stands for a cloud object (not the stack identity, not a component)."""
    return str(resource["type"]).startswith(SCPVS_TYPE) and resource["type"] != f"{SCPVS_TYPE}StackIdentity"


ADOPT_HINT = re.compile(r"pulumi-python:dynamic/scpvs:\w+ \(([^)]+)\):\s*\n\s*error:[^\n]*?adopt_id=\"([^\"]+)\"")


@dataclass
class Report:
    resources: int = 0
    api_requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    up_runs: dict[str, int] = field(default_factory=dict)
    hints_followed: dict[str, int] = field(default_factory=dict)
    hinted: list[str] = field(default_factory=list)  # the resources whose adopt hint was followed
    adopted: int = 0  # objects the provider proved its own and adopted (after a crash or a lost answer)
    duplicates: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    foreign_touched: list[str] = field(default_factory=list)
    lost_state_entries: list[str] = field(default_factory=list)
    target_change_refused: bool | None = None
    unconverged: list[str] = field(default_factory=list)  # phases still failing after every attempt
    left_after_destroy: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def mismatches(self) -> int:
        counted = (self.duplicates, self.orphans, self.missing, self.foreign_touched, self.lost_state_entries)
        return sum(len(c) for c in counted) + sum(self.left_after_destroy.values()) + len(self.unconverged)

    @property
    def most_runs(self) -> int:
        return max(self.up_runs.values(), default=0)

    @property
    def most_runs_besides_hints(self) -> int:
        """The most runs a phase needed, not counting the one each followed adopt hint costs by design."""
        return max((runs - self.hints_followed.get(phase, 0) for phase, runs in self.up_runs.items()), default=0)

    def lines(self) -> list[str]:
        injected = sum(self.faults.values())
        by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(self.faults.items()))
        return [
            f"resources in the stack        {self.resources}",
            f"API requests handled          {self.api_requests}",
            f"faults injected               {injected} ({by_kind})",
            f"fault rate (faults/requests)  {injected / max(self.api_requests, 1):.3f}",
            f"pulumi runs per phase         {', '.join(f'{k} {v}' for k, v in self.up_runs.items())}",
            f"most runs in a phase          {self.most_runs}",
            f"adopt hints followed          {sum(self.hints_followed.values())} {dict(self.hints_followed) or ''} "
            f"{' '.join(self.hinted)}",
            f"objects proven ours, adopted  {self.adopted}",
            f"duplicated objects            {len(self.duplicates)} {self.duplicates or ''}",
            f"orphaned objects              {len(self.orphans)} {self.orphans or ''}",
            f"objects missing               {len(self.missing)} {self.missing or ''}",
            f"foreign objects touched       {len(self.foreign_touched)} {self.foreign_touched or ''}",
            f"lost state entries            {len(self.lost_state_entries)} {self.lost_state_entries or ''}",
            f"target change refused         {self.target_change_refused}",
            f"phases that never succeeded   {self.unconverged or 0}",
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


class Stack:
    """One Pulumi project directory with its own file backend, run as a user would."""

    def __init__(self, work: Path, label: str, url: str, servers: int) -> None:
        self.directory = work / label
        self.directory.mkdir()
        (work / f"{label}-state").mkdir()
        (self.directory / "Pulumi.yaml").write_text("name: resilience\nruntime: python\n")
        (self.directory / "__main__.py").write_text(PROGRAM)
        self.env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), pulumi_bin(), os.environ.get("PATH", "")]),
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_BACKEND_URL": f"file://{work / f'{label}-state'}",
            "PULUMI_HOME": str(work / "home"),
            "PULUMI_CONFIG_PASSPHRASE": "resilience",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",  # see scripts/env.sh
        }
        # Both stacks have the same project and stack name: only their backends differ.
        self.pulumi("stack", "init", "dev")
        for config_key, value in {"scpvs:endpoint": url, "servers": str(servers)}.items():
            self.pulumi("config", "set", config_key, value)
        self.pulumi("config", "set", "--secret", "scpvs:accessKey", ACCESS_KEY)
        self.pulumi("config", "set", "--secret", "scpvs:secretKey", SECRET_KEY)

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["pulumi", *args, "--non-interactive"], cwd=self.directory, env=self.env, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
        return result

    def recorded(self) -> dict[str, str]:
        """URN name -> id of every scpvs resource in the state."""
        state = json.loads(self.pulumi("stack", "export").stdout)["deployment"]
        return {r["urn"].rsplit("::", 1)[-1]: r["id"] for r in state["resources"] if is_cloud_resource(r)}

    def pending(self) -> int:
        return len(json.loads(self.pulumi("stack", "export").stdout)["deployment"].get("pending_operations") or [])

    def converge(self, report: Report, phase: str, attempts: int, *args: str) -> None:
        """Run ``pulumi <args> --yes`` until it succeeds, following adopt_id hints as a user would."""
        runs = hints = 0
        adopted: set[str] = set()
        while runs < attempts:
            runs += 1
            result = self.pulumi(*args, "--yes", check=False)
            # The CLI shows each diagnostic twice (as it happens and in its summary): count ids.
            adopted.update(re.findall(r"(\S+) exists and [^\n]*: adopting it", result.stdout + result.stderr))
            if result.returncode == 0:
                break
            for resource, object_id in ADOPT_HINT.findall(result.stdout + result.stderr):
                self.pulumi("config", "set", "--path", f"adopt.{resource}", object_id)
                report.hinted.append(resource)
                hints += 1
        else:
            report.unconverged.append(phase)
            print(f"{phase} did not succeed in {attempts} runs:\n{result.stdout[-2000:]}", file=sys.stderr)
        report.up_runs[phase] = report.up_runs.get(phase, 0) + runs
        report.adopted += len(adopted)
        if hints:
            report.hints_followed[phase] = hints

    def interrupted_up(self, admin: httpx.Client, victim: str, servers: int) -> None:
        """Kill ``pulumi up`` (the CLI or the provider) once half the servers exist, then unlock."""

        def half_made() -> bool:
            return bool(admin.get("/_admin/objects").json().get("server", 0) >= max(1, servers // 2))

        interrupt_up(self.directory, self.env, victim, half_made)
        # What a user does next (README, "After an interrupted up"): unlock, then up again.
        self.pulumi("cancel", "--yes", check=False)


def interrupt_up(
    directory: Path, env: dict[str, str], victim: str, ready: Callable[[], bool], *extra: str, timeout: float = 300
) -> None:
    """Start ``pulumi up`` and ``kill -9`` the CLI's whole process group (``victim="cli"``) or
    only its provider processes (``"provider"``) as soon as ``ready()`` says so."""
    running = subprocess.Popen(
        ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive", *extra],
        cwd=directory,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and running.poll() is None and not ready():
        time.sleep(0.05)
    # The CLI starts its plugins in process groups of their own: "the CLI" is everything
    # in the session it was started in (as when a CI runner or a terminal dies).
    for pid in _session_processes(running.pid, only="pulumi.dynamic" if victim == "provider" else ""):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    running.wait(timeout=timeout)


def _session_processes(session: int, only: str = "") -> list[int]:
    """The processes of a session whose command line contains ``only``."""
    listing = subprocess.run(["ps", "-eo", "pid=,sid=,args="], capture_output=True, text=True).stdout
    return [
        int(pid)
        for pid, sid, args in (line.split(None, 2) for line in listing.splitlines() if len(line.split(None, 2)) == 3)
        if int(sid) == session and only in args
    ]


def run(
    servers: int, rates: dict[str, float], seed: int, transition: float, attempts: int, scenarios: bool = True
) -> Report:
    """The whole run; ``scenarios`` adds the crash, the twin stack and the target change."""
    report = Report()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="scpvs-resilience-"))
    simulator, url = start_simulator({}, transition)  # faults start after the catalogue is read
    elsewhere: subprocess.Popen[str] | None = None
    try:
        admin = httpx.Client(base_url=url, timeout=60)
        catalogue_only = admin.get("/_admin/objects").json()
        mine = Stack(work, "mine", url, servers)
        admin.post("/_admin/faults", json={**rates, "seed": seed})
        if scenarios:
            victim = "cli" if seed % 2 else "provider"
            mine.interrupted_up(admin, victim, servers)
            report.up_runs[f"up (after killing the {victim})"] = 1
            mine.converge(report, f"up (after killing the {victim})", attempts, "up")
            if mine.pending():
                mine.pulumi("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
        else:
            mine.converge(report, "up", attempts, "up")
        mine.pulumi("config", "set", "stage", "2")
        mine.converge(report, "update", attempts, "up")
        if scenarios:
            twin = Stack(work, "twin", url, servers)
            before = _snapshot(admin, mine.recorded())
            twin.converge(report, "twin stack up", attempts, "up")
            _check_twins(admin, mine, twin, report)
            twin.converge(report, "twin stack destroy", attempts, "destroy")
            report.foreign_touched += _changed(before, _snapshot(admin, mine.recorded()))
            elsewhere, other_url = start_simulator({}, transition)
            _target_change(mine, url, other_url, report)
        report.faults.update(admin.get("/_admin/faults").json()["injected"])
        admin.post("/_admin/faults", json={})  # compare with a quiet cloud
        compare(mine, admin, report)
        admin.post("/_admin/faults", json={**rates, "seed": seed + 1})
        mine.converge(report, "destroy", attempts, "destroy")
        report.faults.update(admin.get("/_admin/faults").json()["injected"])
        admin.post("/_admin/faults", json={})
        after = admin.get("/_admin/objects").json()
        report.left_after_destroy = {
            k: n - catalogue_only.get(k, 0) for k, n in after.items() if n != catalogue_only.get(k, 0)
        }
        report.api_requests = sum(admin.get("/_admin/requests").json().values())
    finally:
        for process in (simulator, elsewhere):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.monotonic() - started
    return report


def _snapshot(admin: httpx.Client, recorded: dict[str, str]) -> dict[str, Any]:
    """What the world says of each recorded object (gone objects are absent)."""
    ids = {part for object_id in recorded.values() for part in object_id.split("/")}
    world = admin.get("/_admin/world").json()
    return {
        str(o.get("id") or o.get("name")): json.dumps(o, sort_keys=True, default=str)
        for objects in world.values()
        for o in objects
        if str(o.get("id")) in ids or o.get("name") in ids
    }


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [
        f"{object_id} {'deleted' if object_id not in after else 'changed'}"
        for object_id in before
        if after.get(object_id) != before[object_id]
    ]


def _check_twins(admin: httpx.Client, mine: Stack, twin: Stack, report: Report) -> None:
    """The twin stack (same project and stack name, another backend) recorded none of our objects."""
    ours, theirs = set(mine.recorded().values()), set(twin.recorded().values())
    report.foreign_touched += [f"shared by both stacks: {object_id}" for object_id in sorted(ours & theirs)]


def _target_change(mine: Stack, url: str, other_url: str, report: Report) -> None:
    """Point the stack at another endpoint: up must refuse, nothing is made there or dropped here."""
    before = mine.recorded()
    mine.pulumi("config", "set", "scpvs:endpoint", other_url)
    refused = mine.pulumi("up", "--yes", check=False)
    mine.pulumi("refresh", "--yes", check=False)
    made_elsewhere = httpx.get(f"{other_url}/_admin/world", timeout=60).json()
    mine.pulumi("config", "set", "scpvs:endpoint", url)
    report.target_change_refused = refused.returncode != 0 and other_url in refused.stdout + refused.stderr
    report.foreign_touched += [
        f"made at the other endpoint: {o['id']}" for o in made_elsewhere.get("volume", []) if not o.get("bootable")
    ] + [f"made at the other endpoint: {o['id']}" for o in made_elsewhere.get("server", [])]
    after = mine.recorded()
    report.lost_state_entries += [
        f"{name} ({object_id})" for name, object_id in before.items() if after.get(name) != object_id
    ]


def compare(stack: Stack, admin: httpx.Client, report: Report) -> None:
    """Every object the stack records exists exactly once; nothing exists that it does not record."""
    recorded_by_name = stack.recorded()
    report.resources = len(recorded_by_name)
    recorded = set(recorded_by_name.values())
    world = admin.get("/_admin/world").json()
    # Objects that belong to another object rather than to the stack: the servers an
    # auto-scaling group runs, and the boot volumes servers are created with.
    group_members = {o["id"] for o in world.get("server", []) if o.get("auto_scaling_group_id")}
    group_members |= {o["id"] for o in world.get("volume", []) if o.get("bootable")}
    for kind in MANAGED:
        objects = world.get(kind, [])
        recorded_names = {o.get("name") for o in objects if (o["id"] if kind != "keypair" else o["name"]) in recorded}
        for item in objects:
            object_id = item["id"] if kind != "keypair" else item["name"]
            if object_id in group_members or object_id in recorded or _part_of_recorded(object_id, recorded):
                continue
            # Not recorded: a copy of a recorded object (same name) is a duplicate, anything else an orphan.
            if item.get("name") in recorded_names:
                report.duplicates.append(f"{kind} {item.get('name')!r} ({object_id})")
            else:
                report.orphans.append(f"{kind} {object_id}")
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
    parser.add_argument("--seeds", default="1", help="comma-separated seeds, one run each (odd: the CLI is killed)")
    parser.add_argument("--transition-seconds", type=float, default=0.3)
    parser.add_argument("--attempts", type=int, default=4, help="how many times a failed pulumi run is repeated")
    parser.add_argument("--no-scenarios", action="store_true", help="faults only: no crash, twin stack, target change")
    args = parser.parse_args()
    rates = {
        "error_rate": args.error_rate,
        "throttle_rate": args.throttle_rate,
        "retry_after": 0.2,
        "drop_rate": args.drop_rate,
        "late_error_rate": args.late_error_rate,
    }
    failed = 0
    rows = []
    for seed in (int(s) for s in args.seeds.split(",")):
        print(f"resilience run: {json.dumps(rates)} seed {seed}", flush=True)
        report = run(args.servers, rates, seed, args.transition_seconds, args.attempts, not args.no_scenarios)
        print("\n".join(report.lines()), flush=True)
        failed += report.mismatches != 0 or report.target_change_refused is False
        injected = sum(report.faults.values())
        rows.append(
            f"| {seed} | {injected} ({injected / max(report.api_requests, 1):.0%}) | {report.most_runs} | "
            f"{sum(report.hints_followed.values())} | {report.adopted} | "
            f"{len(report.duplicates)} | {len(report.orphans)} | "
            f"{len(report.foreign_touched)} | {len(report.lost_state_entries)} | "
            f"{sum(report.left_after_destroy.values())} | {report.target_change_refused} |"
        )
    print(
        "| seed | faults | most runs in a phase | adopt hints followed | adopted (proven) | duplicates | orphans | "
        "foreign objects touched | lost state entries | left after destroy | target change refused |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
