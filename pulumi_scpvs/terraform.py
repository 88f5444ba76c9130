"""``scpvs-from-terraform``: turn a Terraform state into a Pulumi program that adopts its objects.

    terraform show -json > state.json
    scpvs-from-terraform state.json -o __main__.py

The state must come from the official provider (``samsungsdscloud/samsungcloudplatformv2``).
Each of its virtual-server resources (server, volume, keypair, image, server group)
becomes one ``scpvs.<Kind>(...)`` with ``adopt_id`` set to the object's id, so ``pulumi
up`` takes the objects over instead of creating new ones. The inputs are the ones the
state records, because adopting checks create-only inputs against the live object;
attributes that refer to another converted object (a server's keypair name, image or
server group, a volume's servers) become references to that resource, as in Terraform.

Every adopted resource is protected (``protect=True``), as ``pulumi import`` does: the
first ``pulumi destroy`` after a migration should not delete objects that were only
meant to change hands. Anything the program cannot say is written down, never guessed:
resource types it does not know are listed at the top of the program and on standard
error, and attributes pulumi-scpvs has no input for are comments above their resource.

Terraform keys a server's NICs and extra volumes by names of the user's choice, and the
official provider sends them in Go's map order; the program lists them in key order, the
NIC the state records as the default first. Neither is compared when adopting (SCP does
not report them as given), so this only matters if the server is ever replaced.

Inputs are copied as far as the resource's declared input types accept them (read from
the generated signatures, nested TypedDicts included, so a newer provider's attributes
are left out by themselves), each attribute left out named in a comment. Secret inputs
(``user_data``) and attributes the state marks sensitive are read from secret stack
config, never written into the program: the official provider marks none of them.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import resources
from ._declared_inputs import UNSET, Misfit, arguments_of, fit

PROVIDER = "samsungcloudplatformv2"
TYPE_PREFIX = f"{PROVIDER}_virtualserver_"
# Names the program itself uses: a resource variable must not shadow them.
RESERVED_NAMES = frozenset({"pulumi", "scpvs"})


class NotATerraformState(ValueError):
    """The document is JSON, but not what ``terraform show -json`` prints for a state."""


@dataclass(frozen=True)
class TerraformResource:
    """One managed resource of the state, as ``terraform show -json`` prints it."""

    address: str
    type: str
    name: str
    module: str  # "" for the root module, else "module.x" or "module.x.module.y"
    index: int | str | None  # the count or for_each key
    provider_name: str
    values: Mapping[str, Any]
    sensitive: frozenset[str]  # top-level attributes Terraform marks sensitive

    def value(self, attribute: str) -> Any:
        """The attribute's value, with Terraform's "unset" spellings ("", [], {}) read as None."""
        value = self.values.get(attribute)
        return None if value in UNSET else value


@dataclass(frozen=True)
class Reference:
    """An expression that reads another resource of the program: ``web.id``, ``deployer.name``.

    ``value`` is what the state recorded; it is written instead when the resource read
    turns out not to be in the program (its conversion failed)."""

    variable: str
    attribute: str
    value: Any


@dataclass(frozen=True)
class SecretSetting:
    """A value the program reads from secret stack config (``config.require_secret(key)``), never a literal.

    ``value`` is what the state records; only ``--print-secret`` writes it, to be piped into
    ``pulumi config set --secret``."""

    key: str
    address: str
    attribute: str
    value: str = field(repr=False)


@dataclass
class Declaration:
    """One resource of the generated program."""

    kind: str
    variable: str
    source: TerraformResource
    origin: str = ""  # the part of the Terraform resource it comes from, when not the whole
    arguments: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # argument -> the Terraform attribute it comes from

    def references(self) -> Iterator[str]:
        """The variables this declaration reads, so they can be written first."""
        pending: list[Any] = list(self.arguments.values())
        while pending:
            value = pending.pop()
            if isinstance(value, Reference):
                yield value.variable
            elif isinstance(value, Mapping):
                pending.extend(value.values())
            elif isinstance(value, list):
                pending.extend(value)

    def drop_references(self, missing: set[str]) -> None:
        """Write the recorded value in place of each reference to a resource the program lacks."""

        def resolve(value: Any) -> Any:
            if isinstance(value, Reference):
                return value.value if value.variable in missing else value
            if isinstance(value, dict):
                return {k: resolve(v) for k, v in value.items()}
            if isinstance(value, list):
                return [resolve(v) for v in value]
            return value

        self.arguments = {k: resolve(v) for k, v in self.arguments.items()}


@dataclass(frozen=True)
class Skipped:
    """A Terraform resource left out of the program, and why: the reader must take care of it."""

    address: str
    reason: str


class Unconvertible(Exception):
    """A supported resource whose state lacks (or holds an impossible value for) a required input."""


@dataclass
class Conversion:
    """What :func:`render` writes: the declarations in dependency order, and what was left out."""

    declarations: list[Declaration]
    skipped: list[Skipped]
    terraform_version: str

    @property
    def secrets(self) -> list[SecretSetting]:
        return [v for d in self.declarations for v in d.arguments.values() if isinstance(v, SecretSetting)]


def load_resources(state: Any) -> tuple[list[TerraformResource], str]:
    """The managed resources of every module of a ``terraform show -json`` state, and its Terraform version."""
    if not isinstance(state, dict) or "format_version" not in state:
        raise NotATerraformState("it has no format_version (expected the output of `terraform show -json`)")
    if "planned_values" in state and "values" not in state:
        raise NotATerraformState(
            "it is a plan (`terraform show -json PLANFILE`); give the state: `terraform show -json`"
        )
    values = state.get("values") or {}
    if not isinstance(values, dict):
        raise NotATerraformState("its values is not an object")
    resources: list[TerraformResource] = []
    pending = [values.get("root_module") or {}]
    while pending:
        module = pending.pop(0)
        if not isinstance(module, dict):
            raise NotATerraformState("a module in values is not an object")
        for raw in module.get("resources") or []:
            resources.append(_resource(raw, str(module.get("address") or "")))
        pending.extend(module.get("child_modules") or [])
    return resources, str(state.get("terraform_version") or "unknown")


def _resource(raw: Any, module: str) -> TerraformResource:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(key), str) for key in ("address", "type", "name")):
        raise NotATerraformState("a resource lacks its address, type or name")
    if raw.get("mode", "managed") != "managed":
        # Kept only to be reported as skipped: a data source reads objects, it does not own them.
        return TerraformResource(raw["address"], "data." + raw["type"], raw["name"], module, None, "", {}, frozenset())
    values, sensitive = raw.get("values"), raw.get("sensitive_values")
    return TerraformResource(
        address=raw["address"],
        type=raw["type"],
        name=raw["name"],
        module=module,
        index=raw.get("index"),
        provider_name=str(raw.get("provider_name") or ""),
        values=values if isinstance(values, dict) else {},
        sensitive=frozenset(k for k, v in sensitive.items() if _marks_sensitive(v))
        if isinstance(sensitive, dict)
        else frozenset(),
    )


def _marks_sensitive(marks: Any) -> bool:
    """Whether ``sensitive_values`` marks the attribute, or any part of it, sensitive."""
    if isinstance(marks, dict):
        return any(_marks_sensitive(v) for v in marks.values())
    if isinstance(marks, list):
        return any(_marks_sensitive(v) for v in marks)
    return marks is True


class Converter:
    """Turns the state's resources into declarations, resolving ids to references between them."""

    def __init__(self, resources: Sequence[TerraformResource]) -> None:
        self.resources = resources
        self.variables: set[str] = set()
        # (kind, id) -> variable, and ("keypair_name", name): filled before any reference is resolved.
        self.by_id: dict[tuple[str, str], str] = {}
        self.skipped: list[Skipped] = []

    def convert(self) -> list[Declaration]:
        supported: list[tuple[TerraformResource, Callable[[TerraformResource, str], list[Declaration]], str]] = []
        for resource in self.resources:
            converter = self.converter_for(resource)
            if converter is None:
                continue
            variable = self.unique_variable(resource)
            supported.append((resource, converter, variable))
            for key in self.keys_of(resource):
                self.by_id[key] = variable
        declarations: list[Declaration] = []
        failed: set[str] = set()
        for resource, converter, variable in supported:
            try:
                declarations.extend(converter(resource, variable))
            except Unconvertible as problem:
                self.skipped.append(Skipped(resource.address, str(problem)))
                failed.add(variable)
        for declaration in declarations:
            declaration.drop_references(failed)
        position = {resource.address: index for index, resource in enumerate(self.resources)}
        self.skipped.sort(key=lambda skipped: position[skipped.address])  # the state's order, as a reader expects
        return dependency_order(declarations)

    def converter_for(
        self, resource: TerraformResource
    ) -> Callable[[TerraformResource, str], list[Declaration]] | None:
        converters = {
            "server": self.server,
            "volume": self.volume,
            "keypair": self.keypair,
            "image": self.image,
            "server_group": self.server_group,
        }
        if resource.type.startswith("data."):
            self.skipped.append(Skipped(resource.address, "a data source: it reads objects, it does not manage them"))
            return None
        kind = resource.type.removeprefix(TYPE_PREFIX)
        if not resource.type.startswith(TYPE_PREFIX) or kind not in converters:
            self.skipped.append(Skipped(resource.address, f"pulumi-scpvs has no conversion for type {resource.type}"))
            return None
        if not resource.provider_name.endswith(f"/{PROVIDER}"):
            self.skipped.append(Skipped(resource.address, f"provider {resource.provider_name!r} is not {PROVIDER}"))
            return None
        if not isinstance(resource.values.get("id"), str | int) or resource.values.get("id") == "":
            self.skipped.append(Skipped(resource.address, "the state records no id for it"))
            return None
        return converters[kind]

    @staticmethod
    def keys_of(resource: TerraformResource) -> list[tuple[str, str]]:
        """How other resources name this one: by id, and a keypair also by name (its id in SCP)."""
        keys = [(resource.type.removeprefix(TYPE_PREFIX), str(resource.values["id"]))]
        if resource.type == TYPE_PREFIX + "keypair" and resource.value("name"):
            keys.append(("keypair_name", str(resource.values["name"])))
        return keys

    def unique_variable(self, resource: TerraformResource, base: str | None = None) -> str:
        """A Python identifier from the Terraform name (``web``), else qualified by its module
        (``network_web``), else numbered (``web_2``); ``base`` replaces the Terraform name."""
        index = "" if resource.index is None else f"_{resource.index}"
        first = identifier(base or resource.name + index)
        module = resource.module.replace("module.", "")
        candidates = [first, identifier(f"{module}_{first}")] if module else [first]
        for candidate in [*candidates, *(f"{first}_{n}" for n in range(2, 10_000))]:
            if candidate not in self.variables:
                self.variables.add(candidate)
                return candidate
        raise RuntimeError("no free variable name")  # pragma: no cover - 10,000 resources of one name

    def reference(self, kind: str, key: Any, attribute: str = "id") -> Any:
        """A reference to the converted resource of ``kind`` that Terraform knew as ``key``, else ``key`` itself."""
        variable = self.by_id.get((kind, str(key)))
        return Reference(variable, attribute, key) if variable else key

    def declaration(self, kind: str, variable: str, resource: TerraformResource) -> Declaration:
        declaration = Declaration(kind, variable, resource)
        if not resource.value("name"):
            raise Unconvertible("the state records no name, and an adopted resource must be named")
        declaration.arguments["name"] = resource.values["name"]
        return declaration

    def copy(self, declaration: Declaration, attribute: str, argument: str | None = None) -> None:
        """Copy a recorded attribute into an input; a secret of the resource, or an attribute
        Terraform marks sensitive, goes through secret config instead of the program."""
        value = declaration.source.value(attribute)
        if value is None:
            return
        argument = argument or attribute
        secret_inputs = getattr(resources, declaration.kind)._provider_class.spec.secret_inputs
        if attribute in declaration.source.sensitive or argument in secret_inputs:
            if not isinstance(value, str):
                declaration.notes.append(f"{attribute} = (sensitive): not copied (set it from a secret if needed)")
                return
            key = f"{declaration.variable}_{argument}"
            value = SecretSetting(key, declaration.source.address, attribute, value)
        declaration.arguments[argument] = value
        if argument != attribute:
            declaration.renamed[argument] = attribute

    def finish(self, declaration: Declaration, handled: set[str], computed: set[str]) -> Declaration:
        """Set ``adopt_id`` and the tags, keep of each argument what the resource's declared
        input types accept, and note every recorded attribute the program does not say."""
        source = declaration.source
        declaration.arguments.setdefault("adopt_id", str(source.values["id"]))
        tags = source.value("tags")
        if isinstance(tags, dict):
            declaration.arguments["tags"] = [{"key": k, "value": v} for k, v in sorted(tags.items())]
        self.fit_to_declared_inputs(declaration)
        for attribute in sorted(set(source.values) - handled - computed - {"id", "name", "tags"}):
            if source.value(attribute) is not None:
                shown = "(sensitive)" if attribute in source.sensitive else repr(source.values[attribute])
                declaration.notes.append(f"{attribute} = {shown}: pulumi-scpvs has no input for it")
        # adopt_id and name first, as a reader looks for them.
        first: dict[str, Any] = {
            k: declaration.arguments.pop(k) for k in ("adopt_id", "name") if k in declaration.arguments
        }
        declaration.arguments = {**first, **declaration.arguments}
        return declaration

    @staticmethod
    def fit_to_declared_inputs(declaration: Declaration) -> None:
        """Keep of each argument what ``scpvs.<Kind>(...)`` declares (nested keys included), noting the rest."""
        declared = arguments_of(getattr(resources, declaration.kind))
        for argument, value in list(declaration.arguments.items()):
            origin = f" (Terraform's {declaration.renamed[argument]})" if argument in declaration.renamed else ""
            dropped: list[str] = []
            try:
                declaration.arguments[argument] = fit(
                    value, declared[argument].annotation, argument, dropped, (Reference, SecretSetting)
                )
            except Misfit as misfit:
                if declared[argument].required:
                    raise Unconvertible(f"{misfit}{origin}") from None
                del declaration.arguments[argument]
                dropped.append(f"{misfit}; not copied")
            declaration.notes.extend(note + origin for note in dropped)
        missing = [a for a, d in declared.items() if d.required and a not in declaration.arguments]
        if missing:
            raise Unconvertible(f"the state records no {', '.join(missing)}, which {declaration.kind} requires")

    def keypair(self, resource: TerraformResource, variable: str) -> list[Declaration]:
        declaration = self.declaration("Keypair", variable, resource)
        # SCP knows a keypair by its name (Terraform's numeric id is not an API id).
        declaration.arguments["adopt_id"] = resource.values["name"]
        if resource.value("private_key"):
            declaration.notes.append("private_key: stays in the Terraform state (a secret); Pulumi never sees it")
        computed = {"created_at", "fingerprint", "private_key", "public_key", "type", "user_id"}
        return [self.finish(declaration, set(), computed)]

    def server_group(self, resource: TerraformResource, variable: str) -> list[Declaration]:
        declaration = self.declaration("ServerGroup", variable, resource)
        self.copy(declaration, "policy")
        computed = {"account_id", "members", "partition_size", "user_id"}
        return [self.finish(declaration, {"policy"}, computed)]

    def image(self, resource: TerraformResource, variable: str) -> list[Declaration]:
        computed = {
            *("checksum", "created_at", "file", "os_hash_algo", "os_hash_value", "os_hidden", "owner"),
            *("owner_account_name", "owner_user_name", "root_device_name", "scp_image_type", "scp_k8s_version"),
            *("scp_original_image_type", "scp_os_version", "size", "status", "updated_at", "virtual_size", "volumes"),
        }
        if resource.value("url") is None and resource.value("instance_id") is not None:
            declaration = self.declaration("ServerImage", variable, resource)
            declaration.arguments["server_id"] = self.reference("server", resource.values["instance_id"])
            # An image made from a server takes these from the server; SCP reports them, nobody chose them.
            ignored = {"container_format", "disk_format", "min_disk", "min_ram", "os_distro", "protected", "visibility"}
            return [self.finish(declaration, {"instance_id"}, computed | ignored)]
        declaration = self.declaration("Image", variable, resource)
        if resource.value("url") is None or resource.value("os_distro") is None:
            raise Unconvertible("an image needs a url and an os_distro (or an instance_id), and the state has neither")
        copied = ("os_distro", "url", "container_format", "disk_format", "min_disk", "min_ram", "protected")
        for attribute in (*copied, "visibility"):
            self.copy(declaration, attribute)
        return [self.finish(declaration, {*copied, "visibility", "instance_id"}, computed)]

    def volume(self, resource: TerraformResource, variable: str) -> list[Declaration]:
        declaration = self.declaration("Volume", variable, resource)
        self.copy(declaration, "size")
        self.copy(declaration, "volume_type")
        volume = self.finish(
            declaration,
            {"size", "volume_type", "servers"},
            {*("bootable", "encrypted"), *("multiattach", "state", "user_id")},
        )
        attachments = [volume]
        for server in resource.value("servers") or []:
            server_id = server.get("id") if isinstance(server, dict) else None
            if not server_id:
                continue
            server_reference = self.reference("server", server_id)
            server_name = server_reference.variable if isinstance(server_reference, Reference) else "server"
            attachment = Declaration(
                "VolumeAttachment",
                self.unique_variable(resource, base=f"{variable}_on_{server_name}"),
                resource,
                origin=f"servers: {server_id}",
                arguments={
                    "adopt_id": f"{resource.values['id']}/{server_id}",
                    "volume_id": Reference(variable, "id", resource.values["id"]),
                    "server_id": server_reference,
                },
                notes=["delete_on_termination: not recorded by Terraform; adopting sets the program's value (False)"],
            )
            attachments.append(attachment)
        return attachments

    def server(self, resource: TerraformResource, variable: str) -> list[Declaration]:
        declaration = self.declaration("Server", variable, resource)
        for required in ("image_id", "keypair_name", "server_type_id", "networks"):
            if resource.value(required) is None:
                raise Unconvertible(f"the state records no {required}")
        arguments = declaration.arguments
        arguments["image_id"] = self.reference("image", resource.values["image_id"])
        arguments["keypair_name"] = self.reference("keypair_name", resource.values["keypair_name"], "name")
        self.copy(declaration, "server_type_id")
        # Terraform keys the NICs by a name of the user's choice: the default NIC (v3.2+ records
        # which) comes first, where a create puts the default NIC, then the key order.
        networks = resource.values["networks"]
        keys = sorted(networks, key=lambda key: (networks[key].get("is_default") is not True, key))
        arguments["networks"] = [self.network(declaration, i, networks[key]) for i, key in enumerate(keys)]
        self.copy(declaration, "boot_volume")
        if resource.value("extra_volumes"):
            extra = resource.values["extra_volumes"]
            arguments["data_volumes"] = [extra[key] for key in sorted(extra)]
            declaration.renamed["data_volumes"] = "extra_volumes"
        self.copy(declaration, "security_groups", "security_group_ids")
        if resource.value("server_group_id"):
            arguments["server_group_id"] = self.reference("server_group", resource.values["server_group_id"])
        for attribute in ("partition_number", "user_data", "lock", "product_category", "product_offering"):
            self.copy(declaration, attribute)
        if resource.value("metadata"):
            # The official provider sends each metadata value through Go's String(), which
            # quotes it: the server holds '"web"' where the state says 'web', and adopting
            # would refuse the difference. The user compares and writes it.
            declaration.notes.append(
                f"metadata = {resource.values['metadata']!r}: not copied; the official provider stores each "
                "value quoted on the server, so write the server's metadata (`scpvs.lookups.get_server`) if you want it"
            )
        self.copy(declaration, "state", "power_state")
        handled = {
            *("image_id", "keypair_name", "server_type_id", "networks", "boot_volume", "extra_volumes"),
            *("security_groups", "server_group_id", "partition_number", "metadata", "user_data", "lock"),
            *("product_category", "product_offering", "state"),
        }
        computed = {
            *("account_id", "auto_scaling_group_id", "created_at", "created_by", "disk_config"),
            *("launch_configuration_id", "modified_at", "planned_compute_os_type", "vpc_id"),
        }
        return [self.finish(declaration, handled, computed)]

    @staticmethod
    def network(declaration: Declaration, index: int, network: Mapping[str, Any]) -> Mapping[str, Any]:
        """A NIC as recorded. Since provider v3.2 a refresh records the port SCP made for a
        subnet's NIC as its ``port_id``: with ``subnet_id`` also recorded, the port is the
        server's own and is left out (a replacement server makes its own port)."""
        if network.get("subnet_id") in UNSET or network.get("port_id") in UNSET:
            return network
        declaration.notes.append(
            f"networks[{index}].port_id = {network['port_id']!r}: not copied, the port SCP made for subnet_id "
            f"{network['subnet_id']!r} (if this NIC uses a port you made, give port_id instead of subnet_id)"
        )
        return {k: v for k, v in network.items() if k != "port_id"}


