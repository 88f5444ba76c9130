"""Every resource kind survives an interrupted create, and a failed create leaves nothing.

For each kind, against a real simulator process, through the provider protocol:

* the process dies once the create's answer arrived, while it waits for the object (the
  journal has the object's *resource* id, composite where it is): the next run's create of
  the same resource takes that object over, and makes no second one;
* the wait ends in a failure state: the object is deleted, and the error names it by its
  resource id.

Kinds whose create answer carries a secret no read gives back (a generated key pair's
private key, a transfer's auth key) are made again instead, never adopted with that output
missing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_scpvs import resources as r
from pulumi_scpvs.provider import ScpProvider
from pulumi_scpvs.provider._keys import RESOURCE_NAME_KEY, STACK_IDENTITY_KEY
from pulumi_scpvs.scp._errors import NotFoundError, ResourceFailedError
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import RunningSimulator, start_simulator

ED25519_BLOB = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + bytes(range(32))
PUBLIC_KEY = f"ssh-ed25519 {base64.b64encode(ED25519_BLOB).decode()} user@host"
MEMBER_ACCESS_KEY = "member-access-key"
MEMBER_SECRET_KEY = "member-secret-key-0123456789"


class Killed(BaseException):
    """The provider process dying (nothing catches it, as nothing outlives a SIGKILL)."""


@dataclass
class Cloud:
    owner: RunningSimulator
    member: RunningSimulator  # another account of the same region (for acceptances)


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    state = tmp_path_factory.mktemp("world") / "world.db"
    owner = start_simulator(state)
    member = start_simulator(
        state, access_key=MEMBER_ACCESS_KEY, secret_key=MEMBER_SECRET_KEY, account_id=cat.OTHER_ACCOUNT_ID
    )
    owner.client().keypairs.create_keypair({"name": "k"})
    yield Cloud(owner, member)
    member.stop()
    owner.stop()


@pytest.fixture(autouse=True)
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pulumi_scpvs.provider import _safety

    monkeypatch.setattr(_safety, "JOURNAL", _safety.Journal(str(tmp_path / "journal.db")))


def provider(cls: type[ScpProvider], simulator: RunningSimulator) -> Any:
    instance = cls()
    raw = {
        "scpvs:endpoint": simulator.url,
        "scpvs:accessKey": simulator.access_key,
        "scpvs:secretKey": simulator.secret_key,
    }
    instance.configure(ConfigureRequest(Config(raw_config=raw, project_name="p")))
    return instance


def checked(prov: Any, resource: str, **inputs: Any) -> dict[str, Any]:
    news = {RESOURCE_NAME_KEY: f"p/dev/{resource}", STACK_IDENTITY_KEY: "stack-a", **inputs}
    result = prov.check({}, news)
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return result.inputs  # type: ignore[no-any-return]


_counter = iter(range(1_000_000))


def made(cls: type[ScpProvider], cloud: Cloud, **inputs: Any) -> Any:
    """A prerequisite, made by its own provider (a fresh resource name each time)."""
    prov = provider(cls, cloud.owner)
    return prov.create(checked(prov, f"prerequisite-{next(_counter)}", **inputs))


def server(cloud: Cloud) -> str:
    networks = [{"subnet_id": cat.SUBNET_ID}]
    return str(
        made(
            r.ServerProvider,
            cloud,
            image_id=cat.IMAGE_UBUNTU,
            server_type_id="s1v1m2",
            keypair_name="k",
            networks=networks,
        ).id
    )


def volume(cloud: Cloud) -> str:
    return str(made(r.VolumeProvider, cloud, size=8).id)


def port(cloud: Cloud) -> tuple[str, str]:
    interface = made(r.ServerInterfaceProvider, cloud, server_id=server(cloud), subnet_id=cat.SUBNET_ID_2)
    server_id, port_id = interface.id.split("/")
    return server_id, port_id


def group(cloud: Cloud) -> str:
    lc = made(
        r.LaunchConfigurationProvider, cloud, image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2", keypair_name="k"
    )
    return str(
        made(
            r.AutoScalingGroupProvider,
            cloud,
            server_name_prefix="app",
            launch_configuration_id=lc.id,
            subnet_ids=[cat.SUBNET_ID],
            min_server_count=0,
            desired_server_count=0,
            max_server_count=1,
        ).id
    )


def private_image(cloud: Cloud) -> str:
    return str(made(r.ServerImageProvider, cloud, server_id=server(cloud)).id)


def transfer(cloud: Cloud) -> Any:
    return made(r.VolumeTransferProvider, cloud, volume_id=volume(cloud))


def shared_image(cloud: Cloud) -> str:
    image_id = private_image(cloud)
    made(r.ImageMemberProvider, cloud, image_id=image_id, member_id=cat.OTHER_ACCOUNT_ID)
    return image_id


_public_ips = iter(cat.PUBLIC_IP_IDS)


def free_public_ip() -> str:
    """One of the catalogue's public IPs no test used (the interrupted test keeps its NAT)."""
    return next(_public_ips)


