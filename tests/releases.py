"""The source of earlier releases, from this repository's history (for the upgrade tests).

0.1.0 is commit ``f39ae66`` on main; for 0.2.0 (unreleased, run from main) the state
format is that of ``400a731``, the last commit whose states record every input in
``__inputs`` and keep ``__provider`` as a secret. CI runs on a full
clone of main, so the commits are there; when they are not (no ``git``, a shallow clone,
an export without ``.git``), the tests that need them fail and say so: an upgrade path
that is not tested is not kept.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RELEASE_0_1_0 = "f39ae66"
RELEASE_0_2_0 = "400a731"


def archive(release: str) -> tarfile.TarFile:
    """``git archive`` of the ``pulumi_scpvs`` package at commit ``release``, opened in memory."""
    command = ["git", "-C", str(ROOT), "archive", "--format=tar", release, "pulumi_scpvs"]
    try:
        result = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        pytest.fail(f"`git` is needed to get the source of commit {release} and is not installed")
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` failed: {result.stderr.decode(errors='replace').strip()}\n"
            f"The upgrade tests need commit {release} in this repository's history: "
            "run them in a full clone of main (`git fetch --unshallow` in a shallow one)."
        )
    return tarfile.open(fileobj=io.BytesIO(result.stdout))


def source(release: str) -> dict[str, str]:
    """Every Python file of the package at ``release``: path (``pulumi_scpvs/...``) -> text."""
    with archive(release) as opened:
        files = {}
        for member in opened.getmembers():
            if member.isfile() and member.name.endswith(".py"):
                extracted = opened.extractfile(member)
                assert extracted is not None
                files[member.name] = extracted.read().decode("utf-8")
        return files


def extract(release: str, destination: Path) -> Path:
    """Write the package at ``release`` under ``destination`` (a directory to put on ``PYTHONPATH``)."""
    destination.mkdir(parents=True, exist_ok=True)
    with archive(release) as opened:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            opened.extractall(destination, filter="data")
        else:
            opened.extractall(destination)
    assert (destination / "pulumi_scpvs" / "__init__.py").is_file()
    return destination
