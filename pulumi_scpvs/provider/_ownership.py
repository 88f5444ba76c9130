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
  when the create's answer arrived, before the engine saved it);
* **cloud clock**: after a lost answer, the one object of that name created since the
  request was sent, by the server's ``Date`` clock, for kinds that can carry no mark.

Anything else is reported with the candidates' ids and the ``adopt_id`` to use.
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

OWNER_MARK = "scpvs-owner"
ATTEMPT_MARK = "scpvs-attempt"
MARK_KEYS = (OWNER_MARK, ATTEMPT_MARK)
JOURNAL_ENV = "SCPVS_JOURNAL"
# A Date header has whole seconds and created_at may be rounded: allow that much, no more.
CLOCK_RESOLUTION_SECONDS = 1.0


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
    since: float | None = None
    """The server's clock when that request was sent."""
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

    def made_since(self, candidate: Candidate) -> bool:
        """Created, by the cloud's clock, after the request whose answer was lost was sent."""
        if self.since is None or candidate.created_at is None:
            return False
        if candidate.marks is not None and candidate.marks.get(OWNER_MARK) not in (None, self.owner):
            return False  # another stack's mark
        return candidate.created_at >= self.since - CLOCK_RESOLUTION_SECONDS


@dataclass
class Sorted:
    """Candidates proven this resource's (with how), and those made since a lost request."""

    proven: list[tuple[Candidate, str]] = field(default_factory=list)
    recent: list[Candidate] = field(default_factory=list)


def sort_candidates(candidates: Iterable[Candidate], claim: Claim) -> Sorted:
    result = Sorted()
    for candidate in candidates:
        proof = claim.proves(candidate)
        if proof is not None:
            result.proven.append((candidate, proof))
        elif claim.made_since(candidate):
            result.recent.append(candidate)
    return result


def pick_proven(proven: list[tuple[Candidate, str]], claim: Claim) -> list[tuple[Candidate, str]]:
    """Several objects proven ours (an earlier run and this one): this create's own request wins."""
    if len(proven) > 1 and claim.attempts:
        mine = [(c, p) for c, p in proven if c.marks is not None and c.marks.get(ATTEMPT_MARK) in claim.attempts]
        if len(mine) == 1:
            return mine
    return proven


def adopt_hint(kind: str, candidates: Iterable[Candidate]) -> str:
    listed = "; ".join(c.describe() for c in candidates)
    first = next(iter(candidates), None)
    example = f'adopt_id="{first.id}"' if first else 'adopt_id="<id>"'
    return (
        f"found {kind} {listed}, which this stack cannot prove it made. If it is this resource's object "
        f"(an earlier run was interrupted), manage it by adding {example} to the resource and run `pulumi up` "
        "again; if it belongs to someone else, give this resource another name (or leave name unset to autoname it)"
    )


@dataclass(frozen=True)
class JournalEntry:
    owner: str
    name: str | None
    since: float | None
    object_id: str | None


class Journal:
    """This machine's record of the creates it sent, in SQLite next to the program.

    A row is written before a create request and completed with the object's id when the
    answer arrives. After a run killed between those moments, or between the answer and
    the engine saving the state, the next run of the same stack and resource finds the row:
    with an id, the object is its own; without one, an object of that name made since then
    is reported instead of being duplicated. Rows are keyed by the owner token, so another
    stack (even of the same name) never reads them.
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.environ.get(JOURNAL_ENV) or str(Path(".scpvs") / "create-journal.db")
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30.0)
        if not self._ready:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS creates_v1 (owner TEXT PRIMARY KEY, name TEXT, since REAL, object_id TEXT)"
            )
            connection.commit()
            self._ready = True
        return connection

    def _write(self, statement: str, values: tuple[Any, ...]) -> None:
        with self._lock:
            connection = self._connect()
            try:
                connection.execute(statement, values)
                connection.commit()
            finally:
                connection.close()

    def started(self, owner: str, name: str | None, since: float | None) -> None:
        self._write(
            "INSERT OR REPLACE INTO creates_v1 (owner, name, since, object_id) VALUES (?, ?, ?, NULL)",
            (owner, name, since),
        )

    def made(self, owner: str, object_id: str) -> None:
        self._write("UPDATE creates_v1 SET object_id = ? WHERE owner = ?", (object_id, owner))

    def forget(self, owner: str) -> None:
        self._write("DELETE FROM creates_v1 WHERE owner = ?", (owner,))

    def entry(self, owner: str) -> JournalEntry | None:
        with self._lock:
            connection = self._connect()
            try:
                row = connection.execute(
                    "SELECT owner, name, since, object_id FROM creates_v1 WHERE owner = ?", (owner,)
                ).fetchone()
            finally:
                connection.close()
        return None if row is None else JournalEntry(*row)


def request_digest(values: Mapping[str, Any]) -> str:
    """A digest of what a create asks for: a replacement (other inputs) is another request."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:32]
