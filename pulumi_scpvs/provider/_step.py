"""One create, update or delete in progress: the client to use, the deadline to meet, and how to wait."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from ..scp import ScpClient
from ..scp._errors import BadRequestError, ConflictError, NotFoundError, ScpConnectionError, ServerError
from ..scp._waiting import Waiter
from ..scp._watch import ListWatch

log = logging.getLogger(__name__)


@dataclass
class Step:
    """One create/update/delete in progress: the client to use and the deadline to meet."""

    client: ScpClient
    deadline: float
    resource_type: str
    # The program's name for the resource (or the object's), shown in progress lines.
    resource_name: str | None = None
    # Each object a wait saw reach its target state, by id, as it saw it.
    reached: dict[str, Any] = field(default_factory=dict)

    def waiter(
        self,
        read: Callable[[], Any],
        state_of: Callable[[Any], str | None],
        object_id: str,
        watch: ListWatch | None = None,
    ) -> Waiter[Any]:
        return Waiter(
            read=read,
            state_of=state_of,
            description=self.resource_type,
            object_id=object_id,
            watch=watch,
            name=self.resource_name,
        )

    def wait(
        self,
        read: Callable[[], Any],
        state_of: Callable[[Any], str | None],
        object_id: str,
        targets: Collection[str],
        failures: Collection[str] = (),
        watch: ListWatch | None = None,
    ) -> Any:
        """Poll ``read`` until the state is a target, before this operation's deadline.

        With ``watch``, looks share the kind's list requests with the process's other waits.
        """
        waiter = self.waiter(read, state_of, object_id, watch)
        seen = waiter.until(targets, deadline=self.deadline, failures=failures)
        if seen is not None:
            self.reached[object_id] = seen
        return seen

    def converge(self, act: Callable[[], Any], done: Callable[[], bool], what: str, *, look_first: bool = True) -> bool:
        """Run a mutation so that repeating it converges; return whether it was sent.

        Looks first (an earlier run may have done it; ``look_first=False`` where the caller
        has just looked), and when the request fails in a way a lost answer explains (the
        client repeated it and the repeat was refused, or no answer came at all), looks
        again: if the effect is there, the first attempt did it.
        """
        if look_first and done():
            return False
        try:
            act()
        except (ConflictError, BadRequestError, NotFoundError, ServerError, ScpConnectionError) as error:
            if not done():
                raise
            log.warning(
                "%s: %s answered %s, but it is done already (an earlier attempt did it)",
                self.resource_type,
                what,
                error,
            )
        return True

    def wait_gone(
        self,
        read: Callable[[], Any],
        object_id: str,
        state_of: Callable[[Any], str | None] = lambda _: None,
        failures: Collection[str] = (),
        watch: ListWatch | None = None,
    ) -> None:
        """Poll ``read`` until it answers 404, before this operation's deadline (``watch``: see :meth:`wait`)."""
        self.waiter(read, state_of, object_id, watch).until_gone(deadline=self.deadline, failures=failures)
