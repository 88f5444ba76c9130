"""The generic provider engine every resource is declared on.

A resource supplies a :class:`ResourceSpec` (its input model, the :class:`Crud` shape of
its API, which inputs update in place, how it is autonamed, its default timeouts, its
secret outputs). The hooks (``send_create``, ``wait_ready``, ``read_object``,
``update_object``, ``delete_object``, ``candidates``...) follow the Crud shape by default; a
resource overrides only those where its API differs. This module turns that into
Pulumi's dynamic provider protocol (the create safety net, target pinning and
autonaming are the modules ``_safety``, ``_targets`` and ``_naming``):

* ``check`` validates the inputs against the model and returns one ``CheckFailure``
  per bad field, skipping fields whose value is not known yet (preview);
* ``diff`` compares input fields only (never ``__provider`` or ``timeouts``) and splits
  them into in-place updates and replacements;
* ``create``/``update`` return complete outputs (inputs plus every field of the show
  response), waiting for 202 operations against the ``timeouts`` deadline;
* ``read`` returns outputs *and* inputs, with an empty id when the object is gone, so
  ``pulumi refresh`` drops it and later diffs see the drift;
* ``delete`` waits until the object is gone and treats 404 as done.

Credentials never live on the provider object: ``configure`` takes the stack config in
the provider process, the settings are resolved there (the default ones, and each
profile of ``scpvs:profiles`` once, when a resource first names it), and ``__getstate__``
pickles nothing but the class. Every step uses the settings of the ``profile`` of the
resource it handles: the new inputs' for check, diff, create and update, the recorded
ones for read and delete.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Collection, Mapping
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
from pydantic import BaseModel, ValidationError

from ..scp import ScpClient
from ..scp._config import (
    PROFILES_KEY,
    PULUMI_KEYS,
    ScpConfig,
    parse_profiles,
    resolve_config,
    resolve_profile,
    unknown_stack_settings,
)
from ..scp._errors import ConfigurationError, NotFoundError, ScpError
from ..scp._watch import ListWatch
from ._clients import CLIENTS
from ._inputs import ResourceInputs, partial_inputs
from ._keys import (
    ADOPT_KEY,
    AUTONAMED_KEY,
    INPUTS_DELTA_KEY,
    LEGACY_KIND_KEY,
    MANAGEMENT_INPUTS,
    PROFILE_KEY,
    PROGRAM_KEYS,
    PROVIDER_KEY,
    RESOURCE_NAME_KEY,
    STACK_IDENTITY_KEY,
    TARGET_KEY,
    TIMEOUTS_KEY,
)
from ._naming import fill_in_name
from ._ownership import MARK_KEYS, Candidate
from ._reporting import quiet_tracebacks, reported, show_progress
from ._safety import REPLACEMENTS, CreateSafetyNet
from ._spec import RESERVED_OUTPUTS, AnswerOnly, Crud, Props, ResourceSpec, compact, id_parts, join_id, list_item_model
from ._step import Step
from ._targets import check_target, target_of
from ._values import inputs_delta, is_unknown, normalise, old_inputs
from ._workers import widen_worker_pool

__all__ = ["ScpProvider", "kind_watch", "validation_failures"]

log = logging.getLogger(__name__)


def _failure_path(location: tuple[Any, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _input_name(failure_path: str) -> str:
    """The input a failure's path starts with (``networks[0].fixed_ip``: ``networks``)."""
    return failure_path.partition(".")[0].partition("[")[0]


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


