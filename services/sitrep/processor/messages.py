"""The processor's internal messages (one shape per internal topic) and what its tables hold.

Every message carries ``origin``: the raw message it descends from (``topic:partition:offset/doc_id``). A stage that
meets the same origin again is seeing a duplicate of work already done (an upstream stage replayed after a crash);
the same document id under a new origin is a replay of the text (the fetcher published it again).
The JSON schemas in schemas/processor.*.schema.json describe the same shapes for anyone reading the topics.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class DedupRequest(TypedDict):
    """processor.dedup (always partition 0): a clean document and its sketch, to be judged against every sketch."""

    type: Literal["dedup"]
    doc_id: str
    doc: dict[str, Any]
    sketch: str  # base64 of dedup.sketch_to_bytes
    received_at: float
    origin: str


class ExtractRequest(TypedDict):
    """processor.extract (keyed by doc id): a unique or quoted document, to extract its events."""

    type: Literal["extract"]
    doc_id: str
    doc: dict[str, Any]
    origin: str


class LshRequest(TypedDict):
    """What one partition of LSH state must look up and remember about a document (stages.visit_partition). With
    the state on one partition this is one request per document, built where it is used; the shape also serves
    state split by band key over several partitions (stages.fan_out)."""

    type: Literal["lsh"]
    doc_id: str
    kind: str
    sketch: str  # base64 of dedup.sketch_to_bytes
    parts: int  # how many partitions were asked (the verdict waits for that many replies)
    received_at: float
    origin: str
    bands: list[str]  # band keys whose home is this partition
    anchors: list[int]  # quote anchors to index here
    lookups: list[int]  # shingles to look up among the other kind's anchors


class LshReply(TypedDict):
    """What one partition of LSH state knows about a document."""

    type: Literal["reply"]
    doc_id: str
    part: int
    parts: int
    seen: bool  # this document id was stored here before, from another raw message (a replay)
    # sitrep.dedup.verdict.match_to_row: [doc_id, published_key, id_key, similarity, same_hash, containment, kept]
    matches: list[list[Any]]
    quotes: list[list[Any]]  # [doc_id, published_key, id_key, containment]
    origin: str


class DocEnvelope(TypedDict):
    """The document, for combining the replies of several LSH partitions (stages.fan_out)."""

    type: Literal["doc"]
    doc_id: str
    doc: dict[str, Any]
    sketch: str
    parts: int
    origin: str


class Candidates(TypedDict):
    """processor.merge: one forwarded document's candidate events of one merge key."""

    type: Literal["candidates"]
    doc_id: str
    origin: str
    candidates: list[dict[str, Any]]


class Tick(TypedDict):
    """Any internal topic: time to apply retention (a table is written only from its partition's stream)."""

    type: Literal["tick"]


class SketchEntry(TypedDict):
    """dedup-sketches[partition|doc_id]: the sketch kept for a document (buckets and anchors are in-memory indexes
    over these), the raw message it was judged for and the verdict it got."""

    sketch: str
    received_at: float
    partition: int
    origin: str
    verdict: NotRequired[dict[str, Any]]


class MergeBlock(TypedDict):
    """merge-blocks[sub_event_type|country|ISO week]: the events of one block."""

    events: dict[str, dict[str, Any]]
    received_at: float
    partition: int
