"""The document's shape for answers: an optional field with no value is left out.

The API document says which fields may be ``null`` (their schema is ``any of [..., null]``).
The generated models cannot say it: the generator makes every optional field
``X | None = None``, so that the client reads a missing field as ``None``, whether or not
the document lets it be ``null``. The simulator, which answers as the cloud does, needs
the difference, so :data:`NULLABLE` lists, for every model an answer can contain, the
fields the document marks nullable (``tests/simulator/test_document_shape.py`` checks
the list against the document).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


NULLABLE: dict[str, frozenset[str]] = {
    "AutoScalingGroup": _names("drain_timeout lb_server_groups security_group_ids"),
    "AutoScalingGroupScheduleListResponse": _names("sort"),
    "AutoScalingGroupScheduleShowResponse": _names(
        "day_of_month day_of_week description desired_server_count end_date max_server_count min_server_count"
    ),
    "AutoScalingGroupShowResponse": _names("drain_timeout lb_server_groups security_group_ids"),
    "AutoScalingGroupVirtualServerShowResponse": _names(
        "addresses image_id is_marketplace keypair_name launch_configuration_id lb_linked_state partition_number"
        " planned_compute_os_type product_category product_offering security_groups server_group_id vpc_id"
    ),
    "ImageShowResponse": _names(
        "checksum os_distro os_hash_algo os_hash_value owner_account_name owner_user_name root_device_name"
        " scp_image_type scp_k8s_version scp_original_image_type scp_os_build_version scp_os_version size url"
        " virtual_size volumes"
    ),
    "KeypairCreateResponse": _names("private_key"),
    "LaunchConfigurationDetailShowResponse": _names("auto_scaling_group_count public_key user_data volumes"),
    "LaunchConfigurationShowResponse": _names(
        "auto_scaling_group_count boot_disk_size extra_disk_size public_key user_data volumes"
    ),
    "LaunchConfigurationVolume": _names("type"),
    "PrivateStaticNat": _names("private_nat_ip_id"),
    "PublicStaticNat": _names("publicip_id"),
    "SecurityGroupResponseRule": _names("from_port ip_protocol ip_range to_port"),
    "SecurityGroupResponseRuleIpRange": _names("cidr"),
    "ServerConsoleLogResponse": _names("output"),
    "ServerGroup": _names("partition_size"),
    "ServerPasswordResponse": _names("password"),
    "ServerShowResponse": _names(
        "addresses auto_scaling_group_id image_id is_marketplace keypair_name launch_configuration_id"
        " partition_number planned_compute_os_type product_category product_offering security_groups"
        " server_group_id vpc_id"
    ),
    "ServerShowResponseServerType": _names("id"),
    "ServerType": _names("description"),
    "SnapshotDetailResponse": _names("description metadata name status updated_at user_id"),
    "SnapshotListResponse": _names("count"),
    "VolumeImageMetadataResponse": _names(
        "checksum container_format disk_format image_id image_name min_disk min_ram os_distro scp_image_type"
        " scp_k8s_version scp_original_image_type signature_verified size"
    ),
    "VolumeListResponse": _names("count"),
    "VolumeShowResponse": _names("modified_at name snapshot_id volume_image_metadata"),
    "VolumeTransferAcceptResponse": _names("name"),
    "VolumeTransferCreateResponse": _names("name"),
    "VolumeTransferShowResponse": _names("name"),
    "VolumeTypeDetailResponse": _names("description extra_specs name"),
    "VolumeTypeExtraSpecs": _names("multiattach"),
}
"""Model name -> the fields (as the document spells them) that the document marks nullable."""


def document_shape(answer: Any, model: type[BaseModel]) -> Any:
    """``answer`` as the document shapes it, after checking it against ``model``.

    The rule, at every depth: a field whose value is ``None`` is left out when the
    document makes it optional and not nullable; it stays (as ``null``) when the
    document marks it nullable or requires it. A required field that is not nullable
    cannot be ``None`` here: validation refuses it first, as the simulator bug it is.
    """
    # Every answer is checked against the documented model: a mismatch is a simulator bug.
    parsed = model.model_validate(answer)
    return _shaped(answer, parsed)


def _shaped(answer: dict[str, Any], parsed: BaseModel) -> dict[str, Any]:
    model = type(parsed)
    nullable = NULLABLE.get(model.__name__, frozenset())
    fields: dict[str, tuple[str, FieldInfo]] = {
        info.alias or name: (name, info) for name, info in model.model_fields.items()
    }
    shaped: dict[str, Any] = {}
    for key, value in answer.items():
        if key not in fields:  # an undeclared field: validation keeps it, so does the shape
            shaped[key] = value
            continue
        name, info = fields[key]
        if value is None and not info.is_required() and key not in nullable:
            continue
        shaped[key] = _nested(value, getattr(parsed, name))
    return shaped


def _nested(value: Any, parsed: Any) -> Any:
    """``value`` shaped by the model ``parsed`` was validated into, through lists."""
    if isinstance(parsed, BaseModel) and isinstance(value, dict):
        return _shaped(value, parsed)
    if isinstance(parsed, list) and isinstance(value, list):
        return [_nested(item, parsed_item) for item, parsed_item in zip(value, parsed, strict=True)]
    return value
