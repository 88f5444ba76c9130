"""The generic provider engine every resource is declared on.

A resource supplies a :class:`ResourceSpec` (its input model, which inputs update in
place, how it is autonamed, its default timeouts, its secret outputs) and four small
hooks: ``create_object``, ``read_object``, ``update_object`` and ``delete_object``.
This module turns that into Pulumi's dynamic provider protocol:

* ``check`` validates the inputs against the model and returns one ``CheckFailure``
  per bad field, skipping fields whose value is not known yet (preview);
* ``diff`` compares input fields only (never ``__provider`` or ``timeouts``) and splits
  them into in-place updates and replacements;
* ``create``/``update`` return complete outputs (inputs plus every field of the show
  response), waiting for 202 operations against the ``timeouts`` deadline;
* ``read`` returns outputs *and* inputs, with an empty id when the object is gone, so
  ``pulumi refresh`` drops it and later diffs see the drift;
* ``delete`` waits until the object is gone and treats 404 as done.

Credentials never live on the provider object: ``configure`` keeps the stack config
in the provider process, and ``__getstate__`` pickles nothing but the class.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import secrets
import string
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pydantic import BaseModel, ValidationError

from ..scp import ScpClient
from ..scp._config import PULUMI_KEYS, ScpConfig, resolve_config
from ..scp._errors import (
    BadRequestError,
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
from ..scp._waiting import Waiter
from ._clients import CLIENTS
from ._ownership import (
    ATTEMPT_MARK,
    MARK_KEYS,
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
from ._timeouts import Timeouts
from ._workers import widen_worker_pool

log = logging.getLogger("pulumi_scpvs.provider")

PROVIDER_KEY = "__provider"
RESOURCE_NAME_KEY = "__resource_name"
AUTONAMED_KEY = "__autonamed"
STACK_AUTONAMED = "stack"  # the value of AUTONAMED_KEY when the name derives from the stack identity
STACK_IDENTITY_KEY = "__stack_identity"
MARK_KEY = "__mark"  # the ownership mark a create request carries (kinds with metadata)
# Where the object lives (endpoint and account id, never a key): checked before touching it.
TARGET_KEY = "__target"
MOVE_FROM_ENV = "SCPVS_MOVE_FROM"
# Outputs carry the inputs they were made from: the engine hands ``diff`` and ``update``
# the old *outputs*, where a live value (a generated public key, a default category)
# must not be mistaken for a changed input.
INPUTS_KEY = "__inputs"
TIMEOUTS_KEY = "timeouts"
ADOPT_KEY = "adopt_id"
KEEP_FAILED_KEY = "keep_failed"
# Inputs about how to manage the object, not about the object: they never cause a diff.
MANAGEMENT_INPUTS = frozenset({TIMEOUTS_KEY, ADOPT_KEY, KEEP_FAILED_KEY})
# Errors after which a create may or may not have happened.
UNCERTAIN_ERRORS = (ScpConnectionError, ServerError)
# Pulumi resources already have these; a show response's ``id`` is the resource id itself.
RESERVED_OUTPUTS = frozenset({"id", "urn"})
Props = dict[str, Any]


@dataclass(frozen=True)
class AutoName:
    """Pulumi-style autonaming: ``<resource name>-<random suffix>``, fitted to the API's rules."""

    max_length: int
    allowed: str = string.ascii_letters + string.digits + "-_"
    suffix_length: int = 7

    def make(self, resource_name: str, seed: str) -> str:
        alphabet = string.ascii_lowercase + string.digits
        number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
        suffix = ""
        for _ in range(self.suffix_length):
            number, digit = divmod(number, len(alphabet))
            suffix += alphabet[digit]
        base = "".join(c if c in self.allowed else "-" for c in resource_name) or "res"
        base = base[: self.max_length - self.suffix_length - 1]
        return f"{base}-{suffix}"