class ScpProvider(ResourceProvider):
    """Base of every resource provider: implements the protocol once, from the spec and hooks."""

    spec: ClassVar[ResourceSpec]
    # The pickle holds the class alone (see ``__getstate__``): no secret, so the engine need
    # not encrypt two copies of it per resource in every checkpoint.
    serialize_as_secret_always = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "spec" in vars(cls):
            cls.spec = cls.spec.named(cls.__name__)

    def __init__(self) -> None:
        self._forget_configuration()

    def _forget_configuration(self) -> None:
        self._stack_config: dict[str, Any] = {}
        self._raw_profiles: Any = None
        self._config: ScpConfig | None = None
        self._profile_configs: dict[str, ScpConfig] = {}
        self._config_lock = threading.Lock()
        self._unknown_settings: list[str] = []

    # -- pickling: the class travels, nothing else --------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._forget_configuration()

    # -- configuration and client -----------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Take the stack's ``scpvs:*`` settings and ``scpvs:profiles`` for this process.

        They are resolved (with the environment) when first needed, each profile once.
        """
        widen_worker_pool()
        quiet_tracebacks()
        show_progress()
        self._forget_configuration()
        self._stack_config = {
            f"scpvs:{key}": value
            for key in PULUMI_KEYS.values()
            if (value := req.config.get(f"scpvs:{key}")) is not None
        }
        self._raw_profiles = req.config.get(PROFILES_KEY)
        # Every key of the stack config (the SDK's Config has no public way to list them).
        self._unknown_settings = unknown_stack_settings(getattr(req.config, "_props", None) or {})

    def config(self, profile: str | None = None) -> ScpConfig:
        """The resolved settings of ``profile`` (by default the ``scpvs:*`` ones; from the
        environment alone when ``configure`` never ran)."""
        if self._unknown_settings:
            raise ConfigurationError(" ".join(self._unknown_settings))
        parse_profiles(self._raw_profiles)  # every profile's keys, even those no resource names yet
        with self._config_lock:
            if profile is None:
                if self._config is None:
                    self._config = resolve_config(pulumi_config=self._stack_config)
                return self._config
            if profile not in self._profile_configs:
                try:
                    if self._config is None:
                        self._config = resolve_config(pulumi_config=self._stack_config)
                    default: ScpConfig | None = self._config
                except ConfigurationError:
                    default = None  # a profile complete on its own does not need the default settings
                profiles = parse_profiles(self._raw_profiles)
                self._profile_configs[profile] = resolve_profile(profile, profiles, default)
            return self._profile_configs[profile]

    def client(self, profile: str | None = None) -> ScpClient:
        return CLIENTS.get(self.config(profile))

    def profile_of(self, props: Props) -> str | None:
        """The profile of a resource, from its inputs or from the record in its outputs."""
        profile = self.old_inputs(props).get(PROFILE_KEY)
        return profile if isinstance(profile, str) else None

    def old_inputs(self, outputs: Props) -> Props:
        """The inputs ``outputs`` were made from (see :func:`inputs_delta`)."""
        return old_inputs(outputs, self._recorded_fields())

    def _recorded_fields(self) -> tuple[str, ...]:
        return (*self.spec.input_fields, AUTONAMED_KEY)

    def _step(self, props: Props, phase: str) -> Step:
        timeouts = self.spec.timeouts.merged(props.get(TIMEOUTS_KEY))
        deadline = time.monotonic() + getattr(timeouts, phase)
        return Step(
            self.client(self.profile_of(props)).until(deadline), deadline, self.spec.type_name, shown_name(props)
        )

    # -- hooks: the common shape comes from ``spec.crud``; a resource overrides what differs --

    def _crud(self) -> Crud:
        if self.spec.crud is None:
            raise NotImplementedError(f"{self.spec.type_name} declares no Crud shape: it implements every hook")
        return self.spec.crud

    def show(self, client: ScpClient, object_id: str) -> Any:
        """The object as the API shows it (``Crud.show``; a composite id fills its path parameters)."""
        operation = self._crud().api_operation(self._crud().show)
        path = dict(zip(operation.path_params, id_parts(object_id, len(operation.path_params)), strict=True))
        assert operation.response_model is not None
        return client.call_model(operation.response_model, operation, path=path)

    def send_create(self, step: Step, inputs: Props, mark: Mapping[str, str] | None) -> tuple[str, Props]:
        """Send the create request; return the new object's resource id (``parent/child`` for a
        child) and the outputs only the answer carries. Nothing more: the safety net journals
        the id, then waits with :meth:`wait_ready` (see :mod:`._safety`). ``mark`` is the
        ownership mark for kinds whose objects carry ``metadata``."""
        crud = self._crud()
        operation = crud.api_operation(crud.create)
        parents = [str(inputs[name]) for name in operation.path_params]
        assert operation.response_model is not None
        path = dict(zip(operation.path_params, parents, strict=True))
        body = self.create_request(inputs, mark)
        created = step.client.call_model(operation.response_model, operation, path=path, body=body)
        return join_id(*parents, str(crud.created_id(created))), {}

    def answer_only_output(self, inputs: Props) -> AnswerOnly | None:
        """An output only the create's answer carries, for these inputs (a generated private key).

        An object proven this resource's but made by a create whose answer was lost is then
        deleted and created again, and ``adopt_id`` is refused: never an empty output in silence.
        """
        return None

    def read_object(self, client: ScpClient, object_id: str, outputs: Props) -> Props | None:
        """The show response as plain JSON data, or ``None`` when the object is gone."""
        return self.show(client, object_id).model_dump(mode="json")  # type: ignore[no-any-return]

    def update_object(self, step: Step, object_id: str, olds: Props, news: Props, changed: list[str]) -> Props:
        """Apply in-place changes (only fields in ``spec.update_in_place``); return extra outputs."""
        crud = self._crud()
        operation = crud.api_operation(crud.update)
        assert operation.body_model is not None
        body = {name: news.get(name) for name in operation.body_model.model_fields}
        path = dict(zip(operation.path_params, id_parts(object_id, len(operation.path_params)), strict=True))
        step.client.call(operation, path=path, body=compact(body))
        return {}

    def delete_object(self, step: Step, object_id: str, outputs: Props) -> None:
        """Start deleting and wait until the object is gone (404 is success)."""
        crud = self._crud()
        operation = crud.api_operation(crud.delete)
        path = dict(zip(operation.path_params, id_parts(object_id, len(operation.path_params)), strict=True))
        step.client.call(operation, path=path)
        if crud.wait_gone:
            step.wait_gone(
                lambda: self.show(step.client, object_id),
                object_id,
                self._state_of,
                crud.gone_failed,
                watch=self.watch(step.client),
            )

    def wait_ready(self, step: Step, object_id: str, inputs: Props) -> Props:
        """Wait until a just-created (or adopted) object is usable; return extra outputs.

        The safety net calls it after :meth:`send_create` (and for an adopted object).
        """
        crud = self.spec.crud
        if crud is not None and crud.ready:
            step.wait(
                lambda: self.show(step.client, object_id),
                self._state_of,
                object_id,
                crud.ready,
                crud.failed,
                watch=self.watch(step.client),
            )
        return {}

    def watch(self, client: ScpClient) -> ListWatch | None:
        """The shared watch over this kind's list, where one can stand in for ``show`` (see :func:`kind_watch`)."""
        return kind_watch(self.spec.crud, client)

    def _state_of(self, shown: Any) -> str | None:
        return getattr(shown, self._crud().state, None)

    def candidates(self, client: ScpClient, inputs: Props) -> list[Candidate]:
        """The objects a create of these inputs may have made (same name, same parent...).

        The engine decides which one, if any, is provably this resource's (see
        :mod:`._ownership`). Resources that cannot look raise :class:`NotImplementedError`,
        and an uncertain create then fails rather than risk a duplicate.
        """
        crud = self._crud()
        operation = crud.api_operation(crud.find)
        parents = [str(inputs[name]) for name in operation.path_params]
        query = {name: inputs.get(name) for name in crud.find_query}
        items = client.paginate(
            operation,
            list_item_model(operation),
            path=dict(zip(operation.path_params, parents, strict=True)),
            query=query,
        )
        found = []
        for item in items:
            if all(getattr(item, name, None) == inputs.get(name) for name in crud.find_by):
                candidate = Candidate.of(item, marked=crud.marked)
                found.append(dataclasses.replace(candidate, id=join_id(*parents, candidate.id), related=bool(parents)))
        return found

    def create_request(self, inputs: Props, mark: Mapping[str, str] | None = None) -> Props:
        """The create request body: each field of ``spec.request_model`` from the input of the
        same name (or the one ``spec.request_fields`` names), unset fields left out; kinds
        whose objects carry ``metadata`` get the ownership ``mark`` in it."""
        model = self.spec.request_model
        if model is None:
            raise NotImplementedError(f"{self.spec.type_name} declares no request model")
        request = {name: inputs.get(self.spec.request_fields.get(name, name)) for name in model.model_fields}
        if self.spec.crud is not None and self.spec.crud.marked:
            request["metadata"] = with_mark(request.get("metadata"), mark)
        return compact(request)

    def validate(self, inputs: BaseModel) -> list[CheckFailure]:
        """Check the create request against the API document's model, naming input fields.

        At preview ``inputs`` may hold only the known inputs, the unknown ones ``None`` (see
        :func:`partial_inputs`); ``check`` keeps only failures that name a known input. A
        resource may extend this with rules the document does not state.
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

    @reported("checking")
    def check(self, olds: Props, news: Props) -> CheckResult:
        inputs = {k: v for k, v in news.items() if k not in PROGRAM_KEYS}
        autonamed = fill_in_name(self.spec, self.replacement_fields(), olds, news, inputs)
        unknown = {name for name, value in inputs.items() if is_unknown(value)}
        known = {name: value for name, value in inputs.items() if name not in unknown}
        failures: list[CheckFailure] = []
        model: BaseModel | None = None
        try:
            model = self.spec.inputs.model_validate(known)
        except ValidationError as error:
            failures = validation_failures(error, skip=unknown)
            # Unknown values (preview) make the model incomplete; still fill in the defaults,
            # or every defaulted input would look changed in the plan.
            inputs = {**self._defaults(), **inputs}
        else:
            inputs = {**model.model_dump(mode="json"), **{k: inputs[k] for k in unknown}}
            # A management input at its default says nothing; leaving it out keeps the state slim.
            defaults = self._defaults()
            for name in MANAGEMENT_INPUTS & inputs.keys():
                if name in defaults and inputs[name] == defaults[name]:
                    del inputs[name]
        if not failures:
            # With every input known, the model validated above is the one to check further.
            failures = self._known_failures(olds, known, unknown, None if unknown else model)
            if autonamed and inputs.get(ADOPT_KEY):
                failures.append(CheckFailure("name", "set name to the adopted object's name when using adopt_id"))
        if autonamed:
            inputs[AUTONAMED_KEY] = autonamed
        failures += self._same_kind_as_recorded(olds)
        if not any(failure.property == PROFILE_KEY for failure in failures):
            failures += self._profile_failures(inputs.get(PROFILE_KEY))
        if inputs.get(PROFILE_KEY) is None:
            # The settings this resource deploys with, resolved (no request) so that a broken
            # configuration fails the preview of a new stack too, naming the setting and its source.
            self.config()
        for key in (RESOURCE_NAME_KEY, STACK_IDENTITY_KEY):
            if news.get(key) is not None:
                inputs[key] = news[key]
        return CheckResult(inputs, failures)

    def _known_failures(
        self, olds: Props, known: Props, unknown: Collection[str], validated: BaseModel | None = None
    ) -> list[CheckFailure]:
        """``validate`` and ``validate_change`` on the known inputs (all of them, once none is unknown).

        At preview an input may wait for another resource's output. The known ones are
        checked all the same, in a model where the unknown ones are absent (see
        :func:`partial_inputs`): what can never work is refused at the first preview, not
        at `up` after the resources it waits for were made. A failure that names no known
        input (an unknown one, or a value the request lacks because of one) waits until
        they are known.
        """
        model = validated
        if model is None:
            model_class = self.spec.inputs
            if unknown and issubclass(model_class, ResourceInputs):
                model_class = partial_inputs(model_class, frozenset(unknown))
            try:
                model = model_class.model_validate(known)
            except ValidationError:
                return []  # rules across known and unknown inputs: decided once all are known

        def about_known(failures: list[CheckFailure]) -> list[CheckFailure]:
            return [f for f in failures if _input_name(f.property) in known] if unknown else failures

        failures = about_known(self.validate(model))
        if not failures and olds:
            failures = about_known(self.validate_change(self.old_inputs(olds), model))
        return failures

    def _same_kind_as_recorded(self, olds: Props) -> list[CheckFailure]:
        """Refuse to take over a 0.1.0 resource of another kind.

        0.1.0 gave every resource one Pulumi type, which the alias of the new types points
        to: a resource of another kind declared under the same name would match the old
        one's state and plan to update it into something it is not.
        """
        recorded = olds.get(LEGACY_KIND_KEY)
        if not isinstance(recorded, str) or recorded == self.spec.type_name:
            return []
        reason = (
            f"the state records a {recorded} under this name (deployed by pulumi-scpvs 0.1.0), not a "
            f"{self.spec.type_name}: give this resource another name, or run one `pulumi up` with the "
            "program as it was before adding it"
        )
        return [CheckFailure("(resource)", reason)]

    def _profile_failures(self, profile: Any) -> list[CheckFailure]:
        """An unknown or unusable profile, refused at preview (naming the configured ones)."""
        if not isinstance(profile, str) or not profile:
            return []
        try:
            self.config(profile)
        except ConfigurationError as error:
            return [CheckFailure(PROFILE_KEY, str(error))]
        return []

    def _defaults(self) -> Props:
        fields = self.spec.inputs.model_fields
        return {
            name: info.get_default(call_default_factory=True) for name, info in fields.items() if not info.is_required()
        }

    def replacement_fields(self) -> list[str]:
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
            if name not in MANAGEMENT_INPUTS and normalise(old_inputs.get(name)) != normalise(news.get(name))
        ]
        return changed, [name for name in changed if name not in self.spec.update_in_place]

    @reported("planning")
    def diff(self, id_: str, olds: Props, news: Props) -> DiffResult:
        profile = news.get(PROFILE_KEY)
        if is_unknown(profile):
            moving = True
        else:
            moving = self._check_target(id_, olds, "update", profile)
            # Another profile that points where the object is: an update records it.
            moving = moving or profile != self.profile_of(olds)
        changed, replaces = self.changed_fields(self.old_inputs(olds), news)
        if replaces and not self.spec.delete_before_replace:
            REPLACEMENTS.note(news.get(RESOURCE_NAME_KEY), id_)
        return DiffResult(
            # A deliberate move (SCPVS_MOVE_FROM) is an update: it records the new target.
            changes=bool(changed) or moving,
            replaces=replaces,
            delete_before_replace=self.spec.delete_before_replace and bool(replaces),
        )

    @reported("creating")
    def create(self, props: Props) -> CreateResult:
        inputs = {k: v for k, v in props.items() if k != PROVIDER_KEY}
        step = self._step(inputs, "create")
        if inputs.get(ADOPT_KEY):
            object_id, extra = CreateSafetyNet(self).adopt(step, str(inputs[ADOPT_KEY]), inputs)
        else:
            object_id, extra = CreateSafetyNet(self).create(step, inputs)
        live = self._as_reached(step, object_id)
        if live is None:
            live = self.read_object(step.client, object_id, extra)
        if live is None:
            raise ScpError(f"{self.spec.type_name} {object_id} vanished right after it was created")
        return CreateResult(object_id, self._outputs(inputs, live, extra))

    @reported("reading")
    def read(self, id_: str, props: Props) -> ReadResult:
        outputs = {k: v for k, v in props.items() if k != PROVIDER_KEY}
        profile = self.profile_of(outputs)
        self._check_target(id_, outputs, "read", profile)
        try:
            live = self.read_object(self.client(profile), id_, outputs)
        except NotFoundError:
            live = None
        if live is None:
            return ReadResult(id_="", outs={})
        inputs = dict(self.old_inputs(outputs))
        for name, observe in self.spec.observed_inputs.items():
            inputs[name] = observe(live)
        result = self._outputs(inputs, live, {k: v for k, v in outputs.items() if k in self.spec.kept_outputs})
        return ReadResult(id_=id_, outs=result, inputs=inputs)

    @reported("updating")
    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        self._check_target(id_, olds, "update", self.profile_of(inputs))
        recorded = self.old_inputs(olds)
        changed = [n for n in self.spec.input_fields if normalise(recorded.get(n)) != normalise(inputs.get(n))]
        step = self._step(inputs, "update")
        extra = {k: v for k, v in olds.items() if k in self.spec.kept_outputs}
        if [name for name in changed if name not in MANAGEMENT_INPUTS]:
            extra.update(self.update_object(step, id_, recorded, inputs, changed))
        live = self.read_object(step.client, id_, olds)
        if live is None:
            raise ScpError(f"{self.spec.type_name} {id_} disappeared during the update")
        return UpdateResult(self._outputs(inputs, live, extra))

    @reported("deleting")
    def delete(self, id_: str, props: Props) -> None:
        self._check_target(id_, props, "delete", self.profile_of(props))
        step = self._step(props, "delete")
        try:
            self.delete_object(step, id_, props)
        except NotFoundError:
            log.info("%s %s was already gone", self.spec.type_name, id_)

    def _as_reached(self, step: Step, object_id: str) -> Props | None:
        """The object as the create's wait saw it ready, where that is what a read would
        answer: the kind waits and reads the common way (a show, or a listing of the same
        model). It spares a request per create."""
        reached = step.reached.get(object_id)
        common = type(self).wait_ready is ScpProvider.wait_ready and type(self).read_object is ScpProvider.read_object
        if not common or not isinstance(reached, BaseModel):
            return None
        return reached.model_dump(mode="json")

    # -- where objects live -------------------------------------------------------------------

    def target(self, profile: str | None = None) -> dict[str, str]:
        return target_of(self.config(profile))

    def _check_target(self, object_id: str, outputs: Props, action: str, profile: str | None) -> bool:
        """Refuse to touch the object unless ``profile`` points where it was created."""
        return check_target(
            self.spec.type_name,
            self.config(profile),
            object_id,
            outputs,
            action,
            profile=profile,
            recorded_profile=self.profile_of(outputs),
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _outputs(self, inputs: Props, live: Props, extra: Props) -> Props:
        """Inputs, overridden by every field of the live object, then extras, plus the inputs' record."""
        outputs: Props = dict.fromkeys(self.spec.output_fields)
        outputs.update({k: v for k, v in inputs.items() if k in self.spec.input_fields})
        outputs.update({k: v for k, v in live.items() if k not in RESERVED_OUTPUTS})
        if isinstance(outputs.get("metadata"), Mapping):
            outputs["metadata"] = {k: v for k, v in outputs["metadata"].items() if k not in MARK_KEYS}
        outputs.update(extra)
        outputs[INPUTS_DELTA_KEY] = inputs_delta(inputs, outputs, self._recorded_fields())
        outputs[TARGET_KEY] = self.target(self.profile_of(inputs))
        return outputs


