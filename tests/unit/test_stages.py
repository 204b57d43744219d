"""The processor's stages over plain dicts: what the faust tables do, without a broker."""

from __future__ import annotations

import time

from sitrep.processor import stages


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


def judge(
    state: State, doc: dict, origin: str, parts: int = 3, pending: dict | None = None, done: dict | None = None
) -> stages.VerdictStep:
    """Run a document through fan_out, every partition it touches, and the verdict step, answers in reverse order."""
    envelope, messages = stages.fan_out(doc, parts, time.time(), origin)
    pending_entry = (pending or {}).get(doc["id"])
    done_entry = (done or {}).get(doc["id"])
    for p, m in sorted(messages.items(), reverse=True):
        reply = stages.visit_partition(m, p, state.sketches, state.bands, state.tweets, state.articles)
        if reply is not None:
            pending_entry = stages.verdict_step(reply, pending_entry, done_entry, time.time()).pending
    return stages.verdict_step(envelope, pending_entry, done_entry, time.time())


def test_a_copy_is_exact_and_a_new_text_is_unique_whatever_the_answer_order():
    state = State()
    step = judge(state, _doc("a", TEXT), "raw:0:1")
    assert step.verdict["verdict"] == "unique" and step.forwarded["id"] == "a" and step.done["origin"] == "raw:0:1"
    step = judge(state, _doc("b", TEXT, "2024-03-02") | {"content_hash": "a"}, "raw:0:2")
    assert (step.verdict["verdict"], step.verdict["duplicate_of"]) == ("exact", "a") and step.forwarded is None


def test_a_duplicate_of_done_work_does_nothing_and_a_replay_is_an_exact_copy_of_itself():
    state = State()
    first = judge(state, _doc("a", TEXT), "raw:0:1")
    edited = TEXT.replace("Word3 ", "Term3 ").replace("Word9 ", "Term9 ")
    judge(state, _doc("c", edited, "2024-03-05"), "raw:0:2")
    # a's raw message handled again (an upstream replay after a crash): the partitions and the verdict stage know
    # the origin, and everything it produced the first time was acknowledged before they wrote it down
    envelope, messages = stages.fan_out(_doc("a", TEXT), 3, time.time(), "raw:0:1")
    assert all(
        stages.visit_partition(m, p, state.sketches, state.bands, state.tweets, state.articles) is None
        for p, m in messages.items()
    )
    again = stages.verdict_step(envelope, None, first.done, time.time())
    assert again == stages.VerdictStep(None)
    # the same document published again (a new raw offset) is a replay: an exact copy of itself, still forwarded
    replay = judge(state, _doc("a", TEXT), "raw:0:9", done={"a": first.done})
    assert (replay.verdict["verdict"], replay.verdict["duplicate_of"]) == ("exact", "a")
    assert replay.forwarded is not None


def test_pending_waits_for_every_partition():
    state = State()
    envelope, messages = stages.fan_out(_doc("a", TEXT), 4, time.time(), "raw:0:1")
    assert envelope["parts"] == len(messages) >= 2
    step = stages.verdict_step(envelope, None, None, time.time())
    assert step.pending is not None and step.verdict is None and step.done is None
    for n, (p, m) in enumerate(sorted(messages.items())):
        reply = stages.visit_partition(m, p, state.sketches, state.bands, state.tweets, state.articles)
        step = stages.verdict_step(reply, step.pending, None, time.time())
        assert (step.verdict is None) == (n < len(messages) - 1)
    assert step.verdict is not None and step.pending is None and step.verdict["verdict"] == "unique"


def test_a_reply_delivered_twice_is_counted_once():
    state = State()
    envelope, messages = stages.fan_out(_doc("a", TEXT), 4, time.time(), "raw:0:1")
    replies = [
        stages.visit_partition(m, p, state.sketches, state.bands, state.tweets, state.articles)
        for p, m in sorted(messages.items())
    ]
    step = stages.verdict_step(envelope, None, None, time.time())
    for reply in [replies[0], *replies[:-1]]:  # the first twice, the last not yet
        step = stages.verdict_step(reply, step.pending, None, time.time())
    assert step.verdict is None
    step = stages.verdict_step(replies[-1], step.pending, None, time.time())
    assert step.verdict is not None and step.verdict["verdict"] == "unique"
