"""The processor's stages run in one process over dicts: what `sitrep dedup` and `sitrep extract` use.

Same functions as the faust app (stages.py), with one partition: a corpus processed offline gets the verdicts and
events the stream gives it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from sitrep.cleaning import clean_document
from sitrep.deadletter import now_iso
from sitrep.extraction import extract_events
from sitrep.processor import stages


class LocalPipeline:
    def __init__(self) -> None:
        self.sketches: dict[str, Any] = {}
        self.bands: dict[str, Any] = {}
        self.tweet_anchors: dict[Any, Any] = {}
        self.article_anchors: dict[Any, Any] = {}
        self.blocks: dict[str, Any] = {}
        self.events: dict[str, dict[str, Any]] = {}  # latest version of each event
        self.pending: dict[str, Any] = {}
        self.done: dict[str, Any] = {}
        self.seq = 0  # each document read is a new message

    def dedup(self, raw: dict[str, Any], origin: str | None = None) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(clean document, verdict) for each document the raw one cleans into. ``origin`` names the message the raw
        document came in (the same origin again is a redelivery); by default every call is a new message."""
        if origin is None:
            origin, self.seq = f"offline:{self.seq}", self.seq + 1
        for doc in clean_document(raw):
            envelope, messages = stages.fan_out(doc, 1, time.time(), origin=f"{origin}/{doc['id']}")
            replies = [stages.visit_partition(m, p, self.sketches, self.bands, self.tweet_anchors,
                                              self.article_anchors) for p, m in messages.items()]
            doc_id = doc["id"]
            result = None
            for msg in ({"type": "doc", **envelope}, *({"type": "reply", **r} for r in replies)):
                keep, done, verdict, _ = stages.verdict_step(msg, self.pending.get(doc_id), self.done.get(doc_id),
                                                             time.time())
                if keep is None:
                    self.pending.pop(doc_id, None)
                else:
                    self.pending[doc_id] = keep
                if done is not None:
                    self.done[doc_id] = done
                result = verdict or result
            assert result is not None  # every answer was given above
            yield doc, result

    def extract(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        """New or changed event versions from one forwarded document."""
        changed: list[dict[str, Any]] = []
        for group in stages.group_by_merge_key(extract_events(doc)).values():
            changed.extend(stages.merge_candidates(group, self.blocks, now_iso(), time.time()))
        for event in changed:
            self.events[event["event_id"]] = event
        return changed

    def run(self, raw: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]]:
        for doc, verdict in self.dedup(raw):
            yield doc, verdict, self.extract(doc) if stages.forward(verdict) else []
