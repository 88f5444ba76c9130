"""An in-process stand-in for the Pulumi engine and the dynamic provider host.

A test program (``tests/engine/programs/*.py``) runs in this process under the SDK's own
mocks (``pulumi.runtime.set_mocks``): every resource it registers goes through the SDK's
real serialization, then :class:`Deployment` does what the engine and the dynamic provider
host would do with it, against a running simulator:

- values cross the wire as the engine sends them: through the SDK's protobuf encoding
  (numbers arrive as floats), nulls dropped, secrets unwrapped (a dynamic provider does not
  accept secrets), unknowns kept in a preview;
- the provider is the one the program registered, unpickled from ``__provider`` and
  configured with the stack's ``scpvs:*`` settings, once per serialized provider;
- ``check(old inputs, news)``, then ``diff(id, old outputs, checked)``, then ``create``,
  ``update``, or a replacement (create before delete, or delete first when ``diff`` says
  so); objects the program no longer declares, and the replaced ones, are deleted once
  the program has run, newest first;
- a preview runs ``check`` and ``diff`` only and records the step each resource would take;
  a refresh calls ``read`` with the recorded outputs and drops what is gone.

It plays the engine for what a provider sees, not for what only the engine does (a killed
CLI, the worker pool, the state file, secret encryption, a provider process per command):
those stay in ``tests/engine``. It drives the SDK's mocks with a few of its internals
(``settings.ROOT``, ``SETTINGS.outputs``, ``run_in_stack``), as the newest SDK the package
allows has them; ``scripts/test.sh`` runs ``tests/protocol`` on that SDK only.
"""

from __future__ import annotations

import asyncio
import base64
import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dill
import pulumi
from google.protobuf import struct_pb2
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi.runtime import mocks, rpc, settings, stack
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

PROVIDER_KEY = "__provider"
PROGRAMS = Path(__file__).resolve().parents[1] / "engine" / "programs"


class CheckFailed(Exception):
    """A ``check`` that returned failures: the engine stops the deployment with them."""

    def __init__(self, name: str, failures: list[tuple[str, str]]) -> None:
        super().__init__(f"{name}: " + "; ".join(f"property {p}: {r}" for p, r in failures))
        self.failures = failures


@dataclass
class Recorded:
    """A resource as the state records it."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_keys: frozenset[str] = frozenset()
    """The keys the engine encrypts: the registration's ``additionalSecretOutputs`` and its secret inputs."""

    def plain(self) -> dict[str, Any]:
        """What the state holds of this resource in plain text."""
        return {
            place: {k: v for k, v in values.items() if k not in self.secret_keys}
            for place, values in (("inputs", self.inputs), ("outputs", self.outputs))
        }


@dataclass
class Step:
    """What a preview plans for one resource, as ``pulumi preview --json`` reports it."""

    op: str
    old_inputs: dict[str, Any] = field(default_factory=dict)
    new_inputs: dict[str, Any] = field(default_factory=dict)
    replace_reasons: list[str] = field(default_factory=list)

    def changed_inputs(self) -> set[str]:
        old, new = self.old_inputs, self.new_inputs
        return {k for k in old.keys() | new.keys() if k != PROVIDER_KEY and old.get(k) != new.get(k)}


def as_sent(value: Any) -> Any:
    """``value`` as the engine sends it to a provider: protobuf-encoded, nulls dropped, secrets unwrapped."""
    encoded = _sync_await(rpc.serialize_property(value, [], None))
    struct = struct_pb2.Struct()
    struct["v"] = encoded
    return _without_nulls(rpc.deserialize_properties(struct, keep_unknowns=True)["v"])


def as_recorded(values: dict[str, Any] | None, provider_bytes: str) -> dict[str, Any]:
    """What the host answers and the engine records: ``values`` with the ``__provider`` they
    came from (the host adds it to every answer), as the engine sends them on."""
    return as_sent({**(values or {}), PROVIDER_KEY: provider_bytes})


def _without_nulls(value: Any) -> Any:
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if rpc.unwrap_rpc_secret(v) is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