def shown_name(props: Props) -> str | None:
    """How progress lines call a resource: its name in the program (create and update have
    it), else the object's name (a delete has only the outputs)."""
    resource = props.get(RESOURCE_NAME_KEY)
    name = resource.rsplit("/", 1)[-1] if isinstance(resource, str) else props.get("name")
    return name if isinstance(name, str) and name else None


def kind_watch(crud: Crud | None, client: ScpClient) -> ListWatch | None:
    """The client's shared watch over a kind's list (see :class:`ListWatch`), where it can
    stand in for ``show``: where ``Crud.find`` lists the kind at the top level in the very
    model ``Crud.show`` answers (servers, volumes, snapshots, images, auto-scaling groups)."""
    if crud is None or crud.find is None or crud.show is None:
        return None
    listing, showing = crud.api_operation(crud.find), crud.api_operation(crud.show)
    if listing.path_params or len(showing.path_params) != 1 or listing.pagination is None:
        return None
    item_model = list_item_model(listing)
    return client.watch(listing, item_model) if item_model is showing.response_model else None


def with_mark(metadata: Any, mark: Mapping[str, str] | None) -> Any:
    """Metadata with the ownership mark of a create request (see :mod:`._ownership`), if any."""
    if not mark:
        return metadata
    return {**(metadata or {}), **mark}
