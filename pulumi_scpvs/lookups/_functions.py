"""The lookup functions: each queries the API once and returns typed models."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pulumi

from ..provider import make_client
from ..provider._announce import program_config, program_stack_settings
from ..scp import ScpClient, ScpConfig
from ..scp import models as m
from ..scp._config import PROFILES_KEY, parse_profiles, resolve_config, resolve_profile
from ..scp._errors import ConfigurationError, NotFoundError, ScpError

T = TypeVar("T")

_CLIENTS: dict[str | None, ScpClient] = {}
CANDIDATES_SHOWN = 10
_LOCK = threading.Lock()


class LookupFailedError(ScpError, pulumi.RunError):
    """A lookup that expects one object found none, or several.

    Also a ``pulumi.RunError``: a program stopped by one prints its message, not a traceback
    through this package's frames.
    """


def default_client(profile: str | None = None) -> ScpClient:
    """The client lookups use: configured from the stack's ``scpvs:*`` settings or the
    environment, or from the profile ``profile`` of ``scpvs:profiles``."""
    return _client(None, profile)


def is_embedded_target() -> bool:
    """Whether this stack targets the embedded simulator, decided as the providers decide it.

    The stack's ``scpvs:*`` settings, then the environment (``SCP_*``, ``SCP_TF_*``), then
    ``~/.scpconf``: with no endpoint, region or credentials in any of them the target is
    the embedded simulator. A configuration that cannot be resolved (a region without
    credentials, say) is a real target that is not ready yet: False.
    """
    config = program_config()
    return config is not None and config.is_embedded


def config_id(config: pulumi.Config, key: str, *, on_simulator: str) -> str:
    """The id in stack config ``key``, defaulting to ``on_simulator`` only on the embedded simulator.

    Examples and templates take the ids of existing objects (images, subnets, security
    groups...) from stack config. The simulator's catalogue ids mean nothing on a real
    account, so there a missing key is an error that names it (``config.require``)::

        image_id = lookups.config_id(config, "imageId", on_simulator=catalogue.IMAGE_UBUNTU)
    """
    value = config.get(key)
    if value:
        return value
    if is_embedded_target():
        return on_simulator
    return config.require(key)


def _client(client: ScpClient | None, profile: str | None = None) -> ScpClient:
    if client is not None:
        if profile is not None:
            raise ConfigurationError("give a lookup client= or profile=, not both")
        return client
    with _LOCK:
        if profile not in _CLIENTS:
            pulumi_config = program_stack_settings()
            if profile is None:
                config = resolve_config(pulumi_config=pulumi_config)
            else:
                try:
                    default: ScpConfig | None = resolve_config(pulumi_config=pulumi_config)
                except ConfigurationError:
                    default = None  # a profile complete on its own does not need the default settings
                profiles = parse_profiles(pulumi.runtime.get_config(PROFILES_KEY))
                config = resolve_profile(profile, profiles, default)
            _CLIENTS[profile] = make_client(config)
        return _CLIENTS[profile]


def _only(items: Iterable[T], what: str, candidates: Iterable[T] = (), **filters: Any) -> T:
    """The one item; none or several is an error naming the filter (and, for none, what there is)."""
    found = list(items)
    described = ", ".join(f"{k}={v!r}" for k, v in filters.items() if v is not None) or "no filter"
    if not found:
        raise LookupFailedError(f"no {what} matches {described}{_what_there_is(candidates, what, filters)}")
    if len(found) > 1:
        ids = ", ".join(str(getattr(item, "id", None) or getattr(item, "name", "?")) for item in found[:5])
        raise LookupFailedError(f"{len(found)} {what}s match {described} ({ids}); narrow the filter")
    return found[0]


def _what_there_is(candidates: Iterable[T], what: str, filters: dict[str, Any]) -> str:
    """``; the images there: 'a', 'b'...`` with the names nearest to the one looked for first."""
    names = sorted({str(name) for item in candidates if (name := getattr(item, "name", None))})
    if not names:
        return f"; there is no {what} at all" if filters.get("name") is not None else ""
    wanted = str(filters.get("name") or "")
    nearest = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5) if wanted else []
    shown = [*nearest, *(name for name in names if name not in nearest)][:CANDIDATES_SHOWN]
    more = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
    return f"; the {what}s there: {', '.join(repr(name) for name in shown)}{more}"


def _by_id_or_name(
    id: str | None, name: str | None, what: str, show: Callable[[str], T], listing: Callable[[], Iterable[T]]
) -> T:
    """One object by id (a show) or by exact name (``listing``: every object of the kind)."""
    if (id is None) == (name is None):
        raise LookupFailedError(f"look up a {what} by exactly one of id or name")
    if id is not None:
        try:
            return show(id)
        except NotFoundError:
            raise LookupFailedError(f"no {what} has id {id!r} (SCP answered 404)") from None
    everything = list(listing())
    return _only((item for item in everything if getattr(item, "name", None) == name), what, everything, name=name)


# -- catalogue ------------------------------------------------------------------------------


def get_server_types(
    *,
    min_disk: int | None = None,
    min_ram: int | None = None,
    profile: str | None = None,
    client: ScpClient | None = None,
) -> list[m.ServerType]:
    """Every server type, optionally with at least ``min_disk`` GiB and ``min_ram`` MiB."""
    return list(_client(client, profile).server_types.iterate_server_types(min_disk=min_disk, min_ram=min_ram))


def get_server_type(*, id: str, profile: str | None = None, client: ScpClient | None = None) -> m.ServerType:
    """One server type by id, e.g. ``s1v1m2``."""
    return _client(client, profile).server_types.show_server_type(id)


def get_images(
    *,
    name: str | None = None,
    os_distro: str | None = None,
    status: str | None = None,
    visibility: str | None = None,
    scp_image_type: str | None = None,
    scp_original_image_type: str | None = None,
    profile: str | None = None,
    client: ScpClient | None = None,
) -> list[m.ImageShowResponse]:
    """Images filtered as the API filters them."""
    return list(
        _client(client, profile).images.iterate_images(
            name=name,
            os_distro=os_distro,
            status=status,
            visibility=visibility,  # type: ignore[arg-type]
            scp_image_type=scp_image_type,
            scp_original_image_type=scp_original_image_type,
        )
    )


def get_image(
    *, id: str | None = None, name: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> m.ImageShowResponse:
    """One image by id or by exact name (``get_image(name="Ubuntu 22.04")``)."""
    c = _client(client, profile)
    return _by_id_or_name(id, name, "image", c.images.show_image, c.images.iterate_images)


def get_pending_images(
    *, scp_image_type: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> list[m.ImageShowResponse]:
    """Images still being imported or saved."""
    return _client(client, profile).images.list_pending_images(scp_image_type=scp_image_type).images


def get_volume_types(
    *, profile: str | None = None, client: ScpClient | None = None
) -> list[m.VolumeTypeDetailResponse]:
    """Every volume type."""
    return list(_client(client, profile).volume_types.iterate_volume_types())


def get_default_volume_type(
    *, profile: str | None = None, client: ScpClient | None = None
) -> m.VolumeTypeDetailResponse:
    """The region's default volume type."""
    return _client(client, profile).volume_types.show_default_volume_type()


