"""The resilience run: a mixed stack deployed, updated and destroyed by the real engine while
the simulator injects faults, then a strict comparison of the stack's state with the
simulator's world.

    python benchmarks/resilience.py                 # full size (about 20 resources), default rates
    python benchmarks/resilience.py --servers 1 --error-rate 0.1 --seed 3

Needs the Pulumi CLI (scripts/setup.sh). Prints the figures quoted in docs/reliability.md:
"Reliability" section: operations, faults injected by kind, `up` runs needed, duplicates,
orphans, foreign objects adopted or deleted, private keys lost in silence, hints followed
per phase and the final mismatch count. A failed `up` is run again, as a user would, up to
``--attempts`` times; each retry is counted. An ``adopt_id`` hint is followed, unless it
names an object the other stack records: then the user opts in to a second object of that
name (``allow_duplicate_name``) or renames the resource.

Scenarios (without ``--no-scenarios``): the first ``up`` killed mid-create (on odd seeds the
CLI, and the next run is on a fresh runner: the create journal is removed), an update, a
twin stack (same project and stack name, another backend, same program: it meets the
explicitly named ``archive``), the race (both stacks add the volume ``race``; the twin's
create is held by the simulator and answered 5xx having done nothing while the first stack
creates that name), the twin's destroy, a target change, and the destroy.
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
# A hint naming another stack's object is not followed: the user opts in to a second object
# of that name, or renames the resource.
duplicate = config.get_object("allowDuplicateName") or {}
renamed = config.get_object("rename") or {}

def opts(name):
    given = {"adopt_id": adopt[name]} if name in adopt else {}
    return {**given, "allow_duplicate_name": True} if duplicate.get(name) else given

key = scpvs.Keypair("key", **opts("key"))
group = scpvs.ServerGroup("spread", policy="anti-affinity", **opts("spread"))
archive = scpvs.Volume("archive", name=renamed.get("archive", "archive"), size=8, **opts("archive"))
if config.get_bool("race"):  # the race: both stacks declare it, one's create is held meanwhile
    scpvs.Volume("race", name=renamed.get("race", "race"), size=8, **opts("race"))
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


JOURNAL_ENV = "SCPVS_JOURNAL"
# A create SCP answered 5xx: the client does not send a POST again (see scp/_retry.py).
CREATE_STOP = re.compile(r"SCP answered 5\d\d to POST ")
ADOPT_HINT = re.compile(r"pulumi-python:dynamic/scpvs:\w+ \(([^)]+)\):\s*\n\s*error:[^\n]*?adopt_id=\"([^\"]+)\"")


@dataclass
class Report:
    resources: int = 0
    api_requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    up_runs: dict[str, int] = field(default_factory=dict)
    hints_followed: dict[str, int] = field(default_factory=dict)
    hinted: list[str] = field(default_factory=list)  # the resources whose adopt hint was followed
    hints_refused: dict[str, int] = field(default_factory=dict)
    """Per phase: hints naming another stack's object, not followed (the user opted in or renamed)."""
    refused: list[str] = field(default_factory=list)
    followed_ids: dict[str, set[str]] = field(default_factory=dict)  # stack label -> ids its user adopted
    adopted: int = 0  # objects the provider proved its own and adopted (after a crash or a lost answer)
    fresh_runner: str = "no"  # whether the journal was removed after the killed run, and whether it existed
    race: str = "not run"  # how the race ended for the stack whose create was held
    duplicates: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    foreign_adopted: list[str] = field(default_factory=list)
    foreign_deleted: list[str] = field(default_factory=list)
    foreign_touched: list[str] = field(default_factory=list)
    keys_lost: set[str] = field(default_factory=set)
    """Generated key pairs whose ``private_key`` is empty after an ``up`` that succeeded, unwarned."""
    keys_warned: set[str] = field(default_factory=set)
    """Key pairs adopted with a warning that their private key is empty (``adopt_id``)."""
    lost_state_entries: list[str] = field(default_factory=list)
    target_change_refused: bool | None = None
    unconverged: list[str] = field(default_factory=list)  # phases still failing after every attempt
    failed_runs: list[str] = field(default_factory=list)
    """Each run that failed without an adopt hint: its phase and the errors it printed."""
    create_stops: dict[str, int] = field(default_factory=dict)
    """Per phase: runs stopped by a 5xx answer to a create (a POST), which the provider does not
    send again (it may have been made); the next run adopts it on proof or creates it."""
    left_after_destroy: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def race_failed(self) -> bool:
        """The race was played and the held create did not stop on the other stack's object."""
        return self.race.startswith("played") and "stopped" not in self.race

    @property
    def mismatches(self) -> int:
        counted = (
            self.duplicates,
            self.orphans,
            self.missing,
            self.foreign_adopted,
            self.foreign_deleted,
            self.foreign_touched,
            self.keys_lost,
            self.lost_state_entries,
        )
        return (
            sum(len(c) for c in counted)
            + sum(self.left_after_destroy.values())
            + len(self.unconverged)
            + self.race_failed
        )

    @property
    def most_runs(self) -> int:
        return max(self.up_runs.values(), default=0)

    @property
    def most_runs_besides_hints(self) -> int:
        """The most runs a phase needed, not counting the one each hint costs by design (followed,
        or refused because it named another stack's object), nor the one each create stop costs."""
        return max(
            (
                runs
                - self.hints_followed.get(phase, 0)
                - self.hints_refused.get(phase, 0)
                - self.create_stops.get(phase, 0)
                for phase, runs in self.up_runs.items()
            ),
            default=0,
        )

    def lines(self) -> list[str]:
        injected = sum(self.faults.values())
        by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(self.faults.items()))

        def listed(items: Any) -> str:
            return f"{len(items)} {sorted(items) if items else ''}".rstrip()

        return [
            f"resources in the stack        {self.resources}",
            f"API requests handled          {self.api_requests}",
            f"faults injected               {injected} ({by_kind})",
            f"fault rate (faults/requests)  {injected / max(self.api_requests, 1):.3f}",
            f"pulumi runs per phase         {', '.join(f'{k} {v}' for k, v in self.up_runs.items())}",
            f"most runs in a phase          {self.most_runs} ({self.most_runs_besides_hints} besides hints)",
            f"fresh runner after the crash  {self.fresh_runner}",
            f"adopt hints followed          {sum(self.hints_followed.values())} {' '.join(self.hinted)}".rstrip(),
            f"  per phase                   {self.hints_followed or 0}",
            f"hints naming another stack's  {sum(self.hints_refused.values())} {' '.join(self.refused)}".rstrip(),
            f"  object (not followed)       {self.hints_refused or 0}",
            f"race (create held, same name) {self.race}",
            f"objects proven ours, adopted  {self.adopted}",
            f"duplicated objects            {listed(self.duplicates)}",
            f"orphaned objects              {listed(self.orphans)}",
            f"objects missing               {listed(self.missing)}",
            f"foreign objects adopted       {listed(self.foreign_adopted)}",
            f"foreign objects deleted       {listed(self.foreign_deleted)}",
            f"foreign objects touched       {listed(self.foreign_touched)}",
            f"private keys lost in silence  {listed(self.keys_lost)}",
            f"  (empty with a warning)      {listed(self.keys_warned)}",
            f"lost state entries            {listed(self.lost_state_entries)}",
            f"target change refused         {self.target_change_refused}",
            f"phases that never succeeded   {self.unconverged or 0}",
            f"runs failed without a hint    {len(self.failed_runs)} (on a create's 5xx: {self.create_stops or 0})",
            *(f"  {failure}" for failure in self.failed_runs),
            f"left after destroy            {sum(self.left_after_destroy.values())}",
            f"final mismatch count          {self.mismatches}",
            f"wall time                     {self.seconds:.0f} s",
        ]