def identifier(text: str) -> str:
    """A Python identifier for a Terraform name (which may hold '-', or an index such as ``["a b"]``)."""
    name = re.sub(r"\W+", "_", text).strip("_") or "resource"
    if name[0].isdigit():
        name = "_" + name
    return f"{name}_" if keyword.iskeyword(name) or name in RESERVED_NAMES else name


def dependency_order(declarations: list[Declaration]) -> list[Declaration]:
    """The declarations in state order, except that a resource comes after the ones it refers to."""
    by_variable = {d.variable: d for d in declarations}
    ordered: list[Declaration] = []
    placed: set[str] = set()

    def place(declaration: Declaration) -> None:
        if declaration.variable in placed:
            return
        placed.add(declaration.variable)  # before its references: ids cannot refer in a circle
        for variable in declaration.references():
            if variable in by_variable:
                place(by_variable[variable])
        ordered.append(declaration)

    for declaration in declarations:
        place(declaration)
    return ordered


def python(value: Any) -> str:
    """``value`` as Python source: JSON-like data, and references as the attribute they read."""
    if isinstance(value, Reference):
        return f"{value.variable}.{value.attribute}"
    if isinstance(value, SecretSetting):
        return f"config.require_secret({python(value.key)})"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python string literal
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{python(k)}: {python(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(python(v) for v in value) + "]"
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise TypeError(f"no Python literal for {value!r}")


def convert(state: Any) -> Conversion:
    """Read a parsed ``terraform show -json`` document; raises :class:`NotATerraformState` when it is not one."""
    resources, terraform_version = load_resources(state)
    converter = Converter(resources)
    declarations = converter.convert()
    return Conversion(declarations, converter.skipped, terraform_version)


def render(conversion: Conversion, source_name: str) -> str:
    """The ``__main__.py`` text."""
    lines = [
        f'"""Adopts the objects of a Terraform state ({source_name}, Terraform {conversion.terraform_version}).',
        "",
        "Written by scpvs-from-terraform. Every resource is protected, as `pulumi import` does: remove",
        "`protect=True` once the migration is checked and Pulumi may delete them.",
        '"""',
        "",
    ]
    if conversion.skipped:
        lines.append("# Not converted (nothing was guessed for them):")
        lines += [f"#   {skipped.address}: {skipped.reason}" for skipped in conversion.skipped]
        lines.append("")
    if conversion.secrets:
        lines.append("# Secret values, set in the stack's config (encrypted) and never written here:")
        lines += [f"#   {setting_command(setting, source_name)}" for setting in conversion.secrets]
        lines.append("")
    lines += ["import pulumi", "", "import pulumi_scpvs as scpvs", ""]
    if conversion.secrets:
        lines += ["config = pulumi.Config()", ""]
    for declaration in conversion.declarations:
        origin = f" ({declaration.origin})" if declaration.origin else ""
        lines += ["", f"# {declaration.source.address}{origin}"]
        lines += [f"# {note}" for note in declaration.notes]
        lines.append(f"{declaration.variable} = scpvs.{declaration.kind}(")
        lines.append(f"    {python(declaration.variable)},")
        lines += [f"    {argument}={python(value)}," for argument, value in declaration.arguments.items()]
        lines += ["    opts=pulumi.ResourceOptions(protect=True),", ")"]
    return "\n".join(lines) + "\n"


def setting_command(setting: SecretSetting, source_name: str) -> str:
    """The shell command that moves a secret from the state into the stack's config, never through a file."""
    return (
        f"scpvs-from-terraform {source_name} --print-secret {setting.key}"
        f" | pulumi config set --secret {setting.key}  # {setting.address}: {setting.attribute}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scpvs-from-terraform", description=__doc__.split("\n\n")[0])
    parser.add_argument("state", help="the output of `terraform show -json` (a file, or - for standard input)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the program to FILE instead of standard output")
    parser.add_argument(
        "--print-secret",
        metavar="KEY",
        help="print the state's value for the program's secret config KEY (pipe it into `pulumi config set --secret`)",
    )
    args = parser.parse_args(argv)
    try:
        text = sys.stdin.read() if args.state == "-" else open(args.state, encoding="utf-8").read()  # noqa: SIM115
    except OSError as error:
        parser.error(f"cannot read {args.state}: {error.strerror}")
    try:
        conversion = convert(json.loads(text))
    except json.JSONDecodeError as error:
        parser.error(f"{args.state} is not JSON ({error}); give the output of `terraform show -json`")
    except NotATerraformState as error:
        parser.error(f"{args.state} is not a Terraform state: {error}")
    if args.print_secret:
        secrets = {setting.key: setting for setting in conversion.secrets}
        if args.print_secret not in secrets:
            parser.error(f"the program has no secret config key {args.print_secret!r} (it has: {', '.join(secrets)})")
        sys.stdout.write(secrets[args.print_secret].value)
        return 0
    source_name = "STATE.json" if args.state == "-" else args.state
    for skipped in conversion.skipped:
        print(f"scpvs-from-terraform: skipped {skipped.address}: {skipped.reason}", file=sys.stderr)
    for setting in conversion.secrets:
        command = setting_command(setting, source_name)
        print(f"scpvs-from-terraform: before `pulumi preview`, run: {command}", file=sys.stderr)
    program = render(conversion, source_name)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as output:
            output.write(program)
    else:
        sys.stdout.write(program)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
