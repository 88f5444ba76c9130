"""The simulator's world: every object, kept in SQLite, with transitions on a clock.

Objects are stored as the JSON of their show response (plus private ``_`` fields).
A transition ("this server becomes ACTIVE in 2 s", "this volume disappears in 2 s") is
stored beside the object and applied lazily whenever the object is read, so no
background thread is needed and several processes can share one file (the embedded
simulator runs in every provider process of a deployment).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Record = dict[str, Any]

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    parent TEXT,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    transitions TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS objects_by_parent ON objects (kind, parent);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- One row per scheduled transition, for the benchmark: when it was due, when a show of
-- the object first found it settled, and how many shows looked at it until then.
CREATE TABLE IF NOT EXISTS waits (
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    started REAL NOT NULL,
    due REAL NOT NULL,
    observed REAL,
    looks INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS waits_by_id ON waits (id);
"""


class World:
    """SQLite-backed store. ``path=None`` keeps everything in memory."""

    def __init__(self, path: str | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None, timeout=30.0)
        self._db.row_factory = sqlite3.Row
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._depth = 0

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One request's worth of reads and writes, atomic across threads and processes."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._db.execute("COMMIT")

    # -- objects --------------------------------------------------------------------

    def _apply_due(self, row: sqlite3.Row) -> Record | None:
        data: Record = json.loads(row["data"])
        transitions: list[dict[str, Any]] = json.loads(row["transitions"])
        now = self.clock()
        due = [t for t in transitions if t["at"] <= now]
        if not due:
            return data
        for transition in sorted(due, key=lambda t: t["at"]):
            if transition.get("delete"):
                self._db.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (row["kind"], row["id"]))
                for hook in transition.get("then", []):
                    self._run_hook(hook)
                return None
            data.update(transition.get("set", {}))
            for hook in transition.get("then", []):
                self._run_hook(hook)
        remaining = [t for t in transitions if t["at"] > now]
        self._db.execute(
            "UPDATE objects SET data = ?, transitions = ? WHERE kind = ? AND id = ?",
            (json.dumps(data), json.dumps(remaining), row["kind"], row["id"]),
        )
        return data

    def _run_hook(self, hook: dict[str, Any]) -> None:
        """Follow-up changes to other objects when a transition completes (a cascade)."""
        if hook["op"] == "delete":
            self._db.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (hook["kind"], hook["id"]))
        elif hook["op"] == "update":
            record = self.get(hook["kind"], hook["id"])
            if record is not None:
                record.update(hook["set"])
                self.put(hook["kind"], hook["id"], record)

    def settle(self) -> None:
        """Apply every transition that is due, everywhere.

        Run in a transaction of its own before each request, so that what the clock has
        done is committed even when the request itself fails and rolls back.
        """
        for row in self._db.execute("SELECT * FROM objects WHERE transitions != '[]'").fetchall():
            self._apply_due(row)

    def get(self, kind: str, object_id: str) -> Record | None:
        row = self._db.execute("SELECT * FROM objects WHERE kind = ? AND id = ?", (kind, object_id)).fetchone()
        return None if row is None else self._apply_due(row)

    def objects(self, kind: str, parent: str | None = None) -> list[Record]:
        if parent is None:
            rows = self._db.execute("SELECT * FROM objects WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
        else:
            rows = self._db.execute(
                "SELECT * FROM objects WHERE kind = ? AND parent = ? ORDER BY seq", (kind, parent)
            ).fetchall()
        return [record for row in rows if (record := self._apply_due(row)) is not None]

    def put(self, kind: str, object_id: str, data: Record, *, parent: str | None = None) -> Record:
        """Insert or replace an object (keeps its pending transitions and order)."""
        row = self._db.execute(
            "SELECT seq, parent FROM objects WHERE kind = ? AND id = ?", (kind, object_id)
        ).fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO objects (kind, id, parent, seq, data) VALUES (?, ?, ?, ?, ?)",
                (kind, object_id, parent, self.next_number("seq"), json.dumps(data)),
            )
        else:
            self._db.execute(
                "UPDATE objects SET data = ?, parent = ? WHERE kind = ? AND id = ?",
                (json.dumps(data), parent if parent is not None else row["parent"], kind, object_id),
            )
        return data

    def remove(self, kind: str, object_id: str) -> None:
        self._db.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (kind, object_id))

    def schedule(
        self,
        kind: str,
        object_id: str,
        delay: float,
        *,
        set_fields: Record | None = None,
        delete: bool = False,
        then: list[dict[str, Any]] | None = None,
    ) -> None:
        """Change (or delete) the object ``delay`` seconds from now; ``then`` runs hooks after."""
        row = self._db.execute(
            "SELECT transitions FROM objects WHERE kind = ? AND id = ?", (kind, object_id)
        ).fetchone()
        if row is None:
            return
        transitions = json.loads(row["transitions"])
        now = self.clock()
        transitions.append({"at": now + delay, "set": set_fields or {}, "delete": delete, "then": then or []})
        self._db.execute(
            "UPDATE objects SET transitions = ? WHERE kind = ? AND id = ?", (json.dumps(transitions), kind, object_id)
        )
        self._db.execute(
            "INSERT INTO waits (id, kind, started, due) VALUES (?, ?, ?, ?)", (object_id, kind, now, now + delay)
        )

    def pending(self, kind: str, object_id: str) -> bool:
        row = self._db.execute(
            "SELECT transitions FROM objects WHERE kind = ? AND id = ?", (kind, object_id)
        ).fetchone()
        return row is not None and json.loads(row["transitions"]) != []

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return int(self._db.execute("SELECT COUNT(*) FROM objects").fetchone()[0])
        return int(self._db.execute("SELECT COUNT(*) FROM objects WHERE kind = ?", (kind,)).fetchone()[0])

    def kinds(self) -> dict[str, int]:
        rows = self._db.execute("SELECT kind, COUNT(*) AS n FROM objects GROUP BY kind").fetchall()
        return {row["kind"]: int(row["n"]) for row in rows}

    # -- what clients waited for ------------------------------------------------------

    def observe(self, object_id: str) -> None:
        """A client looked at ``object_id``: count the look, and note when it first found it settled."""
        row = self._db.execute("SELECT transitions FROM objects WHERE id = ?", (object_id,)).fetchone()
        self._db.execute("UPDATE waits SET looks = looks + 1 WHERE id = ? AND observed IS NULL", (object_id,))
        if row is None or json.loads(row["transitions"]) == []:
            self._db.execute(
                "UPDATE waits SET observed = ? WHERE id = ? AND observed IS NULL", (self.clock(), object_id)
            )

    def waits(self) -> list[Record]:
        rows = self._db.execute("SELECT * FROM waits ORDER BY started").fetchall()
        return [dict(row) for row in rows]

    # -- counters -------------------------------------------------------------------

    def next_number(self, name: str) -> int:
        self._db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (name,),
        )
        return int(self._db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0])

    def counters(self, prefix: str = "") -> dict[str, int]:
        rows = self._db.execute("SELECT name, value FROM counters WHERE name LIKE ?", (prefix + "%",)).fetchall()
        return {row["name"]: int(row["value"]) for row in rows}
