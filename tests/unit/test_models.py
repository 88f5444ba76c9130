"""The generated models against the API document: every schema, its constraints, its examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from pulumi_scpvs.scp import models
from pulumi_scpvs.scp._generated.operations import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "spec" / "scp-virtualserver-api-1.1.json").read_text())


def test_every_schema_and_operation_is_generated() -> None:
    assert set(models.MODELS) == set(DOCUMENT["models"]) and len(models.MODELS) == 117
    assert len(OPERATIONS) == 112
    assert len({(e["method"], e["path"]) for e in DOCUMENT["endpoints"]}) == 112


def test_generated_files_are_fresh() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_every_field_of_every_schema_is_declared() -> None:
    for name, fields in DOCUMENT["models"].items():
        declared = {info.alias or field for field, info in models.MODELS[name].model_fields.items()}
        assert declared == {f["name"] for f in fields}, name


def test_documented_examples_validate_except_for_rendering_artifacts() -> None:
    """Every example response validates, unless the value refused is one of the document's
    rendering artifacts: a string standing for a list, an object or a number."""
    checked = 0
    for endpoint in DOCUMENT["endpoints"]:
        for status, example in (endpoint.get("example_responses") or {}).items():
            schema = endpoint["responses"].get(status, {}).get("schema")
            if not schema or not isinstance(example, dict):
                continue
            checked += 1
            try:
                models.MODELS[schema].model_validate(example)
            except ValidationError as error:
                for item in error.errors():
                    assert isinstance(item["input"], str), (endpoint["title"], item)
                    assert item["type"] in ("list_type", "dict_type", "int_parsing"), (endpoint["title"], item)
    assert checked == 150


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        ("KeypairCreateRequest", {"name": "bad/name"}, "name"),
        ("KeypairCreateRequest", {"name": "x" * 256}, "name"),
        (
            "ServerCreateRequest",
            {"name": "", "image_id": "i", "keypair_name": "k", "server_type_id": "t", "networks": []},
            "name",
        ),
        ("VolumeCreateRequest", {"name": "v", "size": 4}, "size"),
        ("AutoScalingGroupLbServerGroup", {"id": "x", "port": 70000}, "port"),
        (
            "AutoScalingGroupScheduleCreateRequest",
            {"name": "s", "frequency": "HOURLY", "hour": 1, "minute": 0, "start_date": "d", "timezone": "UTC"},
            "frequency",
        ),
        (
            "AutoScalingGroupScheduleCreateRequest",
            {"name": "s", "frequency": "DAILY", "hour": 24, "minute": 0, "start_date": "d", "timezone": "UTC"},
            "hour",
        ),
        ("ServerGroupCreateRequest", {"name": "g", "policy": "spread"}, "policy"),
        ("ImageImportRequest", {"url": "https://x/image.iso"}, "url"),
        (
            "AutoScalingGroupPolicyCreateRequest",
            {
                "name": "p",
                "metric_type": "DISK",
                "metric_method": "AVG",
                "comparison_operator": "ge",
                "threshold": 1,
                "evaluation_minutes": 1,
                "scale_type": "SCALE_IN",
                "scale_method": "AMOUNT",
                "scale_value": 1,
                "cooldown_seconds": 1,
            },
            "metric_type",
        ),
    ],
)
def test_constraints_are_enforced(model: str, data: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        models.MODELS[model].model_validate(data)
    assert field in {str(item["loc"][0]) for item in error.value.errors()}


def test_defaults_come_from_the_document() -> None:
    assert models.ServerRebootRequestBody().reboot_type == "SOFT"
    assert models.ImageCreateRequest(name="i", os_distro="ubuntu", url="u.qcow2").visibility == "private"
    assert models.ServerCreateRequest.model_fields["max_count"].default == 1


def test_reference_documentation_is_fresh() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_sdk.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
