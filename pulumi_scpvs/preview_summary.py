"""``scpvs-preview-summary``: turn ``pulumi preview --json`` into Markdown for a pull request.

    pulumi preview --json > preview.json
    scpvs-preview-summary preview.json > summary.md      # or: ... | scpvs-preview-summary -

Per resource: the operation, its kind, and the inputs that change (old → new; secrets
only named); replacements are called out above the table because they destroy an object,
and the preview's warnings (the embedded simulator target first) above everything. Dynamic providers do not
report which fields changed, so they are worked out from the old and new inputs in the
preview itself.

A failed preview (``pulumi preview --json`` still prints its JSON, with the errors among
its diagnostics) is headed "preview failed", then each error with its resource, then the
steps planned before the failure. Empty input (the CLI failed before printing anything)
is reported as a failure too, so a workflow can always post the summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .provider._keys import AUTONAMED_KEY, HIDDEN_FROM_REVIEW, LEGACY_KIND_KEY

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# Every scpvs resource class is its own type: pulumi-python:dynamic/scpvs:Server.
SCPVS_TYPE_PREFIX = "pulumi-python:dynamic/scpvs:"
ORDER = ("replace", "create-replacement", "delete", "update", "create", "read", "refresh")
# Printed after any error that stops the program; it adds nothing to the error itself.
FOLLOW_ON_ERROR = "Resource monitor has terminated, shutting down"
SYMBOLS = {"create": "➕ create", "update": "✏️ update", "replace": "♻️ **replace**", "delete": "🗑️ delete"}


def resource_kind(step: dict[str, Any]) -> str:
    """``Server`` for a pulumi-scpvs resource (type ``pulumi-python:dynamic/scpvs:Server``), else its type.

    Resources deployed by 0.1.0 all have the shared type ``pulumi-python:dynamic:Resource``
    until their next ``up``; their kind is the ``__kind`` input recorded in their state.
    """
    states = [state for state in (step.get("newState"), step.get("oldState")) if state]
    types = [str(state["type"]) for state in states if state.get("type")]
    types.append(str(step["urn"].split("::")[-2].split("$")[-1]))
    for type_ in types:
        if type_.startswith(SCPVS_TYPE_PREFIX):
            return type_.removeprefix(SCPVS_TYPE_PREFIX)
    for state in states:
        for section in ("inputs", "outputs"):
            kind = (state.get(section) or {}).get(LEGACY_KIND_KEY)
            if isinstance(kind, str):
                return kind
    return types[0]


MASKED = "[secret]"  # how `pulumi preview --json` shows a secret value
SHOWN_LENGTH = 40


def _shown(value: Any) -> str:
    """A value as the CLI's ``--diff`` shows it, shortened."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _autonamed(step: dict[str, Any]) -> bool:
    return bool(((step.get("newState") or {}).get("inputs") or {}).get(AUTONAMED_KEY))


def changed_inputs(step: dict[str, Any]) -> list[str]:
    """Each input that changes, as ``key: old → new`` (``key (secret)`` for a secret, ``(known
    after apply)`` for a value not known yet); the inputs that force the replacement are
    listed too when their values look alike (two secrets)."""
    old = (step.get("oldState") or {}).get("inputs") or {}
    new = (step.get("newState") or {}).get("inputs") or {}
    forcing = set(step.get("replaceReasons") or [])
    changed = []
    for key in sorted(old.keys() | new.keys()):
        if key in HIDDEN_FROM_REVIEW or (old.get(key) == new.get(key) and key not in forcing):
            continue
        before, after = old.get(key), new.get(key)
        if MASKED in (before, after):
            changed.append(f"{key} (secret)")
        elif UNKNOWN in json.dumps(after):
            changed.append(f"{key}: {_shown(before)} → (known after apply)")
        elif before == after:
            changed.append(key)
        else:
            note = " (new autoname)" if key == "name" and _autonamed(step) else ""
            changed.append(f"{key}: {_shown(before)} → {_shown(after)}{note}")
    return changed


def replacement_causes(step: dict[str, Any]) -> list[str]:
    """The inputs that force a replacement (a regenerated autoname is a consequence, not a cause)."""
    causes = step.get("replaceReasons") or [change.split(":")[0].split(" ")[0] for change in changed_inputs(step)]
    return [cause for cause in causes if not (cause == "name" and _autonamed(step))]


