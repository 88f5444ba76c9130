"""Input models shared by several resources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ._timeouts import Duration


class TimeoutsInput(BaseModel):
    """The ``timeouts`` input: any of create/update/delete, as seconds or '20m'-style strings."""

    model_config = ConfigDict(extra="forbid")

    create: Duration | None = None
    update: Duration | None = None
    delete: Duration | None = None


class ResourceInputs(BaseModel):
    """Base of every resource's input model: unknown inputs are refused, ``timeouts`` is accepted."""

    model_config = ConfigDict(extra="forbid", regex_engine="python-re")

    timeouts: TimeoutsInput | None = None
    adopt_id: str | None = Field(
        default=None, description="id of an existing object to manage instead of creating one (see README: Adopting)"
    )
    keep_failed: bool = Field(
        default=False, description="keep an object whose creation failed, for inspection, instead of deleting it"
    )


class TagInput(BaseModel):
    """A tag: ``{"key": ..., "value": ...}``."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1)
    value: str | None = None
