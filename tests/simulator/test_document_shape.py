"""The simulator's answers have the document's shape: ``null`` only where the document allows it.

The API document marks some fields nullable (schema ``any of [..., null]``); an optional
field that is not nullable is left out when it has no value. These tests read the
document itself, walk every response model the operation table can answer with (through
nested models and lists), and check every answer of a walk through the whole API.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from pulumi_scpvs.scp import models
from pulumi_scpvs.scp._generated.operations import OPERATIONS
from pulumi_scpvs.scp._operation import ApiOperation
from pulumi_scpvs.simulator import catalogue as cat
from pulumi_scpvs.simulator._shape import NULLABLE, document_shape

from ..conftest import RunningSimulator
from .test_every_operation import RecordingClient, walk_the_whole_api

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "spec" / "scp-virtualserver-api-1.1.json").read_text())
DOCUMENT_NULLABLE = {
    name: {field["name"] for field in fields if re.search(r"\bnull\b", field["schema"])}
    for name, fields in DOCUMENT["models"].items()
}


def nested_models(annotation: Any) -> list[type[BaseModel]]:
    """The models inside a field's annotation (``X | None``, ``list[X]``, ``Annotated[X, ...]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [found for arg in typing.get_args(annotation) for found in nested_models(arg)]


def field_model(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    """The model a field named ``key`` (as the document spells it) holds, if it holds one."""
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            found = nested_models(info.annotation)
            return found[0] if found else None
    return None


def reachable_response_models() -> dict[str, type[BaseModel]]:
    """Every model an answer of the operation table can contain, by name."""
    found: dict[str, type[BaseModel]] = {}
    pending = [op.response_model for op in OPERATIONS.values() if op.response_model is not None]
    while pending:
        model = pending.pop()
        if model.__name__ in found:
            continue
        found[model.__name__] = model
        for info in model.model_fields.values():
            pending += nested_models(info.annotation)
    return found


def undocumented_nulls(value: Any, model: type[BaseModel], where: str) -> list[str]:
    """Where in ``value`` (read as ``model``) a ``null`` stands that the document does not allow."""
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in undocumented_nulls(item, model, f"{where}[{i}]")]
    if not isinstance(value, dict):
        return []
    found = []
    for key, item in value.items():
        if item is None and key not in DOCUMENT_NULLABLE[model.__name__]:
            found.append(f"{where}.{key} ({model.__name__})")
        inner = field_model(model, key)
        if inner is not None:
            found += undocumented_nulls(item, inner, f"{where}.{key}")
    return found


class AnswerRecordingClient(RecordingClient):
    """Also remembers every answer's JSON body, as the simulator sent it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.answers: list[tuple[ApiOperation, Any]] = []
        super().__init__(*args, **kwargs)

    def call(self, operation: ApiOperation, **kwargs: Any) -> Any:
        result = super().call(operation, **kwargs)
        self.answers.append((operation, result))
        return result


def test_the_simulator_knows_the_document_nullable_fields_of_every_answer_model() -> None:
    reachable = reachable_response_models()
    assert len(reachable) == 74
    documented = {name: DOCUMENT_NULLABLE[name] for name in reachable if DOCUMENT_NULLABLE[name]}
    assert {name: set(fields) for name, fields in NULLABLE.items()} == documented
    assert sum(map(len, documented.values())) == 112


def test_no_answer_of_the_whole_api_has_a_null_the_document_does_not_allow(simulator: RunningSimulator) -> None:
    client = AnswerRecordingClient(simulator.config())
    walk_the_whole_api(client)  # the typed client parses every answer on the way

    answered = {op.name for op, body in client.answers if body is not None}
    assert answered == {name for name, op in OPERATIONS.items() if op.response_model is not None}
    found = [
        place
        for op, body in client.answers
        if op.response_model is not None
        for place in undocumented_nulls(body, op.response_model, op.name)
    ]
    assert found == []
    # Nullable fields keep their null: a server outside any auto-scaling group says so.
    shown = [body for op, body in client.answers if op.name == "show_server"]
    assert all("auto_scaling_group_id" in body and body["auto_scaling_group_id"] is None for body in shown)


def test_an_interface_without_nat_leaves_the_nat_fields_out(simulator: RunningSimulator) -> None:
    client = AnswerRecordingClient(simulator.config())
    client.keypairs.create_keypair({"name": "shape-key"})
    server = client.servers.create_server(
        {
            "name": "shape-server",
            "image_id": cat.IMAGE_UBUNTU,
            "keypair_name": "shape-key",
            "server_type_id": "s1v1m2",
            "networks": [{"subnet_id": cat.SUBNET_ID}],
            "volumes": [{"boot_index": 0, "size": 16, "source_type": "image"}],
        }
    ).servers[0]
    parsed = client.servers.list_server_interfaces(server.id)

    body = client.answers[-1][1]
    assert body["interfaces"] and all(
        "static_nat" not in interface and "private_static_nat" not in interface for interface in body["interfaces"]
    )
    assert all(i.static_nat is None and i.private_static_nat is None for i in parsed.interfaces)


def test_document_shape_drops_only_optional_fields_the_document_does_not_make_nullable() -> None:
    interface: dict[str, Any] = {
        "fixed_ips": [],
        "mac_addr": "fa:16:3e:00:00:01",
        "port_id": "port-1",
        "port_state": "ACTIVE",
        "subnet_id": "subnet-1",
        "private_static_nat": None,
        "static_nat": {"external_ip_address": "203.0.113.7", "id": "nat-1", "publicip_id": None, "state": "ACTIVE"},
    }
    answer = {"interfaces": [interface]}

    shaped = document_shape(answer, models.ServerInterfaceListResponse)

    expected = {k: v for k, v in interface.items() if k != "private_static_nat"}
    assert shaped == {"interfaces": [expected]}  # ``publicip_id`` is nullable: it stays
    assert "private_static_nat" in interface  # the handler's answer is not changed in place


def test_document_shape_keeps_a_required_nullable_field_and_refuses_a_required_one() -> None:
    group: dict[str, Any] = {
        "account_id": "a",
        "id": "g",
        "members": [],
        "name": "n",
        "partition_size": None,
        "policy": "anti-affinity",
        "user_id": "u",
    }
    assert document_shape(group, models.ServerGroup) == group
    with pytest.raises(ValidationError):
        document_shape({**group, "policy": None}, models.ServerGroup)