def preview_warnings(preview: dict[str, Any]) -> list[str]:
    """The warnings a reviewer must see (where the stack deploys first), each once."""
    warnings: list[str] = []
    for diagnostic in preview.get("diagnostics") or []:
        message = " ".join(str(diagnostic.get("message", "")).split()).removeprefix("warning: ")
        if diagnostic.get("severity") == "warning" and message not in warnings:
            warnings.append(message)
    return sorted(warnings, key=lambda message: "embedded SCP simulator" not in message)


def preview_errors(preview: dict[str, Any]) -> list[tuple[str, str]]:
    """``(resource, message)`` for each error diagnostic: the resource as ``name (Kind)``, or ""
    for the stack; the message without the ``error:`` and ``<type> resource '<name>':`` prefixes."""
    errors = []
    for diagnostic in preview.get("diagnostics") or []:
        if diagnostic.get("severity") != "error":
            continue
        message = " ".join(str(diagnostic.get("message", "")).split()).removeprefix("error: ")
        urn = str(diagnostic.get("urn") or "")
        if not urn or "::pulumi:pulumi:Stack::" in urn:
            errors.append(("", message))
            continue
        name, type_ = urn.rsplit("::", 1)[-1], urn.split("::")[-2].split("$")[-1]
        message = message.removeprefix(f"{type_} resource '{name}': ")
        errors.append((f"`{name}` ({resource_kind({'urn': urn})})", message))
    meaningful = [error for error in errors if error[1] != FOLLOW_ON_ERROR]
    return meaningful or errors


def failure_lines(errors: list[tuple[str, str]]) -> list[str]:
    lines = ["### ❌ Pulumi preview failed", ""]
    for resource, message in errors:
        where = f"{resource}: " if resource else ""
        lines.append(f"> - {where}{message}")
    return [*lines, ""]


def summarize(preview: dict[str, Any]) -> str:
    errors = preview_errors(preview)
    steps = [
        s
        for s in preview.get("steps", [])
        if s.get("op") not in ("same", None) and "::pulumi:pulumi:Stack::" not in s["urn"]
    ]
    steps = [s for s in steps if s["op"] not in ("delete-replaced", "create-replacement")]
    counts = Counter(step["op"] for step in steps)
    headline = ", ".join(f"{counts[op]} to {op}" for op in ("create", "update", "replace", "delete") if counts[op])
    if errors:
        lines = failure_lines(errors)
        if steps:
            lines += [f"Planned before the failure: {headline}.", ""]
    else:
        lines = [f"### Pulumi preview: {headline or 'no changes'}", ""]
    lines += [line for warning in preview_warnings(preview) for line in (f"> ⚠️ {warning}", "")]
    replacements = [s for s in steps if s["op"] == "replace"]
    if replacements:
        lines.append(f"> ⚠️ **{len(replacements)} replacement(s)**: the old object is deleted.")
        for step in replacements:
            reasons = ", ".join(replacement_causes(step)) or "unknown"
            lines.append(f"> - `{step['urn'].rsplit('::', 1)[-1]}` ({resource_kind(step)}) because of {reasons}")
        lines.append("")
    if not steps:
        return "\n".join(lines)
    lines += ["| operation | resource | kind | changes |", "|---|---|---|---|"]
    for step in sorted(steps, key=lambda s: (ORDER.index(s["op"]) if s["op"] in ORDER else 99, s["urn"])):
        name = step["urn"].rsplit("::", 1)[-1]
        changes = changed_inputs(step) if step["op"] in ("update", "replace") else []
        forcing = set(replacement_causes(step)) if step["op"] == "replace" else set()
        shown = ", ".join(f"**{c}**" if c.split(":")[0].split(" ")[0] in forcing else c for c in changes)
        lines.append(f"| {SYMBOLS.get(step['op'], step['op'])} | `{name}` | {resource_kind(step)} | {shown} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scpvs-preview-summary", description=__doc__.split("\n\n")[0])
    parser.add_argument("preview", help="the output of `pulumi preview --json` (a file, or - for standard input)")
    args = parser.parse_args(argv)
    text = sys.stdin.read() if args.preview == "-" else open(args.preview, encoding="utf-8").read()  # noqa: SIM115
    if not text.strip():
        message = "pulumi printed no preview; its error is in the job's log"
        sys.stdout.write("\n".join(failure_lines([("", message)])))
        return 0
    sys.stdout.write(summarize(json.loads(text)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
