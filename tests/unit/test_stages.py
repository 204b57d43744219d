"""The processor's stages over plain dicts: what the faust tables do, without a broker."""

from __future__ import annotations

import time

from sitrep.processor import stages


def _doc(doc_id: str, text: str, published: str = "2024-03-01", kind: str = "article") -> dict:
    return {"id": doc_id, "raw_id": doc_id, "parent_id": None, "kind": kind, "url": None, "source": "s",
            "published_at": published, "title": None, "author": None, "text": text,
            "segments": [[0, 0, len(text)]], "quotes": [], "content_hash": doc_id}


TEXT = " ".join(f"Word{i} shelling hit the village of Kafr{i % 7} on Monday killing {i} people." for i in range(40))


class State:
    def __init__(self) -> None:
        self.sketches: dict = {}
        self.bands: dict = {}
        self.tweets: dict = {}
        self.articles: dict = {}


def judge(state: State, doc: dict, origin: str, parts: int = 3, pending: dict | None = None,
          done: dict | None = None) -> tuple[dict | None, dict | None, dict | None, dict | None]:
    """Run a document through fan_out, every partition it touches, and the verdict step, answers in reverse order."""
    envelope, messages = stages.fan_out(doc, parts, time.time(), origin)
    pending_entry = (pending or {}).get(doc["id"])
    done_entry = (done or {}).get(doc["id"])
    result = None
    for p, m in sorted(messages.items(), reverse=True):
        reply = stages.visit_partition(m, p, state.sketches, state.bands, state.tweets, state.articles)
        result = stages.verdict_step({"type": "reply", **reply}, pending_entry, done_entry, time.time())
        pending_entry = result[0]
    result = stages.verdict_step({"type": "doc", **envelope}, pending_entry, done_entry, time.time())
    return result


def test_a_copy_is_exact_and_a_new_text_is_unique_whatever_the_answer_order():
    state = State()
    _, done, verdict, forwarded = judge(state, _doc("a", TEXT), "raw:0:1")
    assert verdict["verdict"] == "unique" and forwarded["id"] == "a" and done["o"] == "raw:0:1"
    _, _, verdict, forwarded = judge(state, _doc("b", TEXT, "2024-03-02") | {"content_hash": "a"}, "raw:0:2")
    assert (verdict["verdict"], verdict["duplicate_of"]) == ("exact", "a") and forwarded is None


def test_a_redelivered_message_gets_its_first_verdict_and_a_replay_is_an_exact_copy_of_itself():
    state = State()
    _, done_a, first, _ = judge(state, _doc("a", TEXT), "raw:0:1")
    # a near copy arrives after a
    edited = TEXT.replace("Word3 ", "Term3 ").replace("Word9 ", "Term9 ")
    judge(state, _doc("c", edited, "2024-03-05"), "raw:0:2")
    # a is delivered again from the same raw offset (a crash before the commit): same verdict, not "copy of c"
    _, _, again, forwarded = judge(state, _doc("a", TEXT), "raw:0:1", done={"a": done_a})
    assert again == first and forwarded is not None
    # without the done entry (lost with the crash), the partitions still answer as the first time
    _, _, recomputed, _ = judge(state, _doc("a", TEXT), "raw:0:1")
    assert recomputed["verdict"] == "unique"
    # the same document published again (a new raw offset) is a replay: an exact copy of itself, still forwarded
    _, _, replay, forwarded = judge(state, _doc("a", TEXT), "raw:0:9", done={"a": done_a})
    assert (replay["verdict"], replay["duplicate_of"]) == ("exact", "a") and forwarded is not None


def test_pending_waits_for_every_partition():
    state = State()
    envelope, messages = stages.fan_out(_doc("a", TEXT), 4, time.time(), "raw:0:1")
    assert envelope["parts"] == len(messages) >= 2
    keep, done, verdict, _ = stages.verdict_step({"type": "doc", **envelope}, None, None, time.time())
    assert keep is not None and verdict is None and done is None
    for n, (p, m) in enumerate(sorted(messages.items())):
        reply = stages.visit_partition(m, p, state.sketches, state.bands, state.tweets, state.articles)
        keep, done, verdict, _ = stages.verdict_step({"type": "reply", **reply}, keep, None, time.time())
        assert (verdict is None) == (n < len(messages) - 1)
    assert verdict is not None and keep is None and verdict["verdict"] == "unique"


def test_an_answer_redelivered_after_the_verdict_repeats_the_verdict_and_the_document():
    """A crash after the verdict was stored but before its sends were flushed: the last answer comes again (its
    offset was not committed), the envelope does not (it was). Nothing may be lost."""
    state = State()
    envelope, messages = stages.fan_out(_doc("a", TEXT), 1, time.time(), "raw:0:1")
    [(p, m)] = messages.items()
    reply = {"type": "reply", **stages.visit_partition(m, p, state.sketches, state.bands, state.tweets,
                                                       state.articles)}
    keep, _, _, _ = stages.verdict_step({"type": "doc", **envelope}, None, None, time.time())
    keep, done, verdict, forwarded = stages.verdict_step(reply, keep, None, time.time())
    assert keep is None and verdict["verdict"] == "unique" and forwarded["id"] == "a"
    _, again_done, again, again_doc = stages.verdict_step(reply, None, done, time.time())
    assert again == verdict and again_doc == forwarded and again_done is None
    # once redeliveries can no longer come, the document is dropped from `done` (the verdict stays)
    stripped = stages.strip_done(done, time.time() + 60, 30)
    assert stripped is not None and "doc" not in stripped and stripped["v"] == verdict
    assert stages.strip_done(done, time.time(), 30) is None
