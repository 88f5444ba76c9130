"""Proving that an object found in the cloud was made by this stack, or refusing to guess.

A create may find an object that could be its own: the answer to the create was lost, or
an earlier run was killed before it recorded what it made. Adopting someone else's
object would later delete it on ``destroy``; ignoring our own makes a duplicate. So an
object is adopted only on proof:

* **mark**: servers and snapshots carry ``metadata`` that the show response returns; the
  provider writes ``scpvs-owner`` (a digest of the stack identity and the resource's
  URN name) and ``scpvs-attempt`` (a random nonce per create request) into it;
* **name**: an autoname is derived from the stack identity (see :mod:`._identity`), so no
  other stack can produce it;
* **relationship**: an attachment or membership between objects this resource names;
* **journal**: this machine's record that this stack's resource made object ``X`` (written
  as soon as the create's answer arrived, before the object is ready or the engine saved it).

Nothing else proves anything: not a name the program chose, not a creation time. An
object that may be this resource's but cannot be proven is reported with its id and the
``adopt_id`` to use, and nothing is created beside it (see :mod:`._safety`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ._spec import AnswerOnly

OWNER_MARK = "scpvs-owner"
ATTEMPT_MARK = "scpvs-attempt"
MARK_KEYS = (OWNER_MARK, ATTEMPT_MARK)
JOURNAL_ENV = "SCPVS_JOURNAL"


def owner_token(stack_identity: str, resource_name: str) -> str:
    """The mark of one resource of one stack: unguessable without the stack's identity."""
    digest = hashlib.sha256(f"{stack_identity}\0{resource_name}".encode()).hexdigest()
    return digest[:32]


def timestamp(value: Any) -> float | None:
    """Epoch seconds of an API timestamp (``datetime`` or ISO 8601 text)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Candidate:
    """An object a create may have made: what the cloud tells about it."""

    id: str
    name: str | None = None
    created_at: float | None = None
    marks: Mapping[str, Any] | None = None
    """The object's metadata, for kinds that carry the ownership mark (``None`` for the others)."""
    related: bool = False
    """It *is* the relationship the inputs declare (a volume attached to this server)."""

    @classmethod
    def of(cls, item: Any, *, object_id: str | None = None, marked: bool = False) -> Candidate:
        """From an API model with ``id``/``name``/``created_at`` (and ``metadata`` when ``marked``)."""
        metadata = getattr(item, "metadata", None) if marked else None
        return cls(
            id=object_id or str(item.id),
            name=getattr(item, "name", None),
            created_at=timestamp(getattr(item, "created_at", None)),
            marks=(metadata or {}) if marked else None,
        )

    def describe(self) -> str:
        created = f", created {datetime.fromtimestamp(self.created_at).isoformat()}" if self.created_at else ""
        return f"{self.id}" + (f" ({self.name!r}{created})" if self.name else "")


@dataclass(frozen=True)
class Claim:
    """What this create knows of itself, to recognise what it made."""

    owner: str | None
    """:func:`owner_token` of this stack and resource; ``None`` without a stack identity."""
    name: str | None
    stack_autonamed: bool
    """The name was derived from the stack identity (so it proves ownership)."""
    attempts: tuple[str, ...] = ()
    """The nonces of this create's requests: among several marked objects, theirs is the one."""

    def proves(self, candidate: Candidate) -> str | None:
        """How ``candidate`` is proven to be this resource's object, or ``None``."""
        if candidate.related:
            return "it is the relationship this resource declares"
        if candidate.marks is not None:
            if self.owner is None or candidate.marks.get(OWNER_MARK) != self.owner:
                return None
            # Any attempt of this resource counts: an earlier run's object is still ours.
            return "it carries this stack's ownership mark"
        if self.stack_autonamed and self.name is not None and candidate.name == self.name:
            return "its name was generated from this stack's identity"
        return None

    def rules_out(self, candidate: Candidate) -> bool:
        """``candidate`` cannot be this resource's object: a create of this stack would have
        marked it, and it carries no mark of ours."""
        return self.owner is not None and candidate.marks is not None and self.proves(candidate) is None


@dataclass
class Sorted:
    """Candidates proven this resource's (with how), and those that might be and cannot be proven."""

    proven: list[tuple[Candidate, str]] = field(default_factory=list)
    unproven: list[Candidate] = field(default_factory=list)


def sort_candidates(candidates: Iterable[Candidate], claim: Claim) -> Sorted:
    result = Sorted()
    for candidate in candidates:
        proof = claim.proves(candidate)
        if proof is not None:
            result.proven.append((candidate, proof))
        elif not claim.rules_out(candidate):
            result.unproven.append(candidate)
    return result


