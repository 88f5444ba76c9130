"""What a resource's keyword arguments accept, read from the generated signatures."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import pulumi_scpvs as scpvs
from pulumi_scpvs import resources
from pulumi_scpvs._declared_inputs import Misfit, arguments_of, fields_of, fit


@pytest.mark.parametrize("name", resources.__all__)
def test_every_resource_declares_what_its_signature_takes(name: str) -> None:
    cls = getattr(resources, name)
    declared = arguments_of(cls)
    parameters = inspect.signature(cls.__init__).parameters
    assert set(declared) == set(parameters) - {"self", "resource_name", "opts"}
    assert {n for n, d in declared.items() if d.required} == {
        n for n, p in parameters.items() if p.default is inspect.Parameter.empty and n not in ("self", "resource_name")
    }


def test_required_keys_of_an_input_type_are_read_from_its_annotations() -> None:
    fields = fields_of(scpvs.ServerNewVolumeArgs)
    assert {n: f.required for n, f in fields.items()} == {"size": True, "type": False, "delete_on_termination": False}


SERVER = arguments_of(scpvs.Server)


@pytest.mark.parametrize(
    ("argument", "value", "fitted", "dropped"),
    [
        ("partition_number", 2.0, 2, []),  # numbers as JSON and the engine give them
        ("lock", True, True, []),
        ("reboot_trigger", "2026-12-06", "2026-12-06", []),
        ("reboot_trigger", 3, 3, []),
        (
            "networks",
            [{"subnet_id": "s", "is_default": True, "port_id": ""}],
            [{"subnet_id": "s"}],
            ["networks[0].is_default = True: not an input here (ServerNetworkArgs has no is_default)"],
        ),
        (
            "boot_volume",
            {"size": 16.0, "type": "SSD", "max_iops": 3000},
            {"size": 16, "type": "SSD"},
            ["boot_volume.max_iops = 3000: not an input here (ServerNewVolumeArgs has no max_iops)"],
        ),
        (
            "boot_volume",
            {"size": 16, "delete_on_termination": "yes"},
            {"size": 16},
            ["boot_volume.delete_on_termination = 'yes': expected bool"],
        ),
        ("metadata", {"role": "web"}, {"role": "web"}, []),
    ],
)
def test_a_value_keeps_what_the_declared_type_accepts(
    argument: str, value: Any, fitted: Any, dropped: list[str]
) -> None:
    notes: list[str] = []
    assert fit(value, SERVER[argument].annotation, argument, notes) == fitted
    assert notes == dropped


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("power_state", "PAUSED", "power_state = 'PAUSED': accepts only 'ACTIVE', 'SHUTOFF'"),
        ("partition_number", 2.5, "partition_number = 2.5: expected int"),
        ("partition_number", True, "partition_number = True: expected int"),  # a bool is no number here
        ("boot_volume", {"type": "SSD"}, "boot_volume: size required, and the value has none"),
        ("networks", {"a": {"subnet_id": "s"}}, "networks = {'a': {'subnet_id': 's'}}: expected Sequence"),
    ],
)
def test_a_value_the_type_refuses_is_a_misfit_naming_the_path_and_rule(argument: str, value: Any, message: str) -> None:
    with pytest.raises(Misfit) as refused:
        fit(value, SERVER[argument].annotation, argument, [])
    assert str(refused.value) == message


def test_opaque_values_are_taken_as_they_are() -> None:
    class Reference:
        pass

    reference = Reference()
    assert fit([reference], SERVER["security_group_ids"].annotation, "security_group_ids", [], (Reference,)) == [
        reference
    ]
