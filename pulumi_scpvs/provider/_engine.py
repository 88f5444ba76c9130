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

import hashlib
import json
import logging
import string
import threading
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

from .._config import PULUMI_KEYS, ScpConfig, resolve_config
from .._errors import (
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
from .._waiting import Waiter
from ..client import RetryPolicy, ScpClient
from ._timeouts import Timeouts
from ._workers import widen_worker_pool

log = logging.getLogger("pulumi_scpvs.provider")

PROVIDER_KEY = "__provider"
RESOURCE_NAME_KEY = "__resource_name"
KIND_KEY = "__kind"  # the resource class, visible in `pulumi preview --json` (for scpvs-preview-summary)
AUTONAMED_KEY = "__autonamed"
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

    def waiter(self, read: Callable[[], Any], state_of: Callable[[Any], str | None], object_id: str) -> Waiter[Any]:
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


# Providers ride out conflicts with objects in transitional states (an attachment being
# replaced while a snapshot of its volume is taken) for up to a minute.
# Reads are retried on 500 too: a provider must survive a busy cloud, and a GET is safe to repeat.
PROVIDER_RETRY = RetryPolicy(conflict_window=60.0, retry_statuses=frozenset({500, 502, 503, 504}))
_CLIENTS: dict[tuple[str, ...], ScpClient] = {}
CREATE_ATTEMPTS = 3
EARLIER_RUN_WINDOW = 3600.0


@dataclass
class ProviderStats:
    """What the safety nets did in this process (reported by the resilience run)."""

    adoptions: int = 0
    create_retries: int = 0
    cleanups: int = 0


STATS = ProviderStats()
_CLIENTS_LOCK = threading.Lock()


class ScpProvider(ResourceProvider):
    """Base of every resource provider: implements the protocol once, from the spec and hooks."""

    spec: ClassVar[ResourceSpec]

    def __init__(self) -> None:
        self._stack_config: dict[str, Any] = {}

    # -- pickling: the class travels, nothing else --------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._stack_config = {}

    # -- configuration and client -----------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        widen_worker_pool()
        self._stack_config = {
            f"scpvs:{key}": value
            for key in PULUMI_KEYS.values()
            if (value := req.config.get(f"scpvs:{key}")) is not None
        }

    def config(self) -> ScpConfig:
        return resolve_config(pulumi_config=getattr(self, "_stack_config", {}))

    def client(self) -> ScpClient:
        """One client (one connection pool) per configuration per provider process."""
        cfg = self.config()
        key = (cfg.endpoint, cfg.access_key, cfg.secret_key, cfg.account_id)
        with _CLIENTS_LOCK:
            if key not in _CLIENTS:
                _CLIENTS[key] = ScpClient(cfg, retry=PROVIDER_RETRY)
            return _CLIENTS[key]

    def _operation(self, props: Props, phase: str) -> Operation:
        timeouts = self.spec.timeouts.merged(props.get(TIMEOUTS_KEY))
        return Operation(self.client(), time.monotonic() + getattr(timeouts, phase), self.spec.type_name)

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

    def find_existing(self, client: ScpClient, inputs: Props, since: float) -> str | None:
        """The id of the object a create started at ``since`` (epoch seconds) may have made.

        ``None`` means "looked, and it is not there". Resources that cannot look raise
        :class:`NotImplementedError`, and an uncertain create then fails rather than risk
        a duplicate.
        """
        raise NotImplementedError

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
        inputs = {k: v for k, v in news.items() if k not in (PROVIDER_KEY, RESOURCE_NAME_KEY, AUTONAMED_KEY, KIND_KEY)}
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
            inputs[AUTONAMED_KEY] = True
        inputs[KIND_KEY] = self.spec.type_name
        return CheckResult(inputs, failures)

    def _defaults(self) -> Props:
        fields = self.spec.inputs.model_fields
        return {
            name: info.get_default(call_default_factory=True) for name, info in fields.items() if not info.is_required()
        }

    def _autoname(self, olds: Props, news: Props, inputs: Props) -> bool:
        """Fill in ``name`` when omitted.

        The name must be stable across runs (the engine may check the same resource
        more than once, sometimes without its old inputs) yet new when the resource is
        replaced, or a create-before-delete replacement would collide with its own
        name. So the suffix is a hash of the resource's identity and of the inputs that
        force replacement, and an earlier autoname is kept while those are unchanged.
        """
        autoname = self.spec.autoname
        if autoname is None or inputs.get("name") not in (None, ""):
            return False
        triggers = [
            n for n in self.spec.input_fields if n not in self.spec.update_in_place and n not in ("name", TIMEOUTS_KEY)
        ]
        unchanged = all(
            _is_unknown(inputs.get(n)) or _normalise(olds.get(n)) == _normalise(inputs.get(n)) for n in triggers
        )
        if olds.get(AUTONAMED_KEY) and olds.get("name") and unchanged:
            inputs["name"] = olds["name"]
        else:
            identity = str(news.get(RESOURCE_NAME_KEY) or self.spec.type_name.lower())
            seed = json.dumps([identity, [_normalise(inputs.get(n)) for n in triggers]], sort_keys=True, default=str)
            inputs["name"] = autoname.make(identity.split("/", 2)[-1], seed)
        return True

    def changed_fields(self, old_inputs: Props, news: Props) -> tuple[list[str], list[str]]:
        """The input fields that differ, and those of them that force a replacement."""
        changed = [
            name
            for name in self.spec.input_fields
            if name not in MANAGEMENT_INPUTS and _normalise(old_inputs.get(name)) != _normalise(news.get(name))
        ]
        return changed, [name for name in changed if name not in self.spec.update_in_place]

    def diff(self, _id: str, olds: Props, news: Props) -> DiffResult:
        changed, replaces = self.changed_fields(_old_inputs(olds), news)
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[name for name in self.spec.input_fields if name not in changed],
            delete_before_replace=self.spec.delete_before_replace and bool(replaces),
        )

    def create(self, props: Props) -> CreateResult:
        inputs = {k: v for k, v in props.items() if k != PROVIDER_KEY}
        op = self._operation(inputs, "create")
        with op.client.deadline(op.deadline):
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
        inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        old_inputs = _old_inputs(olds)
        changed = [n for n in self.spec.input_fields if _normalise(old_inputs.get(n)) != _normalise(inputs.get(n))]
        op = self._operation(inputs, "update")
        extra = {k: v for k, v in olds.items() if k in self.spec.kept_outputs}
        if [name for name in changed if name not in MANAGEMENT_INPUTS]:
            with op.client.deadline(op.deadline):
                extra.update(self.update_object(op, id_, old_inputs, inputs, changed))
        live = self.read_object(op.client, id_, olds)
        if live is None:
            raise NotFoundError(404, f"{self.spec.type_name} {id_} disappeared during update", method="GET", url="")
        return UpdateResult(self._outputs(inputs, live, extra))

    def delete(self, id_: str, props: Props) -> None:
        op = self._operation(props, "delete")
        try:
            with op.client.deadline(op.deadline):
                self.delete_object(op, id_, props)
        except NotFoundError:
            log.info("%s %s was already gone", self.spec.type_name, id_)

    # -- creating safely ----------------------------------------------------------------------

    def _create_without_duplicates(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        """Create, and when the answer is lost, look for what the attempt made before trying again."""
        started = time.time()
        earlier = self._made_by_an_earlier_run(op, inputs)
        if earlier is not None:
            return earlier, self._settle_or_clean_up(op, earlier, inputs)
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return self._create_or_clean_up(op, inputs)
            except UNCERTAIN_ERRORS as error:
                try:
                    found = self.find_existing(op.client, inputs, started)
                except NotImplementedError:
                    raise ScpError(
                        f"creating {self.spec.type_name} failed with an unknown outcome ({error}); it may exist "
                        "although Pulumi does not know it: check, then adopt it with adopt_id or delete it"
                    ) from error
                if found is not None:
                    STATS.adoptions += 1
                    log.warning("%s create answered %s but %s exists: adopting it", self.spec.type_name, error, found)
                    return found, self._settle_or_clean_up(op, found, inputs)
                if attempt == CREATE_ATTEMPTS or time.monotonic() >= op.deadline:
                    raise
                STATS.create_retries += 1
                log.warning("%s create failed (%s) and made nothing: trying again", self.spec.type_name, error)
        raise AssertionError("unreachable")

    def _made_by_an_earlier_run(self, op: Operation, inputs: Props) -> str | None:
        """An object with this resource's autoname can only come from an earlier run of it
        that failed before recording it (names like volumes' are not unique in SCP, so no
        409 would tell): adopt it rather than make a second one."""
        if not inputs.get(AUTONAMED_KEY):
            return None
        try:
            found = self.find_existing(op.client, inputs, time.time() - EARLIER_RUN_WINDOW)
        except NotImplementedError:
            return None
        if found is not None:
            STATS.adoptions += 1
            log.warning(
                "%s %s was made by an earlier run that did not record it: adopting it", self.spec.type_name, found
            )
        return found

    def _create_or_clean_up(self, op: Operation, inputs: Props) -> tuple[str, Props]:
        try:
            return self.create_object(op, inputs)
        except WaitError as error:
            raise self._clean_up(op, error, inputs) from error
        except ConflictError as conflict:
            # An autonamed object is this resource's alone (its name hashes the stack and the
            # resource): if one already exists, an earlier run made it and lost the answer.
            if not inputs.get(AUTONAMED_KEY):
                raise
            try:
                found = self.find_existing(op.client, inputs, time.time() - EARLIER_RUN_WINDOW)
            except NotImplementedError:
                raise conflict from None
            if found is None:
                raise
            STATS.adoptions += 1
            log.warning(
                "%s %s was made by an earlier run whose answer was lost: adopting it", self.spec.type_name, found
            )
            return found, self._settle_or_clean_up(op, found, inputs)

    def _settle_or_clean_up(self, op: Operation, object_id: str, inputs: Props) -> Props:
        try:
            return self.wait_ready(op, object_id, inputs)
        except WaitError as error:
            raise self._clean_up(op, error, inputs) from error

    def _clean_up(self, op: Operation, error: WaitError, inputs: Props) -> WaitError:
        """Delete an object whose creation failed (unless ``keep_failed``); say what happened."""
        what = f"{self.spec.type_name} {error.object_id}"
        if inputs.get(KEEP_FAILED_KEY):
            outcome = "kept it for inspection (keep_failed); delete it yourself when done"
        else:
            delete_timeout = self.spec.timeouts.merged(inputs.get(TIMEOUTS_KEY)).delete
            cleanup = Operation(op.client, time.monotonic() + delete_timeout, op.resource_type)
            try:
                with op.client.deadline(cleanup.deadline):
                    self.delete_object(cleanup, error.object_id, {})
                outcome = f"deleted {what} so that nothing is left behind"
                STATS.cleanups += 1
            except NotFoundError:
                outcome = f"{what} is already gone"
            except Exception as cleanup_error:
                outcome = f"could not delete {what} ({cleanup_error}); delete it by hand"
        failure = type(error) if isinstance(error, (ResourceFailedError, WaitTimeoutError)) else WaitError
        return failure(f"{error}; {outcome}", object_id=error.object_id, last_state=error.last_state)

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
        outputs.update(extra)
        outputs[INPUTS_KEY] = {k: v for k, v in inputs.items() if k in self.spec.input_fields or k == AUTONAMED_KEY}
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