def file_backend_url(directory: Path) -> str:
    """``PULUMI_BACKEND_URL`` of a file backend in ``directory`` that a ``kill -9`` cannot break.

    The file backend writes each checkpoint to a temporary file and renames it, but first
    truncates and rewrites a metadata sidecar (``<stack>.json.attrs``) in place. A CLI killed
    in between leaves that sidecar empty, and every later command on the stack fails with
    ``failed to load checkpoint: EOF``. Pulumi reads nothing from the sidecar;
    ``metadata=skip`` (an option of the file backend's URL) stops writing it.
    """
    return f"file://{directory}?metadata=skip"


def config_set_all(plain: dict[str, str], secret: dict[str, str] | None = None, *, path: bool = False) -> list[str]:
    """Arguments of one ``pulumi config set-all`` for every key (one CLI process, not one per key)."""
    args = ["config", "set-all", *(["--path"] if path else [])]
    args += [arg for key, value in plain.items() for arg in ("--plaintext", f"{key}={value}")]
    return args + [arg for key, value in (secret or {}).items() for arg in ("--secret", f"{key}={value}")]


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
        self.label = label
        self.directory = work / label
        self.directory.mkdir()
        (work / f"{label}-state").mkdir()
        (self.directory / "Pulumi.yaml").write_text("name: resilience\nruntime: python\n")
        (self.directory / "__main__.py").write_text(PROGRAM)
        self.env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), pulumi_bin(), os.environ.get("PATH", "")]),
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_BACKEND_URL": file_backend_url(work / f"{label}-state"),
            "PULUMI_HOME": str(work / "home"),
            "PULUMI_CONFIG_PASSPHRASE": "resilience",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",  # see scripts/env.sh
        }
        self.env.pop(JOURNAL_ENV, None)  # the provider keeps its journal in the project directory
        # Both stacks have the same project and stack name: only their backends differ.
        self.pulumi("stack", "init", "dev")
        credentials = {"scpvs:accessKey": ACCESS_KEY, "scpvs:secretKey": SECRET_KEY}
        self.pulumi(*config_set_all({"scpvs:endpoint": url, "servers": str(servers)}, credentials))

    @property
    def journal(self) -> Path:
        """Where the provider (run in the project directory) keeps this machine's create journal."""
        return self.directory / ".scpvs" / "create-journal.db"

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

    def recorded_ids(self) -> set[str]:
        """Every object id the state records, ids of the form ``volume/server`` split in parts."""
        return {part for object_id in self.recorded().values() for part in [object_id, *object_id.split("/")]}

    def pending(self) -> int:
        return len(json.loads(self.pulumi("stack", "export").stdout)["deployment"].get("pending_operations") or [])

    def lost_private_keys(self) -> dict[str, str]:
        """Generated key pairs (no ``public_key``) whose ``private_key`` output is empty: id -> description."""
        state = json.loads(self.pulumi("stack", "export", "--show-secrets").stdout)["deployment"]
        return {
            str(r.get("id")): f"{self.label}: key pair {r['urn'].rsplit('::', 1)[-1]} ({r.get('id')})"
            for r in state["resources"]
            if r["type"] == f"{SCPVS_TYPE}Keypair"
            and not _plain((r.get("inputs") or {}).get("public_key"))
            and not _plain((r.get("outputs") or {}).get("private_key"))
        }

    def converge(
        self,
        report: Report,
        phase: str,
        attempts: int,
        *args: str,
        other: Stack | None = None,
        opt_in: str = "allow_duplicate_name",
        first: subprocess.CompletedProcess[str] | None = None,
    ) -> None:
        """Run ``pulumi <args> --yes`` until it succeeds, handling ``adopt_id`` hints as a user would.

        A hint naming an object that ``other`` records is another stack's: the user does not
        follow it but opts in to a second object of that name (``opt_in="allow_duplicate_name"``)
        or renames the resource (``"rename"``). ``first`` is a run already made in this phase."""
        runs = hints = refused = 0
        adopted: set[str] = set()
        while runs < attempts:
            runs += 1
            result = first if first is not None and runs == 1 else self.pulumi(*args, "--yes", check=False)
            output = result.stdout + result.stderr
            # The CLI shows each diagnostic twice (as it happens and in its summary): count ids.
            adopted.update(re.findall(r"(\S+) exists and [^\n]*: adopting it", output))
            # Adopting a generated key pair (adopt_id) leaves its private key empty, with a warning.
            report.keys_warned.update(re.findall(r"(\S+) is adopted without its generated private key", output))
            if result.returncode == 0:
                if args[0] == "up":
                    empty = self.lost_private_keys()
                    report.keys_lost |= {what for key, what in empty.items() if key not in report.keys_warned}
                break
            found_hints = dict.fromkeys(ADOPT_HINT.findall(output))
            if not found_hints:
                report.failed_runs.append(f"{phase} (run {runs}): {' | '.join(errors_of(output)) or output[-300:]}")
                if CREATE_STOP.search(output):
                    report.create_stops[phase] = report.create_stops.get(phase, 0) + 1
            theirs = other.recorded_ids() if other is not None else set()
            for resource, object_id in found_hints:
                if object_id in theirs:
                    if opt_in == "rename":
                        self.pulumi("config", "set", "--path", f"rename.{resource}", f"{resource}-{self.label}")
                    else:
                        self.pulumi("config", "set", "--path", f"allowDuplicateName.{resource}", "true")
                    report.refused.append(f"{self.label}:{resource}")
                    refused += 1
                    continue
                self.pulumi("config", "set", "--path", f"adopt.{resource}", object_id)
                report.hinted.append(f"{self.label}:{resource}")
                report.followed_ids.setdefault(self.label, set()).add(object_id)
                hints += 1
        else:
            report.unconverged.append(phase)
            print(f"{phase} did not succeed in {attempts} runs:\n{result.stdout[-2000:]}", file=sys.stderr)
        report.up_runs[phase] = report.up_runs.get(phase, 0) + runs
        report.adopted += len(adopted)
        if hints:
            report.hints_followed[phase] = report.hints_followed.get(phase, 0) + hints
        if refused:
            report.hints_refused[phase] = report.hints_refused.get(phase, 0) + refused

    def interrupted_up(self, admin: httpx.Client, victim: str, servers: int, fresh_runner: bool) -> str:
        """Kill ``pulumi up`` (the CLI or the provider) once half the servers exist, then unlock.

        ``fresh_runner``: the next run is on another machine (a new checkout, no local
        files): the create journal is removed. Returns what was done with the journal."""

        def half_made() -> bool:
            return bool(admin.get("/_admin/objects").json().get("server", 0) >= max(1, servers // 2))

        interrupt_up(self.directory, self.env, victim, half_made)
        # What a user does next (README: Troubleshooting, "An interrupted pulumi up"): unlock, then up again.
        self.pulumi("cancel", "--yes", check=False)
        if not fresh_runner:
            return "no (the journal is kept)"
        existed = self.journal.exists()
        shutil.rmtree(self.journal.parent, ignore_errors=True)
        return "yes (journal removed)" if existed else f"yes (but there was no journal at {self.journal})"


def _plain(value: Any) -> Any:
    """A value of ``stack export --show-secrets``: secrets are ``{"plaintext": "<JSON>"}``."""
    if isinstance(value, dict) and "plaintext" in value:
        return json.loads(value["plaintext"])
    if isinstance(value, dict) and "ciphertext" in value:
        return "(encrypted)"
    return value


def errors_of(output: str) -> list[str]:
    """The distinct ``error:`` lines of a CLI run, shortened: what made it fail."""
    lines = (line.strip() for line in output.splitlines())
    return list(dict.fromkeys(line[:300] for line in lines if line.startswith("error:")))


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
            # Odd seeds: the CLI is killed, as when a CI runner dies, and the next run is on a
            # fresh runner (no journal). Even seeds: only the provider dies, the machine stays.
            victim = "cli" if seed % 2 else "provider"
            report.fresh_runner = mine.interrupted_up(admin, victim, servers, fresh_runner=victim == "cli")
            report.up_runs[f"up (after killing the {victim})"] = 1
            mine.converge(report, f"up (after killing the {victim})", attempts, "up")
            if mine.pending():
                mine.pulumi("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
        else:
            mine.converge(report, "up", attempts, "up")
        mine.pulumi("config", "set", "stage", "2")
        mine.converge(report, "update", attempts, "up")
        if scenarios:
            # The twin's user: on a hint naming the first stack's object, opts in to a second
            # object of that name (odd seeds) or renames the resource (even seeds).
            opt_in = "allow_duplicate_name" if seed % 2 else "rename"
            twin = Stack(work, "twin", url, servers)
            before = _snapshot(admin, mine.recorded())
            twin.converge(report, "twin stack up", attempts, "up", other=mine, opt_in=opt_in)
            _race(admin, mine, twin, report, attempts, opt_in, {**rates, "seed": seed + 2})
            for object_id, seen in _snapshot(admin, mine.recorded()).items():
                before.setdefault(object_id, seen)  # the object the first stack made in the race
            _check_twins(mine, twin, report)
            twin.converge(report, "twin stack destroy", attempts, "destroy")
            for change in _changed(before, _snapshot(admin, mine.recorded())):
                (report.foreign_deleted if change.endswith(" deleted") else report.foreign_touched).append(change)
            # The first stack's user: refresh keeps everything, and the program shows no changes.
            mine.converge(report, "refresh after the twin", attempts, "refresh", "--skip-preview")
            unchanged = mine.pulumi("preview", "--expect-no-changes", check=False)
            if unchanged.returncode != 0:
                report.foreign_touched.append(f"preview after the twin: {_preview_changes(unchanged.stdout)}")
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


def _check_twins(mine: Stack, twin: Stack, report: Report) -> None:
    """The twin stack (same project and stack name, another backend) recorded none of our
    objects, and no hint a user followed named an object the other stack records."""
    ours, theirs = mine.recorded_ids(), twin.recorded_ids()
    shared = {f"recorded by both stacks: {object_id}" for object_id in set(mine.recorded().values()) & theirs}
    for label, stack_ids, other_ids in (("mine", ours, theirs), ("twin", theirs, ours)):
        shared |= {
            f"{label} followed a hint naming the other stack's {object_id}"
            for object_id in report.followed_ids.get(label, set()) & other_ids & stack_ids
        }
    report.foreign_adopted += sorted(shared)


RACE_DELAY = 60.0
"""Seconds the simulator holds the twin's create before answering 5xx (``release`` ends it
sooner). Beyond the client's 30 s read timeout the twin sees a lost connection instead: the
same uncertainty, so the race holds either way."""


def _race(
    admin: httpx.Client, mine: Stack, twin: Stack, report: Report, attempts: int, opt_in: str, faults: dict[str, Any]
) -> None:
    """Both stacks add the volume ``race`` (an explicit name). The twin looks, finds nothing and
    sends its create, which the simulator holds and then answers 5xx having done nothing;
    meanwhile the first stack creates ``race``. The twin must stop with a hint naming the
    first stack's volume (never adopt it, never make a second one unasked); its user then
    opts in or renames, as for ``archive``."""
    for stack in (mine, twin):
        stack.pulumi("config", "set", "race", "true")
    # Configuring faults empties their counts: keep what was injected so far (the held error is not counted).
    report.faults.update(admin.get("/_admin/faults").json()["injected"])
    admin.post("/_admin/faults", json={"error_rate": 1.0, "match": "^POST /v1/volumes$", "error_delay": RACE_DELAY})
    log = twin.directory.parent / "twin-race-up.log"
    command = ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"]
    with log.open("w") as output:
        running = subprocess.Popen(command, cwd=twin.directory, env=twin.env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while running.poll() is None and time.monotonic() < deadline:
            if admin.get("/_admin/faults").json()["injected"].get("error_before"):
                break
            time.sleep(0.05)
        admin.post("/_admin/faults", json={})  # the first stack is not faulted while the twin's create is held
        held = running.poll() is None
        mine.converge(report, "race: first stack up", attempts, "up")
        played = held and admin.get("/_admin/faults").json()["holding"] == 1
        admin.post("/_admin/faults", json=faults)
        admin.post("/_admin/faults/release")
        running.wait(timeout=900)
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()
    text = log.read_text()
    first = subprocess.CompletedProcess(command, running.returncode, text, "")
    theirs = mine.recorded().get("race")
    hinted = {object_id for resource, object_id in ADOPT_HINT.findall(text) if resource == "race"}
    twin.converge(report, "race: twin up", attempts, "up", other=mine, opt_in=opt_in, first=first)
    race = twin.recorded().get("race")
    if running.returncode != 0 and theirs in hinted:
        outcome = "stopped with a hint naming the first stack's volume"
    elif race == theirs:
        outcome = "ADOPTED the first stack's volume"
    elif running.returncode == 0:
        outcome = "CREATED another volume of the name unasked"
    else:
        outcome = f"FAILED otherwise: {text[-1500:]}"
    report.race = f"{'played' if played else 'NOT PLAYED (the first stack outlasted the hold)'}: {outcome}"


def _preview_changes(output: str) -> str:
    """The lines of a preview that name a change."""
    return "; ".join(line.strip() for line in output.splitlines() if re.match(r"\s*[-+~]{1,2}\s", line))[:1000]


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
    parser.add_argument(
        "--seeds",
        default="1",
        help="comma-separated seeds, one run each (odd: the CLI is killed, the next run is on a fresh runner "
        "without the create journal, the twin's user opts in with allow_duplicate_name; even: the provider is "
        "killed, the journal kept, the twin's user renames)",
    )
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
            f"| {seed} | {'yes' if report.fresh_runner.startswith('yes') else 'no'} | "
            f"{injected} ({injected / max(report.api_requests, 1):.0%}) | "
            f"{report.most_runs} ({report.most_runs_besides_hints}) | "
            f"{sum(report.hints_followed.values())} | {sum(report.hints_refused.values())} | {report.adopted} | "
            f"{len(report.duplicates)} | {len(report.orphans)} | "
            f"{len(report.foreign_adopted)} | {len(report.foreign_deleted)} | {len(report.foreign_touched)} | "
            f"{len(report.keys_lost)} | {len(report.lost_state_entries)} | "
            f"{sum(report.left_after_destroy.values())} | {report.target_change_refused} | "
            f"{report.race.split(':')[0]}{'' if report.race_failed else ' ok'} | {report.mismatches} |"
        )
    print(
        "| seed | fresh runner | faults | most runs in a phase (besides hints) | hints followed | "
        "hints naming the other stack's | adopted (proven) | duplicates | orphans | foreign adopted | "
        "foreign deleted | foreign touched | private keys lost | lost state entries | left after destroy | "
        "target change refused | race | mismatches |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