@dataclass(frozen=True)
class ResourceSpec:
    """What the engine needs to know about one kind of resource."""

    type_name: str
    inputs: type[BaseModel]
    update_in_place: frozenset[str] = frozenset()
    autoname: AutoName | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    secret_outputs: tuple[str, ...] = ()
    # Inputs that are secrets (wrapped by the resource class, kept secret in outputs).
    secret_inputs: tuple[str, ...] = ()
    # Outputs only create knows (a generated private key): carried over by read and update.
    kept_outputs: tuple[str, ...] = ()
    output_fields: tuple[str, ...] = ()
    # Inputs the live object tells us about, so refresh records drift: name -> getter(show output).
    observed_inputs: Mapping[str, Callable[[Props], Any]] = field(default_factory=dict)
    delete_before_replace: bool = False
    # The API model the create request must satisfy, and where its fields come from.
    request_model: type[BaseModel] | None = None
    request_fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def input_fields(self) -> tuple[str, ...]:
        return tuple(self.inputs.model_fields)


@dataclass
class Operation:
    """One create/update/delete in progress: the client to use and the deadline to meet."""

    client: ScpClient
    deadline: float
    resource_type: str
    # Told the id of the first object waited on: a create's object exists from then on, and
    # the journal records it before the (possibly long) wait for it to be ready.
    on_object: Callable[[str], None] | None = None

    def waiter(self, read: Callable[[], Any], state_of: Callable[[Any], str | None], object_id: str) -> Waiter[Any]:
        if self.on_object is not None:
            notify, self.on_object = self.on_object, None
            notify(object_id)
        return Waiter(read=read, state_of=state_of, description=self.resource_type, object_id=object_id)

    def wait(
        self,
        read: Callable[[], Any],
        state_of: Callable[[Any], str | None],
        object_id: str,
        targets: Collection[str],
        failures: Collection[str] = (),
    ) -> Any:
        """Poll ``read`` until the state is a target, before this operation's deadline."""
        return self.waiter(read, state_of, object_id).until(targets, deadline=self.deadline, failures=failures)

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
    ) -> None:
        """Poll ``read`` until it answers 404, before this operation's deadline."""
        self.waiter(read, state_of, object_id).until_gone(deadline=self.deadline, failures=failures)


def _is_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(_is_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_is_unknown(v) for v in value)
    return False


