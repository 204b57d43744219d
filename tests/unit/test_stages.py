"""The processor's stages over plain dicts: what the faust tables do, without a broker."""

from __future__ import annotations

import time

from sitrep.dedup import make_sketch
from sitrep.processor import stages
from sitrep.processor.messages import DedupRequest


def _doc(doc_id: str, text: str, published: str = "2024-03-01", kind: str = "article") -> dict:
    return {
        "id": doc_id,
        "raw_id": doc_id,
        "parent_id": None,
        "kind": kind,
        "url": None,
        "source": "s",
        "published_at": published,
        "title": None,
        "author": None,
        "text": text,
        "segments": [[0, 0, len(text)]],
        "quotes": [],
        "content_hash": doc_id,
    }


TEXT = " ".join(f"Word{i} shelling hit the village of Kafr{i % 7} on Monday killing {i} people." for i in range(40))


class State:
    def __init__(self) -> None:
        self.sketches: dict = {}
        self.bands: dict = {}
        self.tweets: dict = {}
        self.articles: dict = {}


def judge(state: State, doc: dict, origin: str) -> tuple[dict | None, dict | None]:
    """A document through the dedup partition: (verdict or None, forwarded document or None)."""
    sketch = stages.encode_sketch(make_sketch(doc, stages.PARAMS))
    request = DedupRequest(
        type="dedup", doc_id=doc["id"], doc=doc, sketch=sketch, received_at=time.time(), origin=origin
    )
    verdict = stages.dedup_step(request, state.sketches, state.bands, state.tweets, state.articles)
    return verdict, (stages.forwarded(request, verdict) if verdict else None)


def test_a_copy_is_exact_and_a_new_text_is_unique():
    state = State()
    verdict, forwarded = judge(state, _doc("a", TEXT), "raw:0:1")
    assert verdict["verdict"] == "unique" and forwarded["id"] == "a"
    verdict, forwarded = judge(state, _doc("b", TEXT, "2024-03-02") | {"content_hash": "a"}, "raw:0:2")
    assert (verdict["verdict"], verdict["duplicate_of"]) == ("exact", "a") and forwarded is None


def test_a_duplicate_of_judged_work_does_nothing_and_a_replay_is_an_exact_copy_of_itself():
    state = State()
    judge(state, _doc("a", TEXT), "raw:0:1")
    # a's raw message handled again (an upstream replay after a crash): everything it produced the first time was
    # acknowledged before its sketch was stored, so nothing is sent again
    assert judge(state, _doc("a", TEXT), "raw:0:1") == (None, None)
    # the same document published again (a new raw offset) is a replay: an exact copy of itself, still forwarded
    replay, forwarded = judge(state, _doc("a", TEXT), "raw:0:9")
    assert (replay["verdict"], replay["duplicate_of"]) == ("exact", "a") and forwarded is not None


def test_a_copy_published_again_stays_a_copy_of_its_original():
    state = State()
    judge(state, _doc("a", TEXT), "raw:0:1")
    copy = _doc("b", TEXT, "2024-03-02") | {"content_hash": "a"}
    first, _ = judge(state, copy, "raw:0:2")
    again, forwarded = judge(state, copy, "raw:0:7")
    assert (again["verdict"], again["duplicate_of"]) == (first["verdict"], first["duplicate_of"]) == ("exact", "a")
    assert forwarded is None


def test_lsh_state_split_over_partitions_gives_the_verdict_of_one_partition():
    """The split form (fan_out, a reply per partition, combine_verdict in any order) and the one the processor
    runs (every sketch on one partition) agree."""
    one, split = State(), State()
    edited = TEXT.replace("Word3 ", "Term3 ").replace("Word9 ", "Term9 ")
    for n, (doc_id, text, day) in enumerate([("a", TEXT, "01"), ("c", edited, "05"), ("d", TEXT + " More.", "02")]):
        doc = _doc(doc_id, text, f"2024-03-{day}")
        want, _ = judge(one, doc, f"raw:0:{n}")
        envelope, messages = stages.fan_out(doc, 4, time.time(), f"raw:0:{n}")
        replies = [
            stages.visit_partition(m, p, split.sketches, split.bands, split.tweets, split.articles)
            for p, m in sorted(messages.items(), reverse=True)
        ]
        got = stages.combine_verdict(envelope, [r for r in replies if r is not None])
        assert (got["verdict"], got["duplicate_of"], got["similarity"]) == (
            want["verdict"],
            want["duplicate_of"],
            want["similarity"],
        )
