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
import zlib
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from sitrep.dedup import DedupParams, Match, Sketch, decide, make_sketch, sketch_from_bytes, sketch_to_bytes
from sitrep.dedup.quotes import link_score, quotable
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


def fan_out(doc: dict[str, Any], partitions: int, received_at: float, origin: str = "",
            params: DedupParams = PARAMS) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """The document's envelope for the verdict stage and one LSH message per partition it touches. ``origin`` names
    the raw message (topic:partition:offset), so a stage can tell a redelivery of it from a replay of the text."""
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
            "o": origin, **keys}
        for p, keys in per.items()
    }
    envelope = {"doc_id": sketch.doc_id, "doc": doc, "sketch": encoded, "parts": len(per), "o": origin}
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
    mine = sketches.get(sketch_key(partition, doc_id))
    # the same raw message again (a redelivery after a crash or rebalance) is answered as the first time was, against
    # the documents that were here before it; the same text under the same id from a new message is a replay
    redelivered = mine is not None and bool(msg.get("o")) and mine.get("o") == msg.get("o")
    seen = bool(mine) and not redelivered
    before = mine["t"] if redelivered and mine else float("inf")

    def load(other: str) -> Sketch | None:
        entry = sketches.get(sketch_key(partition, other))
        return decode_sketch(entry["s"]) if entry else None

    mates: set[str] = set()
    for key in msg["bands"]:
        mates.update(bands.get(key) or ())
    if redelivered:
        mates = {m for m in mates if (sketches.get(sketch_key(partition, m)) or {}).get("t", 0) < before}
    members = [s for s in map(load, sorted(mates - {doc_id})) if s is not None]
    matches = [[m.doc_id, *m.order_key, m.similarity, m.same_hash] for m in match_bucket(sketch, members, params)]

    other_table = article_anchors if sketch.kind == "tweet" else tweet_anchors
    linked = {other_table[_k(a)] for a in msg["lookups"] if _k(a) in other_table} - {doc_id}
    if redelivered:
        linked = {m for m in linked if (sketches.get(sketch_key(partition, m)) or {}).get("t", 0) < before}
    quotes = []
    for other in sorted(linked):
        o = load(other)
        if o is None:
            continue
        score = link_score(sketch, o, params)
        if score is not None:
            quotes.append([o.doc_id, *o.order_key, score])

    if not mine:
        sketches[sketch_key(partition, doc_id)] = {"s": msg["sketch"], "t": msg["t"], "p": partition, "o": msg.get("o")}
        for key in msg["bands"]:
            bands[key] = [*(bands.get(key) or ()), doc_id]
        own_table = tweet_anchors if sketch.kind == "tweet" else article_anchors
        for anchor in msg["anchors"]:
            if _k(anchor) not in own_table:  # first wins: an original keeps its anchors against later copies
                own_table[_k(anchor)] = doc_id
    return {"doc_id": doc_id, "part": partition, "parts": msg["parts"], "seen": seen, "matches": matches,
            "quotes": quotes, "o": msg.get("o")}


def index_partition(entries: Iterable[tuple[str, Mapping[str, Any] | None]], partition: int, partitions: int,
                    bands: MutableMapping[str, Any], tweet_anchors: MutableMapping[Any, Any],
                    article_anchors: MutableMapping[Any, Any], params: DedupParams = PARAMS) -> int:
    """Rebuild one partition's band buckets and quote anchors from its stored sketches (in the order they were
    stored, so the first document still wins an anchor); returns how many sketches were indexed.

    Why: the buckets and anchors are derived data. Keeping them in changelogged tables cost ~85 changelog messages
    per document (one per band and per anchor), most of the processor's and the broker's work; the stream keeps
    only the sketches in a table and rebuilds these indexes in memory after a rebalance or restart."""
    n = 0
    for _key, entry in entries:
        if not entry or entry.get("p") != partition:
            continue
        sketch = decode_sketch(entry["s"])
        doc_id = sketch.doc_id
        for band in sketch.band_keys:
            if partition_of_str(band, partitions) == partition:
                bands[band] = [*(bands.get(band) or ()), doc_id]
        if sketch.kind == "article" or quotable(sketch, params):  # the anchors fan_out indexes
            own = tweet_anchors if sketch.kind == "tweet" else article_anchors
            for anchor in sketch.anchors.tolist():
                if partition_of_int(anchor, partitions) == partition and _k(anchor) not in own:
                    own[_k(anchor)] = doc_id
        n += 1
    return n


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


