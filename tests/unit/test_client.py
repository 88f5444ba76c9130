"""The client: headers, retries, typed errors and the three pagination styles."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pulumi_scpvs import RateLimitedError, ScpConnectionError, ServerError
from pulumi_scpvs.scp import RetryPolicy, ScpClient, encode_query
from pulumi_scpvs.scp._config import resolve_config
from pulumi_scpvs.scp._errors import BadRequestError, ConflictError, NotFoundError, error_detail
from pulumi_scpvs.scp._generated.operations import OPERATIONS
from pulumi_scpvs.scp._signing import verify
from pulumi_scpvs.simulator import SimulatorApp, SimulatorSettings, World
from pulumi_scpvs.simulator import catalogue as cat

CONFIG = resolve_config(
    {
        "endpoint": "https://virtualserver.kr-west1.s.samsungsdscloud.com",
        "access_key": "AK",
        "secret_key": "SK",
        "account_id": "ACC",
    },
    environ={},
    home=Path("/nonexistent"),
)


def client_with(handler: httpx.MockTransport, sleeps: list[float] | None = None) -> ScpClient:
    return ScpClient(
        CONFIG,
        transport=handler,
        retry=RetryPolicy(attempts=4, base_delay=0.1),
        sleep=(sleeps if sleeps is not None else []).append,
    )


def test_every_header_is_sent_and_the_signature_covers_the_query() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"server_types": []})

    client_with(httpx.MockTransport(handler)).server_types.list_server_types(sort="name:asc", limit=5)
    request = seen[0]
    assert (
        str(request.url)
        == "https://virtualserver.kr-west1.s.samsungsdscloud.com/v1/server-types?limit=5&sort=name%3Aasc"
    )
    headers = request.headers
    assert headers["Scp-AccessKey"] == "AK" and headers["Scp-AccountId"] == "ACC"
    assert headers["Scp-ClientType"] == "Openapi"
    assert headers["Scp-API-Version"] == "virtualserver 1.1"
    assert headers["Accept-Language"] == "en-US" and headers["Accept"] == "application/json"
    assert headers["Content-Type"] == "application/json"
    assert len(headers["Scp-Timestamp"]) == 13
    assert verify("SK", headers["Scp-Signature"], "GET", str(request.url), headers["Scp-Timestamp"], "AK", "ACC")


def test_operations_only_in_1_0_use_version_1_0() -> None:
    versions = {name: op.version for name, op in OPERATIONS.items() if op.version != "1.1"}
    assert versions == {"attach_server_security_group": "1.0", "detach_server_security_group": "1.0"}


def test_query_encoding_is_sorted_with_repeated_lists() -> None:
    assert encode_query({"b": True, "a": ["x", "y"], "c": None}) == "a=x&a=y&b=true"


def test_429_is_retried_honouring_retry_after_even_for_post() -> None:
    answers = iter(
        [
            httpx.Response(
                429, headers={"Retry-After": "3"}, json={"errors": [{"status": 429, "detail": "slow down"}]}
            ),
            httpx.Response(201, json={"name": "k", "fingerprint": "f", "public_key": "p", "type": "ssh"}),
        ]
    )
    sleeps: list[float] = []
    client = client_with(httpx.MockTransport(lambda r: next(answers)), sleeps)
    assert client.keypairs.create_keypair({"name": "k"}).name == "k"
    assert sleeps == [pytest.approx(3.0, abs=0.05)]  # the request budget pauses until Retry-After


def test_503_is_retried_for_get_but_not_for_post() -> None:
    calls = {"GET": 0, "POST": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls[request.method] += 1
        return httpx.Response(503, json={"errors": [{"status": 503, "detail": "busy"}]})

    client = client_with(httpx.MockTransport(handler))
    with pytest.raises(ServerError):
        client.keypairs.list_keypairs()
    with pytest.raises(ServerError, match="busy"):
        client.keypairs.create_keypair({"name": "k"})
    assert calls == {"GET": 4, "POST": 1}


def test_connection_errors_are_retried_for_idempotent_requests_then_typed() -> None:
    attempts = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request.method)
        raise httpx.ReadError("connection reset", request=request)

    client = client_with(httpx.MockTransport(handler))
    with pytest.raises(ScpConnectionError, match="ReadError"):
        client.servers.show_server("s")
    with pytest.raises(ScpConnectionError):
        client.servers.delete_server("s")
    with pytest.raises(ScpConnectionError):
        client.servers.start_server("s")
    assert attempts == ["GET"] * 4 + ["DELETE"] * 4 + ["POST"]


def test_rate_limit_exhaustion_is_typed() -> None:
    client = client_with(
        httpx.MockTransport(lambda r: httpx.Response(429, json={"errors": [{"status": 429, "detail": "x"}]}))
    )
    with pytest.raises(RateLimitedError):
        client.keypairs.list_keypairs()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"errors": [{"status": 404, "detail": "server s not found"}]}, "server s not found"),
        ({"errors": [{"status": 400, "detail": ["a is bad", "b is bad"]}]}, "a is bad; b is bad"),
        (
            {"errors": [{"status": 400, "detail": [{"msg": "too short", "loc": ["body", "name"], "type": "x"}]}]},
            "name: too short",
        ),
        ([{"msg": "bad", "loc": ["body", "size"], "type": "x", "ctx": {}}], "size: bad"),
        ("<html>proxy error</html>", "<html>proxy error</html>"),
        (None, "no error detail"),
    ],
)
def test_error_bodies_of_every_shape_are_understood(body: object, expected: str) -> None:
    assert error_detail(body)[0] == expected


def test_error_carries_status_detail_and_request() -> None:
    client = client_with(
        httpx.MockTransport(lambda r: httpx.Response(404, json={"errors": [{"status": 404, "detail": "nope"}]}))
    )
    with pytest.raises(NotFoundError) as error:
        client.servers.show_server("abc")
    assert (error.value.status, error.value.detail, error.value.method) == (404, "nope", "GET")
    assert error.value.url.endswith("/v1/servers/abc")
    client = client_with(httpx.MockTransport(lambda r: httpx.Response(400, content=b"not json")))
    with pytest.raises(BadRequestError, match="not json"):
        client.servers.show_server("abc")


@pytest.fixture
def in_process() -> ScpClient:
    app = SimulatorApp(World(), SimulatorSettings("AK", "SK", transition_seconds=0))
    return ScpClient(CONFIG, transport=httpx.WSGITransport(app=app))


def test_marker_pagination(in_process: ScpClient) -> None:
    for index in range(7):
        in_process.keypairs.create_keypair({"name": f"key-{index}", "public_key": f"ssh-ed25519 AAAA{index} x"})
    names = [k.name for k in in_process.keypairs.iterate_keypairs(limit=3)]
    assert names == [f"key-{i}" for i in range(7)]


def test_offset_pagination(in_process: ScpClient) -> None:
    for index in range(5):
        in_process.server_groups.create_server_group({"name": f"g{index}", "policy": "affinity"})
    assert [g.name for g in in_process.server_groups.iterate_server_groups(limit=2)] == [f"g{i}" for i in range(5)]


def test_page_pagination(in_process: ScpClient) -> None:
    in_process.keypairs.create_keypair({"name": "k"})
    lc = in_process.launch_configurations.create_launch_configuration(
        {"name": "lc", "image_id": cat.IMAGE_UBUNTU, "keypair_name": "k", "server_type_id": "s1v1m2"}
    )
    asg = in_process.auto_scaling_groups.create_auto_scaling_group(
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
    for index in range(5):
        in_process.auto_scaling_groups.create_auto_scaling_group_schedule(
            asg.id,
            {
                "name": f"s{index}",
                "frequency": "DAILY",
                "hour": index,
                "minute": 0,
                "start_date": "2026-12-01",
                "timezone": "UTC",
            },
        )
    schedules = list(
        in_process.auto_scaling_groups.iterate_auto_scaling_group_schedules(asg.id, size=2, sort="name:asc")
    )
    assert [s.name for s in schedules] == [f"s{i}" for i in range(5)]


def test_requests_are_json(in_process: ScpClient) -> None:
    created = in_process.volumes.create_volume({"name": "v", "size": 8})
    assert json.loads(created.model_dump_json())["size"] == 8


def test_conflicts_are_retried_only_within_the_conflict_window() -> None:
    answers = iter(
        [httpx.Response(409, json={"errors": [{"status": 409, "detail": "volume v is detaching"}]})] * 2
        + [
            httpx.Response(
                202, json={"id": "s", "name": "n", "size": 8, "status": "creating", "volume_id": "v", "created_at": "t"}
            )
        ]
    )
    sleeps: list[float] = []
    patient = ScpClient(
        CONFIG,
        transport=httpx.MockTransport(lambda r: next(answers)),
        retry=RetryPolicy(conflict_window=60),
        sleep=sleeps.append,
    )
    assert patient.snapshots.create_snapshot({"name": "n", "volume_id": "v"}).id == "s"
    # Like polling: soon after the transition ends (0.5 s + 10 % of the time waited, jittered).
    assert len(sleeps) == 2 and all(0.5 <= s <= 0.6 for s in sleeps)
    policy = RetryPolicy()
    assert 10.5 <= policy.conflict_pause(100) <= 12.6 and policy.conflict_pause(1000) == policy.max_delay
    plain = client_with(
        httpx.MockTransport(lambda r: httpx.Response(409, json={"errors": [{"status": 409, "detail": "dup"}]}))
    )
    with pytest.raises(ConflictError, match="dup"):
        plain.keypairs.create_keypair({"name": "k"})


def test_path_parameters_are_percent_encoded_and_the_url_is_signed_as_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"errors": [{"status": 404, "detail": "no such volume"}]})

    with pytest.raises(NotFoundError):
        client_with(httpx.MockTransport(handler)).servers.show_server_volume("s/../x", "v?a=1#f%2F e")
    request = seen[0]
    # One path segment per parameter, whatever it contains: no extra segment, query or fragment.
    assert request.url.raw_path == b"/v1/servers/s%2F..%2Fx/volumes/v%3Fa%3D1%23f%252F%20e"
    assert request.url.query == b"" and request.url.fragment == ""
    headers = request.headers
    assert verify("SK", headers["Scp-Signature"], "GET", str(request.url), headers["Scp-Timestamp"], "AK", "ACC")


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_path_parameters_that_would_still_change_the_path_are_refused(value: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    with pytest.raises(ValueError, match="server_id"):
        client_with(httpx.MockTransport(handler)).servers.show_server(value)
    assert seen == []


def test_an_encoded_path_parameter_is_routed_and_its_signature_verified(in_process: ScpClient) -> None:
    """A keypair's id is its name, which may hold spaces: sent as %20, signed as sent, routed by the simulator."""
    in_process.keypairs.create_keypair({"name": "my key", "public_key": "ssh-ed25519 AAAA1 x"})
    assert in_process.keypairs.show_keypair("my key").name == "my key"
    in_process.keypairs.delete_keypair("my key")
    with pytest.raises(NotFoundError):
        in_process.keypairs.show_keypair("my key")