@dataclass(frozen=True)
class Kind:
    cls: type[ScpProvider]
    inputs: Callable[[Cloud], dict[str, Any]]
    as_member: bool = False  # created with the member account's credentials
    remade: bool = False  # its create's answer carries a secret: made again, not adopted
    deletes: bool = True  # deleting it makes it unreadable (an acceptance's delete only resets it)

    @property
    def id(self) -> str:
        return self.cls.__name__.removesuffix("Provider")


KINDS = [
    Kind(
        r.ServerProvider,
        lambda c: {
            "image_id": cat.IMAGE_UBUNTU,
            "server_type_id": "s1v1m2",
            "keypair_name": "k",
            "networks": [{"subnet_id": cat.SUBNET_ID}],
        },
    ),
    Kind(r.VolumeProvider, lambda c: {"size": 8}),
    Kind(r.VolumeAttachmentProvider, lambda c: {"volume_id": volume(c), "server_id": server(c)}),
    Kind(r.SnapshotProvider, lambda c: {"volume_id": volume(c)}),
    Kind(r.KeypairProvider, lambda c: {}, remade=True),
    Kind(r.KeypairProvider, lambda c: {"public_key": PUBLIC_KEY}),
    Kind(r.ImageProvider, lambda c: {"os_distro": "ubuntu", "url": "http://127.0.0.1/images/ubuntu.qcow2"}),
    Kind(r.ServerImageProvider, lambda c: {"server_id": server(c)}),
    Kind(r.ImageMemberProvider, lambda c: {"image_id": private_image(c), "member_id": cat.OTHER_ACCOUNT_ID}),
    Kind(
        r.ImageMemberAcceptanceProvider,
        lambda c: {"image_id": shared_image(c), "member_id": cat.OTHER_ACCOUNT_ID},
        as_member=True,
        deletes=False,
    ),
    Kind(r.ServerGroupProvider, lambda c: {"policy": "anti-affinity"}),
    Kind(r.ServerInterfaceProvider, lambda c: {"server_id": server(c), "subnet_id": cat.SUBNET_ID_2}),
    Kind(
        r.StaticNatProvider,
        lambda c: dict(zip(("server_id", "port_id"), port(c), strict=True), publicip_id=free_public_ip()),
    ),
    Kind(
        r.PrivateStaticNatProvider,
        lambda c: dict(
            zip(("server_id", "port_id"), port(c), strict=True),
            private_nat_id=cat.PRIVATE_NAT_ID,
            private_nat_ip_id=cat.PRIVATE_NAT_IP_ID,
        ),
    ),
    Kind(
        r.LaunchConfigurationProvider,
        lambda c: {"image_id": cat.IMAGE_UBUNTU, "server_type_id": "s1v1m2", "keypair_name": "k"},
    ),
    Kind(
        r.AutoScalingGroupProvider,
        lambda c: {
            "server_name_prefix": "web",
            "launch_configuration_id": made(
                r.LaunchConfigurationProvider, c, image_id=cat.IMAGE_UBUNTU, server_type_id="s1v1m2", keypair_name="k"
            ).id,
            "subnet_ids": [cat.SUBNET_ID],
            "min_server_count": 0,
            "desired_server_count": 0,
            "max_server_count": 1,
        },
    ),
    Kind(
        r.AutoScalingGroupPolicyProvider,
        lambda c: {
            "auto_scaling_group_id": group(c),
            "metric_type": "CPU",
            "comparison_operator": "ge",
            "threshold": 80,
            "scale_type": "SCALE_OUT",
            "scale_value": 1,
        },
    ),
    Kind(
        r.AutoScalingGroupScheduleProvider,
        lambda c: {
            "auto_scaling_group_id": group(c),
            "frequency": "DAILY",
            "hour": 1,
            "minute": 0,
            "start_date": "2026-12-01",
        },
    ),
    Kind(
        r.AutoScalingGroupNotificationProvider,
        lambda c: {"auto_scaling_group_id": group(c), "user_id": cat.USER_ID, "notification_events": ["SCALE_OUT"]},
    ),
    Kind(r.VolumeTransferProvider, lambda c: {"volume_id": volume(c)}, remade=True),
    Kind(
        r.VolumeTransferAcceptanceProvider,
        lambda c: (lambda t: {"transfer_id": t.id, "auth_key": t.outs["auth_key"]})(transfer(c)),
        as_member=True,
        deletes=False,
    ),
]
IDS = [f"{k.id}{'-generated' if k.remade and k.cls is r.KeypairProvider else ''}" for k in KINDS]


