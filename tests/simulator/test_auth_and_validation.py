"""The simulator's front door: signatures checked by an independent signer, clock skew, validation, errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
import pytest
from pydantic import ValidationError

from pulumi_scpvs import AuthenticationError, BadRequestError, ConflictError, NotFoundError
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator, start_simulator


def independent_headers(
    method: str, url: str, *, secret: str = SECRET_KEY, timestamp: int | None = None
) -> dict[str, str]:
    """Signs as the reference describes, written separately from pulumi_scpvs.scp._signing."""
    ts = str(timestamp if timestamp is not None else int(time.time() * 1000))
    message = (method + url + ts + ACCESS_KEY + "" + "Openapi").encode()
    signature = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
    return {
        "Scp-Accesskey": ACCESS_KEY,
        "Scp-Signature": signature,
        "Scp-Timestamp": ts,
        "Scp-ClientType": "Openapi",
        "Scp-API-Version": "virtualserver 1.1",
        "Accept-Language": "en-US",
        "Content-Type": "application/json",
    }


def test_independently_signed_request_is_accepted(simulator: RunningSimulator) -> None:
    url = f"{simulator.url}/v1/server-types?limit=2"
    response = httpx.get(url, headers=independent_headers("GET", url))
    assert response.status_code == 200
    assert len(response.json()["server_types"]) == 2


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ("query", "INVALID_SIGNATURE"),
        ("secret", "INVALID_SIGNATURE"),
        ("old", "TIMESTAMP_EXPIRED"),
        ("future", "TIMESTAMP_EXPIRED"),
        ("missing", "MISSING_AUTHENTICATION"),
    ],
)
def test_tampered_requests_are_refused_with_an_scp_error_body(
    simulator: RunningSimulator, tamper: str, code: str
) -> None:
    url = f"{simulator.url}/v1/server-types?limit=2"
    now = int(time.time() * 1000)
    headers = independent_headers(
        "GET",
        url,
        secret=SECRET_KEY + "x" if tamper == "secret" else SECRET_KEY,
        timestamp={"old": now - 301_000, "future": now + 301_000}.get(tamper, now),
    )
    if tamper == "missing":
        del headers["Scp-Signature"]
    sent = url.replace("limit=2", "limit=3") if tamper == "query" else url
    response = httpx.get(sent, headers=headers)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["status"] == 401 and error["code"] == code


def test_timestamp_within_five_minutes_is_accepted(simulator: RunningSimulator) -> None:
    url = f"{simulator.url}/v1/keypairs"
    response = httpx.get(url, headers=independent_headers("GET", url, timestamp=int(time.time() * 1000) - 290_000))
    assert response.status_code == 200


def test_wrong_key_is_a_typed_error_naming_the_problem(simulator: RunningSimulator) -> None:
    client = simulator.client()
    object.__setattr__(client.config, "secret_key", "not-the-secret")
    with pytest.raises(AuthenticationError, match="signature does not match"):
        client.keypairs.list_keypairs()


def test_body_validation_answers_400_with_field_locations(simulator: RunningSimulator) -> None:
    url = f"{simulator.url}/v1/keypairs"
    body = json.dumps({"name": "bad/name", "colour": "red"})
    response = httpx.post(url, headers=independent_headers("POST", url), content=body)
    assert response.status_code == 400
    detail = response.json()["errors"][0]["detail"]
    locations = {tuple(item["loc"]) for item in detail}
    assert ("body", "name") in locations
    # The client validates against the same model before sending anything.
    with pytest.raises(ValidationError, match="name"):
        simulator.client().keypairs.create_keypair({"name": ""})


def test_query_validation(simulator: RunningSimulator) -> None:
    url = f"{simulator.url}/v1/server-types?limit=many"
    response = httpx.get(url, headers=independent_headers("GET", url))
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"][0]["loc"] == ["query", "limit"]
    url = f"{simulator.url}/v1/server-types?colour=red"
    assert httpx.get(url, headers=independent_headers("GET", url)).status_code == 400


def test_unknown_ids_are_404_and_conflicts_are_409(simulator: RunningSimulator) -> None:
    client = simulator.client()
    with pytest.raises(NotFoundError):
        client.servers.show_server("00000000-0000-0000-0000-000000000000")
    client.keypairs.create_keypair({"name": "dup"})
    with pytest.raises(ConflictError, match="already exists"):
        client.keypairs.create_keypair({"name": "dup"})
    server = client.servers.create_server(
        {
            "name": "s",
            "image_id": cat.IMAGE_UBUNTU,
            "keypair_name": "dup",
            "server_type_id": "s1v1m2",
            "networks": [{"subnet_id": cat.SUBNET_ID}],
        }
    ).servers[0]
    volume = client.volumes.create_volume({"name": "v", "size": 8})
    client.volumes.show_volume(volume.id)
    client.volumes.attach_volume_to_server(volume.id, {"server_id": server.id})
    with pytest.raises(ConflictError, match="attached"):
        client.volumes.delete_volume(volume.id)
    lc = client.launch_configurations.create_launch_configuration(
        {"name": "lc", "image_id": cat.IMAGE_UBUNTU, "keypair_name": "dup", "server_type_id": "s1v1m2"}
    )
    client.auto_scaling_groups.create_auto_scaling_group(
        {
            "name": "g",
            "server_name_prefix": "g",
            "launch_configuration_id": lc.id,
            "min_server_count": 0,
            "desired_server_count": 0,
            "max_server_count": 1,
            "desired_server_count_editable": True,
            "subnet_ids": [cat.SUBNET_ID],
        }
    )
    with pytest.raises(ConflictError, match="used by auto-scaling group"):
        client.launch_configurations.delete_launch_configuration(lc.id)
    with pytest.raises(BadRequestError, match="multiple of 8"):
        client.volumes.create_volume({"name": "odd", "size": 12})


def test_transitional_states_follow_the_clock(tmp_path: object) -> None:
    running = start_simulator(transition_seconds=2)  # long enough for a busy machine's next request
    try:
        client = running.client()
        volume = client.volumes.create_volume({"name": "slow", "size": 8})
        assert client.volumes.show_volume(volume.id).state == "creating"
        time.sleep(2.3)
        assert client.volumes.show_volume(volume.id).state == "available"
    finally:
        running.stop()


def test_state_file_keeps_the_world_across_restarts(tmp_path: pytest.TempPathFactory) -> None:
    state = tmp_path / "world.db"  # type: ignore[operator]
    first = start_simulator(state=state)
    try:
        first.client().keypairs.create_keypair({"name": "persisted"})
    finally:
        first.stop()
    second = start_simulator(state=state)
    try:
        assert second.client().keypairs.show_keypair("persisted").name == "persisted"
    finally:
        second.stop()
