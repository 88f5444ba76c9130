"""Per-resource ``timeouts`` input: Pulumi's ``custom_timeouts`` never reach dynamic providers."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s)?\s*$")


def parse_duration(value: Any) -> float:
    """Seconds from ``90``, ``"90s"``, ``"20m"``, ``"1h30m"``; refuses anything else."""
    if isinstance(value, bool):
        raise ValueError("a duration must be a number of seconds or a string like '20m'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and value.strip() and (match := DURATION.match(value)) and any(match.groups()):
        hours, minutes, secs = (float(group or 0) for group in match.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    else:
        raise ValueError(f"{value!r} is not a duration (use seconds or a string like '30s', '20m', '1h')")
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]
# What a program may write (``90`` or ``"20m"``): the type its ``timeouts`` input is declared
# with, so that the form the documentation shows type-checks; validated into seconds.
DurationInput = Annotated[float | str, BeforeValidator(parse_duration)]


class Timeouts(BaseModel):
    """How long create, update and delete may take before the provider gives up, in seconds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    create: Duration = 600.0
    update: Duration = 600.0
    delete: Duration = 600.0

    @classmethod
    def each(cls, seconds: float) -> Timeouts:
        """The same limit for create, update and delete."""
        return cls(create=seconds, update=seconds, delete=seconds)

    def merged(self, overrides: Any) -> Timeouts:
        """These defaults overridden by a user's ``timeouts`` input (a dict, possibly partial)."""
        if not overrides:
            return self
        given = {k: v for k, v in dict(overrides).items() if v is not None}
        return Timeouts.model_validate({**self.model_dump(), **given})