def test_every_resource_kind_is_covered() -> None:
    assert {k.cls for k in KINDS} == {c for c in vars(r).values() if isinstance(c, type) and issubclass(c, ScpProvider)}


def subject(cloud: Cloud, kind: Kind, resource: str) -> tuple[Any, dict[str, Any]]:
    """A provider of ``kind`` (as the member account where it must be) and checked inputs with fresh prerequisites."""
    prov = provider(kind.cls, cloud.member if kind.as_member else cloud.owner)
    return prov, checked(prov, resource, **kind.inputs(cloud))


def readable(prov: Any, client: Any, object_id: str) -> bool:
    try:
        return prov.read_object(client, object_id, {}) is not None
    except NotFoundError:
        return False


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_an_interrupted_create_is_recognised_by_the_next_run(
    cloud: Cloud, kind: Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pulumi_scpvs.provider import _safety

    first, inputs = subject(cloud, kind, "subject")

    def killed(*args: Any) -> Any:
        raise Killed

    monkeypatch.setattr(first, "wait_ready", killed)
    with pytest.raises(Killed):
        first.create(inputs)
    owner = _safety.CreateSafetyNet(first)._claim(inputs).owner
    assert owner is not None
    entry = _safety.JOURNAL.entry(owner)
    assert entry is not None and entry.object_id, "the journal did not record the object before the wait"
    client = first.client()
    assert readable(first, client, entry.object_id), f"the journal recorded {entry.object_id}, not a resource id"

    again = provider(kind.cls, cloud.member if kind.as_member else cloud.owner).create(dict(inputs))
    if kind.remade:
        secret = next(iter(kind.cls.spec.secret_outputs))
        assert again.outs[secret], f"{secret} is empty after the interrupted create"
        assert again.id == entry.object_id or not readable(first, client, entry.object_id), "left the first behind"
    else:
        assert again.id == entry.object_id, "the next run made another object"


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_failed_create_is_cleaned_up_and_named_by_its_resource_id(
    cloud: Cloud, kind: Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    prov, inputs = subject(cloud, kind, "failing")
    sent: list[str] = []
    send = prov.send_create

    def sending(*args: Any) -> Any:
        object_id, extra = send(*args)
        sent.append(object_id)
        return object_id, extra

    def failing(op: Any, object_id: str, inputs: Any) -> Any:
        # A wait reports the id it waited on (a NAT's interface, an attachment's volume...).
        raise ResourceFailedError(
            "it reached the failure state error", object_id="the-id-waited-on", last_state="error"
        )

    monkeypatch.setattr(prov, "send_create", sending)
    monkeypatch.setattr(prov, "wait_ready", failing)
    with pytest.raises(ResourceFailedError) as failure:
        prov.create(inputs)
    (object_id,) = sent
    assert f"deleted {kind.id} {object_id} so that nothing is left behind" in str(failure.value)
    assert failure.value.object_id == object_id
    if kind.deletes:
        assert not readable(prov, prov.client(), object_id), f"{object_id} was left behind"