def get_volume_type(
    *, id: str, profile: str | None = None, client: ScpClient | None = None
) -> m.VolumeTypeDetailResponse:
    """One volume type by id (or name)."""
    return _client(client, profile).volume_types.show_volume_type(id)


def get_partition_size(*, profile: str | None = None, client: ScpClient | None = None) -> int:
    """The region's maximum partition size for partition server groups."""
    return _client(client, profile).server_groups.get_region_maximum_partition_size().partition_size


def get_server_quota_set(*, profile: str | None = None, client: ScpClient | None = None) -> m.ServerQuotaSet:
    """Server quotas: limits and what is in use."""
    return _client(client, profile).quota_sets.show_server_quota_set()


def get_volume_quota_set(*, profile: str | None = None, client: ScpClient | None = None) -> m.VolumeQuotaSet:
    """Volume quotas: limits and what is in use."""
    return _client(client, profile).quota_sets.show_volume_quota_set()


def get_default_configs(
    *, name: str | None = None, category: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> dict[str, Any]:
    """The account's default configuration values."""
    return _client(client, profile).default_configs.list_default_configs(name=name, category=category).configs


# -- objects --------------------------------------------------------------------------------


def get_keypairs(*, profile: str | None = None, client: ScpClient | None = None) -> list[m.Keypair]:
    """Every key pair."""
    return list(_client(client, profile).keypairs.iterate_keypairs())


def get_keypair(*, name: str, profile: str | None = None, client: ScpClient | None = None) -> m.KeypairShowResponse:
    """One key pair by name."""
    return _client(client, profile).keypairs.show_keypair(name)


def get_servers(
    *,
    name: str | None = None,
    state: str | None = None,
    vpc_id: str | None = None,
    server_type_id: str | None = None,
    auto_scaling_group_id: str | None = None,
    profile: str | None = None,
    client: ScpClient | None = None,
) -> list[m.ServerShowResponse]:
    """Servers filtered as the API filters them (``name`` matches a part of the name)."""
    return list(
        _client(client, profile).servers.iterate_servers(
            name=name,
            state=state,
            vpc_id=vpc_id,
            server_type_id=server_type_id,
            auto_scaling_group_id=auto_scaling_group_id,
        )
    )


def get_server(
    *, id: str | None = None, name: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> m.ServerShowResponse:
    """One server by id or exact name."""
    c = _client(client, profile)
    return _by_id_or_name(id, name, "server", c.servers.show_server, c.servers.iterate_servers)


def get_volumes(
    *,
    name: str | None = None,
    state: str | None = None,
    bootable: bool | None = None,
    profile: str | None = None,
    client: ScpClient | None = None,
) -> list[m.VolumeShowResponse]:
    """Volumes filtered as the API filters them."""
    return list(_client(client, profile).volumes.iterate_volumes(name=name, state=state, bootable=bootable))


def get_volume(
    *, id: str | None = None, name: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> m.VolumeShowResponse:
    """One volume by id or exact name."""
    c = _client(client, profile)
    return _by_id_or_name(id, name, "volume", c.volumes.show_volume, c.volumes.iterate_volumes)


def get_snapshots(
    *,
    volume_id: str | None = None,
    name: str | None = None,
    profile: str | None = None,
    client: ScpClient | None = None,
) -> list[m.SnapshotDetailResponse]:
    """Snapshots, optionally of one volume or with one name."""
    return list(_client(client, profile).snapshots.iterate_snapshots(volume_id=volume_id, name=name))


def get_snapshot(
    *, id: str | None = None, name: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> m.SnapshotDetailResponse:
    """One snapshot by id or exact name."""
    c = _client(client, profile)
    return _by_id_or_name(id, name, "snapshot", c.snapshots.show_snapshot, c.snapshots.iterate_snapshots)


def get_server_groups(*, profile: str | None = None, client: ScpClient | None = None) -> list[m.ServerGroup]:
    """Every server group."""
    return list(_client(client, profile).server_groups.iterate_server_groups())


def get_server_group(
    *, id: str | None = None, name: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> m.ServerGroup:
    """One server group by id or exact name."""
    c = _client(client, profile)
    return _by_id_or_name(
        id, name, "server group", c.server_groups.show_server_group, c.server_groups.iterate_server_groups
    )


# -- about one server or group -----------------------------------------------------------------


def get_server_ips(
    *, server_id: str, profile: str | None = None, client: ScpClient | None = None
) -> list[m.ServerShowResponseAddress]:
    """A server's addresses by subnet."""
    return _client(client, profile).servers.list_server_ips(server_id).addresses


def get_server_interfaces(
    *, server_id: str, profile: str | None = None, client: ScpClient | None = None
) -> list[m.InterfaceResponse]:
    """A server's interfaces, with their NATs."""
    return _client(client, profile).servers.list_server_interfaces(server_id).interfaces


def get_server_volumes(
    *, server_id: str, profile: str | None = None, client: ScpClient | None = None
) -> list[m.ServersVolumeResponse]:
    """The volumes attached to a server."""
    return _client(client, profile).servers.list_server_volumes(server_id).volumes


def get_server_security_groups(
    *, server_id: str, profile: str | None = None, client: ScpClient | None = None
) -> list[m.SecurityGroupResponse]:
    """A server's security groups with their rules."""
    return _client(client, profile).servers.list_server_security_group(server_id).security_groups


def get_server_console_log(
    *, server_id: str, line_size: int | None = None, profile: str | None = None, client: ScpClient | None = None
) -> str:
    """The last ``line_size`` lines of a server's console."""
    return _client(client, profile).servers.show_server_console_log(server_id, line_size=line_size).output or ""


def get_server_password(
    *, server_id: str, private_key: str | None = None, profile: str | None = None, client: ScpClient | None = None
) -> str | None:
    """A Windows server's password (wrap it with ``pulumi.Output.secret`` before exporting it)."""
    body = {"private_key": private_key} if private_key else {}
    return _client(client, profile).servers.show_server_password(server_id, body).password


def get_auto_scaling_group_servers(
    *, auto_scaling_group_id: str, profile: str | None = None, client: ScpClient | None = None
) -> list[m.AutoScalingGroupVirtualServerShowResponse]:
    """The servers an auto-scaling group runs."""
    return list(_client(client, profile).auto_scaling_groups.iterate_auto_scaling_group_servers(auto_scaling_group_id))


def get_auto_scaling_group_lb_server_groups(
    *, auto_scaling_group_id: str, profile: str | None = None, client: ScpClient | None = None
) -> list[m.AutoScalingGroupLbServerGroupShowResponse]:
    """The LB server groups an auto-scaling group registers its servers in."""
    return list(
        _client(client, profile).auto_scaling_groups.iterate_auto_scaling_group_lb_server_groups(auto_scaling_group_id)
    )
