"""Poison beyond test_dead_letters.py: wrong field types, texts past SITREP_MAX_TEXT_CHARS, bad UTF-8 inside JSON,
control characters, absurd dates, NaN/infinite/out-of-range coordinates and invalid events on the events topic,
garbage on the documents topic. Each lands on the dead-letter topic with its reason and origin (topic, partition,
offset of the poison itself), good input interleaved with it still flows, and no service stops.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer

from tests.integration.test_storage_backends import event
from tests.support import Service, read_topic, wait_for

pytestmark = pytest.mark.integration

MAX_TEXT = 5000
GOOD = {"id": "good", "kind": "article", "source": "Example", "published_at": "2024-03-01", "title": "t",
        "text": "Artillery shelling hit the village of Kafr Nabl in Idlib on Monday, killing two people."}
CTL_TEXT = "Clashes erupted in Deir ez-Zor on Friday between SDF fighters and ISIS, leaving five dead."
HEAD = b'{"id":"x","kind":"article","source":"s","published_at":"2024-03-01",'


def article(**over: Any) -> bytes:
    return orjson.dumps(GOOD | over)


# raw bytes on raw.articles -> the reason its dead letter must give
RAW_POISON: list[tuple[bytes, str]] = [
    (article(id=5), "schema"),
    (article(published_at=20240301), "schema"),
    (article(title=["a", "list"]), "schema"),
    (article(kind="tweet", author="x"), "schema"),  # a tweet on the articles topic
    (b"[1, 2, 3]", "schema"),
    (b"null", "schema"),
    (article(text="word " * (MAX_TEXT // 5 + 1)), "text_too_large"),
    (HEAD + b'"text":"caf\xc3\x28 \xff"}', "invalid_utf8"),  # valid JSON framing, broken bytes inside a string
    (HEAD + b'"text":"a\x07b"}', "invalid_json"),  # an unescaped control character is not JSON
    (HEAD + b'"text":"lone \\ud800 surrogate"}', "invalid_json"),
    (article(text="nul \u0000 inside"), "control_characters"),
    (article(published_at="1800-01-01"), "absurd_date"),
    (article(published_at="2024-13-45"), "bad_date"),
    (article(published_at="2024-03-01T10:00:00+99:00"), "bad_date"),
    (article(published_at="9999-12-31T23:59:59Z"), "future_date"),
    (HEAD + b'"text":"x","score":NaN}', "invalid_json"),
]


def read_json(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """The JSON records of a topic, skipping the poison the test itself put there."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                             consumer_timeout_ms=1500)
    out = []
    try:
        for message in consumer:
            with contextlib.suppress(orjson.JSONDecodeError):
                out.append(orjson.loads(message.value))
    finally:
        consumer.close()
    return out


def located(lat: Any, lon: Any = 38.6) -> dict[str, Any]:
    return {"location": {"lat": lat, "lon": lon}}


def nan_event(literal: bytes) -> bytes:
    """An otherwise valid event whose latitude is a bare NaN/Infinity token (what json.dumps writes for float nan)."""
    return orjson.dumps(event("evt-nan")).replace(b'"lat":33.5', b'"lat":' + literal)


# bytes on events -> reason (storage and the alerter both consume it, so each poison gives two letters)
EVENT_POISON: list[tuple[bytes, str]] = [
    (nan_event(b"NaN"), "invalid_json"),
    (nan_event(b"Infinity"), "invalid_json"),
    (nan_event(b"1e999"), "invalid_json"),
    (orjson.dumps(event("evt-lat", **located(123.0))), "schema"),
    (orjson.dumps(event("evt-lon", **located(33.5, -200.0))), "schema"),
    (orjson.dumps(event("evt-v0", 0)), "schema"),
    (orjson.dumps(event("evt-vstr", "2")), "schema"),  # type: ignore[arg-type]
    (orjson.dumps(event("evt-type", sub_event_type="Picnic")), "schema"),
    (orjson.dumps(event("evt-date", event_date="18 May 2017")), "schema"),
    (orjson.dumps(event("evt-neg", fatalities=-3)), "schema"),
    (orjson.dumps({k: v for k, v in event("evt-noloc").items() if k != "location"}), "schema"),
    (b"\xff\xfe\x00", "invalid_utf8"),
    (b"\x00\x01\x02", "invalid_json"),
    (b"", "invalid_json"),
]


