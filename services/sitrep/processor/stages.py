"""The processor's stages as pure functions over plain mappings.

The faust app keeps the mappings in tables (one changelog partition each) or, for the LSH buckets and quote anchors,
in-memory indexes rebuilt from the sketches table (index_partition), and moves the messages between stages;
the offline commands keep them in dicts and call the same functions in order (see pipeline.py). So the stream and
`sitrep dedup` / `sitrep extract` reach their verdicts and events with the same code.

  clean ──► fan_out ──► visit_partition (per partition of the LSH topic: bands, quote anchors, stored sketches)
                  └───► combine_verdict (per document: once every partition it touched has answered)
  unique ──► extract_events ──► merge_candidate (per sub_event_type|country: the merge blocks of that pair)

Why fan out by partition and not per band: near-duplicate candidates must meet however many workers run, so each
band key (and quote anchor) has one home partition; grouping a document's keys by partition sends at most one
message per partition instead of one per band (32).
"""

from __future__ import annotations

import base64
import functools
import zlib
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from sitrep.dedup import DedupParams, Sketch, decide, make_sketch, sketch_from_bytes, sketch_to_bytes
from sitrep.dedup.quotes import link_score, quotable, rank_anchor_hits
from sitrep.dedup.verdict import match_bucket, match_from_row, match_to_row, verdict_record
from sitrep.extraction import blocking_keys, merge
from sitrep.processor.messages import DedupRequest, DocEnvelope, LshReply, LshRequest, SketchEntry

PARAMS = DedupParams()
DEDUP_PARTITION = 0  # every sketch lives on one partition of processor.dedup (README: the topology, measured)


def partition_of_int(value: int, partitions: int) -> int:
    return value % partitions


def partition_of_str(key: str, partitions: int) -> int:
    # crc32, not hash(): the home of a key must not change between processes
    return zlib.crc32(key.encode()) % partitions


def encode_sketch(sketch: Sketch) -> str:
    return base64.b64encode(sketch_to_bytes(sketch)).decode("ascii")


@functools.lru_cache(maxsize=4096)  # a stored sketch is read again for each document it is a candidate of
def decode_sketch(text: str) -> Sketch:
    return sketch_from_bytes(base64.b64decode(text))


def fan_out(
    doc: dict[str, Any], partitions: int, received_at: float, origin: str = "", params: DedupParams = PARAMS
) -> tuple[DocEnvelope, dict[int, LshRequest]]:
    """The document's envelope and one LSH request per partition it touches, for LSH state split over
    ``partitions`` partitions by band key and anchor. ``origin`` names the raw message
    (topic:partition:offset/doc_id), so a stage can tell a duplicate of it from a replay of the text."""
    sketch = make_sketch(doc, params)
    encoded = encode_sketch(sketch)
    requests = requests_for(sketch, encoded, partitions, received_at, origin, params)
    parts = len(requests)
    envelope = DocEnvelope(type="doc", doc_id=sketch.doc_id, doc=doc, sketch=encoded, parts=parts, origin=origin)
    return envelope, requests


def requests_for(
    sketch: Sketch, encoded: str, partitions: int, received_at: float, origin: str, params: DedupParams = PARAMS
) -> dict[int, LshRequest]:
    per: dict[int, dict[str, list[Any]]] = {}

    def slot(p: int) -> dict[str, list[Any]]:
        return per.setdefault(p, {"bands": [], "anchors": [], "lookups": []})

    for key in sketch.band_keys:
        slot(partition_of_str(key, partitions))["bands"].append(key)
    indexable = sketch.kind == "article" or quotable(sketch, params)
    if indexable:
        for anchor in sketch.anchors.tolist():
            slot(partition_of_int(anchor, partitions))["anchors"].append(anchor)
        for shingle in sketch.shingles.tolist():
            slot(partition_of_int(shingle, partitions))["lookups"].append(shingle)
    if not per:  # an empty text still needs one answer, to be called unique or a replay
        slot(partition_of_str(sketch.doc_id, partitions))
    return {
        p: LshRequest(
            type="lsh",
            doc_id=sketch.doc_id,
            kind=sketch.kind,
            sketch=encoded,
            parts=len(per),
            received_at=received_at,
            origin=origin,
            bands=keys["bands"],
            anchors=keys["anchors"],
            lookups=keys["lookups"],
        )
        for p, keys in per.items()
    }