def _failure_path(location: tuple[Any, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def validation_failures(error: ValidationError, skip: Collection[str] = ()) -> list[CheckFailure]:
    """One ``CheckFailure`` per invalid field, naming the field and the rule it broke."""
    failures = []
    for item in error.errors():
        location = tuple(item["loc"])
        if location and location[0] in skip:
            continue
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "string_pattern_mismatch":
            message = f"must match the pattern {item['ctx']['pattern']}"
        elif item["type"] == "extra_forbidden":
            message = "is not an input of this resource"
        failures.append(CheckFailure(_failure_path(location) or "(inputs)", message))
    return failures


CREATE_ATTEMPTS = 3
JOURNAL = Journal()


@dataclass
class ProviderStats:
    """What the safety nets did in this process (reported by the resilience run)."""

    adoptions: int = 0
    create_retries: int = 0
    cleanups: int = 0
    refused_unproven: int = 0
    refused_other_target: int = 0


STATS = ProviderStats()


class ScpProvider(ResourceProvider):
    """Base of every resource provider: implements the protocol once, from the spec and hooks."""

    spec: ClassVar[ResourceSpec]

    def __init__(self) -> None:
        self._config: ScpConfig | None = None

    # -- pickling: the class travels, nothing else --------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._config = None

    # -- configuration and client -----------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Resolve the stack's ``scpvs:*`` settings (with the environment) once for this process."""
        widen_worker_pool()
        stack_config = {
            f"scpvs:{key}": value
            for key in PULUMI_KEYS.values()
            if (value := req.config.get(f"scpvs:{key}")) is not None
        }
        self._config = resolve_config(pulumi_config=stack_config)

    def config(self) -> ScpConfig:
        """The resolved configuration (from the environment alone when ``configure`` never ran)."""
        if getattr(self, "_config", None) is None:
            self._config = resolve_config()
        assert self._config is not None
        return self._config

    def client(self) -> ScpClient:
        return CLIENTS.get(self.config())

    def _operation(self, props: Props, phase: str) -> Operation:
        timeouts = self.spec.timeouts.merged(props.get(TIMEOUTS_KEY))
        deadline = time.monotonic() + getattr(timeouts, phase)
        return Operation(self.client().until(deadline), deadline, self.spec.type_name)

    # -- hooks a resource implements ----------------------------------------------------------

    def create_object(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        """Create the object, wait until it is usable; return its id and extra outputs."""
        raise NotImplementedError

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        """The show response as plain JSON data, or ``None`` when the object is gone."""
        raise NotImplementedError

    def update_object(self, op: Operation, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        """Apply in-place changes (only fields in ``spec.update_in_place``); return extra outputs."""
        raise NotImplementedError(f"{self.spec.type_name} has no in-place updates")

    def delete_object(self, op: Operation, object_id: str, outputs: Props) -> None:
        """Start deleting and wait until the object is gone (404 is success)."""
        raise NotImplementedError

    def wait_ready(self, op: Operation, object_id: str, inputs: Props) -> Props:
        """Wait until a just-created (or adopted) object is usable; return extra outputs.

        ``create_object`` ends with it; it is called alone when a create whose answer
        was lost turns out to have happened.
        """
        return {}

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        """The objects a create of these inputs may have made (same name, same parent...).

        The engine decides which one, if any, is provably this resource's (see
        :mod:`._ownership`). Resources that cannot look raise :class:`NotImplementedError`,
        and an uncertain create then fails rather than risk a duplicate.
        """
        raise NotImplementedError

    def failed_object_id(self, object_id: str, inputs: Props) -> str:
        """The resource id of an object whose creation failed, from the id a wait reported
        (an attachment waits on its volume; its own id is ``volume/server``)."""
        return object_id

    def create_request(self, inputs: Props) -> Props:
        """The create request body built from the inputs (validated by ``check`` against the API model)."""
        raise NotImplementedError

    def validate(self, inputs: BaseModel) -> list[CheckFailure]:
        """Check the create request against the API document's model, naming input fields.

        A resource may extend this with rules the document does not state.
        """
        model = self.spec.request_model
        if model is None:
            return []
        try:
            model.model_validate(self.create_request(inputs.model_dump(mode="json")))
        except ValidationError as error:
            failures = validation_failures(error)
            return [CheckFailure(self._input_path(f.property), f.reason) for f in failures]
        return []

    def validate_change(self, olds: Props, inputs: BaseModel) -> list[CheckFailure]:
        """Refuse, at preview, changes the API cannot make (shrinking a volume...)."""
        return []

    def _input_path(self, request_path: str) -> str:
        head, dot, rest = request_path.partition(".")
        name, bracket, index = head.partition("[")
        mapped = self.spec.request_fields.get(name, name)
        return mapped + (bracket + index if bracket else "") + (dot + rest if dot else "")

    # -- the protocol ---------------------------------------------------------------------------

    def check(self, olds: Props, news: Props) -> CheckResult:
        hidden = (PROVIDER_KEY, RESOURCE_NAME_KEY, AUTONAMED_KEY, STACK_IDENTITY_KEY)
        inputs = {k: v for k, v in news.items() if k not in hidden}
        autonamed = self._autoname(olds, news, inputs)
        unknown = {name for name, value in inputs.items() if _is_unknown(value)}
        known = {name: value for name, value in inputs.items() if name not in unknown}
        failures: list[CheckFailure] = []
        try:
            model = self.spec.inputs.model_validate(known)
        except ValidationError as error:
            failures = validation_failures(error, skip=unknown)
            # Unknown values (preview) make the model incomplete; still fill in the defaults,
            # or every defaulted input would look changed in the plan.
            inputs = {**self._defaults(), **inputs}
        else:
            if not unknown:
                failures = self.validate(model)
            inputs = {**model.model_dump(mode="json"), **{k: inputs[k] for k in unknown}}
            if not unknown and not failures and olds:
                failures = self.validate_change(_old_inputs(olds), model)
            if autonamed and inputs.get(ADOPT_KEY):
                failures.append(CheckFailure("name", "set name to the adopted object's name when using adopt_id"))
        if autonamed:
            inputs[AUTONAMED_KEY] = autonamed
        for key in (RESOURCE_NAME_KEY, STACK_IDENTITY_KEY):
            if news.get(key) is not None:
                inputs[key] = news[key]
        return CheckResult(inputs, failures)

    def _defaults(self) -> Props:
        fields = self.spec.inputs.model_fields
        return {
            name: info.get_default(call_default_factory=True) for name, info in fields.items() if not info.is_required()
        }

    def _autoname(self, olds: Props, news: Props, inputs: Props) -> bool | str:
        """Fill in ``name`` when omitted; return how it was made (falsy: not autonamed).

        The name must be stable across runs (the engine may check the same resource
        more than once, sometimes without its old inputs) yet new when the resource is
        replaced, or a create-before-delete replacement would collide with its own
        name. So the suffix is a hash of the stack's identity (see :mod:`._identity`), the
        resource's name and the inputs that force replacement, and an earlier autoname
        is kept while those are unchanged. Two stacks of the same project and stack name
        on two backends have two identities, hence two names; while the identity is not
        known yet (the first preview of a stack) the name is not either.
        """
        autoname = self.spec.autoname
        if autoname is None or inputs.get("name") not in (None, ""):
            return False
        triggers = self._replacement_fields()
        unchanged = all(
            _is_unknown(inputs.get(n)) or _normalise(olds.get(n)) == _normalise(inputs.get(n)) for n in triggers
        )
        if olds.get(AUTONAMED_KEY) and olds.get("name") and unchanged:
            inputs["name"] = olds["name"]
            return STACK_AUTONAMED if olds[AUTONAMED_KEY] == STACK_AUTONAMED else True
        identity = news.get(STACK_IDENTITY_KEY)
        if _is_unknown(identity):
            inputs["name"] = Unknown()  # type: ignore[no-untyped-call]
            return STACK_AUTONAMED
        resource_name = str(news.get(RESOURCE_NAME_KEY) or self.spec.type_name.lower())
        seed = json.dumps(
            [identity or "", resource_name, [_normalise(inputs.get(n)) for n in triggers]], sort_keys=True, default=str
        )
        inputs["name"] = autoname.make(resource_name.split("/", 2)[-1], seed)
        return STACK_AUTONAMED if identity else True

    def _replacement_fields(self) -> list[str]:
        """The inputs whose change replaces the object (the identity of what is created)."""
        return [
            n
            for n in self.spec.input_fields
            if n not in self.spec.update_in_place and n not in ("name", *MANAGEMENT_INPUTS)
        ]

    def changed_fields(self, old_inputs: Props, news: Props) -> tuple[list[str], list[str]]:
        """The input fields that differ, and those of them that force a replacement."""
        changed = [
            name
            for name in self.spec.input_fields
            if name not in MANAGEMENT_INPUTS and _normalise(old_inputs.get(name)) != _normalise(news.get(name))
        ]
        return changed, [name for name in changed if name not in self.spec.update_in_place]

    def diff(self, id_: str, olds: Props, news: Props) -> DiffResult:
        moving = self._check_target(id_, olds, "update")
        changed, replaces = self.changed_fields(_old_inputs(olds), news)
        return DiffResult(
            # A deliberate move (SCPVS_MOVE_FROM) is an update: it records the new target.
            changes=bool(changed) or moving,
            replaces=replaces,
            stables=[name for name in self.spec.input_fields if name not in changed],
            delete_before_replace=self.spec.delete_before_replace and bool(replaces),
        )

    def create(self, props: Props) -> CreateResult:
        inputs = {k: v for k, v in props.items() if k != PROVIDER_KEY}
        op = self._operation(inputs, "create")
        if inputs.get(ADOPT_KEY):
            object_id, extra = self._adopt(op, str(inputs[ADOPT_KEY]), inputs)
        else:
            object_id, extra = self._create_without_duplicates(op, inputs)
        live = self.read_object(op.client, object_id, extra)
        if live is None:
            raise NotFoundError(
                404, f"{self.spec.type_name} {object_id} vanished right after creation", method="GET", url=""
            )
        return CreateResult(object_id, self._outputs(inputs, live, extra))

    def read(self, id_: str, props: Props) -> ReadResult:
        outputs = {k: v for k, v in props.items() if k != PROVIDER_KEY}
        self._check_target(id_, outputs, "read")
        try:
            live = self.read_object(self.client(), id_, outputs)
        except NotFoundError:
            live = None
        if live is None:
            return ReadResult(id_="", outs={})
        inputs = dict(_old_inputs(outputs))
        for name, observe in self.spec.observed_inputs.items():
            inputs[name] = observe(live)
        result = self._outputs(inputs, live, {k: v for k, v in outputs.items() if k in self.spec.kept_outputs})
        return ReadResult(id_=id_, outs=result, inputs=inputs)

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        self._check_target(id_, olds, "update")
        inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        old_inputs = _old_inputs(olds)
        changed = [n for n in self.spec.input_fields if _normalise(old_inputs.get(n)) != _normalise(inputs.get(n))]
        op = self._operation(inputs, "update")
        extra = {k: v for k, v in olds.items() if k in self.spec.kept_outputs}
        if [name for name in changed if name not in MANAGEMENT_INPUTS]:
            extra.update(self.update_object(op, id_, old_inputs, inputs, changed))
        live = self.read_object(op.client, id_, olds)
        if live is None:
            raise NotFoundError(404, f"{self.spec.type_name} {id_} disappeared during update", method="GET", url="")
        return UpdateResult(self._outputs(inputs, live, extra))

    def delete(self, id_: str, props: Props) -> None:
        self._check_target(id_, props, "delete")
        op = self._operation(props, "delete")
        try:
            self.delete_object(op, id_, props)
        except NotFoundError:
            log.info("%s %s was already gone", self.spec.type_name, id_)

    # -- where objects live -------------------------------------------------------------------

    def target(self, cfg: ScpConfig | None = None) -> dict[str, str]:
        """Where objects are created now: the endpoint and account id (never a key)."""
        cfg = cfg or self.config()
        return {"endpoint": cfg.endpoint, "account_id": cfg.account_id}

    def _check_target(self, object_id: str, outputs: Props, action: str) -> bool:
        """Refuse to touch an object recorded at another endpoint or account than the provider's.

        Returns True when the difference is a move the user asked for (``SCPVS_MOVE_FROM``
        names the recorded endpoint): the step then records the new target. States written
        before targets were recorded have none; their next read or update records one.
        """
        recorded = outputs.get(TARGET_KEY)
        if not isinstance(recorded, Mapping):
            return False
        cfg = self.config()
        current = self.target(cfg)
        if dict(recorded) == current:
            return False
        if os.environ.get(MOVE_FROM_ENV) == recorded.get("endpoint"):
            log.warning("%s %s: moving from %s to %s", self.spec.type_name, object_id, recorded, current)
            return True
        STATS.refused_other_target += 1
        sources = cfg.sources
        raise ConfigurationError(
            f"{self.spec.type_name} {object_id} was created at endpoint {recorded.get('endpoint')!r} "
            f"(account {recorded.get('account_id')!r}), but the provider now points at {current['endpoint']!r} "
            f"(account {current['account_id']!r}; endpoint from {sources.get('endpoint', 'the default')}). "
            f"Refusing to {action} it there: it would look missing or be changed in the wrong place. Check "
            "scpvs:endpoint, scpvs:region, scpvs:environment and scpvs:accountId in the stack config (and "
            "SCP_ENDPOINT, SCP_REGION, SCP_ACCOUNT_ID, ~/.scpconf); with none of them set the embedded simulator "
            f"is used. To move the stack on purpose, run once with {MOVE_FROM_ENV}={recorded.get('endpoint')}"
        )

    # -- creating safely ----------------------------------------------------------------------

    def _claim(self, inputs: Props, since: float | None = None, attempts: tuple[str, ...] = ()) -> Claim:
        """What identifies this create: the stack, the resource and what it asks for (a
        replacement asks for something else, so it never takes the object it replaces)."""
        identity = inputs.get(STACK_IDENTITY_KEY)
        resource_name = inputs.get(RESOURCE_NAME_KEY)
        request = request_digest({n: _normalise(inputs.get(n)) for n in self._replacement_fields()})
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
            return list(self.candidates(client, inputs))
        except NotImplementedError:
            return None

    def _create_without_duplicates(self, op: Operation, inputs: Props) -> tuple[str, Props]:
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
                STATS.create_retries += 1
                log.warning("%s create failed (%s) and made nothing: trying again", self.spec.type_name, error)
                continue
            if claim.owner is not None:
                JOURNAL.made(claim.owner, object_id)
            return object_id, extra
        raise AssertionError("unreachable")

    def _journal_made(self, owner: str, inputs: Props, waited_id: str) -> None:
        JOURNAL.made(owner, self.failed_object_id(waited_id, inputs))

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
                live = self.read_object(op.client, entry.object_id, {})
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
        proven = pick_proven(sorted_.proven, claim)
        if len(proven) == 1:
            candidate, proof = proven[0]
            return self._adopted(candidate.id, proof)
        if len(proven) > 1:
            raise ScpError(
                f"creating {self.spec.type_name}: several objects are proven this resource's: "
                f"{', '.join(c.describe() for c, _ in proven)}; adopt one with adopt_id and delete the others"
            )
        if entry is not None and entry.object_id is None and sorted_.recent:
            # An earlier run sent this create and never saw the answer.
            STATS.refused_unproven += 1
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
        proven = pick_proven(sorted_.proven, claim)
        if len(proven) == 1:
            return self._adopted(proven[0][0].id, f"{proven[0][1]} (the create answered {error})")
        if len(proven) > 1:
            raise ScpError(
                f"creating {self.spec.type_name} answered {error}, and several objects are proven this "
                f"resource's: {', '.join(c.describe() for c, _ in proven)}; adopt one with adopt_id"
            ) from error
        if claim.owner is not None and any(c.marks is not None for c in found):
            return None  # a kind that carries the mark: unmarked or foreign-marked objects are not ours
        if len(sorted_.recent) == 1:
            return self._adopted(sorted_.recent[0].id, f"was made after this create was sent (it answered {error})")
        if sorted_.recent:
            STATS.refused_unproven += 1
            raise ScpError(
                f"creating {self.spec.type_name} answered {error}, and {len(sorted_.recent)} objects appeared since "
                f"it was sent: {adopt_hint(self.spec.type_name, sorted_.recent)}"
            ) from error
        return None

    def _create_or_clean_up(self, op: Operation, inputs: Props, claim: Claim) -> tuple[str, Props]:
        try:
            return self.create_object(op, inputs)
        except WaitError as error:
            raise self._clean_up(op, error, inputs) from error
        except ConflictError as conflict:
            # A name already taken: ours only if proven (an earlier run whose answer was lost).
            found = self._look(op.client, inputs)
            if found is None:
                raise
            proven = pick_proven(sort_candidates(found, claim).proven, claim)
            if len(proven) == 1:
                object_id = self._adopted(proven[0][0].id, proven[0][1])
                return object_id, self._settle_or_clean_up(op, object_id, inputs)
            named = [c for c in found if c.name == inputs.get("name")] or found
            if not named:
                raise
            STATS.refused_unproven += 1
            raise ScpError(f"{conflict.detail}: {adopt_hint(self.spec.type_name, named)}") from conflict

    def _settle_or_clean_up(self, op: Operation, object_id: str, inputs: Props) -> Props:
        try:
            return self.wait_ready(op, object_id, inputs)
        except WaitError as error:
            raise self._clean_up(op, error, inputs) from error

    def _clean_up(self, op: Operation, error: WaitError, inputs: Props) -> WaitError:
        """Delete an object whose creation failed (unless ``keep_failed``); say what happened."""
        object_id = self.failed_object_id(error.object_id, inputs)
        what = f"{self.spec.type_name} {object_id}"
        if inputs.get(KEEP_FAILED_KEY):
            outcome = "kept it for inspection (keep_failed); delete it yourself when done"
        else:
            delete_timeout = self.spec.timeouts.merged(inputs.get(TIMEOUTS_KEY)).delete
            cleanup_deadline = time.monotonic() + delete_timeout
            cleanup = Operation(self.client().until(cleanup_deadline), cleanup_deadline, op.resource_type)
            try:
                self.delete_object(cleanup, object_id, {})
                outcome = f"deleted {what} so that nothing is left behind"
                STATS.cleanups += 1
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

    def _adopt(self, op: Operation, object_id: str, inputs: Props) -> tuple[str, Props]:
        """Bring an existing object under management: check it, wait for it, converge in-place fields."""
        try:
            live = self.read_object(op.client, object_id, {})
        except NotFoundError:
            live = None
        if live is None:
            raise ConfigurationError(f"adopt_id: there is no {self.spec.type_name} {object_id!r} to adopt")
        extra = self.wait_ready(op, object_id, inputs)
        live = self.read_object(op.client, object_id, extra) or live
        observed = {name: observe(live) for name, observe in self.spec.observed_inputs.items()}
        differing = [n for n, value in observed.items() if _normalise(value) != _normalise(inputs.get(n))]
        fixed = [n for n in differing if n not in self.spec.update_in_place]
        # Create-only inputs the program sets must match the object's field of the same name.
        for name in self.spec.input_fields:
            wanted = inputs.get(name)
            if name in self.spec.update_in_place or name in MANAGEMENT_INPUTS or wanted is None or name not in live:
                continue
            if name not in fixed and _normalise(live[name]) != _normalise(wanted):
                observed[name] = live[name]
                fixed.append(name)
        if fixed:
            details = ", ".join(f"{n} is {observed[n]!r} where the program says {inputs.get(n)!r}" for n in fixed)
            raise ConfigurationError(
                f"adopt_id: {self.spec.type_name} {object_id} cannot be adopted as declared: {details}, "
                "and that cannot change in place; make the program match the object"
            )
        if differing:
            extra.update(self.update_object(op, object_id, {**inputs, **observed}, inputs, differing))
        STATS.adoptions += 1
        return object_id, extra

    # -- helpers ---------------------------------------------------------------------------------

    def _outputs(self, inputs: Props, live: Props, extra: Props) -> Props:
        """Inputs, overridden by every field of the live object, then extras, plus the inputs' record."""
        outputs: Props = dict.fromkeys(self.spec.output_fields)
        outputs.update({k: v for k, v in inputs.items() if k in self.spec.input_fields})
        outputs.update({k: v for k, v in live.items() if k not in RESERVED_OUTPUTS})
        if isinstance(outputs.get("metadata"), Mapping):
            outputs["metadata"] = {k: v for k, v in outputs["metadata"].items() if k not in MARK_KEYS}
        outputs.update(extra)
        outputs[INPUTS_KEY] = {k: v for k, v in inputs.items() if k in self.spec.input_fields or k == AUTONAMED_KEY}
        outputs[TARGET_KEY] = self.target()
        return outputs


def _old_inputs(olds: Props) -> Props:
    """The inputs recorded in old outputs (older states without the record: the outputs themselves)."""
    recorded = olds.get(INPUTS_KEY)
    return dict(recorded) if isinstance(recorded, Mapping) else olds


def _normalise(value: Any) -> Any:
    """Treat ``[]``/``{}``/``None`` as the same absence and ignore dict ordering."""
    if value in (None, [], {}):
        return None
    if isinstance(value, Mapping):
        return {k: _normalise(v) for k, v in sorted(value.items()) if _normalise(v) is not None}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value
