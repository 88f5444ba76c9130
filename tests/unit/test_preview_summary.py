"""scpvs-preview-summary names each resource's kind from its type, and from 0.1.0 states too."""

from __future__ import annotations

from typing import Any

from pulumi_scpvs.preview_summary import resource_kind, summarize

STACK = "urn:pulumi:dev::proj::"


def step(op: str, urn: str, old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"op": op, "urn": STACK + urn, "oldState": old, "newState": new}


def state(type_: str, **inputs: Any) -> dict[str, Any]:
    return {"type": type_, "inputs": inputs, "outputs": {}}


def test_the_kind_is_the_type_of_the_resource_class() -> None:
    server = "pulumi-python:dynamic/scpvs:Server"
    assert resource_kind(step("create", f"{server}::web", new=state(server, name="web"))) == "Server"
    # A component's child; no state at all: the type in the URN.
    child = "scpvs:components:VirtualMachine$pulumi-python:dynamic/scpvs:Volume::vm-data-0"
    assert resource_kind(step("create", child)) == "Volume"
    assert resource_kind(step("create", "scpvs:components:VirtualMachine::vm")) == "scpvs:components:VirtualMachine"
    identity = "pulumi-python:dynamic/scpvs:StackIdentity"
    assert resource_kind(step("same", f"{identity}::scpvs-stack-identity")) == "StackIdentity"


def test_states_0_1_0_wrote_name_the_kind_in_their_inputs() -> None:
    shared = "pulumi-python:dynamic:Resource"
    old = state(shared, name="old-key", __kind="Keypair")
    # Removed from the program before the upgrade's first up: only the old state knows the kind.
    assert resource_kind(step("delete", f"{shared}::key", old=old)) == "Keypair"
    # Changed in the same run as the upgrade: the new state has the new type.
    new = state("pulumi-python:dynamic/scpvs:Keypair", name="new-key")
    assert resource_kind(step("update", "pulumi-python:dynamic/scpvs:Keypair::key", old=old, new=new)) == "Keypair"
    outputs_only = {"type": shared, "inputs": {}, "outputs": {"__kind": "Volume"}}
    assert resource_kind(step("delete", f"{shared}::data", old=outputs_only)) == "Volume"
    # Some other dynamic resource: its type as it is.
    assert resource_kind(step("delete", f"{shared}::other", old=state(shared))) == shared


def test_an_upgrade_from_0_1_0_summarises_as_no_changes() -> None:
    shared, server = "pulumi-python:dynamic:Resource", "pulumi-python:dynamic/scpvs:Server"
    old = state(shared, name="web", __kind="Server")
    same = step("same", f"{server}::web", old=old, new=state(server, name="web"))
    assert summarize({"steps": [same]}) == "### Pulumi preview: no changes\n"
    renamed = step("update", f"{server}::web", old=old, new=state(server, name="w2"))
    assert '| ✏️ update | `web` | Server | name: "web" → "w2" |' in summarize({"steps": [renamed]})


def test_a_forcing_secret_is_named_and_a_regenerated_autoname_is_no_cause() -> None:
    server = "pulumi-python:dynamic/scpvs:Server"
    old = state(server, name="web-abc1234", user_data="[secret]", __autonamed="stack", image_id="a")
    new = state(server, name="web-xyz9876", user_data="[secret]", __autonamed="stack", image_id="a")
    replaced = {**step("replace", f"{server}::web", old=old, new=new), "replaceReasons": ["user_data", "name"]}
    summary = summarize({"steps": [replaced]})
    assert "> - `web` (Server) because of user_data\n" in summary, summary
    assert '| `web` | Server | name: "web-abc1234" → "web-xyz9876" (new autoname), **user_data (secret)** |' in summary
    assert "[secret]" not in summary.replace("**user_data (secret)**", "")


def test_warnings_are_kept_the_embedded_target_first() -> None:
    diagnostics = [
        {"severity": "warning", "message": "warning: something else\n"},
        {
            "severity": "info",
            "message": "pulumi-scpvs deploys to https://x (account a): endpoint from pulumi config.\n",
        },
        {"severity": "warning", "message": "warning: pulumi-scpvs deploys to the embedded SCP simulator, not ...\n"},
        {"severity": "warning", "message": "warning: something else\n"},
    ]
    summary = summarize({"steps": [], "diagnostics": diagnostics})
    assert summary.index("embedded SCP simulator") < summary.index("something else"), summary
    assert summary.count("something else") == 1
