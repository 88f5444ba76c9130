"""The simulator's request-rate limit: a token bucket per access key, answered 429 with Retry-After.

The simulator accepts one key pair, so "two access keys have separate budgets" is shown
with a second, unknown key: the limit is taken before the signature is checked, so that
key has a bucket of its own and is answered 401 (not 429) while the known key is limited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_scpvs.scp._signing import CLIENT_TYPE, sign
from pulumi_scpvs.simulator._faults import Faults, FaultSettings

from ..conftest import ACCESS_KEY, SECRET_KEY, RunningSimulator, start_simulator

RATE = 5


def headers(method: str, url: str, *, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY) -> dict[str, str]:
    timestamp = str(int(time.time() * 1000))
    return {
        "Scp-AccessKey": access_key,
        "Scp-Signature": sign(secret_key, method, url, timestamp, access_key),
        "Scp-Timestamp": timestamp,
        "Scp-ClientType": CLIENT_TYPE,
        "Scp-API-Version": "virtualserver 1.1",
        "Content-Type": "application/json",
    }


def call(sim: RunningSimulator, method: str, path: str, body: Any = None, **keys: str) -> httpx.Response:
    url = f"{sim.url}{path}"
    content = None if body is None else json.dumps(body)
    return httpx.request(method, url, headers=headers(method, url, **keys), content=content)


def until_limited(
    sim: RunningSimulator, *, limit: int = 200, **keys: str
) -> tuple[list[httpx.Response], httpx.Response]:
    """List keypairs until one answer is 429: the answers before it, and the 429."""
    answered: list[httpx.Response] = []
    for _ in range(limit):
        response = call(sim, "GET", "/v1/keypairs", **keys)
        if response.status_code == 429:
            return answered, response
        answered.append(response)
    raise AssertionError(f"no 429 in {limit} requests")


def admin(sim: RunningSimulator, name: str) -> Any:
    return httpx.get(f"{sim.url}/_admin/{name}").json()


def simulator_limited_to(rate: float) -> Iterator[RunningSimulator]:
    running = start_simulator(extra_env={"SCPVS_SIM_FAULTS": json.dumps({"rate_limit": rate})})
    yield running
    running.stop()


@pytest.fixture
def limited() -> Iterator[RunningSimulator]:
    yield from simulator_limited_to(RATE)


@pytest.fixture
def slowly_limited() -> Iterator[RunningSimulator]:
    """One token per two seconds: a busy machine cannot take long enough between a 429
    and the next request for a token to come back (at ``RATE`` it needs only 0.2 s)."""
    yield from simulator_limited_to(0.5)


def test_a_burst_over_the_limit_is_answered_429_with_retry_after(limited: RunningSimulator) -> None:
    answered, refused = until_limited(limited)
    assert len(answered) >= RATE, "the burst capacity is one second's worth"
    assert {r.status_code for r in answered} == {200}
    assert refused.json() == {
        "errors": [
            {"status": 429, "code": "TOO_MANY_REQUESTS", "detail": f"rate limit of {RATE} requests per second exceeded"}
        ]
    }
    retry_after = float(refused.headers["Retry-After"])
    assert 0.1 <= retry_after <= 1 / RATE + 0.1
    assert round(retry_after * 10) == pytest.approx(retry_after * 10), "rounded to 0.1 s"
    time.sleep(retry_after)
    assert call(limited, "GET", "/v1/keypairs").status_code == 200


def test_a_limited_request_changes_nothing(slowly_limited: RunningSimulator) -> None:
    refused: httpx.Response | None = None
    created = 0
    for attempt in range(5):  # a token may come back between the burst and the create: try again
        until_limited(slowly_limited)
        refused = call(slowly_limited, "POST", "/v1/keypairs", {"name": f"limited-{attempt}"})
        if refused.status_code == 429:
            break
        created += 1
    assert refused is not None and refused.status_code == 429
    assert admin(slowly_limited, "requests").get("create_keypair", 0) == created, "a 429 is not counted"
    time.sleep(float(refused.headers["Retry-After"]))
    names = [k["name"] for k in call(slowly_limited, "GET", "/v1/keypairs").json()["keypairs"]]
    assert names == [f"limited-{i}" for i in range(created)]


def test_the_counts_match_the_answers(limited: RunningSimulator) -> None:
    answered, _ = until_limited(limited)
    statuses = [r.status_code for r in answered] + [429]
    statuses += [call(limited, "GET", "/v1/keypairs").status_code for _ in range(10)]
    assert admin(limited, "faults")["injected"] == {"rate_limited": statuses.count(429)}
    assert admin(limited, "requests") == {"list_keypairs": statuses.count(200)}


def test_each_access_key_has_its_own_budget(limited: RunningSimulator) -> None:
    until_limited(limited)
    first = call(limited, "GET", "/v1/keypairs", access_key="another-key", secret_key="another-secret")
    assert first.status_code == 401, "another key is not limited by the first key's requests"
    assert first.json()["errors"][0]["code"] == "INVALID_ACCESS_KEY"
    answered, refused = until_limited(limited, access_key="another-key", secret_key="another-secret")
    assert {r.status_code for r in answered} == {401}
    assert len(answered) + 1 >= RATE, "and it has a budget of its own"
    assert refused.json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"


def test_admin_endpoints_are_never_limited(limited: RunningSimulator) -> None:
    until_limited(limited)
    for name in ("faults", "requests", "objects", "waits") * 10:
        assert httpx.get(f"{limited.url}/_admin/{name}").status_code == 200
    assert httpx.post(f"{limited.url}/_admin/faults", json={"rate_limit": RATE}).status_code == 200


def test_set_and_lifted_at_run_time(simulator: RunningSimulator) -> None:
    statuses = [call(simulator, "GET", "/v1/keypairs").status_code for _ in range(20)]
    assert statuses == [200] * 20, "no limit by default"
    report = httpx.post(f"{simulator.url}/_admin/faults", json={"rate_limit": 2}).json()
    assert report["settings"]["rate_limit"] == 2
    until_limited(simulator)
    httpx.post(f"{simulator.url}/_admin/faults", json={"rate_limit": 0})
    assert [call(simulator, "GET", "/v1/keypairs").status_code for _ in range(20)] == [200] * 20


def test_the_command_line_flag() -> None:
    env = {**os.environ, "SCP_ACCESS_KEY": ACCESS_KEY, "SCP_SECRET_KEY": SECRET_KEY}
    env.pop("SCPVS_SIM_FAULTS", None)
    command = [sys.executable, "-m", "pulumi_scpvs.simulator", "--port", "0", "--rate-limit", "3"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" ", 1)[-1].strip()
        assert httpx.get(f"{url}/_admin/faults").json()["settings"]["rate_limit"] == 3
    finally:
        process.terminate()
        process.wait(timeout=10)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bucket_on_a_fake_clock() -> None:
    clock = FakeClock()
    faults = Faults(FaultSettings(rate_limit=4), clock=clock)
    assert [faults.rate_limited("a") for _ in range(4)] == [None] * 4, "a burst of one second's worth"
    assert faults.rate_limited("a") == 0.25
    assert faults.rate_limited("b") is None, "another key, another bucket"
    clock.now += 0.125
    wait = faults.rate_limited("a")
    assert wait == 0.125
    assert Faults.retry_after(wait) == "0.2"
    clock.now += 0.125
    assert faults.rate_limited("a") is None
    assert faults.rate_limited("a") == 0.25
    clock.now += 60
    assert [faults.rate_limited("a") for _ in range(5)] == [None] * 4 + [0.25], "it holds one second's worth"
    assert faults.counts == {"rate_limited": 4}
    faults.configure(FaultSettings(rate_limit=4))
    assert faults.counts == {} and faults.rate_limited("a") is None


def test_retry_after_is_rounded_up_to_a_tenth() -> None:
    assert Faults.retry_after(0.0) == "0.1"
    assert Faults.retry_after(0.01) == "0.1"
    assert Faults.retry_after(0.1) == "0.1"
    assert Faults.retry_after(0.30000000000000004) == "0.3"
    assert Faults.retry_after(0.31) == "0.4"
    assert Faults.retry_after(2.0) == "2"


def test_no_limit_without_a_rate() -> None:
    faults = Faults(FaultSettings(), clock=FakeClock())
    assert all(faults.rate_limited("a") is None for _ in range(1000))
    assert faults.counts == {}