def verdict_step(msg: dict[str, Any], pending: dict[str, Any] | None, done: dict[str, Any] | None,
                 now: float, params: DedupParams = PARAMS) -> tuple[dict[str, Any] | None, dict[str, Any] | None,
                                                                     dict[str, Any] | None, dict[str, Any] | None]:
    """One message (the document's envelope, or a partition's answer) at the verdict stage.

    Returns (pending entry to keep or None to delete, done entry to store or None, verdict to emit or None,
    document to forward or None). ``done`` remembers the verdict given to a raw message (its origin), so that a
    redelivery of that message re-emits the same verdict instead of judging the document a copy of itself.
    """
    origin = msg.get("o")
    if done is not None and origin and done.get("o") == origin:
        if msg["type"] != "doc":
            # an answer already used, delivered again: the crash that redelivers it may have lost the sends that
            # followed it, so they are repeated (the document while `done` still holds it; consumers are idempotent)
            return pending, None, done["v"], done.get("doc")
        verdict = done["v"]
        return None, None, verdict, _forwarded(msg, verdict)
    entry = dict(pending or {"replies": {}})
    if msg["type"] == "doc":
        entry["envelope"] = {k: msg[k] for k in ("doc_id", "doc", "sketch", "parts", "o") if k in msg}
    else:
        entry["replies"] = {**entry["replies"], f"{msg['part']}|{origin}": msg}
    envelope = entry.get("envelope")
    if envelope is None:
        return entry, None, None, None
    answers = [r for r in entry["replies"].values() if r.get("o") == envelope.get("o")]
    if len(answers) < envelope["parts"]:
        return entry, None, None, None
    verdict = combine_verdict(envelope, answers, params)
    if done is not None and _is_replay(verdict) and _is_copy(done["v"]):
        # a copy published again (or redelivered after its verdict was stored) stays a copy of its original:
        # forwarding it would add the copy's evidence and source to events it never earned
        verdict = {**done["v"], "decided_at": verdict["decided_at"]}
    forwarded = _forwarded(envelope, verdict)
    # the forwarded document stays in `done` for a while (see strip_done), for answers redelivered after a crash
    return None, {"o": envelope.get("o"), "v": verdict, "t": now, "doc": forwarded}, verdict, forwarded


def strip_done(entry: dict[str, Any], now: float, keep_seconds: float) -> dict[str, Any] | None:
    """The `done` entry without its document once a redelivery can no longer need it (offsets are committed every
    second; a redelivered answer arrives before anything newer in its partition). None: nothing to change."""
    if entry.get("doc") is not None and entry.get("t", now) < now - keep_seconds:
        return {k: v for k, v in entry.items() if k != "doc"}
    return None


def _is_replay(verdict: Mapping[str, Any]) -> bool:
    return verdict["verdict"] == "exact" and verdict["duplicate_of"] == verdict["doc_id"]


def _is_copy(verdict: Mapping[str, Any]) -> bool:
    return verdict["verdict"] in ("exact", "near") and verdict["duplicate_of"] != verdict["doc_id"]


def _forwarded(envelope: dict[str, Any], verdict: dict[str, Any]) -> dict[str, Any] | None:
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


def merge_candidates(candidates: list[dict[str, Any]], blocks: MutableMapping[str, Any], now: str,
                     received_at: float, partition: int = 0) -> list[dict[str, Any]]:
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
        block["t"], block["p"] = received_at, partition
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