def pick_proven(proven: list[tuple[Candidate, str]], claim: Claim) -> list[tuple[Candidate, str]]:
    """Several objects proven ours (an earlier run and this one): this create's own request wins."""
    if len(proven) > 1 and claim.attempts:
        mine = [(c, p) for c, p in proven if c.marks is not None and c.marks.get(ATTEMPT_MARK) in claim.attempts]
        if len(mine) == 1:
            return mine
    return proven


def adopt_hint(
    kind: str, candidates: Iterable[Candidate], *, name_can_repeat: bool = False, lost: AnswerOnly | None = None
) -> str:
    """What was found, and the user's ways on: adopt it (or, when adopting would leave an output
    empty, delete it), rename, or (where the API allows several objects of one name) create
    another one on purpose."""
    listed = "; ".join(c.describe() for c in candidates)
    first = next(iter(candidates), None)
    example = f'adopt_id="{first.id}"' if first else 'adopt_id="<id>"'
    others = "give this resource another name (or leave name unset to autoname it)"
    if name_can_repeat:
        others += ", or set allow_duplicate_name=True to create another object of the same name"
    if lost is None:
        ours = f"manage it by adding {example} to the resource and run `pulumi up` again"
    else:
        ours = (
            f"{lost.what} came only in the answer that run lost: delete it and run `pulumi up` again to make a new "
            f"one ({lost.instead} and add {example})"
        )
    return (
        f"found {kind} {listed}, which this stack cannot prove it made, so nothing was created. If it is this "
        f"resource's object (an earlier run was interrupted), {ours}; if another resource of this stack manages "
        "it (the program renamed the resource), give this one the old name in its `aliases` option instead; if "
        f"it belongs to someone else, {others}"
    )


@dataclass(frozen=True)
class JournalEntry:
    owner: str
    name: str | None
    seen: frozenset[str]
    """The candidates that existed before the create was sent: they are not what it made."""
    object_id: str | None


class Journal:
    """This machine's record of the creates it sent, in SQLite next to the program.

    A row is written before a create request (with the candidates that existed then) and
    completed with the object's id as soon as the answer arrives. After a run killed
    between those moments, or between the answer and the engine saving the state, the next
    run of the same stack and resource finds the row: with an id, the object is its own;
    without one, any candidate that appeared since is reported instead of being duplicated
    or adopted. Rows are keyed by the owner token, so another stack (even of the same name)
    never reads them. A fresh machine has no journal: the other proofs still hold, and an
    unproven candidate of an explicit name stops the create (see :mod:`._safety`).
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.environ.get(JOURNAL_ENV) or str(Path(".scpvs") / "create-journal.db")
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def _connected(self) -> sqlite3.Connection:
        """One connection per process, opened on first use (the caller holds the lock).

        Write-ahead logging with ``synchronous=NORMAL``: a commit survives the process being
        killed (what the journal is for) without an fsync per row, and other processes
        (explicit providers) read and write beside this one.
        """
        if self._connection is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS creates_v2 (owner TEXT PRIMARY KEY, name TEXT, seen TEXT, object_id TEXT)"
            )
            connection.commit()
            self._connection = connection
        return self._connection

    def _write(self, statement: str, values: tuple[Any, ...]) -> None:
        with self._lock:
            connection = self._connected()
            connection.execute(statement, values)
            connection.commit()

    def started(self, owner: str, name: str | None, seen: Iterable[str]) -> None:
        self._write(
            "INSERT OR REPLACE INTO creates_v2 (owner, name, seen, object_id) VALUES (?, ?, ?, NULL)",
            (owner, name, json.dumps(sorted(seen))),
        )

    def made(self, owner: str, object_id: str) -> None:
        self._write("UPDATE creates_v2 SET object_id = ? WHERE owner = ?", (object_id, owner))

    def forget(self, owner: str) -> None:
        self._write("DELETE FROM creates_v2 WHERE owner = ?", (owner,))

    def entry(self, owner: str) -> JournalEntry | None:
        with self._lock:
            row = (
                self._connected()
                .execute("SELECT owner, name, seen, object_id FROM creates_v2 WHERE owner = ?", (owner,))
                .fetchone()
            )
        if row is None:
            return None
        owner_, name, seen, object_id = row
        return JournalEntry(owner_, name, frozenset(json.loads(seen or "[]")), object_id)


def request_digest(values: Mapping[str, Any]) -> str:
    """A digest of what a create asks for: a replacement (other inputs) is another request."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:32]
