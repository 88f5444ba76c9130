"""Growth benchmark: what a stack of n resources costs per resource, beside the floor.

    python benchmarks/growth.py                            # n = 100, 300, 1000
    python benchmarks/growth.py --sizes 400,1000 --with-2000
    python benchmarks/growth.py --package-from /tmp/before # an older checkout's figures

For each n, two stacks in the same run, on the same simulator (transitions of
``--transition-seconds``, 0 by default) and the same engine (``--parallel`` 256):

- **floor**: n resources of a trivial dynamic provider defined in the program (create
  answers at once, outputs = inputs): what any dynamic provider pays under this engine;
- **scpvs**: n independent autonamed 8 GiB volumes.

Printed per n and stack: milliseconds per resource of ``up``, a ``preview`` with nothing to
do, ``refresh`` and ``destroy``; the ratio of scpvs to the floor for each; the state's bytes
per resource (``pulumi stack export``); the provider processes' peak resident memory
during ``up``; the CPU seconds of each step by process (provider, engine, program,
simulator: which part is the engine's cost and which is ours); the simulator's requests
per resource on ``up`` (operations that reached their handler).

Both stacks avoid the SDK's serializer cliff past ~970 resources (the floor restores the
pickler method as ``pulumi_scpvs`` once did), and the floor's provider, like ours, lives in
a module and is pickled by reference: the floor is the engine's cost, not the defect's.
Like any dynamic provider by default, the floor's ``__provider`` is a secret (ours is not:
its pickle holds nothing but the class). ``--package-from DIR`` makes the pulumi processes
import pulumi_scpvs from DIR (a worktree of an older commit): run twice for before/after.
A script, not a test: the machines are noisy, so figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.deploy import Figures, MemoryWatch, Project, ratio, requests
from benchmarks.resilience import start_simulator

# The floor's provider lives in a module of the project (on the pulumi processes' path), so
# it is pickled by reference, as pulumi_scpvs's providers are: the smallest `__provider`.
FLOOR_MODULE = """
import pickle
import uuid
import pulumi
import pulumi.dynamic

class FloorProvider(pulumi.dynamic.ResourceProvider):
    def create(self, props):
        return pulumi.dynamic.CreateResult(uuid.uuid4().hex, dict(props))

class Floor(pulumi.dynamic.Resource):
    size: pulumi.Output[float]

    def __init__(self, name):
        saved = pickle._Pickler._batch_setitems  # the SDK's serializer cliff, avoided
        try:
            super().__init__(FloorProvider(), name, {"size": 8})
        finally:
            pickle._Pickler._batch_setitems = saved
"""

FLOOR_PROGRAM = """
import pulumi
from floor import Floor

for i in range(pulumi.Config().require_int("count")):
    Floor(f"floor-{i}")
"""

VOLUMES_PROGRAM = """
import pulumi
import pulumi_scpvs as scpvs

for i in range(pulumi.Config().require_int("count")):
    scpvs.Volume(f"data-{i}", size=8)
"""

STEPS = ("up", "preview", "refresh", "destroy")


def measure(url: str, args: argparse.Namespace, program: str, n: int, figures: Figures, label: str) -> None:
    admin = httpx.Client(base_url=url, timeout=30)
    project = Project(url, args.parallel, None, args.package_from, program=program)
    if program is FLOOR_PROGRAM:
        (project.work / "floor.py").write_text(FLOOR_MODULE)
        project.env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(project.work), project.env.get("PYTHONPATH"))))
    project.run("config", "set", "count", str(n))
    before = requests(admin)
    seconds: dict[str, float] = {}
    cpu: dict[str, dict[str, int]] = {}
    peak_kib = 0
    for step, command in zip(STEPS, (project.up, project.preview, project.refresh, project.destroy), strict=True):
        with MemoryWatch() as memory:
            seconds[step] = command()
        cpu[step] = memory.cpu_seconds()
        if step == "up":
            peak_kib = memory.peak_kib
            up_requests = sum((requests(admin) - before).values())
            state_bytes = len(json.dumps(json.loads(project.export_text())["deployment"]["resources"]))
    for step in STEPS:
        figures[f"n{n}_{label}_{step}_ms_per_resource"] = round(1000 * seconds[step] / n, 1)
        figures[f"n{n}_{label}_{step}_cpu_s"] = cpu[step]
    figures[f"n{n}_{label}_state_bytes_per_resource"] = round(state_bytes / n)
    figures[f"n{n}_{label}_provider_peak_mib"] = round(peak_kib / 1024, 1)
    figures[f"n{n}_{label}_up_requests_per_resource"] = round(up_requests / n, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,300,1000", help="comma-separated stack sizes (default 100,300,1000)")
    parser.add_argument("--with-2000", action="store_true", help="also n = 2000 (scpvs only)")
    parser.add_argument("--parallel", type=int, default=256)
    parser.add_argument("--transition-seconds", type=float, default=0.0)
    parser.add_argument(
        "--package-from",
        metavar="DIR",
        help="the pulumi processes import pulumi_scpvs from DIR (a checkout, e.g. a worktree of an older commit)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")] + ([2000] if args.with_2000 else [])
    simulator, url = start_simulator({}, args.transition_seconds)
    figures = Figures(parallel=args.parallel, transition_seconds=args.transition_seconds)
    try:
        for n in sizes:
            if n == 2000 and args.with_2000:
                # The check that nothing breaks at 2,000 (the floor's figures at 1,000 say enough).
                measure(url, args, VOLUMES_PROGRAM, n, figures, "scpvs")
                continue
            measure(url, args, FLOOR_PROGRAM, n, figures, "floor")
            measure(url, args, VOLUMES_PROGRAM, n, figures, "scpvs")
            for step in STEPS:
                figures[f"n{n}_{step}_over_floor"] = ratio(
                    figures[f"n{n}_scpvs_{step}_ms_per_resource"], figures[f"n{n}_floor_{step}_ms_per_resource"]
                )
            figures[f"n{n}_state_over_floor"] = ratio(
                figures[f"n{n}_scpvs_state_bytes_per_resource"], figures[f"n{n}_floor_state_bytes_per_resource"]
            )
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
