"""The processor's internal messages (one shape per internal topic) and what its tables hold.

Every message carries ``origin``: the raw message it descends from (``topic:partition:offset/doc_id``). A stage that
meets the same origin again is seeing a duplicate of work already done (an upstream stage replayed after a crash);
the same document id under a new origin is a replay of the text (the fetcher published it again).
The JSON schemas in schemas/processor.*.schema.json describe the same shapes for anyone reading the topics.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class LshRequest(TypedDict):
    """processor.lsh: what one home partition must look up and remember about a document."""

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
    """processor.verdict: what one partition knows about a document."""

    type: Literal["reply"]
    doc_id: str
    part: int
    parts: int
    seen: bool  # this document id was stored here before, from another raw message (a replay)
    matches: list[list[Any]]  # [doc_id, published_key, id_key, similarity, same_hash]
    quotes: list[list[Any]]  # [doc_id, published_key, id_key, containment]
    origin: str


class DocEnvelope(TypedDict):
    """processor.verdict: the document itself, waiting for its replies."""

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
    """lsh-sketches[partition|doc_id]: the sketch a partition keeps (buckets and anchors are indexes over it)."""

    sketch: str
    received_at: float
    partition: int
    origin: str


class PendingEntry(TypedDict, total=False):
    """verdict-pending[doc_id]: the envelope and the replies so far."""

    envelope: DocEnvelope
    replies: dict[str, LshReply]  # part|origin -> reply
    received_at: float
    partition: int


class DoneEntry(TypedDict):
    """verdict-done[doc_id]: the verdict given to the document's latest raw message."""

    origin: str
    verdict: dict[str, Any]
    received_at: float
    partition: int


class MergeBlock(TypedDict):
    """merge-blocks[sub_event_type|country|ISO week]: the events of one block."""

    events: dict[str, dict[str, Any]]
    received_at: float
    partition: int
