"""scpvs-from-terraform: a `terraform show -json` state of the official provider becomes a program that adopts it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pulumi_scpvs import terraform

from ..conftest import TypeCheck

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
STATE = FIXTURES / "terraform-state.json"
# Shaped by the official provider's published schema of each version (see their "//" key).
STATES = [STATE, FIXTURES / "terraform-state-v3.2.json", FIXTURES / "terraform-state-v4.json"]


@pytest.fixture(scope="module")
def program() -> str:
    return terraform.render(terraform.convert(json.loads(STATE.read_text())), "state.json")


def calls(program: str) -> dict[str, dict[str, Any]]:
    """``variable -> {"kind": ..., keyword: value-or-expression-text}`` for every ``scpvs.<Kind>(...)``."""
    found = {}
    for node in ast.parse(program).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            assert isinstance(call.func, ast.Attribute)
            if ast.unparse(call.func.value) != "scpvs":
                assert ast.unparse(node) == "config = pulumi.Config()"
                continue
            arguments: dict[str, Any] = {"kind": call.func.attr, "resource_name": ast.literal_eval(call.args[0])}
            for keyword in call.keywords:
                try:
                    arguments[str(keyword.arg)] = ast.literal_eval(keyword.value)
                except ValueError:
                    arguments[str(keyword.arg)] = ast.unparse(keyword.value)
            found[ast.unparse(node.targets[0])] = arguments
    return found


def test_one_protected_adopting_resource_per_supported_terraform_resource(program: str) -> None:
    resources = calls(program)
    assert {v: (r["kind"], r.get("adopt_id"), r.get("name")) for v, r in resources.items()} == {
        "deployer": ("Keypair", "deployer-key", "deployer-key"),  # a keypair's SCP id is its name, not TF's number
        "spread": ("ServerGroup", "0f3d2c1b-6a5e-4d7c-8b9a-1e2f3a4b5c6d", "web-spread"),
        "rocky": ("Image", "7c1e5a3b-9d2f-4e8a-b6c4-2f1d0e9a8b7c", "rocky-9-golden"),
        "web": ("Server", "5a7c9e1b-3d5f-4b7d-9f1a-3c5e7a9b1d3f", "web-01"),
        "data": ("Volume", "f4c6e8a0-3d5f-4b7d-9e1a-2c4e6f8a0b2d", "web-data"),
        "data_on_web": (
            "VolumeAttachment",
            "f4c6e8a0-3d5f-4b7d-9e1a-2c4e6f8a0b2d/5a7c9e1b-3d5f-4b7d-9f1a-3c5e7a9b1d3f",
            None,
        ),
        "web_0": ("Server", "6b8d0f2c-4e6a-4c8e-a0b2-4d6f8b0c2e4a", "batch-01"),  # module.storage...web[0]
    }
    assert all(r["opts"] == "pulumi.ResourceOptions(protect=True)" for r in resources.values())
    assert all(r["resource_name"] == variable for variable, r in resources.items())


def test_create_only_inputs_are_copied_and_references_kept(program: str) -> None:
    resources = calls(program)
    web = resources["web"]
    assert web["image_id"] == "rocky.id"
    assert web["keypair_name"] == "deployer.name"
    assert web["server_group_id"] == "spread.id"
    assert web["server_type_id"] == "s1v2m4"
    assert web["networks"] == [{"fixed_ip": "192.168.10.11", "subnet_id": "8e0a2c4e-6b8d-4f0a-a2c4-6e8a0c2e4a6c"}]
    assert web["boot_volume"] == {"size": 16, "type": "SSD", "delete_on_termination": True}
    assert web["data_volumes"] == [{"size": 32, "type": "SSD", "delete_on_termination": False}]
    assert web["security_group_ids"] == ["1a3c5e7a-9c1e-4a3c-b5e7-a9c1e3a5c7e9"]
    assert "metadata" not in web  # the server holds it quoted: copying it would fail the adoption check
    assert web["power_state"] == "ACTIVE"
    assert web["tags"] == [{"key": "env", "value": "prod"}, {"key": "team", "value": "platform"}]
    assert resources["web_0"]["image_id"] == "9d1f3b5d-7f9b-4d1f-b3d5-7f9b1d3f5b7d"  # not in the state: the id
    assert resources["web_0"]["power_state"] == "SHUTOFF"
    assert resources["data_on_web"]["volume_id"] == "data.id"
    assert resources["data_on_web"]["server_id"] == "web.id"
    rocky = resources["rocky"]
    assert (rocky["os_distro"], rocky["container_format"], rocky["disk_format"]) == ("rocky", "bare", "qcow2")
    assert (rocky["min_disk"], rocky["min_ram"], rocky["visibility"]) == (16, 1024, "private")
    # Referenced resources are declared before the ones reading them.
    order = list(resources)
    assert order.index("rocky") < order.index("web") < order.index("data_on_web")


def test_secrets_stay_out_and_what_cannot_be_said_is_written_down(program: str) -> None:
    assert "BEGIN RSA PRIVATE KEY" not in program
    assert "I2Nsb3VkLWNvbmZpZw" not in program  # web[0]'s user_data, marked sensitive
    assert calls(program)["web_0"]["user_data"] == "config.require_secret('web_0_user_data')"
    assert (
        "#   scpvs-from-terraform state.json --print-secret web_0_user_data"
        " | pulumi config set --secret web_0_user_data"
        "  # module.storage.samsungcloudplatformv2_virtualserver_server.web[0]: user_data"
    ) in program.split("import pulumi\n")[0]
    header = program.split("import pulumi\n")[0]
    assert "#   samsungcloudplatformv2_vpc_subnet.app: pulumi-scpvs has no conversion" in header
    assert "#   data.samsungcloudplatformv2_virtualserver_server_type.small: a data source" in header
    assert "vpc_subnet" not in program.split("import pulumi\n", 1)[1]


@pytest.mark.parametrize("state", STATES, ids=lambda path: path.stem)
def test_the_program_type_checks_with_mypy_strict(type_check: TypeCheck, state: Path) -> None:
    result = type_check(terraform.render(terraform.convert(json.loads(state.read_text())), state.name))
    assert result.returncode == 0, result.stdout + result.stderr


def resource(type_: str, name: str, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "address": f"{type_}.{name}",
        "mode": "managed",
        "type": type_,
        "name": name,
        "provider_name": "registry.terraform.io/samsungsdscloud/samsungcloudplatformv2",
        "schema_version": 0,
        "values": values,
        "sensitive_values": {},
        **extra,
    }


def convert(*resources: dict[str, Any]) -> terraform.Conversion:
    return terraform.convert({"format_version": "1.0", "values": {"root_module": {"resources": list(resources)}}})


def test_an_unknown_value_of_a_required_choice_skips_the_resource_and_references_fall_back_to_the_id() -> None:
    conversion = convert(
        resource(
            "samsungcloudplatformv2_virtualserver_server_group",
            "odd",
            {"id": "sg-1", "name": "odd", "policy": "soft-affinity"},
        ),
        resource(
            "samsungcloudplatformv2_virtualserver_server",
            "app",
            {
                "id": "srv-1",
                "name": "app",
                "image_id": "img-1",
                "keypair_name": "k",
                "server_type_id": "t",
                "networks": {"a": {"subnet_id": "sub-1"}},
                "server_group_id": "sg-1",
                "state": "PAUSED",
                "disk_encryption": "on",
            },
        ),
    )
    assert [(s.address, s.reason) for s in conversion.skipped] == [
        (
            "samsungcloudplatformv2_virtualserver_server_group.odd",
            "policy = 'soft-affinity': accepts only 'affinity', 'anti-affinity', 'partition'",
        )
    ]
    (app,) = conversion.declarations
    assert app.arguments["server_group_id"] == "sg-1"
    assert "power_state" not in app.arguments
    assert "power_state = 'PAUSED': accepts only 'ACTIVE', 'SHUTOFF'; not copied (Terraform's state)" in app.notes
    assert "disk_encryption = 'on': pulumi-scpvs has no input for it" in app.notes


def test_an_image_made_from_a_server_becomes_a_server_image_and_names_collide_into_module_names() -> None:
    server = {"id": "srv-1", "name": "app", "image_id": "img-1", "keypair_name": "k", "server_type_id": "t"}
    conversion = convert(
        resource("samsungcloudplatformv2_virtualserver_server", "app", {**server, "networks": {"a": {}}}),
        resource(
            "samsungcloudplatformv2_virtualserver_image",
            "app",
            {"id": "img-2", "name": "app-snap", "instance_id": "srv-1", "url": None},
        ),
    )
    server_decl, image = conversion.declarations
    assert (server_decl.variable, image.variable) == ("app", "app_2")
    assert image.kind == "ServerImage"
    assert image.arguments["server_id"] == terraform.Reference("app", "id", "srv-1")


def test_a_missing_name_or_a_foreign_provider_is_skipped_with_the_reason() -> None:
    conversion = convert(
        resource("samsungcloudplatformv2_virtualserver_volume", "nameless", {"id": "v-1", "size": 8}),
        resource(
            "samsungcloudplatformv2_virtualserver_volume",
            "forked",
            {"id": "v-2", "name": "x", "size": 8},
            provider_name="registry.terraform.io/someone/samsungcloudplatformv2-fork",
        ),
    )
    assert conversion.declarations == []
    assert [s.reason for s in conversion.skipped] == [
        "the state records no name, and an adopted resource must be named",
        "provider 'registry.terraform.io/someone/samsungcloudplatformv2-fork' is not samsungcloudplatformv2",
    ]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_scpvs.terraform", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_writes_the_program_to_a_file_and_lists_skipped_resources_on_stderr(tmp_path: Path) -> None:
    output = tmp_path / "__main__.py"
    result = run_cli(str(STATE), "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "adopt_id=" in output.read_text()
    assert result.stderr.splitlines() == [
        "scpvs-from-terraform: skipped data.samsungcloudplatformv2_virtualserver_server_type.small: "
        "a data source: it reads objects, it does not manage them",
        "scpvs-from-terraform: skipped samsungcloudplatformv2_vpc_subnet.app: "
        "pulumi-scpvs has no conversion for type samsungcloudplatformv2_vpc_subnet",
        f"scpvs-from-terraform: before `pulumi preview`, run: scpvs-from-terraform {STATE} --print-secret "
        "web_0_user_data | pulumi config set --secret web_0_user_data  "
        "# module.storage.samsungcloudplatformv2_virtualserver_server.web[0]: user_data",
    ]
    from_stdin = run_cli("-", stdin=STATE.read_text())
    assert from_stdin.returncode == 0
    # The first line names the source; a secret's command names the file the user must give.
    assert from_stdin.stdout.split("\n", 1)[1].replace("STATE.json", str(STATE)) == output.read_text().split("\n", 1)[1]


def test_print_secret_writes_the_value_alone_and_refuses_an_unknown_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert terraform.main([str(STATE), "--print-secret", "web_0_user_data"]) == 0
    assert capsys.readouterr() == ("I2Nsb3VkLWNvbmZpZwpwYWNrYWdlczogW25naW54XQo=", "")
    with pytest.raises(SystemExit) as exited:
        terraform.main([str(STATE), "--print-secret", "web_user_data"])
    assert exited.value.code == 2
    assert "no secret config key 'web_user_data' (it has: web_0_user_data)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read {path}: No such file or directory"),
        ("terraform {\n}\n", "{path} is not JSON"),
        ('{"resources": []}', "{path} is not a Terraform state: it has no format_version"),
        ('{"format_version": "1.2", "planned_values": {}}', "{path} is not a Terraform state: it is a plan"),
        (
            '{"format_version": "1.0", "values": {"root_module": {"resources": [{"type": "x"}]}}}',
            "{path} is not a Terraform state: a resource lacks its address, type or name",
        ),
    ],
    ids=["missing-file", "not-json", "not-a-state", "a-plan", "bad-resource"],
)
def test_cli_refuses_what_is_not_a_state_with_a_usage_error(
    tmp_path: Path, content: str | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's own entry point, in this process (the test above runs it as a process)."""
    path = tmp_path / "state.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as exited:
        terraform.main([str(path)])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: scpvs-from-terraform" in err
    assert f"scpvs-from-terraform: error: {message.format(path=path)}" in err


