"""The processor's stages as pure functions over plain mappings.

The faust app keeps the mappings in tables (one changelog partition each) and moves the messages between stages;
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
import zlib
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from sitrep.dedup import DedupParams, Match, Sketch, decide, make_sketch, sketch_from_bytes, sketch_to_bytes
from sitrep.dedup.quotes import quotable, quote_score
from sitrep.dedup.verdict import match_bucket, verdict_record
from sitrep.extraction import blocking_keys, merge

PARAMS = DedupParams()


def partition_of_int(value: int, partitions: int) -> int:
    return value % partitions


def partition_of_str(key: str, partitions: int) -> int:
    # crc32, not hash(): the home of a key must not change between processes
    return zlib.crc32(key.encode()) % partitions


def encode_sketch(sketch: Sketch) -> str:
    return base64.b64encode(sketch_to_bytes(sketch)).decode("ascii")


def decode_sketch(text: str) -> Sketch:
    return sketch_from_bytes(base64.b64decode(text))


def fan_out(doc: dict[str, Any], partitions: int, received_at: float,
            params: DedupParams = PARAMS) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """The document's envelope for the verdict stage and one LSH message per partition it touches."""
    sketch = make_sketch(doc, params)
    encoded = encode_sketch(sketch)
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
    messages = {
        p: {"doc_id": sketch.doc_id, "kind": sketch.kind, "sketch": encoded, "parts": len(per), "t": received_at,
            **keys}
        for p, keys in per.items()
    }
    envelope = {"doc_id": sketch.doc_id, "doc": doc, "sketch": encoded, "parts": len(per)}
    return envelope, messages


def visit_partition(
    msg: dict[str, Any],
    partition: int,
    sketches: MutableMapping[str, Any],
    bands: MutableMapping[str, Any],
    tweet_anchors: MutableMapping[int | str, Any],
    article_anchors: MutableMapping[int | str, Any],
    params: DedupParams = PARAMS,
) -> dict[str, Any]:
    """What one partition knows about a document: bucket-mates with their exact similarity, quote links, and whether
    it saw this document before. Then the partition remembers the document."""
    sketch = decode_sketch(msg["sketch"])
    doc_id = sketch.doc_id
    # a worker's table holds every partition it owns; a sketch is stored once per partition it visited
    seen = sketch_key(partition, doc_id) in sketches

    def load(other: str) -> Sketch | None:
        entry = sketches.get(sketch_key(partition, other))
        return decode_sketch(entry["s"]) if entry else None

    mates: set[str] = set()
    for key in msg["bands"]:
        mates.update(bands.get(key) or ())
    members = [s for s in map(load, sorted(mates - {doc_id})) if s is not None]
    matches = [[m.doc_id, *m.order_key, m.similarity, m.same_hash] for m in match_bucket(sketch, members, params)]

    other_table = article_anchors if sketch.kind == "tweet" else tweet_anchors
    linked = {other_table[_k(a)] for a in msg["lookups"] if _k(a) in other_table} - {doc_id}
    quotes = []
    for other in sorted(linked):
        o = load(other)
        if o is None:
            continue
        tweet, article = (sketch, o) if sketch.kind == "tweet" else (o, sketch)
        score = quote_score(tweet, article, params)
        if score is not None:
            quotes.append([o.doc_id, *o.order_key, score])

    if not seen:
        sketches[sketch_key(partition, doc_id)] = {"s": msg["sketch"], "t": msg["t"], "p": partition}
        for key in msg["bands"]:
            bands[key] = [*(bands.get(key) or ()), doc_id]
        own_table = tweet_anchors if sketch.kind == "tweet" else article_anchors
        for anchor in msg["anchors"]:
            if _k(anchor) not in own_table:  # first wins: an original keeps its anchors against later copies
                own_table[_k(anchor)] = doc_id
    return {"doc_id": doc_id, "part": partition, "parts": msg["parts"], "seen": seen, "matches": matches,
            "quotes": quotes}


def sketch_key(partition: int, doc_id: str) -> str:
    return f"{partition}|{doc_id}"


def _k(anchor: int) -> str:
    # faust tables serialise keys as JSON object keys: strings
    return str(anchor)


def combine_verdict(envelope: dict[str, Any], replies: Iterable[dict[str, Any]],
                    params: DedupParams = PARAMS) -> dict[str, Any]:
    """The verdict from every partition's answer; independent of the order the answers came in."""
    sketch = decode_sketch(envelope["sketch"])
    replies = list(replies)
    seen_before = any(r["seen"] for r in replies)
    matches = {m[0]: Match(m[0], (m[1], m[2]), m[3], m[4]) for r in replies for m in r["matches"]}
    verdict = decide(sketch, matches.values(), params, seen_before=seen_before)
    links = {q[0]: ((q[1], q[2]), q[3]) for r in replies for q in r["quotes"]}
    if verdict["verdict"] == "unique" and links:
        first = min(links, key=lambda i: (links[i][0], i))
        verdict = verdict_record(sketch, "quoted", first, links[first][1], verdict["decided_at"],
                                 quotes=sorted(links))
    verdict["source"] = envelope["doc"].get("source")
    return verdict


def forward(verdict: Mapping[str, Any]) -> bool:
    """Unique and quoted documents go on to extraction. A document seen again under its own id (a replay, or a
    redelivery after a crash) goes on too: dropping it could lose the only copy that got through, and every
    consumer downstream is idempotent."""
    return verdict["verdict"] in ("unique", "quoted") or verdict["duplicate_of"] == verdict["doc_id"]


def merge_key(candidate: Mapping[str, Any]) -> str:
    """Where a candidate event meets its possible matches: every block of its (sub_event_type, country)."""
    return f"{candidate['sub_event_type']}|{candidate['location']['country']}"


def merge_candidate(candidate: dict[str, Any], blocks: MutableMapping[str, Any], now: str,
                    received_at: float, partition: int = 0) -> list[dict[str, Any]]:
    """Merge one candidate into the blocks (ISO week x type x country) it may match; return new/changed versions."""
    keys = blocking_keys(candidate)
    state: dict[str, Any] = {"events": {}}
    home: dict[str, str] = {}
    for key in keys:
        block = blocks.get(key)
        for event_id, event in (block or {}).get("events", {}).items():
            state["events"][event_id] = event
            home[event_id] = key
    changed = merge(state, [candidate], now=now)
    for event in changed:
        key = home.get(event["event_id"], keys[0])
        block = dict(blocks.get(key) or {"events": {}})
        block["events"] = {**block.get("events", {}), event["event_id"]: event}
        block["t"], block["p"] = received_at, partition
        blocks[key] = block  # reassigned, not mutated: a faust table writes its changelog on assignment
    return changed


def expired(entries: Mapping[str, Any], partition: int, cutoff: float) -> list[str]:
    """Keys of this partition's entries last touched before ``cutoff`` (the retention window's start)."""
    return [k for k, v in entries.items() if v and v.get("p", partition) == partition and v.get("t", 0) < cutoff]


def forget_sketch(key: str, partition: int, partitions: int, sketches: MutableMapping[str, Any],
                  bands: MutableMapping[str, Any], tweet_anchors: MutableMapping[Any, Any],
                  article_anchors: MutableMapping[Any, Any]) -> None:
    """Evict one document (sketch_key) from a partition's state: its sketch, its buckets and its anchors."""
    entry = sketches.get(key)
    if not entry:
        return
    sketch = decode_sketch(entry["s"])
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
