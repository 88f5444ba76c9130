"""The public surface is typed: mypy --strict accepts a correct program and names each mistake in a wrong one."""

from __future__ import annotations

import textwrap

import pytest

from ..conftest import TypeCheck

CORRECT = """
    import pulumi
    import pulumi_scpvs as scpvs
    from pulumi_scpvs.inputs import ServerNetworkArgs

    network: ServerNetworkArgs = {"subnet_id": "subnet-1", "public_ip_id": pulumi.Output.from_input("ip-1")}
    server = scpvs.Server(
        "web",
        image_id="image-1",
        keypair_name="key",
        server_type_id="type-1",
        networks=[network],
        boot_volume={"size": 16, "type": "SSD"},
        data_volumes=[scpvs.ServerNewVolumeArgs(size=32)],
        tags=[{"key": "team", "value": "web"}],
        power_state="SHUTOFF",
        reboot_type="HARD",
        timeouts={"create": "30m", "delete": 600},  # the forms the README and the timeout error show
    )
    private_ip: pulumi.Output[str] = server.addresses.apply(lambda a: (a or [])[0].ip_addresses[0].ip_address)
    vcpus: pulumi.Output[int] = server.server_type.apply(lambda t: t.vcpus)
    group = scpvs.AutoScalingGroup(
        "asg",
        server_name_prefix="web",
        launch_configuration_id="lc-1",
        subnet_ids=["subnet-1"],
        min_server_count=1,
        desired_server_count=1,
        max_server_count=2,
        lb_server_groups=[{"id": "lb-1", "port": 80}],
    )
    scpvs.AutoScalingGroupPolicy(
        "out",
        auto_scaling_group_id=group.id,
        metric_type="CPU",
        comparison_operator="ge",
        threshold=80,
        scale_type="SCALE_OUT",
        scale_value=1,
    )
    pulumi.export("ip", private_ip)
    pulumi.export("vcpus", vcpus)
"""

WRONG = """
    import pulumi
    import pulumi_scpvs as scpvs

    server = scpvs.Server(
        "web",
        image_id="image-1",
        keypair_name="key",
        server_type_id="type-1",
        networks=[scpvs.ServerNetworkArgs(subnet_idd="subnet-1")],
        boot_volume={"sise": 16},
        power_state="OFF",
    )
    pulumi.export("ip", server.addresses.apply(lambda a: (a or [])[0].ip_adresses))
"""


@pytest.mark.parametrize("program", [CORRECT], ids=["correct"])
def test_a_correct_program_type_checks(type_check: TypeCheck, program: str) -> None:
    result = type_check(textwrap.dedent(program))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mistakes_in_nested_inputs_enums_and_outputs_are_each_named(type_check: TypeCheck) -> None:
    result = type_check(textwrap.dedent(WRONG))
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert any('"subnet_idd"' in line and "ServerNetworkArgs" in line for line in errors), errors
    assert any("boot_volume" in line and "ServerNewVolumeArgs" in line for line in errors), errors
    assert any("power_state" in line and "OFF" in line for line in errors), errors
    assert any('"ip_adresses"' in line and "ServerAddress" in line for line in errors), errors