def visit_partition(
    msg: LshRequest,
    partition: int,
    sketches: MutableMapping[str, Any],
    bands: MutableMapping[str, Any],
    tweet_anchors: MutableMapping[int | str, Any],
    article_anchors: MutableMapping[int | str, Any],
    params: DedupParams = PARAMS,
) -> LshReply | None:
    """What one partition knows about a document: bucket-mates with their exact similarity, quote links, and whether
    it saw this document before. Then the partition remembers the document.

    None for a request this partition already answered (same origin): the runner stores a sketch only after the
    reply that used it was acknowledged, so the reply exists and a second one is not needed."""
    mine = sketches.get(sketch_key(partition, msg["doc_id"]))
    if mine is not None and mine["origin"] == msg["origin"]:
        return None
    sketch = decode_sketch(msg["sketch"])
    doc_id = sketch.doc_id

    def load(other: str) -> Sketch | None:
        entry = sketches.get(sketch_key(partition, other))
        return decode_sketch(entry["sketch"]) if entry else None

    mates: set[str] = set()
    for key in msg["bands"]:
        mates.update(bands.get(key) or ())
    if sketch.kind == "article":  # copies by containment: the articles sharing most runs of text, by their anchors
        mates.update(rank_anchor_hits(map(str, msg["lookups"]), article_anchors, params))
    members = [s for s in map(load, sorted(mates - {doc_id})) if s is not None]
    matches = [match_to_row(m) for m in match_bucket(sketch, members, params)]

    other_table = article_anchors if sketch.kind == "tweet" else tweet_anchors
    linked = {other_table[_k(a)] for a in msg["lookups"] if _k(a) in other_table} - {doc_id}
    quotes = []
    for other in sorted(linked):
        o = load(other)
        if o is None:
            continue
        score = link_score(sketch, o, params)
        if score is not None:
            quotes.append([o.doc_id, *o.order_key, score])

    if mine is None:
        entry = SketchEntry(
            sketch=msg["sketch"], received_at=msg["received_at"], partition=partition, origin=msg["origin"]
        )
        sketches[sketch_key(partition, doc_id)] = entry
        index_sketch(sketch, partition, None, bands, tweet_anchors, article_anchors, params, msg)
    else:  # a replay: remember the origin it was answered for, the sketch is the same
        sketches[sketch_key(partition, doc_id)] = {**mine, "origin": msg["origin"]}
    return LshReply(
        type="reply",
        doc_id=doc_id,
        part=partition,
        parts=msg["parts"],
        seen=mine is not None,
        matches=matches,
        quotes=quotes,
        origin=msg["origin"],
    )


def index_sketch(
    sketch: Sketch,
    partition: int,
    partitions: int | None,
    bands: MutableMapping[str, Any],
    tweet_anchors: MutableMapping[Any, Any],
    article_anchors: MutableMapping[Any, Any],
    params: DedupParams = PARAMS,
    request: LshRequest | None = None,
) -> None:
    """Add one stored sketch to its partition's in-memory indexes: the band keys and anchors whose home is this
    partition (given by the request, or recomputed from the partition count)."""
    doc_id = sketch.doc_id
    if request is not None:
        own_bands, own_anchors = request["bands"], request["anchors"]
    else:
        assert partitions is not None
        own_bands = [b for b in sketch.band_keys if partition_of_str(b, partitions) == partition]
        indexable = sketch.kind == "article" or quotable(sketch, params)  # the anchors fan_out indexes
        own_anchors = (
            [a for a in sketch.anchors.tolist() if partition_of_int(a, partitions) == partition] if indexable else []
        )
    for key in own_bands:
        bands[key] = [*(bands.get(key) or ()), doc_id]
    own_table = tweet_anchors if sketch.kind == "tweet" else article_anchors
    for anchor in own_anchors:
        if _k(anchor) not in own_table:  # first wins: an original keeps its anchors against later copies
            own_table[_k(anchor)] = doc_id


