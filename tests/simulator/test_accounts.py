"""Two accounts of one region: two simulators with their own keys and account ids, one state file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pulumi_scpvs.scp import PermissionDeniedError, ScpClient
from pulumi_scpvs.scp._waiting import Waiter
from pulumi_scpvs.simulator import catalogue as cat

from ..conftest import start_simulator


def active_shared_image(owner: ScpClient) -> str:
    url = "https://example.invalid/golden.qcow2"
    image = owner.images.create_image({"name": "golden", "os_distro": "ubuntu", "url": url})
    owner.images.import_image(image.id, {"url": url})
    waiter = Waiter(lambda: owner.images.show_image(image.id), lambda i: i.status, "image", image.id)
    waiter.until(("active",), deadline=time.monotonic() + 30)
    owner.images.create_sharing_image(image.id)
    owner.images.create_image_member(image.id, {"member_id": cat.OTHER_ACCOUNT_ID})
    return image.id


def test_the_owner_shares_and_only_the_member_accepts(tmp_path: Path) -> None:
    state = tmp_path / "region.db"
    owner_sim = start_simulator(state=state)
    member_sim = start_simulator(
        state=state, access_key="member-ak", secret_key="member-sk", account_id=cat.OTHER_ACCOUNT_ID
    )
    try:
        owner, member = owner_sim.client(), member_sim.client()
        image_id = active_shared_image(owner)
        assert owner.images.show_image(image_id).owner == cat.ACCOUNT_ID
        with pytest.raises(PermissionDeniedError, match=f"only the member account {cat.OTHER_ACCOUNT_ID}"):
            owner.images.update_image_member(image_id, cat.OTHER_ACCOUNT_ID, {"status": "accepted"})
        member.images.update_image_member(image_id, cat.OTHER_ACCOUNT_ID, {"status": "accepted"})
        assert owner.images.show_image_member(image_id, cat.OTHER_ACCOUNT_ID).status == "accepted"
        with pytest.raises(PermissionDeniedError, match="belongs to another account"):
            member.images.delete_image_member(image_id, cat.OTHER_ACCOUNT_ID)
        owner.images.delete_image_member(image_id, cat.OTHER_ACCOUNT_ID)
    finally:
        owner_sim.stop()
        member_sim.stop()
