"""The source of release 0.1.0, from this repository's history (for the upgrade tests).

0.1.0 is commit ``f39ae66`` on main. CI runs on a full clone of main, so the commit is
there; when it is not (no ``git``, a shallow clone, an export without ``.git``), the tests
that need it fail and say so: an upgrade path that is not tested is not kept.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RELEASE_0_1_0 = "f39ae66"


def archive_0_1_0() -> tarfile.TarFile:
    """``git archive`` of the ``pulumi_scpvs`` package at 0.1.0, opened in memory."""
    command = ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASE_0_1_0, "pulumi_scpvs"]
    try:
        result = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        pytest.fail(f"`git` is needed to get the 0.1.0 source (commit {RELEASE_0_1_0}) and is not installed")
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` failed: {result.stderr.decode(errors='replace').strip()}\n"
            f"The upgrade tests need release 0.1.0 (commit {RELEASE_0_1_0}) in this repository's history: "
            "run them in a full clone of main (`git fetch --unshallow` in a shallow one)."
        )
    return tarfile.open(fileobj=io.BytesIO(result.stdout))


def source_0_1_0() -> dict[str, str]:
    """Every Python file of the 0.1.0 package: path (``pulumi_scpvs/...``) -> text."""
    with archive_0_1_0() as archive:
        files = {}
        for member in archive.getmembers():
            if member.isfile() and member.name.endswith(".py"):
                extracted = archive.extractfile(member)
                assert extracted is not None
                files[member.name] = extracted.read().decode("utf-8")
        return files


def extract_0_1_0(destination: Path) -> Path:
    """Write the 0.1.0 package under ``destination`` (a directory to put on ``PYTHONPATH``)."""
    destination.mkdir(parents=True, exist_ok=True)
    with archive_0_1_0() as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            archive.extractall(destination, filter="data")
        else:
            archive.extractall(destination)
    assert (destination / "pulumi_scpvs" / "__init__.py").is_file()
    return destination