def test_an_empty_state_gives_a_program_with_no_resources() -> None:
    program = terraform.render(terraform.convert({"format_version": "1.0"}), "state.json")
    compile(program, "__main__.py", "exec")
    assert "scpvs." not in program.split("import pulumi_scpvs as scpvs", 1)[1]


@pytest.mark.parametrize("state", STATES[1:], ids=lambda path: path.stem)
def test_newer_provider_attributes_are_left_out_by_the_declared_types_and_each_is_named(state: Path) -> None:
    """v3.2+ records computed NIC and volume attributes that no input of the package declares."""
    conversion = terraform.convert(json.loads(state.read_text()))
    program = terraform.render(conversion, state.name)
    resources = calls(program)
    app = resources["app"]
    # The default NIC first; the port SCP made for each subnet NIC is not copied.
    assert app["networks"] == [
        {
            "fixed_ip": "10.20.0.14",
            "public_ip_id": "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
            "subnet_id": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
        },
        {"fixed_ip": "10.30.0.9", "subnet_id": "0e1f2a3b-4c5d-4e6f-9a7b-8c9d0e1f2a3b"},
    ]
    assert app["boot_volume"] == {"delete_on_termination": True, "size": 32, "type": "SSD"}
    assert app["data_volumes"] == [{"delete_on_termination": False, "size": 64, "type": "SSD"}]
    (server,) = [d for d in conversion.declarations if d.variable == "app"]
    assert set(server.notes) >= {
        "networks[0].is_default = True: not an input here (ServerNetworkArgs has no is_default)",
        "networks[0].static_nat_id = '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e': not an input here "
        "(ServerNetworkArgs has no static_nat_id)",
        "networks[1].is_default = False: not an input here (ServerNetworkArgs has no is_default)",
        "boot_volume.max_iops = 3000: not an input here (ServerNewVolumeArgs has no max_iops)",
        "boot_volume.max_throughput = 125: not an input here (ServerNewVolumeArgs has no max_throughput)",
        "data_volumes[0].max_iops = 3000: not an input here (ServerNewVolumeArgs has no max_iops) "
        "(Terraform's extra_volumes)",
    }
    assert any(note.startswith("networks[0].port_id = '5f6a7b8c") for note in server.notes)
    (volume,) = [d for d in conversion.declarations if d.variable == "data"]
    assert {
        "max_iops = 3000: pulumi-scpvs has no input for it",
        "max_throughput = 125: pulumi-scpvs has no input for it",
    } <= set(volume.notes)
    # Not marked sensitive by the official provider, yet never a literal: a key pair's private
    # key stays behind, user_data goes through secret config.
    assert "PRIVATE KEY" not in program and "DB_PASSWORD" not in program
    (server_state,) = [
        r for r in json.loads(state.read_text())["values"]["root_module"]["resources"] if r["name"] == "app"
    ]
    user_data = server_state["values"]["user_data"]
    assert user_data not in program
    assert app["user_data"] == "config.require_secret('app_user_data')"
    assert [(s.key, s.value) for s in conversion.secrets] == [("app_user_data", user_data)]
    assert resources["ops"]["adopt_id"] == "ops-key"  # the state's id is a number
    assert app["image_id"] == "golden.id"
    assert (resources["golden"]["kind"], resources["golden"]["protected"], resources["golden"]["os_distro"]) == (
        "Image",
        True,
        "ubuntu",
    )
