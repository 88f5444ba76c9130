"""``ServerInterface``, ``StaticNat`` and ``PrivateStaticNat``: extra NICs and their NATs.

Ids are composite: ``server_id/port_id`` for an interface, ``server_id/port_id/nat_id``
for a NAT. Creating a NAT answers 201 with no body, so its id is read back from the
interface it was attached to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from ..provider import (
    Candidate,
    Crud,
    IpAddress,
    ObjectId,
    Props,
    ResourceInputs,
    ResourceSpec,
    ScpProvider,
    Step,
    Timeouts,
    compact,
    id_parts,
    join_id,
)
from ..scp import ScpClient, ScpError
from ..scp.models import InterfaceResponse
from ..scp.models import PrivateStaticNat as PrivateNatModel
from ..scp.models import PublicStaticNat as PublicNatModel


def show_interface(client: ScpClient, server_id: str, port_id: str) -> InterfaceResponse:
    return client.servers.show_server_interface(server_id, port_id).interfaces[0]


class ServerInterfaceInputs(ResourceInputs):
    adopt_id_parts = ("server_id", "port_id")

    server_id: ObjectId
    subnet_id: ObjectId | None = None
    fixed_ip: IpAddress | None = None
    port_id: ObjectId | None = None


class ServerInterfaceProvider(ScpProvider):
    """An extra interface of ``server_id`` in ``subnet_id`` (or an existing ``port_id``);
    ``fixed_ip`` and ``subnet_id`` change in place."""

    spec = ResourceSpec(
        inputs=ServerInterfaceInputs,
        output_model=InterfaceResponse,
        update_in_place=frozenset({"fixed_ip", "subnet_id"}),
        timeouts=Timeouts.each(600),
    )

    def _wait(self, step: Step, server_id: str, port_id: str) -> None:
        read = lambda: show_interface(step.client, server_id, port_id)  # noqa: E731
        step.wait(read, lambda i: i.port_state, port_id, ("ACTIVE",), ("ERROR",))

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        fixed_ips = [{"ip_address": inputs["fixed_ip"]}] if inputs.get("fixed_ip") else None
        body = compact({"subnet_id": inputs.get("subnet_id"), "port_id": inputs.get("port_id"), "fixed_ips": fixed_ips})
        port_id = step.client.servers.create_server_interface(inputs["server_id"], body).port_id
        return join_id(inputs["server_id"], port_id), {}

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        self._wait(step, *id_parts(object_id, 2))
        return {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        # An existing port this resource names is the declared interface. An interface in the
        # same subnet may be the server's own first one: reported, never adopted.
        server_id, port_id = inputs["server_id"], inputs.get("port_id")
        return [
            Candidate(join_id(server_id, i.port_id), related=bool(port_id))
            for i in client.servers.list_server_interfaces(server_id).interfaces
            if (i.port_id == port_id if port_id else i.subnet_id == inputs.get("subnet_id"))
        ]

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        return show_interface(client, *id_parts(object_id, 2)).model_dump(mode="json")

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        server_id, port_id = id_parts(object_id, 2)
        body = compact({"fixed_ip_address": news.get("fixed_ip"), "subnet_id": news.get("subnet_id")})
        step.client.servers.update_server_interface(server_id, port_id, body)
        self._wait(step, server_id, port_id)
        return {}

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        server_id, port_id = id_parts(object_id, 2)
        step.client.servers.delete_server_interface(server_id, port_id)
        step.wait_gone(lambda: show_interface(step.client, server_id, port_id), port_id)


class NatCreated(BaseModel):
    nat_id: str | None = Field(default=None, description="the NAT's own id (the last part of the resource id)")


class _NatProvider(ScpProvider):
    """Both kinds of NAT: they differ in their field of the interface and their operations only.

    Creating a NAT answers 201 with no body: its id is read back from the interface.
    """

    field: ClassVar[str]

    def _nat(self, client: ScpClient, server_id: str, port_id: str) -> Any:
        return getattr(show_interface(client, server_id, port_id), self.field)

    def _request_fields(self) -> tuple[str, ...]:
        body_model = self._crud().api_operation(self._crud().create).body_model
        return tuple(body_model.model_fields) if body_model else ()

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        server_id, port_id = inputs["server_id"], inputs["port_id"]
        body = {k: inputs[k] for k in self._request_fields()}
        path = {"server_id": server_id, "port_id": port_id}
        step.client.call(self._crud().api_operation(self._crud().create), path=path, body=body)
        nat = self._nat(step.client, server_id, port_id)
        if nat is None:
            raise ScpError(f"{self.spec.type_name}: interface {port_id} shows no NAT right after creating one")
        return join_id(server_id, port_id, nat.id), {}

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        server_id, port_id, _ = id_parts(object_id, 3)
        read = lambda: self._nat(step.client, server_id, port_id)  # noqa: E731
        step.wait(read, lambda n: n.state, object_id, ("ACTIVE",), ("ERROR",))
        return {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        # One NAT per interface: the interface's NAT, made from the same addresses, is the declared one.
        server_id, port_id = inputs["server_id"], inputs["port_id"]
        nat = self._nat(client, server_id, port_id)
        if nat is None or any(getattr(nat, k, None) not in (None, inputs[k]) for k in self._request_fields()):
            return []
        return [Candidate(join_id(server_id, port_id, nat.id), related=True)]

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        server_id, port_id, nat_id = id_parts(object_id, 3)
        nat = self._nat(client, server_id, port_id)
        return None if nat is None or nat.id != nat_id else {**nat.model_dump(mode="json"), "nat_id": nat.id}

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        server_id, port_id, nat_id = id_parts(object_id, 3)
        path = {"server_id": server_id, "port_id": port_id, "nat_id": nat_id}
        step.client.call(self._crud().api_operation(self._crud().delete), path=path)
        step.wait_gone(lambda: self.read_object(step.client, object_id, outputs), nat_id)


def nat_spec(inputs: type[ResourceInputs], output_model: type[BaseModel], operations: str) -> ResourceSpec:
    """A NAT of an interface: created and deleted by ``{create,delete}_server_interface_<operations>``."""
    return ResourceSpec(
        inputs=inputs,
        output_model=output_model,
        extra_outputs=NatCreated,
        crud=Crud(
            show="show_server_interface",
            create=f"create_server_interface_{operations}",
            delete=f"delete_server_interface_{operations}",
        ),
        delete_before_replace=True,  # an interface holds one NAT: the old one must go first
        timeouts=Timeouts.each(600),
    )


class NatInputs(ResourceInputs):
    """What every NAT names: the interface (``port_id``) of a server."""

    adopt_id_parts = ("server_id", "port_id", "nat_id")

    server_id: ObjectId
    port_id: ObjectId


class StaticNatInputs(NatInputs):
    publicip_id: ObjectId


class StaticNatProvider(_NatProvider):
    """Maps the public IP ``publicip_id`` to the interface ``port_id`` of ``server_id``."""

    field = "static_nat"
    spec = nat_spec(StaticNatInputs, PublicNatModel, "nat")


class PrivateStaticNatInputs(NatInputs):
    private_nat_id: ObjectId
    private_nat_ip_id: ObjectId


class PrivateStaticNatProvider(_NatProvider):
    """Maps a private NAT IP to the interface ``port_id`` of ``server_id``."""

    field = "private_static_nat"
    spec = nat_spec(PrivateStaticNatInputs, PrivateNatModel, "private_nat")
