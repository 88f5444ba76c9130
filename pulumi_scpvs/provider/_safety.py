"""The create safety net: exactly one object per create, and adoption by proof only.

A create is sent, journaled, then settled, in that order and in plain sight: the
resource's ``send_create`` hook only sends and returns the new object's resource id;
this module records that id in the journal before waiting for the object (so a run
killed during the wait is recognised by the next), then waits for it, and deletes an
object whose creation failed (unless ``keep_failed``).

Before sending, it adopts what an interrupted run of this very resource provably made
(see :mod:`._ownership` for the proofs) and stops, naming the ``adopt_id`` to use, on
what may be this resource's object but cannot be proven. When an answer is lost it
looks for what the attempt made before trying again, with the same rule. ``adopt_id``
brings a named object under management after checking that it matches the program.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

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
    ALLOW_DUPLICATE_NAME_KEY,
    AUTONAMED_KEY,
    KEEP_FAILED_KEY,
    MANAGEMENT_INPUTS,
    RESOURCE_NAME_KEY,
    STACK_AUTONAMED,
    STACK_IDENTITY_KEY,
    TIMEOUTS_KEY,
)
from ._ownership import (
    ATTEMPT_MARK,
    OWNER_MARK,
    Candidate,
    Claim,
    Journal,
    JournalEntry,
    adopt_hint,
    owner_token,
    pick_proven,
    request_digest,
    sort_candidates,
)
from ._spec import AnswerOnly, Props, ResourceSpec
from ._step import Step
from ._values import normalise

log = logging.getLogger(__name__)


class SafetyNetHost(Protocol):
    """What the safety net needs of a provider (:class:`~._engine.ScpProvider` is one):
    its declaration, how to send, settle, find, read, update and delete its objects."""

    @property
    def spec(self) -> ResourceSpec: ...

    def client(self, profile: str | None = None) -> ScpClient: ...
    def profile_of(self, props: Props) -> str | None: ...
    def replacement_fields(self) -> list[str]: ...
    def answer_only_output(self, inputs: Props) -> AnswerOnly | None: ...
    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]: ...
    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props: ...
    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]: ...
    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None: ...
    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props: ...
    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None: ...


# Errors after which a create may or may not have happened.
UNCERTAIN_ERRORS = (ScpConnectionError, ServerError)
CREATE_ATTEMPTS = 3
JOURNAL = Journal()


class Replacements:
    """The objects this process's plan replaces, by resource (noted by ``diff``).

    A replacement is created before its predecessor is deleted, and may find it (an
    explicitly named volume keeps its name). The predecessor is this stack's (its id comes
    from the state), and it is not the new object: it is left out of what a create looks
    at, so it neither stops the create nor is adopted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_resource: dict[str, str] = {}

    def note(self, resource_name: Any, object_id: str) -> None:
        if isinstance(resource_name, str):
            with self._lock:
                self._by_resource[resource_name] = object_id

    def of(self, resource_name: Any) -> str | None:
        with self._lock:
            return self._by_resource.get(resource_name) if isinstance(resource_name, str) else None


REPLACEMENTS = Replacements()