def test_poison_is_dead_lettered_with_reason_and_origin_and_good_input_flows(service_env, tmp_path, kafka_bootstrap,
                                                                            topic_prefix):
    subs = tmp_path / "subs.yaml"
    subs.write_text("subscriptions:\n  - name: everything\n    match_all: true\n")
    env = {**service_env, "SITREP_MAX_TEXT_CHARS": str(MAX_TEXT), "SITREP_SUBSCRIPTIONS": str(subs),
           "SITREP_ALERTER_STATE": str(tmp_path / "alerts.db")}
    services = [Service([name], env, tmp_path).start() for name in ("processor", "storage", "alerter")]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    raw, events, documents = (f"{topic_prefix}{t}" for t in ("raw.articles", "events", "documents"))
    try:
        for service in services:
            service.wait_healthy(90)
        # poison and good input interleaved: each good message right after a poison one must still get through
        offsets: dict[tuple[str, int], str] = {}
        good_ids = []
        for n, (value, reason) in enumerate(RAW_POISON):
            offsets[(raw, producer.send(raw, key=b"poison", value=value).get(30).offset)] = reason
            good_ids.append(f"good-{n}")
            producer.send(raw, key=good_ids[-1].encode(),
                          value=article(id=good_ids[-1], text=f"{GOOD['text']} Report {n}."))
        # control characters that are valid JSON escapes are not poison: cleaned, then processed
        producer.send(raw, key=b"ctl", value=article(id="ctl", text=f"\x1b[31m{CTL_TEXT}\x07 \x7f\x0b end"))
        good_ids.append("ctl")
        for n, (value, reason) in enumerate(EVENT_POISON):
            offsets[(events, producer.send(events, key=b"poison", value=value).get(30).offset)] = reason
            good = event(f"evt-good-{n}")
            producer.send(events, key=good["event_id"].encode(), value=orjson.dumps(good))
        offsets[(documents, producer.send(documents, key=b"poison", value=b"{broken").get(30).offset)] = "any"
        producer.flush()

        want = len(RAW_POISON) + 2 * len(EVENT_POISON) + 1  # documents garbage: storage (its only consumer)
        letters = wait_for(lambda: (lambda ls: ls if len(ls) >= want else None)(
            read_topic(kafka_bootstrap, f"{topic_prefix}deadletter", 1500)), 120, f"{want} dead letters")
        assert len(letters) == want, Counter((x["service"], x["reason"]) for x in letters)
        for letter in letters:
            origin = letter["origin"]
            key = (origin["topic"], origin["offset"])
            assert key in offsets, f"a dead letter for something that was not poison: {letter}"
            if offsets[key] != "any":
                assert letter["reason"] == offsets[key], letter
            assert origin["partition"] == 0 and letter["error"] and letter["failed_at"]
            assert letter["payload_encoding"] in ("utf-8", "base64")
        by_service = Counter(x["service"] for x in letters)
        assert by_service == {"processor": len(RAW_POISON), "storage": len(EVENT_POISON) + 1,
                              "alerter": len(EVENT_POISON)}

        # every good document was judged (the near-identical good reports are duplicates of the first, which is
        # fine: judged is processed)
        verdicts = wait_for(lambda: (lambda v: v if {x["doc_id"] for x in v} >= set(good_ids) else None)(
            read_json(kafka_bootstrap, f"{topic_prefix}duplicates")), 90, "a verdict on every good document")
        assert {x["doc_id"] for x in verdicts} == set(good_ids)
        docs = read_json(kafka_bootstrap, documents)
        [ctl] = [d for d in docs if d.get("raw_id") == "ctl"]
        assert "SDF fighters" in ctl["text"] and not {"\x1b", "\x07", "\x7f"} & set(ctl["text"])
        alerts = wait_for(lambda: (lambda a: a if len(a) >= len(EVENT_POISON) else None)(
            read_topic(kafka_bootstrap, f"{topic_prefix}alerts.everything", 1500)), 60, "alerts for good events")
        assert {a["event_id"] for a in alerts} >= {f"evt-good-{n}" for n in range(len(EVENT_POISON))}
        for service in services:
            assert service.proc is not None and service.proc.poll() is None, service.log()[-2000:]
    finally:
        producer.close()
        for service in services:
            service.stop()
