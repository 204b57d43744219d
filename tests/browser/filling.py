"""Fill a real SQLite store the way the stream does: the processor's own stages run in one process
(sitrep.processor.pipeline.LocalPipeline, what `sitrep extract` runs), and every forwarded document, every verdict
and every event version goes through storage's writer, as `sitrep storage` would write them off the topics."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitrep.corpus import read_corpus
from sitrep.processor.pipeline import LocalPipeline
from sitrep.storage.sql_store import SqlStore
from sitrep.topics import Topic


def fill_from_raw(
    store: SqlStore, raws: Iterable[dict[str, Any]], pipeline: LocalPipeline | None = None
) -> list[dict[str, Any]]:
    """Run raw documents through the pipeline into ``store``; return the event versions written, in order."""
    pipeline = pipeline or LocalPipeline()
    versions: list[dict[str, Any]] = []
    for raw in raws:
        outcome = pipeline.run(raw)
        for verdict in outcome.verdicts:
            store.add(Topic.DUPLICATES, verdict)
        for doc in outcome.documents:
            store.add(Topic.DOCUMENTS, doc)
        for event in outcome.events:
            store.add(Topic.EVENTS, event)
        versions.extend(outcome.events)
        store.flush()
    return versions


def fill_from_corpus(store: SqlStore, *paths: Path | str) -> list[dict[str, Any]]:
    return fill_from_raw(store, read_corpus(*paths))