class CreateSafetyNet:
    """Creates and adopts for one provider, through its hooks: send, journal, then settle."""

    def __init__(self, provider: SafetyNetHost) -> None:
        self.provider = provider
        self.spec = provider.spec

    def _claim(self, inputs: Props, attempts: tuple[str, ...] = ()) -> Claim:
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
            attempts=attempts,
        )

    def _look(self, client: ScpClient, inputs: Props) -> list[Candidate] | None:
        """What a create of these inputs may have made, but the object this create replaces."""
        try:
            found = self.provider.candidates(client, inputs)
        except NotImplementedError:
            return None
        replaced = REPLACEMENTS.of(inputs.get(RESOURCE_NAME_KEY))
        return [c for c in found if c.id != replaced]

    def create(self, step: Step, inputs: Props) -> tuple[str, Props]:
        """Create exactly one object: take over what an interrupted run provably made, stop
        on what may be this resource's but cannot be proven, and when an answer is lost,
        look for what the attempt made before trying again."""
        claim = self._claim(inputs)
        entry = JOURNAL.entry(claim.owner) if claim.owner else None
        if entry is not None and entry.name != inputs.get("name"):
            entry = None  # renamed since: the object, if any, is not under this name
        earlier = self._journaled(step, entry)
        found: list[Candidate] | None = None
        if earlier is None:
            found = self._look(step.client, inputs)
            earlier = self._made_by_an_earlier_run(inputs, claim, found, entry)
        if earlier is not None:
            settled = self._take_over(step, earlier, inputs)
            if settled is not None:
                return earlier, settled
            found = self._look(step.client, inputs)
        seen = frozenset(c.id for c in found or ())
        attempts: tuple[str, ...] = ()
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            nonce = secrets.token_hex(8)
            attempts += (nonce,)
            if claim.owner is not None:
                JOURNAL.started(claim.owner, inputs.get("name"), seen)
            mark = {OWNER_MARK: claim.owner, ATTEMPT_MARK: nonce} if claim.owner else None
            made: str | None
            try:
                object_id, extra = self.provider.send_create(step, inputs, mark)
            except ConflictError as conflict:
                made = self._owner_of_the_conflict(step, inputs, self._claim(inputs, attempts), conflict)
            except UNCERTAIN_ERRORS as error:
                made = self._made_by_this_attempt(step, inputs, self._claim(inputs, attempts), seen, error)
                if made is None:
                    if attempt == CREATE_ATTEMPTS or time.monotonic() >= step.deadline:
                        raise
                    log.warning("%s create failed (%s) and made nothing: trying again", self.spec.type_name, error)
                    continue
            else:
                if claim.owner is not None:
                    JOURNAL.made(claim.owner, object_id)
                return object_id, {**extra, **self._settle_or_clean_up(step, object_id, inputs)}
            if claim.owner is not None:
                JOURNAL.made(claim.owner, made)
            settled = self._take_over(step, made, inputs)
            if settled is not None:
                return made, settled
        raise ScpError(f"creating {self.spec.type_name}: no object after {CREATE_ATTEMPTS} attempts")

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
        log.warning("%s %s exists and %s: adopting it", self.spec.type_name, object_id, how)
        return object_id

    def _hint(self, candidates: list[Candidate], inputs: Props) -> str:
        return adopt_hint(
            self.spec.type_name,
            candidates,
            name_can_repeat=ALLOW_DUPLICATE_NAME_KEY in self.spec.input_fields,
            lost=self.provider.answer_only_output(inputs),
        )

    def _journaled(self, step: Step, entry: JournalEntry | None) -> str | None:
        """The object this machine's journal says this resource made, if it still exists."""
        if entry is None or not entry.object_id:
            return None
        try:
            live = self.provider.read_object(step.client, entry.object_id, {})
        except NotFoundError:
            live = None
        if live is None:
            return None
        return self._adopted(entry.object_id, "this machine's journal records that this stack made it")

    def _made_by_an_earlier_run(
        self, inputs: Props, claim: Claim, found: list[Candidate] | None, entry: JournalEntry | None
    ) -> str | None:
        """The object an interrupted run of this very resource made, among ``found``, when it can be proven.

        Proof is the ownership mark, the stack-derived autoname or the relationship (the
        journal's record is :meth:`_journaled`). What may be this resource's object but
        cannot be proven stops the create with the candidates and the ``adopt_id`` to use:
        an object of the explicit name (for kinds that carry no mark), or one that appeared
        since a create of this resource was sent and never answered (``entry`` says so).
        """
        name = inputs.get("name")
        if found is None:
            return None
        sorted_ = sort_candidates(found, claim)
        adopted = self._adopt_if_proven(sorted_.proven, claim, f"creating {self.spec.type_name}")
        if adopted is not None:
            return adopted
        # allow_duplicate_name says the objects of this name found now are not this resource's.
        duplicates_allowed = bool(inputs.get(ALLOW_DUPLICATE_NAME_KEY))
        appeared = [
            c
            for c in sorted_.unproven
            if entry is not None and c.id not in entry.seen and not (duplicates_allowed and c.name == name)
        ]
        if appeared:
            raise ScpError(
                f"creating {self.spec.type_name} {name!r}: an earlier run of this stack was interrupted while "
                f"creating it, and {self._hint(appeared, inputs)}"
            )
        same_name = [c for c in sorted_.unproven if name is not None and c.name == name and not c.related]
        if same_name and not duplicates_allowed and not claim.stack_autonamed:
            raise ScpError(f"creating {self.spec.type_name} {name!r}: {self._hint(same_name, inputs)}")
        return None

    def _made_by_this_attempt(
        self, step: Step, inputs: Props, claim: Claim, seen: frozenset[str], error: Exception
    ) -> str | None:
        """After a lost answer: the object this create made, ``None`` when it made nothing.

        An object that appeared since the create was sent and cannot be proven this
        resource's may be another's made meanwhile (a pipeline creating the same name):
        reported, never adopted, and nothing more is created.
        """
        found = self._look(step.client, inputs)
        if found is None:
            raise ScpError(
                f"creating {self.spec.type_name} failed with an unknown outcome ({error}); it may exist "
                "although Pulumi does not know it: check, then adopt it with adopt_id or delete it"
            ) from error
        sorted_ = sort_candidates(found, claim)
        adopted = self._adopt_if_proven(sorted_.proven, claim, f"creating {self.spec.type_name} answered {error}")
        if adopted is not None:
            return adopted
        appeared = [c for c in sorted_.unproven if c.id not in seen]
        if appeared:
            raise ScpError(
                f"creating {self.spec.type_name} answered {error}, and {self._hint(appeared, inputs)}"
            ) from error
        return None

    def _owner_of_the_conflict(self, step: Step, inputs: Props, claim: Claim, conflict: ConflictError) -> str:
        """A name already taken: ours only if proven (an earlier run whose answer was lost)."""
        found = self._look(step.client, inputs)
        if found is None:
            raise conflict
        adopted = self._adopt_if_proven(sort_candidates(found, claim).proven, claim, conflict.detail)
        if adopted is not None:
            return adopted
        named = [c for c in found if c.name == inputs.get("name")] or found
        if not named:
            raise conflict
        raise ScpError(f"{conflict.detail}: {self._hint(named, inputs)}") from conflict

    def _take_over(self, step: Step, object_id: str, inputs: Props) -> Props | None:
        """Settle an object proven this resource's and return its extra outputs, or delete it
        and return ``None`` (to create it again) when it lacks what only the answer to its
        create carried (a generated private key): never an output missing in silence."""
        lost = self.provider.answer_only_output(inputs)
        if lost is None:
            return self._settle_or_clean_up(step, object_id, inputs)
        log.warning(
            "%s %s was made by an interrupted create of this resource, and %s came only in the answer that "
            "create never received: deleting it to create it again",
            self.spec.type_name,
            object_id,
            lost.what,
        )
        self._delete(step, object_id, inputs)
        return None

    def _settle_or_clean_up(self, step: Step, object_id: str, inputs: Props) -> Props:
        try:
            return self.provider.wait_ready(step, object_id, inputs)
        except WaitError as error:
            raise self._clean_up(step, error, object_id, inputs) from error

    def _delete(self, step: Step, object_id: str, inputs: Props) -> None:
        """Delete an object this create made (within the resource's delete timeout) and forget it."""
        delete_timeout = self.spec.timeouts.merged(inputs.get(TIMEOUTS_KEY)).delete
        deadline = time.monotonic() + delete_timeout
        client = self.provider.client(self.provider.profile_of(inputs))
        self.provider.delete_object(Step(client.until(deadline), deadline, step.resource_type), object_id, {})
        owner = self._claim(inputs).owner
        if owner is not None:
            JOURNAL.forget(owner)

    def _clean_up(self, step: Step, error: WaitError, object_id: str, inputs: Props) -> WaitError:
        """Delete an object whose creation failed (unless ``keep_failed``); say what happened."""
        what = f"{self.spec.type_name} {object_id}"
        if inputs.get(KEEP_FAILED_KEY):
            outcome = "kept it for inspection (keep_failed); delete it yourself when done"
        else:
            try:
                self._delete(step, object_id, inputs)
                outcome = f"deleted {what} so that nothing is left behind"
            except NotFoundError:
                outcome = f"{what} is already gone"
            except Exception as cleanup_error:
                outcome = (
                    f"could not delete {what} ({cleanup_error}); the next `pulumi up` finds it again (it is "
                    "recorded as this stack's) and retries, or delete it by hand"
                )
        failure = type(error) if isinstance(error, (ResourceFailedError, WaitTimeoutError)) else WaitError
        return failure(f"{error}; {outcome}", object_id=object_id, last_state=error.last_state)

    def adopt(self, step: Step, object_id: str, inputs: Props) -> tuple[str, Props]:
        """Bring an existing object under management: check it, wait for it, converge in-place fields."""
        try:
            live = self.provider.read_object(step.client, object_id, {})
        except NotFoundError:
            live = None
        if live is None:
            raise ConfigurationError(f"adopt_id: there is no {self.spec.type_name} {object_id!r} to adopt")
        lost = self.provider.answer_only_output(inputs)
        if lost is not None:
            # A hand-made object is adopted this way on purpose (its owner holds the secret): say
            # that the output stays empty, and how to say so in the program, rather than refuse.
            log.warning(
                "%s %s is adopted without %s: it came only in the answer to the request that created it and "
                "cannot be read back, so that output is empty. %s; if nobody holds it, delete %s and remove "
                "adopt_id: `pulumi up` then creates a new one",
                self.spec.type_name,
                object_id,
                lost.what,
                lost.instead,
                object_id,
            )
        extra = self.provider.wait_ready(step, object_id, inputs)
        live = self.provider.read_object(step.client, object_id, extra) or live
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
            extra.update(self.provider.update_object(step, object_id, {**inputs, **observed}, inputs, differing))
        return object_id, extra
