"""Never touch what is not yours, never lose what is: providers against a real simulator process.

Each test plays a case a hostile but realistic user meets: another stack's objects with
the same names, answers lost on every kind of mutation, a moved endpoint, stuck objects.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_scpvs import ScpError
from pulumi_scpvs.provider._keys import RESOURCE_NAME_KEY, STACK_IDENTITY_KEY, TARGET_KEY
from pulumi_scpvs.provider._safety import CreateSafetyNet
from pulumi_scpvs.resources import KeypairProvider, ServerProvider, VolumeAttachmentProvider, VolumeProvider
from pulumi_scpvs.scp._errors import ConfigurationError, WaitError
from pulumi_scpvs.simulator import catalogue

from ..conftest import RunningSimulator, start_simulator
from .test_faults_and_recovery import faults, provider


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    running = start_simulator(transition_seconds=0.2)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "journal.db"
    monkeypatch.setenv("SCPVS_JOURNAL", str(path))
    from pulumi_scpvs.provider import _safety

    monkeypatch.setattr(_safety, "JOURNAL", _safety.Journal(str(path)))
    return path


def checked(prov: Any, resource: str, identity: str = "stack-a", **inputs: Any) -> dict[str, Any]:
    news = {RESOURCE_NAME_KEY: f"proj/dev/{resource}", STACK_IDENTITY_KEY: identity, **inputs}
    result = prov.check({}, news)
    assert not result.failures, result.failures
    return result.inputs  # type: ignore[no-any-return]


def server_inputs(prov: Any, resource: str, identity: str, **extra: Any) -> dict[str, Any]:
    return checked(
        prov,
        resource,
        identity,
        image_id=catalogue.IMAGE_UBUNTU,
        server_type_id="s1v1m2",
        keypair_name="k",
        networks=[{"subnet_id": catalogue.SUBNET_ID}],
        **extra,
    )


def test_autonames_differ_between_stacks_of_the_same_name(sim: RunningSimulator) -> None:
    volumes = provider(VolumeProvider, sim)
    mine, theirs = checked(volumes, "data", "stack-a", size=8), checked(volumes, "data", "stack-b", size=8)
    assert mine["name"] != theirs["name"]
    assert checked(volumes, "data", "stack-a", size=8)["name"] == mine["name"], "stable for one stack"


def test_two_stacks_of_the_same_name_each_create_their_own(sim: RunningSimulator) -> None:
    """The second stack's create must not adopt the first one's autonamed objects."""
    volumes, keypairs = provider(VolumeProvider, sim), provider(KeypairProvider, sim)
    a_volume = volumes.create(checked(volumes, "data", "stack-a", size=8))
    a_key = keypairs.create(checked(keypairs, "key", "stack-a"))
    b_volume = volumes.create(checked(volumes, "data", "stack-b", size=8))
    b_key = keypairs.create(checked(keypairs, "key", "stack-b"))
    assert a_volume.id != b_volume.id and a_key.id != b_key.id
    keypairs.delete(b_key.id, b_key.outs)
    volumes.delete(b_volume.id, b_volume.outs)
    client = sim.client()
    assert client.volumes.show_volume(a_volume.id).state == "available"
    assert client.keypairs.show_keypair(a_key.id).name == a_key.id


def test_an_existing_object_of_the_explicit_name_stops_the_create(sim: RunningSimulator) -> None:
    """A fresh runner (no journal) or another stack: an unprovable volume of the name is named, not duplicated."""
    volumes = provider(VolumeProvider, sim)
    theirs = volumes.create(checked(volumes, "data", "stack-a", name="shared", size=8))
    with pytest.raises(ScpError, match=f'adopt_id="{theirs.id}".*allow_duplicate_name=True') as stopped:
        volumes.create(checked(volumes, "data", "stack-b", name="shared", size=8))
    assert "nothing was created" in str(stopped.value)
    assert [v.id for v in sim.client().volumes.list_volumes(name="shared").volumes] == [theirs.id]
    mine = volumes.create(checked(volumes, "data", "stack-b", name="shared", size=8, allow_duplicate_name=True))
    assert mine.id != theirs.id
    volumes.delete(mine.id, mine.outs)
    assert sim.client().volumes.show_volume(theirs.id).name == "shared"


def test_a_lost_create_never_adopts_an_object_of_the_same_name_made_before_it(sim: RunningSimulator) -> None:
    """502 before anything ran: the same-named volume another stack made earlier is not ours (duplicates opted in)."""
    volumes = provider(VolumeProvider, sim)
    theirs = volumes.create(checked(volumes, "data", "stack-a", name="shared", size=8))
    faults(sim, error_rate=1.0, match="^POST /v1/volumes$")
    mine_inputs = checked(volumes, "data", "stack-b", name="shared", size=8, allow_duplicate_name=True)
    with pytest.raises(ScpError, match=r"50[0234]"):
        volumes.create(mine_inputs)
    faults(sim)
    mine = volumes.create(mine_inputs)
    assert mine.id != theirs.id
    volumes.delete(mine.id, mine.outs)
    assert sim.client().volumes.show_volume(theirs.id).name == "shared"


def adoptions(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The adoptions the safety net reported (each is a warning a user sees)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pulumi_scpvs.provider._safety" and "adopting" in r.getMessage()
    ]


def test_an_object_made_by_another_while_an_answer_was_lost_is_named_never_adopted(
    sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The race: this create is answered 5xx before it ran while another pipeline creates the same name."""
    volumes = provider(VolumeProvider, sim)
    sent = VolumeProvider.send_create

    def racing(self: Any, op: Any, inputs: Any, mark: Any) -> Any:
        racer = sim.client().volumes.create_volume({"name": "raced", "size": 8})
        racers.append(racer.id)
        faults(sim, error_rate=1.0, match="^POST /v1/volumes$")
        try:
            return sent(self, op, inputs, mark)
        finally:
            faults(sim)

    racers: list[str] = []
    monkeypatch.setattr(VolumeProvider, "send_create", racing)
    with pytest.raises(ScpError, match=r"answered .*50[0234].*cannot prove it made") as stopped:
        volumes.create(checked(volumes, "data", "stack-a", name="raced", size=8))
    assert adoptions(caplog) == [], "the other pipeline's volume was adopted"
    assert f'adopt_id="{racers[0]}"' in str(stopped.value)
    assert [v.id for v in sim.client().volumes.list_volumes(name="raced").volumes] == racers


