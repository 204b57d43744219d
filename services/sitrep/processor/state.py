"""A stage's tables during one batch: reads see the batch's own writes, the writes reach the real tables later.

Why: the rule that makes a redelivery safe (README, Reliability) is "a stage's outputs are acknowledged before its
state is written". A stage writes into an Overlay while it handles a batch; the runner sends the batch's outputs,
waits for the broker to acknowledge them, and only then applies the overlay's writes to the tables (whose
changelog is what a restart restores). A restart therefore never finds state whose outputs were lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

DELETED: Any = object()  # a write that removes the key


@dataclass(frozen=True)
class Write:
    table: str
    partition: int  # the changelog partition: the partition of the message that made the write
    key: str
    value: Any  # DELETED for a removal


class Overlay(MutableMapping[str, Any]):
    """One table seen through a batch's pending writes.

    The writes are kept per message, in message order (a key written twice by one message counts once): applied in
    that order, any prefix of them that reached the changelog before a crash is the state after some whole
    messages plus part of the next one. Collapsing a batch's writes by key would let a later message's value for
    one key reach the changelog while an earlier message's other key did not: a state no run ever had."""

    def __init__(self, name: str, base: Mapping[str, Any]) -> None:
        self.name = name
        self.base = base
        self.partition = 0
        self._latest: dict[str, Any] = {}
        self._messages: list[dict[str, tuple[int, Any]]] = [{}]

    def begin_message(self, partition: int) -> None:
        self.partition = partition
        if self._messages[-1]:
            self._messages.append({})

    def __getitem__(self, key: str) -> Any:
        if key not in self._latest:
            return self.base[key]
        value = self._latest[key]
        if value is DELETED:
            raise KeyError(key)
        return value

    def _write(self, key: str, value: Any) -> None:
        self._latest[key] = value
        self._messages[-1][key] = (self.partition, value)

    def __setitem__(self, key: str, value: Any) -> None:
        self._write(key, value)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._write(key, DELETED)

    def __contains__(self, key: object) -> bool:
        if key not in self._latest:
            return key in self.base
        return self._latest[key] is not DELETED  # type: ignore[index]

    def __iter__(self) -> Iterator[str]:
        for key in self.base:
            if key not in self._latest:
                yield key
        for key, value in self._latest.items():
            if value is not DELETED:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def writes(self) -> list[Write]:
        return [Write(self.name, p, key, value) for message in self._messages for key, (p, value) in message.items()]


class BatchState:
    """Every table of one stage, as overlays for one batch."""

    def __init__(self, tables: Mapping[str, Mapping[str, Any]]) -> None:
        self.tables = {name: Overlay(name, table) for name, table in tables.items()}

    def __getitem__(self, name: str) -> Overlay:
        return self.tables[name]

    def at_partition(self, partition: int) -> BatchState:
        """A new message, from this partition: its writes belong to that partition's changelog."""
        for overlay in self.tables.values():
            overlay.begin_message(partition)
        return self

    def writes(self) -> list[Write]:
        """Every write, table by table and within a table message by message: each table has its own changelog,
        so only the order within one table matters."""
        return [w for overlay in self.tables.values() for w in overlay.writes()]


def apply_to_dicts(tables: Mapping[str, MutableMapping[str, Any]], writes: list[Write]) -> None:
    """The writes into plain dicts (the in-memory runner's durable state)."""
    for w in writes:
        if w.value is DELETED:
            tables[w.table].pop(w.key, None)
        else:
            tables[w.table][w.key] = w.value
