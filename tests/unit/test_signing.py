"""The signature, checked against vectors computed without our signer.

The expected values were computed with OpenSSL:

    printf '%s' "$MESSAGE" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pulumi_scpvs.scp._signing import sign, string_to_sign, verify

VECTORS = [
    # (secret, method, url, timestamp, access key, account id, expected signature)
    (
        "S3cr3t/Key+Example==",
        "GET",
        "https://virtualserver.kr-west1.s.samsungsdscloud.com/v1/servers?limit=20&name=web",
        "1605290625682",
        "AKIAEXAMPLE",
        "a8f10467abfc4b87b64614ab36eb9ae4",
        "PJQEsqomreqFi4Vk9K+kPmSO68jTjbW+gPz8XGZ67NA=",
    ),
    (
        "secret-ü-key",
        "POST",
        "https://virtualserver.kr-east1.e.samsungsdscloud.com/v1/keypairs",
        "1700000000000",
        "ak-2",
        "",
        "jirEkwvTJOGG0R3XAxENI7qfY5GskRw3Xdt2sBwvmog=",
    ),
]


@pytest.mark.parametrize(("secret", "method", "url", "timestamp", "access_key", "account_id", "expected"), VECTORS)
def test_signature_matches_independent_vector(
    secret: str, method: str, url: str, timestamp: str, access_key: str, account_id: str, expected: str
) -> None:
    assert sign(secret, method, url, timestamp, access_key, account_id) == expected
    assert verify(secret, expected, method, url, timestamp, access_key, account_id)


def test_message_is_plain_concatenation() -> None:
    assert string_to_sign("get", "https://h/v1/x?a=1", "1", "AK", "ACC") == "GEThttps://h/v1/x?a=11AKACCOpenapi"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_signature_matches_openssl_for_a_fresh_message() -> None:
    message_parts = (
        "PUT",
        "https://virtualserver.kr-south1.g.samsungsdscloud.com/v1/volumes/abc/size",
        "1765000000123",
        "AK9",
        "",
    )
    secret = "another secret"
    openssl = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", secret, "-binary"],
        input=string_to_sign(*message_parts).encode(),
        capture_output=True,
        check=True,
    )
    import base64

    assert sign(secret, *message_parts) == base64.b64encode(openssl.stdout).decode()


def test_tampering_breaks_verification() -> None:
    secret, method, url, timestamp, access_key, account_id, expected = VECTORS[0]
    assert not verify(secret, expected, method, url + "&x=1", timestamp, access_key, account_id)
    assert not verify(secret, expected, "DELETE", url, timestamp, access_key, account_id)
    assert not verify(secret + "x", expected, method, url, timestamp, access_key, account_id)
    assert not verify(secret, expected, method, url, str(int(timestamp) + 1), access_key, account_id)