def test_a_lost_answer_adopts_only_the_object_carrying_this_attempts_mark(sim: RunningSimulator) -> None:
    servers = provider(ServerProvider, sim)
    sim.client().keypairs.create_keypair({"name": "k"})
    theirs = servers.create(server_inputs(servers, "web", "stack-a", name="web"))
    faults(sim, drop_rate=1.0, match="^POST /v1/servers$")  # committed, then no answer
    mine = servers.create(server_inputs(servers, "web", "stack-b", name="web"))
    faults(sim)
    listed = sim.client().servers.list_servers(name="web").servers
    assert sorted(s.id for s in listed) == sorted([theirs.id, mine.id]), "exactly one server per stack"
    assert "scpvs-owner" not in (mine.outs["metadata"] or {}), "the mark stays out of the outputs"


def test_an_interrupted_run_is_recognised_by_its_mark_explicit_name_included(
    sim: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A server the killed run made (explicit name) is adopted by the next run, not duplicated."""
    servers = provider(ServerProvider, sim)
    sim.client().keypairs.create_keypair({"name": "k"})
    inputs = server_inputs(servers, "web", "stack-a", name="web")
    first = servers.create(inputs)  # stands for the run whose answer never reached the state
    caplog.clear()
    again = servers.create(server_inputs(servers, "web", "stack-a", name="web"))
    assert again.id == first.id
    (adopted,) = adoptions(caplog)
    assert adopted.startswith(f"Server {first.id} exists and ") and adopted.endswith(": adopting it")
    assert len(sim.client().servers.list_servers(name="web").servers) == 1


def test_an_interrupted_run_of_an_unmarkable_kind_stops_with_the_adopt_id(sim: RunningSimulator, journal: Path) -> None:
    """Volumes carry no mark: with the journal saying a create was in flight, the candidate is named."""
    from pulumi_scpvs.provider import _safety

    volumes = provider(VolumeProvider, sim)
    inputs = checked(volumes, "data", "stack-a", name="explicit", size=8)
    claim = CreateSafetyNet(volumes)._claim(inputs)
    assert claim.owner is not None
    _safety.JOURNAL.started(claim.owner, "explicit", [])
    made = sim.client().volumes.create_volume({"name": "explicit", "size": 8})  # the answer the killed run lost
    with pytest.raises(ScpError, match=f'interrupted.*adopt_id="{made.id}"'):
        volumes.create(checked(volumes, "data", "stack-a", name="explicit", size=8))
    adopted = volumes.create(checked(volumes, "data", "stack-a", name="explicit", size=8, adopt_id=made.id))
    assert adopted.id == made.id
    assert len(sim.client().volumes.list_volumes(name="explicit").volumes) == 1


def test_the_journal_recognises_an_object_whose_answer_arrived_but_was_not_saved(sim: RunningSimulator) -> None:
    volumes = provider(VolumeProvider, sim)
    first = volumes.create(checked(volumes, "data", "stack-a", name="explicit", size=8))
    again = volumes.create(checked(volumes, "data", "stack-a", name="explicit", size=8))
    assert again.id == first.id
    other = checked(volumes, "data", "stack-b", name="explicit", size=8, allow_duplicate_name=True)
    assert volumes.create(other).id != first.id, "another stack's journal rows are not ours"


def test_a_duplicate_key_pair_name_fails_at_once_with_the_adopt_id(sim: RunningSimulator) -> None:
    keypairs = provider(KeypairProvider, sim)
    sim.client().keypairs.create_keypair({"name": "taken"})
    started = time.monotonic()
    with pytest.raises(ScpError, match=r'cannot prove it made.*adopt_id="taken"'):
        keypairs.create(checked(keypairs, "key", "stack-a", name="taken"))
    assert time.monotonic() - started < 20, "a conflict that cannot clear is not waited out"


def server_and_volume(sim: RunningSimulator) -> tuple[Any, Any, Any]:
    """An attachment provider, and a server and a volume to attach."""
    sim.client().keypairs.create_keypair({"name": "k"})
    servers, volumes = provider(ServerProvider, sim), provider(VolumeProvider, sim)
    server = servers.create(server_inputs(servers, "web", "stack-a"))
    volume = volumes.create(checked(volumes, "data", "stack-a", size=8))
    return provider(VolumeAttachmentProvider, sim), server, volume


def test_a_detach_whose_answer_was_lost_converges(sim: RunningSimulator) -> None:
    client = sim.client()
    attachments, server, volume = server_and_volume(sim)
    attachment = attachments.create(checked(attachments, "a", "stack-a", volume_id=volume.id, server_id=server.id))
    faults(sim, drop_rate=1.0, match="^DELETE /v1/volumes/[^/]+/servers/")
    started = time.monotonic()
    attachments.delete(attachment.id, attachment.outs)
    faults(sim)
    assert time.monotonic() - started < 30
    assert client.volumes.show_volume(volume.id).servers == []


def test_a_grow_whose_answer_was_lost_converges(sim: RunningSimulator) -> None:
    volumes = provider(VolumeProvider, sim)
    created = volumes.create(checked(volumes, "data", "stack-a", size=16))
    faults(sim, drop_rate=1.0, match="^PUT /v1/volumes/[^/]+/size$")
    news = checked(volumes, "data", "stack-a", size=24)
    updated = volumes.update(created.id, created.outs, news)
    faults(sim)
    assert updated.outs["size"] == 24


def test_a_power_change_whose_answer_was_lost_converges(sim: RunningSimulator) -> None:
    sim.client().keypairs.create_keypair({"name": "k"})
    servers = provider(ServerProvider, sim)
    created = servers.create(server_inputs(servers, "web", "stack-a"))
    faults(sim, late_error_rate=1.0, match="^POST /v1/servers/[^/]+/stop$")
    updated = servers.update(created.id, created.outs, server_inputs(servers, "web", "stack-a", power_state="SHUTOFF"))
    faults(sim)
    assert updated.outs["state"] == "SHUTOFF"


def test_the_cleanup_of_a_failed_attachment_names_the_attachment(sim: RunningSimulator) -> None:
    attachments, server, volume = server_and_volume(sim)
    faults(sim, stall_rate=1.0)  # the attach never completes
    inputs = checked(
        attachments, "a", "stack-a", volume_id=volume.id, server_id=server.id, timeouts={"create": 2, "delete": 5}
    )
    with pytest.raises(WaitError) as failure:
        attachments.create(inputs)
    faults(sim)
    assert "is not an id of" not in str(failure.value)
    assert f"{volume.id}/{server.id}" in str(failure.value)


def test_a_moved_endpoint_is_refused_by_every_step(sim: RunningSimulator, tmp_path: Path) -> None:
    volumes = provider(VolumeProvider, sim)
    created = volumes.create(checked(volumes, "data", "stack-a", size=8))
    assert created.outs[TARGET_KEY] == {"endpoint": sim.url, "account_id": ""}
    elsewhere = start_simulator()
    try:
        moved = provider(VolumeProvider, elsewhere)
        for step in (
            lambda: moved.read(created.id, created.outs),
            lambda: moved.diff(created.id, created.outs, checked(moved, "data", "stack-a", size=8)),
            lambda: moved.update(created.id, created.outs, checked(moved, "data", "stack-a", size=16)),
            lambda: moved.delete(created.id, created.outs),
        ):
            with pytest.raises(ConfigurationError, match=f"created at endpoint '{sim.url}'.*{elsewhere.url}"):
                step()
        embedded = VolumeProvider()
        embedded.configure(ConfigureRequest(Config(raw_config={}, project_name="p")))
        with pytest.raises(ConfigurationError, match="embedded"):
            embedded.read(created.id, created.outs)
    finally:
        elsewhere.stop()
    assert sim.client().volumes.show_volume(created.id).state == "available"


def test_a_deliberate_move_records_the_new_target(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    volumes = provider(VolumeProvider, sim)
    created = volumes.create(checked(volumes, "data", "stack-a", size=8))
    outs = {**created.outs, TARGET_KEY: {"endpoint": "https://old.example.invalid", "account_id": ""}}
    monkeypatch.setenv("SCPVS_MOVE_FROM", "https://old.example.invalid")
    assert volumes.diff(created.id, outs, checked(volumes, "data", "stack-a", size=8)).changes
    read = volumes.read(created.id, outs)
    assert read.outs[TARGET_KEY]["endpoint"] == sim.url


def test_a_stuck_object_is_named_and_never_made_twice(sim: RunningSimulator) -> None:
    """A volume stuck `creating` cannot be deleted; the next run waits for it again, it makes no second one."""
    volumes = provider(VolumeProvider, sim)
    faults(sim, stall_rate=1.0)
    inputs = {"name": "stuck", "size": 8, "timeouts": {"create": 2, "delete": 2}}
    with pytest.raises(WaitError) as first:
        volumes.create(checked(volumes, "data", "stack-a", **inputs))
    faults(sim)
    (stuck,) = sim.client().volumes.list_volumes(name="stuck").volumes
    assert stuck.id in str(first.value) and "could not delete" in str(first.value)
    assert "next `pulumi up` finds it again" in str(first.value)
    with pytest.raises(WaitError) as second:
        volumes.create(checked(volumes, "data", "stack-a", **inputs))
    assert stuck.id in str(second.value)
    assert [v.id for v in sim.client().volumes.list_volumes(name="stuck").volumes] == [stuck.id]


def test_a_generated_key_pair_whose_answer_was_lost_is_made_again_with_its_private_key(
    sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The private key comes only in the create's answer: a key pair proven ours without it is made anew."""
    keypairs = provider(KeypairProvider, sim)
    sent = KeypairProvider.send_create
    lost: list[str] = []

    def first_answer_lost(self: Any, op: Any, inputs: Any, mark: Any) -> Any:
        if not lost:
            lost.append(inputs["name"])
            faults(sim, drop_rate=1.0, match="^POST /v1/keypairs$")  # committed, then no answer
        try:
            return sent(self, op, inputs, mark)
        finally:
            faults(sim)

    monkeypatch.setattr(KeypairProvider, "send_create", first_answer_lost)
    created = keypairs.create(checked(keypairs, "key", "stack-a"))
    assert lost == [created.id], "the first answer was not lost"
    assert created.outs["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert [k.name for k in sim.client().keypairs.list_keypairs().keypairs] == [created.id]


def test_adopting_a_generated_key_pair_says_its_private_key_cannot_be_read(
    sim: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A hand-made key pair is adopted on purpose (its owner holds the private key): adopted, with a word."""
    keypairs = provider(KeypairProvider, sim)
    made = sim.client().keypairs.create_keypair({"name": "made-elsewhere"})
    with caplog.at_level(logging.WARNING, logger="pulumi_scpvs"):
        adopted = keypairs.create(checked(keypairs, "key", "stack-a", name="made-elsewhere", adopt_id="made-elsewhere"))
    assert adopted.id == made.name and not adopted.outs.get("private_key")
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "made-elsewhere is adopted without its generated private key" in warned and "set public_key" in warned
    caplog.clear()
    public_key = sim.client().keypairs.show_keypair("made-elsewhere").public_key
    with caplog.at_level(logging.WARNING, logger="pulumi_scpvs"):
        keypairs.create(
            checked(keypairs, "key", "stack-a", name="made-elsewhere", adopt_id="made-elsewhere", public_key=public_key)
        )
    assert "private key" not in " ".join(r.getMessage() for r in caplog.records), "an imported key misses nothing"


def test_an_unprovable_generated_key_pair_is_named_with_what_adopting_it_would_lose(sim: RunningSimulator) -> None:
    """A fresh runner finds the key pair an interrupted run generated: adopting it cannot give its private key."""
    keypairs = provider(KeypairProvider, sim)
    sim.client().keypairs.create_keypair({"name": "deploy-key"})
    with pytest.raises(ScpError, match=r"generated private key came only in the answer .* delete it") as stopped:
        keypairs.create(checked(keypairs, "key", "stack-a", name="deploy-key"))
    assert 'set public_key to the key pair\'s public key and add adopt_id="deploy-key"' in str(stopped.value)


def test_a_replacement_keeps_its_explicit_name_beside_the_object_it_replaces(sim: RunningSimulator) -> None:
    """Create-before-delete: the predecessor (known from the state through diff) neither stops nor is adopted."""
    volumes = provider(VolumeProvider, sim)
    old = volumes.create(checked(volumes, "data", "stack-a", name="kept", size=8, volume_type="SSD"))
    news = checked(volumes, "data", "stack-a", name="kept", size=8, volume_type="HDD")
    assert volumes.diff(old.id, old.outs, news).replaces == ["volume_type"]
    new = volumes.create(news)
    assert new.id != old.id and new.outs["volume_type"] == "HDD"
    volumes.delete(old.id, old.outs)
    assert [v.id for v in sim.client().volumes.list_volumes(name="kept").volumes] == [new.id]


def test_allow_duplicate_name_after_a_stop_creates_another(sim: RunningSimulator) -> None:
    """The opt-in offered by the stop works even with the journal saying a create was in flight."""
    from pulumi_scpvs.provider import _safety

    volumes = provider(VolumeProvider, sim)
    inputs = checked(volumes, "data", "stack-a", name="contested", size=8)
    owner = CreateSafetyNet(volumes)._claim(inputs).owner
    assert owner is not None
    _safety.JOURNAL.started(owner, "contested", [])
    theirs = sim.client().volumes.create_volume({"name": "contested", "size": 8})
    with pytest.raises(ScpError, match="allow_duplicate_name=True"):
        volumes.create(checked(volumes, "data", "stack-a", name="contested", size=8))
    mine = volumes.create(checked(volumes, "data", "stack-a", name="contested", size=8, allow_duplicate_name=True))
    assert mine.id != theirs.id
    assert sorted(v.id for v in sim.client().volumes.list_volumes(name="contested").volumes) == sorted(
        [mine.id, theirs.id]
    )
