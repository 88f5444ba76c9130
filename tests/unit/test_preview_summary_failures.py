"""scpvs-preview-summary on JSON the real CLI printed: a pull request's change, and a preview
whose check failed (tests/engine/programs/pr_*.py previewed over an up of pr_main.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_scpvs.preview_summary import main, summarize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def captured(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_a_change_is_summarized_with_the_target_warning_and_the_replacement_first() -> None:
    preview = captured("preview-change.json")
    warning = " ".join(preview["diagnostics"][0]["message"].split()).removeprefix("warning: ")
    assert summarize(preview) == (
        "### Pulumi preview: 1 to update, 1 to replace\n"
        "\n"
        f"> ⚠️ {warning}\n"
        "\n"
        "> ⚠️ **1 replacement(s)**: the old object is deleted.\n"
        "> - `logs` (Volume) because of volume_type\n"
        "\n"
        "| operation | resource | kind | changes |\n"
        "|---|---|---|---|\n"
        '| ♻️ **replace** | `logs` | Volume | name: "logs-mnlis1f" → "logs-3oooo9j" (new autoname), '
        '**volume_type: "SSD" → "HDD"** |\n'
        "| ✏️ update | `data` | Volume | size: 8 → 16 |\n"
    )
    assert warning.startswith("pulumi-scpvs deploys to the embedded SCP simulator")


def test_a_failed_check_is_the_headline_with_its_resource_and_message() -> None:
    preview = captured("preview-failed.json")
    # The real output has a warning and the engine's follow-on error besides the check failure.
    severities = [diagnostic["severity"] for diagnostic in preview["diagnostics"]]
    assert severities == ["warning", "error", "error"]
    summary = summarize(preview)
    assert summary.startswith(
        "### ❌ Pulumi preview failed\n"
        "\n"
        "> - `data` (Volume): property size value {7} has a problem: Input should be greater than or equal to 8\n"
        "\n"
        "> ⚠️ pulumi-scpvs deploys to the embedded SCP simulator"
    ), summary
    assert summary.count("> - ") == 1, "the engine's follow-on error is left out"


def test_steps_planned_before_a_failure_follow_the_errors() -> None:
    preview = captured("preview-failed.json")
    planned = copy.deepcopy(captured("preview-change.json")["steps"])
    preview["steps"] += [step for step in planned if step["urn"].endswith("::logs") or step["op"] == "update"]
    summary = summarize(preview)
    assert summary.index("Pulumi preview failed") < summary.index("`data` (Volume): property size")
    assert "Planned before the failure: 1 to update, 1 to replace." in summary
    assert summary.index("Planned before the failure") < summary.index("| ♻️ **replace** | `logs` |")
    assert "no changes" not in summary


def test_an_error_of_the_program_itself_has_no_resource() -> None:
    stack_urn = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"
    preview = {
        "steps": [],
        "diagnostics": [
            {
                "urn": stack_urn,
                "message": "error: Program failed with an unhandled exception:\nNameError\n",
                "severity": "error",
            },
            {"message": "error: Resource monitor has terminated, shutting down\n", "severity": "error"},
        ],
    }
    assert summarize(preview) == (
        "### ❌ Pulumi preview failed\n\n> - Program failed with an unhandled exception: NameError\n"
    )


def test_no_output_at_all_is_a_failure_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "preview.json"
    empty.write_text("")
    assert main([str(empty)]) == 0
    assert capsys.readouterr().out.startswith("### ❌ Pulumi preview failed\n")