def index_partition(
    entries: Iterable[tuple[str, Mapping[str, Any] | None]],
    partition: int,
    partitions: int,
    bands: MutableMapping[str, Any],
    tweet_anchors: MutableMapping[Any, Any],
    article_anchors: MutableMapping[Any, Any],
    params: DedupParams = PARAMS,
) -> int:
    """Rebuild one partition's band buckets and quote anchors from its stored sketches (in the order they were
    stored, so the first document still wins an anchor); returns how many sketches were indexed.

    Why: the buckets and anchors are derived data. Keeping them in changelogged tables cost ~85 changelog messages
    per document (one per band and per anchor), most of the processor's and the broker's work; the stream keeps
    only the sketches in a table and rebuilds these indexes in memory after a rebalance or restart."""
    n = 0
    for _key, entry in entries:
        if not entry or entry.get("partition") != partition:
            continue
        index_sketch(
            decode_sketch(entry["sketch"]), partition, partitions, bands, tweet_anchors, article_anchors, params
        )
        n += 1
    return n


def sketch_key(partition: int, doc_id: str) -> str:
    return f"{partition}|{doc_id}"


def _k(anchor: int) -> str:
    # faust tables serialise keys as JSON object keys: strings
    return str(anchor)


def combine_verdict(
    envelope: DocEnvelope | DedupRequest, replies: Iterable[LshReply], params: DedupParams = PARAMS
) -> dict[str, Any]:
    """The verdict from every partition's answer; independent of the order the answers came in."""
    sketch = decode_sketch(envelope["sketch"])
    replies = list(replies)
    seen_before = any(r["seen"] for r in replies)
    matches = {m[0]: match_from_row(m) for r in replies for m in r["matches"]}
    verdict = decide(sketch, matches.values(), params, seen_before=seen_before)
    links = {q[0]: ((q[1], q[2]), q[3]) for r in replies for q in r["quotes"]}
    if verdict["verdict"] == "unique" and links:
        first = min(links, key=lambda i: (links[i][0], i))
        verdict = verdict_record(sketch, "quoted", first, links[first][1], verdict["decided_at"], quotes=sorted(links))
    verdict["source"] = envelope["doc"].get("source")
    return verdict


def dedup_step(
    request: DedupRequest,
    sketches: MutableMapping[str, Any],
    bands: MutableMapping[str, Any],
    tweet_anchors: MutableMapping[int | str, Any],
    article_anchors: MutableMapping[int | str, Any],
    params: DedupParams = PARAMS,
) -> dict[str, Any] | None:
    """The verdict for one document on the dedup partition, which holds every sketch (so one request, one answer);
    None for a request of an origin already judged (its outputs were acknowledged before its sketch was stored).
    The verdict is kept with the sketch: a copy published again stays a copy of its original."""
    key = sketch_key(DEDUP_PARTITION, request["doc_id"])
    prior = sketches.get(key)
    sketch = decode_sketch(request["sketch"])
    [lsh] = requests_for(sketch, request["sketch"], 1, request["received_at"], request["origin"], params).values()
    reply = visit_partition(lsh, DEDUP_PARTITION, sketches, bands, tweet_anchors, article_anchors, params)
    if reply is None:
        return None
    verdict = combine_verdict(request, [reply], params)
    if prior is not None and _is_replay(verdict) and _is_copy(prior.get("verdict") or {}):
        # forwarding a copy published again would add the copy's evidence and source to events it never earned
        verdict = {**prior["verdict"], "decided_at": verdict["decided_at"]}
    sketches[key] = {**sketches[key], "verdict": verdict}
    return verdict


def _is_replay(verdict: Mapping[str, Any]) -> bool:
    return verdict["verdict"] == "exact" and verdict["duplicate_of"] == verdict["doc_id"]


def _is_copy(verdict: Mapping[str, Any]) -> bool:
    return verdict.get("verdict") in ("exact", "near") and verdict["duplicate_of"] != verdict["doc_id"]


def forwarded(envelope: DocEnvelope | DedupRequest, verdict: dict[str, Any]) -> dict[str, Any] | None:
    """The document as it goes on to extraction and storage (with the tweets it quotes), or None."""
    if not forward(verdict):
        return None
    doc = dict(envelope["doc"])
    if verdict.get("quotes"):
        doc["quotes"] = verdict["quotes"]
    return doc


