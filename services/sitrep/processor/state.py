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
    """One table seen through a batch's pending writes."""

    def __init__(self, name: str, base: Mapping[str, Any]) -> None:
        self.name = name
        self.base = base
        self.partition = 0
        self._writes: dict[str, tuple[int, Any]] = {}

    def __getitem__(self, key: str) -> Any:
        write = self._writes.get(key)
        if write is None:
            return self.base[key]
        if write[1] is DELETED:
            raise KeyError(key)
        return write[1]

    def __setitem__(self, key: str, value: Any) -> None:
        self._writes[key] = (self.partition, value)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._writes[key] = (self.partition, DELETED)

    def __contains__(self, key: object) -> bool:
        write = self._writes.get(key)  # type: ignore[call-overload]
        if write is None:
            return key in self.base
        return write[1] is not DELETED

    def __iter__(self) -> Iterator[str]:
        for key in self.base:
            if key not in self._writes:
                yield key
        for key, (_, value) in self._writes.items():
            if value is not DELETED:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def writes(self) -> list[Write]:
        return [Write(self.name, partition, key, value) for key, (partition, value) in self._writes.items()]


class BatchState:
    """Every table of one stage, as overlays for one batch."""

    def __init__(self, tables: Mapping[str, Mapping[str, Any]]) -> None:
        self.tables = {name: Overlay(name, table) for name, table in tables.items()}

    def __getitem__(self, name: str) -> Overlay:
        return self.tables[name]

    def at_partition(self, partition: int) -> BatchState:
        """Writes from now on belong to this partition's changelog (the message being handled)."""
        for overlay in self.tables.values():
            overlay.partition = partition
        return self

    def writes(self) -> list[Write]:
        return [w for overlay in self.tables.values() for w in overlay.writes()]


def apply_to_dicts(tables: Mapping[str, MutableMapping[str, Any]], writes: list[Write]) -> None:
    """The writes into plain dicts (the in-memory runner's durable state)."""
    for w in writes:
        if w.value is DELETED:
            tables[w.table].pop(w.key, None)
        else:
            tables[w.table][w.key] = w.value
