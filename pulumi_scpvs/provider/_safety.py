"""The create safety net: exactly one object per create, and adoption by proof only.

A create first adopts what an interrupted run of this very resource provably made (see
:mod:`._ownership` for the proofs); when an answer is lost it looks for what the
attempt made before trying again; an object whose creation failed is deleted (unless
``keep_failed``). ``adopt_id`` brings a named object under management after checking
that it matches the program.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..scp import ScpClient
from ..scp._errors import (
    ConfigurationError,
    ConflictError,
    NotFoundError,
    ResourceFailedError,
    ScpConnectionError,
    ScpError,
    ServerError,
    WaitError,
    WaitTimeoutError,
)
from ._keys import (
    AUTONAMED_KEY,
    KEEP_FAILED_KEY,
    MARK_KEY,
    RESOURCE_NAME_KEY,
    STACK_AUTONAMED,
    STACK_IDENTITY_KEY,
    TIMEOUTS_KEY,
)
from ._operation import Operation
from ._ownership import (
    ATTEMPT_MARK,
    OWNER_MARK,
    Candidate,
    Claim,
    Journal,
    adopt_hint,
    owner_token,
    pick_proven,
    request_digest,
    sort_candidates,
)
from ._spec import MANAGEMENT_INPUTS, Props
from ._values import normalise

if TYPE_CHECKING:
    from ._engine import ScpProvider

log = logging.getLogger("pulumi_scpvs.provider")

# Errors after which a create may or may not have happened.
UNCERTAIN_ERRORS = (ScpConnectionError, ServerError)
CREATE_ATTEMPTS = 3
JOURNAL = Journal()


@dataclass
class AdoptionCount:
    """How many objects this process adopted (read by the tests of adoption)."""

    adoptions: int = 0


STATS = AdoptionCount()


class CreateSafetyNet:
    """Creates and adopts for one provider, through its hooks."""

    def __init__(self, provider: ScpProvider) -> None:
        self.provider = provider
        self.spec = provider.spec

    def _claim(self, inputs: Props, since: float | None = None, attempts: tuple[str, ...] = ()) -> Claim:
        """What identifies this create: the stack, the resource and what it asks for (a
        replacement asks for something else, so it never takes the object it replaces)."""
        identity = inputs.get(STACK_IDENTITY_KEY)
        resource_name = inputs.get(RESOURCE_NAME_KEY)
        request = request_digest({n: normalise(inputs.get(n)) for n in self.provider.replacement_fields()})
        owner = owner_token(str(identity), f"{resource_name}\0{request}") if identity and resource_name else None
        return Claim(
            owner=owner,
            name=inputs.get("name"),
            stack_autonamed=inputs.get(AUTONAMED_KEY) == STACK_AUTONAMED,
            since=since,
            attempts=attempts,
        )

    def _look(self, client: ScpClient, inputs: Props) -> list[Candidate] | None:
        try:
            return list(self.provider.candidates(client, inputs))
        except NotImplementedError:
            return None

    def create(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        """Create exactly one object: adopt what an interrupted run made, and when an
        answer is lost, look for what the attempt made before trying again."""
        claim = self._claim(inputs)
        earlier = self._made_by_an_earlier_run(op, inputs, claim)
        if earlier is not None:
            return earlier, self._settle_or_clean_up(op, earlier, inputs)
        attempts: tuple[str, ...] = ()
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            nonce = secrets.token_hex(8)
            attempts += (nonce,)
            since = op.client.server_time()
            if claim.owner is not None:
                JOURNAL.started(claim.owner, inputs.get("name"), since)
            marked = {**inputs, MARK_KEY: {OWNER_MARK: claim.owner, ATTEMPT_MARK: nonce}} if claim.owner else inputs
            if claim.owner is not None:
                op.on_object = functools.partial(self._journal_made, claim.owner, inputs)
            try:
                object_id, extra = self._create_or_clean_up(op, marked, claim)
            except UNCERTAIN_ERRORS as error:
                found = self._made_by_this_attempt(op, inputs, self._claim(inputs, since, attempts), error)
                if found is not None:
                    return found, self._settle_or_clean_up(op, found, inputs)
                if attempt == CREATE_ATTEMPTS or time.monotonic() >= op.deadline:
                    raise
                log.warning("%s create failed (%s) and made nothing: trying again", self.spec.type_name, error)
                continue
            if claim.owner is not None:
                JOURNAL.made(claim.owner, object_id)
            return object_id, extra
        raise AssertionError("unreachable")

    def _journal_made(self, owner: str, inputs: Props, waited_id: str) -> None:
        JOURNAL.made(owner, self.provider.failed_object_id(waited_id, inputs))

    def _adopt_if_proven(self, proven: list[tuple[Candidate, str]], claim: Claim, during: str) -> str | None:
        """The one object proven this resource's (adopted), or ``None``; several is an error to resolve by hand."""
        picked = pick_proven(proven, claim)
        if len(picked) > 1:
            raise ScpError(
                f"{during}: several objects are proven this resource's: "
                f"{', '.join(c.describe() for c, _ in picked)}; adopt one with adopt_id and delete the others"
            )
        if picked:
            candidate, proof = picked[0]
            return self._adopted(candidate.id, proof)
        return None

    def _adopted(self, object_id: str, how: str) -> str:
        STATS.adoptions += 1
        log.warning("%s %s exists and %s: adopting it", self.spec.type_name, object_id, how)
        return object_id

    def _made_by_an_earlier_run(self, op: Operation, inputs: Props, claim: Claim) -> str | None:
        """The object an interrupted run of this very resource made, when it can be proven.

        Proof is the ownership mark, the stack-derived autoname, the relationship, or this
        machine's journal. An interrupted create whose object cannot be proven stops here
        with the candidates and the ``adopt_id`` to use, instead of making a second one.
        """
        entry = JOURNAL.entry(claim.owner) if claim.owner else None
        if entry is not None and entry.name != inputs.get("name"):
            entry = None  # renamed since: the object, if any, is not under this name
        if entry is not None and entry.object_id:
            try:
                live = self.provider.read_object(op.client, entry.object_id, {})
            except NotFoundError:
                live = None
            if live is not None:
                return self._adopted(entry.object_id, "this machine's journal records that this stack made it")
        found = self._look(op.client, inputs)
        if found is None:
            return None
        if claim.since is None and entry is not None:
            claim = dataclasses.replace(claim, since=entry.since)
        sorted_ = sort_candidates(found, claim)
        adopted = self._adopt_if_proven(sorted_.proven, claim, f"creating {self.spec.type_name}")
        if adopted is not None:
            return adopted
        if entry is not None and entry.object_id is None and sorted_.recent:
            # An earlier run sent this create and never saw the answer.
            raise ScpError(
                f"creating {self.spec.type_name} {inputs.get('name')!r}: an earlier run of this stack was "
                f"interrupted while creating it, and {adopt_hint(self.spec.type_name, sorted_.recent)}"
            )
        return None

    def _made_by_this_attempt(self, op: Operation, inputs: Props, claim: Claim, error: Exception) -> str | None:
        """After a lost answer: the object this create made, ``None`` when it made nothing."""
        found = self._look(op.client, inputs)
        if found is None:
            raise ScpError(
                f"creating {self.spec.type_name} failed with an unknown outcome ({error}); it may exist "
                "although Pulumi does not know it: check, then adopt it with adopt_id or delete it"
            ) from error
        sorted_ = sort_candidates(found, claim)
        adopted = self._adopt_if_proven(sorted_.proven, claim, f"creating {self.spec.type_name} answered {error}")
        if adopted is not None:
            return adopted
        if claim.owner is not None and any(c.marks is not None for c in found):
            return None  # a kind that carries the mark: unmarked or foreign-marked objects are not ours
        if len(sorted_.recent) == 1:
            return self._adopted(sorted_.recent[0].id, f"was made after this create was sent (it answered {error})")
        if sorted_.recent:
            raise ScpError(
                f"creating {self.spec.type_name} answered {error}, and {len(sorted_.recent)} objects appeared since "
                f"it was sent: {adopt_hint(self.spec.type_name, sorted_.recent)}"
            ) from error
        return None

    def _create_or_clean_up(self, op: Operation, inputs: Props, claim: Claim) -> tuple[str, Props]:
        try:
            return self.provider.create_object(op, inputs)
        except WaitError as error:
            raise self._clean_up(op, error, inputs) from error
        except ConflictError as conflict:
            # A name already taken: ours only if proven (an earlier run whose answer was lost).
            found = self._look(op.client, inputs)
            if found is None:
                raise
            adopted = self._adopt_if_proven(sort_candidates(found, claim).proven, claim, conflict.detail)
            if adopted is not None:
                return adopted, self._settle_or_clean_up(op, adopted, inputs)
            named = [c for c in found if c.name == inputs.get("name")] or found
            if not named:
                raise
            raise ScpError(f"{conflict.detail}: {adopt_hint(self.spec.type_name, named)}") from conflict

    def _settle_or_clean_up(self, op: Operation, object_id: str, inputs: Props) -> Props:
        try:
            return self.provider.wait_ready(op, object_id, inputs)
        except WaitError as error:
            raise self._clean_up(op, error, inputs) from error

    def _clean_up(self, op: Operation, error: WaitError, inputs: Props) -> WaitError:
        """Delete an object whose creation failed (unless ``keep_failed``); say what happened."""
        object_id = self.provider.failed_object_id(error.object_id, inputs)
        what = f"{self.spec.type_name} {object_id}"
        if inputs.get(KEEP_FAILED_KEY):
            outcome = "kept it for inspection (keep_failed); delete it yourself when done"
        else:
            delete_timeout = self.spec.timeouts.merged(inputs.get(TIMEOUTS_KEY)).delete
            cleanup_deadline = time.monotonic() + delete_timeout
            client = self.provider.client(self.provider.profile_of(inputs))
            cleanup = Operation(client.until(cleanup_deadline), cleanup_deadline, op.resource_type)
            try:
                self.provider.delete_object(cleanup, object_id, {})
                outcome = f"deleted {what} so that nothing is left behind"
                owner = self._claim(inputs).owner
                if owner is not None:
                    JOURNAL.forget(owner)
            except NotFoundError:
                outcome = f"{what} is already gone"
            except Exception as cleanup_error:
                outcome = (
                    f"could not delete {what} ({cleanup_error}); the next `pulumi up` finds it again (it is "
                    "recorded as this stack's) and retries, or delete it by hand"
                )
        failure = type(error) if isinstance(error, (ResourceFailedError, WaitTimeoutError)) else WaitError
        return failure(f"{error}; {outcome}", object_id=object_id, last_state=error.last_state)

    def adopt(self, op: Operation, object_id: str, inputs: Props) -> tuple[str, Props]:
        """Bring an existing object under management: check it, wait for it, converge in-place fields."""
        try:
            live = self.provider.read_object(op.client, object_id, {})
        except NotFoundError:
            live = None
        if live is None:
            raise ConfigurationError(f"adopt_id: there is no {self.spec.type_name} {object_id!r} to adopt")
        extra = self.provider.wait_ready(op, object_id, inputs)
        live = self.provider.read_object(op.client, object_id, extra) or live
        observed = {name: observe(live) for name, observe in self.spec.observed_inputs.items()}
        differing = [n for n, value in observed.items() if normalise(value) != normalise(inputs.get(n))]
        fixed = [n for n in differing if n not in self.spec.update_in_place]
        # Create-only inputs the program sets must match the object's field of the same name.
        for name in self.spec.input_fields:
            wanted = inputs.get(name)
            if name in self.spec.update_in_place or name in MANAGEMENT_INPUTS or wanted is None or name not in live:
                continue
            if name not in fixed and normalise(live[name]) != normalise(wanted):
                observed[name] = live[name]
                fixed.append(name)
        if fixed:
            details = ", ".join(f"{n} is {observed[n]!r} where the program says {inputs.get(n)!r}" for n in fixed)
            raise ConfigurationError(
                f"adopt_id: {self.spec.type_name} {object_id} cannot be adopted as declared: {details}, "
                "and that cannot change in place; make the program match the object"
            )
        if differing:
            extra.update(self.provider.update_object(op, object_id, {**inputs, **observed}, inputs, differing))
        STATS.adoptions += 1
        return object_id, extra