def forward(verdict: Mapping[str, Any]) -> bool:
    """Unique and quoted documents go on to extraction. A document seen again under its own id (a replay, or a
    redelivery after a crash) goes on too: dropping it could lose the only copy that got through, and every
    consumer downstream is idempotent."""
    return verdict["verdict"] in ("unique", "quoted") or verdict["duplicate_of"] == verdict["doc_id"]


def merge_key(candidate: Mapping[str, Any]) -> str:
    """Where a candidate event meets its possible matches: every block of its (sub_event_type, country)."""
    return f"{candidate['sub_event_type']}|{candidate['location']['country']}"


def group_by_merge_key(candidates: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """One document's candidates, grouped by where they merge (each group is merged together, as one report)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for candidate in candidates:
        groups.setdefault(merge_key(candidate), []).append(candidate)
    return groups


def receipt_key(candidates: list[dict[str, Any]], origin: str) -> str:
    """The merge-blocks key that says "this document's candidates of this merge key were merged". Merging is not
    idempotent (a candidate merged again after later reports changed its event can pick another host), so a
    candidates message delivered again (an upstream replay, or a redelivery after a crash) must be recognised."""
    key = merge_key(candidates[0]) if candidates else ""
    return f"merged|{key}|{origin}"


def merge_candidates(
    candidates: list[dict[str, Any]], blocks: MutableMapping[str, Any], now: str, received_at: float, partition: int = 0
) -> list[dict[str, Any]]:
    """Merge one document's candidates of one merge key into the blocks (ISO week x type x country) they may match;
    return the new or changed event versions."""
    state: dict[str, Any] = {"events": {}}
    home: dict[str, str] = {}
    own: dict[int, str] = {}
    for candidate in candidates:
        keys = blocking_keys(candidate)
        own[id(candidate)] = keys[0]
        for key in keys:
            for event_id, event in (blocks.get(key) or {}).get("events", {}).items():
                state["events"][event_id] = event
                home[event_id] = key
    changed = merge(state, candidates, now=now)
    first_home = own[id(candidates[0])] if candidates else ""
    for event in changed:
        key = home.get(event["event_id"]) or _home_block(event, first_home)
        block = dict(blocks.get(key) or {"events": {}})
        block["events"] = {**block.get("events", {}), event["event_id"]: event}
        block["received_at"], block["partition"] = received_at, partition
        blocks[key] = block  # reassigned, not mutated: a faust table writes its changelog on assignment
    return changed


def _home_block(event: dict[str, Any], fallback: str) -> str:
    """A new event lives in the block of its own week."""
    try:
        return blocking_keys(event)[0]
    except (KeyError, ValueError):
        return fallback


def expired(entries: Mapping[str, Any], partition: int, cutoff: float) -> list[str]:
    """Keys of this partition's entries last touched before ``cutoff`` (the retention window's start)."""
    return [
        k
        for k, v in entries.items()
        if v and v.get("partition", partition) == partition and v.get("received_at", 0) < cutoff
    ]


def forget_sketch(
    key: str,
    partition: int,
    partitions: int,
    sketches: MutableMapping[str, Any],
    bands: MutableMapping[str, Any],
    tweet_anchors: MutableMapping[Any, Any],
    article_anchors: MutableMapping[Any, Any],
) -> None:
    """Evict one document (sketch_key) from a partition's state: its sketch, its buckets and its anchors."""
    entry = sketches.get(key)
    if not entry:
        return
    sketch = decode_sketch(entry["sketch"])
    doc_id = sketch.doc_id
    # only the keys whose home is this partition: the others belong to another partition's changelog
    for band in sketch.band_keys:
        ids = bands.get(band)
        if ids and doc_id in ids and partition_of_str(band, partitions) == partition:
            rest = [i for i in ids if i != doc_id]
            if rest:
                bands[band] = rest
            else:
                del bands[band]
    table = tweet_anchors if sketch.kind == "tweet" else article_anchors
    for anchor in sketch.anchors.tolist():
        if partition_of_int(anchor, partitions) == partition and table.get(_k(anchor)) == doc_id:
            del table[_k(anchor)]
    del sketches[key]