class Deployment:
    """One stack: its recorded resources, its stack outputs, and the runs that change them."""

    def __init__(self, stack_config: dict[str, str], project: str = "engine-test", stack_name: str = "test") -> None:
        self.config = dict(stack_config)
        self.project = project
        self.stack_name = stack_name
        self.state: dict[str, Recorded] = {}
        self.outputs: dict[str, Any] = {}
        self._providers: dict[str, ResourceProvider] = {}
        self._lock = threading.Lock()
        self._monitors: list[mocks.MockMonitor] = []  # kept alive: the package keys its stack identity on id(monitor)

    # -- what the CLI offers -----------------------------------------------------------------

    def up(self, program: str) -> dict[str, Step]:
        """Run ``program`` and apply every change; the steps taken, by resource name."""
        return self._run(program, preview=False)

    def preview(self, program: str) -> dict[str, Step]:
        """Run ``program`` with ``check`` and ``diff`` only; the steps an ``up`` would take."""
        return self._run(program, preview=True)

    def refresh(self) -> None:
        for name, recorded in list(self.state.items()):
            result = self._provider(recorded.outputs).read(recorded.id, recorded.outputs)
            if not result.id:
                del self.state[name]
                continue
            provider_bytes = recorded.outputs[PROVIDER_KEY]
            recorded.outputs = as_recorded(result.outs, provider_bytes)
            if result.inputs is not None:
                recorded.inputs = as_recorded(result.inputs, provider_bytes)

    def destroy(self) -> None:
        for name in reversed(list(self.state)):
            self._delete(self.state.pop(name))

    # -- one run of the program ----------------------------------------------------------------

    def _run(self, program: str, preview: bool) -> dict[str, Step]:
        run = _Run(preview)
        monitor = _Monitor(_Engine(self, run))
        self._monitors.append(monitor)
        with self._program_settings(monitor, preview):
            _sync_await(stack.run_in_stack(lambda: runpy.run_path(str(PROGRAMS / program), run_name="__main__")))
        gone = [name for name in self.state if name not in run.steps]
        for name in gone:
            run.steps[name] = Step("delete", old_inputs=self.state[name].inputs)
        if not preview:
            self.outputs = monitor.stack_outputs
            for recorded in reversed(run.replaced):
                self._delete(recorded)
            for name in reversed(gone):
                self._delete(self.state.pop(name))
            # The state in the order of this run's registrations (each after what it depends
            # on), so that a destroy deletes dependents first, replacements included.
            self.state = {name: self.state[name] for name in run.steps if name in self.state}
        return run.steps

    @contextmanager
    def _program_settings(self, monitor: _Monitor, preview: bool) -> Iterator[None]:
        mocks.set_mocks(monitor.mocks, self.project, self.stack_name, preview, monitor=monitor)
        settings.ROOT.set(None)  # set_mocks made a root stack; run_in_stack makes the run's own
        settings.SETTINGS.outputs = set()  # set_mocks keeps the last run's, failed ones included
        pulumi.runtime.set_all_config(dict(self.config))
        try:
            yield
        finally:
            settings.ROOT.set(None)
            loop = _ensure_event_loop()
            leftovers = asyncio.all_tasks(loop)  # a failed run leaves its other registrations pending
            for task in leftovers:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))

    def register(self, args: mocks.MockResourceArgs, run: _Run) -> tuple[str, dict[str, Any]]:
        """What the engine does with one registration: the id and outputs the program sees."""
        with self._lock:
            news = as_sent(args.inputs)
            old = self.state.get(args.name)
            provider = self._provider(news)
            checked = provider.check(old.inputs if old else {}, news)
            if checked.failures:
                raise CheckFailed(args.name, [(f.property, f.reason) for f in checked.failures])
            inputs = as_recorded(checked.inputs, news[PROVIDER_KEY])
            if old is None:
                run.steps[args.name] = Step("create", new_inputs=inputs)
                return ("", inputs) if run.preview else self._create(args, run, provider, inputs)
            diff = provider.diff(old.id, old.outputs, inputs)
            if not diff.changes:
                run.steps[args.name] = Step("same", old.inputs, inputs)
                if not run.preview:
                    old.inputs = inputs
                return old.id, old.outputs
            if diff.replaces:
                run.steps[args.name] = Step("replace", old.inputs, inputs, list(diff.replaces))
                if run.preview:
                    return "", inputs
                if diff.delete_before_replace:
                    self._delete(old)
                else:
                    run.replaced.append(old)
                return self._create(args, run, provider, inputs)
            run.steps[args.name] = Step("update", old.inputs, inputs)
            if run.preview:
                return old.id, {**old.outputs, **inputs}
            result = provider.update(old.id, old.outputs, inputs)
            old.inputs, old.outputs = inputs, as_recorded(result.outs, inputs[PROVIDER_KEY])
            return old.id, old.outputs

    def _create(
        self, args: mocks.MockResourceArgs, run: _Run, provider: ResourceProvider, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        result = provider.create(inputs)
        outputs = as_recorded(result.outs, inputs[PROVIDER_KEY])
        secret_inputs = {k for k, v in args.inputs.items() if rpc.is_rpc_secret(v)}
        secret_keys = frozenset(run.secret_outputs.get(args.name, ())) | secret_inputs
        self.state[args.name] = Recorded(str(result.id), inputs, outputs, secret_keys)
        return str(result.id), outputs

    def _delete(self, recorded: Recorded) -> None:
        self._provider(recorded.outputs).delete(recorded.id, recorded.outputs)

    def _provider(self, props: dict[str, Any]) -> ResourceProvider:
        """The host's provider for ``props``: unpickled from ``__provider`` and configured once."""
        serialized = props[PROVIDER_KEY]
        provider = self._providers.get(serialized)
        if provider is None:
            provider = dill.loads(base64.b64decode(serialized))
            raw = {k: v for k, v in self.config.items() if k.startswith("scpvs:")}
            provider.configure(ConfigureRequest(Config(raw_config=raw, project_name=self.project)))
            self._providers[serialized] = provider
        return provider


@dataclass
class _Run:
    """One run of a program: the steps taken so far and the objects replaced (deleted at its end)."""

    preview: bool
    steps: dict[str, Step] = field(default_factory=dict)
    replaced: list[Recorded] = field(default_factory=list)
    secret_outputs: dict[str, list[str]] = field(default_factory=dict)


class _Engine(mocks.Mocks):
    """The SDK's mock hooks, answered by the deployment."""

    def __init__(self, deployment: Deployment, run: _Run) -> None:
        self.deployment = deployment
        self.run = run

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:  # a component: nothing to create
            return None, {}
        return self.deployment.register(args, self.run)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise NotImplementedError(f"the programs under test call no provider function ({args.token})")


class _Monitor(mocks.MockMonitor):
    """The SDK's mock monitor, keeping the stack's outputs (``pulumi.export``)."""

    mocks: _Engine

    def __init__(self, engine: _Engine) -> None:
        super().__init__(engine)
        self.stack_outputs: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.mocks.run.secret_outputs[request.name] = list(request.additionalSecretOutputs)
        return super().RegisterResource(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if "::pulumi:pulumi:Stack::" in request.urn:
            self.stack_outputs = _without_nulls(rpc.deserialize_properties(request.outputs, keep_unknowns=True))
        return super().RegisterResourceOutputs(request)
