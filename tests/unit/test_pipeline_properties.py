"""Properties of the whole pipeline (intake -> cleaning -> dedup -> extraction -> merge, as LocalPipeline runs the
processor's stages) over generated streams of raw documents: articles and tweets made of news sentences, junk
characters, copies and near copies of earlier documents.

- no exception escapes: a document is accepted (and processed) or refused with InvalidMessage;
- every verdict validates against schemas/duplicates.schema.json, every event version against events.schema.json;
- evidence offsets stay inside the raw text of the document they cite;
- no event is dated after the latest publication among the reports it rests on;
- a redelivered document (at-least-once) changes nothing: no new event version, the same forwarding decision.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep import schemas
from sitrep.cleaning import clean_document
from sitrep.deadletter import InvalidMessage
from sitrep.processor import stages
from sitrep.processor.intake import accept_raw, parse_published
from sitrep.processor.pipeline import LocalPipeline
from sitrep.topics import RAW_TOPIC_BY_KIND
from tests.docgen import PLACES, _material

NOW = datetime(2024, 6, 1, tzinfo=UTC)
MAX_TEXT = 20_000
JUNK = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
SEPARATORS = [" ", "\n", "\n\n", " \t ", ". ", "\r\n", "\u00a0", "\u200b", " – "]


@st.composite
def texts(draw: st.DrawFn) -> str:
    _, sentences, tweets = _material()
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        choice = draw(st.integers(0, 9))
        if choice < 6:
            parts.append(draw(st.sampled_from(sentences)))
        elif choice < 7:
            parts.append(draw(st.sampled_from(tweets)))
        elif choice < 8:
            parts.append(f"{draw(st.integers(0, 999))} killed in {draw(st.sampled_from(PLACES))} on "
                         f"{draw(st.sampled_from(['Monday', 'Friday', 'March 3', '12 May', 'yesterday']))}")
        else:
            parts.append(draw(JUNK))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


@st.composite
def raw_docs(draw: st.DrawFn, i: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["article", "article", "tweet"]))
    published = draw(st.dates(min_value=date(1989, 12, 1), max_value=date(2024, 6, 10)))
    stamp = published.isoformat() + draw(st.sampled_from(["", "T08:30:00Z", "T23:59:59+03:00", " 12:00"]))
    record: dict[str, Any] = {"id": f"p{i}", "kind": kind, "source": draw(st.sampled_from(["A", "B", "twitter"])),
                              "published_at": stamp, "title": draw(st.none() | st.text(max_size=40)),
                              "text": draw(texts())}
    if kind == "tweet":
        record["author"] = "someone"
    return record


@st.composite
def streams(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A stream with exact and near copies (new ids) of earlier documents."""
    out: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 12))):
        roll = draw(st.integers(0, 9))
        if out and roll == 0:
            out.append(dict(draw(st.sampled_from(out)), id=f"p{i}"))
        elif out and roll == 1:
            base = draw(st.sampled_from(out))
            out.append(dict(base, id=f"p{i}", text=base["text"] + draw(st.sampled_from(SEPARATORS)) + draw(texts())))
        else:
            out.append(draw(raw_docs(i)))
    return out


def accept(raw: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return accept_raw(RAW_TOPIC_BY_KIND[raw["kind"]], schemas.encode(raw), MAX_TEXT, now=NOW)
    except InvalidMessage:
        return None


def check_event(event: dict[str, Any], raw_text: dict[str, str], published: dict[str, datetime]) -> None:
    schemas.check("events", event)
    for ev in event["evidence"]:
        assert 0 <= ev["start"] <= ev["end"] <= len(raw_text[ev["doc_id"]]), ev
    latest = max(published[d] for d in event["source_doc_ids"])
    assert date.fromisoformat(event["event_date"]) <= latest.date(), (event["event_date"], latest)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(streams())
def test_generated_streams_flow_through_the_whole_pipeline(stream: list[dict[str, Any]]) -> None:
    pipeline = LocalPipeline()
    raw_text: dict[str, str] = {}
    published: dict[str, datetime] = {}
    for raw in stream:
        record = accept(raw)
        if record is None:
            continue
        for doc, verdict in pipeline.dedup(record):
            schemas.check("duplicates", verdict)
            assert verdict["doc_id"] == doc["id"]
            raw_text[doc["id"]] = record["text"]  # evidence offsets are into the raw text (see cleaning.segments)
            published[doc["id"]] = parse_published(record["published_at"])
            if stages.forward(verdict):
                for event in pipeline.extract(doc):
                    check_event(event, raw_text, published)
    for event in pipeline.events.values():
        check_event(event, raw_text, published)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(streams())
def test_a_redelivered_unique_document_adds_no_event_version(stream: list[dict[str, Any]]) -> None:
    pipeline = LocalPipeline()
    forwarded = []
    for raw in stream:
        record = accept(raw)
        if record is None:
            continue
        for doc, verdict in pipeline.dedup(record):
            if verdict["verdict"] in ("unique", "quoted"):
                pipeline.extract(doc)
                forwarded.append(record)
    before = dict(pipeline.events)
    for record in forwarded:  # the whole stream again, as after a crash before any offset was committed
        for doc, verdict in pipeline.dedup(record):
            if stages.forward(verdict):
                assert pipeline.extract(doc) == []
    assert pipeline.events == before


def test_a_redelivered_duplicate_is_judged_as_the_first_time() -> None:
    text = ("Coalition aircraft struck an ISIS convoy near Palmyra on Monday, killing 12 fighters, the monitor "
            "said. The strikes destroyed six vehicles on the road to Deir ez-Zor.")
    original = {"id": "orig", "kind": "article", "source": "A", "published_at": "2024-03-04", "title": None,
                "text": text}
    copy = dict(original, id="copy", source="B", published_at="2024-03-05")
    pipeline = LocalPipeline()
    list(pipeline.dedup(original))
    [(_, first)] = list(pipeline.dedup(copy))
    assert first["verdict"] == "exact" and first["duplicate_of"] == "orig"
    [(_, again)] = list(pipeline.dedup(copy))  # the same document again (a replay, or a redelivery)
    assert (again["verdict"], again["duplicate_of"]) == (first["verdict"], first["duplicate_of"])
    assert stages.forward(again) == stages.forward(first)


# C0 and C1 controls and DEL (NUL is refused at intake); tab and newline are the only ones clean text may keep
CONTROLS = [chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0))]


@settings(max_examples=50, deadline=None)
@given(texts(), st.lists(st.sampled_from(CONTROLS), min_size=1, max_size=5))
def test_clean_text_carries_no_control_characters(text: str, controls: list[str]) -> None:
    dirty = "".join(c + w for c, w in zip(controls, [text, " Shelling hit Homs on Monday.", " x", " y", " z"],
                                          strict=False))
    raw = {"id": "c", "kind": "article", "source": "s", "published_at": "2024-01-01", "title": None, "text": dirty}
    for doc in clean_document(raw):
        assert not set(doc["text"]) & set(CONTROLS), repr(doc["text"])
