"""The processor in one process, one partition, no faults: what `sitrep dedup`, `sitrep extract` and `sitrep eval`
use. It is the in-memory runner over the same stage objects the stream runs (flow.py), so a corpus processed
offline gets the verdicts and events the stream gives it, by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sitrep.processor.runner import MemoryRunner, publish_raw
from sitrep.settings import Settings
from sitrep.topics import Topic


@dataclass
class Outcome:
    """What the processor sent while handling some input (in order)."""

    verdicts: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # every version made
    dead_letters: list[dict[str, Any]] = field(default_factory=list)


class LocalPipeline:
    def __init__(self, settings: Settings | None = None) -> None:
        self.runner = MemoryRunner(1, settings=settings)
        self.events: dict[str, dict[str, Any]] = {}  # latest version of each event
        self._seen: dict[Topic, int] = {}

    def process(self, raws: Iterable[Mapping[str, Any]]) -> Outcome:
        """Raw documents through every stage; what came out of them."""
        publish_raw(self.runner, raws)
        self.runner.run()
        out = Outcome(
            self._new(Topic.DUPLICATES),
            self._new(Topic.DOCUMENTS),
            self._new(Topic.EVENTS),
            self._new(Topic.DEAD_LETTERS),
        )
        for version in out.events:
            self.events[version["event_id"]] = version
        return out

    def run(self, raw: Mapping[str, Any]) -> Outcome:
        return self.process([raw])

    def _new(self, topic: Topic) -> list[dict[str, Any]]:
        records = self.runner.records(topic)
        start, self._seen[topic] = self._seen.get(topic, 0), len(records)
        return records[start:]
